"""Progress in course versions and learning paths: recording events, reading, upgrading, and the
certificates of passed courses and paths (each RPC takes (api, request, context))."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_service_pb2 as evidence
from learning.progress.v1 import progress_service_pb2 as svc
from services.progress import convert, domain, store, validate
from services.progress.api.access import READ_ROLES, RECORD_ROLES, UPGRADE_ROLES, only_learner, own
from services.progress.structures import CatalogUnavailable
from shared.auth import ADMIN, SERVICE, authorize
from shared.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied, Unavailable
from shared.pagination import TIME, UUID, Int, PageTokens, page_size
from shared.routes import CERTIFICATES
from shared.sql import Row
from shared.timeutil import to_timestamp, utcnow
from shared.unit_of_work import UnitOfWork

log = logging.getLogger("learning.progress")

PROGRESS_PAGES = PageTokens("ListUserProgress", key=(TIME, UUID, Int(1, 2**31 - 1), UUID))


async def record_progress_events(api, request, context):
    principal = authorize(request.tenant_id, RECORD_ROLES)
    events = validate.record_events(request)
    if not principal.has_any({SERVICE, ADMIN}):
        domain.check_learner_events(principal.subject, events)
    elif not principal.has_any({SERVICE}):
        domain.check_admin_events(events)
    tenant, now = request.tenant_id, utcnow()
    structures = await _structures_of(api, tenant, events)
    await _paths_of(api, tenant, events)
    async with api.work(context) as uow:
        new, conflicts = await store.insert_events(uow.session, tenant, events, recorded_by=principal.subject,
                                                   now=now)
        if conflicts:
            raise AlreadyExists("progress event", conflicts[0], f"event {conflicts[0]} was recorded before "
                                "with other content", metadata={"event_id": conflicts[0]})
        if new:
            await _apply(api, uow, tenant, new, structures, now)
    return svc.RecordProgressEventsResponse(recorded_count=len(new),
                                            duplicate_count=len(request.events) - len(new))


async def get_course_progress(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    key = validate.course_progress(request)
    own(principal, key.user_id)
    tenant = request.tenant_id
    try:
        structure = await api.structures.get(tenant, key.course_id, key.version)
    except CatalogUnavailable:
        structure = None
    async with api.work.read(context) as uow:
        row, items = await store.course_with_items(uow.session, tenant, key)
    if structure is None and row is None:
        raise Unavailable("the catalog does not answer and this course version was never seen; retry")
    summary = domain.summarize(structure, items) if structure is not None else None
    return svc.GetCourseProgressResponse(progress=convert.course_progress(row, key, structure, items, summary))


async def list_user_progress(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    filters = validate.list_progress(request)
    if only_learner(principal) and filters.user_id != principal.subject:
        raise PermissionDenied("a learner lists only its own progress: set user_id to its own id")
    limit = page_size(request.page_size)
    scope = PROGRESS_PAGES.scope(request.tenant_id, filters.user_id or "", filters.course_id or "", request.state)
    after = PROGRESS_PAGES.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        rows = await store.list_courses(uow.session, request.tenant_id, user_id=filters.user_id,
                                        course_id=filters.course_id, state=filters.state, after=after,
                                        limit=limit + 1)
    items, token = PROGRESS_PAGES.page(rows, limit, scope,
                                       key=lambda r: (r.started_at, r.course_id, r.version, r.user_id),
                                       convert=convert.course_summary)
    return svc.ListUserProgressResponse(progress=items, next_page_token=token)


async def get_path_progress(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    key = validate.path_progress(request)
    own(principal, key.user_id)
    try:
        steps = await api.structures.path(request.tenant_id, key.learning_path_id, key.version)
    except CatalogUnavailable:
        raise Unavailable("the catalog does not answer and this path version was never seen; retry") from None
    async with api.work(context) as uow:  # one snapshot of the steps' courses and the enrollment
        states = await store.course_states(uow.session, request.tenant_id, key.user_id,
                                           [(s.course_id, s.version) for s in steps])
        enrollment = await store.get_enrollment(uow.session, request.tenant_id, key.user_id,
                                                key.learning_path_id, key.version)
    summary = domain.summarize_path(steps, {k: domain.State(r.state) for k, r in states.items()})
    return svc.GetPathProgressResponse(progress=convert.path_progress(key, steps, states, summary,
                                                                      enrollment is not None))


async def upgrade_course_progress(api, request, context):
    principal = authorize(request.tenant_id, UPGRADE_ROLES)
    upgrade = validate.upgrade(request)
    own(principal, upgrade.user_id)
    tenant, now = request.tenant_id, utcnow()
    try:
        await api.structures.get(tenant, upgrade.course_id, upgrade.from_version)
        target = await api.structures.get(tenant, upgrade.course_id, upgrade.to_version)
    except CatalogUnavailable:
        raise Unavailable("the catalog does not answer; retry") from None
    source = domain.CourseKey(upgrade.user_id, upgrade.course_id, upgrade.from_version)
    key = domain.CourseKey(upgrade.user_id, upgrade.course_id, upgrade.to_version)
    async with api.work(context) as uow:
        if await store.get_course(uow.session, tenant, source) is None:
            raise NotFound("course progress", f"users/{source.user_id}/courses/{source.course_id}/versions/"
                                              f"{source.version}")
        old_items = (await store.items_of(uow.session, tenant, [source]))[source]
        carried = domain.carry_over(old_items, target)
        started = min((fold.started_at for fold in carried.values()), default=now)
        rows = await store.lock_courses(uow.session, tenant, {key: started}, now)
        await store.merge_items(uow.session, tenant, {(key, item): fold for item, fold in carried.items()}, now)
        items = (await store.items_of(uow.session, tenant, [key]))[key]
        row, summary = (await _settle(api, uow, tenant, [(key, rows[key], target, items)], now,
                                           upgraded_from=upgrade.from_version))[key]
    return svc.UpgradeCourseProgressResponse(
        progress=convert.course_progress(row, key, target, items, summary), carried_over_count=len(carried))

# -- applying events ----------------------------------------------------------------------------


async def _structures_of(api, tenant: str, events: Sequence[domain.Event]) -> dict[tuple[str, int], object]:
    """The structure of every version the events name (None: the catalog cannot say yet), and a
    FAILED_PRECONDITION for a version that is not published or an item that is not in its version."""
    found: dict[tuple[str, int], domain.Structure | None] = {}
    for index, event in enumerate(events):
        version = (event.course.course_id, event.course.version)
        if version not in found:
            try:
                found[version] = await api.structures.get(tenant, *version)
            except CatalogUnavailable:
                found[version] = None
    for version, structure in found.items():
        if structure is not None:
            domain.check_items_in_version([(i, e) for i, e in enumerate(events)
                                           if (e.course.course_id, e.course.version) == version], structure)
    return found


async def _paths_of(api, tenant: str, events: Sequence[domain.Event]) -> None:
    """Learn the steps of every path version the events name (FAILED_PRECONDITION if one is not
    published); with the catalog down they are learnt with a later event."""
    for path in {(e.path.learning_path_id, e.path.version) for e in events if e.path is not None}:
        try:
            await api.structures.path(tenant, *path)
        except CatalogUnavailable:
            log.warning("catalog unavailable: path %s version %s not evaluated yet", *path)


async def _apply(api, uow: UnitOfWork, tenant: str, events: Sequence[domain.Event],
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
    settled = await _settle(api, uow, tenant, [(key, rows[key], structures.get((key.course_id, key.version)),
                                                items[key]) for key in started], now)
    if enrolled:
        await store.enroll(uow.session, tenant, enrolled, now)
    learners = {key.user_id for key, (_, summary) in settled.items()
                if summary is not None and summary.state >= domain.State.COMPLETED} | {k.user_id for k in enrolled}
    if learners:
        await _settle_paths(api, uow, tenant, learners, now)


async def _settle_paths(api, uow: UnitOfWork, tenant: str, learners: set[str], now: datetime) -> None:
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


async def _settle(api, uow: UnitOfWork, tenant: str,
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
            await _request_certificate(api, uow, tenant, key, min(summary.passed_at, now))
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


async def _request_certificate(api, uow: UnitOfWork, tenant: str, key: domain.CourseKey,
                               passed_at: datetime) -> None:
    request_id = domain.certificate_request_id(tenant, key)
    await uow.enqueue(CERTIFICATES, tenant_id=tenant, event_id=request_id, message=evidence.IssueCertificateRequest(
        tenant_id=tenant, request_id=request_id, recipient_id=key.user_id,
        course=common_pb2.CourseVersionRef(course_id=key.course_id, version=key.version),
        issue_time=to_timestamp(passed_at)))


async def settle_pending(api) -> int:
    """Compute the state of progress that waited for its version's structure, now that the catalog
    answers; returns how many learner-versions were settled."""
    settled = 0
    async with api.work.read() as uow:
        versions = await store.pending_versions(uow.session)
    for pending in versions:
        try:
            structure = await api.structures.get(pending.tenant_id, pending.course_id, pending.version)
        except CatalogUnavailable:
            return settled  # still down: try again on the next round
        except FailedPrecondition as error:
            log.warning("progress recorded for course %s version %s, which the catalog does not have "
                        "published: %s", pending.course_id, pending.version, error.message)
            continue
        async with api.work.read() as uow:
            learners = await store.pending_learners(uow.session, pending.tenant_id, pending.course_id,
                                                    pending.version)
        for user_id in learners:
            key = domain.CourseKey(user_id, pending.course_id, pending.version)
            async with api.work() as uow:
                row = await store.get_course(uow.session, pending.tenant_id, key, lock=True)
                items = (await store.items_of(uow.session, pending.tenant_id, [key]))[key]
                await _settle(api, uow, pending.tenant_id, [(key, row, structure, items)], utcnow())
            settled += 1
    return settled
