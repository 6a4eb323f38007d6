"""Signed checkpoints of the evidence chain: signing, publishing, the audit log's copy, and the attacks they stop
(a superuser's consistent rewrite, truncation, a forged or damaged checkpoint), key rotation."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid

import grpc
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from learning.audit.v1 import audit_service_pb2 as audit_pb
from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from learning.evidence.v1 import evidence_service_pb2_grpc
from services.evidence.api.checkpoints import audit_event_id
from shared.checkpoints import CheckpointPolicy
from shared.outbox_relay import OutboxMessage, RouteDelivery
from shared.routes import AUDIT
from shared.signing import SigningKey, verify_signature
from tests.evidence import builders
from tests.evidence.checkpointing import (
    internally_consistent,
    public_pem,
    rewrite_and_rehash,
    serve,
    sign_concurrently,
    sign_due,
    sign_now,
    tamper,
)


def _record(stub, md, tenant, n):
    return [stub.RecordTrainingEvidence(builders.request(tenant, modules=1, questions=2), metadata=md)
            .training_evidence for _ in range(n)]


def _verify(stub, md, tenant, **fields):
    return stub.VerifyEvidenceChain(spb.VerifyEvidenceChainRequest(tenant_id=tenant, **fields), metadata=md)


def _verify_one(stub, md, tenant, evidence_id):
    return stub.VerifyTrainingEvidence(spb.VerifyTrainingEvidenceRequest(tenant_id=tenant, evidence_id=evidence_id),
                                       metadata=md)


def _checkpoint(stub, md, tenant, sequence=0):
    return stub.GetEvidenceCheckpoint(spb.GetEvidenceCheckpointRequest(tenant_id=tenant, sequence=sequence),
                                      metadata=md).checkpoint


def _signed_chain(stub, service_md, evidence_db, key, tenant, sizes):
    """Records in groups, a checkpoint signed after each group; returns every record."""
    records = []
    for size in sizes:
        records += _record(stub, service_md, tenant, size)
        assert sign_now(evidence_db, tenant, key)
    return records


@pytest.fixture
def tokens_for(tokens):
    """Call metadata for another tenant than the test's own."""
    def metadata(tenant, role):
        return tokens.metadata(tenant, [role], subject="assessment" if role == "service" else "auditor-1")
    return metadata


# ------------------------------------------------------------------------------- signing, publishing

def test_a_checkpoint_states_the_head_and_verifies_offline_with_the_published_key(
        evidence_stub, evidence_db, evidence_checkpoint_key, service_md, auditor_md, tenant):
    records = _record(evidence_stub, service_md, tenant, 3)
    assert sign_now(evidence_db, tenant, evidence_checkpoint_key)
    checkpoint = _checkpoint(evidence_stub, auditor_md, tenant)
    assert (checkpoint.log, checkpoint.tenant_id, checkpoint.sequence, checkpoint.head_hash) == (
        "evidence", tenant, 3, records[-1].chain_hash)
    assert _checkpoint(evidence_stub, auditor_md, tenant, 3) == checkpoint
    stated = json.loads(checkpoint.canonical_payload)
    assert stated == {"headHash": records[-1].chain_hash, "keyId": checkpoint.key_id, "log": "evidence",
                      "sequence": 3, "tenantId": tenant, "time": stated["time"]}
    keys = evidence_stub.GetEvidenceCheckpointKeys(spb.GetEvidenceCheckpointKeysRequest(tenant_id=tenant),
                                                   metadata=auditor_md).keys
    [current] = keys
    assert current.current and current.algorithm == "Ed25519"
    assert current.key_id == checkpoint.key_id == SigningKey.from_private(evidence_checkpoint_key).key_id
    assert verify_signature(current.public_key_pem, checkpoint.canonical_payload, checkpoint.signature)
    # the certificate key is a different key
    certificate_keys = evidence_stub.GetSigningKeys(spb.GetSigningKeysRequest(tenant_id=tenant),
                                                    metadata=auditor_md).signing_keys
    assert current.key_id not in {k.key_id for k in certificate_keys}
    result = _verify(evidence_stub, auditor_md, tenant)
    assert result.valid and result.checkpoints_checked == 1 and result.head_sequence == 3


def test_one_checkpoint_per_sequence_however_many_signers(evidence_stub, evidence_db, evidence_checkpoint_key,
                                                          service_md, auditor_md, tenant, evidence_owner_sql):
    _record(evidence_stub, service_md, tenant, 2)
    assert sorted(sign_concurrently(evidence_db, tenant, evidence_checkpoint_key, 4)) == [False, False, False, True]
    assert not sign_now(evidence_db, tenant, evidence_checkpoint_key)  # the head did not move
    count = evidence_owner_sql.execute("SELECT count(*) FROM evidence_checkpoints WHERE tenant_id = %s",
                                       (tenant,)).fetchone()[0]
    assert count == 1
    # one audit event per checkpoint, its id derived from (tenant, sequence)
    events = evidence_owner_sql.execute("SELECT event_id FROM outbox WHERE tenant_id = %s AND destination = 'audit'",
                                        (tenant,)).fetchall()
    assert [e[0] for e in events] == [audit_event_id(tenant, 2)]


def test_the_policy_signs_every_n_records_or_after_t_seconds(evidence_stub, evidence_db, evidence_checkpoint_key,
                                                             service_md, auditor_md, tenant):
    policy = CheckpointPolicy(every_entries=3, every_seconds=3600)
    assert sign_due(evidence_db, tenant, evidence_checkpoint_key, policy) == 0  # no records yet
    _record(evidence_stub, service_md, tenant, 1)
    assert sign_due(evidence_db, tenant, evidence_checkpoint_key, policy) == 1  # the first is due at once
    _record(evidence_stub, service_md, tenant, 2)
    assert sign_due(evidence_db, tenant, evidence_checkpoint_key, policy) == 0  # 2 < 3 records, 1 h not passed
    _record(evidence_stub, service_md, tenant, 1)
    assert sign_due(evidence_db, tenant, evidence_checkpoint_key, policy) == 1  # 3 records since
    _record(evidence_stub, service_md, tenant, 1)
    assert sign_due(evidence_db, tenant, evidence_checkpoint_key, CheckpointPolicy(every_entries=100,
                                                                                   every_seconds=0.001)) == 1
    listed = evidence_stub.ListEvidenceCheckpoints(spb.ListEvidenceCheckpointsRequest(tenant_id=tenant),
                                                   metadata=auditor_md).checkpoints
    assert [c.sequence for c in listed] == [1, 4, 5]


def test_the_background_signer_of_a_running_server(evidence_db, tokens, service_md, auditor_md, tenant):
    key = Ed25519PrivateKey.generate()
    with serve(evidence_db, tokens, key, checkpoint_signer_enabled=True, checkpoint_every_entries=2,
               checkpoint_every_seconds=0.2) as host, grpc.insecure_channel(host.address) as channel:
        stub = evidence_service_pb2_grpc.EvidenceServiceStub(channel)
        records = _record(stub, service_md, tenant, 2)
        give_up = time.monotonic() + 30
        while True:  # bounded wait for the background round, not a timing assertion
            listed = stub.ListEvidenceCheckpoints(spb.ListEvidenceCheckpointsRequest(tenant_id=tenant),
                                                  metadata=auditor_md).checkpoints
            if listed and listed[-1].sequence == 2 or time.monotonic() > give_up:
                break
            time.sleep(0.1)
        assert listed[-1].head_hash == records[-1].chain_hash
        assert _verify(stub, auditor_md, tenant).checkpoints_checked >= 1


def test_checkpoints_page_in_sequence_order(evidence_stub, evidence_db, evidence_checkpoint_key, service_md,
                                            auditor_md, tenant):
    _signed_chain(evidence_stub, service_md, evidence_db, evidence_checkpoint_key, tenant, [1, 1, 1, 1, 1])
    seen, token = [], ""
    while True:
        page = evidence_stub.ListEvidenceCheckpoints(spb.ListEvidenceCheckpointsRequest(
            tenant_id=tenant, after_sequence=1, page_size=2, page_token=token), metadata=auditor_md)
        seen += [c.sequence for c in page.checkpoints]
        token = page.next_page_token
        if not token:
            break
    assert seen == [2, 3, 4, 5]
    with pytest.raises(grpc.RpcError) as error:  # a token is bound to its after_sequence
        evidence_stub.ListEvidenceCheckpoints(spb.ListEvidenceCheckpointsRequest(
            tenant_id=tenant, after_sequence=0, page_size=2, page_token=evidence_stub.ListEvidenceCheckpoints(
                spb.ListEvidenceCheckpointsRequest(tenant_id=tenant, after_sequence=1, page_size=2),
                metadata=auditor_md).next_page_token), metadata=auditor_md)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_checkpoint_reads_are_checked(evidence_stub, auditor_md, learner_md, tenant):
    with pytest.raises(grpc.RpcError) as error:
        evidence_stub.GetEvidenceCheckpoint(spb.GetEvidenceCheckpointRequest(tenant_id=tenant), metadata=auditor_md)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    for request in (spb.GetEvidenceCheckpointRequest(tenant_id=tenant, sequence=-1),
                    spb.ListEvidenceCheckpointsRequest(tenant_id=tenant, after_sequence=-1),
                    spb.VerifyEvidenceChainRequest(tenant_id=tenant, from_sequence=5, to_sequence=2)):
        method = {spb.GetEvidenceCheckpointRequest: evidence_stub.GetEvidenceCheckpoint,
                  spb.ListEvidenceCheckpointsRequest: evidence_stub.ListEvidenceCheckpoints,
                  spb.VerifyEvidenceChainRequest: evidence_stub.VerifyEvidenceChain}[type(request)]
        with pytest.raises(grpc.RpcError) as error:
            method(request, metadata=auditor_md)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as error:
        evidence_stub.GetEvidenceCheckpointKeys(spb.GetEvidenceCheckpointKeysRequest(tenant_id=tenant),
                                                metadata=learner_md)
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED


# ------------------------------------------------------------------------------------ cross-anchoring

def test_the_audit_log_holds_a_checkable_copy_of_every_checkpoint(
        evidence_stub, evidence_db, evidence_settings, evidence_checkpoint_key, evidence_owner_sql, audit_server,
        audit_stub, service_md, auditor_md, tenant):
    _record(evidence_stub, service_md, tenant, 2)
    assert sign_now(evidence_db, tenant, evidence_checkpoint_key)
    checkpoint = _checkpoint(evidence_stub, auditor_md, tenant)
    row = evidence_owner_sql.execute(
        "SELECT tenant_id, event_id, position, message_type, message, attempts FROM outbox "
        "WHERE tenant_id = %s AND destination = 'audit'", (tenant,)).fetchone()
    queued = OutboxMessage(row[0], row[1], row[2], row[3], bytes(row[4]), row[5])
    assert queued.event_id == audit_event_id(tenant, 2)

    async def deliver_twice():  # what the relay does with the row, once and again after a lost acknowledgement
        delivery = RouteDelivery(AUDIT, evidence_settings, address=audit_server.address)
        try:
            await delivery([queued])
            await delivery([queued])
        finally:
            await delivery.close()

    asyncio.run(deliver_twice())
    events = audit_stub.ListAuditEvents(audit_pb.ListAuditEventsRequest(tenant_id=tenant), metadata=auditor_md).events
    [event] = events  # the redelivery was a duplicate
    assert (event.event_id, event.action, event.subject_type, event.subject_id, event.source_service) == (
        audit_event_id(tenant, 2), "evidence.checkpoint_signed", "evidence_checkpoint", f"{tenant}/2", "evidence")
    payload = dict(event.payload)
    assert (int(payload["sequence"]), payload["head_hash"], payload["key_id"], payload["log"]) == (
        2, checkpoint.head_hash, checkpoint.key_id, "evidence")
    # Anyone holding the published public key checks the audit log's copy without the evidence database.
    signed = base64.b64decode(payload["canonical_payload"])
    assert signed == checkpoint.canonical_payload and json.loads(signed)["time"] == payload["time"]
    assert verify_signature(public_pem(evidence_checkpoint_key), signed, base64.b64decode(payload["signature"]))
    assert audit_stub.VerifyAuditLog(audit_pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=auditor_md).valid


# ----------------------------------------------------------------------------------------- attacks

def test_a_consistent_rewrite_by_a_superuser_is_named_against_the_checkpoint(
        evidence_stub, evidence_db, evidence_checkpoint_key, evidence_superuser_sql, service_md, auditor_md, tenant):
    records = _signed_chain(evidence_stub, service_md, evidence_db, evidence_checkpoint_key, tenant, [2, 2, 2])
    assert _verify(evidence_stub, auditor_md, tenant).valid
    victim = records[2]  # sequence 3, between the checkpoints at 2 and 4
    rewrite_and_rehash(evidence_superuser_sql, tenant, 3,
                       lambda body: body.replace(b'"score":1,', b'"score":0,', 1))
    assert internally_consistent(evidence_superuser_sql, tenant)
    result = _verify(evidence_stub, auditor_md, tenant)
    assert not result.valid
    failure = result.first_failure
    assert (failure.kind, failure.chain_sequence, failure.evidence_id) == (
        pb.EVIDENCE_PROBLEM_KIND_CHECKPOINT_MISMATCH, 4, records[3].evidence_id)
    assert "records 3..4" in failure.detail and "up to 2" in failure.detail  # the range, and what still holds
    assert result.checkpoints_checked == 2 and result.records_checked == 4
    one = _verify_one(evidence_stub, auditor_md, tenant, victim.evidence_id)
    assert not one.valid
    assert [p.kind for p in one.problems] == [pb.EVIDENCE_PROBLEM_KIND_CHECKPOINT_MISMATCH]
    # records covered by an intact range still verify one by one
    assert _verify_one(evidence_stub, auditor_md, tenant, records[0].evidence_id).valid
    # the signer refuses to vouch for the rewritten chain when new records arrive
    _record(evidence_stub, service_md, tenant, 1)
    assert not sign_now(evidence_db, tenant, evidence_checkpoint_key)


def test_newest_records_and_the_head_row_deleted_are_truncation(
        evidence_stub, evidence_db, evidence_checkpoint_key, evidence_superuser_sql, service_md, auditor_md, tenant):
    _signed_chain(evidence_stub, service_md, evidence_db, evidence_checkpoint_key, tenant, [3, 2])
    tamper(evidence_superuser_sql, "DELETE FROM training_evidence WHERE tenant_id = %s AND chain_sequence > 2",
           (tenant,))
    tamper(evidence_superuser_sql, "DELETE FROM evidence_chain_heads WHERE tenant_id = %s", (tenant,))
    result = _verify(evidence_stub, auditor_md, tenant)
    assert not result.valid and result.head_sequence == 2
    assert (result.first_failure.kind, result.first_failure.chain_sequence) == (pb.EVIDENCE_PROBLEM_KIND_TRUNCATED, 5)
    assert "records 3..5" in result.first_failure.detail
    # nor does the signer ever sign the shorter chain after the longer one, even with a head row made up for it
    tamper(evidence_superuser_sql, "INSERT INTO evidence_chain_heads (tenant_id, last_sequence, last_chain_hash) "
           "VALUES (%s, 2, %s)", (tenant, result.head_chain_hash))
    assert not sign_now(evidence_db, tenant, evidence_checkpoint_key)


def test_everything_deleted_is_truncation(evidence_stub, evidence_db, evidence_checkpoint_key,
                                          evidence_superuser_sql, service_md, auditor_md, tenant):
    _signed_chain(evidence_stub, service_md, evidence_db, evidence_checkpoint_key, tenant, [2])
    tamper(evidence_superuser_sql, "DELETE FROM training_evidence WHERE tenant_id = %s", (tenant,))
    tamper(evidence_superuser_sql, "DELETE FROM evidence_chain_heads WHERE tenant_id = %s", (tenant,))
    result = _verify(evidence_stub, auditor_md, tenant)
    assert (result.valid, result.first_failure.kind, result.records_checked) == (
        False, pb.EVIDENCE_PROBLEM_KIND_TRUNCATED, 0)


@pytest.mark.parametrize("column", ["payload", "signature"])
def test_a_flipped_bit_in_a_checkpoint_is_invalid(evidence_stub, evidence_db, evidence_checkpoint_key,
                                                  evidence_superuser_sql, service_md, auditor_md, tenant, column):
    records = _signed_chain(evidence_stub, service_md, evidence_db, evidence_checkpoint_key, tenant, [2, 2])
    stored = bytearray(evidence_superuser_sql.execute(
        f"SELECT {column} FROM evidence_checkpoints WHERE tenant_id = %s AND sequence = 2", (tenant,)).fetchone()[0])
    stored[len(stored) // 2] ^= 0x04
    tamper(evidence_superuser_sql, f"UPDATE evidence_checkpoints SET {column} = %s WHERE tenant_id = %s "
           "AND sequence = 2", (bytes(stored), tenant))
    result = _verify(evidence_stub, auditor_md, tenant)
    assert (result.valid, result.first_failure.kind, result.first_failure.chain_sequence) == (
        False, pb.EVIDENCE_PROBLEM_KIND_CHECKPOINT_INVALID, 2)
    assert result.first_failure.evidence_id == records[1].evidence_id
    assert not _verify_one(evidence_stub, auditor_md, tenant, records[0].evidence_id).valid
    # a damaged row does not stop the signer: the chain itself still verifies from the checkpoint before it
    _record(evidence_stub, service_md, tenant, 1)
    assert sign_now(evidence_db, tenant, evidence_checkpoint_key)


def test_a_checkpoint_changed_with_its_columns_or_signed_by_an_unknown_key_is_invalid(
        evidence_stub, evidence_db, evidence_checkpoint_key, evidence_superuser_sql, service_md, auditor_md, tenant,
        tokens_for):
    _signed_chain(evidence_stub, service_md, evidence_db, evidence_checkpoint_key, tenant, [2])
    # the head column rewritten (the signed payload left alone) no longer states what was signed
    tamper(evidence_superuser_sql, "UPDATE evidence_checkpoints SET head_hash = %s WHERE tenant_id = %s",
           ("0" * 64, tenant))
    assert _verify(evidence_stub, auditor_md, tenant).first_failure.kind == pb.EVIDENCE_PROBLEM_KIND_CHECKPOINT_INVALID
    # a well-formed checkpoint signed with a key the service does not trust (the attacker's own)
    other = f"t-{uuid.uuid4().hex[:12]}"
    service, auditor = (tokens_for(other, "service"), tokens_for(other, "auditor"))
    _record(evidence_stub, service, other, 2)
    assert sign_now(evidence_db, other, Ed25519PrivateKey.generate())
    result = _verify(evidence_stub, auditor, other)
    assert (result.first_failure.kind, result.first_failure.chain_sequence) == (
        pb.EVIDENCE_PROBLEM_KIND_CHECKPOINT_INVALID, 2)


def test_key_rotation_keeps_old_checkpoints_verifiable(evidence_db, tokens, service_md, auditor_md, tenant):
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with serve(evidence_db, tokens, old) as host, grpc.insecure_channel(host.address) as channel:
        _record(evidence_service_pb2_grpc.EvidenceServiceStub(channel), service_md, tenant, 2)
    assert sign_now(evidence_db, tenant, old)
    # rotated: the new key signs, the old public key is kept trusted
    with serve(evidence_db, tokens, new, retired=[old]) as host, grpc.insecure_channel(host.address) as channel:
        stub = evidence_service_pb2_grpc.EvidenceServiceStub(channel)
        _record(stub, service_md, tenant, 2)
        assert sign_now(evidence_db, tenant, new, retired=[old])
        result = _verify(stub, auditor_md, tenant)
        assert result.valid and result.checkpoints_checked == 2
        keys = stub.GetEvidenceCheckpointKeys(spb.GetEvidenceCheckpointKeysRequest(tenant_id=tenant),
                                              metadata=auditor_md).keys
        assert [(k.key_id, k.current) for k in keys] == [(SigningKey.from_private(new).key_id, True),
                                                         (SigningKey.from_private(old).key_id, False)]
    # the old key forgotten: what it signed can no longer be trusted
    with serve(evidence_db, tokens, new) as host, grpc.insecure_channel(host.address) as channel:
        result = _verify(evidence_service_pb2_grpc.EvidenceServiceStub(channel), auditor_md, tenant)
        assert (result.first_failure.kind, result.first_failure.chain_sequence) == (
            pb.EVIDENCE_PROBLEM_KIND_CHECKPOINT_INVALID, 2)
