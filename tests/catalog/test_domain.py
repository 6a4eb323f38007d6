"""The catalog's rules on plain data (services/catalog/domain.py): no database, no server."""

from __future__ import annotations

import uuid

import pytest

from services.catalog.domain import (
    COURSE_ARCHIVED,
    COURSE_EMPTY,
    COURSE_VERSION_NOT_PUBLISHED,
    LEARNING_PATH_ARCHIVED,
    LEARNING_PATH_EMPTY,
    NO_OPEN_DRAFT,
    QUIZ_REQUIRED,
    CompletionRule,
    CourseState,
    CourseStatus,
    ModuleContents,
    PathStatus,
    StepTarget,
    VersionState,
    check_etag,
    check_path_publishable,
    check_publishable,
    course_etag,
    plan_update,
    require_open_draft,
)
from shared.errors import Aborted, FailedPrecondition

COURSE_ID = "0b9f6a1e-4d6c-4e2a-9d57-3f1c2b8a7e10"


def course(status=CourseStatus.DRAFT, *, latest=1, published=0, draft=1, revision=1) -> CourseState:
    return CourseState(course_id=COURSE_ID, status=status, latest_version=latest, published_version=published,
                       draft_version=draft, revision=revision)


PUBLISHED = course(CourseStatus.PUBLISHED, latest=2, published=2, draft=0, revision=7)


def module(*lessons: tuple[str, CompletionRule], quizzes=0, exercises=0) -> ModuleContents:
    return ModuleContents(module_id=str(uuid.uuid4()), quiz_count=quizzes, exercise_count=exercises,
                          lessons=tuple(lessons))


def lesson(rule=CompletionRule.VIEW) -> tuple[str, CompletionRule]:
    return str(uuid.uuid4()), rule


def step(version_state=VersionState.PUBLISHED, course_status=CourseStatus.PUBLISHED, version=1) -> StepTarget:
    return StepTarget(course_id=str(uuid.uuid4()), version=version, version_state=version_state,
                      course_status=course_status)


# -- etags ----------------------------------------------------------------------

def test_an_empty_etag_skips_the_check_and_the_current_one_passes():
    state = course(revision=3)
    check_etag(state, "")
    check_etag(state, state.etag)


def test_a_stale_etag_is_aborted():
    with pytest.raises(Aborted):
        check_etag(course(revision=4), course(revision=3).etag)


def test_course_etags_are_unique_per_course_and_revision():
    other = str(uuid.uuid4())
    assert course_etag(COURSE_ID, 1) == course_etag(COURSE_ID, 1)  # stable
    assert course_etag(COURSE_ID, 1) != course_etag(COURSE_ID, 2)
    assert course_etag(COURSE_ID, 1) != course_etag(other, 1)  # one course's etag never matches another
    assert len({course_etag(str(uuid.uuid4()), 1) for _ in range(200)}) == 200


# -- drafts and updates -----------------------------------------------------------

def test_require_open_draft_returns_the_draft_version():
    assert require_open_draft(course(latest=3, published=2, draft=3)) == 3


def test_require_open_draft_refuses_a_published_latest_version():
    with pytest.raises(FailedPrecondition) as caught:
        require_open_draft(PUBLISHED)
    assert caught.value.violation_type == NO_OPEN_DRAFT
    assert caught.value.subject == f"courses/{COURSE_ID}"


def test_require_open_draft_refuses_an_archived_course_first():
    with pytest.raises(FailedPrecondition) as caught:
        require_open_draft(course(CourseStatus.ARCHIVED, draft=0))
    assert caught.value.violation_type == COURSE_ARCHIVED


def test_plan_update_changes_an_open_draft_in_place():
    plan = plan_update(course(latest=2, published=1, draft=2))
    assert (plan.target_version, plan.copy_from) == (2, None)


def test_plan_update_copies_a_published_latest_version_into_a_new_draft():
    plan = plan_update(PUBLISHED)
    assert (plan.target_version, plan.copy_from) == (3, 2)


def test_plan_update_refuses_an_archived_course():
    with pytest.raises(FailedPrecondition) as caught:
        plan_update(course(CourseStatus.ARCHIVED, latest=2, published=2, draft=0))
    assert caught.value.violation_type == COURSE_ARCHIVED


# -- publication ---------------------------------------------------------------------

@pytest.mark.parametrize("modules", [[], [module()], [module(), module()]], ids=["no modules", "one", "two"])
def test_a_course_without_content_is_course_empty(modules):
    with pytest.raises(FailedPrecondition) as caught:
        check_publishable(course(), modules)
    assert caught.value.violation_type == COURSE_EMPTY
    assert caught.value.subject == f"courses/{COURSE_ID}/versions/1"


@pytest.mark.parametrize("content", [module(lesson()), module(quizzes=1), module(exercises=1)],
                         ids=["lesson", "quiz", "exercise"])
def test_any_lesson_quiz_or_exercise_makes_a_course_publishable(content):
    assert check_publishable(course(latest=4, published=3, draft=4), [module(), content]) == 4


def test_pass_quiz_lessons_without_a_quiz_are_each_named():
    first, second = lesson(CompletionRule.PASS_QUIZ), lesson(CompletionRule.PASS_QUIZ)
    covered = lesson(CompletionRule.PASS_QUIZ)  # its module has a quiz
    modules = [module(first, lesson(), second), module(covered, quizzes=1), module(lesson(CompletionRule.VIEW))]
    with pytest.raises(FailedPrecondition) as caught:
        check_publishable(course(), modules)
    assert [(v.type, v.subject) for v in caught.value.violations] == [
        (QUIZ_REQUIRED, f"lessons/{first[0]}"), (QUIZ_REQUIRED, f"lessons/{second[0]}")]


def test_pass_quiz_lessons_with_a_quiz_in_their_module_publish():
    assert check_publishable(course(), [module(lesson(CompletionRule.PASS_QUIZ), quizzes=1)]) == 1


def test_publishing_needs_an_open_draft():
    with pytest.raises(FailedPrecondition) as caught:
        check_publishable(PUBLISHED, [module(lesson())])
    assert caught.value.violation_type == NO_OPEN_DRAFT


# -- learning paths ----------------------------------------------------------------------

def test_a_published_path_is_not_published_again():
    assert check_path_publishable("p", PathStatus.PUBLISHED, []) is False


def test_a_draft_path_with_published_steps_is_published():
    assert check_path_publishable("p", PathStatus.DRAFT, [step(), step(course_status=CourseStatus.DRAFT)]) is True


def test_an_archived_path_cannot_be_published():
    with pytest.raises(FailedPrecondition) as caught:
        check_path_publishable("p", PathStatus.ARCHIVED, [step()])
    assert (caught.value.violation_type, caught.value.subject) == (LEARNING_PATH_ARCHIVED, "learningPaths/p")


def test_an_empty_path_cannot_be_published():
    with pytest.raises(FailedPrecondition) as caught:
        check_path_publishable("p", PathStatus.DRAFT, [])
    assert (caught.value.violation_type, caught.value.subject) == (LEARNING_PATH_EMPTY, "learningPaths/p")


def test_every_step_without_a_published_version_of_a_live_course_is_named():
    draft = step(VersionState.DRAFT, CourseStatus.DRAFT, version=2)
    missing = step(None, None, version=9)  # no such version in the tenant
    archived = step(VersionState.PUBLISHED, CourseStatus.ARCHIVED)
    with pytest.raises(FailedPrecondition) as caught:
        check_path_publishable("p", PathStatus.DRAFT, [step(), draft, missing, archived])
    assert [(v.type, v.subject) for v in caught.value.violations] == [
        (COURSE_VERSION_NOT_PUBLISHED, f"courses/{bad.course_id}/versions/{bad.version}")
        for bad in (draft, missing, archived)]
