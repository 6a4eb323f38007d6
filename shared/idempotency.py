"""request_id idempotency for Create-style RPCs (AIP-155).

The first call with a request_id records the key and, in the same transaction,
its response; a retry gets that stored response byte for byte. Concurrent
duplicates serialize on the key's primary key: the second waits for the first
to commit, then replays its answer. Reusing a request_id for a different request
is ALREADY_EXISTS. Each service's first migration creates `idempotency_keys`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from google.protobuf.message import Message
from sqlalchemy import Column, DateTime, LargeBinary, MetaData, PrimaryKeyConstraint, Table, Text, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

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


async def run_once(
    session: AsyncSession,
    table: Table,
    *,
    tenant_id: str,
    request_id: str,
    method: str,
    request: Message,
    response_type: type[R],
    compute: Callable[[], Awaitable[R]],
) -> R:
    if not request_id:
        return await compute()
    fingerprint = hashlib.sha256(request.SerializeToString(deterministic=True)).digest()
    claimed = await session.execute(
        insert(table)
        .values(tenant_id=tenant_id, request_id=request_id, method=method, request_fingerprint=fingerprint)
        .on_conflict_do_nothing()
        .returning(table.c.request_id)
    )
    if claimed.first() is None:
        row = (
            await session.execute(
                select(table.c.method, table.c.request_fingerprint, table.c.response).where(
                    table.c.tenant_id == tenant_id, table.c.request_id == request_id
                )
            )
        ).one()
        if row.method != method or row.request_fingerprint != fingerprint or row.response is None:
            raise AlreadyExists("request", request_id, "request_id was already used for a different request")
        return response_type.FromString(row.response)
    response = await compute()
    await session.execute(
        table.update()
        .where(table.c.tenant_id == tenant_id, table.c.request_id == request_id)
        .values(response=response.SerializeToString(deterministic=True))
    )
    return response


def create_idempotency_table(op) -> None:
    """Alembic DDL for idempotency_keys; call from a service's first migration."""
    idempotency_table(MetaData()).create(op.get_bind())
