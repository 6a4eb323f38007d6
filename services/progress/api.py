"""ProgressService RPCs: authorize, validate (validate.py), one unit of work each; rules in domain.py,
SQL in store.py, the catalog's structures in structures.py, protos in convert.py."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_service_pb2 as evidence
from learning.progress.v1 import progress_service_pb2 as svc
from learning.progress.v1 import progress_service_pb2_grpc
from services.progress import convert, domain, store, validate
from services.progress.structures import CatalogUnavailable, CourseStructures
from shared.auth import (
    ADMIN,
    ALL_TENANTS,
    AUDITOR,
    LEARNER,
    REVIEWER,
    SERVICE,
    Principal,
    authorize,
    current_principal,
)
from shared.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied, Unavailable
from shared.pagination import TENANT, TIME, UUID, Int, PageTokens, page_size
from shared.routes import CERTIFICATES
from shared.sql import Row
from shared.timeutil import to_timestamp, utcnow
from shared.unit_of_work import UnitOfWork, UnitsOfWork
from shared.validation import required_id

log = logging.getLogger("learning.progress")

RECORD_ROLES = frozenset({LEARNER, SERVICE, ADMIN})
READ_ROLES = frozenset({LEARNER, REVIEWER, AUDITOR, ADMIN, SERVICE})
UPGRADE_ROLES = frozenset({LEARNER, ADMIN, SERVICE})
PROGRESS_PAGES = PageTokens("ListUserProgress", key=(TIME, UUID, Int(1, 2**31 - 1), UUID))
TUTOR_PAGES = PageTokens("ListTutorSessions", key=(TIME, UUID))
TUTOR_RECORD_ROLES = frozenset({SERVICE, ADMIN})
GAP_RECORD_ROLES = frozenset({SERVICE, ADMIN})
CURATOR_ROLES = frozenset({REVIEWER, ADMIN, SERVICE})  # dismiss gaps, recommend courses
RECOMMENDATION_DISMISS_ROLES = frozenset({LEARNER, REVIEWER, ADMIN, SERVICE})
GAP_PAGES = PageTokens("ListKnowledgeGaps", key=(TIME, UUID))
PROFILE_PAGES = PageTokens("ListOrganizationLearningProfiles", key=(TENANT,))
MATURITY_ROLES = frozenset({SERVICE, ADMIN})
PROFILE_ROLES = frozenset({REVIEWER, AUDITOR, ADMIN, SERVICE})
RECOMMENDATION_PAGES = PageTokens("ListRecommendations", key=(TIME, UUID))


def _only_learner(principal: Principal) -> bool:
    """A caller whose only standing is being a learner: it sees and records its own progress only."""
    return not principal.has_any({SERVICE, ADMIN, REVIEWER, AUDITOR})


def _own(principal: Principal, user_id: str) -> None:
    if _only_learner(principal) and user_id != principal.subject:
        raise PermissionDenied("a learner may only see and change its own progress")


class ProgressApi(progress_service_pb2_grpc.ProgressServiceServicer):
    def __init__(self, work: UnitsOfWork, structures: CourseStructures) -> None:
        self.work = work
        self.structures = structures

    async def RecordProgressEvents(self, request, context):
        principal = authorize(request.tenant_id, RECORD_ROLES)
        events = validate.record_events(request)
        if not principal.has_any({SERVICE, ADMIN}):
            domain.check_learner_events(principal.subject, events)
        elif not principal.has_any({SERVICE}):
            domain.check_admin_events(events)
        tenant, now = request.tenant_id, utcnow()
        structures = await self._structures_of(tenant, events)
        await self._paths_of(tenant, events)
        async with self.work(context) as uow:
            new, conflicts = await store.insert_events(uow.session, tenant, events, recorded_by=principal.subject,
                                                       now=now)
            if conflicts:
                raise AlreadyExists("progress event", conflicts[0], f"event {conflicts[0]} was recorded before "
                                    "with other content", metadata={"event_id": conflicts[0]})
            if new:
                await self._apply(uow, tenant, new, structures, now)
        return svc.RecordProgressEventsResponse(recorded_count=len(new),
                                                duplicate_count=len(request.events) - len(new))

    async def GetCourseProgress(self, request, context):
        principal = authorize(request.tenant_id, READ_ROLES)
        key = validate.course_progress(request)
        _own(principal, key.user_id)
        tenant = request.tenant_id
        try:
            structure = await self.structures.get(tenant, key.course_id, key.version)
        except CatalogUnavailable:
            structure = None
        async with self.work.read(context) as uow:
            row, items = await store.course_with_items(uow.session, tenant, key)
        if structure is None and row is None:
            raise Unavailable("the catalog does not answer and this course version was never seen; retry")
        summary = domain.summarize(structure, items) if structure is not None else None
        return svc.GetCourseProgressResponse(progress=convert.course_progress(row, key, structure, items, summary))

    async def ListUserProgress(self, request, context):
        principal = authorize(request.tenant_id, READ_ROLES)
        filters = validate.list_progress(request)
        if _only_learner(principal) and filters.user_id != principal.subject:
            raise PermissionDenied("a learner lists only its own progress: set user_id to its own id")
        limit = page_size(request.page_size)
        scope = PROGRESS_PAGES.scope(request.tenant_id, filters.user_id or "", filters.course_id or "", request.state)
        after = PROGRESS_PAGES.decode(request.page_token, scope)
        async with self.work.read(context) as uow:
            rows = await store.list_courses(uow.session, request.tenant_id, user_id=filters.user_id,
                                            course_id=filters.course_id, state=filters.state, after=after,
                                            limit=limit + 1)
        items, token = PROGRESS_PAGES.page(rows, limit, scope,
                                           key=lambda r: (r.started_at, r.course_id, r.version, r.user_id),
                                           convert=convert.course_summary)
        return svc.ListUserProgressResponse(progress=items, next_page_token=token)

    async def GetPathProgress(self, request, context):
        principal = authorize(request.tenant_id, READ_ROLES)
        key = validate.path_progress(request)
        _own(principal, key.user_id)
        try:
            steps = await self.structures.path(request.tenant_id, key.learning_path_id, key.version)
        except CatalogUnavailable:
            raise Unavailable("the catalog does not answer and this path version was never seen; retry") from None
        async with self.work(context) as uow:  # one snapshot of the steps' courses and the enrollment
            states = await store.course_states(uow.session, request.tenant_id, key.user_id,
                                               [(s.course_id, s.version) for s in steps])
            enrollment = await store.get_enrollment(uow.session, request.tenant_id, key.user_id,
                                                    key.learning_path_id, key.version)
        summary = domain.summarize_path(steps, {k: domain.State(r.state) for k, r in states.items()})
        return svc.GetPathProgressResponse(progress=convert.path_progress(key, steps, states, summary,
                                                                          enrollment is not None))

    async def UpgradeCourseProgress(self, request, context):
        principal = authorize(request.tenant_id, UPGRADE_ROLES)
        upgrade = validate.upgrade(request)
        _own(principal, upgrade.user_id)
        tenant, now = request.tenant_id, utcnow()
        try:
            await self.structures.get(tenant, upgrade.course_id, upgrade.from_version)
            target = await self.structures.get(tenant, upgrade.course_id, upgrade.to_version)
        except CatalogUnavailable:
            raise Unavailable("the catalog does not answer; retry") from None
        source = domain.CourseKey(upgrade.user_id, upgrade.course_id, upgrade.from_version)
        key = domain.CourseKey(upgrade.user_id, upgrade.course_id, upgrade.to_version)
        async with self.work(context) as uow:
            if await store.get_course(uow.session, tenant, source) is None:
                raise NotFound("course progress", f"users/{source.user_id}/courses/{source.course_id}/versions/"
                                                  f"{source.version}")
            old_items = (await store.items_of(uow.session, tenant, [source]))[source]
            carried = domain.carry_over(old_items, target)
            started = min((fold.started_at for fold in carried.values()), default=now)
            rows = await store.lock_courses(uow.session, tenant, {key: started}, now)
            await store.merge_items(uow.session, tenant, {(key, item): fold for item, fold in carried.items()}, now)
            items = (await store.items_of(uow.session, tenant, [key]))[key]
            row, summary = (await self._settle(uow, tenant, [(key, rows[key], target, items)], now,
                                               upgraded_from=upgrade.from_version))[key]
        return svc.UpgradeCourseProgressResponse(
            progress=convert.course_progress(row, key, target, items, summary), carried_over_count=len(carried))

    # -- AI tutor sessions ---------------------------------------------------------------------------

    async def RecordTutorSession(self, request, context):
        principal = authorize(request.tenant_id, TUTOR_RECORD_ROLES)
        tutor = validate.tutor_session(request)
        tenant = request.tenant_id
        async with self.work(context) as uow:
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

    async def GetTutorSession(self, request, context):
        principal = authorize(request.tenant_id, READ_ROLES)
        session_id = required_id(request, "tutor_session_id")
        async with self.work.read(context) as uow:
            row = await store.get_tutor_session(uow.session, request.tenant_id, session_id)
        if row is None or (_only_learner(principal) and row.user_id != principal.subject):
            raise NotFound("ai tutor session", session_id)  # a learner never learns of others' sessions
        return svc.GetTutorSessionResponse(tutor_session=convert.tutor_session(row))

    async def ListTutorSessions(self, request, context):
        principal = authorize(request.tenant_id, READ_ROLES)
        filters = validate.list_tutor_sessions(request)
        if _only_learner(principal) and filters.user_id != principal.subject:
            raise PermissionDenied("a learner lists only its own tutor sessions: set user_id to its own id")
        limit = page_size(request.page_size)
        scope = TUTOR_PAGES.scope(request.tenant_id, filters.user_id or "", filters.lesson_id or "",
                                  request.guardrail_result, filters.started_from, filters.started_before)
        after = TUTOR_PAGES.decode(request.page_token, scope)
        async with self.work.read(context) as uow:
            rows = await store.list_tutor_sessions(uow.session, request.tenant_id, filters, after, limit + 1)
        items, token = TUTOR_PAGES.page(rows, limit, scope, key=lambda r: (r.started_at, r.tutor_session_id),
                                        convert=convert.tutor_session)
        return svc.ListTutorSessionsResponse(tutor_sessions=items, next_page_token=token)

    # -- knowledge gaps and recommendations -----------------------------------------------------------

    async def RecordKnowledgeGaps(self, request, context):
        principal = authorize(request.tenant_id, GAP_RECORD_ROLES)
        gaps = validate.record_gaps(request)
        tenant = request.tenant_id
        # Which published courses teach each new learner gap's topic: asked before the transaction.
        courses: dict[str, list[str]] = {}
        for topic in {gap.topic_area for gap in gaps if gap.user_id}:
            try:
                courses[topic] = await self.structures.courses_for_topic(tenant, topic)
            except CatalogUnavailable:
                log.warning("catalog unavailable: knowledge gaps in %r recorded without recommendations", topic)
        async with self.work(context) as uow:
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
                        await self._audit_recommendation(uow, tenant, principal, made, domain.RECOMMENDATION_CREATED)
                        recommended.append(made)
        return svc.RecordKnowledgeGapsResponse(gaps=[convert.gap(r) for r in stored],
                                               recommendations=[convert.recommendation(r) for r in recommended])

    async def ListKnowledgeGaps(self, request, context):
        principal = authorize(request.tenant_id, READ_ROLES)
        filters = validate.list_gaps(request)
        if _only_learner(principal) and filters.subject != principal.subject:
            raise PermissionDenied("a learner lists only its own knowledge gaps: set user_id to its own id")
        limit = page_size(request.page_size)
        scope = GAP_PAGES.scope(request.tenant_id, filters.subject, filters.status, filters.severity,
                                filters.source and [filters.source.domain, filters.source.type, filters.source.id])
        after = GAP_PAGES.decode(request.page_token, scope)
        async with self.work.read(context) as uow:
            rows = await store.list_gaps(uow.session, request.tenant_id, filters, after, limit + 1)
        items, token = GAP_PAGES.page(rows, limit, scope, key=lambda r: (r.created_at, r.gap_id), convert=convert.gap)
        return svc.ListKnowledgeGapsResponse(gaps=items, next_page_token=token)

    async def DismissKnowledgeGap(self, request, context):
        authorize(request.tenant_id, CURATOR_ROLES)
        gap_id, reason = validate.dismissal(request, "gap_id")
        async with self.work(context) as uow:
            row = await store.lock_gap(uow.session, request.tenant_id, gap_id)
            if row is None:
                raise NotFound("knowledge gap", gap_id)
            domain.check_open(row.status, "gap", f"knowledge_gaps/{gap_id}")
            row = await store.dismiss_gap(uow.session, request.tenant_id, gap_id, reason, utcnow())
        return svc.DismissKnowledgeGapResponse(gap=convert.gap(row))

    async def CreateRecommendation(self, request, context):
        principal = authorize(request.tenant_id, CURATOR_ROLES)
        new = validate.create_recommendation(request)
        tenant = request.tenant_id
        async with self.work(context) as uow:
            async def create():
                if new.gap_id is not None and await store.lock_gap(uow.session, tenant, new.gap_id) is None:
                    raise NotFound("knowledge gap", new.gap_id)
                row = await store.insert_recommendation(uow.session, tenant, new, automatic=False, now=utcnow())
                await self._audit_recommendation(uow, tenant, principal, row, domain.RECOMMENDATION_CREATED)
                return svc.CreateRecommendationResponse(recommendation=convert.recommendation(row))

            once = await uow.run_once(tenant_id=tenant, request_id=new.request_id, request=request,
                                      response_type=svc.CreateRecommendationResponse, compute=create)
        return once.response

    async def DismissRecommendation(self, request, context):
        principal = authorize(request.tenant_id, RECOMMENDATION_DISMISS_ROLES)
        recommendation_id, reason = validate.dismissal(request, "recommendation_id")
        tenant = request.tenant_id
        async with self.work(context) as uow:
            row = await store.get_recommendation(uow.session, tenant, recommendation_id, lock=True)
            if row is None or (_only_learner(principal) and row.user_id != principal.subject):
                raise NotFound("recommendation", recommendation_id)
            domain.check_open(row.status, "recommendation", f"recommendations/{recommendation_id}")
            row = await store.dismiss_recommendation(uow.session, tenant, recommendation_id, reason, utcnow())
            await self._audit_recommendation(uow, tenant, principal, row, domain.RECOMMENDATION_DISMISSED)
        return svc.DismissRecommendationResponse(recommendation=convert.recommendation(row))

    async def ListRecommendations(self, request, context):
        principal = authorize(request.tenant_id, READ_ROLES)
        filters = validate.list_recommendations(request)
        if _only_learner(principal) and filters.user_id != principal.subject:
            raise PermissionDenied("a learner lists only its own recommendations: set user_id to its own id")
        limit = page_size(request.page_size)
        scope = RECOMMENDATION_PAGES.scope(request.tenant_id, filters.user_id, filters.status, filters.priority,
                                           filters.source and [filters.source.domain, filters.source.type,
                                                               filters.source.id])
        after = RECOMMENDATION_PAGES.decode(request.page_token, scope)
        async with self.work.read(context) as uow:
            rows = await store.list_recommendations(uow.session, request.tenant_id, filters, after, limit + 1)
        items, token = RECOMMENDATION_PAGES.page(rows, limit, scope, key=lambda r: (r.created_at, r.recommendation_id),
                                                 convert=convert.recommendation)
        return svc.ListRecommendationsResponse(recommendations=items, next_page_token=token)

    async def _audit_recommendation(self, uow: UnitOfWork, tenant: str, principal: Principal, row: Row,
                                    action: str) -> None:
        await uow.audit(tenant_id=tenant, actor_id=principal.subject, action=action, subject_type="recommendation",
                        subject_id=row.recommendation_id,
                        event_id=domain.audit_event_id(tenant, f"{row.recommendation_id}/{action}"), payload={
                            "user_id": row.user_id, "course_id": row.course_id or "",
                            "learning_path_id": row.learning_path_id or "", "priority": int(row.priority),
                            "status": row.status, "automatic": row.automatic, "gap_id": row.gap_id or "",
                            "source": [row.source_domain, row.source_type, row.source_id],
                            "reason": row.dismiss_reason or row.reason})

    # -- organization learning profiles ---------------------------------------------------------------

    async def RecordMaturityResult(self, request, context):
        authorize(request.tenant_id, MATURITY_ROLES)
        result = validate.maturity_result(request)
        async with self.work(context) as uow:
            await store.record_maturity(uow.session, request.tenant_id, result, utcnow())
            profile = await self._profile(uow, request.tenant_id)
        return svc.RecordMaturityResultResponse(profile=profile)

    async def GetOrganizationLearningProfile(self, request, context):
        authorize(request.tenant_id, PROFILE_ROLES)
        async with self.work(context) as uow:  # the profile and its summary from one snapshot
            profile = await self._profile(uow, request.tenant_id)
        return svc.GetOrganizationLearningProfileResponse(profile=profile)

    async def ListOrganizationLearningProfiles(self, request, context):
        principal = current_principal()
        if not principal.has_any(PROFILE_ROLES):
            raise PermissionDenied(f"requires one of the roles: {', '.join(sorted(PROFILE_ROLES))}")
        every_tenant = principal.tenant_id == ALL_TENANTS and principal.has_any({SERVICE})
        limit = page_size(request.page_size)
        scope = PROFILE_PAGES.scope(principal.tenant_id)
        after = PROFILE_PAGES.decode(request.page_token, scope)
        async with self.work(context) as uow:
            rows = await store.list_profiles(uow.session, None if every_tenant else principal.tenant_id,
                                             after[0] if after else None, limit + 1)
            summaries = await store.progress_summaries(uow.session, [row.tenant_id for row in rows[:limit]])
            profiles = [convert.organization_profile(row.tenant_id, row, summaries[row.tenant_id])
                        for row in rows[:limit]]
        token = PROFILE_PAGES.encode((rows[limit - 1].tenant_id,), scope) if len(rows) > limit else ""
        return svc.ListOrganizationLearningProfilesResponse(profiles=profiles, next_page_token=token)

    async def _profile(self, uow: UnitOfWork, tenant: str):
        row = await store.get_profile(uow.session, tenant)
        summaries = await store.progress_summaries(uow.session, [tenant])
        return convert.organization_profile(tenant, row, summaries[tenant])

    # -- applying events ----------------------------------------------------------------------------

    async def _structures_of(self, tenant: str, events: Sequence[domain.Event]) -> dict[tuple[str, int], object]:
        """The structure of every version the events name (None: the catalog cannot say yet), and a
        FAILED_PRECONDITION for a version that is not published or an item that is not in its version."""
        found: dict[tuple[str, int], domain.Structure | None] = {}
        for index, event in enumerate(events):
            version = (event.course.course_id, event.course.version)
            if version not in found:
                try:
                    found[version] = await self.structures.get(tenant, *version)
                except CatalogUnavailable:
                    found[version] = None
        for version, structure in found.items():
            if structure is not None:
                domain.check_items_in_version([(i, e) for i, e in enumerate(events)
                                               if (e.course.course_id, e.course.version) == version], structure)
        return found

    async def _paths_of(self, tenant: str, events: Sequence[domain.Event]) -> None:
        """Learn the steps of every path version the events name (FAILED_PRECONDITION if one is not
        published); with the catalog down they are learnt with a later event."""
        for path in {(e.path.learning_path_id, e.path.version) for e in events if e.path is not None}:
            try:
                await self.structures.path(tenant, *path)
            except CatalogUnavailable:
                log.warning("catalog unavailable: path %s version %s not evaluated yet", *path)

    async def _apply(self, uow: UnitOfWork, tenant: str, events: Sequence[domain.Event],
                     structures: dict, now: datetime) -> None:
        started: dict[domain.CourseKey, datetime] = {}
        enrolled: dict[domain.PathKey, datetime] = {}
        for event in events:
            started[event.course] = min(started.get(event.course, event.occur_time), event.occur_time)
            if event.path is not None:
                enrolled[event.path] = min(enrolled.get(event.path, event.occur_time), event.occur_time)
        rows = await store.lock_courses(uow.session, tenant, started, now)  # serializes per learner-version
        await store.merge_items(uow.session, tenant, domain.fold(events), now)
        items = await store.items_of(uow.session, tenant, started)
        settled = await self._settle(uow, tenant, [(key, rows[key], structures.get((key.course_id, key.version)),
                                                    items[key]) for key in started], now)
        if enrolled:
            await store.enroll(uow.session, tenant, enrolled, now)
        learners = {key.user_id for key, (_, summary) in settled.items()
                    if summary is not None and summary.state >= domain.State.COMPLETED} | {k.user_id for k in enrolled}
        if learners:
            await self._settle_paths(uow, tenant, learners, now)

    async def _settle_paths(self, uow: UnitOfWork, tenant: str, learners: set[str], now: datetime) -> None:
        """Re-evaluate the learners' path enrollments (after one of their courses reached COMPLETED or they
        enrolled); the first time one is PASSED, queue its certificate; a path reaching COMPLETED completes
        the learner's recommendations of it."""
        for enrollment in await store.lock_enrollments(uow.session, tenant, sorted(learners)):
            if enrollment.certificate_requested_at is not None:
                continue
            stored = await store.get_path_steps(uow.session, tenant, enrollment.learning_path_id, enrollment.version)
            if stored is None:
                continue  # the catalog was down when the learner enrolled: evaluated with a later event
            steps = [domain.PathStep(*step) for step in stored]
            states = await store.course_states(uow.session, tenant, enrollment.user_id,
                                               [(s.course_id, s.version) for s in steps])
            summary = domain.summarize_path(steps, {k: domain.State(r.state) for k, r in states.items()})
            passed_at = None
            if summary.state == domain.State.PASSED:
                passed_at = min(max(states[(s.course_id, s.version)].passed_at for s in steps if s.required), now)
                key = domain.PathKey(enrollment.user_id, enrollment.learning_path_id, enrollment.version)
                request_id = domain.path_certificate_request_id(tenant, key)
                await uow.enqueue(CERTIFICATES, tenant_id=tenant, event_id=request_id,
                                  message=evidence.IssueCertificateRequest(
                                      tenant_id=tenant, request_id=request_id, recipient_id=key.user_id,
                                      learning_path=common_pb2.LearningPathVersionRef(
                                          learning_path_id=key.learning_path_id, version=key.version),
                                      issue_time=to_timestamp(passed_at)))
            await store.update_enrollment(uow.session, tenant, enrollment, summary.state, passed_at=passed_at,
                                          certificate_requested=passed_at is not None, now=now)
            if summary.state >= domain.State.COMPLETED > enrollment.state:
                await store.complete_recommendations(uow.session, tenant, [(enrollment.user_id,
                                                                            enrollment.learning_path_id)], now,
                                                     paths=True)

    async def _settle(self, uow: UnitOfWork, tenant: str,
                      courses: Sequence[tuple[domain.CourseKey, Row, domain.Structure | None, dict]], now: datetime,
                      *, upgraded_from: int = 0) -> dict[domain.CourseKey, tuple[Row, domain.Summary | None]]:
        """Store each course's state; the first time one is PASSED, queue its certificate (once: the
        course rows are locked and remember the request)."""
        updates, summaries = [], {}
        for key, row, structure, items in courses:
            summary = domain.summarize(structure, items) if structure is not None else None
            summaries[key] = summary
            certify = (summary is not None and summary.state == domain.State.PASSED
                       and row.certificate_requested_at is None)
            if certify:
                await self._request_certificate(uow, tenant, key, min(summary.passed_at, now))
            updates.append(store.CourseUpdate(key, summary, certify, upgraded_from))
        rows = await store.update_courses(uow.session, tenant, updates, now)
        # A learner who completes a course completes the recommendations of it (any version), and the
        # knowledge gaps they were made for are addressed.
        newly_done = [(key.user_id, key.course_id) for key, row, _, _ in courses
                      if row.state < domain.State.COMPLETED and summaries[key] is not None
                      and summaries[key].state >= domain.State.COMPLETED]
        if newly_done:
            await store.complete_recommendations(uow.session, tenant, newly_done, now)
        return {key: (rows[key], summaries[key]) for key in summaries}

    async def _request_certificate(self, uow: UnitOfWork, tenant: str, key: domain.CourseKey,
                                   passed_at: datetime) -> None:
        request_id = domain.certificate_request_id(tenant, key)
        await uow.enqueue(CERTIFICATES, tenant_id=tenant, event_id=request_id, message=evidence.IssueCertificateRequest(
            tenant_id=tenant, request_id=request_id, recipient_id=key.user_id,
            course=common_pb2.CourseVersionRef(course_id=key.course_id, version=key.version),
            issue_time=to_timestamp(passed_at)))

    async def settle_pending(self) -> int:
        """Compute the state of progress that waited for its version's structure, now that the catalog
        answers; returns how many learner-versions were settled."""
        settled = 0
        async with self.work.read() as uow:
            versions = await store.pending_versions(uow.session)
        for pending in versions:
            try:
                structure = await self.structures.get(pending.tenant_id, pending.course_id, pending.version)
            except CatalogUnavailable:
                return settled  # still down: try again on the next round
            except FailedPrecondition as error:
                log.warning("progress recorded for course %s version %s, which the catalog does not have "
                            "published: %s", pending.course_id, pending.version, error.message)
                continue
            async with self.work.read() as uow:
                learners = await store.pending_learners(uow.session, pending.tenant_id, pending.course_id,
                                                        pending.version)
            for user_id in learners:
                key = domain.CourseKey(user_id, pending.course_id, pending.version)
                async with self.work() as uow:
                    row = await store.get_course(uow.session, pending.tenant_id, key, lock=True)
                    items = (await store.items_of(uow.session, pending.tenant_id, [key]))[key]
                    await self._settle(uow, pending.tenant_id, [(key, row, structure, items)], utcnow())
                settled += 1
        return settled
