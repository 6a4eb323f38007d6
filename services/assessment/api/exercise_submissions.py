"""Practical exercise submissions: submitted (and resubmitted after changes were requested), reviewed by
holders of the exercise's reviewer role, read by learner, course version, exercise, status and time."""

from __future__ import annotations

import uuid

from learning.assessment.v1 import assessment_service_pb2 as svc
from services.assessment.api.access import PARTICIPATE_ROLES, READ_ROLES, acts_for, only_learner, visible
from services.assessment.convert import exercise_submissions as convert
from services.assessment.domain import exercise_submissions as domain
from services.assessment.store import exercise_submissions as store
from services.assessment.validate import exercise_submissions as validate
from shared.auth import LEARNER, Principal, authorize, authorize_tenant_member
from shared.errors import Aborted, NotFound, PermissionDenied
from shared.pagination import TIME, UUID, PageTokens, page_size
from shared.routes import PROGRESS_EVENTS
from shared.sql import Row
from shared.timeutil import utcnow
from shared.unit_of_work import UnitOfWork
from shared.validation import required_id

SUBMISSION_PAGES = PageTokens("ListExerciseSubmissions", key=(TIME, UUID))
# A submission that loses the race for its revision retries with the next one this many times at most:
# it can only lose again if the winner was reviewed (changes requested) in between.
REVISION_TRIES = 3


async def submit_exercise(api, request, context):
    principal = authorize(request.tenant_id, PARTICIPATE_ROLES)
    new = validate.submit_exercise(request)
    acts_for(principal, new.user_id)
    tenant = request.tenant_id
    # Asked before the transaction (no connection held while the catalog answers); a published version
    # never changes, so a retried request finds the same exercise and requirements.
    content = await api.catalog.get(tenant, new.course.course_id, new.course.version)
    exercise = domain.exercise_to_submit(content, new.exercise_id, len(new.attachments))
    async with api.work(context) as uow:
        async def submit():
            row = await _insert_next_revision(uow, tenant, new, exercise)
            return svc.SubmitExerciseResponse(submission=convert.submission(row, ()))

        once = await uow.run_once(tenant_id=tenant, request_id=new.request_id, request=request,
                                  response_type=svc.SubmitExerciseResponse, compute=submit)
    return once.response


async def _insert_next_revision(uow: UnitOfWork, tenant: str, new: validate.NewSubmission, exercise) -> Row:
    course = new.course
    for _ in range(REVISION_TRIES):
        latest = await store.latest_revision(uow.session, tenant, new.user_id, course.course_id, course.version,
                                             new.exercise_id)
        revision = domain.next_revision(latest)
        row = await store.insert_submission(
            uow.session, tenant, submission_id=str(uuid.uuid4()), user_id=new.user_id, course_id=course.course_id,
            version=course.version, exercise_id=new.exercise_id, revision=revision, text=new.text,
            attachments=new.attachments, reviewer_role=exercise.reviewer_role,
            required_approvals=exercise.min_reviewers, now=utcnow())
        if row is not None:
            return row
    raise Aborted("concurrent submissions of this exercise; retry the request")


async def review_submission(api, request, context):
    # Any role of the tenant may try: whether it may review depends on the submission's reviewer role,
    # which is known only once the submission is read.
    principal = authorize_tenant_member(request.tenant_id)
    new = validate.review_submission(request)
    tenant = request.tenant_id
    async with api.work(context) as uow:
        # Reviews of one submission are taken one at a time (row lock), so concurrent approvals are all
        # counted and the submission is decided, audited and reported to progress exactly once.
        row = await store.lock_submission(uow.session, tenant, new.submission_id)
        _check_reviewer(principal, row, new.submission_id)  # before run_once: a replay is for reviewers only

        async def review():
            reviews = await store.reviews(uow.session, tenant, new.submission_id)
            domain.check_reviewable(new.submission_id, row.status, reviews, principal.subject)
            now = utcnow()
            added = domain.new_review(principal.subject, new.criterion_scores, new.feedback, new.decision, now)
            reviews = (*reviews, added)
            status = domain.resulting_status(reviews, row.required_approvals)
            await store.insert_review(uow.session, tenant, new.submission_id, added)
            decided = await store.set_status(uow.session, tenant, new.submission_id, status, now)
            await _report(uow, principal, decided, added)
            return svc.ReviewSubmissionResponse(submission=convert.submission(decided, reviews))

        once = await uow.run_once(tenant_id=tenant, request_id=new.request_id, request=request,
                                  response_type=svc.ReviewSubmissionResponse, compute=review)
    return once.response


def _check_reviewer(principal: Principal, row: Row | None, submission_id: str) -> None:
    if row is None:
        raise NotFound(domain.KIND, submission_id)
    if row.reviewer_role not in principal.roles and LEARNER in principal.roles:
        visible(principal, row.user_id, domain.KIND, submission_id)  # another learner's work does not exist
    domain.check_reviewer(principal.subject, principal.roles, row.user_id, row.reviewer_role)


async def _report(uow: UnitOfWork, principal: Principal, row: Row, review: domain.Review) -> None:
    """In the review's transaction: the audit event of the review (keyed by the review, so it is recorded
    once) and, when the submission became APPROVED, the progress event of the approval."""
    await uow.audit(tenant_id=row.tenant_id, actor_id=principal.subject, action=domain.EXERCISE_REVIEWED,
                    subject_type=domain.SUBJECT_TYPE, subject_id=row.submission_id, event_id=review.review_id,
                    occur_time=review.reviewed_at, payload=domain.audit_payload(
                        user_id=row.user_id, course_id=row.course_id, version=row.course_version,
                        exercise_id=row.exercise_id, revision=row.revision, review=review, status=row.status))
    if row.status == domain.APPROVED:
        message = convert.exercise_approved(row)
        await uow.enqueue(PROGRESS_EVENTS, tenant_id=row.tenant_id, message=message,
                          event_id=message.events[0].event_id)


async def get_exercise_submission(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    submission_id = required_id(request, "submission_id")
    async with api.work.read(context) as uow:
        found = await store.get_submission(uow.session, request.tenant_id, submission_id)
    if found is None:
        raise NotFound(domain.KIND, submission_id)
    row, reviews = found
    visible(principal, row.user_id, domain.KIND, submission_id)  # a learner never learns of others' work
    return svc.GetExerciseSubmissionResponse(submission=convert.submission(row, reviews))


async def list_exercise_submissions(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    filters = validate.list_submissions(request)
    if only_learner(principal) and filters.user_id != principal.subject:
        raise PermissionDenied("a learner lists only its own submissions: set user_id to its own id")
    limit = page_size(request.page_size)
    course = filters.course
    scope = SUBMISSION_PAGES.scope(request.tenant_id, filters.user_id or "",
                                   [course.course_id, course.version] if course else "", filters.exercise_id or "",
                                   filters.status or "", filters.submitted_from, filters.submitted_before)
    after = SUBMISSION_PAGES.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        found = await store.list_submissions(uow.session, request.tenant_id, filters, after, limit + 1)
    items, token = SUBMISSION_PAGES.page(found, limit, scope, key=lambda item: (item[0].submitted_at,
                                                                                item[0].submission_id),
                                         convert=lambda item: convert.submission(*item))
    return svc.ListExerciseSubmissionsResponse(submissions=items, next_page_token=token)
