"""Who may write the audit log: only a verified service, only its own events, and an event id means one event.

The forgeries of issue 11: a service token of one service writing another's events (source_service), a
user token claiming the `service` role, and an event id recorded again with different content.
"""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2

from learning.audit.v1 import audit_service_pb2 as pb
from services.audit.domain import EventContent, canonical_bytes
from shared.canonical import sha256_hex
from shared.timeutil import from_timestamp
from tests.audit.conftest import count_rows, make_event
from tests.support.rpc import error_reason, status_details


def record(audit_stub, md, events):
    return audit_stub.RecordEvents(pb.RecordEventsRequest(events=events), metadata=md)


def refused(audit_stub, md, events) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as error:
        record(audit_stub, md, events)
    return error.value


def error_metadata(error: grpc.RpcError) -> dict[str, str]:
    infos = [d for d in status_details(error) if isinstance(d, error_details_pb2.ErrorInfo)]
    assert len(infos) == 1
    return dict(infos[0].metadata)


def stored_event(audit_stub, auditor_md, tenant, event_id) -> pb.AuditEvent:
    return audit_stub.GetAuditEvent(pb.GetAuditEventRequest(tenant_id=tenant, event_id=event_id),
                                    metadata=auditor_md).event


@pytest.mark.parametrize("tenant_scoped", [True, False], ids=["tenant service token", "all-tenants service token"])
def test_a_service_cannot_write_events_in_another_services_name(audit_stub, tokens, audit_db, tenant, tenant_scoped):
    # The attack of the issue: a token of `evidence` recording `course.published` as if `catalog` sent it.
    evidence = tokens.metadata(tenant if tenant_scoped else "*", ["service"], subject="evidence")
    forged = make_event(tenant, source_service="catalog", actor_id="ceo", action="course.published")
    error = refused(audit_stub, evidence, [make_event(tenant, source_service="evidence"), forged])
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_metadata(error) == {"event_id": forged.event_id, "source_service": "catalog", "caller": "evidence"}
    assert count_rows(audit_db, tenant) == 0  # the whole batch is refused


def test_source_service_is_the_callers_verified_identity(audit_stub, tokens, auditor_md, tenant):
    progress = tokens.metadata(tenant, ["service"], subject="progress")
    unnamed, named = make_event(tenant, source_service=""), make_event(tenant, source_service="progress")
    assert record(audit_stub, progress, [unnamed, named]).recorded_count == 2
    assert stored_event(audit_stub, auditor_md, tenant, unnamed.event_id).source_service == "progress"
    assert stored_event(audit_stub, auditor_md, tenant, named.event_id).source_service == "progress"
    verdict = audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=auditor_md)
    assert verdict.valid and verdict.events_checked == 2  # the filled-in name is what was hashed


def test_a_tenant_scoped_service_token_still_records_only_its_tenant(audit_stub, tokens, audit_db, tenant):
    catalog = tokens.metadata(tenant, ["service"], subject="catalog")
    error = refused(audit_stub, catalog, [make_event(tenant), make_event("t-someone-else")])
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert count_rows(audit_db, tenant) == 0


@pytest.mark.parametrize("claim", [["service"], ["service", "admin"]])
def test_a_user_token_claiming_the_service_role_is_not_a_service(audit_stub, tokens, audit_db, tenant, claim):
    for scope in (tenant, "*"):
        forged = tokens.user_claiming_service_metadata(scope, subject="catalog", roles=claim)
        error = refused(audit_stub, forged, [make_event(tenant)])
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, error.details()
    assert count_rows(audit_db, tenant) == 0


def test_the_same_event_again_is_an_idempotent_duplicate(audit_stub, all_tenants_service_md, audit_db, tenant):
    event = make_event(tenant, payload={"version": 2, "score": 0.5})
    assert record(audit_stub, all_tenants_service_md, [event]).recorded_count == 1
    again = record(audit_stub, all_tenants_service_md, [event, make_event(tenant)])
    assert (again.recorded_count, again.duplicate_count) == (1, 1)
    # Leaving source_service for the audit service to fill in is still the same event.
    unnamed = pb.AuditEvent()
    unnamed.CopyFrom(event)
    unnamed.source_service = ""
    assert record(audit_stub, all_tenants_service_md, [unnamed]).duplicate_count == 1
    assert count_rows(audit_db, tenant) == 2


@pytest.mark.parametrize("change", [
    {"actor_id": "someone-else"}, {"action": "course.archived"}, {"payload": {"version": 3, "score": 0.5}},
    {"subject_id": "another-course"},
], ids=["actor", "action", "payload", "subject"])
def test_an_event_id_seen_again_with_different_content_is_a_reported_conflict(
        audit_stub, all_tenants_service_md, auditor_md, audit_db, tenant, change):
    event = make_event(tenant, payload={"version": 2, "score": 0.5})
    record(audit_stub, all_tenants_service_md, [event])
    stored = stored_event(audit_stub, auditor_md, tenant, event.event_id)
    payload = change.pop("payload", {"version": 2, "score": 0.5})
    different = make_event(tenant, event_id=event.event_id, occur_time=event.occur_time, payload=payload, **change)
    error = refused(audit_stub, all_tenants_service_md, [make_event(tenant), different])
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    assert error_reason(error) == "ERROR_REASON_ALREADY_EXISTS"
    # What the submitted event would hash to at the stored position, so the caller can see both.
    submitted = EventContent(
        event_id=event.event_id, tenant_id=tenant, actor_id=different.actor_id, action=different.action,
        subject_type=different.subject_type, subject_id=different.subject_id,
        occur_time=from_timestamp(different.occur_time), source_service="catalog", payload=dict(payload))
    assert error_metadata(error) == {
        "event_id": event.event_id, "tenant_id": tenant, "sequence": str(stored.sequence),
        "stored_event_hash": stored.event_hash,
        "submitted_event_hash": sha256_hex(canonical_bytes(submitted, stored.sequence, stored.previous_hash))}
    assert count_rows(audit_db, tenant) == 1  # nothing of the batch was stored
    assert stored_event(audit_stub, auditor_md, tenant, event.event_id) == stored


def test_one_id_twice_in_a_batch_with_different_content_is_a_conflict(audit_stub, all_tenants_service_md,
                                                                      audit_db, tenant):
    first = make_event(tenant)
    second = make_event(tenant, event_id=first.event_id, actor_id="someone-else")
    error = refused(audit_stub, all_tenants_service_md, [first, second])
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    assert error_metadata(error)["event_id"] == first.event_id
    assert count_rows(audit_db, tenant) == 0
    same_twice = record(audit_stub, all_tenants_service_md, [first, first])
    assert (same_twice.recorded_count, same_twice.duplicate_count) == (1, 1)
