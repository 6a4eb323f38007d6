"""Quiz attempts (seed 000 learning_quiz_attempts): what an attempt shows, how it is scored, how attempts combine.

An attempt freezes the quiz's questions as shown (prompts, options, max lengths: never keys or rubrics), so
what the learner answered is always readable next to its score. Answers are given and changed while the
attempt is IN_PROGRESS (status 'pending', not scored); submitting scores them: multiple choice at once
against the published version's keys, free text by the scorer. An answer the scorer (or the catalog) could
not score stays 'pending' and is retried with a doubling wait; the attempt is SCORING meanwhile and is
never given a 0 because scoring failed.

Unanswered questions are stored as nothing: they score 0 in the attempt's score (the mean over every
question of the attempt), and their question shows no answer, which is what happened.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.assessment.domain import content
from shared.errors import FailedPrecondition

IN_PROGRESS, SCORING, PASSED, FAILED = "in_progress", "scoring", "passed", "failed"
SCORED_STATUSES = (PASSED, FAILED)
HIGHEST, LATEST, AVERAGE = "highest", "latest", "average"
ANSWER_PENDING, ANSWER_SCORED = "pending", "scored"

SCORED_ACTION = "quiz.scored"
SUBJECT_TYPE = "quiz_attempt"
#: Who scores an attempt whose last answer was scored in the background (the audit event's actor).
BACKGROUND_ACTOR = "assessment"

MAX_SELECTED = 20
MAX_FREE_TEXT = 20_000  # the catalog's largest max_length
MAX_RETRY_SECONDS = 300.0  # a pending answer is tried again at least every 5 minutes
_PASS_TOLERANCE = 1e-9  # 4 of 5 is 0.8 exactly, but a mean of fractions may land a rounding error below
_NAMESPACE = uuid.UUID("5f0f7a61-3c1e-4f43-9a55-2f6f3f1f0a71")


@dataclass(frozen=True)
class ShownQuestion:
    """One question as the attempt shows it: no answer keys, no rubric."""
    question_id: str
    prompt: str
    format: str  # content.MULTIPLE_CHOICE | content.FREE_TEXT
    options: tuple[content.Choice, ...]
    max_length: int  # free text only; 0 for multiple choice

    def to_json(self) -> dict:
        return {"question_id": self.question_id, "prompt": self.prompt, "format": self.format,
                "options": [{"key": o.key, "text": o.text} for o in self.options], "max_length": self.max_length}

    @classmethod
    def from_json(cls, data: Mapping) -> ShownQuestion:
        return cls(data["question_id"], data["prompt"], data["format"],
                   tuple(content.Choice(o["key"], o["text"]) for o in data["options"]), data["max_length"])

    @property
    def option_keys(self) -> frozenset[str]:
        return frozenset(o.key for o in self.options)


def shown_questions(quiz: content.Quiz) -> tuple[ShownQuestion, ...]:
    return tuple(ShownQuestion(q.question_id, q.prompt, q.format, q.options,
                               q.max_length if q.format == content.FREE_TEXT else 0) for q in quiz.questions)


def frozen_questions(stored: Iterable[Mapping]) -> tuple[ShownQuestion, ...]:
    return tuple(ShownQuestion.from_json(q) for q in stored)


def find_question(stored: Iterable[Mapping], question_id: str) -> ShownQuestion | None:
    return next((q for q in frozen_questions(stored) if q.question_id == question_id), None)


def check_attempts_left(last_attempt_number: int, max_attempts: int, subject: str) -> int:
    """The next attempt's number, or MAX_ATTEMPTS_REACHED."""
    if last_attempt_number >= max_attempts:
        raise FailedPrecondition(f"all {max_attempts} attempts of this quiz are used",
                                 violation_type="MAX_ATTEMPTS_REACHED", subject=subject)
    return last_attempt_number + 1


def check_in_progress(status: str, attempt_id: str) -> None:
    if status != IN_PROGRESS:
        raise FailedPrecondition(f"the attempt is {status}, no longer in progress",
                                 violation_type="ATTEMPT_NOT_IN_PROGRESS", subject=f"quiz_attempts/{attempt_id}")


def quiz_not_in_version(course_id: str, version: int, quiz_id: str) -> FailedPrecondition:
    return FailedPrecondition(f"course {course_id} version {version} has no quiz {quiz_id}",
                              violation_type="QUIZ_NOT_IN_VERSION",
                              subject=f"courses/{course_id}/versions/{version}/quizzes/{quiz_id}")


def attempt_score(question_ids: Sequence[str], scores: Mapping[str, float]) -> float:
    """Mean over every question of the attempt; a question without a scored answer counts 0."""
    if not question_ids:
        return 0.0
    return _fraction(sum(scores.get(q, 0.0) for q in question_ids) / len(question_ids))


def passes(score: float, threshold: float) -> bool:
    return score >= threshold - _PASS_TOLERANCE


@dataclass(frozen=True)
class ScoredAttempt:
    attempt_number: int
    scored_at: datetime
    score: float


def quiz_result(policy: str, scored: Sequence[ScoredAttempt]) -> float:
    """The learner's quiz result over its scored attempts (the one just scored included)."""
    if not scored:
        raise ValueError("a quiz result needs at least one scored attempt")
    if policy == LATEST:
        return max(scored, key=lambda a: (a.scored_at, a.attempt_number)).score
    if policy == AVERAGE:
        return _fraction(sum(a.score for a in scored) / len(scored))
    return max(a.score for a in scored)


@dataclass(frozen=True)
class Outcome:
    """How a finished attempt ends: its score and status, and the learner's quiz result after it."""
    score: float
    status: str  # PASSED | FAILED (the attempt's own score against the threshold)
    quiz_result: float
    quiz_passed: bool  # the quiz result against the threshold: the progress event's kind


def outcome(*, question_ids: Sequence[str], scores: Mapping[str, float], threshold: float, policy: str,
            attempt_number: int, scored_at: datetime, earlier: Iterable[ScoredAttempt]) -> Outcome:
    score = attempt_score(question_ids, scores)
    result = quiz_result(policy, [*earlier, ScoredAttempt(attempt_number, scored_at, score)])
    return Outcome(score, PASSED if passes(score, threshold) else FAILED, result, passes(result, threshold))


def next_try_at(now: datetime, retry_seconds: float, failures: int) -> datetime:
    """When a pending answer is tried again after its `failures`-th failed scoring: the first wait, doubled
    per further failure, at most MAX_RETRY_SECONDS."""
    wait = min(MAX_RETRY_SECONDS, retry_seconds * 2 ** min(max(failures - 1, 0), 16))
    return now + timedelta(seconds=wait)


def scorer_answer_id(tenant_id: str, attempt_id: str, question_id: str) -> str:
    """The answer's stable id for the external scorer (the same on every retry)."""
    return str(uuid.uuid5(_NAMESPACE, f"quiz-answer/{tenant_id}/{attempt_id}/{question_id}"))


def scored_event_id(tenant_id: str, attempt_id: str) -> str:
    """The "quiz.scored" audit event of an attempt: one id, so a retried delivery is recorded once."""
    return str(uuid.uuid5(_NAMESPACE, f"{tenant_id}/{attempt_id}/{SCORED_ACTION}"))


def progress_event_id(tenant_id: str, attempt_id: str) -> str:
    """The QUIZ_PASSED / QUIZ_FAILED progress event of an attempt."""
    return str(uuid.uuid5(_NAMESPACE, f"{tenant_id}/{attempt_id}/progress"))


def _fraction(value: float) -> float:
    return min(1.0, max(0.0, value)) if math.isfinite(value) else 0.0
