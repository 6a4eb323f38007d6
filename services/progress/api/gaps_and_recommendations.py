"""Knowledge gaps and recommendations: recorded, recommended (by hand or from catalog topic tags),
dismissed, listed; completion happens in course_progress when a learner completes the target."""

from __future__ import annotations

import logging

from learning.progress.v1 import progress_service_pb2 as svc
from services.progress import convert, domain, store, validate
from services.progress.api.access import (
    CURATOR_ROLES,
    GAP_RECORD_ROLES,
    READ_ROLES,
    RECOMMENDATION_DISMISS_ROLES,
    only_learner,
)
from services.progress.structures import CatalogUnavailable
from shared.auth import Principal, authorize
from shared.errors import NotFound, PermissionDenied
from shared.pagination import TIME, UUID, PageTokens, page_size
from shared.sql import Row
from shared.timeutil import utcnow
from shared.unit_of_work import UnitOfWork

log = logging.getLogger("learning.progress")

GAP_PAGES = PageTokens("ListKnowledgeGaps", key=(TIME, UUID))
RECOMMENDATION_PAGES = PageTokens("ListRecommendations", key=(TIME, UUID))


async def record_knowledge_gaps(api, request, context):
    principal = authorize(request.tenant_id, GAP_RECORD_ROLES)
    gaps = validate.record_gaps(request)
    tenant = request.tenant_id
    # Which published courses teach each new learner gap's topic: asked before the transaction.
    courses: dict[str, list[str]] = {}
    for topic in {gap.topic_area for gap in gaps if gap.user_id}:
        try:
            courses[topic] = await api.structures.courses_for_topic(tenant, topic)
        except CatalogUnavailable:
            log.warning("catalog unavailable: knowledge gaps in %r recorded without recommendations", topic)
    async with api.work(context) as uow:
        now = utcnow()
        stored, recommended = [], []
        for gap in gaps:
            row = await store.upsert_gap(uow.session, tenant, gap, now)
            stored.append(row)
            if not (row.created and gap.user_id):
                continue
            for course_id in courses.get(gap.topic_area, []):
                made = await store.insert_recommendation(
                    uow.session, tenant, domain.gap_recommendation(row.gap_id, gap, course_id), automatic=True,
                    now=now)
                if made is not None:
                    await _audit_recommendation(api, uow, tenant, principal, made, domain.RECOMMENDATION_CREATED)
                    recommended.append(made)
    return svc.RecordKnowledgeGapsResponse(gaps=[convert.gap(r) for r in stored],
                                           recommendations=[convert.recommendation(r) for r in recommended])


async def list_knowledge_gaps(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    filters = validate.list_gaps(request)
    if only_learner(principal) and filters.subject != principal.subject:
        raise PermissionDenied("a learner lists only its own knowledge gaps: set user_id to its own id")
    limit = page_size(request.page_size)
    scope = GAP_PAGES.scope(request.tenant_id, filters.subject, filters.status, filters.severity,
                            filters.source and [filters.source.domain, filters.source.type, filters.source.id])
    after = GAP_PAGES.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        rows = await store.list_gaps(uow.session, request.tenant_id, filters, after, limit + 1)
    items, token = GAP_PAGES.page(rows, limit, scope, key=lambda r: (r.created_at, r.gap_id), convert=convert.gap)
    return svc.ListKnowledgeGapsResponse(gaps=items, next_page_token=token)


async def dismiss_knowledge_gap(api, request, context):
    authorize(request.tenant_id, CURATOR_ROLES)
    gap_id, reason = validate.dismissal(request, "gap_id")
    async with api.work(context) as uow:
        row = await store.lock_gap(uow.session, request.tenant_id, gap_id)
        if row is None:
            raise NotFound("knowledge gap", gap_id)
        domain.check_open(row.status, "gap", f"knowledge_gaps/{gap_id}")
        row = await store.dismiss_gap(uow.session, request.tenant_id, gap_id, reason, utcnow())
    return svc.DismissKnowledgeGapResponse(gap=convert.gap(row))


async def create_recommendation(api, request, context):
    principal = authorize(request.tenant_id, CURATOR_ROLES)
    new = validate.create_recommendation(request)
    tenant = request.tenant_id
    async with api.work(context) as uow:
        async def create():
            if new.gap_id is not None:
                gap = await store.lock_gap(uow.session, tenant, new.gap_id)
                if gap is None:
                    raise NotFound("knowledge gap", new.gap_id)
                # Completing the recommendation addresses the gap: it must be the learner's or the organization's.
                domain.check_gap_subject(gap.user_id, new.user_id)
            row = await store.insert_recommendation(uow.session, tenant, new, automatic=False, now=utcnow())
            await _audit_recommendation(api, uow, tenant, principal, row, domain.RECOMMENDATION_CREATED)
            return svc.CreateRecommendationResponse(recommendation=convert.recommendation(row))

        once = await uow.run_once(tenant_id=tenant, request_id=new.request_id, request=request,
                                  response_type=svc.CreateRecommendationResponse, compute=create)
    return once.response


async def dismiss_recommendation(api, request, context):
    principal = authorize(request.tenant_id, RECOMMENDATION_DISMISS_ROLES)
    recommendation_id, reason = validate.dismissal(request, "recommendation_id")
    tenant = request.tenant_id
    async with api.work(context) as uow:
        row = await store.get_recommendation(uow.session, tenant, recommendation_id, lock=True)
        if row is None or (only_learner(principal) and row.user_id != principal.subject):
            raise NotFound("recommendation", recommendation_id)
        domain.check_open(row.status, "recommendation", f"recommendations/{recommendation_id}")
        row = await store.dismiss_recommendation(uow.session, tenant, recommendation_id, reason, utcnow())
        await _audit_recommendation(api, uow, tenant, principal, row, domain.RECOMMENDATION_DISMISSED)
    return svc.DismissRecommendationResponse(recommendation=convert.recommendation(row))


async def list_recommendations(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    filters = validate.list_recommendations(request)
    if only_learner(principal) and filters.user_id != principal.subject:
        raise PermissionDenied("a learner lists only its own recommendations: set user_id to its own id")
    limit = page_size(request.page_size)
    scope = RECOMMENDATION_PAGES.scope(request.tenant_id, filters.user_id, filters.status, filters.priority,
                                       filters.source and [filters.source.domain, filters.source.type,
                                                           filters.source.id])
    after = RECOMMENDATION_PAGES.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        rows = await store.list_recommendations(uow.session, request.tenant_id, filters, after, limit + 1)
    items, token = RECOMMENDATION_PAGES.page(rows, limit, scope, key=lambda r: (r.created_at, r.recommendation_id),
                                             convert=convert.recommendation)
    return svc.ListRecommendationsResponse(recommendations=items, next_page_token=token)


async def _audit_recommendation(api, uow: UnitOfWork, tenant: str, principal: Principal, row: Row,
                                action: str) -> None:
    await uow.audit(tenant_id=tenant, actor_id=principal.subject, action=action, subject_type="recommendation",
                    subject_id=row.recommendation_id,
                    event_id=domain.audit_event_id(tenant, f"{row.recommendation_id}/{action}"), payload={
                        "user_id": row.user_id, "course_id": row.course_id or "",
                        "learning_path_id": row.learning_path_id or "", "priority": int(row.priority),
                        "status": row.status, "automatic": row.automatic, "gap_id": row.gap_id or "",
                        "source": [row.source_domain, row.source_type, row.source_id],
                        "reason": row.dismiss_reason or row.reason})
