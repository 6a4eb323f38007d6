"""request_id idempotency for Create-style RPCs (AIP-155).

The first call with a request_id records the key and, in the same transaction,
its response; a retry gets that stored response byte for byte (`Once.replayed` tells the
servicer, which may refresh parts that describe current state). Concurrent
duplicates serialize on the key's primary key: the second waits for the first
to commit, then replays its answer. Reusing a request_id for a different request
is ALREADY_EXISTS. Each service's first migration creates `idempotency_keys`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from google.protobuf.message import Message
from sqlalchemy import (
    Column,
    DateTime,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    bindparam,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert

from shared.db import Query, Session
from shared.errors import AlreadyExists

R = TypeVar("R", bound=Message)


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("tenant_id", Text, nullable=False),
        Column("request_id", Text, nullable=False),
        Column("method", Text, nullable=False),
        Column("request_fingerprint", LargeBinary, nullable=False),
        Column("response", LargeBinary),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("tenant_id", "request_id"),
    )


@dataclass(frozen=True)
class Once(Generic[R]):
    """The answer of `run_once`: the response, and whether it is a stored answer to an earlier call."""

    response: R
    replayed: bool


async def run_once(
    session: Session,
    table: Table,
    *,
    tenant_id: str,
    request_id: str,
    request: Message,
    response_type: type[R],
    compute: Callable[[], Awaitable[R]],
    conflict_metadata: Callable[[R | None], dict[str, str]] | None = None,
) -> Once[R]:
    """Run `compute` once per (tenant_id, request_id), inside the caller's transaction.

    A retry (same request_id, same request) gets the stored response with `replayed` set; a
    request_id reused for a different request is ALREADY_EXISTS, whose ErrorInfo.metadata carries
    "request_id" plus what `conflict_metadata` derives from the first call's response. Without a
    request_id, `compute` simply runs. The method is the request message's name minus "Request".
    """
    if not request_id:
        return Once(await compute(), replayed=False)
    method = request.DESCRIPTOR.name.removesuffix("Request")
    fingerprint = hashlib.sha256(request.SerializeToString(deterministic=True)).digest()
    statements = _statements(table)
    claimed = await session.execute(statements.claim, tenant_id=tenant_id, request_id=request_id, method=method,
                                    request_fingerprint=fingerprint)
    if claimed.first() is None:
        row = (await session.execute(statements.stored, tenant_id=tenant_id, request_id=request_id)).one()
        if row.method != method or row.request_fingerprint != fingerprint or row.response is None:
            first = response_type.FromString(row.response) if row.method == method and row.response else None
            metadata = {"request_id": request_id, **(conflict_metadata(first) if conflict_metadata else {})}
            raise AlreadyExists("request", request_id, "request_id was already used for a different request",
                                metadata=metadata)
        return Once(response_type.FromString(row.response), replayed=True)
    response = await compute()
    # Stored with the commit (nothing reads it before): one statement fewer per Create call.
    session.at_commit(statements.answer, tenant_id=tenant_id, request_id=request_id,
                      response=response.SerializeToString(deterministic=True))
    return Once(response, replayed=False)


@dataclass(frozen=True)
class _Statements:
    claim: Query
    stored: Query
    answer: Query


@functools.cache
def _statements(table: Table) -> _Statements:
    """The three statements of run_once for one service's table, compiled once."""
    key = (table.c.tenant_id == bindparam("tenant_id"), table.c.request_id == bindparam("request_id"))
    return _Statements(
        claim=Query(insert(table).values(tenant_id=bindparam("tenant_id"), request_id=bindparam("request_id"),
                                         method=bindparam("method"),
                                         request_fingerprint=bindparam("request_fingerprint"))
                    .on_conflict_do_nothing().returning(table.c.request_id)),
        stored=Query(select(table.c.method, table.c.request_fingerprint, table.c.response).where(*key)),
        answer=Query(table.update().where(*key).values(response=bindparam("response"))),
    )


def create_idempotency_table(op) -> None:
    """Alembic DDL for idempotency_keys; call from a service's first migration."""
    idempotency_table(MetaData()).create(op.get_bind())
