"""Validation pieces every assessment resource uses: course version references and list filters."""

from __future__ import annotations

from dataclasses import dataclass

from shared.validation import Violations


@dataclass(frozen=True)
class CourseRef:
    course_id: str
    version: int  # 0 only in list filters: any version


def course_ref(v: Violations, ref, field: str = "course") -> CourseRef:
    """A required published-version reference: course_id a UUID, version >= 1."""
    course_id = v.uuid(ref.course_id, f"{field}.course_id")
    v.check(ref.version >= 1, f"{field}.version", "must be at least 1")
    return CourseRef(course_id, ref.version)


def course_filter(v: Violations, request, field: str = "course") -> CourseRef | None:
    """An optional list filter: unset (or empty course_id) means any course; version 0 any version."""
    if not request.HasField(field) or not getattr(request, field).course_id:
        v.check(not request.HasField(field) or getattr(request, field).version == 0, f"{field}.course_id",
                "is required when a version is given")
        return None
    ref = getattr(request, field)
    course_id = v.uuid(ref.course_id, f"{field}.course_id")
    v.check(ref.version >= 0, f"{field}.version", "must not be negative")
    return CourseRef(course_id, ref.version)

