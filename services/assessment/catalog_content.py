"""What assessment reads from the catalog: published course versions with their answer keys.

A published version never changes, so what the catalog said about it is true for ever; it is kept in
memory only (bounded LRU), never in this service's database, because it holds answer keys and rubrics.
The catalog is called with this service's own token (which reveals keys) and a deadline. Callers that
must not fail when the catalog is down (scoring an answer) catch CatalogUnavailable and retry later.
"""

from __future__ import annotations

import logging

import grpc

from learning.catalog.v1 import catalog_resources_pb2 as catalog_res
from learning.catalog.v1 import catalog_service_pb2 as catalog_svc
from learning.catalog.v1 import catalog_service_pb2_grpc as catalog_grpc
from services.assessment.domain import content
from shared.errors import FailedPrecondition, Unavailable
from shared.lru import LruCache

log = logging.getLogger("learning.assessment.catalog")

CATALOG_DEADLINE_SECONDS = 5.0
_POLICIES = {
    catalog_res.QUIZ_SCORING_POLICY_HIGHEST_ATTEMPT: "highest",
    catalog_res.QUIZ_SCORING_POLICY_LATEST_ATTEMPT: "latest",
    catalog_res.QUIZ_SCORING_POLICY_AVERAGE_ATTEMPTS: "average",
}


class CatalogUnavailable(Unavailable):
    """The catalog did not answer (UNAVAILABLE with reason DEPENDENCY_UNAVAILABLE when it reaches a client)."""


def not_published(course_id: str, version: int) -> FailedPrecondition:
    return FailedPrecondition(f"course {course_id} has no published version {version}",
                              violation_type="COURSE_VERSION_NOT_PUBLISHED",
                              subject=f"courses/{course_id}/versions/{version}")


class CatalogContent:
    def __init__(self, channel: grpc.aio.Channel | None, *, size: int = 1024) -> None:
        self._channel = channel
        self._catalog = catalog_grpc.CatalogServiceStub(channel) if channel is not None else None
        self._known: LruCache[tuple[str, str, int], content.CourseContent] = LruCache(size)

    async def get(self, tenant_id: str, course_id: str, version: int) -> content.CourseContent:
        """A published version's content; FailedPrecondition (COURSE_VERSION_NOT_PUBLISHED) if the catalog
        has no such published version, CatalogUnavailable if it cannot be asked right now."""
        key = (tenant_id, course_id, version)
        if (known := self._known.get(key)) is not None:
            return known
        if self._catalog is None:
            raise CatalogUnavailable("no catalog is configured")
        try:
            response = await self._catalog.GetCourseVersion(
                catalog_svc.GetCourseVersionRequest(tenant_id=tenant_id, course_id=course_id, version=version),
                timeout=CATALOG_DEADLINE_SECONDS)
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                raise not_published(course_id, version) from None
            log.warning("catalog did not give course %s version %s: %s", course_id, version, error.code().name)
            raise CatalogUnavailable(f"the catalog does not answer ({error.code().name}); retry") from None
        if response.course_version.state != catalog_res.COURSE_VERSION_STATE_PUBLISHED:
            raise not_published(course_id, version)
        return self._known.put(key, course_content(response.course_version))

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()


def course_content(version: catalog_res.CourseVersion) -> content.CourseContent:
    return content.CourseContent(
        course_id=version.course_id, version=version.version, title=version.title,
        modules=tuple(_module(module) for module in version.modules))


def _module(module: catalog_res.Module) -> content.Module:
    scenarios = []
    for lesson in module.lessons:
        if lesson.WhichOneof("content") != "interactive":
            continue
        for step in lesson.interactive.steps:
            correct = frozenset(choice.choice_key for choice in step.choices if choice.correct)
            if correct:
                scenarios.append(content.ScenarioStep(
                    lesson_id=lesson.lesson_id, step_id=step.step_id, prompt=step.prompt,
                    options=tuple(content.Choice(c.choice_key, c.text) for c in step.choices),
                    correct_keys=correct))
    return content.Module(
        module_id=module.module_id, title=module.title, topic_area=module.topic_area.strip() or module.title,
        scenarios=tuple(scenarios), quizzes=tuple(_quiz(quiz) for quiz in module.quizzes),
        exercises=tuple(_exercise(exercise) for exercise in module.practical_exercises))


def _quiz(quiz: catalog_res.Quiz) -> content.Quiz:
    return content.Quiz(quiz_id=quiz.quiz_id, title=quiz.title, pass_threshold=quiz.pass_threshold,
                        result_policy=_POLICIES.get(quiz.scoring_policy, "highest"), max_attempts=quiz.max_attempts,
                        questions=tuple(_question(q) for q in quiz.questions))


def _question(question: catalog_res.QuizQuestion) -> content.Question:
    if question.WhichOneof("kind") == "multiple_choice":
        mc = question.multiple_choice
        return content.Question(question_id=question.question_id, prompt=question.prompt,
                                format=content.MULTIPLE_CHOICE,
                                options=tuple(content.Choice(o.key, o.text) for o in mc.options),
                                correct_keys=frozenset(mc.correct_keys), rubric="", max_length=0)
    return content.Question(question_id=question.question_id, prompt=question.prompt, format=content.FREE_TEXT,
                            options=(), correct_keys=frozenset(), rubric=question.free_text.rubric,
                            max_length=question.free_text.max_length or 4000)


def _exercise(exercise: catalog_res.PracticalExercise) -> content.Exercise:
    requirements = exercise.review_requirements
    return content.Exercise(exercise_id=exercise.exercise_id, title=exercise.title, prompt=exercise.prompt,
                            rubric=exercise.rubric, reviewer_role=requirements.reviewer_role or "reviewer",
                            min_reviewers=max(1, requirements.min_reviewers),
                            requires_evidence_upload=requirements.requires_evidence_upload)
