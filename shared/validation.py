"""Collects field violations so one INVALID_ARGUMENT reports every bad field at once.

Servicers validate every request before it reaches a store:

    v = Violations()
    v.uuid(request.course_id, "course_id")
    v.text(request.title, "title", max_len=200)
    v.check(0 <= request.pass_threshold <= 1, "pass_threshold", "must be between 0 and 1")
    v.raise_if_any()
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable

from shared.errors import FieldViolation, InvalidArgument

MAX_TEXT = 10_000


class Violations:
    def __init__(self) -> None:
        self.items: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self.items.append(FieldViolation(field, description))

    def check(self, ok: bool, field: str, description: str) -> bool:
        if not ok:
            self.add(field, description)
        return ok

    def required(self, value: object, field: str) -> bool:
        return self.check(bool(value), field, "is required")

    def text(self, value: str, field: str, *, required: bool = True, max_len: int = 1000) -> bool:
        """Non-blank (when required), bounded, and free of NUL (which PostgreSQL text rejects)."""
        if required and not value.strip():
            self.add(field, "is required and must not be blank")
            return False
        if len(value) > max_len:
            self.add(field, f"must be at most {max_len} characters")
            return False
        return self.check("\x00" not in value, field, "must not contain NUL characters")

    def texts(self, values: Iterable[str], field: str, *, max_items: int = 100, max_len: int = 1000) -> None:
        values = list(values)
        if self.check(len(values) <= max_items, field, f"must have at most {max_items} items"):
            for i, value in enumerate(values):
                self.text(value, f"{field}[{i}]", max_len=max_len)

    def uuid(self, value: str, field: str, *, required: bool = True) -> bool:
        if not value:
            return self.check(not required, field, "is required")
        return self.check(is_uuid(value), field, "must be a UUID")

    def tenant(self, value: str, field: str = "tenant_id") -> bool:
        if not value:
            self.add(field, "is required")
            return False
        ok = len(value) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in value)
        return self.check(ok, field, "must be 1-64 characters of [A-Za-z0-9-_.]")

    def fraction(self, value: float, field: str) -> bool:
        return self.check(math.isfinite(value) and 0.0 <= value <= 1.0, field, "must be between 0.0 and 1.0")

    def page_size(self, value: int, field: str = "page_size") -> bool:
        return self.check(value >= 0, field, "must not be negative")

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
