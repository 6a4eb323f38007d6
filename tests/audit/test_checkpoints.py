"""Signed checkpoints of the audit chain: signing, the checkpoint RPCs, and verification against them."""

from __future__ import annotations

import json
import time

import grpc
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from learning.audit.v1 import audit_service_pb2 as pb
from services.audit.main import build
from shared.checkpoints import AUDIT_LOG
from shared.signing import SigningKey
from tests.audit.conftest import record, sign_checkpoints
from tests.support.rpc import field_violations
from tests.support.servers import ServerThread


def checkpoints(audit_stub, md, tenant, **kwargs) -> list:
    return list(audit_stub.ListAuditCheckpoints(pb.ListAuditCheckpointsRequest(tenant_id=tenant, **kwargs),
                                                metadata=md).checkpoints)


def event_hashes(audit_stub, md, tenant) -> dict[int, str]:
    page = audit_stub.ListAuditEvents(pb.ListAuditEventsRequest(tenant_id=tenant, page_size=500), metadata=md)
    return {event.sequence: event.event_hash for event in page.events}


def verify(audit_stub, md, tenant, **kwargs) -> pb.VerifyAuditLogResponse:
    return audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant, **kwargs), metadata=md)


def test_checkpoints_are_signed_every_n_events_and_at_the_head(audit_stub, audit_db, audit_checkpoint_keys,
                                                                all_tenants_service_md, auditor_md, tenant):
    current, _ = audit_checkpoint_keys
    record(audit_stub, all_tenants_service_md, tenant, 7)
    assert sign_checkpoints(audit_db, tenant, current, every_events=3) == 3
    assert sign_checkpoints(audit_db, tenant, current, every_events=3) == 0  # the head did not move
    found = checkpoints(audit_stub, auditor_md, tenant)
    assert [c.sequence for c in found] == [3, 6, 7]

    # Each checks out with nothing but the published public key and the documented payload.
    keys = audit_stub.GetAuditCheckpointKeys(pb.GetAuditCheckpointKeysRequest(tenant_id=tenant),
                                             metadata=auditor_md).keys
    public = {key.key_id: key.public_key_pem for key in keys}
    hashes = event_hashes(audit_stub, auditor_md, tenant)
    for checkpoint in found:
        load_pem_public_key(public[checkpoint.key_id].encode()).verify(checkpoint.signature,
                                                                       checkpoint.canonical_payload)
        payload = json.loads(checkpoint.canonical_payload)
        assert payload == {"headHash": hashes[checkpoint.sequence], "keyId": checkpoint.key_id, "log": AUDIT_LOG,
                           "sequence": checkpoint.sequence, "tenantId": tenant, "time": payload["time"]}
        assert (checkpoint.log, checkpoint.tenant_id, checkpoint.head_hash) == (AUDIT_LOG, tenant,
                                                                               hashes[checkpoint.sequence])
        assert checkpoint.checkpoint_time.ToJsonString().startswith(payload["time"][:-1])

    latest = audit_stub.GetAuditCheckpoint(pb.GetAuditCheckpointRequest(tenant_id=tenant), metadata=auditor_md)
    assert latest.checkpoint == found[-1]
    assert audit_stub.GetAuditCheckpoint(pb.GetAuditCheckpointRequest(tenant_id=tenant, sequence=6),
                                         metadata=auditor_md).checkpoint == found[1]
    with pytest.raises(grpc.RpcError) as missing:
        audit_stub.GetAuditCheckpoint(pb.GetAuditCheckpointRequest(tenant_id=tenant, sequence=5), metadata=auditor_md)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND

    record(audit_stub, all_tenants_service_md, tenant, 2)
    assert sign_checkpoints(audit_db, tenant, current, every_events=3) == 1
    assert [c.sequence for c in checkpoints(audit_stub, auditor_md, tenant)] == [3, 6, 7, 9]


def test_replicas_signing_at_once_store_one_checkpoint_per_position(audit_stub, audit_db, audit_checkpoint_keys,
                                                                    all_tenants_service_md, auditor_md, tenant):
    current, _ = audit_checkpoint_keys
    record(audit_stub, all_tenants_service_md, tenant, 4)
    assert sign_checkpoints(audit_db, tenant, current, every_events=2) == 2
    # A second replica that read the state before the first one's checkpoints committed signs the same
    # positions: the primary key keeps the first, and the round stores nothing.
    assert sign_checkpoints(audit_db, tenant, current, every_events=2, from_scratch=True) == 0
    assert [c.sequence for c in checkpoints(audit_stub, auditor_md, tenant)] == [2, 4]


def test_checkpoint_list_pages_and_bad_input(audit_stub, audit_db, audit_checkpoint_keys, all_tenants_service_md,
                                             auditor_md, tenant):
    current, _ = audit_checkpoint_keys
    with pytest.raises(grpc.RpcError) as none_yet:
        audit_stub.GetAuditCheckpoint(pb.GetAuditCheckpointRequest(tenant_id=tenant), metadata=auditor_md)
    assert none_yet.value.code() == grpc.StatusCode.NOT_FOUND
    record(audit_stub, all_tenants_service_md, tenant, 5)
    sign_checkpoints(audit_db, tenant, current, every_events=1)
    first = audit_stub.ListAuditCheckpoints(pb.ListAuditCheckpointsRequest(tenant_id=tenant, after_sequence=1,
                                                                           page_size=2), metadata=auditor_md)
    second = audit_stub.ListAuditCheckpoints(pb.ListAuditCheckpointsRequest(
        tenant_id=tenant, after_sequence=1, page_size=2, page_token=first.next_page_token), metadata=auditor_md)
    assert [[c.sequence for c in page.checkpoints] for page in (first, second)] == [[2, 3], [4, 5]]
    assert first.next_page_token and not second.next_page_token

    bad = [
        (audit_stub.GetAuditCheckpoint, pb.GetAuditCheckpointRequest(tenant_id=tenant, sequence=-1), {"sequence"}),
        (audit_stub.ListAuditCheckpoints, pb.ListAuditCheckpointsRequest(tenant_id=tenant, after_sequence=-1,
                                                                         page_size=-1),
         {"after_sequence", "page_size"}),
        (audit_stub.ListAuditCheckpoints, pb.ListAuditCheckpointsRequest(
            tenant_id=tenant, after_sequence=3, page_token=first.next_page_token), {"page_token"}),
    ]
    for rpc, request, fields in bad:
        with pytest.raises(grpc.RpcError) as caught:
            rpc(request, metadata=auditor_md)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert set(field_violations(caught.value)) == fields


def test_verify_reports_the_head_and_continues_from_a_checkpoint(audit_stub, audit_db, audit_checkpoint_keys,
                                                                 all_tenants_service_md, auditor_md, tenant):
    current, _ = audit_checkpoint_keys
    assert verify(audit_stub, auditor_md, tenant) == pb.VerifyAuditLogResponse(valid=True)  # empty: head 0
    record(audit_stub, all_tenants_service_md, tenant, 7)
    sign_checkpoints(audit_db, tenant, current, every_events=3)
    record(audit_stub, all_tenants_service_md, tenant, 2)
    hashes = event_hashes(audit_stub, auditor_md, tenant)

    whole = verify(audit_stub, auditor_md, tenant)
    assert whole.valid and (whole.events_checked, whole.head_sequence, whole.head_hash) == (9, 9, hashes[9])
    assert (whole.checkpoints_checked, whole.events_content_checked) == (3, 9)
    # Incremental: from the last checkpoint on, only the new events are read, linked to its signed head.
    since = verify(audit_stub, auditor_md, tenant, from_sequence=8)
    assert since.valid and (since.events_checked, since.checkpoints_checked) == (2, 1)
    assert (since.head_sequence, since.head_hash) == (9, hashes[9])
    nothing_new = verify(audit_stub, auditor_md, tenant, from_sequence=10)
    assert nothing_new.valid and (nothing_new.events_checked, nothing_new.head_sequence) == (0, 0)  # none checked
    ranged = verify(audit_stub, auditor_md, tenant, from_sequence=2, to_sequence=5, full_content_check=True)
    assert ranged.valid and (ranged.events_checked, ranged.checkpoints_checked, ranged.events_content_checked) == \
        (4, 1, 4)
    assert (ranged.head_sequence, ranged.head_hash) == (5, hashes[5])


def test_the_keys_rpc_publishes_the_current_and_the_retired_keys(audit_stub, audit_checkpoint_keys, auditor_md,
                                                                 tenant):
    current, retired = (SigningKey.from_private(key) for key in audit_checkpoint_keys)
    keys = audit_stub.GetAuditCheckpointKeys(pb.GetAuditCheckpointKeysRequest(tenant_id=tenant),
                                             metadata=auditor_md).keys
    assert [(k.key_id, k.algorithm, k.public_key_pem, k.current) for k in keys] == [
        (current.key_id, "Ed25519", current.public_key_pem, True),
        (retired.key_id, "Ed25519", retired.public_key_pem, False)]


def test_the_background_signer_keeps_to_the_policy(audit_settings, audit_checkpoint_keys, all_tenants_service_md,
                                                   auditor_md, tenant):
    """The service's own signer, as deployed: every 2 events, or every 0.2 s while events arrive."""
    settings = audit_settings.model_copy(update={"checkpoint_signer_enabled": True, "checkpoint_every_entries": 2,
                                                 "checkpoint_every_seconds": 0.2})
    with ServerThread(lambda: build(settings)) as host, grpc.insecure_channel(host.address) as channel:
        from learning.audit.v1 import audit_service_pb2_grpc as pb_grpc

        stub = pb_grpc.AuditServiceStub(channel)
        record(stub, all_tenants_service_md, tenant, 5)
        assert wait_for(lambda: [c.sequence for c in checkpoints(stub, auditor_md, tenant)] == [2, 4, 5])
        record(stub, all_tenants_service_md, tenant, 1)  # one event: due by time, not by count
        assert wait_for(lambda: [c.sequence for c in checkpoints(stub, auditor_md, tenant)] == [2, 4, 5, 6])
        assert verify(stub, auditor_md, tenant).checkpoints_checked == 4


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
