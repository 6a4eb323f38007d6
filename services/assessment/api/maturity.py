"""Procurement maturity: rubric versions (DRAFT -> PUBLISHED, immutable once published) and assessments
scored against a published version (append-only: re-scoring is a new assessment that supersedes).

Audit: "maturity_rubric.published" has subject ("maturity_rubric", rubric_id) and the version in its
payload, as catalog's "course.published" names the course; "maturity_assessment.scored" has subject
("maturity_assessment", assessment_id). Every outbox event id is derived from what it reports, so no
retry of a transaction can queue an event twice.
"""

from __future__ import annotations

import uuid

from learning.assessment.v1 import assessment_service_pb2 as svc
from services.assessment.api.access import (
    MATURITY_READ_ROLES,
    MATURITY_SUBMIT_ROLES,
    RUBRIC_READ_ROLES,
    RUBRIC_WRITE_ROLES,
)
from services.assessment.convert import maturity as convert
from services.assessment.domain import maturity as domain
from services.assessment.store import maturity as store
from services.assessment.validate import maturity as validate
from shared.auth import Principal, authorize
from shared.errors import FailedPrecondition, NotFound
from shared.pagination import TIME, UUID, Int, PageTokens, page_size
from shared.routes import KNOWLEDGE_GAPS, MATURITY_RESULTS
from shared.timeutil import utcnow
from shared.unit_of_work import UnitOfWork
from shared.validation import required_id

RUBRIC_PAGES = PageTokens("ListMaturityRubrics", key=(TIME, UUID, Int(1, 2**31 - 1)))
ASSESSMENT_PAGES = PageTokens("ListMaturityAssessments", key=(TIME, UUID))


def _name(rubric_id: str, version: int | str) -> str:
    return f"maturity_rubrics/{rubric_id}/versions/{version}"


async def create_maturity_rubric(api, request, context):
    authorize(request.tenant_id, RUBRIC_WRITE_ROLES)
    new = validate.create_rubric(request)
    tenant = request.tenant_id
    async with api.work(context) as uow:
        async def create():
            rubric_id, version = new.rubric_id or str(uuid.uuid4()), 1
            if new.rubric_id:
                # Serialize with other openings and publications of this rubric, then read its head afresh.
                if not await store.lock_versions(uow.session, tenant, rubric_id):
                    raise NotFound("maturity rubric", rubric_id)
                latest, has_draft = await store.rubric_head(uow.session, tenant, rubric_id)
                if has_draft:
                    raise _draft_exists(rubric_id)
                version = latest + 1
            row = await store.insert_draft(uow.session, tenant, rubric_id, version, new.content, utcnow())
            if row is None:  # a draft appeared regardless: the partial unique index held
                raise _draft_exists(rubric_id)
            return svc.CreateMaturityRubricResponse(rubric=convert.rubric(row))

        once = await uow.run_once(tenant_id=tenant, request_id=new.request_id, request=request,
                                  response_type=svc.CreateMaturityRubricResponse, compute=create,
                                  conflict_metadata=lambda first: {"rubric_id": first.rubric.rubric_id} if first
                                  else {})
    return once.response


def _draft_exists(rubric_id: str) -> FailedPrecondition:
    return FailedPrecondition("the rubric has a DRAFT version already: update or publish it first",
                              violation_type="DRAFT_EXISTS", subject=f"maturity_rubrics/{rubric_id}")


async def update_maturity_rubric(api, request, context):
    authorize(request.tenant_id, RUBRIC_WRITE_ROLES)
    key, content = validate.update_rubric(request)
    async with api.work(context) as uow:
        row = await store.get_rubric(uow.session, request.tenant_id, key.rubric_id, key.version, lock=True)
        if row is None:
            raise NotFound("maturity rubric version", _name(key.rubric_id, key.version))
        if row.state == domain.PUBLISHED:
            raise FailedPrecondition("published rubric versions never change: create the next version",
                                     violation_type="RUBRIC_PUBLISHED", subject=_name(key.rubric_id, key.version))
        row = await store.replace_content(uow.session, request.tenant_id, key.rubric_id, key.version, content,
                                          utcnow())
    return svc.UpdateMaturityRubricResponse(rubric=convert.rubric(row))


async def publish_maturity_rubric(api, request, context):
    principal = authorize(request.tenant_id, RUBRIC_WRITE_ROLES)
    key = validate.rubric_version(request)
    tenant = request.tenant_id
    async with api.work(context) as uow:
        row = await store.get_rubric(uow.session, tenant, key.rubric_id, key.version, lock=True)
        if row is None:
            raise NotFound("maturity rubric version", _name(key.rubric_id, key.version))
        if row.state == domain.DRAFT:  # publishing a published version returns it unchanged, with no event
            now = utcnow()
            row = await store.publish(uow.session, tenant, key.rubric_id, key.version, principal.subject, now)
            await uow.audit(tenant_id=tenant, actor_id=principal.subject, action=domain.RUBRIC_PUBLISHED,
                            subject_type=domain.RUBRIC_SUBJECT, subject_id=key.rubric_id, occur_time=now,
                            event_id=domain.rubric_published_event_id(tenant, key.rubric_id, key.version),
                            payload={"rubric_id": key.rubric_id, "version": key.version, "title": row.title,
                                     "dimensions": len(row.dimensions),
                                     "questions": sum(len(d["questions"]) for d in row.dimensions)})
    return svc.PublishMaturityRubricResponse(rubric=convert.rubric(row))


async def get_maturity_rubric(api, request, context):
    authorize(request.tenant_id, RUBRIC_READ_ROLES)
    key = validate.rubric_version(request, latest_allowed=True)
    async with api.work.read(context) as uow:
        row = await store.get_rubric(uow.session, request.tenant_id, key.rubric_id, key.version)
    if row is None:
        raise NotFound("maturity rubric version", _name(key.rubric_id, key.version or "latest"))
    return svc.GetMaturityRubricResponse(rubric=convert.rubric(row))


async def list_maturity_rubrics(api, request, context):
    authorize(request.tenant_id, RUBRIC_READ_ROLES)
    filters = validate.list_rubrics(request)
    limit = page_size(request.page_size)
    scope = RUBRIC_PAGES.scope(request.tenant_id, filters.rubric_id or "", filters.state or "")
    after = RUBRIC_PAGES.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        rows = await store.list_rubrics(uow.session, request.tenant_id, filters, after, limit + 1)
    items, token = RUBRIC_PAGES.page(rows, limit, scope, key=lambda r: (r.created_at, r.rubric_id, r.version),
                                     convert=convert.rubric)
    return svc.ListMaturityRubricsResponse(rubrics=items, next_page_token=token)


async def submit_maturity_assessment(api, request, context):
    principal = authorize(request.tenant_id, MATURITY_SUBMIT_ROLES)
    new = validate.submit_assessment(request)
    tenant = request.tenant_id
    async with api.work(context) as uow:
        async def submit():
            # Published versions never change (trigger), so reading it without a lock is enough.
            rubric = await store.get_rubric(uow.session, tenant, new.rubric_id, new.rubric_version)
            if rubric is None:
                raise NotFound("maturity rubric version", _name(new.rubric_id, new.rubric_version))
            if rubric.state != domain.PUBLISHED:
                raise FailedPrecondition("assessments name published rubric versions only: publish it first",
                                         violation_type="RUBRIC_NOT_PUBLISHED",
                                         subject=_name(new.rubric_id, new.rubric_version))
            content = convert.content(rubric)
            scored = domain.score(content, validate.responses_match(content, new.ratings))
            if new.supersedes_assessment_id and not await store.assessment_exists(
                    uow.session, tenant, new.supersedes_assessment_id):
                raise NotFound("maturity assessment", new.supersedes_assessment_id)
            row = await store.insert_assessment(uow.session, tenant, str(uuid.uuid4()), new.rubric_id,
                                                new.rubric_version, principal.subject, scored,
                                                new.supersedes_assessment_id, utcnow())
            await _send_results(uow, tenant, principal, row, scored, content.gap_threshold)
            return svc.SubmitMaturityAssessmentResponse(assessment=convert.assessment(row))

        once = await uow.run_once(tenant_id=tenant, request_id=new.request_id, request=request,
                                  response_type=svc.SubmitMaturityAssessmentResponse, compute=submit,
                                  conflict_metadata=lambda first: {"assessment_id": first.assessment.assessment_id}
                                  if first else {})
    return once.response


async def _send_results(uow: UnitOfWork, tenant: str, principal: Principal, row, scored: domain.ScoredAssessment,
                        gap_threshold: float) -> None:
    """In the assessment's transaction: the audit event, progress's maturity result and, for weak
    dimensions, the organization's knowledge gaps."""
    assessment_id = row.assessment_id
    weak = [d.dimension_key for d in scored.weak_dimensions]
    await uow.audit(tenant_id=tenant, actor_id=principal.subject, action=domain.ASSESSMENT_SCORED,
                    subject_type=domain.ASSESSMENT_SUBJECT, subject_id=assessment_id, occur_time=row.submitted_at,
                    event_id=domain.assessment_event_id(tenant, assessment_id, "audit"),
                    payload={"rubric_id": row.rubric_id, "rubric_version": row.rubric_version,
                             "total_score": scored.total_score, "maturity_level": scored.maturity_level,
                             "weak_dimensions": weak,
                             "supersedes_assessment_id": row.supersedes_assessment_id or ""})
    await uow.enqueue(MATURITY_RESULTS, tenant_id=tenant,
                      message=convert.maturity_result(tenant, assessment_id, scored, row.submitted_at),
                      event_id=domain.assessment_event_id(tenant, assessment_id, "result"))
    gaps = domain.organization_gaps(scored, gap_threshold)
    if gaps:
        await uow.enqueue(KNOWLEDGE_GAPS, tenant_id=tenant,
                          message=convert.knowledge_gaps(tenant, assessment_id, gaps),
                          event_id=domain.assessment_event_id(tenant, assessment_id, "gaps"))


async def get_maturity_assessment(api, request, context):
    authorize(request.tenant_id, MATURITY_READ_ROLES)
    assessment_id = required_id(request, "assessment_id")
    async with api.work.read(context) as uow:
        row = await store.get_assessment(uow.session, request.tenant_id, assessment_id)
    if row is None:
        raise NotFound("maturity assessment", assessment_id)
    return svc.GetMaturityAssessmentResponse(assessment=convert.assessment(row))


async def list_maturity_assessments(api, request, context):
    authorize(request.tenant_id, MATURITY_READ_ROLES)
    filters = validate.list_assessments(request)
    limit = page_size(request.page_size)
    scope = ASSESSMENT_PAGES.scope(request.tenant_id, filters.rubric_id or "", filters.maturity_level or 0,
                                   filters.submitted_from, filters.submitted_before)
    after = ASSESSMENT_PAGES.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        rows = await store.list_assessments(uow.session, request.tenant_id, filters, after, limit + 1)
    items, token = ASSESSMENT_PAGES.page(rows, limit, scope, key=lambda r: (r.submitted_at, r.assessment_id),
                                         convert=convert.assessment)
    return svc.ListMaturityAssessmentsResponse(assessments=items, next_page_token=token)
