"""Assessment test builders: a published course in the real catalog (scenarios with correct choices,
single- and multi-answer questions, free text, an exercise) and callers of the assessment stub by role.
Server, stub and SQL fixtures are the shared ones (tests/support/fixtures.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.catalog.v1 import catalog_resources_pb2 as cat
from learning.catalog.v1 import catalog_service_pb2 as cat_svc
from learning.common.v1 import common_pb2
from tests.catalog.conftest import Catalog

FREE_TEXT_RUBRIC = "Mentions personal gain.\nExplains disclosure to the compliance officer."
GOOD_FREE_TEXT = "A conflict of interest is personal gain from a decision; I would disclose it to the compliance officer."


@dataclass
class PublishedCourse:
    course_id: str
    version: int
    module_ids: list[str]
    topic_areas: list[str]
    scenario_item: str  # "<lesson_id>/start": correct choice "decline"
    quiz_ids: list[str]  # one quiz per module
    single_choice: list[str]  # question ids: correct key "a"
    free_text: str  # question id of the free-text question (module 0)
    multi_choice: str  # question id with correct keys a and c (not in sessions)
    exercise_id: str  # reviewer_role "mentor", 2 reviewers, evidence upload required
    correct: dict[str, dict] = field(default_factory=dict)  # item id -> SubmitTrainingAnswer fields
    wrong: dict[str, dict] = field(default_factory=dict)

    @property
    def ref(self) -> common_pb2.CourseVersionRef:
        return common_pb2.CourseVersionRef(course_id=self.course_id, version=self.version)


def _scenario() -> cat.InteractiveContent:
    return cat.InteractiveContent(entry_step_id="start", steps=[
        cat.ScenarioStep(step_id="start", prompt="A supplier offers you concert tickets during a tender.", choices=[
            cat.BranchChoice(choice_key="accept", text="Accept them", next_step_id="end"),
            cat.BranchChoice(choice_key="decline", text="Decline and report the offer", next_step_id="end",
                             correct=True)]),
        cat.ScenarioStep(step_id="end", prompt="The scenario ends."),
    ])


def _single(prompt: str) -> cat.QuizQuestion:
    return cat.QuizQuestion(prompt=prompt, multiple_choice=cat.MultipleChoice(
        options=[cat.Option(key="a", text="Right"), cat.Option(key="b", text="Wrong")], correct_keys=["a"]))


def publish_course(catalog: Catalog, *, title: str = "Supplier ethics", pass_threshold: float = 0.8,
                   max_attempts: int = 3) -> PublishedCourse:
    """Module 0 "Gifts" (topic "ethics"): a scenario, a quiz with a single-choice and a free-text question.
    Module 1 "Negotiation" (topic "negotiation"): a quiz with a single-choice and a multi-answer question,
    and an exercise. Sessions therefore hold 3 items in module 0 and 1 in module 1."""
    course = catalog.course(title)
    m0 = catalog.module(course.course_id, title="Gifts", topic_area="ethics")
    m1 = catalog.module(course.course_id, title="Negotiation", topic_area="negotiation")
    lesson = catalog.stub.CreateLesson(cat_svc.CreateLessonRequest(
        tenant_id=catalog.tenant, module_id=m0.module_id, title="Tickets", interactive=_scenario()),
        metadata=catalog.md).lesson
    q0 = catalog.quiz(m0.module_id, title="Gifts quiz", pass_threshold=pass_threshold, max_attempts=max_attempts,
                      questions=[_single("Is disclosure required?"),
                                 cat.QuizQuestion(prompt="Explain a conflict of interest.",
                                                  free_text=cat.FreeText(rubric=FREE_TEXT_RUBRIC, max_length=1500))])
    q1 = catalog.quiz(m1.module_id, title="Negotiation quiz", pass_threshold=pass_threshold,
                      max_attempts=max_attempts,
                      questions=[_single("Anchor first?"),
                                 cat.QuizQuestion(prompt="Which are red flags?", multiple_choice=cat.MultipleChoice(
                                     options=[cat.Option(key="a", text="Split invoices"),
                                              cat.Option(key="b", text="Open tender"),
                                              cat.Option(key="c", text="Single bidder")],
                                     correct_keys=["a", "c"]))])
    exercise = catalog.exercise(m1.module_id)
    published = catalog.publish(course.course_id)
    scenario_item = f"{lesson.lesson_id}/start"
    single = [q0.questions[0].question_id, q1.questions[0].question_id]
    free_text = q0.questions[1].question_id
    correct = {scenario_item: {"selected_option": "decline"}, single[0]: {"selected_option": "a"},
               single[1]: {"selected_option": "a"}, free_text: {"free_text_response": GOOD_FREE_TEXT}}
    wrong = {scenario_item: {"selected_option": "accept"}, single[0]: {"selected_option": "b"},
             single[1]: {"selected_option": "b"}, free_text: {"free_text_response": "No idea."}}
    return PublishedCourse(course_id=course.course_id, version=published.published_version,
                           module_ids=[m0.module_id, m1.module_id], topic_areas=["ethics", "negotiation"],
                           scenario_item=scenario_item, quiz_ids=[q0.quiz_id, q1.quiz_id], single_choice=single,
                           free_text=free_text, multi_choice=q1.questions[1].question_id,
                           exercise_id=exercise.exercise_id, correct=correct, wrong=wrong)


class Assessment:
    """Callers of the assessment stub for one tenant: a learner, an admin, a reviewer, an auditor, a service."""

    def __init__(self, stub, tokens, tenant: str) -> None:
        self.stub, self.tokens, self.tenant = stub, tokens, tenant
        self.learner = str(uuid.uuid4())
        self.learner_md = tokens.metadata(tenant, ["learner"], subject=self.learner)
        self.admin_md = tokens.metadata(tenant, ["admin"], subject=str(uuid.uuid4()))
        self.author_md = tokens.metadata(tenant, ["author"], subject=str(uuid.uuid4()))
        self.auditor_md = tokens.metadata(tenant, ["auditor"], subject=str(uuid.uuid4()))
        self.service_md = tokens.metadata(tenant, ["service"], subject="progress")  # some other service

    def other_learner_md(self) -> tuple[str, list]:
        other = str(uuid.uuid4())
        return other, self.tokens.metadata(self.tenant, ["learner"], subject=other)

    def mentor_md(self) -> tuple[str, list]:
        """A reviewer holding the exercise's reviewer role "mentor"."""
        mentor = str(uuid.uuid4())
        return mentor, self.tokens.metadata(self.tenant, ["reviewer", "mentor"], subject=mentor)

    def policy(self, **kw) -> res.TrainingPolicy:
        values = dict(pass_threshold=0.8, max_attempts=2, role_profile_id="buyer", role_profile_version=3,
                      app_version="1.4.2")
        values.update(kw)
        return res.TrainingPolicy(**values)


@pytest.fixture
def catalog(catalog_stub, tokens, tenant) -> Catalog:
    return Catalog(catalog_stub, tokens, tenant)


@pytest.fixture
def course(catalog) -> PublishedCourse:
    return publish_course(catalog)


@pytest.fixture
def assessment(assessment_stub, tokens, tenant) -> Assessment:
    return Assessment(assessment_stub, tokens, tenant)


def queued(sql, tenant: str, destination: str, message_type) -> list:
    """The outbox messages of `tenant` for `destination`, decoded, oldest first (sql: a psycopg connection)."""
    rows = sql.execute("SELECT message FROM outbox WHERE tenant_id = %s AND destination = %s ORDER BY position",
                       (tenant, destination)).fetchall()
    return [message_type.FromString(bytes(row[0])) for row in rows]
