"""Shared rules every service applies the same way: the UUID spelling, time renderings, error metadata."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2

from shared.errors import AlreadyExists
from shared.timeutil import format_micros, format_millis, millis_datetime, parse_millis
from shared.validation import Violations, canonical_uuid


def test_one_uuid_rule_any_case_in_lower_case_out():
    value = str(uuid.uuid4())
    assert canonical_uuid(value.upper()) == value == canonical_uuid(value)
    for spelling in ("{" + value + "}", "urn:uuid:" + value, value.replace("-", ""), value + " ", ""):
        assert canonical_uuid(spelling) == ""
    v = Violations()
    assert v.uuid(value.upper(), "id") == value and not v.items
    assert v.uuid("nope", "bad") == "" and [x.field for x in v.items] == ["bad"]
    assert v.uuid("", "optional", required=False) == "" and len(v.items) == 1


def test_time_renderings_round_trip():
    ts = Timestamp(seconds=1_795_000_000, nanos=987_654_321)
    assert format_millis(ts) == "2026-11-18T11:06:40.987Z"
    assert parse_millis(format_millis(ts)) == Timestamp(seconds=1_795_000_000, nanos=987_000_000)
    assert millis_datetime(ts) == datetime(2026, 11, 18, 11, 6, 40, 987_000, tzinfo=UTC)
    assert format_micros(datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)) == "2026-01-02T03:04:05.000006Z"


def test_domain_errors_carry_metadata_into_error_info():
    status = AlreadyExists("request", "r-1", metadata={"certificate_id": "c-1"}).to_status_proto()
    info = error_details_pb2.ErrorInfo()
    status.details[0].Unpack(info)
    assert info.domain == "learning" and dict(info.metadata) == {"certificate_id": "c-1"}
