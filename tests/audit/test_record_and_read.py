"""RecordEvents, GetAuditEvent and ListAuditEvents against a real server and database."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from learning.audit.v1 import audit_service_pb2 as pb
from learning.common.v1 import common_pb2
from services.audit.domain import ChainHead, EventContent, canonical_bytes, link
from shared.canonical import sha256_hex
from shared.timeutil import from_timestamp, to_timestamp
from tests.audit.conftest import count_rows, make_event
from tests.support.rpc import field_violations


def record(audit_stub, md, events):
    return audit_stub.RecordEvents(pb.RecordEventsRequest(events=events), metadata=md)


def test_recorded_events_form_a_verifiable_chain(audit_stub, all_tenants_service_md, auditor_md, tenant):
    events = [make_event(tenant, payload={"n": i, "score": 0.75, "tags": ["a", "b"], "ok": True}) for i in range(5)]
    response = record(audit_stub, all_tenants_service_md, events)
    assert (response.recorded_count, response.duplicate_count) == (5, 0)

    stored = [audit_stub.GetAuditEvent(pb.GetAuditEventRequest(tenant_id=tenant, event_id=e.event_id),
                                       metadata=auditor_md).event for e in events]
    assert [e.sequence for e in stored] == [1, 2, 3, 4, 5]
    assert stored[0].previous_hash == ""
    for before, after in zip(stored, stored[1:]):
        assert after.previous_hash == before.event_hash
    first = stored[0]
    assert first.payload == events[0].payload and first.actor_id == "user-42" and first.record_time.seconds > 0
    # The hash is the documented one: SHA-256 of the RFC 8785 canonical record.
    content = EventContent(first.event_id, tenant, first.actor_id, first.action, first.subject_type, first.subject_id,
                           from_timestamp(first.occur_time), first.source_service,
                           {"n": 0.0, "score": 0.75, "tags": ["a", "b"], "ok": True})
    assert sha256_hex(canonical_bytes(content, 1, "")) == first.event_hash
    assert link(content, ChainHead())[0].event_hash == first.event_hash

    verdict = audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=auditor_md)
    assert verdict.valid and verdict.events_checked == 5


def test_redelivery_is_acknowledged_and_stored_once(audit_stub, all_tenants_service_md, audit_db, tenant):
    events = [make_event(tenant) for _ in range(3)]
    record(audit_stub, all_tenants_service_md, events)
    again = record(audit_stub, all_tenants_service_md, [events[1], make_event(tenant), events[1]])
    assert (again.recorded_count, again.duplicate_count) == (1, 2)
    assert count_rows(audit_db, tenant) == 4


def test_concurrent_appends_for_one_tenant_never_fork_the_chain(audit_stub, all_tenants_service_md, auditor_md,
                                                                audit_db, tenant):
    batches = [[make_event(tenant) for _ in range(10)] for _ in range(12)]
    duplicate = batches[0][0]
    batches.append([duplicate])  # the same event racing its first delivery
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda batch: record(audit_stub, all_tenants_service_md, batch), batches))
    assert sum(r.recorded_count for r in results) == 120
    assert count_rows(audit_db, tenant) == 120
    verdict = audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=auditor_md)
    assert verdict.valid and verdict.events_checked == 120


def test_one_batch_may_carry_several_tenants(audit_stub, all_tenants_service_md, tokens, audit_db):
    tenants = [f"t-{uuid.uuid4().hex[:10]}" for _ in range(3)]
    events = [make_event(t) for t in tenants for _ in range(4)]
    assert record(audit_stub, all_tenants_service_md, events).recorded_count == 12
    for t in tenants:
        assert count_rows(audit_db, t) == 4
        verdict = audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=t),
                                            metadata=tokens.metadata(t, ["auditor"], subject="auditor-1"))
        assert verdict.valid and verdict.events_checked == 4


def test_list_is_newest_first_with_keyset_pages_and_filters(audit_stub, all_tenants_service_md, auditor_md, tenant):
    base = datetime.now(UTC) - timedelta(hours=1)
    events = []
    for i in range(23):
        events.append(make_event(
            tenant, occur_time=to_timestamp(base + timedelta(minutes=i)),
            actor_id="alice" if i % 2 else "bob",
            action="quiz.scored" if i % 3 == 0 else "course.published",
            subject_type="course", subject_id="c-1" if i < 10 else "c-2",
        ))
    record(audit_stub, all_tenants_service_md, events)
    md = auditor_md

    seen, token = [], ""
    while True:
        page = audit_stub.ListAuditEvents(pb.ListAuditEventsRequest(tenant_id=tenant, page_size=5, page_token=token),
                                          metadata=md)
        seen.extend(page.events)
        token = page.next_page_token
        if not token:
            break
    assert [e.event_id for e in seen] == [e.event_id for e in reversed(events)]

    def ids(**filters):
        return {e.event_id for e in audit_stub.ListAuditEvents(
            pb.ListAuditEventsRequest(tenant_id=tenant, page_size=100, **filters), metadata=md).events}

    assert ids(actor_id="alice") == {e.event_id for e in events if e.actor_id == "alice"}
    assert ids(action="quiz.scored") == {e.event_id for e in events if e.action == "quiz.scored"}
    assert ids(subject_type="course", subject_id="c-1") == {e.event_id for e in events[:10]}
    assert ids(source_service="catalog") == {e.event_id for e in events}
    window = common_pb2.TimeRange(start_time=to_timestamp(base + timedelta(minutes=5)),
                                  end_time=to_timestamp(base + timedelta(minutes=8)))
    assert ids(occur_time_range=window) == {e.event_id for e in events[5:8]}
    assert ids(actor_id="nobody") == set()


def test_page_token_is_bound_to_its_filters(audit_stub, all_tenants_service_md, auditor_md, tenant):
    record(audit_stub, all_tenants_service_md, [make_event(tenant) for _ in range(3)])
    md = auditor_md
    page = audit_stub.ListAuditEvents(pb.ListAuditEventsRequest(tenant_id=tenant, page_size=1), metadata=md)
    with pytest.raises(grpc.RpcError) as error:
        audit_stub.ListAuditEvents(pb.ListAuditEventsRequest(tenant_id=tenant, page_size=1, actor_id="x",
                                                             page_token=page.next_page_token), metadata=md)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_token" in field_violations(error.value)


def test_roles_and_tenants_are_enforced(audit_stub, tokens, auditor_md, tenant):
    learner = tokens.metadata(tenant, ["learner"])
    for call, request in (
        (audit_stub.RecordEvents, pb.RecordEventsRequest(events=[make_event(tenant)])),
        (audit_stub.ListAuditEvents, pb.ListAuditEventsRequest(tenant_id=tenant)),
        (audit_stub.VerifyAuditLog, pb.VerifyAuditLogRequest(tenant_id=tenant)),
    ):
        with pytest.raises(grpc.RpcError) as error:
            call(request, metadata=learner)
        assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # A service token bound to one tenant cannot write another tenant's events.
    own_service = tokens.metadata(tenant, ["service"], subject="catalog")
    with pytest.raises(grpc.RpcError) as error:
        record(audit_stub, own_service, [make_event("someone-else")])
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as error:
        audit_stub.ListAuditEvents(pb.ListAuditEventsRequest(tenant_id="someone-else"), metadata=auditor_md)
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as error:
        audit_stub.ListAuditEvents(pb.ListAuditEventsRequest(tenant_id=tenant))
    assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_unknown_event_is_not_found(audit_stub, auditor_md, tenant):
    with pytest.raises(grpc.RpcError) as error:
        audit_stub.GetAuditEvent(pb.GetAuditEventRequest(tenant_id=tenant, event_id=str(uuid.uuid4())),
                                 metadata=auditor_md)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_another_tenants_event_is_not_found(audit_stub, all_tenants_service_md, auditor_md, tenant):
    other = f"t-{uuid.uuid4().hex[:10]}"
    event = make_event(other)
    record(audit_stub, all_tenants_service_md, [event])
    with pytest.raises(grpc.RpcError) as error:
        audit_stub.GetAuditEvent(pb.GetAuditEventRequest(tenant_id=tenant, event_id=event.event_id),
                                 metadata=auditor_md)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_events_outside_the_monthly_partitions_land_in_the_default_one(audit_stub, all_tenants_service_md, auditor_md,
                                                                       audit_db, tenant):
    from tests.audit.conftest import owner_connection

    old = make_event(tenant, occur_time=to_timestamp(datetime(2001, 5, 6, tzinfo=UTC)))
    recent = make_event(tenant)
    record(audit_stub, all_tenants_service_md, [old, recent])
    with owner_connection(audit_db) as conn:
        placed = dict(conn.execute("SELECT event_id::text, tableoid::regclass::text FROM learning_audit_log "
                                   "WHERE tenant_id = %s", (tenant,)).fetchall())
    assert placed[old.event_id] == "audit_partitions.learning_audit_log_default"
    assert placed[recent.event_id].startswith("audit_partitions.learning_audit_log_20")
    got = audit_stub.GetAuditEvent(pb.GetAuditEventRequest(tenant_id=tenant, event_id=old.event_id),
                                   metadata=auditor_md).event
    assert got.occur_time == old.occur_time and got.sequence == 1
    listed = audit_stub.ListAuditEvents(pb.ListAuditEventsRequest(tenant_id=tenant), metadata=auditor_md).events
    assert [e.event_id for e in listed] == [recent.event_id, old.event_id]
    assert audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=auditor_md).valid
