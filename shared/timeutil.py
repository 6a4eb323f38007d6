"""UTC time and protobuf Timestamp conversions (all stored times are timezone-aware UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_timestamp(value: datetime | None) -> Timestamp | None:
    """datetime -> Timestamp; None stays None so callers can leave a field unset."""
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value.astimezone(UTC))
    return ts


# The range google.protobuf.Timestamp allows: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z.
MIN_TIMESTAMP_SECONDS, MAX_TIMESTAMP_SECONDS = -62135596800, 253402300799


def valid_timestamp(ts: Timestamp) -> bool:
    """Whether `ts` is a Timestamp the spec allows. The wire format carries any int64 seconds and int32
    nanos, and converting an out-of-range one raises, so requests must be checked before conversion."""
    return MIN_TIMESTAMP_SECONDS <= ts.seconds <= MAX_TIMESTAMP_SECONDS and 0 <= ts.nanos <= 999_999_999


def from_timestamp(ts: Timestamp) -> datetime:
    """A valid Timestamp as an aware UTC datetime (check client input with valid_timestamp first)."""
    return ts.ToDatetime(tzinfo=UTC)


def to_duration(seconds: float | None) -> Duration | None:
    if seconds is None:
        return None
    d = Duration()
    d.FromTimedelta(timedelta(seconds=seconds))
    return d
