"""The rules of progress: plain data and functions, no I/O.

An event marks an item (a lesson, a scenario step, a quiz, an exercise, a training session) of one
course version for one learner. An item's progress is a fold of its events that does not depend on
their order or on duplicates: a bit set of marks, only ever OR-ed, the best score (max) and the first
time of each mark (min). Whether a lesson is done depends on its completion rule, read from the
version's structure; the course's state and percent are a function of the structure and the items.
Because every piece only grows, a late or failed event never takes back a completion or a pass.
"""

from __future__ import annotations

import enum
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, PermissionDenied

COURSE_VERSION_NOT_PUBLISHED = "COURSE_VERSION_NOT_PUBLISHED"
ITEM_NOT_IN_VERSION = "ITEM_NOT_IN_VERSION"
MAX_EVENTS = 500
# Certificates are requested from evidence with this request id namespace (one per learner and version).
CERTIFICATE_NAMESPACE = uuid.UUID("6f1d2c1e-6a43-4c53-9f0e-6f3c5d0b9a71")


class ItemKind(enum.StrEnum):
    LESSON = "lesson"
    SCENARIO_STEP = "scenario_step"
    QUIZ = "quiz"
    PRACTICAL_EXERCISE = "practical_exercise"
    TRAINING_SESSION = "training_session"


class EventKind(enum.StrEnum):
    STARTED = "started"
    VIEWED = "viewed"
    COMPLETED = "completed"
    QUIZ_PASSED = "quiz_passed"
    QUIZ_FAILED = "quiz_failed"
    EXERCISE_APPROVED = "exercise_approved"
    SESSION_PASSED = "session_passed"
    SESSION_FAILED = "session_failed"


class Mark(enum.IntFlag):
    STARTED = 1
    VIEWED = 2
    COMPLETED = 4
    PASSED = 8
    FAILED = 16


class State(enum.IntEnum):
    """Ordered: a course's state only moves up."""

    NOT_STARTED = 0
    IN_PROGRESS = 1
    FAILED = 2  # items only
    COMPLETED = 3
    PASSED = 4


class CompletionRule(enum.StrEnum):
    VIEW = "view"
    COMPLETE_ALL_STEPS = "complete_all_steps"
    PASS_QUIZ = "pass_quiz"


# What each event kind marks, and the item kinds it may be about.
MARKS = {
    EventKind.STARTED: Mark.STARTED,
    EventKind.VIEWED: Mark.STARTED | Mark.VIEWED,
    EventKind.COMPLETED: Mark.STARTED | Mark.VIEWED | Mark.COMPLETED,
    EventKind.QUIZ_PASSED: Mark.STARTED | Mark.COMPLETED | Mark.PASSED,
    EventKind.QUIZ_FAILED: Mark.STARTED | Mark.FAILED,
    EventKind.EXERCISE_APPROVED: Mark.STARTED | Mark.COMPLETED | Mark.PASSED,
    EventKind.SESSION_PASSED: Mark.STARTED | Mark.COMPLETED | Mark.PASSED,
    EventKind.SESSION_FAILED: Mark.STARTED | Mark.FAILED,
}
ALLOWED_ITEMS = {
    EventKind.STARTED: set(ItemKind),
    EventKind.VIEWED: {ItemKind.LESSON, ItemKind.SCENARIO_STEP},
    EventKind.COMPLETED: {ItemKind.LESSON, ItemKind.SCENARIO_STEP},
    EventKind.QUIZ_PASSED: {ItemKind.QUIZ},
    EventKind.QUIZ_FAILED: {ItemKind.QUIZ},
    EventKind.EXERCISE_APPROVED: {ItemKind.PRACTICAL_EXERCISE},
    EventKind.SESSION_PASSED: {ItemKind.TRAINING_SESSION},
    EventKind.SESSION_FAILED: {ItemKind.TRAINING_SESSION},
}
SCORED = {EventKind.QUIZ_PASSED, EventKind.QUIZ_FAILED, EventKind.SESSION_PASSED, EventKind.SESSION_FAILED}
# What a learner may record about itself; scored and reviewed outcomes come from services.
LEARNER_EVENTS = {EventKind.STARTED, EventKind.VIEWED, EventKind.COMPLETED}
LEARNER_ITEMS = {ItemKind.LESSON, ItemKind.SCENARIO_STEP}


@dataclass(frozen=True)
class CourseKey:
    user_id: str
    course_id: str
    version: int


@dataclass(frozen=True)
class ItemKey:
    item_kind: ItemKind
    item_id: str
    step_id: str = ""


@dataclass(frozen=True)
class PathKey:
    user_id: str
    learning_path_id: str
    version: int


@dataclass(frozen=True)
class Event:
    event_id: str
    course: CourseKey
    item: ItemKey
    kind: EventKind
    score: float
    occur_time: datetime
    path: PathKey | None = None  # the learning path version the learner takes the course in

    def content_hash(self) -> bytes:
        """What makes a redelivery a duplicate: everything but the id, in a fixed rendering."""
        text = "|".join([self.course.user_id, self.course.course_id, str(self.course.version), self.item.item_kind,
                         self.item.item_id, self.item.step_id, self.kind, repr(float(self.score)),
                         self.occur_time.isoformat()]
                        + ([self.path.learning_path_id, str(self.path.version)] if self.path else []))
        return hashlib.sha256(text.encode()).digest()


@dataclass(frozen=True)
class ItemFold:
    """An item's progress: the fold of its events."""

    marks: Mark
    best_score: float
    started_at: datetime
    viewed_at: datetime | None = None
    completed_at: datetime | None = None
    passed_at: datetime | None = None
    failed_at: datetime | None = None

    def merge(self, other: ItemFold) -> ItemFold:
        return ItemFold(self.marks | other.marks, max(self.best_score, other.best_score),
                        _least(self.started_at, other.started_at), _least(self.viewed_at, other.viewed_at),
                        _least(self.completed_at, other.completed_at), _least(self.passed_at, other.passed_at),
                        _least(self.failed_at, other.failed_at))

    @property
    def state(self) -> State:
        if self.marks & Mark.PASSED:
            return State.PASSED
        if self.marks & Mark.COMPLETED:
            return State.COMPLETED
        if self.marks & Mark.FAILED:
            return State.FAILED
        return State.IN_PROGRESS


def _least(a, b):
    return b if a is None else a if b is None else min(a, b)


def _greatest(values: Iterable):
    present = [v for v in values if v is not None]
    return max(present) if present else None


def fold_event(event: Event) -> ItemFold:
    marks = MARKS[event.kind]
    t = event.occur_time
    return ItemFold(marks=marks, best_score=event.score, started_at=t,
                    viewed_at=t if marks & Mark.VIEWED else None,
                    completed_at=t if marks & Mark.COMPLETED else None,
                    passed_at=t if marks & Mark.PASSED else None,
                    failed_at=t if marks & Mark.FAILED else None)


def fold(events: Iterable[Event]) -> dict[tuple[CourseKey, ItemKey], ItemFold]:
    """Per learner-version and item, the fold of `events` (any order, any duplicates: same result)."""
    folded: dict[tuple[CourseKey, ItemKey], ItemFold] = {}
    for event in events:
        key = (event.course, event.item)
        one = fold_event(event)
        folded[key] = folded[key].merge(one) if key in folded else one
    return folded


# ---------------------------------------------------------------------------------------------------
# The structure of a published course version (from the catalog)
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lesson:
    lesson_id: str
    module_id: str
    rule: CompletionRule


@dataclass(frozen=True)
class Quiz:
    quiz_id: str
    module_id: str


@dataclass(frozen=True)
class Structure:
    """What progress needs of a published version: its items in order and each lesson's rule."""

    lessons: tuple[Lesson, ...] = ()
    quizzes: tuple[Quiz, ...] = ()
    exercises: tuple[str, ...] = ()

    def required(self) -> list[ItemKey]:
        return ([ItemKey(ItemKind.LESSON, lesson.lesson_id) for lesson in self.lessons]
                + [ItemKey(ItemKind.QUIZ, quiz.quiz_id) for quiz in self.quizzes]
                + [ItemKey(ItemKind.PRACTICAL_EXERCISE, exercise) for exercise in self.exercises])

    def contains(self, item: ItemKey) -> bool:
        """Whether an event about `item` belongs to this version (sessions belong to every version)."""
        if item.item_kind == ItemKind.TRAINING_SESSION:
            return True
        if item.item_kind == ItemKind.SCENARIO_STEP:
            return any(lesson.lesson_id == item.item_id for lesson in self.lessons)
        return ItemKey(item.item_kind, item.item_id) in set(self.required())

    def to_json(self) -> dict:
        return {"lessons": [[lesson.lesson_id, lesson.module_id, lesson.rule.value] for lesson in self.lessons],
                "quizzes": [[quiz.quiz_id, quiz.module_id] for quiz in self.quizzes],
                "exercises": list(self.exercises)}

    @classmethod
    def from_json(cls, data: dict) -> Structure:
        return cls(tuple(Lesson(lesson_id, module_id, CompletionRule(rule))
                         for lesson_id, module_id, rule in data["lessons"]),
                   tuple(Quiz(quiz_id, module_id) for quiz_id, module_id in data["quizzes"]),
                   tuple(data["exercises"]))


@dataclass(frozen=True)
class Summary:
    """A learner's progress in a course version, as the structure and the items say."""

    state: State
    percent_complete: int
    completed_at: datetime | None
    passed_at: datetime | None
    done: dict[ItemKey, datetime | None] = field(default_factory=dict)  # required item -> when it was done


def summarize(structure: Structure, items: dict[ItemKey, ItemFold]) -> Summary:
    """The course state of one learner in one version. Pure and monotone in the items' marks."""
    if not items:
        return Summary(State.NOT_STARTED, 0, None, None)
    quiz_passed = {quiz.quiz_id: _passed_at(items.get(ItemKey(ItemKind.QUIZ, quiz.quiz_id)))
                   for quiz in structure.quizzes}
    done: dict[ItemKey, datetime | None] = {}
    for lesson in structure.lessons:
        fold_ = items.get(ItemKey(ItemKind.LESSON, lesson.lesson_id))
        if lesson.rule == CompletionRule.PASS_QUIZ:
            module_quizzes = [quiz_passed[q.quiz_id] for q in structure.quizzes if q.module_id == lesson.module_id]
            at = max(module_quizzes) if module_quizzes and all(module_quizzes) else None
        elif lesson.rule == CompletionRule.VIEW:
            at = _least(fold_.viewed_at, fold_.completed_at) if fold_ else None
        else:
            at = fold_.completed_at if fold_ else None
        done[ItemKey(ItemKind.LESSON, lesson.lesson_id)] = at
    for quiz_id, at in quiz_passed.items():
        done[ItemKey(ItemKind.QUIZ, quiz_id)] = at
    for exercise in structure.exercises:
        done[ItemKey(ItemKind.PRACTICAL_EXERCISE, exercise)] = _passed_at(
            items.get(ItemKey(ItemKind.PRACTICAL_EXERCISE, exercise)))
    required = len(done)
    finished = sum(1 for at in done.values() if at is not None)
    percent = 100 * finished // required if required else 0
    non_quiz = [at for key, at in done.items() if key.item_kind != ItemKind.QUIZ]
    completed_at = max(non_quiz) if required and all(at is not None for at in non_quiz) and non_quiz else None
    if required and not non_quiz:  # a version of quizzes only is complete when they are passed
        completed_at = max(quiz_passed.values()) if all(quiz_passed.values()) else None
    session_passed = [fold_.passed_at for key, fold_ in items.items()
                      if key.item_kind == ItemKind.TRAINING_SESSION and fold_.passed_at is not None]
    quizzes_passed_at = (max(quiz_passed.values()) if quiz_passed else completed_at) \
        if all(quiz_passed.values()) else None
    passes = [at for at in (quizzes_passed_at, min(session_passed) if session_passed else None) if at is not None]
    passed_at = max(completed_at, min(passes)) if completed_at is not None and passes else None
    if passed_at is not None:
        state = State.PASSED
    elif completed_at is not None:
        state = State.COMPLETED
    else:
        state = State.IN_PROGRESS
    return Summary(state, percent, completed_at, passed_at, done)


def _passed_at(fold_: ItemFold | None) -> datetime | None:
    return fold_.passed_at if fold_ is not None else None


# ---------------------------------------------------------------------------------------------------
# Who may record what; upgrades; certificates
# ---------------------------------------------------------------------------------------------------

def check_learner_events(subject: str, events: Sequence[Event]) -> None:
    """A learner records only its own lesson and scenario-step progress, never a scored outcome."""
    for index, event in enumerate(events):
        if event.course.user_id != subject:
            raise PermissionDenied(f"events[{index}]: a learner may only record its own progress")
        if event.kind not in LEARNER_EVENTS or event.item.item_kind not in LEARNER_ITEMS:
            raise PermissionDenied(f"events[{index}]: scored and reviewed outcomes are recorded by services")


def check_admin_events(events: Sequence[Event]) -> None:
    """An admin may record lesson progress for the tenant's learners, but scored and reviewed outcomes
    (quizzes, exercises, training sessions) come only from the services that observed them."""
    for index, event in enumerate(events):
        if event.kind not in LEARNER_EVENTS or event.item.item_kind not in LEARNER_ITEMS:
            raise PermissionDenied(f"events[{index}]: scored and reviewed outcomes are recorded by services")


def check_items_in_version(events: Sequence[tuple[int, Event]], structure: Structure) -> None:
    missing = [index for index, event in events if not structure.contains(event.item)]
    if missing:
        first = events[[i for i, _ in events].index(missing[0])][1]
        raise FailedPrecondition(
            f"events[{missing[0]}].item_id is not part of course {first.course.course_id} version "
            f"{first.course.version}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
            violation_type=ITEM_NOT_IN_VERSION,
            subject=f"courses/{first.course.course_id}/versions/{first.course.version}")


def not_published(course_id: str, version: int) -> FailedPrecondition:
    return FailedPrecondition(f"course {course_id} has no published version {version}",
                              violation_type=COURSE_VERSION_NOT_PUBLISHED,
                              subject=f"courses/{course_id}/versions/{version}")


def carry_over(items: dict[ItemKey, ItemFold], target: Structure) -> dict[ItemKey, ItemFold]:
    """The items of an older version that exist (by stable id) in `target`; training sessions stay behind."""
    return {key: replace(fold_) for key, fold_ in items.items()
            if key.item_kind != ItemKind.TRAINING_SESSION and target.contains(key)}


def audit_event_id(tenant_id: str, subject_id: str) -> str:
    """The audit event id of a record, the same for every retry, so the audit log keeps it once."""
    return str(uuid.uuid5(CERTIFICATE_NAMESPACE, f"audit/{tenant_id}/{subject_id}"))


def certificate_request_id(tenant_id: str, course: CourseKey) -> str:
    """The same request id for the same learner and version, so evidence issues one certificate."""
    return str(uuid.uuid5(CERTIFICATE_NAMESPACE, f"{tenant_id}/{course.user_id}/{course.course_id}/{course.version}"))


# ---------------------------------------------------------------------------------------------------
# AI tutor sessions
# ---------------------------------------------------------------------------------------------------

class GuardrailResult(enum.StrEnum):
    PASSED = "passed"
    FLAGGED = "flagged"
    BLOCKED = "blocked"


TUTOR_SESSION_RECORDED = "ai_tutor.session_recorded"  # the audit action (seed 000: AI tutor sessions)


@dataclass(frozen=True)
class TutorSession:
    tutor_session_id: str
    user_id: str
    course_id: str
    version: int
    lesson_id: str
    model_id: str
    started_at: datetime
    ended_at: datetime
    prompt_ref: str
    response_ref: str
    confidence: float
    guardrail_result: GuardrailResult
    guardrail_categories: tuple[str, ...]
    summary: str

    def content_hash(self) -> bytes:
        """What makes a second recording the same session: every field, in a fixed rendering."""
        parts = [self.tutor_session_id, self.user_id, self.course_id, str(self.version), self.lesson_id,
                 self.model_id, self.started_at.isoformat(), self.ended_at.isoformat(), self.prompt_ref,
                 self.response_ref, repr(float(self.confidence)), self.guardrail_result.value,
                 *self.guardrail_categories, self.summary]
        return hashlib.sha256("\x1f".join(parts).encode()).digest()


# ---------------------------------------------------------------------------------------------------
# Knowledge gaps and recommendations
# ---------------------------------------------------------------------------------------------------

ORGANIZATION = "organization"  # the subject of a gap of the organization (the tenant) as a whole
GAP_NOT_OPEN = "GAP_NOT_OPEN"
RECOMMENDATION_NOT_OPEN = "RECOMMENDATION_NOT_OPEN"
RECOMMENDATION_CREATED = "recommendation.created"  # audit actions (seed 000)
RECOMMENDATION_DISMISSED = "recommendation.dismissed"
MAX_GAPS = 100
MAX_EVIDENCE = 20
TOPIC_METADATA_KEY = "topic_areas"  # catalog course metadata: comma-separated topic areas


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


class GapStatus(enum.StrEnum):
    OPEN = "open"
    ADDRESSED = "addressed"
    DISMISSED = "dismissed"


class Priority(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class RecommendationStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class SourceRef:
    domain: str
    type: str
    id: str


@dataclass(frozen=True)
class Gap:
    user_id: str | None  # None: the organization as a whole
    topic_area: str  # lower-case
    severity: Severity
    evidence: tuple[SourceRef, ...]
    source: SourceRef

    @property
    def subject(self) -> str:
        return self.user_id or ORGANIZATION


@dataclass(frozen=True)
class NewRecommendation:
    user_id: str
    course_id: str | None  # exactly one of course_id and learning_path_id
    priority: Priority
    reason: str
    source: SourceRef
    gap_id: str | None
    request_id: str = ""
    learning_path_id: str | None = None


def normalize_topic(topic: str) -> str:
    return " ".join(topic.split()).lower()


def topics_of(metadata: dict[str, str]) -> set[str]:
    """The topic areas a catalog course is tagged with (metadata "topic_areas", comma-separated)."""
    return {normalize_topic(t) for t in metadata.get(TOPIC_METADATA_KEY, "").split(",") if t.strip()}


def gap_recommendation(gap_id: str, gap: Gap, course_id: str) -> NewRecommendation:
    """What the service recommends by itself for a new gap of a learner: a course tagged with its topic."""
    priority = Priority.HIGH if gap.severity >= Severity.HIGH else Priority(int(gap.severity))
    return NewRecommendation(gap.user_id or "", course_id, priority, f"Addresses the knowledge gap in "
                             f"{gap.topic_area!r} ({gap.severity.name.lower()} severity)",
                             SourceRef("progress", "knowledge_gap", gap_id), gap_id)


def check_gap_subject(gap_user_id: str | None, user_id: str) -> None:
    """A recommendation may point at a gap of its own learner or of the organization, never of another
    learner (completing it would address someone else's gap)."""
    if gap_user_id is not None and gap_user_id != user_id:
        raise InvalidArgument([FieldViolation("recommendation.gap_id",
                                              "is a knowledge gap of another learner")])


def check_open(status: str, kind: str, subject: str) -> None:
    if status != "open":
        violation = GAP_NOT_OPEN if kind == "gap" else RECOMMENDATION_NOT_OPEN
        raise FailedPrecondition(f"the {kind} is {status}, not open", violation_type=violation, subject=subject)


# ---------------------------------------------------------------------------------------------------
# Organization learning profiles
# ---------------------------------------------------------------------------------------------------

ACTIVE_DAYS = 30


class LearningState(enum.StrEnum):
    NOT_STARTED = "not_started"
    ACTIVE = "active"
    DORMANT = "dormant"


@dataclass(frozen=True)
class MaturityResult:
    assessment: SourceRef
    level: int
    score: float
    assessed_at: datetime


@dataclass(frozen=True)
class ProgressSummary:
    learners_active: int
    learners_completed: int
    learners_certified: int
    any_progress: bool

    @property
    def learning_state(self) -> LearningState:
        if not self.any_progress:
            return LearningState.NOT_STARTED
        return LearningState.ACTIVE if self.learners_active else LearningState.DORMANT


# ---------------------------------------------------------------------------------------------------
# Learning paths
# ---------------------------------------------------------------------------------------------------

LEARNING_PATH_NOT_PUBLISHED = "LEARNING_PATH_NOT_PUBLISHED"


@dataclass(frozen=True)
class PathStep:
    course_id: str
    version: int
    required: bool


@dataclass(frozen=True)
class PathSummary:
    state: State
    percent_complete: int


def summarize_path(steps: Sequence[PathStep], states: dict[tuple[str, int], State]) -> PathSummary:
    """A path's state from its steps' course states (a course version without progress: NOT_STARTED)."""
    required = [states.get((s.course_id, s.version), State.NOT_STARTED) for s in steps if s.required]
    every = [states.get((s.course_id, s.version), State.NOT_STARTED) for s in steps]
    done = sum(1 for state in required if state >= State.COMPLETED)
    percent = 100 * done // len(required) if required else 0
    if required and all(state == State.PASSED for state in required):
        return PathSummary(State.PASSED, percent)
    if required and done == len(required):
        return PathSummary(State.COMPLETED, percent)
    if any(state > State.NOT_STARTED for state in every):
        return PathSummary(State.IN_PROGRESS, percent)
    return PathSummary(State.NOT_STARTED, percent)


def path_not_published(path_id: str, version: int) -> FailedPrecondition:
    return FailedPrecondition(f"learning path {path_id} has no published version {version}",
                              violation_type=LEARNING_PATH_NOT_PUBLISHED,
                              subject=f"learning_paths/{path_id}/versions/{version}")


def path_certificate_request_id(tenant_id: str, path: PathKey) -> str:
    return str(uuid.uuid5(CERTIFICATE_NAMESPACE, f"path/{tenant_id}/{path.user_id}/{path.learning_path_id}/"
                                                 f"{path.version}"))
