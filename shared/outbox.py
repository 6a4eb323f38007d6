"""The transactional outbox: events written in the same transaction as the change that causes them.

A service never calls another service inside a business transaction. It writes
the message the target RPC needs into its own `outbox` table with `enqueue()`
in the same transaction; if the transaction rolls back, the event never existed;
if it commits, the relay (shared/outbox_relay.py) delivers it, retrying until
the target acknowledges. Targets are idempotent on event_id, so redelivery after
a crash is harmless.

Rows carry the destination (which relay route delivers them), the protobuf
message itself (type name + bytes, so any route can decode it), and delivery
bookkeeping. Each service's first migration creates the table with
`create_outbox_table()`.
"""

from __future__ import annotations

import uuid

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
    func,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from learning.audit.v1 import audit_service_pb2
from shared.timeutil import to_timestamp, utcnow

AUDIT_DESTINATION = "audit"


def outbox_table(metadata: MetaData) -> Table:
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
        PrimaryKeyConstraint("tenant_id", "event_id"),
        Index("outbox_pending_idx", "destination", "available_at", "position",
              postgresql_where=text("delivered_at IS NULL")),
    )


def create_outbox_table(op) -> None:
    """Alembic DDL for the outbox; call from a service's first migration."""
    metadata = MetaData()
    outbox_table(metadata).create(op.get_bind())


async def enqueue(session: AsyncSession, table: Table, *, tenant_id: str, destination: str,
                  message: Message, event_id: str | None = None) -> str:
    """Add a message for `destination` to the outbox inside the caller's transaction."""
    event_id = event_id or str(uuid.uuid4())
    await session.execute(
        table.insert().values(
            tenant_id=tenant_id,
            event_id=event_id,
            destination=destination,
            message_type=message.DESCRIPTOR.full_name,
            message=message.SerializeToString(deterministic=True),
        )
    )
    return event_id


async def enqueue_audit_event(session: AsyncSession, table: Table, *, tenant_id: str, actor_id: str,
                              action: str, subject_type: str, subject_id: str, source_service: str,
                              payload: dict | None = None) -> str:
    """Queue one critical event for the audit service (seed 000, "Audit Requirements")."""
    event = audit_service_pb2.AuditEvent(
        event_id=str(uuid.uuid4()),
        tenant_id=tenant_id,
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        occur_time=to_timestamp(utcnow()),
        source_service=source_service,
    )
    if payload:
        event.payload.update(payload)
    return await enqueue(session, table, tenant_id=tenant_id, destination=AUDIT_DESTINATION,
                         message=event, event_id=event.event_id)
