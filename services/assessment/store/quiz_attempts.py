"""Queries of quiz attempts and their answers.

Concurrency rules the queries keep:
  * one IN_PROGRESS attempt per learner, quiz and version, and unique attempt numbers, are unique indexes:
    `insert_attempt` does nothing on a conflict (a concurrent start won) and the caller reads the winner;
  * answering locks the attempt row; submitting and finishing lock every attempt of the learner at that
    quiz and version, in attempt order, so two attempts finishing at once see each other's score (the quiz
    result) and never deadlock;
  * the background scorer claims due pending answers with FOR UPDATE SKIP LOCKED and leases them by moving
    next_try_at, so replicas never score one answer twice at the same time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, null, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from services.assessment.domain import quiz_attempts as domain
from services.assessment.tables import quiz_answers, quiz_attempts
from shared.db import Query, Row, Session

A, Q = quiz_attempts.c, quiz_answers.c

INSERT_ATTEMPT = Query(
    insert(quiz_attempts).values({c.name: bindparam(c.name) for c in quiz_attempts.c})
    .on_conflict_do_nothing().returning(*quiz_attempts.c))
_GROUP = (A.tenant_id == bindparam("tenant_id"), A.user_id == bindparam("user_id"),
          A.course_id == bindparam("course_id"), A.course_version == bindparam("course_version"),
          A.quiz_id == bindparam("quiz_id"))
OPEN_ATTEMPT = Query(select(quiz_attempts).where(*_GROUP, A.status == domain.IN_PROGRESS))
LAST_NUMBER = Query(select(func.coalesce(func.max(A.attempt_number), 0)).where(*_GROUP))
LOCK_GROUP = Query(select(quiz_attempts).where(*_GROUP).order_by(A.attempt_number).with_for_update())
_ONE = (A.tenant_id == bindparam("tenant_id"), A.attempt_id == bindparam("attempt_id"))
ATTEMPT = Query(select(quiz_attempts).where(*_ONE))
LOCK_ATTEMPT = Query(select(quiz_attempts).where(*_ONE).with_for_update())
ANSWERS = Query(select(quiz_answers).where(Q.tenant_id == bindparam("tenant_id"),
                                           Q.attempt_id == bindparam("attempt_id")))
_NEW_ANSWER = insert(quiz_answers).values(
    tenant_id=bindparam("tenant_id"), attempt_id=bindparam("attempt_id"), question_id=bindparam("question_id"),
    selected_options=bindparam("selected_options"), free_text_response=bindparam("free_text_response"),
    answered_at=bindparam("now"), status=domain.ANSWER_PENDING)
UPSERT_ANSWER = Query(_NEW_ANSWER.on_conflict_do_update(
    index_elements=[Q.tenant_id, Q.attempt_id, Q.question_id],
    set_={name: _NEW_ANSWER.excluded[name] for name in ("selected_options", "free_text_response", "answered_at")}))
_ANSWER = (Q.tenant_id == bindparam("tenant_id"), Q.attempt_id == bindparam("attempt_id"),
           Q.question_id == bindparam("question_id"), Q.status == domain.ANSWER_PENDING)
SCORE_ANSWER = Query(quiz_answers.update().where(*_ANSWER).values(
    status=domain.ANSWER_SCORED, score=bindparam("score"), rationale=bindparam("rationale"),
    scorer=bindparam("scorer"), scored_at=bindparam("now"), next_try_at=null()))
DEFER_ANSWER = Query(quiz_answers.update().where(*_ANSWER).values(
    scoring_failures=bindparam("failures"), next_try_at=bindparam("next_try_at")))
TOUCH = Query(quiz_attempts.update().where(*_ONE).values(updated_at=bindparam("now")).returning(*quiz_attempts.c))
SUBMIT = Query(quiz_attempts.update().where(*_ONE).values(
    status=domain.SCORING, submitted_at=bindparam("now"), updated_at=bindparam("now")).returning(*quiz_attempts.c))
FINISH = Query(quiz_attempts.update().where(*_ONE).values(
    status=bindparam("status"), score=bindparam("score"), quiz_result=bindparam("quiz_result"),
    scored_at=bindparam("now"), updated_at=bindparam("now")).returning(*quiz_attempts.c))
CLAIM_DUE = """
WITH due AS (
    SELECT a.tenant_id, a.attempt_id, a.question_id
    FROM learning_quiz_answers a
    JOIN learning_quiz_attempts t ON t.tenant_id = a.tenant_id AND t.attempt_id = a.attempt_id
    WHERE a.status = 'pending' AND a.next_try_at <= %(now)s AND t.status = 'scoring'
    ORDER BY a.next_try_at
    LIMIT %(limit)s
    FOR UPDATE OF a SKIP LOCKED
)
UPDATE learning_quiz_answers a SET next_try_at = %(lease_until)s
FROM due
WHERE a.tenant_id = due.tenant_id AND a.attempt_id = due.attempt_id AND a.question_id = due.question_id
RETURNING a.tenant_id, a.attempt_id, a.question_id, a.selected_options, a.free_text_response
"""
LIST_COLUMNS = [c for c in quiz_attempts.c if c.name != "questions"]  # lists leave the questions out


def _group(tenant_id: str, user_id: str, course_id: str, version: int, quiz_id: str) -> dict:
    return {"tenant_id": tenant_id, "user_id": user_id, "course_id": course_id, "course_version": version,
            "quiz_id": quiz_id}


async def insert_attempt(session: Session, values: dict) -> Row | None:
    """The new attempt, or None when a unique key says another start got there first (nothing written)."""
    return (await session.execute(INSERT_ATTEMPT, **values)).first()


async def open_attempt(session: Session, tenant_id: str, user_id: str, course_id: str, version: int,
                       quiz_id: str) -> Row | None:
    return (await session.execute(OPEN_ATTEMPT, **_group(tenant_id, user_id, course_id, version, quiz_id))).first()


async def last_attempt_number(session: Session, tenant_id: str, user_id: str, course_id: str, version: int,
                              quiz_id: str) -> int:
    return (await session.execute(LAST_NUMBER, **_group(tenant_id, user_id, course_id, version, quiz_id))).scalar()


async def lock_attempts_of(session: Session, attempt: Row) -> list[Row]:
    """Every attempt of `attempt`'s learner at its quiz and version, locked, in attempt order."""
    return list(await session.execute(LOCK_GROUP, **_group(attempt.tenant_id, attempt.user_id, attempt.course_id,
                                                           attempt.course_version, attempt.quiz_id)))


async def get_attempt(session: Session, tenant_id: str, attempt_id: str, *, lock: bool = False) -> Row | None:
    return (await session.execute(LOCK_ATTEMPT if lock else ATTEMPT, tenant_id=tenant_id,
                                  attempt_id=attempt_id)).first()


async def answers(session: Session, tenant_id: str, attempt_id: str) -> list[Row]:
    return list(await session.execute(ANSWERS, tenant_id=tenant_id, attempt_id=attempt_id))


async def upsert_answer(session: Session, tenant_id: str, attempt_id: str, question_id: str,
                        selected_options: Sequence[str], free_text: str | None, now: datetime) -> Row:
    """Stores the answer (replacing an earlier one) and returns the attempt, its update time moved."""
    await session.execute(UPSERT_ANSWER, tenant_id=tenant_id, attempt_id=attempt_id, question_id=question_id,
                          selected_options=list(selected_options), free_text_response=free_text, now=now)
    return (await session.execute(TOUCH, tenant_id=tenant_id, attempt_id=attempt_id, now=now)).one()


async def score_answers(session: Session, tenant_id: str, attempt_id: str, scored: Sequence[tuple],
                        now: datetime) -> None:
    """(question_id, score, rationale, scorer) of answers still pending -> scored."""
    if scored:
        await session.execute(SCORE_ANSWER, [
            {"tenant_id": tenant_id, "attempt_id": attempt_id, "question_id": question_id, "score": score,
             "rationale": rationale, "scorer": scorer, "now": now} for question_id, score, rationale, scorer in scored])


async def defer_answers(session: Session, tenant_id: str, attempt_id: str, deferred: Sequence[tuple]) -> None:
    """(question_id, failures, next_try_at) of answers whose scoring failed: they stay pending."""
    if deferred:
        await session.execute(DEFER_ANSWER, [
            {"tenant_id": tenant_id, "attempt_id": attempt_id, "question_id": question_id, "failures": failures,
             "next_try_at": next_try_at} for question_id, failures, next_try_at in deferred])


async def mark_submitted(session: Session, tenant_id: str, attempt_id: str, now: datetime) -> Row:
    return (await session.execute(SUBMIT, tenant_id=tenant_id, attempt_id=attempt_id, now=now)).one()


async def finish(session: Session, tenant_id: str, attempt_id: str, outcome: domain.Outcome, now: datetime) -> Row:
    return (await session.execute(FINISH, tenant_id=tenant_id, attempt_id=attempt_id, status=outcome.status,
                                  score=outcome.score, quiz_result=outcome.quiz_result, now=now)).one()


async def claim_due_answers(session: Session, now: datetime, *, limit: int, lease_until: datetime) -> list[Row]:
    """Up to `limit` pending answers of SCORING attempts whose next try is due, leased until `lease_until`."""
    return list(await session.execute(CLAIM_DUE, {"now": now, "limit": limit, "lease_until": lease_until}))


async def list_attempts(session: Session, tenant_id: str, filters, after: tuple | None, limit: int) -> list[Row]:
    query = select(*LIST_COLUMNS).where(A.tenant_id == tenant_id)
    if filters.user_id:
        query = query.where(A.user_id == filters.user_id)
    if filters.course is not None:
        query = query.where(A.course_id == filters.course.course_id)
        if filters.course.version:
            query = query.where(A.course_version == filters.course.version)
    if filters.quiz_id:
        query = query.where(A.quiz_id == filters.quiz_id)
    if filters.status:
        query = query.where(A.status == filters.status)
    if filters.started_from is not None:
        query = query.where(A.started_at >= filters.started_from)
    if filters.started_before is not None:
        query = query.where(A.started_at < filters.started_before)
    if after is not None:
        query = query.where(tuple_(A.started_at, A.attempt_id) < tuple_(
            bindparam("a0", after[0], type_=A.started_at.type), bindparam("a1", after[1], type_=A.attempt_id.type)))
    query = query.order_by(A.started_at.desc(), A.attempt_id.desc()).limit(limit)
    return list((await session.execute(query)).all())
