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


def from_timestamp(ts: Timestamp) -> datetime:
    return ts.ToDatetime(tzinfo=UTC)


def optional_timestamp(message, field: str) -> datetime | None:
    """Read a Timestamp field that may be unset (unset means 'no value', not the epoch)."""
    return from_timestamp(getattr(message, field)) if message.HasField(field) else None


def to_duration(seconds: float | None) -> Duration | None:
    if seconds is None:
        return None
    d = Duration()
    d.FromTimedelta(timedelta(seconds=seconds))
    return d
