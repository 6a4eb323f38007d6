"""Quiz attempts: start, answer, submit (scoring, and finishing once every answer is scored), read, list,
and the background retry of answers the scorer or the catalog could not score at submission.

Scoring calls the catalog (answer keys, rubrics) and the free-text scorer; both are network calls and are
made before any transaction opens. The transaction that applies the scores then locks the learner's attempts
at that quiz and version and checks that nothing it scored has changed meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from learning.assessment.v1 import assessment_service_pb2 as svc
from services.assessment.api.access import PARTICIPATE_ROLES, READ_ROLES, acts_for, may_change, only_learner, visible
from services.assessment.convert import quiz_attempts as convert
from services.assessment.domain import content, scoring
from services.assessment.domain import quiz_attempts as domain
from services.assessment.store import quiz_attempts as store
from services.assessment.validate import quiz_attempts as validate
from shared.auth import authorize
from shared.errors import Aborted, DomainError, NotFound, PermissionDenied
from shared.pagination import TIME, UUID, PageTokens, page_size
from shared.routes import PROGRESS_EVENTS
from shared.sql import Row
from shared.timeutil import utcnow
from shared.unit_of_work import UnitOfWork
from shared.validation import required_id

log = logging.getLogger("learning.assessment.quiz_attempts")

ATTEMPT_PAGES = PageTokens("ListQuizAttempts", key=(TIME, UUID))
KIND = "quiz attempt"
TRIES = 3  # a start that lost a race, or a submit whose answers changed meanwhile, is tried again this often
SCORING_CONCURRENCY = 8  # free-text answers of one attempt scored at once
PENDING_BATCH = 100  # pending answers claimed per background round
LEASE = timedelta(minutes=2)  # a claimed answer is left to its claimer this long (longer than any scoring)

Scores = dict[str, scoring.Score | None]  # question_id -> score, None where scoring must be retried


async def start_quiz_attempt(api, request, context):
    principal = authorize(request.tenant_id, PARTICIPATE_ROLES)
    start = validate.start(request)
    acts_for(principal, start.user_id)
    tenant, ref = request.tenant_id, start.course
    quiz = (await api.catalog.get(tenant, ref.course_id, ref.version)).quiz(start.quiz_id)
    if quiz is None:
        raise domain.quiz_not_in_version(ref.course_id, ref.version, start.quiz_id)
    async with api.work(context) as uow:
        async def create():
            row, answers = await _open_or_new(uow, tenant, start, quiz)
            return svc.StartQuizAttemptResponse(attempt=convert.attempt(row, answers))

        once = await uow.run_once(tenant_id=tenant, request_id=start.request_id, request=request,
                                  response_type=svc.StartQuizAttemptResponse, compute=create)
    return once.response


async def _open_or_new(uow: UnitOfWork, tenant: str, start: validate.Start, quiz: content.Quiz):
    """The learner's open attempt, else a new one. Two concurrent starts meet at the unique indexes (one open
    attempt, unique numbers): the loser's insert does nothing, and the next round finds the winner's attempt."""
    key = (tenant, start.user_id, start.course.course_id, start.course.version, start.quiz_id)
    for _ in range(TRIES):
        row = await store.open_attempt(uow.session, *key)
        if row is not None:
            return row, await store.answers(uow.session, tenant, row.attempt_id)
        number = domain.check_attempts_left(await store.last_attempt_number(uow.session, *key), quiz.max_attempts,
                                            f"courses/{key[2]}/versions/{key[3]}/quizzes/{key[4]}")
        now = utcnow()
        row = await store.insert_attempt(uow.session, {
            "tenant_id": tenant, "attempt_id": str(uuid.uuid4()), "user_id": start.user_id,
            "course_id": key[2], "course_version": key[3], "quiz_id": key[4], "attempt_number": number,
            "max_attempts": quiz.max_attempts, "pass_threshold": quiz.pass_threshold,
            "result_policy": quiz.result_policy, "status": domain.IN_PROGRESS,
            "questions": [q.to_json() for q in domain.shown_questions(quiz)], "score": None, "quiz_result": None,
            "started_at": now, "submitted_at": None, "scored_at": None, "updated_at": now})
        if row is not None:
            return row, []
    raise Aborted("concurrent starts of this quiz attempt kept conflicting; retry")


async def answer_quiz_question(api, request, context):
    principal = authorize(request.tenant_id, PARTICIPATE_ROLES)
    given = validate.answer(request)
    tenant = request.tenant_id
    async with api.work(context) as uow:
        row = await store.get_attempt(uow.session, tenant, given.attempt_id, lock=True)
        if row is None:
            raise NotFound(KIND, given.attempt_id)
        may_change(principal, row.user_id, KIND, given.attempt_id)
        validate.answer_fits(domain.find_question(row.questions, given.question_id), given)
        domain.check_in_progress(row.status, given.attempt_id)
        row = await store.upsert_answer(uow.session, tenant, given.attempt_id, given.question_id,
                                        given.selected_options, given.free_text or None, utcnow())
        answers = await store.answers(uow.session, tenant, given.attempt_id)
    return svc.AnswerQuizQuestionResponse(attempt=convert.attempt(row, answers))


async def submit_quiz_attempt(api, request, context):
    principal = authorize(request.tenant_id, PARTICIPATE_ROLES)
    attempt_id = required_id(request, "attempt_id")
    tenant = request.tenant_id
    for _ in range(TRIES):
        async with api.work(context) as uow:  # attempt and answers from one snapshot
            row, answers = await _attempt_and_answers(uow, tenant, attempt_id)
        may_change(principal, row.user_id, KIND, attempt_id)
        if row.status != domain.IN_PROGRESS:
            return svc.SubmitQuizAttemptResponse(attempt=convert.attempt(row, answers))  # submitted before
        scores = await _scores(api, row, answers, await _keys(api, row))
        async with api.work(context) as uow:
            group = await store.lock_attempts_of(uow.session, row)
            current = next(r for r in group if r.attempt_id == attempt_id)
            now_answers = await store.answers(uow.session, tenant, attempt_id)
            if current.status == domain.IN_PROGRESS and _given(now_answers) != _given(answers):
                continue  # answered again while we scored: score what is there now
            if current.status == domain.IN_PROGRESS:
                now = utcnow()
                await _apply(api, uow, current, now_answers, scores, now)
                await store.mark_submitted(uow.session, tenant, attempt_id, now)
                await _finish_if_scored(uow, group, attempt_id, principal.subject, now)
            row, answers = await _attempt_and_answers(uow, tenant, attempt_id)
        return svc.SubmitQuizAttemptResponse(attempt=convert.attempt(row, answers))
    raise Aborted("the attempt's answers kept changing while it was submitted; retry")


async def get_quiz_attempt(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    attempt_id = required_id(request, "attempt_id")
    async with api.work(context) as uow:  # attempt and answers from one snapshot
        row, answers = await _attempt_and_answers(uow, request.tenant_id, attempt_id)
    visible(principal, row.user_id, KIND, attempt_id)
    return svc.GetQuizAttemptResponse(attempt=convert.attempt(row, answers))


async def list_quiz_attempts(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    filters = validate.list_filters(request)
    if only_learner(principal) and filters.user_id != principal.subject:
        raise PermissionDenied("a learner lists only its own quiz attempts: set user_id to its own id")
    limit = page_size(request.page_size)
    course = filters.course and [filters.course.course_id, filters.course.version]
    scope = ATTEMPT_PAGES.scope(request.tenant_id, filters.user_id or "", course, filters.quiz_id or "",
                                filters.status or "", filters.started_from, filters.started_before)
    after = ATTEMPT_PAGES.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        rows = await store.list_attempts(uow.session, request.tenant_id, filters, after, limit + 1)
    items, token = ATTEMPT_PAGES.page(rows, limit, scope, key=lambda r: (r.started_at, r.attempt_id),
                                      convert=convert.attempt)
    return svc.ListQuizAttemptsResponse(attempts=items, next_page_token=token)


async def score_pending(api) -> int:
    """One background round: claim due pending answers of SCORING attempts, score them outside any
    transaction, apply per attempt, and finish each attempt whose last pending answer got scored.
    Returns how many answers were scored."""
    now = utcnow()
    async with api.work() as uow:
        claimed = await store.claim_due_answers(uow.session, now, limit=PENDING_BATCH, lease_until=now + LEASE)
    by_attempt: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in claimed:
        by_attempt[(row.tenant_id, row.attempt_id)].append(row)
    scored = 0
    for (tenant, attempt_id), rows in by_attempt.items():
        try:
            scored += await _score_claimed(api, tenant, attempt_id, rows)
        except Exception:  # noqa: BLE001 - one attempt's failure must not hold back the others; its lease expires
            log.exception("scoring pending answers of quiz attempt %s failed", attempt_id)
    return scored


async def _score_claimed(api, tenant: str, attempt_id: str, claimed: list[Row]) -> int:
    async with api.work() as uow:  # the attempt row: its version, quiz and the prompts shown
        attempt = await store.get_attempt(uow.session, tenant, attempt_id)
    scores = await _scores(api, attempt, claimed, await _keys(api, attempt))
    async with api.work() as uow:
        group = await store.lock_attempts_of(uow.session, attempt)
        current = next(r for r in group if r.attempt_id == attempt_id)
        if current.status != domain.SCORING:
            return 0
        answers = await store.answers(uow.session, tenant, attempt_id)
        pending = [a for a in answers if a.status == domain.ANSWER_PENDING and a.question_id in scores]
        now = utcnow()
        await _apply(api, uow, current, pending, scores, now)
        await _finish_if_scored(uow, group, attempt_id, domain.BACKGROUND_ACTOR, now)
    return sum(1 for a in pending if scores[a.question_id] is not None)


async def _attempt_and_answers(uow: UnitOfWork, tenant: str, attempt_id: str) -> tuple[Row, list[Row]]:
    row = await store.get_attempt(uow.session, tenant, attempt_id)
    if row is None:
        raise NotFound(KIND, attempt_id)
    return row, await store.answers(uow.session, tenant, attempt_id)


def _given(answers: list[Row]) -> set[tuple]:
    return {(a.question_id, tuple(a.selected_options), a.free_text_response) for a in answers}


async def _keys(api, attempt: Row) -> content.CourseContent | None:
    """The attempt's published version with its answer keys and rubrics, or None when the catalog cannot give it
    now: then nothing can be scored, every answer stays pending (the attempt SCORING) and is retried later.
    A version that was published when the attempt started does not stop being so, hence no error for the
    caller, which has nothing to correct."""
    try:
        return await api.catalog.get(attempt.tenant_id, attempt.course_id, attempt.course_version)
    except DomainError as error:  # CatalogUnavailable, or (never expected) COURSE_VERSION_NOT_PUBLISHED
        log.warning("the catalog cannot give the keys of quiz attempt %s now (%s); its answers wait",
                    attempt.attempt_id, error.message)
        return None


async def _scores(api, attempt: Row, answers: list[Row], course: content.CourseContent | None) -> Scores:
    """Each answer's score; None where it cannot be scored now (catalog down, scorer failed). No transaction."""
    quiz = course.quiz(attempt.quiz_id) if course is not None else None
    keys = {q.question_id: q for q in quiz.questions} if quiz is not None else {}
    if course is not None and quiz is None:
        log.error("quiz %s is missing from published course %s version %s", attempt.quiz_id, attempt.course_id,
                  attempt.course_version)
    prompts = {q.question_id: q.prompt for q in domain.frozen_questions(attempt.questions)}
    limit = asyncio.Semaphore(SCORING_CONCURRENCY)

    async def one(answer: Row) -> scoring.Score | None:
        question = keys.get(answer.question_id)
        if question is None:
            return None
        if question.format == content.MULTIPLE_CHOICE:
            return scoring.score_choice(frozenset(answer.selected_options), question.correct_keys)
        async with limit:
            return await api.scorer.score_free_text(
                tenant_id=attempt.tenant_id, answer_id=domain.scorer_answer_id(
                    attempt.tenant_id, attempt.attempt_id, answer.question_id),
                item_id=answer.question_id, prompt=prompts.get(answer.question_id, question.prompt),
                rubric=question.rubric, answer=answer.free_text_response or "")

    results = await asyncio.gather(*(one(a) for a in answers))
    return {a.question_id: score for a, score in zip(answers, results)}


async def _apply(api, uow: UnitOfWork, attempt: Row, answers: list[Row], scores: Scores, now: datetime) -> None:
    """Store the scores of `answers` (still pending); those without one wait, the wait doubling per failure."""
    scored = [(a.question_id, s.score, s.rationale, s.scorer) for a in answers
              if (s := scores.get(a.question_id)) is not None]
    deferred = [(a.question_id, a.scoring_failures + 1,
                 domain.next_try_at(now, api.retry_seconds, a.scoring_failures + 1)) for a in answers
                if scores.get(a.question_id) is None]
    await store.score_answers(uow.session, attempt.tenant_id, attempt.attempt_id, scored, now)
    await store.defer_answers(uow.session, attempt.tenant_id, attempt.attempt_id, deferred)


async def _finish_if_scored(uow: UnitOfWork, group: list[Row], attempt_id: str, actor: str, now: datetime) -> None:
    """Once every answer of the (submitted) attempt is scored: its score, status and the quiz result over the
    learner's scored attempts (`group`, locked), and in the same transaction "quiz.scored" for the audit log
    and QUIZ_PASSED / QUIZ_FAILED for progress. Submit and the background scorer both end here."""
    attempt = next(r for r in group if r.attempt_id == attempt_id)
    answers = await store.answers(uow.session, attempt.tenant_id, attempt_id)
    if any(a.status != domain.ANSWER_SCORED for a in answers):
        return
    earlier = [domain.ScoredAttempt(r.attempt_number, r.scored_at, r.score) for r in group
               if r.status in domain.SCORED_STATUSES and r.attempt_id != attempt_id]
    outcome = domain.outcome(
        question_ids=[q.question_id for q in domain.frozen_questions(attempt.questions)],
        scores={a.question_id: a.score for a in answers}, threshold=attempt.pass_threshold,
        policy=attempt.result_policy, attempt_number=attempt.attempt_number, scored_at=now, earlier=earlier)
    row = await store.finish(uow.session, attempt.tenant_id, attempt_id, outcome, now)
    await uow.audit(tenant_id=row.tenant_id, actor_id=actor, action=domain.SCORED_ACTION,
                    subject_type=domain.SUBJECT_TYPE, subject_id=attempt_id,
                    event_id=domain.scored_event_id(row.tenant_id, attempt_id), occur_time=now, payload={
                        "user_id": row.user_id, "course_id": row.course_id, "version": row.course_version,
                        "quiz_id": row.quiz_id, "attempt_number": row.attempt_number, "score": outcome.score,
                        "passed": outcome.status == domain.PASSED, "quiz_result": outcome.quiz_result,
                        "result_policy": row.result_policy})
    event_id = domain.progress_event_id(row.tenant_id, attempt_id)
    await uow.enqueue(PROGRESS_EVENTS, tenant_id=row.tenant_id, event_id=event_id, message=convert.progress_event(
        row, quiz_passed=outcome.quiz_passed, event_id=event_id, occur_time=now))
