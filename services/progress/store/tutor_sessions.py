"""Queries of AI tutor sessions (append-only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from services.progress.domain import TutorSession
from services.progress.tables import tutor_sessions
from shared.db import Query, Row, Session

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
