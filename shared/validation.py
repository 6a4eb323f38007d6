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
import re
from collections.abc import Iterable
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from shared.errors import FieldViolation, InvalidArgument
from shared.timeutil import EARLIEST_RECORDED_SECONDS, from_timestamp, valid_timestamp

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

    def trimmed(self, value: str, field: str, *, required: bool = True, max_len: int = 1000) -> str:
        """Validate `value` after trimming surrounding whitespace and return the trimmed text.

        Contracts count lengths in code points after trimming and store the trimmed value,
        so "  " is blank and 200 letters plus a trailing space still fit max_len=200.
        """
        trimmed = value.strip()
        self.text(trimmed, field, required=required, max_len=max_len)
        return trimmed

    def pattern(self, value: str, field: str, regex: re.Pattern[str], description: str) -> bool:
        """`value` must match `regex` entirely (e.g. keys of [A-Za-z0-9_-])."""
        if not value:
            self.add(field, "is required")
            return False
        return self.check(regex.fullmatch(value) is not None, field, description)

    def enum(self, value: int, field: str, allowed: Iterable[int], *, required: bool = True) -> bool:
        """A known enum number; 0 (UNSPECIFIED) only when not required. Open proto3 enums
        deliver unknown numbers as plain ints, so they must be rejected explicitly."""
        if value == 0:
            return self.check(not required, field, "is required")
        return self.check(value in set(allowed), field, "is not a known value")

    def texts(self, values: Iterable[str], field: str, *, max_items: int = 100, max_len: int = 1000) -> None:
        values = list(values)
        if self.check(len(values) <= max_items, field, f"must have at most {max_items} items"):
            for i, value in enumerate(values):
                self.text(value, f"{field}[{i}]", max_len=max_len)

    def uuid(self, value: str, field: str, *, required: bool = True) -> str:
        """The id in its one stored spelling (lower-case 8-4-4-4-12), or "" when missing or invalid
        (a violation is added unless it is missing and optional). See `canonical_uuid`."""
        if not value:
            self.check(not required, field, "is required")
            return ""
        canonical = canonical_uuid(value)
        self.check(bool(canonical), field, "must be a UUID (8-4-4-4-12 hex digits)")
        return canonical

    def tenant(self, value: str, field: str = "tenant_id") -> bool:
        if not value:
            self.add(field, "is required")
            return False
        ok = len(value) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in value)
        return self.check(ok, field, "must be 1-64 characters of [A-Za-z0-9-_.]")

    def fraction(self, value: float, field: str) -> bool:
        return self.check(math.isfinite(value) and 0.0 <= value <= 1.0, field, "must be between 0.0 and 1.0")

    def timestamp(self, value: Timestamp, field: str) -> datetime | None:
        """`value` as an aware UTC datetime, or None (with a violation) when it is outside the range
        Timestamp allows (seconds beyond years 1-9999, nanos outside 0..999,999,999)."""
        if self.check(valid_timestamp(value), field, "is not a valid timestamp"):
            return from_timestamp(value)
        return None

    def recorded_time(self, value: Timestamp, field: str) -> datetime | None:
        """A time that will be recorded: a valid Timestamp, not before 1970-01-02 (shared.timeutil)."""
        moment = self.timestamp(value, field)
        if moment is not None and not self.check(value.seconds >= EARLIEST_RECORDED_SECONDS, field,
                                                 "must be after 1970-01-02"):
            return None
        return moment

    def time_range(self, request, field: str) -> tuple[datetime | None, datetime | None]:
        """(start, end) of an optional learning.common.v1.TimeRange field (either bound may be unset);
        both valid and start >= end is a violation on the range itself."""
        start = end = None
        if request.HasField(field):
            time_range = getattr(request, field)
            if time_range.HasField("start_time"):
                start = self.timestamp(time_range.start_time, f"{field}.start_time")
            if time_range.HasField("end_time"):
                end = self.timestamp(time_range.end_time, f"{field}.end_time")
            self.check(start is None or end is None or start < end, field, "start_time must be before end_time")
        return start, end

    def page_size(self, value: int, field: str = "page_size") -> bool:
        return self.check(value >= 0, field, "must not be negative")

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)


def required_id(request, field: str) -> str:
    """The one required UUID field of a Get-style request, in its stored spelling, or INVALID_ARGUMENT."""
    v = Violations()
    value = v.uuid(getattr(request, field), field)
    v.raise_if_any()
    return value


# The one UUID rule of every service: the 8-4-4-4-12 hex form, in either case on input, stored and
# returned in lower case (what PostgreSQL's uuid type prints). uuid.UUID() would also accept braces,
# "urn:uuid:" and hyphen-less spellings, which would let one id be written several ways (and a hashed
# evidence body or signed certificate carry a spelling the uuid column does not).
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def canonical_uuid(value: str) -> str:
    """`value` in lower case if it is a UUID in 8-4-4-4-12 form, else ""."""
    return value.lower() if isinstance(value, str) and _UUID.fullmatch(value) else ""


def is_uuid(value: str) -> bool:
    return bool(canonical_uuid(value))
