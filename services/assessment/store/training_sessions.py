"""Queries of training sessions, their answers per attempt and their evaluated attempts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert

from services.assessment.domain import training_sessions as domain
from services.assessment.tables import training_answers, training_attempt_results, training_sessions
from shared.db import Query, Row, Session

S, A, R = training_sessions.c, training_answers.c, training_attempt_results.c

INSERT_SESSION = Query(insert(training_sessions).values(
    {c.name: bindparam(c.name) for c in training_sessions.c if c.name not in ("abandon_reason",
                                                                              "evidence_requested_at")})
    .returning(*training_sessions.c))
_SESSION = select(training_sessions).where(S.tenant_id == bindparam("tenant_id"),
                                           S.session_id == bindparam("session_id"))
SESSION = Query(_SESSION)
# The session without its frozen content (16 kB of JSON for 50 items): what an answer needs when the content
# is known already (api keeps it: it never changes after the start).
_HEAD = select(*(c for c in training_sessions.c if c.name != "content")).where(
    S.tenant_id == bindparam("tenant_id"), S.session_id == bindparam("session_id"))
# Answers take a share lock: concurrent submits to different items go on together, while an evaluation
# or an abandonment (FOR UPDATE) waits for them and then sees every answer.
HEAD_FOR_ANSWER = Query(_HEAD.with_for_update(read=True, of=training_sessions))
SESSION_FOR_CHANGE = Query(_SESSION.with_for_update())
ANSWERS = Query(select(training_answers).where(
    A.tenant_id == bindparam("tenant_id"), A.session_id == bindparam("session_id"),
    A.attempt_number == bindparam("attempt_number")))
MODULE_ANSWERS = Query(select(training_answers).where(
    A.tenant_id == bindparam("tenant_id"), A.session_id == bindparam("session_id"),
    A.attempt_number == bindparam("attempt_number"), A.module_index == bindparam("module_index")))
ANSWER = Query(select(training_answers).where(
    A.tenant_id == bindparam("tenant_id"), A.session_id == bindparam("session_id"),
    A.attempt_number == bindparam("attempt_number"), A.item_id == bindparam("item_id")))
INSERT_ANSWER = Query(insert(training_answers).values(
    {c.name: bindparam(c.name) for c in training_answers.c if c.name not in ("scoring_failures",)})
    .on_conflict_do_nothing().returning(*training_answers.c))
RESULTS = Query(select(training_attempt_results).where(
    R.tenant_id == bindparam("tenant_id"), R.session_id == bindparam("session_id"))
    .order_by(R.attempt_number))
INSERT_RESULT = Query(insert(training_attempt_results).values(
    {c.name: bindparam(c.name) for c in training_attempt_results.c}))
SET_STATUS = Query(update(training_sessions).where(
    S.tenant_id == bindparam("tenant_id"), S.session_id == bindparam("session_id")).values(
    status=bindparam("status"), attempt_number=bindparam("attempt_number"),
    completed_at=bindparam("completed_at"), abandon_reason=bindparam("abandon_reason"),
    evidence_requested_at=bindparam("evidence_requested_at"), updated_at=bindparam("updated_at")))
APPLY_SCORE = Query(update(training_answers).where(
    A.tenant_id == bindparam("tenant_id"), A.session_id == bindparam("session_id"),
    A.attempt_number == bindparam("attempt_number"), A.item_id == bindparam("item_id"),
    A.status == "pending").values(
    status="scored", score=bindparam("score"), rationale=bindparam("rationale"), scorer=bindparam("scorer"),
    scored_at=bindparam("scored_at"), next_try_at=None).returning(*training_answers.c))
RETRY_LATER = Query(update(training_answers).where(
    A.tenant_id == bindparam("tenant_id"), A.session_id == bindparam("session_id"),
    A.attempt_number == bindparam("attempt_number"), A.item_id == bindparam("item_id"),
    A.status == "pending").values(scoring_failures=A.scoring_failures + 1, next_try_at=bindparam("next_try_at")))
# Due pending answers, claimed by pushing next_try_at out by a lease: another replica or worker skips them
# (SKIP LOCKED while claiming, then the lease), and a crashed scorer's claim simply expires.
CLAIM_PENDING = Query(
    update(training_answers).where(tuple_(A.tenant_id, A.session_id, A.attempt_number, A.item_id).in_(
        select(A.tenant_id, A.session_id, A.attempt_number, A.item_id)
        .where(A.status == "pending", A.next_try_at <= bindparam("now"))
        .order_by(A.next_try_at).limit(bindparam("limit")).with_for_update(skip_locked=True)))
    .values(next_try_at=bindparam("lease_until")).returning(*training_answers.c))


async def insert_session(session: Session, **values) -> Row:
    return (await session.execute(INSERT_SESSION, **values)).one()


async def get_session(session: Session, tenant_id: str, session_id: str, *, lock: str = "") -> Row | None:
    """lock: "" (none) or "change" (exclusive)."""
    query = {"": SESSION, "change": SESSION_FOR_CHANGE}[lock]
    return (await session.execute(query, tenant_id=tenant_id, session_id=session_id)).first()


async def answers(session: Session, tenant_id: str, session_id: str, attempt_number: int) -> list[Row]:
    return (await session.execute(ANSWERS, tenant_id=tenant_id, session_id=session_id,
                                  attempt_number=attempt_number)).all()


async def lock_for_answer(session: Session, tenant_id: str, session_id: str) -> Row | None:
    """The session's state (no content) under a shared lock: answers go on together, evaluations wait."""
    return (await session.execute(HEAD_FOR_ANSWER, tenant_id=tenant_id, session_id=session_id)).first()


async def module_answers(session: Session, tenant_id: str, session_id: str, attempt_number: int,
                         module_index: int) -> list[Row]:
    return (await session.execute(MODULE_ANSWERS, tenant_id=tenant_id, session_id=session_id,
                                  attempt_number=attempt_number, module_index=module_index)).all()


async def get_answer(session: Session, tenant_id: str, session_id: str, attempt_number: int, item_id: str) -> Row | None:
    return (await session.execute(ANSWER, tenant_id=tenant_id, session_id=session_id, attempt_number=attempt_number,
                                  item_id=item_id)).first()


async def insert_answer(session: Session, **values) -> Row | None:
    """The stored answer, or None when the item was answered already in this attempt (nothing written)."""
    return (await session.execute(INSERT_ANSWER, **values)).first()


async def apply_score(session: Session, *, tenant_id: str, session_id: str, attempt_number: int, item_id: str,
                      score: float, rationale: str | None, scorer: str, scored_at: datetime) -> Row | None:
    """Score a pending answer; None when it was scored meanwhile (by another replica)."""
    return (await session.execute(APPLY_SCORE, tenant_id=tenant_id, session_id=session_id,
                                  attempt_number=attempt_number, item_id=item_id, score=score, rationale=rationale,
                                  scorer=scorer, scored_at=scored_at)).first()


async def retry_later(session: Session, row: Row, *, first_wait: float, now: datetime) -> None:
    """Back off: first_wait doubled per failure, at most 5 minutes."""
    wait = min(300.0, first_wait * 2 ** min(row.scoring_failures, 10))
    await session.execute(RETRY_LATER, tenant_id=row.tenant_id, session_id=row.session_id,
                          attempt_number=row.attempt_number, item_id=row.item_id,
                          next_try_at=now + timedelta(seconds=wait))


async def claim_pending(session: Session, *, now: datetime, lease_seconds: float, limit: int) -> list[Row]:
    return (await session.execute(CLAIM_PENDING, now=now, limit=limit,
                                  lease_until=now + timedelta(seconds=lease_seconds))).all()


async def attempt_results(session: Session, tenant_id: str, session_id: str) -> list[Row]:
    return (await session.execute(RESULTS, tenant_id=tenant_id, session_id=session_id)).all()


async def insert_attempt_result(session: Session, **values) -> None:
    await session.execute(INSERT_RESULT, **values)


async def set_status(session: Session, *, tenant_id: str, session_id: str, status: str, attempt_number: int,
                     completed_at: datetime | None, abandon_reason: str, evidence_requested_at: datetime | None,
                     updated_at: datetime) -> None:
    await session.execute(SET_STATUS, tenant_id=tenant_id, session_id=session_id, status=status,
                          attempt_number=attempt_number, completed_at=completed_at, abandon_reason=abandon_reason,
                          evidence_requested_at=evidence_requested_at, updated_at=updated_at)


async def list_sessions(session: Session, tenant_id: str, filters, after: tuple | None, limit: int) -> list[Row]:
    query = select(training_sessions).where(S.tenant_id == tenant_id)
    if filters.employee_id:
        query = query.where(S.employee_id == filters.employee_id)
    if filters.course is not None:
        query = query.where(S.course_id == filters.course.course_id)
        if filters.course.version:
            query = query.where(S.course_version == filters.course.version)
    if filters.status:
        query = query.where(S.status == filters.status)
    if filters.created_from is not None:
        query = query.where(S.created_at >= filters.created_from)
    if filters.created_before is not None:
        query = query.where(S.created_at < filters.created_before)
    if after is not None:
        query = query.where(tuple_(S.created_at, S.session_id) < tuple_(
            bindparam("a0", after[0], type_=S.created_at.type), bindparam("a1", after[1], type_=S.session_id.type)))
    query = query.order_by(S.created_at.desc(), S.session_id.desc()).limit(limit)
    return list((await session.execute(query)).all())


# --------------------------------------------------------------------------------------------------------
# Rows -> domain
# --------------------------------------------------------------------------------------------------------

def session_of(row: Row, modules: list[domain.Module] | None = None) -> domain.Session:
    """The session of a row; `modules` when the frozen content is known already (the row may lack it)."""
    return domain.Session(
        session_id=row.session_id, tenant_id=row.tenant_id, employee_id=row.employee_id, course_id=row.course_id,
        course_version=row.course_version,
        policy=domain.Policy(row.pass_threshold, row.max_attempts, row.role_profile_id, row.role_profile_version,
                             row.app_version),
        config_hash=row.config_hash, status=row.status, attempt_number=row.attempt_number,
        modules=modules if modules is not None else [domain.Module.from_json(m) for m in row.content],
        created_at=row.created_at,
        completed_at=row.completed_at)


def answers_of(rows: list[Row]) -> dict[str, domain.Answer]:
    return {row.item_id: domain.Answer(row.item_id, row.module_index, row.selected_option, row.free_text_response,
                                       row.status, row.score, row.rationale, row.scorer, row.submitted_at,
                                       row.scored_at) for row in rows}


def result_of(row: Row) -> domain.AttemptResult:
    return domain.AttemptResult(row.attempt_number, row.aggregate_score, row.passed, list(row.weak_areas),
                                [domain.ModuleResult.from_json(m) for m in row.module_results], row.evaluated_at)
