"""Exercise submissions and reviews -> protos; the progress event of an approval."""

from __future__ import annotations

from collections.abc import Sequence

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as progress_res
from learning.progress.v1 import progress_service_pb2 as progress_svc
from services.assessment.domain import exercise_submissions as domain
from shared.sql import Row
from shared.timeutil import to_timestamp

STATUSES = {domain.IN_REVIEW: res.SUBMISSION_STATUS_IN_REVIEW, domain.APPROVED: res.SUBMISSION_STATUS_APPROVED,
            domain.CHANGES_REQUESTED: res.SUBMISSION_STATUS_CHANGES_REQUESTED,
            domain.REJECTED: res.SUBMISSION_STATUS_REJECTED}
DECISIONS = {domain.APPROVED: res.REVIEW_DECISION_APPROVED,
             domain.CHANGES_REQUESTED: res.REVIEW_DECISION_CHANGES_REQUESTED,
             domain.REJECTED: res.REVIEW_DECISION_REJECTED}


def submission(row: Row, reviews: Sequence[domain.Review]) -> res.ExerciseSubmission:
    return res.ExerciseSubmission(
        submission_id=row.submission_id, tenant_id=row.tenant_id, user_id=row.user_id,
        course=common_pb2.CourseVersionRef(course_id=row.course_id, version=row.course_version),
        exercise_id=row.exercise_id, revision=row.revision, text=row.text,
        attachments=[res.EvidenceAttachment(uri=a["uri"], media_type=a["media_type"], sha256=a["sha256"],
                                            title=a["title"]) for a in row.attachments],
        status=STATUSES[row.status], reviews=[review(r) for r in reviews], reviewer_role=row.reviewer_role,
        required_approvals=row.required_approvals, submit_time=to_timestamp(row.submitted_at),
        decide_time=to_timestamp(row.decided_at), update_time=to_timestamp(row.updated_at))


def review(item: domain.Review) -> res.ExerciseReview:
    return res.ExerciseReview(
        review_id=item.review_id, reviewer_id=item.reviewer_id,
        criterion_scores=[res.CriterionScore(criterion=s.criterion, score=s.score) for s in item.criterion_scores],
        score=item.score, feedback=item.feedback, decision=DECISIONS[item.decision],
        review_time=to_timestamp(item.reviewed_at))


def exercise_approved(row: Row) -> progress_svc.RecordProgressEventsRequest:
    """The progress EXERCISE_APPROVED event of an approved submission (the outbox's PROGRESS_EVENTS row)."""
    event = progress_res.ProgressEvent(
        event_id=domain.approval_event_id(row.tenant_id, row.submission_id), user_id=row.user_id,
        course=common_pb2.CourseVersionRef(course_id=row.course_id, version=row.course_version),
        item_kind=progress_res.ITEM_KIND_PRACTICAL_EXERCISE, item_id=row.exercise_id,
        kind=progress_res.EVENT_KIND_EXERCISE_APPROVED, occur_time=to_timestamp(row.decided_at))
    return progress_svc.RecordProgressEventsRequest(tenant_id=row.tenant_id, events=[event])
