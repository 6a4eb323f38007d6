"""Request checks of maturity rubrics and assessments: every field, all violations at once, typed inputs out.

Texts are trimmed (lengths count after trimming; the trimmed text is stored). Numbers must be finite:
NaN and infinities fail every range check by construction (`0 < nan` is False).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from learning.assessment.v1 import assessment_service_pb2 as svc
from services.assessment.convert.maturity import STATES
from services.assessment.domain import maturity as domain
from shared.validation import Violations

KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
KEY_RULE = "must be 1-64 characters of [A-Za-z0-9_-]"
MAX_NOTE = 2000
# A rubric, and an assessment's responses, are bounded as a whole as well as field by field: 500 questions
# of 2000 four-byte characters would make a record no default client (4 MiB) could receive.
MAX_CONTENT_BYTES = 2 * 1024 * 1024


def _weight(v: Violations, value: float, field: str) -> None:
    v.check(math.isfinite(value) and 0 < value <= 100, field, "must be greater than 0 and at most 100")


def _question(v: Violations, q, field: str, seen: set[str]) -> domain.Question:
    if v.pattern(q.question_key, field + ".question_key", KEY, KEY_RULE):
        v.check(q.question_key not in seen, field + ".question_key", "is used by another question of the rubric")
        seen.add(q.question_key)
    text = v.trimmed(q.text, field + ".text", max_len=2000)
    _weight(v, q.weight, field + ".weight")
    return domain.Question(q.question_key, text, q.weight)


def _dimension(v: Violations, d, field: str, dimension_keys: set[str], question_keys: set[str]) -> domain.Dimension:
    if v.pattern(d.dimension_key, field + ".dimension_key", KEY, KEY_RULE):
        v.check(d.dimension_key not in dimension_keys, field + ".dimension_key", "is used by another dimension")
        dimension_keys.add(d.dimension_key)
    title = v.trimmed(d.title, field + ".title", max_len=200)
    topic_area = v.trimmed(d.topic_area, field + ".topic_area", max_len=200)
    _weight(v, d.weight, field + ".weight")
    v.check(1 <= len(d.questions) <= domain.MAX_QUESTIONS_PER_DIMENSION, field + ".questions",
            f"must hold 1-{domain.MAX_QUESTIONS_PER_DIMENSION} questions")
    questions = tuple(_question(v, q, f"{field}.questions[{i}]", question_keys)
                      for i, q in enumerate(d.questions[:domain.MAX_QUESTIONS_PER_DIMENSION]))
    return domain.Dimension(d.dimension_key, title, topic_area, d.weight, questions)


def _thresholds(v: Violations, thresholds: Sequence, field: str) -> tuple[domain.LevelThreshold, ...]:
    """Levels 1..n in order; level 1 at exactly 0, then strictly rising minimums within [0, 1]."""
    v.check(1 <= len(thresholds) <= domain.MAX_LEVELS, field, f"must hold 1-{domain.MAX_LEVELS} level thresholds")
    previous = None
    for index, t in enumerate(thresholds[:domain.MAX_LEVELS]):
        p = f"{field}[{index}]"
        v.check(t.level == index + 1, p + ".level", f"must be {index + 1}: levels run 1..n in order")
        if index == 0:
            v.check(t.min_score == 0, p + ".min_score", "must be 0: level 1 is where every score starts")
        elif v.fraction(t.min_score, p + ".min_score") and previous is not None:
            v.check(t.min_score > previous, p + ".min_score", "must be greater than the previous level's min_score")
        previous = t.min_score if math.isfinite(t.min_score) else None
    # + 0.0 turns an accepted -0.0 into 0.0, the spelling stored and returned.
    return tuple(domain.LevelThreshold(t.level, t.min_score + 0.0) for t in thresholds[:domain.MAX_LEVELS])


def rubric_content(v: Violations, request) -> domain.RubricContent | None:
    """The `rubric` field's content (output-only fields ignored); None when it is missing."""
    if not v.required(request.HasField("rubric"), "rubric"):
        return None
    r, p = request.rubric, "rubric."
    title = v.trimmed(r.title, p + "title", max_len=200)
    description = v.trimmed(r.description, p + "description", required=False, max_len=5000)
    v.check(1 <= len(r.dimensions) <= domain.MAX_DIMENSIONS, p + "dimensions",
            f"must hold 1-{domain.MAX_DIMENSIONS} dimensions")
    dimension_keys: set[str] = set()
    question_keys: set[str] = set()
    dimensions = tuple(_dimension(v, d, f"{p}dimensions[{i}]", dimension_keys, question_keys)
                       for i, d in enumerate(r.dimensions[:domain.MAX_DIMENSIONS]))
    v.check(sum(len(d.questions) for d in r.dimensions) <= domain.MAX_QUESTIONS, p + "dimensions",
            f"must hold at most {domain.MAX_QUESTIONS} questions in all")
    thresholds = _thresholds(v, r.level_thresholds, p + "level_thresholds")
    v.check(math.isfinite(r.gap_threshold) and 0 < r.gap_threshold <= 1, p + "gap_threshold",
            "must be greater than 0 and at most 1")
    v.check(r.ByteSize() <= MAX_CONTENT_BYTES, "rubric", f"must be at most {MAX_CONTENT_BYTES} bytes serialized")
    return domain.RubricContent(title, description, dimensions, thresholds, r.gap_threshold)


@dataclass(frozen=True)
class NewRubric:
    request_id: str
    rubric_id: str  # "" for a new rubric
    content: domain.RubricContent


def create_rubric(request: svc.CreateMaturityRubricRequest) -> NewRubric:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    rubric_id = v.uuid(request.rubric_id, "rubric_id", required=False)
    content = rubric_content(v, request)
    v.raise_if_any()
    return NewRubric(request_id, rubric_id, content)


@dataclass(frozen=True)
class RubricVersion:
    rubric_id: str
    version: int  # 0 only in GetMaturityRubric: the latest published version


def rubric_version(request, *, latest_allowed: bool = False) -> RubricVersion:
    """rubric_id and version of Publish, Get (version 0 allowed) and, with content, Update."""
    v = Violations()
    rubric_id = v.uuid(request.rubric_id, "rubric_id")
    if latest_allowed:
        v.check(request.version >= 0, "version", "must not be negative (0: the latest published version)")
    else:
        v.check(request.version >= 1, "version", "must be at least 1")
    v.raise_if_any()
    return RubricVersion(rubric_id, request.version)


def update_rubric(request: svc.UpdateMaturityRubricRequest) -> tuple[RubricVersion, domain.RubricContent]:
    v = Violations()
    rubric_id = v.uuid(request.rubric_id, "rubric_id")
    v.check(request.version >= 1, "version", "must be at least 1")
    content = rubric_content(v, request)
    v.raise_if_any()
    return RubricVersion(rubric_id, request.version), content


@dataclass(frozen=True)
class RubricFilters:
    rubric_id: str | None
    state: str | None


def list_rubrics(request: svc.ListMaturityRubricsRequest) -> RubricFilters:
    v = Violations()
    rubric_id = v.uuid(request.rubric_id, "rubric_id", required=False) or None
    v.enum(request.state, "state", STATES, required=False)
    v.page_size(request.page_size)
    v.raise_if_any()
    return RubricFilters(rubric_id, STATES.get(request.state))


@dataclass(frozen=True)
class NewAssessment:
    request_id: str
    rubric_id: str
    rubric_version: int
    ratings: tuple[domain.Rating, ...]  # in request order, keys distinct
    supersedes_assessment_id: str | None


def submit_assessment(request: svc.SubmitMaturityAssessmentRequest) -> NewAssessment:
    """The request on its own; whether the keys are exactly the rubric's is `responses_match`."""
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    rubric_id = v.uuid(request.rubric_id, "rubric_id")
    v.check(request.rubric_version >= 1, "rubric_version", "must be at least 1 (a published version)")
    v.check(1 <= len(request.responses) <= domain.MAX_QUESTIONS, "responses",
            f"must hold 1-{domain.MAX_QUESTIONS} responses, one per rubric question")
    ratings, seen = [], set()
    for index, r in enumerate(request.responses[:domain.MAX_QUESTIONS]):
        p = f"responses[{index}]."
        if v.pattern(r.question_key, p + "question_key", KEY, KEY_RULE):
            v.check(r.question_key not in seen, p + "question_key", "rates a question rated before: rate each once")
            seen.add(r.question_key)
        v.check(domain.MIN_RATING <= r.rating <= domain.MAX_RATING, p + "rating",
                f"must be {domain.MIN_RATING}-{domain.MAX_RATING}")
        note = v.trimmed(r.note, p + "note", required=False, max_len=MAX_NOTE)
        ratings.append(domain.Rating(r.question_key, r.rating, note))
    v.check(sum(r.ByteSize() for r in request.responses) <= MAX_CONTENT_BYTES, "responses",
            f"must be at most {MAX_CONTENT_BYTES} bytes serialized")
    supersedes = v.uuid(request.supersedes_assessment_id, "supersedes_assessment_id", required=False) or None
    v.raise_if_any()
    return NewAssessment(request_id, rubric_id, request.rubric_version, tuple(ratings), supersedes)


def responses_match(content: domain.RubricContent, ratings: Sequence[domain.Rating]) -> dict[str, domain.Rating]:
    """Every rubric question rated exactly once (INVALID_ARGUMENT naming unknown and missing keys);
    returns the ratings by question key."""
    v = Violations()
    keys = content.question_keys()
    known = set(keys)
    for index, rating in enumerate(ratings):
        v.check(rating.question_key in known, f"responses[{index}].question_key",
                "is not a question of this rubric version")
    rated = {rating.question_key for rating in ratings}
    missing = [key for key in keys if key not in rated]
    if missing:
        shown = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
        v.add("responses", f"every rubric question must be rated; missing: {shown}")
    v.raise_if_any()
    return {rating.question_key: rating for rating in ratings}


@dataclass(frozen=True)
class AssessmentFilters:
    rubric_id: str | None
    maturity_level: int | None
    submitted_from: datetime | None
    submitted_before: datetime | None


def list_assessments(request: svc.ListMaturityAssessmentsRequest) -> AssessmentFilters:
    v = Violations()
    rubric_id = v.uuid(request.rubric_id, "rubric_id", required=False) or None
    v.check(0 <= request.maturity_level <= domain.MAX_LEVELS, "maturity_level", "must be 1-5, or 0 for any")
    start, end = v.time_range(request, "submit_time")
    v.page_size(request.page_size)
    v.raise_if_any()
    return AssessmentFilters(rubric_id, request.maturity_level or None, start, end)
