"""Training sessions (seed 002): start on a published version, answer, evaluate attempts, abandon.

Network calls (catalog, external scorer) happen before a transaction opens, never inside one. Answers take
a shared lock on the session row and evaluations an exclusive one, so concurrent answers to different items
all land and an evaluation sees every answer that was accepted.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from learning.assessment.v1 import assessment_service_pb2 as svc
from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as progress_res
from learning.progress.v1 import progress_service_pb2 as progress_svc
from services.assessment.api.access import PARTICIPATE_ROLES, READ_ROLES, acts_for, may_change, only_learner, visible
from services.assessment.catalog_content import CatalogUnavailable
from services.assessment.convert import training_sessions as convert
from services.assessment.domain import content, scoring
from services.assessment.domain import training_sessions as domain
from services.assessment.store import training_sessions as store
from services.assessment.validate import training_sessions as validate
from shared.auth import authorize
from shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from shared.pagination import TIME, UUID, PageTokens, page_size
from shared.routes import KNOWLEDGE_GAPS, PROGRESS_EVENTS, TRAINING_EVIDENCE
from shared.timeutil import now_millis, to_timestamp
from shared.validation import Violations

log = logging.getLogger("learning.assessment.training_sessions")
SESSION_PAGES = PageTokens("ListTrainingSessions", key=(TIME, UUID))
KIND = "training session"
PENDING_BATCH = 50
PENDING_LEASE_SECONDS = 60.0


async def start_training_session(api, request, context):
    principal = authorize(request.tenant_id, PARTICIPATE_ROLES)
    start = validate.start_session(request)
    acts_for(principal, start.employee_id)
    tenant = request.tenant_id
    course = await api.catalog.get(tenant, start.course.course_id, start.course.version)
    modules = domain.freeze(course)

    async def create() -> svc.StartTrainingSessionResponse:
        now = now_millis()
        row = await store.insert_session(
            uow.session, tenant_id=tenant, session_id=str(uuid.uuid4()), employee_id=start.employee_id,
            course_id=course.course_id, course_version=course.version, pass_threshold=start.policy.pass_threshold,
            max_attempts=start.policy.max_attempts, role_profile_id=start.policy.role_profile_id,
            role_profile_version=start.policy.role_profile_version, app_version=start.policy.app_version,
            config_hash=start.policy.config_hash(), status=domain.IN_PROGRESS, attempt_number=1,
            content=[m.to_json() for m in modules], item_count=sum(len(m.items) for m in modules),
            created_at=now, updated_at=now, completed_at=None)
        return svc.StartTrainingSessionResponse(session=_session(row, [], {}))

    async with api.work(context) as uow:
        once = await uow.run_once(tenant_id=tenant, request_id=start.request_id, request=request,
                                  response_type=svc.StartTrainingSessionResponse, compute=create)
    return once.response


async def get_training_session(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    session_id = validate.session_id(request)
    async with api.work(context) as uow:
        row = await _visible_session(uow, principal, request.tenant_id, session_id)
        answers = await store.answers(uow.session, request.tenant_id, session_id, row.attempt_number)
        results = await store.attempt_results(uow.session, request.tenant_id, session_id)
    return svc.GetTrainingSessionResponse(session=_session(row, results, store.answers_of(answers)))


async def list_training_sessions(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    filters = validate.list_sessions(request)
    if only_learner(principal) and filters.employee_id != principal.subject:
        raise PermissionDenied("a learner lists only its own sessions: set employee_id to its own id")
    limit = page_size(request.page_size)
    scope = SESSION_PAGES.scope(request.tenant_id, filters.employee_id or "", filters.course, filters.status or "",
                                filters.created_from, filters.created_before)
    after = SESSION_PAGES.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        rows = await store.list_sessions(uow.session, request.tenant_id, filters, after, limit + 1)
    items, token = SESSION_PAGES.page(rows, limit, scope, key=lambda r: (r.created_at, r.session_id),
                                      convert=lambda r: _session(r, [], None))
    return svc.ListTrainingSessionsResponse(sessions=items, next_page_token=token)


async def submit_training_answer(api, request, context):
    principal = authorize(request.tenant_id, PARTICIPATE_ROLES)
    given = validate.submit_answer(request)
    tenant, submitted_at = request.tenant_id, now_millis()
    frozen = await _frozen_session(api, context, principal, tenant, given.session_id)
    found = domain.find_item(frozen.modules, given.item_id)
    if found is None:
        raise InvalidArgument([FieldViolation("item_id", "is not an item of this session")])
    module, item = found
    validate.answer_fits(Violations(), item, given)
    # Scored before the transaction: the catalog (on a cache miss) and an external scorer are network calls.
    score = None
    if item.format == content.MULTIPLE_CHOICE:
        score = await _score(api, frozen, item, given.selected_option, None, answer_id="")
    else:
        attempt, answered = await _current_answer(api, context, tenant, given)
        if not answered:  # a retried answer never costs a second scoring
            score = await _score(api, frozen, item, None, given.free_text_response,
                                 answer_id=_answer_id(given.session_id, attempt, item.item_id))
    async with api.work(context) as uow:
        row = await store.lock_for_answer(uow.session, tenant, given.session_id)
        _check_visible(principal, row, given.session_id, change=True)
        session = store.session_of(row, frozen.modules)
        domain.check_in_progress(session, given.attempt_number)
        stored = await store.insert_answer(
            uow.session, tenant_id=tenant, session_id=session.session_id, attempt_number=session.attempt_number,
            item_id=item.item_id, module_index=module.module_index, selected_option=given.selected_option,
            free_text_response=given.free_text_response, submitted_at=submitted_at,
            status=domain.SCORED if score else domain.PENDING, score=score.score if score else None,
            rationale=(score.rationale or None) if score else None, scorer=score.scorer if score else None,
            scored_at=submitted_at if score else None,
            next_try_at=None if score else submitted_at + timedelta(seconds=api.retry_seconds))
        answers = store.answers_of(await store.module_answers(uow.session, tenant, session.session_id,
                                                              session.attempt_number, module.module_index))
    if stored is None:  # answered before (a retry, or a concurrent submit of the same item): answers are final
        _check_same(session, item, answers[item.item_id], given)
    return svc.SubmitTrainingAnswerResponse(answer=convert.answer(session.attempt_number, answers[item.item_id]),
                                            module=convert.module(module, session.attempt_number, answers))


async def evaluate_training_session(api, request, context):
    principal = authorize(request.tenant_id, PARTICIPATE_ROLES)
    session_id, attempt_number = validate.evaluate(request)
    tenant, now = request.tenant_id, now_millis()
    async with api.work(context) as uow:
        row = await _changeable_session(uow, principal, tenant, session_id, lock="change")
        session = store.session_of(row)
        domain.check_in_progress(session, attempt_number)
        answers = store.answers_of(await store.answers(uow.session, tenant, session_id, session.attempt_number))
        result = domain.evaluate(session, answers, now)
        status, next_attempt = domain.next_status(session, result)
        await store.insert_attempt_result(
            uow.session, tenant_id=tenant, session_id=session_id, attempt_number=result.attempt_number,
            aggregate_score=result.aggregate_score, passed=result.passed, weak_areas=result.weak_areas,
            module_results=[m.to_json() for m in result.module_results], evaluated_at=now)
        await _send_attempt_outcome(uow, principal.subject, session, result)
        terminal = status in domain.TERMINAL
        if terminal:
            await _send_evidence(uow, domain.evidence(session, status, answers, result, now))
        await store.set_status(uow.session, tenant_id=tenant, session_id=session_id, status=status,
                               attempt_number=next_attempt, completed_at=now if terminal else None, abandon_reason="",
                               evidence_requested_at=now if terminal else None, updated_at=now)
        row = await store.get_session(uow.session, tenant, session_id)
        results = await store.attempt_results(uow.session, tenant, session_id)
        fresh = {} if next_attempt != result.attempt_number else answers
    return svc.EvaluateTrainingSessionResponse(session=_session(row, results, fresh),
                                               result=convert.attempt_result(result))


async def abandon_training_session(api, request, context):
    principal = authorize(request.tenant_id, PARTICIPATE_ROLES)
    session_id, reason = validate.abandon(request)
    tenant, now = request.tenant_id, now_millis()
    async with api.work(context) as uow:
        row = await _changeable_session(uow, principal, tenant, session_id, lock="change")
        session = store.session_of(row)
        domain.check_in_progress(session)
        answers = store.answers_of(await store.answers(uow.session, tenant, session_id, session.attempt_number))
        evidence = domain.evidence(session, domain.ABANDONED, answers, None, None)
        if not evidence.answers_pending:  # else the pending scorer sends it once they are scored
            await _send_evidence(uow, evidence)
        await store.set_status(uow.session, tenant_id=tenant, session_id=session_id, status=domain.ABANDONED,
                               attempt_number=session.attempt_number, completed_at=None, abandon_reason=reason,
                               evidence_requested_at=None if evidence.answers_pending else now, updated_at=now)
        row = await store.get_session(uow.session, tenant, session_id)
        results = await store.attempt_results(uow.session, tenant, session_id)
    return svc.AbandonTrainingSessionResponse(session=_session(row, results, answers))


async def score_pending(api) -> int:
    """Score due PENDING answers (the scorer or the catalog failed before); returns how many were scored."""
    async with api.work() as uow:
        claimed = await store.claim_pending(uow.session, now=now_millis(), lease_seconds=PENDING_LEASE_SECONDS,
                                            limit=PENDING_BATCH)
    scored = 0
    for answer in claimed:
        async with api.work.read() as uow:
            session = store.session_of(await store.get_session(uow.session, answer.tenant_id, answer.session_id))
        found = domain.find_item(session.modules, answer.item_id)
        assert found is not None, "answers are only stored for items of their session"
        score = await _score(api, session, found[1], answer.selected_option, answer.free_text_response,
                             answer_id=_answer_id(session.session_id, answer.attempt_number, answer.item_id))
        async with api.work() as uow:
            if score is None:
                await store.retry_later(uow.session, answer, first_wait=api.retry_seconds, now=now_millis())
                continue
            # exclusive: the session may have been abandoned meanwhile, and then this transaction may send its
            # evidence (background work; a moment's wait for a concurrent answer costs nothing)
            row = await store.get_session(uow.session, answer.tenant_id, answer.session_id, lock="change")
            applied = await store.apply_score(
                uow.session, tenant_id=answer.tenant_id, session_id=answer.session_id,
                attempt_number=answer.attempt_number, item_id=answer.item_id, score=score.score,
                rationale=score.rationale or None, scorer=score.scorer, scored_at=now_millis())
            scored += applied is not None
            if row.status == domain.ABANDONED and row.evidence_requested_at is None:
                await _send_abandoned_evidence_when_scored(uow, row)
    return scored


# --------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------

def _session(row, results, answers):
    return convert.session(store.session_of(row), updated_at=row.updated_at, abandon_reason=row.abandon_reason,
                           results=[store.result_of(r) for r in results], answers=answers)


def _check_visible(principal, row, session_id: str, *, change: bool = False) -> None:
    """NOT_FOUND for a missing session and, for a learner, another learner's; `change`: only its owner, an
    admin or a service may answer, evaluate or abandon it."""
    if row is None:
        raise NotFound(KIND, session_id)
    visible(principal, row.employee_id, KIND, session_id)
    if change:
        may_change(principal, row.employee_id, KIND, session_id)


async def _visible_session(uow, principal, tenant: str, session_id: str, lock: str = ""):
    row = await store.get_session(uow.session, tenant, session_id, lock=lock)
    _check_visible(principal, row, session_id)
    return row


async def _changeable_session(uow, principal, tenant: str, session_id: str, lock: str = ""):
    row = await store.get_session(uow.session, tenant, session_id, lock=lock)
    _check_visible(principal, row, session_id, change=True)
    return row


def _answer_id(session_id: str, attempt_number: int, item_id: str) -> str:
    """Stable per (session, attempt, item): what an external scorer sees on every retry."""
    return domain.event_id(session_id, f"answers/{attempt_number}/{item_id}")


async def _score(api, session: domain.Session, item: domain.Item, selected: str | None, text: str | None, *,
                 answer_id: str) -> scoring.Score | None:
    """The answer's score, or None when it cannot be scored now (catalog or external scorer down)."""
    try:
        course = await api.catalog.get(session.tenant_id, session.course_id, session.course_version)
    except CatalogUnavailable:
        return None
    if item.format == content.MULTIPLE_CHOICE:
        return domain.score_choice(course, item, selected or "")
    key = domain.answer_key(course, item)
    rubric = key.rubric if isinstance(key, content.Question) else ""
    return await api.scorer.score_free_text(tenant_id=session.tenant_id, answer_id=answer_id, item_id=item.item_id,
                                            prompt=item.prompt, rubric=rubric, answer=text or "")


async def _frozen_session(api, context, principal, tenant: str, session_id: str) -> domain.Session:
    """The session as first read; only what never changes after the start (employee, course version, policy,
    frozen modules) may be used from it. Kept in a bounded LRU, so an answer parses no JSON."""
    key = (tenant, session_id)
    if (known := api.frozen.get(key)) is None:
        async with api.work.read(context) as uow:
            row = await store.get_session(uow.session, tenant, session_id)
        _check_visible(principal, row, session_id, change=True)
        known = api.frozen.put(key, store.session_of(row))
    return known


async def _current_answer(api, context, tenant: str, given) -> tuple[int, bool]:
    """(the attempt the caller means, whether its item is answered already)."""
    async with api.work(context) as uow:
        row = await store.get_session(uow.session, tenant, given.session_id)
        attempt = given.attempt_number or row.attempt_number
        return attempt, await store.get_answer(uow.session, tenant, given.session_id, attempt,
                                               given.item_id) is not None


def _check_same(session: domain.Session, item: domain.Item, stored: domain.Answer, given) -> None:
    if not stored.same_response(given.selected_option, given.free_text_response):
        raise domain.already_answered(session, item.item_id)


async def _send_attempt_outcome(uow, actor: str, session: domain.Session, result: domain.AttemptResult) -> None:
    """What every evaluated attempt sends: the audit event, the progress event, the gaps of a failure."""
    attempt = result.attempt_number
    course = {"course_id": session.course_id, "version": session.course_version}
    await uow.audit(tenant_id=session.tenant_id, actor_id=actor, action=domain.QUIZ_SCORED,
                    subject_type="training_session", subject_id=session.session_id,
                    event_id=domain.event_id(session.session_id, f"audit/quiz.scored/{attempt}"),
                    occur_time=result.evaluated_at, payload={
                        "employee_id": session.employee_id, **course, "attempt_number": attempt,
                        "aggregate_score": result.aggregate_score, "passed": result.passed,
                        "pass_threshold": session.policy.pass_threshold, "weak_areas": result.weak_areas,
                        "config_hash": session.config_hash})
    ref = common_pb2.CourseVersionRef(course_id=session.course_id, version=session.course_version)
    await uow.enqueue(PROGRESS_EVENTS, tenant_id=session.tenant_id, message=progress_svc.RecordProgressEventsRequest(
        tenant_id=session.tenant_id, events=[progress_res.ProgressEvent(
            event_id=domain.event_id(session.session_id, f"progress/{attempt}"), user_id=session.employee_id,
            course=ref, item_kind=progress_res.ITEM_KIND_TRAINING_SESSION, item_id=session.session_id,
            kind=progress_res.EVENT_KIND_SESSION_PASSED if result.passed else progress_res.EVENT_KIND_SESSION_FAILED,
            score=result.aggregate_score, occur_time=to_timestamp(result.evaluated_at))]))
    if result.weak_areas and not result.passed:
        source = progress_res.SourceReference(domain="assessment", type="training_session", id=session.session_id)
        scores = {m.topic_area: m.score for m in result.module_results}
        await uow.enqueue(KNOWLEDGE_GAPS, tenant_id=session.tenant_id, message=progress_svc.RecordKnowledgeGapsRequest(
            tenant_id=session.tenant_id, gaps=[progress_res.KnowledgeGap(
                user_id=session.employee_id, topic_area=topic[:200], source=source, evidence=[source],
                severity=progress_res.GAP_SEVERITY_HIGH if scores.get(topic, 0.0) < session.policy.pass_threshold / 2
                else progress_res.GAP_SEVERITY_MEDIUM) for topic in result.weak_areas[:100]]))


async def _send_evidence(uow, evidence: domain.Evidence) -> None:
    await uow.enqueue(TRAINING_EVIDENCE, tenant_id=evidence.session.tenant_id,
                      message=convert.evidence_request(evidence),
                      event_id=domain.event_id(evidence.session.session_id, "evidence"))


async def _send_abandoned_evidence_when_scored(uow, row) -> None:
    session = store.session_of(row)
    answers = store.answers_of(await store.answers(uow.session, row.tenant_id, row.session_id, row.attempt_number))
    evidence = domain.evidence(session, domain.ABANDONED, answers, None, None)
    if evidence.answers_pending:
        return
    await _send_evidence(uow, evidence)
    await store.set_status(uow.session, tenant_id=row.tenant_id, session_id=row.session_id, status=row.status,
                           attempt_number=row.attempt_number, completed_at=row.completed_at,
                           abandon_reason=row.abandon_reason, evidence_requested_at=now_millis(),
                           updated_at=now_millis())
