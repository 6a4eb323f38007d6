"""Practical exercise submissions and their reviews: revisions, who may review, the resulting status.

A learner's work on one exercise of one course version is a chain of revisions: revision 1, and a new
revision only after the latest one came back CHANGES_REQUESTED. A revision is IN_REVIEW until a reviewer
rejects it or asks for changes (either decides it at once), or until as many distinct reviewers as the
exercise requires approved it. The exercise's review requirements are copied into the submission when
it is made, so reviewing never needs the catalog and a later course version cannot change the rules of a
submission already made. Reviews are append-only; one per reviewer and submission.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.assessment.domain.content import CourseContent, Exercise
from shared.errors import FailedPrecondition, PermissionDenied

IN_REVIEW = "in_review"
APPROVED = "approved"
CHANGES_REQUESTED = "changes_requested"
REJECTED = "rejected"
STATUSES = (IN_REVIEW, APPROVED, CHANGES_REQUESTED, REJECTED)
DECISIONS = (APPROVED, CHANGES_REQUESTED, REJECTED)  # a decision names the status it leads to

EXERCISE_REVIEWED = "exercise.reviewed"  # audit action
SUBJECT_TYPE = "exercise_submission"  # audit subject type
KIND = "exercise submission"  # resource type in NOT_FOUND

MAX_TEXT = 20_000
MAX_ATTACHMENTS = 20
MAX_CRITERIA = 50
MAX_FEEDBACK = 10_000

# Progress event ids of approvals are derived from the submission, so every path that could queue the
# approval again (a retried request, a redelivered outbox row) names the same event and progress counts it once.
_EVENTS = uuid.UUID("3f0c8a52-9d1e-4b7a-8e65-2c4d1f7b9a30")

# Why a submission cannot take a new revision: the latest revision's status -> violation type.
_BLOCKED = {IN_REVIEW: "SUBMISSION_IN_REVIEW", APPROVED: "SUBMISSION_APPROVED", REJECTED: "SUBMISSION_REJECTED"}


@dataclass(frozen=True)
class Attachment:
    uri: str
    media_type: str
    sha256: str
    title: str


@dataclass(frozen=True)
class CriterionScore:
    criterion: str
    score: float


@dataclass(frozen=True)
class Review:
    review_id: str
    reviewer_id: str
    criterion_scores: tuple[CriterionScore, ...]
    score: float
    feedback: str
    decision: str  # one of DECISIONS
    reviewed_at: datetime


def submission_subject(submission_id: str) -> str:
    return f"exercise_submissions/{submission_id}"


def exercise_to_submit(content: CourseContent, exercise_id: str, attachment_count: int) -> Exercise:
    """The exercise of the published version a submission is for, if the submission meets its requirements."""
    exercise = content.exercise(exercise_id)
    where = f"courses/{content.course_id}/versions/{content.version}/exercises/{exercise_id}"
    if exercise is None:
        raise FailedPrecondition(f"course {content.course_id} version {content.version} has no exercise "
                                 f"{exercise_id}", violation_type="EXERCISE_NOT_IN_VERSION", subject=where)
    if exercise.requires_evidence_upload and attachment_count == 0:
        raise FailedPrecondition("the exercise requires at least one attached evidence file",
                                 violation_type="EVIDENCE_UPLOAD_REQUIRED", subject=where)
    return exercise


def next_revision(latest) -> int:
    """The revision a new submission gets: 1 first, then +1 after CHANGES_REQUESTED only. `latest` is the
    latest revision (with .submission_id, .revision and .status) or None."""
    if latest is None:
        return 1
    if latest.status == CHANGES_REQUESTED:
        return latest.revision + 1
    raise FailedPrecondition(f"revision {latest.revision} of this exercise is {latest.status}: a new revision "
                             f"may follow only a request for changes",
                             violation_type=_BLOCKED[latest.status], subject=submission_subject(latest.submission_id))


def check_reviewer(reviewer_id: str, reviewer_roles: frozenset[str], submitter_id: str, reviewer_role: str) -> None:
    """Only holders of the exercise's reviewer role review, and never their own work."""
    if reviewer_role not in reviewer_roles:
        raise PermissionDenied(f"reviewing this submission requires the role {reviewer_role!r}")
    if reviewer_id == submitter_id:
        raise PermissionDenied("a learner cannot review its own submission")


def check_reviewable(submission_id: str, status: str, reviews: Sequence[Review], reviewer_id: str) -> None:
    """One review per reviewer, and only while the submission is IN_REVIEW."""
    subject = submission_subject(submission_id)
    if any(review.reviewer_id == reviewer_id for review in reviews):
        raise FailedPrecondition("this reviewer reviewed the submission already", violation_type="ALREADY_REVIEWED",
                                 subject=subject)
    if status != IN_REVIEW:
        raise FailedPrecondition(f"the submission is {status}, not in review",
                                 violation_type="SUBMISSION_NOT_IN_REVIEW", subject=subject)


def review_score(scores: Sequence[CriterionScore]) -> float:
    """The mean of the criterion scores (each in [0, 1]); 0 when none were given."""
    if not scores:
        return 0.0
    return min(1.0, max(0.0, math.fsum(s.score for s in scores) / len(scores)))


def new_review(reviewer_id: str, criterion_scores: tuple[CriterionScore, ...], feedback: str, decision: str,
               now: datetime) -> Review:
    return Review(review_id=str(uuid.uuid4()), reviewer_id=reviewer_id, criterion_scores=criterion_scores,
                  score=review_score(criterion_scores), feedback=feedback, decision=decision, reviewed_at=now)


def resulting_status(reviews: Sequence[Review], required_approvals: int) -> str:
    """Where a submission stands after `reviews` (all of them, the newest last).

    A rejection or a request for changes decides at once; otherwise it is approved when `required_approvals`
    distinct reviewers approved (reviewers are distinct by construction, counted as a set all the same)."""
    latest = reviews[-1].decision
    if latest in (REJECTED, CHANGES_REQUESTED):
        return latest
    approvals = {review.reviewer_id for review in reviews if review.decision == APPROVED}
    return APPROVED if len(approvals) >= required_approvals else IN_REVIEW


def is_terminal(status: str) -> bool:
    return status != IN_REVIEW


def approval_event_id(tenant_id: str, submission_id: str) -> str:
    """The progress EXERCISE_APPROVED event id of a submission: the same on every path (see _EVENTS)."""
    return str(uuid.uuid5(_EVENTS, f"exercise-approved/{tenant_id}/{submission_id}"))


def audit_payload(*, user_id: str, course_id: str, version: int, exercise_id: str, revision: int,
                  review: Review, status: str) -> dict:
    """The structured payload of the "exercise.reviewed" audit event (ids are pseudonymous)."""
    return {"user_id": user_id, "course_id": course_id, "version": version, "exercise_id": exercise_id,
            "revision": revision, "review_id": review.review_id, "decision": review.decision,
            "score": review.score, "status": status}
