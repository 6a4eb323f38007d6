"""A published course version as the assessment service reads it from the catalog: plain, frozen data.

It carries the answer keys (choice correctness, correct_keys, free-text rubrics): they are read with the
service's own token, kept in memory only (catalog_content.py) and used for scoring; nothing that is
stored or returned by this service contains them.
"""

from __future__ import annotations

from dataclasses import dataclass

MULTIPLE_CHOICE = "multiple_choice"
FREE_TEXT = "free_text"


@dataclass(frozen=True)
class Choice:
    key: str
    text: str


@dataclass(frozen=True)
class ScenarioStep:
    """A step of an interactive lesson with at least one choice marked correct: a scenario item."""
    lesson_id: str
    step_id: str
    prompt: str
    options: tuple[Choice, ...]
    correct_keys: frozenset[str]

    @property
    def item_id(self) -> str:
        return f"{self.lesson_id}/{self.step_id}"


@dataclass(frozen=True)
class Question:
    question_id: str
    prompt: str
    format: str  # MULTIPLE_CHOICE | FREE_TEXT
    options: tuple[Choice, ...]
    correct_keys: frozenset[str]  # multiple choice only
    rubric: str  # free text only
    max_length: int  # free text only


@dataclass(frozen=True)
class Quiz:
    quiz_id: str
    title: str
    pass_threshold: float
    result_policy: str  # 'highest' | 'latest' | 'average'
    max_attempts: int
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Exercise:
    exercise_id: str
    title: str
    prompt: str
    rubric: str
    reviewer_role: str
    min_reviewers: int
    requires_evidence_upload: bool


@dataclass(frozen=True)
class Module:
    module_id: str
    title: str
    topic_area: str  # the catalog's topic_area, else the title
    scenarios: tuple[ScenarioStep, ...]
    quizzes: tuple[Quiz, ...]
    exercises: tuple[Exercise, ...]


@dataclass(frozen=True)
class CourseContent:
    course_id: str
    version: int
    title: str
    modules: tuple[Module, ...]

    def quiz(self, quiz_id: str) -> Quiz | None:
        return next((q for m in self.modules for q in m.quizzes if q.quiz_id == quiz_id), None)

    def exercise(self, exercise_id: str) -> Exercise | None:
        return next((e for m in self.modules for e in m.exercises if e.exercise_id == exercise_id), None)

    def scenario(self, item_id: str) -> ScenarioStep | None:
        return next((s for m in self.modules for s in m.scenarios if s.item_id == item_id), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for m in self.modules for quiz in m.quizzes for q in quiz.questions
                     if q.question_id == question_id), None)
