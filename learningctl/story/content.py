"""What the demo's author publishes, once per tenant: three courses, a learning path and a maturity rubric.

A later run finds them again instead of publishing copies: courses by their catalog metadata key MARK, the path
and the rubric by title (and the path by its steps). Everything a learner needs to answer is then read from the
published version itself (as the author, who sees the answer keys), so a found course and a new one are used the
same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from google.protobuf.duration_pb2 import Duration

from learning.assessment.v1 import assessment_resources_pb2 as ares
from learning.catalog.v1 import catalog_resources_pb2 as cat
from learning.catalog.v1 import catalog_service_pb2 as cat_svc
from learning.common.v1 import common_pb2

MARK = "learningctl-demo"  # catalog metadata key naming a demo course

FREE_TEXT_RUBRIC = "Mentions personal gain.\nExplains disclosure to the compliance officer."
# Free-text answers by prompt: the good one meets the rubric's criteria (the built-in scorer matches its words).
GOOD_ANSWERS = {"Explain a conflict of interest in one or two sentences.":
                "Personal gain from a purchase decision is a conflict of interest; I disclose it to the compliance "
                "officer before the decision."}
POOR_ANSWER = "Not sure, probably fine if nobody finds out."


def _video(uri: str, seconds: int) -> cat.VideoContent:
    return cat.VideoContent(media_uri=uri, duration=Duration(seconds=seconds), captions=[
        cat.Caption(language_code="en", uri=uri.replace(".mp4", ".en.vtt"), kind=cat.CAPTION_KIND_CAPTIONS)])


def _choice(prompt: str, right: str, wrong: str) -> cat.QuizQuestion:
    return cat.QuizQuestion(prompt=prompt, multiple_choice=cat.MultipleChoice(
        options=[cat.Option(key="a", text=right), cat.Option(key="b", text=wrong)], correct_keys=["a"]))


def _quiz(title: str, *questions: cat.QuizQuestion) -> cat_svc.CreateQuizRequest:
    return cat_svc.CreateQuizRequest(title=title, pass_threshold=0.8, max_attempts=3, questions=questions,
                                     scoring_policy=cat.QUIZ_SCORING_POLICY_HIGHEST_ATTEMPT)


TICKETS = cat_svc.CreateLessonRequest(
    title="Concert tickets during a tender", completion_rule=cat.LESSON_COMPLETION_RULE_COMPLETE_ALL_STEPS,
    interactive=cat.InteractiveContent(entry_step_id="offer", steps=[
        cat.ScenarioStep(step_id="offer", prompt="A bidder offers you concert tickets while the tender is open.",
                         choices=[cat.BranchChoice(choice_key="accept", text="Accept, it is only a concert",
                                                   next_step_id="end"),
                                  cat.BranchChoice(choice_key="decline", text="Decline and report the offer",
                                                   next_step_id="end", correct=True)]),
        cat.ScenarioStep(step_id="end", prompt="Gifts during a tender are declined and reported.")]))


@dataclass(frozen=True)
class ModuleSpec:
    title: str
    topic_area: str
    lessons: tuple[cat_svc.CreateLessonRequest, ...] = ()
    quizzes: tuple[cat_svc.CreateQuizRequest, ...] = ()
    exercises: tuple[cat_svc.CreatePracticalExerciseRequest, ...] = ()


@dataclass(frozen=True)
class CourseSpec:
    key: str  # the MARK metadata value
    title: str
    description: str
    modules: tuple[ModuleSpec, ...]
    topic_areas: str = ""  # what it teaches (catalog metadata read by progress to recommend it for gaps)


ETHICS = CourseSpec("supplier-ethics", "Supplier ethics", "Gifts, hospitality and negotiation without conflicts.", (
    ModuleSpec("Gifts and hospitality", "ethics", lessons=(TICKETS,), quizzes=(_quiz(
        "Gifts quiz", _choice("A supplier sends a gift during a tender. Disclose it?", "Yes, always", "Only if asked"),
        cat.QuizQuestion(prompt="Explain a conflict of interest in one or two sentences.",
                         free_text=cat.FreeText(rubric=FREE_TEXT_RUBRIC, max_length=1500))),)),
    ModuleSpec("Negotiation", "negotiation", lessons=(cat_svc.CreateLessonRequest(
        title="Anchoring", completion_rule=cat.LESSON_COMPLETION_RULE_VIEW,
        video=_video("https://media.example.com/anchoring.mp4", 420)),), quizzes=(_quiz(
            "Negotiation quiz", _choice("Who should name the first number?", "Whoever is best prepared",
                                        "Always the supplier")),)),
))
TENDERING = CourseSpec("tendering", "Tendering in practice", "Run a fair tender, from the RFP to the award.", (
    ModuleSpec("Running a tender", "sourcing", lessons=(cat_svc.CreateLessonRequest(
        title="The RFP", completion_rule=cat.LESSON_COMPLETION_RULE_VIEW,
        video=_video("https://media.example.com/rfp.mp4", 600)),), quizzes=(_quiz(
            "Tender quiz", _choice("May one bidder get extra information?", "No, every bidder gets the same",
                                   "Yes, the favourite"),
            cat.QuizQuestion(prompt="Which are red flags?", multiple_choice=cat.MultipleChoice(
                options=[cat.Option(key="a", text="Split invoices"), cat.Option(key="b", text="An open tender"),
                         cat.Option(key="c", text="A single bidder every time")], correct_keys=["a", "c"]))),),
        exercises=(cat_svc.CreatePracticalExerciseRequest(
            title="Draft an RFP", prompt="Draft an RFP for office supplies: scope, criteria, timeline.",
            rubric="Clear scope.\nWeighted award criteria.\nA realistic timeline.",
            review_requirements=cat.ReviewRequirements(reviewer_role="mentor", min_reviewers=1,
                                                       requires_evidence_upload=True)),)),
))
REFRESHER = CourseSpec("ethics-refresher", "Ethics refresher", "Ten minutes on gifts and negotiation.", (
    ModuleSpec("Refresher", "ethics", lessons=(cat_svc.CreateLessonRequest(
        title="Gifts, again", completion_rule=cat.LESSON_COMPLETION_RULE_VIEW,
        video=_video("https://media.example.com/refresher.mp4", 600)),)),
), topic_areas="ethics, negotiation")
COURSES = (ETHICS, TENDERING, REFRESHER)
PATH = cat_svc.CreateLearningPathRequest(title="Procurement foundations", goal="Buy fairly and run tenders.",
                                         audience="New category buyers")
PATH_COURSES = (ETHICS.key, TENDERING.key)

RUBRIC = ares.MaturityRubric(
    title="Procurement maturity", description="Where the procurement organization stands.",
    dimensions=[
        ares.MaturityDimension(dimension_key="sourcing", title="Sourcing", topic_area="Strategic sourcing", weight=3,
                               questions=[ares.MaturityQuestion(question_key="s1", text="Category plans?", weight=1),
                                          ares.MaturityQuestion(question_key="s2", text="Should-cost models?",
                                                                weight=3)]),
        ares.MaturityDimension(dimension_key="contracts", title="Contracts", topic_area="Contract management",
                               weight=1, questions=[ares.MaturityQuestion(question_key="c1",
                                                                          text="Central contract repository?",
                                                                          weight=2)]),
        ares.MaturityDimension(dimension_key="risk", title="Supplier risk", topic_area="Supplier risk", weight=4,
                               questions=[ares.MaturityQuestion(question_key="r1", text="Risk screening?", weight=1),
                                          ares.MaturityQuestion(question_key="r2", text="Continuity plans?",
                                                                weight=3)])],
    level_thresholds=[ares.MaturityLevelThreshold(level=1, min_score=0),
                      ares.MaturityLevelThreshold(level=2, min_score=0.4),
                      ares.MaturityLevelThreshold(level=3, min_score=0.7)],
    gap_threshold=0.5)
RATINGS = {"s1": 5, "s2": 3, "c1": 1, "r1": 2, "r2": 3}  # level 2; contracts and supplier risk are weak


@dataclass(frozen=True)
class Answer:
    """What to send for one item: option keys (multiple choice) or a text (free text)."""

    keys: tuple[str, ...] = ()
    text: str = ""


@dataclass
class Course:
    """A published demo course as the learners use it."""

    key: str
    course_id: str
    version: int
    lessons: list[tuple[str, bool]] = field(default_factory=list)  # (lesson id, interactive)
    quizzes: list[cat.Quiz] = field(default_factory=list)
    exercises: list[cat.PracticalExercise] = field(default_factory=list)
    right: dict[str, Answer] = field(default_factory=dict)  # item or question id -> answer
    wrong: dict[str, Answer] = field(default_factory=dict)

    @property
    def ref(self) -> common_pb2.CourseVersionRef:
        return common_pb2.CourseVersionRef(course_id=self.course_id, version=self.version)


def course_from(key: str, version: cat.CourseVersion) -> Course:
    """The learners' view of a published version, with right and wrong answers from its answer keys."""
    course = Course(key, version.course_id, version.version)
    for module in version.modules:
        for lesson in module.lessons:
            interactive = lesson.WhichOneof("content") == "interactive"
            course.lessons.append((lesson.lesson_id, interactive))
            for step in lesson.interactive.steps if interactive else ():
                correct = [c.choice_key for c in step.choices if c.correct]
                if correct:  # a scenario item of training sessions: "<lesson id>/<step id>"
                    item = f"{lesson.lesson_id}/{step.step_id}"
                    course.right[item] = Answer((correct[0],))
                    course.wrong[item] = Answer(tuple(c.choice_key for c in step.choices if not c.correct)[:1])
        for quiz in module.quizzes:
            course.quizzes.append(quiz)
            for question in quiz.questions:
                if question.WhichOneof("kind") == "free_text":
                    course.right[question.question_id] = Answer(
                        text=GOOD_ANSWERS.get(question.prompt, question.free_text.rubric))
                    course.wrong[question.question_id] = Answer(text=POOR_ANSWER)
                else:
                    keys = tuple(question.multiple_choice.correct_keys)
                    course.right[question.question_id] = Answer(keys)
                    course.wrong[question.question_id] = Answer(tuple(
                        o.key for o in question.multiple_choice.options if o.key not in keys)[:1])
        course.exercises.extend(module.practical_exercises)
    return course
