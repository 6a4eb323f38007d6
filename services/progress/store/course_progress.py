"""Queries of learners' progress: the event history, course rows, item folds, the catalog's course and
path structures, path enrollments.

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

from services.progress.domain import CourseKey, Event, ItemFold, ItemKey, ItemKind, Mark, State, Summary
from services.progress.tables import course_progress, course_structures
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
