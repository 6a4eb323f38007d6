"""Queries of the evidence service (SQLAlchemy Core, async). Every query filters by tenant_id.

Returns rows (converted to protos by convert/) or domain types (what chain verification reads).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import fields
from datetime import datetime

from sqlalchemy import (
    Text,
    and_,
    any_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert

from services.evidence.domain import (
    CertificateFilter,
    EvidenceFilter,
    Link,
    LinkRow,
    NewEvidence,
    Predecessor,
    StoredRecord,
    Subject,
)
from services.evidence.tables import (
    certificate_status_events,
    certificates,
    evidence_chain_heads,
    evidence_checkpoints,
    signing_keys,
    training_evidence,
)
from shared.checkpoints import EVIDENCE_LOG, Checkpoint
from shared.db import Session
from shared.errors import Aborted
from shared.sql import Query, Row

E, C, S, H, K = training_evidence, certificates, certificate_status_events, evidence_chain_heads, signing_keys
CP = evidence_checkpoints


# ------------------------------------------------------------------------------------------ evidence

async def evidence_by_id(session: Session, tenant_id: str, evidence_id: str) -> Row | None:
    return (await session.execute(
        select(E).where(E.c.tenant_id == tenant_id, E.c.evidence_id == evidence_id))).first()


# The record path is one statement, built and compiled once (shared.sql.Query): building the CTE statement per
# call cost more than running it.
_BY_SESSION = Query(select(E).where(E.c.tenant_id == bindparam("tenant_id"), E.c.session_id == bindparam("session_id")))
_CREATE_HEAD = Query(insert(H).values(tenant_id=bindparam("tenant_id"), last_sequence=0, last_chain_hash="")
                     .on_conflict_do_nothing(index_elements=[H.c.tenant_id]))


def _append_statement() -> Query:
    """Lock the tenant's chain head, insert the record linked to it and advance the head: one statement.

    head:     the head row, locked FOR UPDATE (appends of one tenant queue here; after the wait, READ COMMITTED
              hands over the head as the committed predecessor left it, so sequences have no gaps).
    inserted: the record at last_sequence + 1, previous_hash = the head's hash and chain_hash =
              sha256(ASCII(previous_hash + content_hash)) in hex (shared.canonical.chain_hash, computed by
              PostgreSQL; verification recomputes it in Python). ON CONFLICT on the (tenant_id, session_id)
              key inserts nothing when the session already has evidence.
    advance:  the head moves to the inserted record (nothing to move when nothing was inserted).
    The outer SELECT returns no row when the tenant has no head yet, one row of NULLs when the session already
    had evidence, else the inserted record's link. PostgreSQL runs the UPDATE in WITH even though the outer
    SELECT does not read it.
    """
    head = (select(H.c.tenant_id, H.c.last_sequence, H.c.last_chain_hash)
            .where(H.c.tenant_id == bindparam("tenant_id")).with_for_update().cte("head"))
    given = {c.name: bindparam(c.name, type_=c.type) for c in E.c
             if c.name not in ("tenant_id", "chain_sequence", "previous_hash", "chain_hash")}
    link = func.encode(func.sha256(func.convert_to(head.c.last_chain_hash + given["content_hash"],
                                                   literal_column("'UTF8'"))), literal_column("'hex'"))
    inserted = (insert(E).from_select([E.c.tenant_id, *given, E.c.chain_sequence, E.c.previous_hash, E.c.chain_hash],
                                      select(head.c.tenant_id, *given.values(), head.c.last_sequence + 1,
                                             head.c.last_chain_hash, link))
                .on_conflict_do_nothing(constraint="training_evidence_session_key")
                .returning(E.c.tenant_id, E.c.chain_sequence, E.c.previous_hash, E.c.chain_hash)
                .cte("inserted"))
    advance = (H.update()
               .where(H.c.tenant_id == inserted.c.tenant_id)
               .values(last_sequence=inserted.c.chain_sequence, last_chain_hash=inserted.c.chain_hash,
                       updated_at=func.now())
               .returning(H.c.last_sequence)
               .cte("advance"))
    # Only the link comes back: the caller has everything else, and echoing ~20 kB of canonical JSON (hex
    # in text format) costs both sides more than the insert itself.
    return Query(select(inserted.c.chain_sequence, inserted.c.previous_hash, inserted.c.chain_hash)
                 .select_from(head.outerjoin(inserted, true())).add_cte(advance))


_APPEND = _append_statement()


async def evidence_by_session(session: Session, tenant_id: str, session_id: str) -> Row | None:
    return (await session.execute(_BY_SESSION, tenant_id=tenant_id, session_id=session_id)).first()


async def append_evidence(session: Session, new: NewEvidence) -> Link | None:
    """Append the record to its tenant's chain; where it joined the chain, or None if the session already had
    evidence (the UNIQUE (tenant_id, session_id) key decides, the head stays put).

    One statement (_append_statement), so it needs no transaction block: on a session that autocommits it is
    one round trip, and the head's row lock is held only while it runs and commits. A tenant's first record
    finds no head row: it is created (at 0, "") and the statement runs again; concurrent first records of a new
    tenant all try to create it (ON CONFLICT DO NOTHING) and then queue on its lock like any other appends."""
    values = {f.name: getattr(new, f.name) for f in fields(new)}
    for _ in range(3):
        row = (await session.execute(_APPEND, values)).first()
        if row is not None:
            return None if row.chain_sequence is None else Link(row.chain_sequence, row.previous_hash, row.chain_hash)
        await session.execute(_CREATE_HEAD, tenant_id=new.tenant_id)
    # Only a head row deleted again between the two statements gets here (someone is tampering with the chain).
    raise Aborted("the tenant's evidence chain head disappeared while appending; retry")


async def chain_head(session: Session, tenant_id: str) -> Row | None:
    return (await session.execute(select(H.c.last_sequence, H.c.last_chain_hash)
                                  .where(H.c.tenant_id == tenant_id))).first()


def _stored_record(row: Row) -> StoredRecord:
    return StoredRecord(
        evidence_id=str(row.evidence_id), session_id=str(row.session_id), employee_id=str(row.employee_id),
        session_status=row.session_status, canonical_json=bytes(row.canonical_json), content_hash=row.content_hash,
        chain_sequence=row.chain_sequence, previous_hash=row.previous_hash, chain_hash=row.chain_hash)


async def record_with_predecessor(session: Session, tenant_id: str,
                                  evidence_id: str) -> tuple[StoredRecord, Predecessor | None] | None:
    """One record as verification reads it, with the link of the record before it (None if missing)."""
    row = await evidence_by_id(session, tenant_id, evidence_id)
    if row is None:
        return None
    previous = None
    if row.chain_sequence > 1:
        found = (await session.execute(
            select(E.c.chain_sequence, E.c.chain_hash)
            .where(E.c.tenant_id == tenant_id, E.c.chain_sequence == row.chain_sequence - 1))).first()
        previous = Predecessor(found.chain_sequence, found.chain_hash) if found else None
    return _stored_record(row), previous


async def max_chain_sequence(session: Session, tenant_id: str) -> int:
    return (await session.execute(select(func.coalesce(func.max(E.c.chain_sequence), 0))
                                  .where(E.c.tenant_id == tenant_id))).scalar_one()


async def chain_in_order(session: Session, tenant_id: str, upto: int, batch: int = 500,
                         after: int = 0) -> AsyncIterator[StoredRecord]:
    """The tenant's records in chain_sequence order after `after` up to `upto`, in keyset batches (bounded
    memory)."""
    while True:
        rows = (await session.execute(
            select(E).where(E.c.tenant_id == tenant_id, E.c.chain_sequence > after, E.c.chain_sequence <= upto)
            .order_by(E.c.chain_sequence).limit(batch))).all()
        for row in rows:
            yield _stored_record(row)
        if len(rows) < batch:
            return
        after = rows[-1].chain_sequence


# ------------------------------------------------------------------- verification at hashing speed

# The hashing pass reads only what it hashes and compares, as plain tuples in binary format (no bytea hex
# decoding, no named tuples): ~3 µs a record, where building StoredRecords costs several times that.
_LINKS = Query(
    select(E.c.chain_sequence, cast(E.c.evidence_id, Text), E.c.canonical_json, E.c.content_hash,
           E.c.previous_hash, E.c.chain_hash)
    .where(E.c.tenant_id == bindparam("tenant_id"), E.c.chain_sequence > bindparam("after"),
           E.c.chain_sequence <= bindparam("upto"))
    .order_by(E.c.chain_sequence).limit(bindparam("limit")))

#: Bytes of canonical JSON one batch of the hashing pass aims at (bodies are up to 2 MiB each).
LINK_BATCH_BYTES = 16 * 1024 * 1024
LINK_BATCH_ROWS = 10_000


async def link_batches(session: Session, tenant_id: str, after: int, upto: int) -> AsyncIterator[list[LinkRow]]:
    """Records after..upto in chain order as domain.LinkRow tuples, in keyset batches sized to about
    LINK_BATCH_BYTES (the next batch's row count follows the bodies' average size so far)."""
    limit, rows_seen, bytes_seen = 1000, 0, 0
    sql = _LINKS.compiled.sql
    while after < upto:
        async with session.connection.cursor(binary=True) as cursor:
            await cursor.execute(sql, {"tenant_id": tenant_id, "after": after, "upto": upto, "limit": limit})
            rows = await cursor.fetchall()
        if not rows:
            return
        yield rows
        if len(rows) < limit:
            return
        after = rows[-1][0]
        rows_seen += len(rows)
        bytes_seen += sum(len(row[2]) for row in rows)
        limit = max(100, min(LINK_BATCH_ROWS, LINK_BATCH_BYTES * rows_seen // max(bytes_seen, 1)))


async def records_at(session: Session, tenant_id: str, sequences: Sequence[int]) -> list[StoredRecord]:
    """The records at these chain positions (a content-check sample), in chain order."""
    if not sequences:
        return []
    rows = (await session.execute(
        select(E).where(E.c.tenant_id == tenant_id, E.c.chain_sequence == any_(list(sequences)))
        .order_by(E.c.chain_sequence))).all()
    return [_stored_record(row) for row in rows]


# ------------------------------------------------------------------------------------- checkpoints

def _checkpoint(row: Row) -> Checkpoint:
    return Checkpoint(log=EVIDENCE_LOG, tenant_id=row.tenant_id, sequence=row.sequence, head_hash=row.head_hash,
                      time=row.checkpoint_time, key_id=row.key_id, payload=bytes(row.payload),
                      signature=bytes(row.signature))


async def insert_checkpoint(session: Session, checkpoint: Checkpoint) -> bool:
    """Store a signed checkpoint; False when the tenant already has one at that sequence (kept as is)."""
    result = await session.execute(
        insert(CP).values(tenant_id=checkpoint.tenant_id, sequence=checkpoint.sequence,
                          head_hash=checkpoint.head_hash, checkpoint_time=checkpoint.time,
                          key_id=checkpoint.key_id, payload=checkpoint.payload, signature=checkpoint.signature)
        .on_conflict_do_nothing(index_elements=[CP.c.tenant_id, CP.c.sequence])
        .returning(CP.c.sequence))
    return result.first() is not None


async def lock_checkpointing(session: Session, tenant_id: str) -> bool:
    """Whether this transaction may sign the tenant's next checkpoint: a transaction-scoped advisory lock,
    so replicas that find the same checkpoint due do not both sign (the other one skips, never waits)."""
    key = func.hashtextextended(literal("evidence-checkpoint:") + tenant_id, 0)
    return (await session.execute(select(func.pg_try_advisory_xact_lock(key)))).scalar_one()


async def checkpoint_candidates(session: Session, tenant_id: str | None = None) -> Sequence[Row]:
    """Tenants whose chain head moved past their last checkpoint: (tenant_id, last_sequence,
    checkpoint_sequence, checkpoint_time), the last two NULL before the first checkpoint."""
    last = (select(CP.c.sequence, CP.c.checkpoint_time).where(CP.c.tenant_id == H.c.tenant_id)
            .order_by(CP.c.sequence.desc()).limit(1).lateral("last"))
    query = (select(H.c.tenant_id, H.c.last_sequence, last.c.sequence.label("checkpoint_sequence"),
                    last.c.checkpoint_time)
             .select_from(H.outerjoin(last, true()))
             .where(H.c.last_sequence > func.coalesce(last.c.sequence, 0)))
    if tenant_id is not None:
        query = query.where(H.c.tenant_id == tenant_id)
    return (await session.execute(query.order_by(H.c.tenant_id))).all()


async def checkpoint_at(session: Session, tenant_id: str, sequence: int) -> Checkpoint | None:
    """The checkpoint at `sequence`; 0 means the latest."""
    query = select(CP).where(CP.c.tenant_id == tenant_id)
    query = query.where(CP.c.sequence == sequence) if sequence else query.order_by(CP.c.sequence.desc()).limit(1)
    row = (await session.execute(query)).first()
    return _checkpoint(row) if row else None


async def checkpoint_from(session: Session, tenant_id: str, sequence: int) -> Checkpoint | None:
    """The first checkpoint at or after `sequence` (the one that covers the record there)."""
    row = (await session.execute(select(CP).where(CP.c.tenant_id == tenant_id, CP.c.sequence >= sequence)
                                 .order_by(CP.c.sequence).limit(1))).first()
    return _checkpoint(row) if row else None


async def checkpoints_before(session: Session, tenant_id: str, sequence: int, limit: int) -> list[Checkpoint]:
    """Checkpoints before `sequence`, newest first (where an incremental verification may start)."""
    rows = (await session.execute(select(CP).where(CP.c.tenant_id == tenant_id, CP.c.sequence < sequence)
                                  .order_by(CP.c.sequence.desc()).limit(limit))).all()
    return [_checkpoint(row) for row in rows]


async def checkpoints_after(session: Session, tenant_id: str, after: int, upto: int | None,
                            limit: int | None = None) -> list[Checkpoint]:
    """Checkpoints with after < sequence (<= upto), ascending."""
    query = select(CP).where(CP.c.tenant_id == tenant_id, CP.c.sequence > after)
    if upto is not None:
        query = query.where(CP.c.sequence <= upto)
    query = query.order_by(CP.c.sequence)
    if limit is not None:
        query = query.limit(limit)
    return [_checkpoint(row) for row in (await session.execute(query)).all()]


# ------------------------------------------------------------------------------------------ export

async def export_batch(session: Session, tenant_id: str, after: int, upto: int, start: datetime | None,
                       end: datetime | None, limit: int) -> Sequence[Row]:
    """One keyset batch of ExportEvidenceRecords: records after..upto in chain order, optionally only those
    generated in [start, end)."""
    query = select(E.c.chain_sequence, E.c.evidence_id, E.c.canonical_json, E.c.content_hash, E.c.previous_hash,
                   E.c.chain_hash).where(E.c.tenant_id == tenant_id, E.c.chain_sequence > after,
                                         E.c.chain_sequence <= upto)
    if start is not None:
        query = query.where(E.c.generated_at >= start)
    if end is not None:
        query = query.where(E.c.generated_at < end)
    return (await session.execute(query.order_by(E.c.chain_sequence).limit(limit))).all()


def _evidence_page(f: EvidenceFilter, tenant_id: str, after: tuple[datetime, str] | None, limit: int,
                   status: str | None):
    query = select(E).where(E.c.tenant_id == tenant_id)
    if status is not None:
        query = query.where(E.c.session_status == status)
    if f.employee_id:
        query = query.where(E.c.employee_id == f.employee_id)
    if f.start is not None:
        query = query.where(E.c.generated_at >= f.start)
    if f.end is not None and (after is None or after[0] >= f.end):
        # With a page token the keyset bound is tighter (the token's row matched `< end`). Both bounds
        # together would let the planner start the backward index scan at `end` and filter its way down
        # to the token: deep pages would cost in proportion to their depth.
        query = query.where(E.c.generated_at < f.end)
    if after is not None:
        # Keyset: a row-value comparison the (tenant_id, [status,] generated_at, evidence_id) index
        # answers by seeking, so a deep page costs what the first one does. Never OFFSET.
        query = query.where(tuple_(E.c.generated_at, E.c.evidence_id)
                            < tuple_(literal(after[0], E.c.generated_at.type), literal(after[1], E.c.evidence_id.type)))
    return query.order_by(E.c.generated_at.desc(), E.c.evidence_id.desc()).limit(limit)


async def list_evidence(session: Session, tenant_id: str, f: EvidenceFilter,
                        after: tuple[datetime, str] | None, limit: int) -> Sequence[Row]:
    statuses = sorted(set(f.statuses))
    if len(statuses) in (0, 3):  # no filter, or every status: the plain time index
        query = _evidence_page(f, tenant_id, after, limit, None)
    elif len(statuses) == 1:
        query = _evidence_page(f, tenant_id, after, limit, statuses[0])
    else:
        # Two outcomes: one index seek per outcome, merged. Each branch is already ordered and limited.
        merged = union_all(*(_evidence_page(f, tenant_id, after, limit, s) for s in statuses)).subquery()
        query = (select(merged).order_by(merged.c.generated_at.desc(), merged.c.evidence_id.desc()).limit(limit))
    return (await session.execute(query)).all()


# -------------------------------------------------------------------------------------- certificates

async def certificate_by_id(session: Session, tenant_id: str, certificate_id: str) -> Row | None:
    return (await session.execute(
        select(C).where(C.c.tenant_id == tenant_id, C.c.certificate_id == certificate_id))).first()


async def certificate_by_subject(session: Session, tenant_id: str, recipient_id: str,
                                 subject: Subject) -> Row | None:
    return (await session.execute(select(C).where(
        C.c.tenant_id == tenant_id, C.c.recipient_id == recipient_id, C.c.subject_type == subject.kind,
        C.c.subject_id == subject.subject_id, C.c.subject_version == subject.version))).first()


async def insert_certificate(session: Session, *, tenant_id: str, certificate_id: str, recipient_id: str,
                             subject: Subject, issued_at: datetime, expires_at: datetime | None,
                             signing_key_id: str, canonical_payload: bytes, signature: bytes) -> Row | None:
    """The inserted certificate, or None when the recipient already has one for that version."""
    values = dict(tenant_id=tenant_id, certificate_id=certificate_id, recipient_id=recipient_id,
                  subject_type=subject.kind, subject_id=subject.subject_id, subject_version=subject.version,
                  issued_at=issued_at, expires_at=expires_at, signing_key_id=signing_key_id,
                  canonical_payload=canonical_payload, signature=signature)
    return (await session.execute(insert(C).values(**values)
                                  .on_conflict_do_nothing(constraint="certificates_subject_key")
                                  .returning(*C.c))).first()


async def insert_status_event(session: Session, *, tenant_id: str, event_id: str, certificate_id: str,
                              status: str, event_time: datetime, actor_id: str, reason: str) -> bool:
    """Append a status event unless that status was already entered; True if appended."""
    result = await session.execute(
        insert(S).values(tenant_id=tenant_id, event_id=event_id, certificate_id=certificate_id, status=status,
                         event_time=event_time, actor_id=actor_id, reason=reason)
        .on_conflict_do_nothing(constraint="certificate_status_events_once_key")
        .returning(S.c.event_id))
    return result.first() is not None


async def status_events(session: Session, tenant_id: str, certificate_ids: Sequence[str]) -> dict[str, list[Row]]:
    """History per certificate, oldest first."""
    history: dict[str, list[Row]] = {str(cid): [] for cid in certificate_ids}
    if not certificate_ids:
        return history
    rows = (await session.execute(
        select(S).where(S.c.tenant_id == tenant_id, S.c.certificate_id.in_(list(certificate_ids)))
        .order_by(S.c.certificate_id, S.c.recorded_at, S.c.event_time))).all()
    for row in rows:
        history[str(row.certificate_id)].append(row)
    return history


def _has_status(status: str):
    return exists().where(S.c.tenant_id == C.c.tenant_id, S.c.certificate_id == C.c.certificate_id,
                          S.c.status == status)


def derived_status_clause(status: str, now: datetime):
    """SQL for the derived status (domain.derived_status), so the status filter runs in the database."""
    revoked = _has_status("revoked")
    if status == "revoked":
        return revoked
    expired = or_(and_(C.c.expires_at.is_not(None), C.c.expires_at <= now), _has_status("expired"))
    if status == "expired":
        return and_(~revoked, expired)
    return and_(~revoked, ~expired)


async def list_certificates(session: Session, tenant_id: str, f: CertificateFilter,
                            after: tuple[datetime, str] | None, limit: int, now: datetime) -> Sequence[Row]:
    query = select(C).where(C.c.tenant_id == tenant_id)
    if f.recipient_id:
        query = query.where(C.c.recipient_id == f.recipient_id)
    if f.subject_type:
        query = query.where(C.c.subject_type == f.subject_type, C.c.subject_id == f.subject_id)
    if f.status:
        query = query.where(derived_status_clause(f.status, now))
    if after is not None:
        query = query.where(tuple_(C.c.issued_at, C.c.certificate_id)
                            < tuple_(literal(after[0], C.c.issued_at.type), literal(after[1], C.c.certificate_id.type)))
    query = query.order_by(C.c.issued_at.desc(), C.c.certificate_id.desc()).limit(limit)
    return (await session.execute(query)).all()


async def certificates_due_for_expiry(session: Session, tenant_id: str, as_of: datetime,
                                      certificate_id: str | None = None) -> Sequence[Row]:
    """Non-revoked certificates past expire_time that have no EXPIRED event yet."""
    query = select(C).where(C.c.tenant_id == tenant_id, C.c.expires_at.is_not(None), C.c.expires_at <= as_of,
                            ~_has_status("revoked"), ~_has_status("expired"))
    if certificate_id:
        query = query.where(C.c.certificate_id == certificate_id)
    return (await session.execute(query.order_by(C.c.expires_at, C.c.certificate_id))).all()


async def record_signing_key(session: Session, tenant_id: str, key_id: str, algorithm: str, pem: str) -> None:
    await session.execute(insert(K).values(tenant_id=tenant_id, key_id=key_id, algorithm=algorithm,
                                           public_key_pem=pem).on_conflict_do_nothing())


async def tenant_signing_keys(session: Session, tenant_id: str) -> Sequence[Row]:
    return (await session.execute(select(K).where(K.c.tenant_id == tenant_id).order_by(K.c.created_at))).all()


async def signing_key(session: Session, tenant_id: str, key_id: str) -> Row | None:
    return (await session.execute(select(K).where(K.c.tenant_id == tenant_id, K.c.key_id == key_id))).first()
