"""Queries of organization learning profiles and the progress summary computed for them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select

from services.progress.domain import ACTIVE_DAYS, MaturityResult, ProgressSummary
from services.progress.tables import organization_profiles
from shared.db import Query, Row, Session

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
