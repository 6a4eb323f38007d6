"""Catalog rules: course lifecycle, version immutability, publication and path checks.

Pure Python (no I/O, no protos): the servicer loads the facts, these functions decide,
and the store applies the outcome. Raising shared.errors here is fine; they are plain
exceptions that the error interceptor maps to statuses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from shared.errors import Aborted, FailedPrecondition, PreconditionViolation

# Violation types of google.rpc.PreconditionFailure (documented in catalog_service.proto).
COURSE_ARCHIVED = "COURSE_ARCHIVED"
NO_OPEN_DRAFT = "NO_OPEN_DRAFT"
COURSE_EMPTY = "COURSE_EMPTY"
QUIZ_REQUIRED = "QUIZ_REQUIRED"
COURSE_VERSION_NOT_PUBLISHED = "COURSE_VERSION_NOT_PUBLISHED"
LEARNING_PATH_EMPTY = "LEARNING_PATH_EMPTY"
LEARNING_PATH_ARCHIVED = "LEARNING_PATH_ARCHIVED"
VERSION_TOO_LARGE = "VERSION_TOO_LARGE"

#: The structure of one version (modules, lessons, quizzes, exercises, as GetCourseVersion encodes
#: them) may not exceed this many bytes: GetCourseVersion answers a version in one message, which must
#: stay under the 4 MiB a default gRPC client accepts, with room for the envelope and the version's
#: descriptive fields (bounded far below 1 MiB by validation). No service accepts what it cannot return.
MAX_VERSION_STRUCTURE_BYTES = 3 * 1024 * 1024
#: Per element, for the field tags and lengths that nest it inside the version message.
ELEMENT_OVERHEAD_BYTES = 16

DEFAULT_FREE_TEXT_MAX_LENGTH = 4000


class CourseStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class VersionState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class PathStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class CompletionRule(StrEnum):
    VIEW = "view"
    COMPLETE_ALL_STEPS = "complete_all_steps"
    PASS_QUIZ = "pass_quiz"


class ScoringPolicy(StrEnum):
    HIGHEST_ATTEMPT = "highest_attempt"
    LATEST_ATTEMPT = "latest_attempt"
    AVERAGE_ATTEMPTS = "average_attempts"


@dataclass(frozen=True)
class CourseState:
    """The lifecycle columns of a course row."""

    course_id: str
    status: CourseStatus
    latest_version: int
    published_version: int
    draft_version: int
    revision: int

    @property
    def etag(self) -> str:
        return course_etag(self.course_id, self.revision)


def course_etag(course_id: str, revision: int) -> str:
    # Opaque and course-specific, so an etag of one course never matches another.
    return hashlib.sha256(f"{course_id}:{revision}".encode()).hexdigest()[:20]


def course_subject(course_id: str) -> str:
    return f"courses/{course_id}"


def version_subject(course_id: str, version: int) -> str:
    return f"courses/{course_id}/versions/{version}"


def check_etag(course: CourseState, etag: str) -> None:
    """An empty etag skips the check (last writer wins); a stale one is ABORTED."""
    if etag and etag != course.etag:
        raise Aborted("the course changed since it was read (stale etag); re-read and retry")


def require_not_archived(course: CourseState) -> None:
    if course.status is CourseStatus.ARCHIVED:
        raise FailedPrecondition("the course is archived", violation_type=COURSE_ARCHIVED,
                                 subject=course_subject(course.course_id))


def require_open_draft(course: CourseState) -> int:
    """The draft version that authoring RPCs may change."""
    require_not_archived(course)
    if course.draft_version == 0:
        raise FailedPrecondition(
            "the latest version is published; call UpdateCourse to open a new draft",
            violation_type=NO_OPEN_DRAFT, subject=course_subject(course.course_id))
    return course.draft_version


@dataclass(frozen=True)
class UpdatePlan:
    """Where UpdateCourse applies: the open draft, or a new draft copied from `copy_from`."""

    target_version: int
    copy_from: int | None


def plan_update(course: CourseState) -> UpdatePlan:
    require_not_archived(course)
    if course.draft_version:
        return UpdatePlan(target_version=course.draft_version, copy_from=None)
    # The latest version is published: it stays frozen; the edit goes to a copy.
    return UpdatePlan(target_version=course.latest_version + 1, copy_from=course.latest_version)


@dataclass(frozen=True)
class ModuleContents:
    module_id: str
    quiz_count: int
    exercise_count: int
    lessons: tuple[tuple[str, CompletionRule], ...]  # (lesson_id, completion rule)

    @property
    def has_content(self) -> bool:
        return bool(self.lessons or self.quiz_count or self.exercise_count)


def check_publishable(course: CourseState, modules: list[ModuleContents]) -> int:
    """The version to publish, or FAILED_PRECONDITION naming every problem."""
    version = require_open_draft(course)
    if not any(module.has_content for module in modules):
        raise FailedPrecondition(
            "the course version has no lesson, quiz or practical exercise", violation_type=COURSE_EMPTY,
            subject=version_subject(course.course_id, version))
    missing_quiz = [
        PreconditionViolation(QUIZ_REQUIRED, f"lessons/{lesson_id}",
                              "a PASS_QUIZ lesson needs a quiz in its module")
        for module in modules if module.quiz_count == 0
        for lesson_id, rule in module.lessons if rule is CompletionRule.PASS_QUIZ
    ]
    if missing_quiz:
        raise FailedPrecondition("PASS_QUIZ lessons are in modules without a quiz", violations=missing_quiz)
    return version


@dataclass
class VersionSnapshot:
    """One course version with every structure row, each list ordered by position.

    The rows are the store's (attribute access by column name); this module only names the shape.
    """

    version: Any
    modules: list[Any] = field(default_factory=list)
    lessons: list[Any] = field(default_factory=list)
    videos: dict[str, Any] = field(default_factory=dict)  # by lesson_id
    interactives: dict[str, Any] = field(default_factory=dict)  # by lesson_id
    quizzes: list[Any] = field(default_factory=list)
    questions: list[Any] = field(default_factory=list)
    exercises: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class StepTarget:
    """A path step's course reference and what the catalog knows about it."""

    course_id: str
    version: int
    version_state: VersionState | None  # None: no such version in the tenant
    course_status: CourseStatus | None


def check_path_publishable(path_id: str, status: PathStatus, steps: list[StepTarget]) -> bool:
    """True if the path must be published now; False if it already is (idempotent)."""
    subject = f"learningPaths/{path_id}"
    if status is PathStatus.PUBLISHED:
        return False
    if status is PathStatus.ARCHIVED:
        raise FailedPrecondition("the learning path is archived", violation_type=LEARNING_PATH_ARCHIVED,
                                 subject=subject)
    if not steps:
        raise FailedPrecondition("the learning path has no steps", violation_type=LEARNING_PATH_EMPTY,
                                 subject=subject)
    bad = [
        PreconditionViolation(COURSE_VERSION_NOT_PUBLISHED, version_subject(step.course_id, step.version),
                              "the step must reference a published version of a non-archived course")
        for step in steps
        if step.version_state is not VersionState.PUBLISHED or step.course_status is CourseStatus.ARCHIVED
    ]
    if bad:
        raise FailedPrecondition("some steps do not reference published course versions", violations=bad)
    return True


def check_version_room(course_id: str, version: int, used: int | None, adding: int) -> None:
    """FAILED_PRECONDITION (VERSION_TOO_LARGE) when `adding` bytes would not fit the version's budget;
    `used` is None when the version would overflow (the store's guarded update found no room)."""
    if used is None:
        raise FailedPrecondition(
            f"the version's structure would exceed {MAX_VERSION_STRUCTURE_BYTES} bytes (this element: "
            f"{adding}); split the course or shorten its content", violation_type=VERSION_TOO_LARGE,
            subject=version_subject(course_id, version))
