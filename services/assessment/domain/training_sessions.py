"""Training sessions (seed 002 TrainingSession): freezing a course version, the attempt state machine,
evaluation, and the evidence body a terminal session produces. Plain data, no I/O.

    IN_PROGRESS --evaluate, passed--------------------------> PASSED      (terminal)
    IN_PROGRESS --evaluate, failed, attempts left-----------> IN_PROGRESS (next attempt, fresh answers)
    IN_PROGRESS --evaluate, failed, last attempt------------> EXHAUSTED   (terminal)
    IN_PROGRESS --abandon-----------------------------------> ABANDONED   (terminal)

The evidence always describes the terminal attempt: its answers, its module scores and its outcome. An
abandoned attempt was never evaluated, so completedAt, aggregateScore, passed and weakAreas are null
(seed 002); a module of it carries a score only if it had reached "scored" (all its items scored).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from services.assessment.domain import content, scoring
from shared.canonical import canonical_json, sha256_hex
from shared.errors import FailedPrecondition, PreconditionViolation

IN_PROGRESS, PASSED, EXHAUSTED, ABANDONED = "in_progress", "passed", "exhausted", "abandoned"
TERMINAL = frozenset({PASSED, EXHAUSTED, ABANDONED})
SCENARIO, QUIZ_QUESTION = "scenario", "quiz_question"
PENDING, SCORED = "pending", "scored"
MAX_FREE_TEXT = 2000  # seed 002 AnswerEvidence.freeTextResponse
QUIZ_SCORED = "quiz.scored"  # the audit action of an evaluated attempt (seed 000: quiz scoring)
_EVENT_NAMESPACE = uuid.UUID("8f0c2b7e-5d1a-4c1e-9a53-3a2f6f1b7d10")


@dataclass(frozen=True)
class Policy:
    pass_threshold: float
    max_attempts: int
    role_profile_id: str
    role_profile_version: int
    app_version: str

    def config_hash(self) -> str:
        """SHA-256 of the RFC 8785 JSON of the policy under seed 002's names (documented in the proto)."""
        return sha256_hex(canonical_json({
            "appVersion": self.app_version, "maxAttempts": self.max_attempts,
            "passThreshold": self.pass_threshold, "roleProfileId": self.role_profile_id,
            "roleProfileVersion": self.role_profile_version}))


# --------------------------------------------------------------------------------------------------------
# Freezing: what the session shows, never with answer keys
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    item_id: str
    kind: str  # SCENARIO | QUIZ_QUESTION
    prompt: str
    format: str  # content.MULTIPLE_CHOICE | content.FREE_TEXT
    options: tuple[content.Choice, ...]
    max_length: int

    def to_json(self) -> dict:
        return {"item_id": self.item_id, "kind": self.kind, "prompt": self.prompt, "format": self.format,
                "options": [{"key": o.key, "text": o.text} for o in self.options], "max_length": self.max_length}

    @classmethod
    def from_json(cls, data: dict) -> Item:
        return cls(data["item_id"], data["kind"], data["prompt"], data["format"],
                   tuple(content.Choice(o["key"], o["text"]) for o in data["options"]), data["max_length"])


@dataclass(frozen=True)
class Module:
    module_index: int
    module_id: str
    title: str
    topic_area: str
    scenarios: tuple[Item, ...]
    quiz_questions: tuple[Item, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return self.scenarios + self.quiz_questions

    def to_json(self) -> dict:
        return {"module_index": self.module_index, "module_id": self.module_id, "title": self.title,
                "topic_area": self.topic_area, "scenarios": [i.to_json() for i in self.scenarios],
                "quiz_questions": [i.to_json() for i in self.quiz_questions]}

    @classmethod
    def from_json(cls, data: dict) -> Module:
        return cls(data["module_index"], data["module_id"], data["title"], data["topic_area"],
                   tuple(Item.from_json(i) for i in data["scenarios"]),
                   tuple(Item.from_json(i) for i in data["quiz_questions"]))


def in_sessions(question: content.Question) -> bool:
    """Seed 002 records one selected option per answer: "select all that apply" questions stay in quizzes."""
    return question.format == content.FREE_TEXT or len(question.correct_keys) == 1


def freeze(course: content.CourseContent) -> list[Module]:
    """The modules a session shows: every module with a scenario or a session question, indexed from 0."""
    modules: list[Module] = []
    for module in course.modules:
        scenarios = tuple(Item(s.item_id, SCENARIO, s.prompt, content.MULTIPLE_CHOICE, s.options, 0)
                          for s in module.scenarios)
        questions = tuple(
            Item(q.question_id, QUIZ_QUESTION, q.prompt, q.format, q.options,
                 min(q.max_length, MAX_FREE_TEXT) if q.format == content.FREE_TEXT else 0)
            for quiz in module.quizzes for q in quiz.questions if in_sessions(q))
        if scenarios or questions:
            modules.append(Module(len(modules), module.module_id, module.title, module.topic_area, scenarios,
                                  questions))
    if not modules:
        raise FailedPrecondition("the course version has no scenario step with a correct choice and no "
                                 "single-answer or free-text question to assess", violation_type="NOTHING_TO_ASSESS",
                                 subject=f"courses/{course.course_id}/versions/{course.version}")
    return modules


def find_item(modules: list[Module], item_id: str) -> tuple[Module, Item] | None:
    for module in modules:
        for item in module.items:
            if item.item_id == item_id:
                return module, item
    return None


def answer_key(course: content.CourseContent, item: Item) -> content.ScenarioStep | content.Question | None:
    """The catalog's key for a frozen item (None if the published version no longer has it: it always does,
    published versions never change)."""
    return course.scenario(item.item_id) if item.kind == SCENARIO else course.question(item.item_id)


def score_choice(course: content.CourseContent, item: Item, selected: str) -> scoring.Score | None:
    """A scenario step may have several right choices (any earns full credit); a session question has one."""
    key = answer_key(course, item)
    if key is None:
        return None
    return scoring.Score(1.0 if selected in key.correct_keys else 0.0, "", scoring.MULTIPLE_CHOICE_SCORER)


# --------------------------------------------------------------------------------------------------------
# The session, its answers and the state machine
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    item_id: str
    module_index: int
    selected_option: str | None
    free_text_response: str | None
    status: str
    score: float | None
    rationale: str | None
    scorer: str | None
    submitted_at: datetime
    scored_at: datetime | None

    def same_response(self, selected_option: str | None, free_text_response: str | None) -> bool:
        return (self.selected_option, self.free_text_response) == (selected_option, free_text_response)


@dataclass(frozen=True)
class Session:
    session_id: str
    tenant_id: str
    employee_id: str
    course_id: str
    course_version: int
    policy: Policy
    config_hash: str
    status: str
    attempt_number: int
    modules: list[Module]
    created_at: datetime
    completed_at: datetime | None


def check_in_progress(session: Session, attempt_number: int = 0) -> None:
    if session.status != IN_PROGRESS:
        raise FailedPrecondition(f"the session is {session.status}, not in progress",
                                 violation_type="SESSION_NOT_IN_PROGRESS", subject=f"sessions/{session.session_id}")
    if attempt_number and attempt_number != session.attempt_number:
        raise FailedPrecondition(f"the current attempt is {session.attempt_number}, not {attempt_number}",
                                 violation_type="ATTEMPT_MISMATCH", subject=f"sessions/{session.session_id}")


def already_answered(session: Session, item_id: str) -> FailedPrecondition:
    return FailedPrecondition("the item was answered already in this attempt; answers are final",
                              violation_type="ALREADY_ANSWERED", subject=f"sessions/{session.session_id}/items/{item_id}")


@dataclass(frozen=True)
class ModuleState:
    status: str  # 'not_started' | 'in_progress' | 'scored'
    score: float | None
    completed_at: datetime | None


def module_state(module: Module, answers: dict[str, Answer]) -> ModuleState:
    mine = [answers[i.item_id] for i in module.items if i.item_id in answers]
    if not mine:
        return ModuleState("not_started", None, None)
    if len(mine) < len(module.items) or any(a.status != SCORED for a in mine):
        return ModuleState("in_progress", None, None)
    return ModuleState("scored", sum(a.score or 0.0 for a in mine) / len(mine), max(a.scored_at for a in mine))


@dataclass(frozen=True)
class ModuleResult:
    module_index: int
    title: str
    topic_area: str
    score: float
    completed_at: datetime

    def to_json(self) -> dict:
        return {"module_index": self.module_index, "title": self.title, "topic_area": self.topic_area,
                "score": self.score, "completed_at": self.completed_at.isoformat()}

    @classmethod
    def from_json(cls, data: dict) -> ModuleResult:
        return cls(data["module_index"], data["title"], data["topic_area"], data["score"],
                   datetime.fromisoformat(data["completed_at"]))


@dataclass(frozen=True)
class AttemptResult:
    attempt_number: int
    aggregate_score: float
    passed: bool
    weak_areas: list[str]
    module_results: list[ModuleResult]
    evaluated_at: datetime


def evaluate(session: Session, answers: dict[str, Answer], now: datetime) -> AttemptResult:
    """The current attempt's result; FailedPrecondition naming every unanswered or pending item."""
    unanswered = [i.item_id for m in session.modules for i in m.items if i.item_id not in answers]
    pending = [a.item_id for a in answers.values() if a.status != SCORED]
    if unanswered or pending:
        violations = [PreconditionViolation("ITEM_UNANSWERED", f"items/{item}", "not answered in this attempt")
                      for item in unanswered]
        violations += [PreconditionViolation("ITEM_PENDING", f"items/{item}", "its scoring is still pending")
                       for item in pending]
        kind = "ITEMS_UNANSWERED" if unanswered else "ITEMS_PENDING"
        raise FailedPrecondition(f"{len(unanswered)} items unanswered and {len(pending)} pending scoring "
                                 f"({kind})", violations=violations[:50])
    results = []
    for module in session.modules:
        state = module_state(module, answers)
        assert state.score is not None and state.completed_at is not None
        results.append(ModuleResult(module.module_index, module.title, module.topic_area, state.score,
                                    state.completed_at))
    aggregate = sum(r.score for r in results) / len(results)
    threshold = session.policy.pass_threshold
    by_topic: dict[str, list[float]] = {}
    for result in results:
        by_topic.setdefault(result.topic_area, []).append(result.score)
    weak = [topic for topic, scores in by_topic.items() if _below(sum(scores) / len(scores), threshold)]
    return AttemptResult(session.attempt_number, aggregate, not _below(aggregate, threshold), weak, results, now)


def _below(score: float, threshold: float) -> bool:
    """Compared at 1e-9 so 0.1 + 0.7 (0.7999999999999999) reaches a threshold of 0.8."""
    return score < threshold - 1e-9


def next_status(session: Session, result: AttemptResult) -> tuple[str, int]:
    """(status, attempt number) after an evaluation."""
    if result.passed:
        return PASSED, session.attempt_number
    if session.attempt_number < session.policy.max_attempts:
        return IN_PROGRESS, session.attempt_number + 1
    return EXHAUSTED, session.attempt_number


def event_id(session_id: str, what: str) -> str:
    """Deterministic ids for what a session sends, so a replayed transaction never sends twice."""
    return str(uuid.uuid5(_EVENT_NAMESPACE, f"{session_id}/{what}"))


# --------------------------------------------------------------------------------------------------------
# The seed 002 evidence body of a terminal session (converted to the evidence proto by convert/)
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemEvidence:
    item: Item
    answer: Answer


@dataclass(frozen=True)
class ModuleEvidence:
    module: Module
    score: float | None
    completed_at: datetime | None
    scenarios: list[ItemEvidence]
    quiz_questions: list[ItemEvidence]


@dataclass(frozen=True)
class Evidence:
    session: Session
    status: str
    completed_at: datetime | None
    modules: list[ModuleEvidence]
    aggregate_score: float | None
    passed: bool | None
    weak_areas: list[str] | None
    answers_pending: list[str] = field(default_factory=list)


def evidence(session: Session, status: str, answers: dict[str, Answer], result: AttemptResult | None,
             completed_at: datetime | None) -> Evidence:
    """The evidence of the terminal attempt. Only scored answers are evidence (AnswerEvidence.score is never
    null); an abandoned attempt's pending answers are listed in answers_pending so the caller can wait."""
    modules = []
    for module in session.modules:
        state = module_state(module, answers)
        scored = {i: a for i, a in answers.items() if a.status == SCORED}
        modules.append(ModuleEvidence(
            module, state.score, state.completed_at,
            [ItemEvidence(i, scored[i.item_id]) for i in module.scenarios if i.item_id in scored],
            [ItemEvidence(i, scored[i.item_id]) for i in module.quiz_questions if i.item_id in scored]))
    evaluated = result is not None
    return Evidence(
        session=session, status=status, completed_at=completed_at if evaluated else None, modules=modules,
        aggregate_score=result.aggregate_score if evaluated else None,
        passed=result.passed if evaluated else None,
        weak_areas=result.weak_areas if evaluated and not result.passed else None,
        answers_pending=sorted(a.item_id for a in answers.values() if a.status != SCORED))
