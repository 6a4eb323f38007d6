"""ExportAuditRecords (the canonical bytes for offline checks), ListAuditEvents.after_sequence, and the
content check of VerifyAuditLog (sampled by default, every event on request)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from learning.audit.v1 import audit_service_pb2 as pb
from learning.common.v1 import common_pb2
from services.audit.verification import sample_size
from services.audit.verifier import CONTENT_SAMPLE
from shared.timeutil import to_timestamp
from tests.audit.conftest import record
from tests.support.rpc import field_violations


def export(stub, md, tenant, **kwargs) -> list[pb.ExportAuditRecordsResponse]:
    return list(stub.ExportAuditRecords(pb.ExportAuditRecordsRequest(tenant_id=tenant, **kwargs), metadata=md))


def test_export_streams_the_hashed_bytes_in_chain_order(audit_stub, all_tenants_service_md, auditor_md, tenant):
    # More events than one read of the stream (1000): the keyset continues across reads.
    events = record(audit_stub, all_tenants_service_md, tenant, 700) + record(
        audit_stub, all_tenants_service_md, tenant, 700)
    exported = export(audit_stub, auditor_md, tenant)
    assert [r.sequence for r in exported] == list(range(1, 1401))
    assert [r.event_id for r in exported] == [e.event_id for e in events]
    previous = ""
    for r in exported:  # what an offline auditor checks with sha256sum alone
        assert hashlib.sha256(r.canonical_json).hexdigest() == r.event_hash and r.previous_hash == previous
        document = json.loads(r.canonical_json)
        assert (document["sequence"], document["previous_hash"], document["event_id"]) == (r.sequence, previous,
                                                                                          r.event_id)
        previous = r.event_hash
    assert [r.sequence for r in export(audit_stub, auditor_md, tenant, from_sequence=999, to_sequence=1001)] == \
        [999, 1000, 1001]
    later = common_pb2.TimeRange(start_time=to_timestamp(datetime.now(UTC) + timedelta(hours=1)))
    assert export(audit_stub, auditor_md, tenant, record_time_range=later) == []
    recent = common_pb2.TimeRange(start_time=to_timestamp(datetime.now(UTC) - timedelta(hours=1)))
    assert len(export(audit_stub, auditor_md, tenant, from_sequence=1301, record_time_range=recent)) == 100


def test_export_is_for_auditors_and_admins_and_checks_its_input(audit_stub, all_tenants_service_md, auditor_md,
                                                                admin_md, service_md, tenant):
    record(audit_stub, all_tenants_service_md, tenant, 2)
    assert len(export(audit_stub, admin_md, tenant)) == 2
    with pytest.raises(grpc.RpcError) as refused:
        export(audit_stub, service_md, tenant)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    backwards = common_pb2.TimeRange(start_time={"seconds": 100}, end_time={"seconds": 50})
    with pytest.raises(grpc.RpcError) as bad:
        export(audit_stub, auditor_md, tenant, from_sequence=5, to_sequence=2, record_time_range=backwards)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(bad.value)) == {"to_sequence", "record_time_range"}


def test_after_sequence_lists_what_came_after_in_chain_order(audit_stub, all_tenants_service_md, auditor_md, tenant):
    events = record(audit_stub, all_tenants_service_md, tenant, 4) + record(
        audit_stub, all_tenants_service_md, tenant, 3, actor_id="user-7")

    def page(token="", **kwargs):
        return audit_stub.ListAuditEvents(pb.ListAuditEventsRequest(tenant_id=tenant, page_size=2, page_token=token,
                                                                    **kwargs), metadata=auditor_md)

    first = page(after_sequence=2)
    second = page(first.next_page_token, after_sequence=2)
    third = page(second.next_page_token, after_sequence=2)
    assert [[e.sequence for e in p.events] for p in (first, second, third)] == [[3, 4], [5, 6], [7]]
    assert not third.next_page_token and first.events[0].event_id == events[2].event_id
    assert [e.sequence for e in page(after_sequence=3, actor_id="user-7").events] == [5, 6]  # filters still apply
    assert page(after_sequence=7).events == []

    for token, kwargs in ((first.next_page_token, {}), (first.next_page_token, {"after_sequence": 3}),
                          (page().next_page_token, {"after_sequence": 2})):
        with pytest.raises(grpc.RpcError) as foreign:  # a token is good only for the call it came from
            page(token, **kwargs)
        assert set(field_violations(foreign.value)) == {"page_token"}
    with pytest.raises(grpc.RpcError) as negative:
        page(after_sequence=-1)
    assert set(field_violations(negative.value)) == {"after_sequence"}


def test_a_changed_column_is_found_by_the_full_content_check(audit_stub, audit_superuser_sql, all_tenants_service_md,
                                                             auditor_md, tenant):
    count = CONTENT_SAMPLE + 300
    events = record(audit_stub, all_tenants_service_md, tenant, count)
    audit_superuser_sql.execute("SET session_replication_role = replica")
    audit_superuser_sql.execute("UPDATE learning_audit_log SET actor_id = 'mallory' "
                                "WHERE tenant_id = %s AND sequence = %s", (tenant, count - 10))
    sampled = audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=auditor_md)
    # A random sample of the chain: the change is found when the sample holds it, else the verdict says
    # how much was looked at.
    assert sampled.events_checked == count
    if sampled.valid:
        assert sampled.events_content_checked == sample_size(count, CONTENT_SAMPLE) == 100
    else:
        assert sampled.first_failure.sequence == count - 10
    full = audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant, full_content_check=True),
                                     metadata=auditor_md)
    assert not full.valid and full.events_content_checked == count - 10
    failure = full.first_failure
    assert (failure.kind, failure.sequence, failure.event_id) == (pb.VERIFICATION_FAILURE_KIND_CONTENT_CHANGED,
                                                                  count - 10, events[count - 11].event_id)
