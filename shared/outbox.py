"""The transactional outbox: messages written in the same transaction as the change that causes them.

A service never calls another service inside a business transaction. It writes the message the
target RPC needs into its own `outbox` table with `enqueue()` in the same transaction; if the
transaction rolls back, the message never existed; if it commits, the relay (shared/outbox_relay.py)
delivers it, retrying until the target acknowledges. Targets are idempotent on the event id, so
redelivery after a crash is harmless.

Where a message goes is data, a `Route`: the destination name stored in each row, the target
service (its address comes from the sender's settings, see shared/services.py), the target RPC, the
message type, and how messages are batched into one request. The routes themselves are declared in
shared/routes.py (audit is one of them); this module knows no contract.

Each row also keeps the W3C `traceparent` of the span that wrote it (shared/tracing.py), so the relay's
delivery continues the trace of the request that caused the message.

Each service's first migration creates the table with `create_outbox_table()`, in the shape it first had;
later columns come with their own migration (`add_outbox_traceparent()`).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field

import grpc
from google.protobuf.message import Message
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    bindparam,
    func,
    text,
)

from shared.db import Query, Session
from shared.tracing import current_traceparent

# A target that answers one of these refused the content itself: retrying the same batch unchanged
# cannot succeed, so the relay retries it row by row (a single bad row must not hold back the others).
PERMANENT_CODES = frozenset({grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.RESOURCE_EXHAUSTED})


@dataclass(frozen=True)
class Route:
    """One kind of outbox message and where the relay delivers it."""

    #: Value of outbox.destination for these rows; also the route's name in logs and backlog figures.
    destination: str
    #: The target service (a name of shared/services.py); the address is settings.address_of(service).
    service: str
    #: Full gRPC method path of the target RPC, e.g. "/learning.audit.v1.AuditService/RecordEvents".
    method: str
    #: What one outbox row holds.
    message_type: type[Message]
    request_type: type[Message]
    response_type: type[Message]
    #: The repeated field of request_type that carries a batch of messages; None means one call per
    #: message, with the message itself as the request.
    batch_field: str | None = None
    permanent_codes: frozenset[grpc.StatusCode] = field(default=PERMANENT_CODES)

    def request(self, messages: list[Message]) -> Message:
        """The request of one delivery call (batched routes only)."""
        assert self.batch_field is not None
        return self.request_type(**{self.batch_field: messages})


def outbox_table(metadata: MetaData, *, traceparent: bool = True) -> Table:
    """The outbox as the code uses it; `traceparent=False` is its first shape, before that column came."""
    later = [Column("traceparent", Text)] if traceparent else []  # NULL: written outside any trace
    return Table(
        "outbox",
        metadata,
        Column("tenant_id", Text, nullable=False),
        Column("event_id", Text, nullable=False),
        # Global insertion order, so a route delivers oldest first (not used as a cursor: see relay).
        Column("position", BigInteger, Identity(), nullable=False),
        Column("destination", Text, nullable=False),
        Column("message_type", Text, nullable=False),
        Column("message", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("available_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
        Column("delivered_at", DateTime(timezone=True)),
        *later,
        PrimaryKeyConstraint("tenant_id", "event_id"),
        Index("outbox_pending_idx", "destination", "available_at", "position",
              postgresql_where=text("delivered_at IS NULL")),
    )


def create_outbox_table(op) -> None:
    """Alembic DDL for the outbox as first released; call from a service's first migration (only: released
    migrations must keep building what they built)."""
    metadata = MetaData()
    outbox_table(metadata, traceparent=False).create(op.get_bind())


def add_outbox_traceparent(op) -> None:
    """Alembic DDL of the traceparent column (issue 12). Nullable without a default: PostgreSQL only records
    it in the catalog, however many rows the outbox holds; rows written before it deliver without a trace."""
    op.add_column("outbox", Column("traceparent", Text))


async def enqueue(session: Session, table: Table, route: Route, *, tenant_id: str, message: Message,
                  event_id: str | None = None) -> str:
    """Add `message` for `route` to the outbox inside the caller's transaction; returns the event id."""
    if not isinstance(message, route.message_type):
        raise TypeError(f"route {route.destination!r} carries {route.message_type.__name__}, "
                        f"not {type(message).__name__}")
    event_id = event_id or str(uuid.uuid4())
    await session.execute(_insert(table), tenant_id=tenant_id, event_id=event_id, destination=route.destination,
                          message_type=message.DESCRIPTOR.full_name,
                          message=message.SerializeToString(deterministic=True), traceparent=current_traceparent())
    return event_id


@functools.cache
def _insert(table: Table) -> Query:
    """INSERT of one outbox row into a service's outbox table, compiled once."""
    columns = ("tenant_id", "event_id", "destination", "message_type", "message", "traceparent")
    return Query(table.insert().values(**{name: bindparam(name) for name in columns}))
