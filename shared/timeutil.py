"""Time, the one module for it: UTC clocks, protobuf Timestamp/Duration conversions, and the two
text renderings records are hashed with.

All stored times are timezone-aware UTC. Two renderings exist because two records fix them:
  - `format_millis` / `parse_millis`: "YYYY-MM-DDTHH:MM:SS.sssZ", truncated to milliseconds, the
    timestamps of seed 002's evidence body and of certificate payloads (evidence service);
  - `format_micros`: "YYYY-MM-DDTHH:MM:SS.ffffffZ", the precision PostgreSQL stores, used in the
    audit log's hashed canonical records.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

# The range google.protobuf.Timestamp allows: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z.
MIN_TIMESTAMP_SECONDS, MAX_TIMESTAMP_SECONDS = -62135596800, 253402300799
# The one rule for times that are RECORDED (event times, certificate dates, evidence times), in every
# service: not before 1970-01-02. An unset or zero timestamp is a client bug, not a moment anything
# happened, and a time one service records must be accepted by the services its records travel to
# (a certificate's dates become audit events' occur_time). Query bounds may be any valid Timestamp.
EARLIEST_RECORDED_SECONDS = 86_400
EARLIEST_RECORDED = datetime(1970, 1, 2, tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def now_millis() -> datetime:
    """The current time truncated to milliseconds (the precision of evidence and certificate records)."""
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_timestamp(value: datetime | None) -> Timestamp | None:
    """datetime -> Timestamp; None stays None so callers can leave a field unset."""
    if value is None:
        return None
    # Exact integer arithmetic, ~4x cheaper than Timestamp.FromDatetime (a hot spot of every read);
    # a naive datetime is taken as local time, as astimezone() does.
    delta = (value if value.tzinfo is not None else value.astimezone(UTC)) - _EPOCH
    return Timestamp(seconds=delta.days * 86_400 + delta.seconds, nanos=delta.microseconds * 1000)


def valid_timestamp(ts: Timestamp) -> bool:
    """Whether `ts` is a Timestamp the spec allows. The wire format carries any int64 seconds and int32
    nanos, and converting an out-of-range one raises, so requests must be checked before conversion."""
    return MIN_TIMESTAMP_SECONDS <= ts.seconds <= MAX_TIMESTAMP_SECONDS and 0 <= ts.nanos <= 999_999_999


def from_timestamp(ts: Timestamp) -> datetime:
    """A valid Timestamp as an aware UTC datetime (check client input with valid_timestamp first)."""
    return ts.ToDatetime(tzinfo=UTC)


def millis_datetime(ts: Timestamp) -> datetime:
    """A valid Timestamp as an aware UTC datetime truncated to milliseconds (towards the past)."""
    seconds, millis = truncate_millis(ts)
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=millis * 1000)


def truncate_millis(ts: Timestamp) -> tuple[int, int]:
    """(seconds, millis), truncated towards the past (nanos are never negative in a valid Timestamp)."""
    return ts.seconds, ts.nanos // 1_000_000


def format_millis(ts: Timestamp) -> str:
    """"YYYY-MM-DDTHH:MM:SS.sssZ" of a valid Timestamp (four-digit years: 0001..9999)."""
    seconds, millis = truncate_millis(ts)
    t = datetime.fromtimestamp(seconds, UTC)
    return (f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
            f".{millis:03d}Z")


def format_datetime_millis(value: datetime) -> str:
    return format_millis(to_timestamp(value))


def parse_millis(text: str) -> Timestamp:
    """Inverse of format_millis (raises ValueError for anything else)."""
    if len(text) != 24 or text[4] != "-" or text[10] != "T" or text[19] != "." or text[23] != "Z":
        raise ValueError(f"not a canonical timestamp: {text!r}")
    parts = (int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), int(text[17:19]))
    seconds = calendar.timegm(parts + (0, 0, 0))
    return Timestamp(seconds=seconds, nanos=int(text[20:23]) * 1_000_000)


def format_micros(value: datetime) -> str:
    """"YYYY-MM-DDTHH:MM:SS.ffffffZ": RFC 3339 UTC with the six fractional digits PostgreSQL keeps."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
