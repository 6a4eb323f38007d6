"""Progress test builders: a published course in the real catalog and event builders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as res
from learning.progress.v1 import progress_service_pb2 as svc
from shared.timeutil import to_timestamp, utcnow
from tests.catalog.conftest import Catalog


@dataclass
class PublishedCourse:
    course_id: str
    version: int
    video: str  # VIEW rule
    scenario: str  # COMPLETE_ALL_STEPS
    quiz: str
    exercise: str


def publish_course(catalog: Catalog, **course_fields) -> PublishedCourse:
    course = catalog.course("Ethics in procurement", **course_fields)
    module = catalog.module(course.course_id)
    video = catalog.video_lesson(module.module_id)
    scenario = catalog.interactive_lesson(module.module_id)
    quiz = catalog.quiz(module.module_id)
    exercise = catalog.exercise(module.module_id)
    published = catalog.publish(course.course_id)
    return PublishedCourse(course.course_id, published.published_version, video.lesson_id, scenario.lesson_id,
                           quiz.quiz_id, exercise.exercise_id)


def event(user_id: str, course_id: str, version: int, item_kind, item_id: str, kind, *, score: float = 0.0,
          step_id: str = "", seconds_ago: int = 60, event_id: str | None = None) -> res.ProgressEvent:
    return res.ProgressEvent(
        event_id=event_id or str(uuid.uuid4()), user_id=user_id,
        course=common_pb2.CourseVersionRef(course_id=course_id, version=version), item_kind=item_kind,
        item_id=item_id, step_id=step_id, kind=kind, score=score,
        occur_time=to_timestamp(utcnow() - timedelta(seconds=seconds_ago)))


def completing_events(user_id: str, course: PublishedCourse) -> list[res.ProgressEvent]:
    """Everything that makes `course` PASSED: lessons by their rules, the quiz, the exercise."""
    return [
        event(user_id, course.course_id, course.version, res.ITEM_KIND_LESSON, course.video, res.EVENT_KIND_VIEWED),
        event(user_id, course.course_id, course.version, res.ITEM_KIND_LESSON, course.scenario,
              res.EVENT_KIND_COMPLETED),
        event(user_id, course.course_id, course.version, res.ITEM_KIND_QUIZ, course.quiz, res.EVENT_KIND_QUIZ_PASSED,
              score=0.9),
        event(user_id, course.course_id, course.version, res.ITEM_KIND_PRACTICAL_EXERCISE, course.exercise,
              res.EVENT_KIND_EXERCISE_APPROVED),
    ]


class Progress:
    def __init__(self, stub, tokens, tenant: str) -> None:
        self.stub, self.tokens, self.tenant = stub, tokens, tenant
        self.learner = str(uuid.uuid4())
        self.learner_md = tokens.metadata(tenant, ["learner"], subject=self.learner)
        self.service_md = tokens.metadata(tenant, ["service"], subject="assessment")

    def record(self, events, metadata=None) -> svc.RecordProgressEventsResponse:
        return self.stub.RecordProgressEvents(svc.RecordProgressEventsRequest(tenant_id=self.tenant, events=events),
                                              metadata=metadata or self.service_md, timeout=30)

    def get(self, course_id: str, version: int, user_id: str | None = None, metadata=None):
        request = svc.GetCourseProgressRequest(tenant_id=self.tenant, user_id=user_id or self.learner,
                                               course=common_pb2.CourseVersionRef(course_id=course_id, version=version))
        return self.stub.GetCourseProgress(request, metadata=metadata or self.service_md, timeout=30).progress


@pytest.fixture
def catalog(catalog_stub, tokens, tenant) -> Catalog:
    return Catalog(catalog_stub, tokens, tenant)


@pytest.fixture
def progress(progress_stub, tokens, tenant) -> Progress:
    return Progress(progress_stub, tokens, tenant)


@pytest.fixture
def course(catalog) -> PublishedCourse:
    return publish_course(catalog)
