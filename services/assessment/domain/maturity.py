"""Procurement maturity (seed 000 procurement_maturity_assessments) on plain data: rubric content, how an
assessment is scored, which dimensions are weak and what organization knowledge gaps they become.

Scoring, all weights relative (only their ratios matter):
  question score  = (rating - 1) / 4, so ratings 1..5 score 0, .25, .5, .75, 1;
  dimension score = weighted mean of its question scores (question weights);
  total           = weighted mean of the dimension scores (dimension weights);
  maturity level  = the highest threshold level whose min_score <= total (level 1 starts at 0);
  weak dimension  = dimension score < the rubric's gap_threshold.
Scores are rounded to SCORE_DIGITS decimals, so float noise of a weighted mean (0.6 computed as
0.59999999999999998) never puts a total below a threshold it meets on paper, and the stored score,
the level and `weak` always agree with each other.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

DRAFT, PUBLISHED = "draft", "published"
RUBRIC_PUBLISHED = "maturity_rubric.published"
ASSESSMENT_SCORED = "maturity_assessment.scored"
RUBRIC_SUBJECT, ASSESSMENT_SUBJECT = "maturity_rubric", "maturity_assessment"
SOURCE_DOMAIN = "assessment"  # how progress names where a maturity result or gap comes from

MAX_DIMENSIONS = 20
MAX_QUESTIONS_PER_DIMENSION = 50
MAX_QUESTIONS = 500
MAX_LEVELS = 5
MIN_RATING, MAX_RATING = 1, 5
SCORE_DIGITS = 9

# Fixed forever: outbox and audit event ids are derived from it, so a retried transaction (or a replay
# of the same record) produces the same ids and the targets keep each event once.
_NAMESPACE = uuid.UUID("3b8f7a52-0c4e-5d19-a6e2-9f71c04d2b38")


class Severity(enum.IntEnum):
    """Severity of an organization gap (the values of progress's GapSeverity)."""
    MEDIUM = 2
    HIGH = 3


@dataclass(frozen=True)
class Question:
    question_key: str
    text: str
    weight: float


@dataclass(frozen=True)
class Dimension:
    dimension_key: str
    title: str
    topic_area: str
    weight: float
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class LevelThreshold:
    level: int
    min_score: float


@dataclass(frozen=True)
class RubricContent:
    """What an author writes (and replaces while DRAFT); everything else of a rubric version is state."""
    title: str
    description: str
    dimensions: tuple[Dimension, ...]
    level_thresholds: tuple[LevelThreshold, ...]
    gap_threshold: float

    def question_keys(self) -> list[str]:
        return [q.question_key for d in self.dimensions for q in d.questions]

    def dimensions_json(self) -> list[dict]:
        return [{"dimension_key": d.dimension_key, "title": d.title, "topic_area": d.topic_area,
                 "weight": d.weight, "questions": [{"question_key": q.question_key, "text": q.text,
                                                    "weight": q.weight} for q in d.questions]}
                for d in self.dimensions]

    def thresholds_json(self) -> list[dict]:
        return [{"level": t.level, "min_score": t.min_score} for t in self.level_thresholds]

    @classmethod
    def from_json(cls, title: str, description: str, dimensions: Sequence[Mapping], thresholds: Sequence[Mapping],
                  gap_threshold: float) -> RubricContent:
        return cls(title, description, tuple(
            Dimension(d["dimension_key"], d["title"], d["topic_area"], float(d["weight"]), tuple(
                Question(q["question_key"], q["text"], float(q["weight"])) for q in d["questions"]))
            for d in dimensions), tuple(LevelThreshold(int(t["level"]), float(t["min_score"])) for t in thresholds),
            float(gap_threshold))


@dataclass(frozen=True)
class Rating:
    question_key: str
    rating: int
    note: str


@dataclass(frozen=True)
class DimensionScore:
    dimension_key: str
    title: str
    topic_area: str
    score: float
    weak: bool


@dataclass(frozen=True)
class ScoredAssessment:
    responses: tuple[Rating, ...]  # in rubric order
    dimension_scores: tuple[DimensionScore, ...]  # in rubric order
    total_score: float
    maturity_level: int

    @property
    def weak_dimensions(self) -> list[DimensionScore]:
        return [d for d in self.dimension_scores if d.weak]

    def responses_json(self) -> list[dict]:
        return [{"question_key": r.question_key, "rating": r.rating, "note": r.note} for r in self.responses]

    def dimension_scores_json(self) -> list[dict]:
        return [{"dimension_key": d.dimension_key, "title": d.title, "topic_area": d.topic_area, "score": d.score,
                 "weak": d.weak} for d in self.dimension_scores]


def question_score(rating: int) -> float:
    return (rating - MIN_RATING) / (MAX_RATING - MIN_RATING)


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float:
    """Mean of (weight, value) pairs, values in [0, 1]. Weights are first divided by the largest one, so
    tiny weights (a valid 1e-300) cannot underflow to a zero sum; the result is clamped to [0, 1]
    against rounding."""
    pairs = list(pairs)
    largest = max(weight for weight, _ in pairs)
    scaled = [(weight / largest, value) for weight, value in pairs]
    mean = sum(w * value for w, value in scaled) / sum(w for w, _ in scaled)
    return min(1.0, max(0.0, mean))


def level_of(thresholds: Sequence[LevelThreshold], total: float) -> int:
    """The highest level whose min_score <= total; level 1 starts at 0, so there always is one."""
    return max(t.level for t in thresholds if t.min_score <= total)


def score(content: RubricContent, ratings: Mapping[str, Rating]) -> ScoredAssessment:
    """Score an assessment that rates every question of `content` (keyed by question_key; the caller
    has checked that the keys are exactly the rubric's)."""
    dimensions, raw = [], []
    for d in content.dimensions:
        value = weighted_mean((q.weight, question_score(ratings[q.question_key].rating)) for q in d.questions)
        raw.append((d.weight, value))
        rounded = round(value, SCORE_DIGITS)
        dimensions.append(DimensionScore(d.dimension_key, d.title, d.topic_area, rounded,
                                         rounded < content.gap_threshold))
    total = round(weighted_mean(raw), SCORE_DIGITS)
    return ScoredAssessment(tuple(ratings[key] for key in content.question_keys()), tuple(dimensions), total,
                            level_of(content.level_thresholds, total))


@dataclass(frozen=True)
class OrganizationGap:
    topic_area: str
    severity: Severity


def organization_gaps(scored: ScoredAssessment, gap_threshold: float) -> list[OrganizationGap]:
    """One gap per topic area of the weak dimensions: HIGH when the dimension scored below half the
    gap threshold (far from it), else MEDIUM. Dimensions sharing a topic area (compared as progress
    compares them: case and spacing ignored) make one gap with the highest of their severities."""
    gaps: dict[str, OrganizationGap] = {}
    for d in scored.weak_dimensions:
        severity = Severity.HIGH if d.score < gap_threshold / 2 else Severity.MEDIUM
        key = " ".join(d.topic_area.split()).lower()
        if key not in gaps or gaps[key].severity < severity:
            gaps[key] = OrganizationGap(gaps[key].topic_area if key in gaps else d.topic_area, severity)
    return list(gaps.values())


def rubric_published_event_id(tenant_id: str, rubric_id: str, version: int) -> str:
    """One audit event per published version, whatever retries happen."""
    return str(uuid.uuid5(_NAMESPACE, f"{tenant_id}/maturity_rubric/{rubric_id}/{version}/published"))


def assessment_event_id(tenant_id: str, assessment_id: str, kind: str) -> str:
    """The outbox event id of one message about an assessment: kind "audit", "result" or "gaps"."""
    return str(uuid.uuid5(_NAMESPACE, f"{tenant_id}/maturity_assessment/{assessment_id}/{kind}"))
