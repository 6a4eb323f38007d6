"""Exercise submission and review requests -> typed inputs; every violation collected, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.assessment.v1 import assessment_service_pb2 as svc
from services.assessment.domain import exercise_submissions as domain
from services.assessment.domain.exercise_submissions import Attachment, CriterionScore
from services.assessment.validate.common import CourseRef, course_filter, course_ref
from shared.validation import Violations

MAX_URI = 2048
MAX_MEDIA_TYPE = 127
MAX_TITLE = 200
MAX_CRITERION = 200
# An https:// or s3:// URI of printable ASCII (anything else percent-encoded) with a non-empty authority.
URI = re.compile(r"(?:https|s3)://[A-Za-z0-9._~%!$&'()*+,;=:@\[\]-]+(?:[/?#][!-~]*)?")
# type/subtype with RFC 6838 restricted names, no parameters.
_NAME = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
MEDIA_TYPE = re.compile(f"{_NAME}/{_NAME}")
SHA256 = re.compile(r"[0-9a-f]{64}")

DECISIONS = {res.REVIEW_DECISION_APPROVED: domain.APPROVED,
             res.REVIEW_DECISION_CHANGES_REQUESTED: domain.CHANGES_REQUESTED,
             res.REVIEW_DECISION_REJECTED: domain.REJECTED}
STATUSES = {res.SUBMISSION_STATUS_IN_REVIEW: domain.IN_REVIEW, res.SUBMISSION_STATUS_APPROVED: domain.APPROVED,
            res.SUBMISSION_STATUS_CHANGES_REQUESTED: domain.CHANGES_REQUESTED,
            res.SUBMISSION_STATUS_REJECTED: domain.REJECTED}


@dataclass(frozen=True)
class NewSubmission:
    request_id: str
    user_id: str
    course: CourseRef
    exercise_id: str
    text: str
    attachments: tuple[Attachment, ...]


@dataclass(frozen=True)
class NewReview:
    request_id: str
    submission_id: str
    criterion_scores: tuple[CriterionScore, ...]
    feedback: str
    decision: str


@dataclass(frozen=True)
class SubmissionFilters:
    user_id: str | None
    course: CourseRef | None
    exercise_id: str | None
    status: str | None
    submitted_from: datetime | None
    submitted_before: datetime | None


def submit_exercise(request: svc.SubmitExerciseRequest) -> NewSubmission:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    user_id = v.uuid(request.user_id, "user_id")
    course = course_ref(v, request.course)
    exercise_id = v.uuid(request.exercise_id, "exercise_id")
    # The work is kept exactly as submitted (no trimming): it is what reviewers and auditors judge.
    v.text(request.text, "text", max_len=domain.MAX_TEXT)
    attachments = ()
    if v.check(len(request.attachments) <= domain.MAX_ATTACHMENTS, "attachments",
               f"must have at most {domain.MAX_ATTACHMENTS} items"):
        attachments = tuple(_attachment(v, a, f"attachments[{i}]") for i, a in enumerate(request.attachments))
    v.raise_if_any()
    return NewSubmission(request_id=request_id, user_id=user_id, course=course, exercise_id=exercise_id,
                         text=request.text, attachments=attachments)


def _attachment(v: Violations, attachment: res.EvidenceAttachment, field: str) -> Attachment:
    uri = attachment.uri
    if v.check(len(uri) <= MAX_URI, f"{field}.uri", f"must be at most {MAX_URI} characters"):
        v.pattern(uri, f"{field}.uri", URI, "must be an https:// or s3:// URI of printable ASCII characters")
    media_type = attachment.media_type
    if v.check(len(media_type) <= MAX_MEDIA_TYPE, f"{field}.media_type",
               f"must be at most {MAX_MEDIA_TYPE} characters"):
        v.pattern(media_type, f"{field}.media_type", MEDIA_TYPE, "must be a media type type/subtype, "
                  "e.g. application/pdf")
    v.pattern(attachment.sha256, f"{field}.sha256", SHA256, "must be 64 lowercase hex digits (SHA-256)")
    title = v.trimmed(attachment.title, f"{field}.title", required=False, max_len=MAX_TITLE)
    # Media types are case-insensitive (RFC 6838): stored in one spelling.
    return Attachment(uri=uri, media_type=media_type.lower(), sha256=attachment.sha256, title=title)


def review_submission(request: svc.ReviewSubmissionRequest) -> NewReview:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    submission_id = v.uuid(request.submission_id, "submission_id")
    v.enum(request.decision, "decision", DECISIONS)
    decision = DECISIONS.get(request.decision, "")
    scores: list[CriterionScore] = []
    if v.check(len(request.criterion_scores) <= domain.MAX_CRITERIA, "criterion_scores",
               f"must have at most {domain.MAX_CRITERIA} items"):
        seen: dict[str, int] = {}
        for i, item in enumerate(request.criterion_scores):
            field = f"criterion_scores[{i}]"
            criterion = v.trimmed(item.criterion, f"{field}.criterion", max_len=MAX_CRITERION)
            if criterion and criterion in seen:
                v.add(f"{field}.criterion", f"repeats criterion_scores[{seen[criterion]}]: criteria must be distinct")
            seen.setdefault(criterion, i)
            v.fraction(item.score, f"{field}.score")
            scores.append(CriterionScore(criterion, item.score))
    # The learner must be told why work is sent back or rejected.
    needs_feedback = decision in (domain.CHANGES_REQUESTED, domain.REJECTED)
    v.text(request.feedback, "feedback", required=needs_feedback, max_len=domain.MAX_FEEDBACK)
    v.raise_if_any()
    return NewReview(request_id=request_id, submission_id=submission_id, criterion_scores=tuple(scores),
                     feedback=request.feedback, decision=decision)


def list_submissions(request: svc.ListExerciseSubmissionsRequest) -> SubmissionFilters:
    v = Violations()
    user_id = v.uuid(request.user_id, "user_id", required=False) or None
    course = course_filter(v, request)
    exercise_id = v.uuid(request.exercise_id, "exercise_id", required=False) or None
    v.enum(request.status, "status", STATUSES, required=False)
    start, end = v.time_range(request, "submit_time")
    v.page_size(request.page_size)
    v.raise_if_any()
    return SubmissionFilters(user_id=user_id, course=course, exercise_id=exercise_id,
                             status=STATUSES.get(request.status), submitted_from=start, submitted_before=end)
