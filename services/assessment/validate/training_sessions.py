"""Training session requests -> typed inputs; every violation collected, no I/O."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.assessment.v1 import assessment_service_pb2 as svc
from services.assessment.domain.content import MULTIPLE_CHOICE
from services.assessment.domain.training_sessions import ABANDONED, EXHAUSTED, IN_PROGRESS, PASSED, Item, Policy
from services.assessment.validate.common import CourseRef, course_filter, course_ref
from shared.validation import Violations, required_id

ROLE_PROFILE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
APP_VERSION = re.compile(r"[A-Za-z0-9_.+-]{1,64}")
MAX_ITEM_ID = 200  # "<lesson uuid>/<step id>" is at most 36 + 1 + 64
STATUSES = {res.TRAINING_SESSION_STATUS_IN_PROGRESS: IN_PROGRESS, res.TRAINING_SESSION_STATUS_PASSED: PASSED,
            res.TRAINING_SESSION_STATUS_EXHAUSTED: EXHAUSTED, res.TRAINING_SESSION_STATUS_ABANDONED: ABANDONED}


@dataclass(frozen=True)
class StartSession:
    request_id: str
    employee_id: str
    course: CourseRef
    policy: Policy


def start_session(request: svc.StartTrainingSessionRequest) -> StartSession:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    employee_id = v.uuid(request.employee_id, "employee_id")
    course = course_ref(v, request.course)
    p = request.policy
    v.check(request.HasField("policy"), "policy", "is required")
    v.check(math.isfinite(p.pass_threshold) and 0.0 < p.pass_threshold <= 1.0, "policy.pass_threshold",
            "must be greater than 0 and at most 1")
    v.check(1 <= p.max_attempts <= 20, "policy.max_attempts", "must be 1-20")
    v.pattern(p.role_profile_id, "policy.role_profile_id", ROLE_PROFILE_ID, "must be 1-128 characters of "
              "[A-Za-z0-9_.:-]")
    v.check(p.role_profile_version >= 1, "policy.role_profile_version", "must be at least 1")
    v.pattern(p.app_version, "policy.app_version", APP_VERSION, "must be 1-64 characters of [A-Za-z0-9_.+-]")
    v.raise_if_any()
    return StartSession(request_id, employee_id, course, Policy(p.pass_threshold, p.max_attempts, p.role_profile_id,
                                                                p.role_profile_version, p.app_version))


def session_id(request) -> str:
    return required_id(request, "session_id")


@dataclass(frozen=True)
class SubmitAnswer:
    session_id: str
    item_id: str
    attempt_number: int
    selected_option: str | None
    free_text_response: str | None


def submit_answer(request: svc.SubmitTrainingAnswerRequest) -> SubmitAnswer:
    """The shape only; whether the item exists and takes this kind of answer is checked against the session."""
    v = Violations()
    session = v.uuid(request.session_id, "session_id")
    if v.required(request.item_id, "item_id"):
        v.check(len(request.item_id) <= MAX_ITEM_ID and "\x00" not in request.item_id, "item_id",
                "is not an item of this session")
    v.check(request.attempt_number >= 0, "attempt_number", "must not be negative")
    has_option, has_text = bool(request.selected_option), bool(request.free_text_response)
    v.check(has_option or has_text, "selected_option", "one of selected_option or free_text_response is required")
    v.check(not (has_option and has_text), "free_text_response",
            "give either selected_option or free_text_response, not both")
    v.check(len(request.selected_option) <= 64, "selected_option", "is not an option of this item")
    v.text(request.free_text_response, "free_text_response", required=False, max_len=20_000)
    v.raise_if_any()
    return SubmitAnswer(session, request.item_id, request.attempt_number,
                        request.selected_option if has_option else None,
                        request.free_text_response if has_text else None)


def answer_fits(v: Violations, item: Item, answer: SubmitAnswer) -> None:
    """The answer against the frozen item: the right kind, a shown option, within max_length."""
    if item.format == MULTIPLE_CHOICE:
        if v.check(answer.selected_option is not None, "selected_option", "this item is multiple choice"):
            v.check(answer.selected_option in {o.key for o in item.options}, "selected_option",
                    "is not an option of this item")
    elif v.check(answer.free_text_response is not None, "free_text_response", "this item is answered with text"):
        v.check(len(answer.free_text_response) <= item.max_length, "free_text_response",
                f"must be at most {item.max_length} characters")
    v.raise_if_any()


def evaluate(request: svc.EvaluateTrainingSessionRequest) -> tuple[str, int]:
    v = Violations()
    session = v.uuid(request.session_id, "session_id")
    v.check(request.attempt_number >= 0, "attempt_number", "must not be negative")
    v.raise_if_any()
    return session, request.attempt_number


def abandon(request: svc.AbandonTrainingSessionRequest) -> tuple[str, str]:
    v = Violations()
    session = v.uuid(request.session_id, "session_id")
    reason = v.trimmed(request.reason, "reason", required=False, max_len=1000)
    v.raise_if_any()
    return session, reason


@dataclass(frozen=True)
class ListFilters:
    employee_id: str | None
    course: CourseRef | None
    status: str | None
    created_from: datetime | None
    created_before: datetime | None


def list_sessions(request: svc.ListTrainingSessionsRequest) -> ListFilters:
    v = Violations()
    employee_id = v.uuid(request.employee_id, "employee_id", required=False) or None
    course = course_filter(v, request)
    v.enum(request.status, "status", STATUSES, required=False)
    created_from, created_before = v.time_range(request, "create_time")
    v.page_size(request.page_size)
    v.raise_if_any()
    return ListFilters(employee_id, course, STATUSES.get(request.status), created_from, created_before)
