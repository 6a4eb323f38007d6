"""Queries of maturity rubric versions (published ones frozen by a trigger) and procurement maturity
assessments (append-only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert

from services.assessment.domain import maturity as domain
from services.assessment.tables import maturity_assessments, maturity_rubrics
from shared.db import Query, Row, Session

R, A = maturity_rubrics.c, maturity_assessments.c

# The one-draft-per-rubric partial unique index answers a lost race for the next version with no row
# (reported as DRAFT_EXISTS), not with an error; the caller's row locks make that race rare.
INSERT_RUBRIC = Query(insert(maturity_rubrics).values(
    {c.name: bindparam(c.name, type_=c.type) for c in maturity_rubrics.c if c.name not in ("published_at",
                                                                                          "published_by")})
    .on_conflict_do_nothing(index_elements=[R.tenant_id, R.rubric_id], index_where=text("state = 'draft'"))
    .returning(*maturity_rubrics.c))
_KEY = (R.tenant_id == bindparam("tenant_id"), R.rubric_id == bindparam("rubric_id"))
_VERSION = select(maturity_rubrics).where(*_KEY, R.version == bindparam("version"))
RUBRIC = Query(_VERSION)
LOCK_RUBRIC = Query(_VERSION.with_for_update())
LATEST_PUBLISHED = Query(select(maturity_rubrics).where(*_KEY, R.state == domain.PUBLISHED)
                         .order_by(R.version.desc()).limit(1))
LOCK_VERSIONS = Query(select(R.version).where(*_KEY).with_for_update())
HEAD = Query(select(func.max(R.version).label("latest"),
                    func.coalesce(func.bool_or(R.state == domain.DRAFT), False).label("has_draft")).where(*_KEY))
_CHANGE = update(maturity_rubrics).where(*_KEY, R.version == bindparam("version"), R.state == domain.DRAFT)
REPLACE_CONTENT = Query(_CHANGE.values(
    title=bindparam("title"), description=bindparam("description"),
    dimensions=bindparam("dimensions", type_=R.dimensions.type),
    level_thresholds=bindparam("level_thresholds", type_=R.level_thresholds.type),
    gap_threshold=bindparam("gap_threshold"), updated_at=bindparam("now")).returning(*maturity_rubrics.c))
PUBLISH = Query(_CHANGE.values(state=domain.PUBLISHED, published_at=bindparam("now"),
                               published_by=bindparam("published_by"), updated_at=bindparam("now"))
                .returning(*maturity_rubrics.c))


def _content(content: domain.RubricContent) -> dict:
    return {"title": content.title, "description": content.description, "dimensions": content.dimensions_json(),
            "level_thresholds": content.thresholds_json(), "gap_threshold": content.gap_threshold}


async def insert_draft(session: Session, tenant_id: str, rubric_id: str, version: int,
                       content: domain.RubricContent, now: datetime) -> Row | None:
    """The new DRAFT version, or None when the rubric has a draft already."""
    return (await session.execute(INSERT_RUBRIC, tenant_id=tenant_id, rubric_id=rubric_id, version=version,
                                  state=domain.DRAFT, created_at=now, updated_at=now, **_content(content))).first()


async def lock_versions(session: Session, tenant_id: str, rubric_id: str) -> int:
    """Lock every version of a rubric (how many there are): opening the next version serializes on it
    with other openings and with publishing. Read the head with `rubric_head` in a later statement: in
    READ COMMITTED only a new statement sees a draft committed while this one waited."""
    return len(await session.execute(LOCK_VERSIONS, tenant_id=tenant_id, rubric_id=rubric_id))


async def rubric_head(session: Session, tenant_id: str, rubric_id: str) -> tuple[int, bool]:
    """(the latest version number, whether a DRAFT version exists)."""
    row = (await session.execute(HEAD, tenant_id=tenant_id, rubric_id=rubric_id)).one()
    return row.latest or 0, row.has_draft


async def get_rubric(session: Session, tenant_id: str, rubric_id: str, version: int, *,
                     lock: bool = False) -> Row | None:
    """One version (locked FOR UPDATE with `lock`); version 0: the latest published one."""
    if version == 0:
        return (await session.execute(LATEST_PUBLISHED, tenant_id=tenant_id, rubric_id=rubric_id)).first()
    return (await session.execute(LOCK_RUBRIC if lock else RUBRIC, tenant_id=tenant_id, rubric_id=rubric_id,
                                  version=version)).first()


async def replace_content(session: Session, tenant_id: str, rubric_id: str, version: int,
                          content: domain.RubricContent, now: datetime) -> Row:
    """Replace a locked DRAFT version's content."""
    return (await session.execute(REPLACE_CONTENT, tenant_id=tenant_id, rubric_id=rubric_id, version=version,
                                  now=now, **_content(content))).one()


async def publish(session: Session, tenant_id: str, rubric_id: str, version: int, published_by: str,
                  now: datetime) -> Row:
    """Publish a locked DRAFT version."""
    return (await session.execute(PUBLISH, tenant_id=tenant_id, rubric_id=rubric_id, version=version,
                                  published_by=published_by, now=now)).one()


async def list_rubrics(session: Session, tenant_id: str, filters, after: tuple | None, limit: int) -> list[Row]:
    """Newest first: created_at, rubric_id, version, all descending (maturity_rubrics_created_idx)."""
    query = select(maturity_rubrics).where(R.tenant_id == tenant_id)
    if filters.rubric_id:
        query = query.where(R.rubric_id == filters.rubric_id)
    if filters.state:
        query = query.where(R.state == filters.state)
    if after is not None:
        query = query.where(tuple_(R.created_at, R.rubric_id, R.version) < tuple_(
            bindparam("a0", after[0], type_=R.created_at.type), bindparam("a1", after[1], type_=R.rubric_id.type),
            bindparam("a2", after[2], type_=R.version.type)))
    query = query.order_by(R.created_at.desc(), R.rubric_id.desc(), R.version.desc()).limit(limit)
    return list((await session.execute(query)).all())


INSERT_ASSESSMENT = Query(insert(maturity_assessments).values(
    {c.name: bindparam(c.name, type_=c.type) for c in maturity_assessments.c}).returning(*maturity_assessments.c))
ASSESSMENT = Query(select(maturity_assessments).where(
    A.tenant_id == bindparam("tenant_id"), A.assessment_id == bindparam("assessment_id")))
ASSESSMENT_EXISTS = Query(select(A.assessment_id).where(
    A.tenant_id == bindparam("tenant_id"), A.assessment_id == bindparam("assessment_id")))


async def insert_assessment(session: Session, tenant_id: str, assessment_id: str, rubric_id: str,
                            rubric_version: int, assessor_id: str, scored: domain.ScoredAssessment,
                            supersedes_assessment_id: str | None, now: datetime) -> Row:
    return (await session.execute(
        INSERT_ASSESSMENT, tenant_id=tenant_id, assessment_id=assessment_id, rubric_id=rubric_id,
        rubric_version=rubric_version, assessor_id=assessor_id, responses=scored.responses_json(),
        dimension_scores=scored.dimension_scores_json(), total_score=scored.total_score,
        maturity_level=scored.maturity_level, supersedes_assessment_id=supersedes_assessment_id,
        submitted_at=now)).one()


async def get_assessment(session: Session, tenant_id: str, assessment_id: str) -> Row | None:
    return (await session.execute(ASSESSMENT, tenant_id=tenant_id, assessment_id=assessment_id)).first()


async def assessment_exists(session: Session, tenant_id: str, assessment_id: str) -> bool:
    return (await session.execute(ASSESSMENT_EXISTS, tenant_id=tenant_id, assessment_id=assessment_id)).first() \
        is not None


async def list_assessments(session: Session, tenant_id: str, filters, after: tuple | None,
                           limit: int) -> list[Row]:
    """Newest first: submitted_at, assessment_id descending (an index per filter: rubric, level, none)."""
    query = select(maturity_assessments).where(A.tenant_id == tenant_id)
    if filters.rubric_id:
        query = query.where(A.rubric_id == filters.rubric_id)
    if filters.maturity_level:
        query = query.where(A.maturity_level == filters.maturity_level)
    if filters.submitted_from is not None:
        query = query.where(A.submitted_at >= filters.submitted_from)
    if filters.submitted_before is not None:
        query = query.where(A.submitted_at < filters.submitted_before)
    if after is not None:
        query = query.where(tuple_(A.submitted_at, A.assessment_id) < tuple_(
            bindparam("a0", after[0], type_=A.submitted_at.type),
            bindparam("a1", after[1], type_=A.assessment_id.type)))
    query = query.order_by(A.submitted_at.desc(), A.assessment_id.desc()).limit(limit)
    return list((await session.execute(query)).all())
