"""AI tutor sessions: recorded once (append-only, audited), read by learner, lesson, verdict and time."""

from __future__ import annotations

from learning.progress.v1 import progress_service_pb2 as svc
from services.progress import convert, domain, store, validate
from services.progress.api.access import READ_ROLES, TUTOR_RECORD_ROLES, only_learner
from shared.auth import authorize
from shared.errors import AlreadyExists, NotFound, PermissionDenied
from shared.pagination import TIME, UUID, PageTokens, page_size
from shared.timeutil import utcnow
from shared.validation import required_id

TUTOR_PAGES = PageTokens("ListTutorSessions", key=(TIME, UUID))


async def record_tutor_session(api, request, context):
    principal = authorize(request.tenant_id, TUTOR_RECORD_ROLES)
    tutor = validate.tutor_session(request)
    tenant = request.tenant_id
    async with api.work(context) as uow:
        row = await store.insert_tutor_session(uow.session, tenant, tutor, recorded_by=principal.subject,
                                               now=utcnow())
        created = row is not None
        if created:
            await uow.audit(tenant_id=tenant, actor_id=principal.subject, action=domain.TUTOR_SESSION_RECORDED,
                            subject_type="ai_tutor_session", subject_id=tutor.tutor_session_id,
                            event_id=domain.audit_event_id(tenant, tutor.tutor_session_id),
                            occur_time=tutor.ended_at, payload={
                                "user_id": tutor.user_id, "course_id": tutor.course_id,
                                "version": tutor.version, "lesson_id": tutor.lesson_id,
                                "model_id": tutor.model_id, "confidence": tutor.confidence,
                                "guardrail_result": tutor.guardrail_result.value,
                                "guardrail_categories": list(tutor.guardrail_categories)})
        else:
            row = await store.get_tutor_session(uow.session, tenant, tutor.tutor_session_id)
            if bytes(row.content_hash) != tutor.content_hash():
                raise AlreadyExists("ai tutor session", tutor.tutor_session_id,
                                    "the tutor session was recorded before with other content",
                                    metadata={"tutor_session_id": tutor.tutor_session_id})
    return svc.RecordTutorSessionResponse(tutor_session=convert.tutor_session(row), created=created)


async def get_tutor_session(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    session_id = required_id(request, "tutor_session_id")
    async with api.work.read(context) as uow:
        row = await store.get_tutor_session(uow.session, request.tenant_id, session_id)
    if row is None or (only_learner(principal) and row.user_id != principal.subject):
        raise NotFound("ai tutor session", session_id)  # a learner never learns of others' sessions
    return svc.GetTutorSessionResponse(tutor_session=convert.tutor_session(row))


async def list_tutor_sessions(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    filters = validate.list_tutor_sessions(request)
    if only_learner(principal) and filters.user_id != principal.subject:
        raise PermissionDenied("a learner lists only its own tutor sessions: set user_id to its own id")
    limit = page_size(request.page_size)
    scope = TUTOR_PAGES.scope(request.tenant_id, filters.user_id or "", filters.lesson_id or "",
                              request.guardrail_result, filters.started_from, filters.started_before)
    after = TUTOR_PAGES.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        rows = await store.list_tutor_sessions(uow.session, request.tenant_id, filters, after, limit + 1)
    items, token = TUTOR_PAGES.page(rows, limit, scope, key=lambda r: (r.started_at, r.tutor_session_id),
                                    convert=convert.tutor_session)
    return svc.ListTutorSessionsResponse(tutor_sessions=items, next_page_token=token)
