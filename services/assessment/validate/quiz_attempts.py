"""Requests of the quiz attempt RPCs -> typed inputs; every violation named by its proto path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.assessment.convert.quiz_attempts import STATUS_PROTO
from services.assessment.domain import content
from services.assessment.domain import quiz_attempts as domain
from services.assessment.validate.common import CourseRef, course_filter, course_ref
from shared.validation import Violations

STATUSES = {number: status for status, number in STATUS_PROTO.items()}  # list filter: proto -> stored status
MAX_OPTION_KEY = 32  # the catalog's option keys: 1-32 characters


@dataclass(frozen=True)
class Start:
    request_id: str
    user_id: str
    course: CourseRef
    quiz_id: str


@dataclass(frozen=True)
class Answer:
    attempt_id: str
    question_id: str
    selected_options: tuple[str, ...]
    free_text: str


@dataclass(frozen=True)
class ListFilters:
    user_id: str | None
    course: CourseRef | None
    quiz_id: str | None
    status: str | None
    started_from: datetime | None
    started_before: datetime | None


def start(request) -> Start:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    user_id = v.uuid(request.user_id, "user_id")
    course = course_ref(v, request.course)
    quiz_id = v.uuid(request.quiz_id, "quiz_id")
    v.raise_if_any()
    return Start(request_id, user_id, course, quiz_id)


def answer(request) -> Answer:
    """The answer's shape; whether it fits its question is `answer_fits` (the attempt holds the question)."""
    v = Violations()
    attempt_id = v.uuid(request.attempt_id, "attempt_id")
    question_id = v.uuid(request.question_id, "question_id")
    keys = list(request.selected_options)
    if v.check(len(keys) <= domain.MAX_SELECTED, "selected_options",
               f"must hold at most {domain.MAX_SELECTED} option keys"):
        for i, key in enumerate(keys):
            field = f"selected_options[{i}]"
            if v.check(bool(key) and len(key) <= MAX_OPTION_KEY, field,
                       f"must be an option key of 1-{MAX_OPTION_KEY} characters"):
                v.check(key not in keys[:i], field, "repeats an earlier option key")
    text = request.free_text_response
    if v.check(len(text) <= domain.MAX_FREE_TEXT, "free_text_response",
               f"must be at most {domain.MAX_FREE_TEXT} characters"):
        v.check("\x00" not in text, "free_text_response", "must not contain NUL characters")
    v.check(not (keys and text), "free_text_response", "must be empty when selected_options are given")
    v.raise_if_any()
    return Answer(attempt_id, question_id, tuple(keys), text)


def answer_fits(question: domain.ShownQuestion | None, given: Answer) -> None:
    """INVALID_ARGUMENT unless `given` answers `question` (a question of the attempt) the way it is asked."""
    v = Violations()
    if not v.check(question is not None, "question_id", "is not a question of this attempt"):
        v.raise_if_any()
    if question.format == content.MULTIPLE_CHOICE:
        v.check(not given.free_text, "free_text_response", "must be empty: the question is multiple choice")
        if v.check(bool(given.selected_options), "selected_options",
                   f"is required: 1-{domain.MAX_SELECTED} keys of the question's options"):
            shown = question.option_keys
            for i, key in enumerate(given.selected_options):
                v.check(key in shown, f"selected_options[{i}]", "is not a key of the question's options")
    else:
        v.check(not given.selected_options, "selected_options", "must be empty: the question is free text")
        if v.check(bool(given.free_text.strip()), "free_text_response", "is required: the question is free text"):
            v.check(len(given.free_text) <= question.max_length, "free_text_response",
                    f"must be at most {question.max_length} characters")
    v.raise_if_any()


def list_filters(request) -> ListFilters:
    v = Violations()
    user_id = v.uuid(request.user_id, "user_id", required=False) or None
    course = course_filter(v, request)
    quiz_id = v.uuid(request.quiz_id, "quiz_id", required=False) or None
    v.enum(request.status, "status", STATUSES, required=False)
    start, end = v.time_range(request, "start_time")
    v.page_size(request.page_size)
    v.raise_if_any()
    return ListFilters(user_id, course, quiz_id, STATUSES.get(request.status), start, end)
