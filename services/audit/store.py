"""Every query of the audit service (tables: tables.py). Functions take the unit of work's session.

Appending goes straight to psycopg where SQLAlchemy's per-row processing cost too much (below).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from psycopg.types.json import Jsonb
from sqlalchemy import Text, bindparam, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from services.audit.domain import (
    ChainedEvent,
    ChainHead,
    EventContent,
    ListFilters,
    StoredEvent,
    StoredRow,
)
from services.audit.tables import audit_log, chain_heads, event_ids
from shared.db import Session

# --- appending -------------------------------------------------------------------------------------

async def lock_heads(session: Session, tenant_ids: Sequence[str]) -> dict[str, ChainHead]:
    """Row-lock each tenant's chain head (creating it at 0), in sorted order so batches never deadlock.

    ON CONFLICT DO UPDATE takes the row lock and returns the latest committed head, so a concurrent
    append for the same tenant waits here until the other transaction commits.
    """
    statement = insert(chain_heads).values([{"tenant_id": t, "last_sequence": 0, "last_hash": ""}
                                            for t in sorted(tenant_ids)])
    statement = statement.on_conflict_do_update(
        index_elements=[chain_heads.c.tenant_id], set_={"updated_at": func.now()}
    ).returning(chain_heads.c.tenant_id, chain_heads.c.last_sequence, chain_heads.c.last_hash)
    rows = (await session.execute(statement)).all()
    return {row.tenant_id: ChainHead(row.last_sequence, row.last_hash) for row in rows}


async def already_recorded(session: Session, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """(tenant_id, event_id) pairs of `keys` that are stored already (redeliveries)."""
    if not keys:
        return set()
    # Two array parameters joined on the primary key: one plan whatever the batch size (an IN list of
    # 1000 bound pairs cost more than the inserts themselves).
    async with session.connection.cursor() as cursor:
        await cursor.execute(
            "SELECT i.tenant_id, i.event_id::text FROM unnest(%s::text[], %s::uuid[]) AS k(tenant_id, event_id) "
            "JOIN audit_event_ids i ON i.tenant_id = k.tenant_id AND i.event_id = k.event_id",
            ([k[0] for k in keys], [k[1] for k in keys]),
        )
        return {(tenant_id, event_id) for tenant_id, event_id in await cursor.fetchall()}


INSERT_EVENT_IDS = "INSERT INTO audit_event_ids (tenant_id, event_id, sequence, occur_time) VALUES (%s, %s, %s, %s)"
INSERT_LOG = (
    "INSERT INTO learning_audit_log (tenant_id, occur_time, sequence, event_id, actor_id, action, subject_type, "
    "subject_id, source_service, payload, previous_hash, event_hash, canonical) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


async def append(session: Session, events: Sequence[ChainedEvent]) -> None:
    """Insert the chained events, in the session's transaction.

    The hot path of ingestion: rows go straight to psycopg's executemany (pipelined), skipping
    per-row parameter processing of a compiled statement.
    """
    async with session.connection.cursor() as cursor:
        await cursor.executemany(INSERT_EVENT_IDS, [
            (e.content.tenant_id, e.content.event_id, e.sequence, e.content.occur_time) for e in events])
        await cursor.executemany(INSERT_LOG, [log_row(e) for e in events])


def log_row(event: ChainedEvent) -> tuple:
    c = event.content
    return (c.tenant_id, c.occur_time, event.sequence, c.event_id, c.actor_id, c.action, c.subject_type,
            c.subject_id, c.source_service, c.payload_json or Jsonb(c.payload), event.previous_hash, event.event_hash,
            event.canonical)


async def advance_heads(session: Session, heads: dict[str, ChainHead]) -> None:
    statement = (
        chain_heads.update()
        .where(chain_heads.c.tenant_id == bindparam("t"))
        .values(last_sequence=bindparam("s"), last_hash=bindparam("h"), updated_at=func.now())
    )
    await session.execute(statement, [{"t": t, "s": h.last_sequence, "h": h.last_hash} for t, h in heads.items()])


# --- reading ---------------------------------------------------------------------------------------

_READ_COLUMNS = (
    audit_log.c.tenant_id, audit_log.c.occur_time, audit_log.c.sequence, audit_log.c.event_id,
    audit_log.c.actor_id, audit_log.c.action, audit_log.c.subject_type, audit_log.c.subject_id,
    audit_log.c.source_service,
    # Read as text and parse with every number as a float: payloads come from protobuf Structs,
    # whose numbers are doubles, and jsonb prints integral values without a fraction.
    audit_log.c.payload.cast(Text).label("payload_json"),
    audit_log.c.previous_hash, audit_log.c.event_hash, audit_log.c.canonical, audit_log.c.record_time,
)


def _stored(row) -> StoredRow:
    content = EventContent(
        event_id=str(row.event_id), tenant_id=row.tenant_id, actor_id=row.actor_id, action=row.action,
        subject_type=row.subject_type, subject_id=row.subject_id, occur_time=row.occur_time,
        source_service=row.source_service, payload=json.loads(row.payload_json, parse_int=float),
    )
    event = StoredEvent(content, row.sequence, row.previous_hash, row.event_hash, bytes(row.canonical))
    return StoredRow(event, row.record_time)


async def get_event(session: Session, tenant_id: str, event_id: str) -> StoredRow | None:
    located = (
        await session.execute(
            select(event_ids.c.sequence, event_ids.c.occur_time).where(
                event_ids.c.tenant_id == tenant_id, event_ids.c.event_id == event_id
            )
        )
    ).first()
    if located is None:
        return None
    # occur_time as a constant lets the planner read only that event's partition.
    row = (
        await session.execute(
            select(*_READ_COLUMNS).where(
                audit_log.c.tenant_id == tenant_id,
                audit_log.c.occur_time == located.occur_time,
                audit_log.c.sequence == located.sequence,
            )
        )
    ).first()
    return _stored(row) if row is not None else None


async def list_events(session: Session, tenant_id: str, filters: ListFilters,
                      after: tuple[datetime, int] | None, limit: int) -> list[StoredRow]:
    """Newest first; `after` is the (occur_time, sequence) of the previous page's last row."""
    query = select(*_READ_COLUMNS).where(audit_log.c.tenant_id == tenant_id)
    for column in ("actor_id", "action", "subject_type", "subject_id", "source_service"):
        if value := getattr(filters, column):
            query = query.where(audit_log.c[column] == value)
    if filters.start_time is not None:
        query = query.where(audit_log.c.occur_time >= filters.start_time)
    if filters.end_time is not None:
        query = query.where(audit_log.c.occur_time < filters.end_time)
    if after is not None:
        occur_time, sequence = after
        query = query.where(
            tuple_(audit_log.c.occur_time, audit_log.c.sequence) < tuple_(occur_time, sequence),
            # Redundant for the result, but a plain bound lets the planner prune newer partitions.
            audit_log.c.occur_time <= occur_time,
        )
    query = query.order_by(audit_log.c.occur_time.desc(), audit_log.c.sequence.desc()).limit(limit)
    return [_stored(row) for row in await session.execute(query)]


async def get_head(session: Session, tenant_id: str) -> ChainHead | None:
    row = (
        await session.execute(
            select(chain_heads.c.last_sequence, chain_heads.c.last_hash).where(chain_heads.c.tenant_id == tenant_id)
        )
    ).first()
    return ChainHead(row.last_sequence, row.last_hash) if row is not None else None


async def event_hash_at(session: Session, tenant_id: str, sequence: int) -> str | None:
    row = (
        await session.execute(
            select(audit_log.c.event_hash).where(audit_log.c.tenant_id == tenant_id, audit_log.c.sequence == sequence)
            .limit(1)
        )
    ).first()
    return row.event_hash if row is not None else None


async def chain_batches(session: Session, tenant_id: str, first: int, last: int,
                        batch_size: int = 2000) -> AsyncIterator[list[StoredEvent]]:
    """The tenant's events with first <= sequence <= last, ascending, a bounded batch at a time.

    Keyset on (tenant_id, sequence): memory stays bounded whatever the chain's length.
    """
    after = first - 1
    while after < last:
        rows = (
            await session.execute(
                select(*_READ_COLUMNS)
                .where(audit_log.c.tenant_id == tenant_id, audit_log.c.sequence > after,
                       audit_log.c.sequence <= last)
                .order_by(audit_log.c.sequence)
                .limit(batch_size)
            )
        ).all()
        if not rows:
            return
        yield [_stored(row).event for row in rows]
        after = rows[-1].sequence
