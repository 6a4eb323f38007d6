"""Catalog test builders: the `catalog` fixture (an author of the test's tenant over catalog_stub)
and request builders. Server, stub and SQL fixtures are the shared ones (tests/support/fixtures.py)."""

from __future__ import annotations

import uuid

import pytest
from google.protobuf.duration_pb2 import Duration

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as svc


class Catalog:
    """Builders over the stub, authenticated as an author of one tenant."""

    def __init__(self, stub, tokens, tenant: str) -> None:
        self.stub, self.tokens, self.tenant = stub, tokens, tenant
        self.subject = str(uuid.uuid4())
        self.md = tokens.metadata(tenant, ["author"], subject=self.subject)

    def course(self, title="Procurement basics", **kw) -> res.Course:
        request = svc.CreateCourseRequest(tenant_id=self.tenant, title=title, **kw)
        return self.stub.CreateCourse(request, metadata=self.md).course

    def module(self, course_id, title="Module", **kw) -> res.Module:
        request = svc.CreateModuleRequest(tenant_id=self.tenant, course_id=course_id, title=title, **kw)
        return self.stub.CreateModule(request, metadata=self.md).module

    def video_lesson(self, module_id, title="Video lesson", **kw) -> res.Lesson:
        request = svc.CreateLessonRequest(tenant_id=self.tenant, module_id=module_id, title=title,
                                          video=video_content(), **kw)
        return self.stub.CreateLesson(request, metadata=self.md).lesson

    def interactive_lesson(self, module_id, title="Scenario", **kw) -> res.Lesson:
        request = svc.CreateLessonRequest(tenant_id=self.tenant, module_id=module_id, title=title,
                                          interactive=interactive_content(), **kw)
        return self.stub.CreateLesson(request, metadata=self.md).lesson

    def quiz(self, module_id, title="Quiz", **kw) -> res.Quiz:
        request = quiz_request(self.tenant, module_id, title=title, **kw)
        return self.stub.CreateQuiz(request, metadata=self.md).quiz

    def exercise(self, module_id, title="Exercise", **kw) -> res.PracticalExercise:
        request = exercise_request(self.tenant, module_id, title=title, **kw)
        return self.stub.CreatePracticalExercise(request, metadata=self.md).practical_exercise

    def publish(self, course_id, **kw) -> svc.PublishCourseResponse:
        request = svc.PublishCourseRequest(tenant_id=self.tenant, course_id=course_id, **kw)
        return self.stub.PublishCourse(request, metadata=self.md)

    def update(self, course_id, paths, etag="", **fields) -> res.Course:
        request = svc.UpdateCourseRequest(tenant_id=self.tenant, course=res.Course(course_id=course_id, **fields),
                                          update_mask={"paths": paths}, etag=etag)
        return self.stub.UpdateCourse(request, metadata=self.md).course

    def get(self, course_id) -> res.Course:
        return self.stub.GetCourse(svc.GetCourseRequest(tenant_id=self.tenant, course_id=course_id),
                                   metadata=self.md).course

    def version(self, course_id, version=0, metadata=None) -> res.CourseVersion:
        request = svc.GetCourseVersionRequest(tenant_id=self.tenant, course_id=course_id, version=version)
        return self.stub.GetCourseVersion(request, metadata=metadata or self.md).course_version

    def published_course(self, title="Published course") -> res.Course:
        course = self.course(title)
        module = self.module(course.course_id)
        self.video_lesson(module.module_id)
        return self.publish(course.course_id).course


def video_content() -> res.VideoContent:
    return res.VideoContent(
        media_uri="https://cdn.example.com/v/intro.mp4", duration=Duration(seconds=315, nanos=500),
        transcript_uri="s3://media/intro.txt",
        captions=[res.Caption(language_code="en", uri="https://cdn.example.com/v/intro.en.vtt",
                              kind=res.CAPTION_KIND_CAPTIONS),
                  res.Caption(language_code="de-CH", uri="https://cdn.example.com/v/intro.de.vtt",
                              kind=res.CAPTION_KIND_SUBTITLES)])


def interactive_content() -> res.InteractiveContent:
    return res.InteractiveContent(entry_step_id="start", steps=[
        res.ScenarioStep(step_id="start", prompt="A supplier offers a gift. What do you do?", choices=[
            res.BranchChoice(choice_key="accept", text="Accept it", next_step_id="bad"),
            res.BranchChoice(choice_key="decline", text="Decline politely", next_step_id="good")]),
        res.ScenarioStep(step_id="bad", prompt="That breaches the policy.",
                         choices=[res.BranchChoice(choice_key="retry", text="Try again", next_step_id="start")]),
        res.ScenarioStep(step_id="good", prompt="Well done."),
    ])


def quiz_request(tenant, module_id, title="Quiz", **kw) -> svc.CreateQuizRequest:
    values = dict(pass_threshold=0.8, scoring_policy=res.QUIZ_SCORING_POLICY_HIGHEST_ATTEMPT, max_attempts=3,
                  questions=[
                      res.QuizQuestion(prompt="Which are red flags?", multiple_choice=res.MultipleChoice(
                          options=[res.Option(key="a", text="Split invoices"), res.Option(key="b", text="Tender"),
                                   res.Option(key="c", text="Single bidder")],
                          correct_keys=["a", "c"])),
                      res.QuizQuestion(prompt="Explain conflict of interest.",
                                       free_text=res.FreeText(rubric="Mentions personal gain and disclosure")),
                  ])
    values.update(kw)
    return svc.CreateQuizRequest(tenant_id=tenant, module_id=module_id, title=title, **values)


def exercise_request(tenant, module_id, title="Exercise", **kw) -> svc.CreatePracticalExerciseRequest:
    values = dict(prompt="Draft an RFP for office supplies.", rubric="Clear scope, criteria and timeline.",
                  review_requirements=res.ReviewRequirements(reviewer_role="mentor", min_reviewers=2,
                                                             requires_evidence_upload=True))
    values.update(kw)
    return svc.CreatePracticalExerciseRequest(tenant_id=tenant, module_id=module_id, title=title, **values)


@pytest.fixture
def catalog(catalog_stub, tokens, tenant) -> Catalog:
    return Catalog(catalog_stub, tokens, tenant)
