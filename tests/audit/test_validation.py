"""Bad input is INVALID_ARGUMENT naming `events[i].<field>`, and nothing of the batch is stored."""

from __future__ import annotations

import string
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.audit.v1 import audit_service_pb2 as pb
from shared.timeutil import to_timestamp
from tests.audit.conftest import count_rows, make_event
from tests.support.rpc import error_reason, field_violations


def rejected(audit_stub, md, events) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as error:
        audit_stub.RecordEvents(pb.RecordEventsRequest(events=events), metadata=md)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, error.value.details()
    assert error_reason(error.value) == "ERROR_REASON_INVALID_FIELD"
    return field_violations(error.value)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tenant_id": ""}, "tenant_id"),
        ({"action": "CoursePublished"}, "action"),
        ({"action": "published"}, "action"),
        ({"action": "course..published"}, "action"),
        ({"action": "course.published" + ".x" * 60}, "action"),
        ({"event_id": "not-a-uuid"}, "event_id"),
        ({"event_id": ""}, "event_id"),
        ({"actor_id": ""}, "actor_id"),
        ({"subject_type": ""}, "subject_type"),
        ({"subject_type": "Course Type"}, "subject_type"),
        ({"subject_id": " "}, "subject_id"),
        ({"source_service": "Catalog Service"}, "source_service"),
        ({"occur_time": to_timestamp(datetime.now(UTC) + timedelta(hours=1))}, "occur_time"),
        ({"occur_time": Timestamp(seconds=0)}, "occur_time"),
        ({"payload": {"blob": "x" * (64 * 1024 + 1)}}, "payload"),
        ({"payload": {"text": "nul\x00inside"}}, "payload"),
        ({"payload": {"score": float("nan")}}, "payload"),
    ],
)
def test_bad_event_field_rejects_the_batch(audit_stub, all_tenants_service_md, audit_db, tenant, overrides, field):
    events = [make_event(tenant), make_event(tenant, **overrides)]
    if overrides.get("tenant_id") == "":
        events[1].tenant_id = ""
    violations = rejected(audit_stub, all_tenants_service_md, events)
    assert f"events[1].{field}" in violations
    assert not any(key.startswith("events[0]") for key in violations)
    assert count_rows(audit_db, tenant) == 0  # the valid first event was not stored either


def test_missing_occur_time_is_reported(audit_stub, all_tenants_service_md, audit_db, tenant):
    event = make_event(tenant)
    event.ClearField("occur_time")
    assert "events[0].occur_time" in rejected(audit_stub, all_tenants_service_md, [event])
    assert count_rows(audit_db, tenant) == 0


def test_every_bad_field_is_reported_at_once(audit_stub, all_tenants_service_md, tenant):
    event = pb.AuditEvent(tenant_id=tenant)  # everything else missing
    violations = rejected(audit_stub, all_tenants_service_md, [event])
    for field in ("event_id", "actor_id", "action", "subject_type", "subject_id", "occur_time"):
        assert f"events[0].{field}" in violations


def test_empty_and_oversized_batches(audit_stub, all_tenants_service_md, tenant):
    assert "events" in rejected(audit_stub, all_tenants_service_md, [])
    assert "events" in rejected(audit_stub, all_tenants_service_md, [make_event(tenant) for _ in range(1001)])


def test_list_filters_are_validated(audit_stub, auditor_md, tenant):
    with pytest.raises(grpc.RpcError) as error:
        audit_stub.ListAuditEvents(pb.ListAuditEventsRequest(tenant_id=tenant, page_size=-1, action="Bad Action",
                                                             page_token="garbage!"), metadata=auditor_md)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {"page_size", "action"} <= set(field_violations(error.value))


printable = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    event_id=st.one_of(st.just(""), printable, st.uuids().map(str)),
    tenant_id=st.one_of(st.just(""), st.text(alphabet=string.ascii_letters + "-_.", min_size=1, max_size=70)),
    actor_id=printable,
    action=printable,
    subject_type=printable,
    subject_id=printable,
    source_service=st.one_of(st.just(""), st.just("catalog"), printable),
    future_seconds=st.integers(min_value=-10**9, max_value=10**9),
    payload=st.dictionaries(printable, st.one_of(printable, st.floats(), st.booleans(), st.none()), max_size=5),
)
def test_arbitrary_events_are_stored_or_rejected_cleanly(audit_stub, all_tenants_service_md, tokens, event_id,
                                                         tenant_id, actor_id, action, subject_type, subject_id,
                                                         source_service, future_seconds, payload):
    occur = datetime.now(UTC) + timedelta(seconds=future_seconds)
    event = pb.AuditEvent(event_id=event_id, tenant_id=tenant_id, actor_id=actor_id, action=action,
                          subject_type=subject_type, subject_id=subject_id, source_service=source_service,
                          occur_time=to_timestamp(occur))
    event.payload.update(payload)
    try:
        response = audit_stub.RecordEvents(pb.RecordEventsRequest(events=[event]), metadata=all_tenants_service_md)
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.PERMISSION_DENIED:  # a valid event in another service's name
            assert source_service not in ("", "catalog"), error.details()
            return
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
        assert all(key.startswith("events[0].") for key in field_violations(error))
        return
    assert response.recorded_count + response.duplicate_count == 1
    auditor_md = tokens.metadata(tenant_id, ["auditor"], subject="auditor-1")
    stored = audit_stub.GetAuditEvent(pb.GetAuditEventRequest(tenant_id=tenant_id, event_id=event_id),
                                      metadata=auditor_md).event
    assert stored.payload == event.payload and stored.actor_id == actor_id
    assert stored.source_service == "catalog"  # the caller's verified identity (all_tenants_service_md)
    verdict = audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant_id), metadata=auditor_md)
    assert verdict.valid, verdict.first_failure


def test_uuid_case_does_not_defeat_idempotency(audit_stub, all_tenants_service_md, audit_db, tenant):
    event_id = str(uuid.uuid4())
    first = make_event(tenant, event_id=event_id)
    audit_stub.RecordEvents(pb.RecordEventsRequest(events=[first]), metadata=all_tenants_service_md)
    second = pb.AuditEvent()
    second.CopyFrom(first)  # the same event, its id in upper case
    second.event_id = event_id.upper()
    try:
        response = audit_stub.RecordEvents(pb.RecordEventsRequest(events=[second]), metadata=all_tenants_service_md)
    except grpc.RpcError as error:  # upper-case ids may be refused as non-canonical
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    else:
        assert response.duplicate_count == 1
    assert count_rows(audit_db, tenant) == 1


@pytest.mark.parametrize("occur_time", [
    Timestamp(seconds=0, nanos=1_000_000_000), Timestamp(seconds=1_700_000_000, nanos=-1),
    Timestamp(seconds=253402300800), Timestamp(seconds=-62135596801), Timestamp(seconds=2**63 - 1),
])
def test_out_of_range_occur_time_is_invalid_not_internal(audit_stub, all_tenants_service_md, audit_db, tenant,
                                                         occur_time):
    # The wire carries any int64 seconds / int32 nanos; converting such a Timestamp raised ValueError (INTERNAL).
    event = make_event(tenant)
    event.occur_time.CopyFrom(occur_time)
    assert rejected(audit_stub, all_tenants_service_md, [make_event(tenant), event])["events[1].occur_time"] == \
        "is not a valid timestamp"
    assert count_rows(audit_db, tenant) == 0


@pytest.mark.parametrize("field", ["start_time", "end_time"])
def test_out_of_range_list_time_range_is_invalid_not_internal(audit_stub, auditor_md, tenant, field):
    request = pb.ListAuditEventsRequest(tenant_id=tenant)
    getattr(request.occur_time_range, field).CopyFrom(Timestamp(seconds=253402300800, nanos=-5))
    with pytest.raises(grpc.RpcError) as error:
        audit_stub.ListAuditEvents(request, metadata=auditor_md)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert f"occur_time_range.{field}" in field_violations(error.value)


@pytest.mark.parametrize("key", [
    ["2026-01-01T00:00:00+00:00", float("inf")], ["2026-01-01T00:00:00+00:00", float("nan")],
    ["2026-01-01T00:00:00+00:00", 2**70], ["2026-01-01T00:00:00+00:00", -1], ["2026-01-01T00:00:00+00:00", 1.5],
    ["2026-01-01T00:00:00+00:00", True], ["2026-01-01T00:00:00+00:00", "12"], [None, 1], ["yesterday", 1],
])
def test_forged_page_token_is_invalid_not_internal(audit_stub, auditor_md, tenant, key):
    # The filter fingerprint is not a secret (a hash of the tenant and filters), so a caller can
    # build a token that passes it; its key must still be checked before it reaches SQL.
    import json

    from services.audit import validate
    from services.audit.api import LIST_TOKENS
    from shared.pagination import KeyPart, PageTokens

    # The sequence is written as JSON so "12" stays a string and True a boolean, as in the old token format.
    forger = PageTokens(LIST_TOKENS.method, key=(KeyPart("text", str, str), KeyPart("json", json.dumps, json.loads)))
    request = pb.ListAuditEventsRequest(tenant_id=tenant)
    request.page_token = forger.encode(key, LIST_TOKENS.scope(tenant, validate.list_filters(request)))
    with pytest.raises(grpc.RpcError) as error:
        audit_stub.ListAuditEvents(request, metadata=auditor_md)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, error.value.details()
    assert "page_token" in field_violations(error.value)
