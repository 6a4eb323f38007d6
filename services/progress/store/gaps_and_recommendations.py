"""Queries of knowledge gaps (one open per subject, topic and source) and recommendations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from psycopg.types.json import Jsonb
from sqlalchemy import bindparam, select, tuple_

from services.progress.domain import Gap, NewRecommendation
from services.progress.tables import knowledge_gaps, recommendations
from shared.db import Query, Row, Session

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
