"""Queries of the progress database (psycopg through shared.db; tables in tables.py).

Batches travel as arrays and are unnested by PostgreSQL: one statement per step whatever the batch
size. Every write of a learner's progress in a version first locks that version's course row
(`lock_courses`, in a fixed order, so two batches never deadlock): concurrent batches of one learner and
version serialize, and the second sees the first's items when it recomputes the course state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from psycopg.types.json import Jsonb
from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from services.progress.domain import (
    ACTIVE_DAYS,
    CourseKey,
    Event,
    Gap,
    ItemFold,
    ItemKey,
    ItemKind,
    Mark,
    MaturityResult,
    NewRecommendation,
    ProgressSummary,
    State,
    Summary,
    TutorSession,
)
from services.progress.tables import (
    course_progress,
    course_structures,
    knowledge_gaps,
    organization_profiles,
    recommendations,
    tutor_sessions,
)
from shared.db import Query, Row, Session

# --- events ----------------------------------------------------------------------------------------

INSERT_EVENTS = """
INSERT INTO progress_events (tenant_id, event_id, user_id, course_id, version, item_kind, item_id, step_id, kind,
                             score, occur_time, content_hash, recorded_at, recorded_by)
SELECT %(tenant)s, e.*, %(now)s, %(by)s
FROM unnest(%(event_id)s::uuid[], %(user_id)s::uuid[], %(course_id)s::uuid[], %(version)s::int[],
            %(item_kind)s::text[], %(item_id)s::uuid[], %(step_id)s::text[], %(kind)s::text[],
            %(score)s::float8[], %(occur_time)s::timestamptz[], %(content_hash)s::bytea[])
     AS e(event_id, user_id, course_id, version, item_kind, item_id, step_id, kind, score, occur_time, content_hash)
ON CONFLICT (tenant_id, event_id) DO NOTHING
RETURNING event_id
"""
STORED_HASHES = """
SELECT event_id, content_hash FROM progress_events
WHERE tenant_id = %(tenant)s AND event_id = ANY(%(event_id)s::uuid[])
"""


async def insert_events(session: Session, tenant_id: str, events: Sequence[Event], *, recorded_by: str,
                        now: datetime) -> tuple[list[Event], list[str]]:
    """Store the events not stored yet; returns (the new ones, ids stored before with OTHER content)."""
    hashes = [event.content_hash() for event in events]
    inserted = await session.execute(INSERT_EVENTS, {
        "tenant": tenant_id, "now": now, "by": recorded_by,
        "event_id": [e.event_id for e in events], "user_id": [e.course.user_id for e in events],
        "course_id": [e.course.course_id for e in events], "version": [e.course.version for e in events],
        "item_kind": [e.item.item_kind.value for e in events], "item_id": [e.item.item_id for e in events],
        "step_id": [e.item.step_id for e in events], "kind": [e.kind.value for e in events],
        "score": [e.score for e in events], "occur_time": [e.occur_time for e in events], "content_hash": hashes})
    new_ids = {row.event_id for row in inserted}
    new = [event for event in events if event.event_id in new_ids]
    seen_before = [event for event in events if event.event_id not in new_ids]
    if not seen_before:
        return new, []
    stored = await session.execute(STORED_HASHES, {"tenant": tenant_id,
                                                   "event_id": [e.event_id for e in seen_before]})
    stored_hash = {row.event_id: bytes(row.content_hash) for row in stored}
    conflicts = [e.event_id for e in seen_before if stored_hash.get(e.event_id) != e.content_hash()]
    return new, conflicts


# --- course rows -----------------------------------------------------------------------------------

LOCK_COURSES = """
INSERT INTO learning_user_progress AS p (tenant_id, user_id, course_id, version, state, percent_complete, started_at,
                                         updated_at, structure_pending)
SELECT %(tenant)s, k.user_id, k.course_id, k.version, 1, 0, k.started_at, %(now)s, true
FROM unnest(%(user_id)s::uuid[], %(course_id)s::uuid[], %(version)s::int[], %(started_at)s::timestamptz[])
     AS k(user_id, course_id, version, started_at)
ON CONFLICT (tenant_id, user_id, course_id, version)
DO UPDATE SET started_at = LEAST(p.started_at, EXCLUDED.started_at)
RETURNING p.*
"""


async def lock_courses(session: Session, tenant_id: str, started: dict[CourseKey, datetime],
                       now: datetime) -> dict[CourseKey, Row]:
    """Create (IN_PROGRESS, structure pending) or lock each learner-version row, in sorted order."""
    keys = sorted(started, key=lambda k: (k.user_id, k.course_id, k.version))
    rows = await session.execute(LOCK_COURSES, {
        "tenant": tenant_id, "now": now, "user_id": [k.user_id for k in keys],
        "course_id": [k.course_id for k in keys], "version": [k.version for k in keys],
        "started_at": [started[k] for k in keys]})
    return {CourseKey(r.user_id, r.course_id, r.version): r for r in rows}


UPDATE_COURSES = """
UPDATE learning_user_progress p
SET state = u.state, percent_complete = u.percent, completed_at = u.completed_at, passed_at = u.passed_at,
    structure_pending = u.pending, updated_at = %(now)s,
    certificate_requested_at = COALESCE(p.certificate_requested_at, u.certificate_at),
    upgraded_from_version = GREATEST(p.upgraded_from_version, u.upgraded_from)
FROM unnest(%(user_id)s::uuid[], %(course_id)s::uuid[], %(version)s::int[], %(state)s::smallint[],
            %(percent)s::smallint[], %(completed_at)s::timestamptz[], %(passed_at)s::timestamptz[],
            %(pending)s::boolean[], %(certificate_at)s::timestamptz[], %(upgraded_from)s::int[])
     AS u(user_id, course_id, version, state, percent, completed_at, passed_at, pending, certificate_at, upgraded_from)
WHERE p.tenant_id = %(tenant)s AND p.user_id = u.user_id AND p.course_id = u.course_id AND p.version = u.version
RETURNING p.*
"""


@dataclass(frozen=True)
class CourseUpdate:
    key: CourseKey
    summary: Summary | None  # None: the version's structure is still pending
    certificate_requested: bool = False
    upgraded_from: int = 0


async def update_courses(session: Session, tenant_id: str, updates: Sequence[CourseUpdate],
                         now: datetime) -> dict[CourseKey, Row]:
    """Store each course's summary, in one statement."""
    s = [u.summary for u in updates]
    rows = await session.execute(UPDATE_COURSES, {
        "tenant": tenant_id, "now": now, "user_id": [u.key.user_id for u in updates],
        "course_id": [u.key.course_id for u in updates], "version": [u.key.version for u in updates],
        "state": [int(x.state if x else State.IN_PROGRESS) for x in s],
        "percent": [x.percent_complete if x else 0 for x in s],
        "completed_at": [x.completed_at if x else None for x in s],
        "passed_at": [x.passed_at if x else None for x in s], "pending": [x is None for x in s],
        "certificate_at": [now if u.certificate_requested else None for u in updates],
        "upgraded_from": [u.upgraded_from for u in updates]})
    return {CourseKey(r.user_id, r.course_id, r.version): r for r in rows}


GET_COURSE = Query(select(course_progress).where(
    course_progress.c.tenant_id == bindparam("tenant_id"), course_progress.c.user_id == bindparam("user_id"),
    course_progress.c.course_id == bindparam("course_id"), course_progress.c.version == bindparam("version")))


async def get_course(session: Session, tenant_id: str, key: CourseKey, *, lock: bool = False) -> Row | None:
    statement = GET_COURSE if not lock else LOCK_COURSE
    return (await session.execute(statement, tenant_id=tenant_id, user_id=key.user_id, course_id=key.course_id,
                                  version=key.version)).first()


LOCK_COURSE = Query(GET_COURSE.statement.with_for_update())

COURSE_WITH_ITEMS = """
SELECT p.user_id, p.course_id, p.version, p.state, p.percent_complete, p.started_at, p.completed_at, p.passed_at,
       p.updated_at, p.upgraded_from_version, p.structure_pending, p.certificate_requested_at,
       i.item_kind AS i_kind, i.item_id AS i_id, i.step_id AS i_step, i.marks AS i_marks, i.best_score AS i_score,
       i.started_at AS i_started, i.viewed_at AS i_viewed, i.completed_at AS i_completed, i.passed_at AS i_passed,
       i.failed_at AS i_failed
FROM learning_user_progress p
LEFT JOIN learning_user_item_progress i
  ON i.tenant_id = p.tenant_id AND i.user_id = p.user_id AND i.course_id = p.course_id AND i.version = p.version
WHERE p.tenant_id = %(tenant)s AND p.user_id = %(user_id)s AND p.course_id = %(course_id)s
  AND p.version = %(version)s
"""


async def course_with_items(session: Session, tenant_id: str,
                            key: CourseKey) -> tuple[Row | None, dict[ItemKey, ItemFold]]:
    """A learner's course row and its items in one statement (a read needs no transaction)."""
    rows = list(await session.execute(COURSE_WITH_ITEMS, {"tenant": tenant_id, "user_id": key.user_id,
                                                          "course_id": key.course_id, "version": key.version}))
    items = {ItemKey(ItemKind(r.i_kind), r.i_id, r.i_step): ItemFold(
        Mark(r.i_marks), r.i_score, r.i_started, r.i_viewed, r.i_completed, r.i_passed, r.i_failed)
        for r in rows if r.i_kind is not None}
    return (rows[0] if rows else None), items


async def list_courses(session: Session, tenant_id: str, *, user_id: str | None, course_id: str | None,
                       state: State | None, after: tuple | None, limit: int) -> list[Row]:
    p = course_progress.c
    query = select(course_progress).where(p.tenant_id == tenant_id)
    if user_id:
        query = query.where(p.user_id == user_id)
    if course_id:
        query = query.where(p.course_id == course_id)
    if state is not None:
        query = query.where(p.state == int(state))
    if after is not None:
        query = query.where(tuple_(p.started_at, p.course_id, p.version, p.user_id) > tuple_(
            bindparam("a0", after[0], type_=p.started_at.type), bindparam("a1", after[1], type_=p.course_id.type),
            bindparam("a2", after[2], type_=p.version.type), bindparam("a3", after[3], type_=p.user_id.type)))
    query = query.order_by(p.started_at, p.course_id, p.version, p.user_id).limit(limit)
    return list((await session.execute(query)).all())


PENDING_COURSES = """
SELECT DISTINCT tenant_id, course_id, version FROM learning_user_progress WHERE structure_pending LIMIT %(limit)s
"""
PENDING_LEARNERS = """
SELECT user_id FROM learning_user_progress
WHERE tenant_id = %(tenant)s AND course_id = %(course_id)s AND version = %(version)s AND structure_pending
ORDER BY user_id
"""


async def pending_versions(session: Session, limit: int = 100) -> list[Row]:
    """Course versions (of any tenant) with progress waiting for their structure."""
    return list(await session.execute(PENDING_COURSES, {"limit": limit}))


async def pending_learners(session: Session, tenant_id: str, course_id: str, version: int) -> list[str]:
    rows = await session.execute(PENDING_LEARNERS, {"tenant": tenant_id, "course_id": course_id, "version": version})
    return [row.user_id for row in rows]


# --- items -----------------------------------------------------------------------------------------

MERGE_ITEMS = """
INSERT INTO learning_user_item_progress AS t (tenant_id, user_id, course_id, version, item_kind, item_id, step_id,
    marks, best_score, started_at, viewed_at, completed_at, passed_at, failed_at, updated_at)
SELECT %(tenant)s, i.*, %(now)s
FROM unnest(%(user_id)s::uuid[], %(course_id)s::uuid[], %(version)s::int[], %(item_kind)s::text[],
            %(item_id)s::uuid[], %(step_id)s::text[], %(marks)s::smallint[], %(best_score)s::float8[],
            %(started_at)s::timestamptz[], %(viewed_at)s::timestamptz[], %(completed_at)s::timestamptz[],
            %(passed_at)s::timestamptz[], %(failed_at)s::timestamptz[])
     AS i(user_id, course_id, version, item_kind, item_id, step_id, marks, best_score, started_at, viewed_at,
          completed_at, passed_at, failed_at)
ON CONFLICT (tenant_id, user_id, course_id, version, item_kind, item_id, step_id) DO UPDATE SET
    marks = t.marks | EXCLUDED.marks,
    best_score = GREATEST(t.best_score, EXCLUDED.best_score),
    started_at = LEAST(t.started_at, EXCLUDED.started_at),
    viewed_at = LEAST(t.viewed_at, EXCLUDED.viewed_at),
    completed_at = LEAST(t.completed_at, EXCLUDED.completed_at),
    passed_at = LEAST(t.passed_at, EXCLUDED.passed_at),
    failed_at = LEAST(t.failed_at, EXCLUDED.failed_at),
    updated_at = EXCLUDED.updated_at
"""


async def merge_items(session: Session, tenant_id: str, folds: dict[tuple[CourseKey, ItemKey], ItemFold],
                      now: datetime) -> None:
    """Fold `folds` into the stored items: OR of marks, max score, earliest times (order-insensitive)."""
    keys = sorted(folds, key=lambda k: (k[0].user_id, k[0].course_id, k[0].version, k[1].item_kind, k[1].item_id,
                                        k[1].step_id))
    if not keys:
        return
    f = [folds[k] for k in keys]
    await session.execute(MERGE_ITEMS, {
        "tenant": tenant_id, "now": now, "user_id": [c.user_id for c, _ in keys],
        "course_id": [c.course_id for c, _ in keys], "version": [c.version for c, _ in keys],
        "item_kind": [i.item_kind.value for _, i in keys], "item_id": [i.item_id for _, i in keys],
        "step_id": [i.step_id for _, i in keys], "marks": [int(x.marks) for x in f],
        "best_score": [x.best_score for x in f], "started_at": [x.started_at for x in f],
        "viewed_at": [x.viewed_at for x in f], "completed_at": [x.completed_at for x in f],
        "passed_at": [x.passed_at for x in f], "failed_at": [x.failed_at for x in f]})


ITEMS_OF = """
SELECT i.* FROM learning_user_item_progress i
JOIN unnest(%(user_id)s::uuid[], %(course_id)s::uuid[], %(version)s::int[]) AS k(user_id, course_id, version)
  ON i.user_id = k.user_id AND i.course_id = k.course_id AND i.version = k.version
WHERE i.tenant_id = %(tenant)s
"""


async def items_of(session: Session, tenant_id: str,
                   keys: Iterable[CourseKey]) -> dict[CourseKey, dict[ItemKey, ItemFold]]:
    keys = list(keys)
    found: dict[CourseKey, dict[ItemKey, ItemFold]] = {key: {} for key in keys}
    rows = await session.execute(ITEMS_OF, {"tenant": tenant_id, "user_id": [k.user_id for k in keys],
                                            "course_id": [k.course_id for k in keys],
                                            "version": [k.version for k in keys]})
    for r in rows:
        key = CourseKey(r.user_id, r.course_id, r.version)
        found[key][ItemKey(ItemKind(r.item_kind), r.item_id, r.step_id)] = ItemFold(
            Mark(r.marks), r.best_score, r.started_at, r.viewed_at, r.completed_at, r.passed_at, r.failed_at)
    return found


# --- structures ------------------------------------------------------------------------------------

GET_STRUCTURE = Query(select(course_structures.c.structure).where(
    course_structures.c.tenant_id == bindparam("tenant_id"), course_structures.c.course_id == bindparam("course_id"),
    course_structures.c.version == bindparam("version")))
SAVE_STRUCTURE = """
INSERT INTO course_structures (tenant_id, course_id, version, structure, fetched_at)
VALUES (%(tenant)s, %(course_id)s, %(version)s, %(structure)s, %(now)s)
ON CONFLICT DO NOTHING
"""


async def get_structure(session: Session, tenant_id: str, course_id: str, version: int) -> dict | None:
    return (await session.execute(GET_STRUCTURE, tenant_id=tenant_id, course_id=course_id, version=version)).scalar()


async def save_structure(session: Session, tenant_id: str, course_id: str, version: int, structure: dict,
                         now: datetime) -> None:
    await session.execute(SAVE_STRUCTURE, {"tenant": tenant_id, "course_id": course_id, "version": version,
                                           "structure": Jsonb(structure), "now": now})


# --- tutor sessions --------------------------------------------------------------------------------

INSERT_TUTOR_SESSION = Query(
    insert(tutor_sessions).values({c.name: bindparam(c.name) for c in tutor_sessions.c})
    .on_conflict_do_nothing().returning(*tutor_sessions.c))
TUTOR_SESSION = Query(select(tutor_sessions).where(tutor_sessions.c.tenant_id == bindparam("tenant_id"),
                                                   tutor_sessions.c.tutor_session_id == bindparam("tutor_session_id")))


async def insert_tutor_session(session: Session, tenant_id: str, tutor: TutorSession, *, recorded_by: str,
                               now: datetime) -> Row | None:
    """The stored row, or None when a session with this id was stored before (nothing written)."""
    return (await session.execute(INSERT_TUTOR_SESSION, tenant_id=tenant_id, tutor_session_id=tutor.tutor_session_id,
                                  user_id=tutor.user_id, course_id=tutor.course_id, version=tutor.version,
                                  lesson_id=tutor.lesson_id, model_id=tutor.model_id, started_at=tutor.started_at,
                                  ended_at=tutor.ended_at, prompt_ref=tutor.prompt_ref,
                                  response_ref=tutor.response_ref, confidence=tutor.confidence,
                                  guardrail_result=tutor.guardrail_result.value,
                                  guardrail_categories=list(tutor.guardrail_categories), summary=tutor.summary,
                                  content_hash=tutor.content_hash(), recorded_at=now,
                                  recorded_by=recorded_by)).first()


async def get_tutor_session(session: Session, tenant_id: str, tutor_session_id: str) -> Row | None:
    return (await session.execute(TUTOR_SESSION, tenant_id=tenant_id, tutor_session_id=tutor_session_id)).first()


async def list_tutor_sessions(session: Session, tenant_id: str, filters, after: tuple | None, limit: int) -> list[Row]:
    t = tutor_sessions.c
    query = select(tutor_sessions).where(t.tenant_id == tenant_id)
    if filters.user_id:
        query = query.where(t.user_id == filters.user_id)
    if filters.lesson_id:
        query = query.where(t.lesson_id == filters.lesson_id)
    if filters.guardrail_result is not None:
        query = query.where(t.guardrail_result == filters.guardrail_result.value)
    if filters.started_from is not None:
        query = query.where(t.started_at >= filters.started_from)
    if filters.started_before is not None:
        query = query.where(t.started_at < filters.started_before)
    if after is not None:
        query = query.where(tuple_(t.started_at, t.tutor_session_id) < tuple_(
            bindparam("a0", after[0], type_=t.started_at.type),
            bindparam("a1", after[1], type_=t.tutor_session_id.type)))
    query = query.order_by(t.started_at.desc(), t.tutor_session_id.desc()).limit(limit)
    return list((await session.execute(query)).all())


# --- knowledge gaps --------------------------------------------------------------------------------

UPSERT_GAP = """
INSERT INTO learning_knowledge_gaps AS g (tenant_id, gap_id, subject, user_id, topic_area, severity, evidence,
    source_domain, source_type, source_id, status, dismiss_reason, created_at, updated_at)
VALUES (%(tenant)s, gen_random_uuid(), %(subject)s, %(user_id)s, %(topic)s, %(severity)s, %(evidence)s,
        %(sd)s, %(st)s, %(si)s, 'open', '', %(now)s, %(now)s)
ON CONFLICT (tenant_id, subject, topic_area, source_domain, source_type, source_id) WHERE status = 'open'
DO UPDATE SET severity = GREATEST(g.severity, EXCLUDED.severity), updated_at = EXCLUDED.updated_at,
    evidence = (SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM (
        SELECT DISTINCT e FROM jsonb_array_elements(g.evidence || EXCLUDED.evidence) AS e LIMIT 20) AS merged)
RETURNING g.*, (xmax = 0) AS created
"""


async def upsert_gap(session: Session, tenant_id: str, gap: Gap, now: datetime) -> Row:
    """The open gap of this subject, topic and source: created, or updated (severity, evidence).
    The row's `created` says which."""
    return (await session.execute(UPSERT_GAP, {
        "tenant": tenant_id, "subject": gap.subject, "user_id": gap.user_id, "topic": gap.topic_area,
        "severity": int(gap.severity), "evidence": Jsonb([[e.domain, e.type, e.id] for e in gap.evidence]),
        "sd": gap.source.domain, "st": gap.source.type, "si": gap.source.id, "now": now})).one()


GAP = Query(select(knowledge_gaps).where(knowledge_gaps.c.tenant_id == bindparam("tenant_id"),
                                         knowledge_gaps.c.gap_id == bindparam("gap_id")).with_for_update())
DISMISS_GAP = Query(knowledge_gaps.update().where(
    knowledge_gaps.c.tenant_id == bindparam("tenant_id"), knowledge_gaps.c.gap_id == bindparam("gap_id"))
    .values(status="dismissed", dismiss_reason=bindparam("reason"), updated_at=bindparam("now"))
    .returning(*knowledge_gaps.c))
ADDRESS_GAPS = """
UPDATE learning_knowledge_gaps SET status = 'addressed', updated_at = %(now)s
WHERE tenant_id = %(tenant)s AND gap_id = ANY(%(gap_ids)s::uuid[]) AND status = 'open'
"""


async def lock_gap(session: Session, tenant_id: str, gap_id: str) -> Row | None:
    return (await session.execute(GAP, tenant_id=tenant_id, gap_id=gap_id)).first()


async def dismiss_gap(session: Session, tenant_id: str, gap_id: str, reason: str, now: datetime) -> Row:
    return (await session.execute(DISMISS_GAP, tenant_id=tenant_id, gap_id=gap_id, reason=reason, now=now)).one()


def _source_filter(query, columns, ref):
    for part, column in (("domain", columns.source_domain), ("type", columns.source_type), ("id", columns.source_id)):
        if ref is not None and getattr(ref, part):
            query = query.where(column == getattr(ref, part))
    return query


async def list_gaps(session: Session, tenant_id: str, filters, after: tuple | None, limit: int) -> list[Row]:
    g = knowledge_gaps.c
    query = select(knowledge_gaps).where(g.tenant_id == tenant_id)
    if filters.subject:
        query = query.where(g.subject == filters.subject)
    if filters.status:
        query = query.where(g.status == filters.status)
    if filters.severity:
        query = query.where(g.severity == filters.severity)
    query = _source_filter(query, g, filters.source)
    if after is not None:
        query = query.where(tuple_(g.created_at, g.gap_id) > tuple_(
            bindparam("a0", after[0], type_=g.created_at.type), bindparam("a1", after[1], type_=g.gap_id.type)))
    return list((await session.execute(query.order_by(g.created_at, g.gap_id).limit(limit))).all())


# --- recommendations -------------------------------------------------------------------------------

INSERT_RECOMMENDATION = """
INSERT INTO learning_recommendations (tenant_id, recommendation_id, user_id, course_id, learning_path_id, priority,
    reason, source_domain, source_type, source_id, gap_id, status, dismiss_reason, automatic, created_at, updated_at)
VALUES (%(tenant)s, gen_random_uuid(), %(user_id)s, %(course_id)s, %(path_id)s, %(priority)s, %(reason)s, %(sd)s,
        %(st)s, %(si)s, %(gap_id)s, 'open', '', %(automatic)s, %(now)s, %(now)s)
ON CONFLICT (tenant_id, gap_id, course_id) WHERE automatic DO NOTHING
RETURNING *
"""


async def insert_recommendation(session: Session, tenant_id: str, new: NewRecommendation, *, automatic: bool,
                                now: datetime) -> Row | None:
    """The new recommendation; None for an automatic one that exists already for this gap and course."""
    return (await session.execute(INSERT_RECOMMENDATION, {
        "tenant": tenant_id, "user_id": new.user_id, "course_id": new.course_id, "path_id": new.learning_path_id,
        "priority": int(new.priority),
        "reason": new.reason, "sd": new.source.domain, "st": new.source.type, "si": new.source.id,
        "gap_id": new.gap_id, "automatic": automatic, "now": now})).first()


RECOMMENDATION = Query(select(recommendations).where(
    recommendations.c.tenant_id == bindparam("tenant_id"),
    recommendations.c.recommendation_id == bindparam("recommendation_id")))
LOCK_RECOMMENDATION = Query(RECOMMENDATION.statement.with_for_update())
DISMISS_RECOMMENDATION = Query(recommendations.update().where(
    recommendations.c.tenant_id == bindparam("tenant_id"),
    recommendations.c.recommendation_id == bindparam("recommendation_id"))
    .values(status="dismissed", dismiss_reason=bindparam("reason"), updated_at=bindparam("now"))
    .returning(*recommendations.c))
COMPLETE_RECOMMENDATIONS = """
UPDATE learning_recommendations r SET status = 'completed', updated_at = %(now)s
FROM unnest(%(user_id)s::uuid[], %(target)s::uuid[]) AS done(user_id, target)
WHERE r.tenant_id = %(tenant)s AND r.user_id = done.user_id AND r.{column} = done.target AND r.status = 'open'
RETURNING r.gap_id
"""


async def get_recommendation(session: Session, tenant_id: str, recommendation_id: str, *,
                             lock: bool = False) -> Row | None:
    return (await session.execute(LOCK_RECOMMENDATION if lock else RECOMMENDATION, tenant_id=tenant_id,
                                  recommendation_id=recommendation_id)).first()


async def dismiss_recommendation(session: Session, tenant_id: str, recommendation_id: str, reason: str,
                                 now: datetime) -> Row:
    return (await session.execute(DISMISS_RECOMMENDATION, tenant_id=tenant_id, recommendation_id=recommendation_id,
                                  reason=reason, now=now)).one()


async def complete_recommendations(session: Session, tenant_id: str, done: Sequence[tuple[str, str]],
                                   now: datetime, *, paths: bool = False) -> int:
    """Learners completed these (user, course) (or, with `paths`, (user, learning path)): their open
    recommendations of it are completed and the gaps those addressed are addressed. Returns how many
    recommendations completed."""
    sql = COMPLETE_RECOMMENDATIONS.format(column="learning_path_id" if paths else "course_id")
    rows = list(await session.execute(sql, {
        "tenant": tenant_id, "now": now, "user_id": [u for u, _ in done], "target": [t for _, t in done]}))
    gap_ids = [row.gap_id for row in rows if row.gap_id is not None]
    if gap_ids:
        await session.execute(ADDRESS_GAPS, {"tenant": tenant_id, "now": now, "gap_ids": gap_ids})
    return len(rows)


async def list_recommendations(session: Session, tenant_id: str, filters, after: tuple | None,
                               limit: int) -> list[Row]:
    r = recommendations.c
    query = select(recommendations).where(r.tenant_id == tenant_id)
    if filters.user_id:
        query = query.where(r.user_id == filters.user_id)
    if filters.status:
        query = query.where(r.status == filters.status)
    if filters.priority:
        query = query.where(r.priority == filters.priority)
    query = _source_filter(query, r, filters.source)
    if after is not None:
        query = query.where(tuple_(r.created_at, r.recommendation_id) > tuple_(
            bindparam("a0", after[0], type_=r.created_at.type),
            bindparam("a1", after[1], type_=r.recommendation_id.type)))
    return list((await session.execute(query.order_by(r.created_at, r.recommendation_id).limit(limit))).all())


# --- organization profiles -------------------------------------------------------------------------

UPSERT_MATURITY = """
INSERT INTO organization_learning_profiles AS o (tenant_id, maturity_level, maturity_score, assessment_domain,
    assessment_type, assessment_id, assessed_at, created_at, updated_at)
VALUES (%(tenant)s, %(level)s, %(score)s, %(ad)s, %(at)s, %(ai)s, %(assessed_at)s, %(now)s, %(now)s)
ON CONFLICT (tenant_id) DO UPDATE SET maturity_level = EXCLUDED.maturity_level,
    maturity_score = EXCLUDED.maturity_score, assessment_domain = EXCLUDED.assessment_domain,
    assessment_type = EXCLUDED.assessment_type, assessment_id = EXCLUDED.assessment_id,
    assessed_at = EXCLUDED.assessed_at, updated_at = EXCLUDED.updated_at
WHERE o.assessed_at < EXCLUDED.assessed_at
"""
PROFILE = Query(select(organization_profiles).where(organization_profiles.c.tenant_id == bindparam("tenant_id")))
SUMMARIES = """
SELECT t.tenant_id,
       count(DISTINCT p.user_id) FILTER (WHERE p.updated_at >= now() - make_interval(days => %(days)s)) AS active,
       count(DISTINCT p.user_id) FILTER (WHERE p.state >= 3) AS completed,
       count(DISTINCT p.user_id) FILTER (WHERE p.certificate_requested_at IS NOT NULL) AS certified,
       count(p.user_id) > 0 AS any_progress
FROM unnest(%(tenants)s::text[]) AS t(tenant_id)
LEFT JOIN learning_user_progress p ON p.tenant_id = t.tenant_id
GROUP BY t.tenant_id
"""


async def record_maturity(session: Session, tenant_id: str, result: MaturityResult, now: datetime) -> None:
    """Keep the newest result (by assessed_at): an older or repeated one changes nothing."""
    await session.execute(UPSERT_MATURITY, {
        "tenant": tenant_id, "level": result.level, "score": result.score, "ad": result.assessment.domain,
        "at": result.assessment.type, "ai": result.assessment.id, "assessed_at": result.assessed_at, "now": now})


async def get_profile(session: Session, tenant_id: str) -> Row | None:
    return (await session.execute(PROFILE, tenant_id=tenant_id)).first()


async def progress_summaries(session: Session, tenant_ids: Sequence[str]) -> dict[str, ProgressSummary]:
    """Each tenant's progress summary, computed from its learners' course rows in one statement."""
    rows = await session.execute(SUMMARIES, {"tenants": list(tenant_ids), "days": ACTIVE_DAYS})
    return {r.tenant_id: ProgressSummary(r.active, r.completed, r.certified, r.any_progress) for r in rows}


async def list_profiles(session: Session, tenant_id: str | None, after: str | None, limit: int) -> list[Row]:
    o = organization_profiles.c
    query = select(organization_profiles)
    if tenant_id is not None:
        query = query.where(o.tenant_id == tenant_id)
    if after is not None:
        query = query.where(o.tenant_id > after)
    return list((await session.execute(query.order_by(o.tenant_id).limit(limit))).all())


# --- learning paths --------------------------------------------------------------------------------

GET_PATH_STEPS = """
SELECT steps FROM path_structures WHERE tenant_id = %(tenant)s AND learning_path_id = %(path)s AND version = %(version)s
"""
SAVE_PATH_STEPS = """
INSERT INTO path_structures (tenant_id, learning_path_id, version, steps, fetched_at)
VALUES (%(tenant)s, %(path)s, %(version)s, %(steps)s, %(now)s) ON CONFLICT DO NOTHING
"""
ENROLL = """
INSERT INTO learning_path_enrollments AS e (tenant_id, user_id, learning_path_id, version, state, enrolled_at,
                                            updated_at)
SELECT %(tenant)s, k.user_id, k.path_id, k.version, 1, k.enrolled_at, %(now)s
FROM unnest(%(user_id)s::uuid[], %(path_id)s::uuid[], %(version)s::int[], %(enrolled_at)s::timestamptz[])
     AS k(user_id, path_id, version, enrolled_at)
ON CONFLICT (tenant_id, user_id, learning_path_id, version)
DO UPDATE SET enrolled_at = LEAST(e.enrolled_at, EXCLUDED.enrolled_at)
"""
ENROLLMENTS_OF = """
SELECT * FROM learning_path_enrollments WHERE tenant_id = %(tenant)s AND user_id = ANY(%(user_id)s::uuid[])
ORDER BY user_id, learning_path_id, version FOR UPDATE
"""
UPDATE_ENROLLMENT = """
UPDATE learning_path_enrollments SET state = %(state)s, updated_at = %(now)s,
    passed_at = COALESCE(passed_at, %(passed_at)s),
    certificate_requested_at = COALESCE(certificate_requested_at, %(certificate_at)s)
WHERE tenant_id = %(tenant)s AND user_id = %(user_id)s AND learning_path_id = %(path)s AND version = %(version)s
"""
COURSE_STATES = """
SELECT p.course_id, p.version, p.state, p.percent_complete, p.passed_at FROM learning_user_progress p
JOIN unnest(%(course_id)s::uuid[], %(version)s::int[]) AS k(course_id, version)
  ON p.course_id = k.course_id AND p.version = k.version
WHERE p.tenant_id = %(tenant)s AND p.user_id = %(user_id)s
"""
ENROLLMENT = """
SELECT * FROM learning_path_enrollments
WHERE tenant_id = %(tenant)s AND user_id = %(user_id)s AND learning_path_id = %(path)s AND version = %(version)s
"""


async def get_path_steps(session: Session, tenant_id: str, path_id: str, version: int) -> list | None:
    return (await session.execute(GET_PATH_STEPS, {"tenant": tenant_id, "path": path_id, "version": version})).scalar()


async def save_path_steps(session: Session, tenant_id: str, path_id: str, version: int, steps: list,
                          now: datetime) -> None:
    await session.execute(SAVE_PATH_STEPS, {"tenant": tenant_id, "path": path_id, "version": version,
                                            "steps": Jsonb(steps), "now": now})


async def enroll(session: Session, tenant_id: str, enrolled: dict, now: datetime) -> None:
    """Enroll learners in path versions (PathKey -> first event time); enrolling again changes nothing."""
    keys = sorted(enrolled, key=lambda k: (k.user_id, k.learning_path_id, k.version))
    await session.execute(ENROLL, {"tenant": tenant_id, "now": now, "user_id": [k.user_id for k in keys],
                                   "path_id": [k.learning_path_id for k in keys], "version": [k.version for k in keys],
                                   "enrolled_at": [enrolled[k] for k in keys]})


async def lock_enrollments(session: Session, tenant_id: str, user_ids: Sequence[str]) -> list[Row]:
    return list(await session.execute(ENROLLMENTS_OF, {"tenant": tenant_id, "user_id": sorted(set(user_ids))}))


async def get_enrollment(session: Session, tenant_id: str, user_id: str, path_id: str, version: int) -> Row | None:
    return (await session.execute(ENROLLMENT, {"tenant": tenant_id, "user_id": user_id, "path": path_id,
                                               "version": version})).first()


async def update_enrollment(session: Session, tenant_id: str, row: Row, state: State, *, passed_at,
                            certificate_requested: bool, now: datetime) -> None:
    await session.execute(UPDATE_ENROLLMENT, {
        "tenant": tenant_id, "user_id": row.user_id, "path": row.learning_path_id, "version": row.version,
        "state": int(state), "passed_at": passed_at, "now": now,
        "certificate_at": now if certificate_requested else None})


async def course_states(session: Session, tenant_id: str, user_id: str,
                        courses: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Row]:
    rows = await session.execute(COURSE_STATES, {"tenant": tenant_id, "user_id": user_id,
                                                 "course_id": [c for c, _ in courses],
                                                 "version": [v for _, v in courses]})
    return {(r.course_id, r.version): r for r in rows}
