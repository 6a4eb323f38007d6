"""Issue 11's attacks on the audit log by its database's own administrators, each named by VerifyAuditLog.

A superuser can do anything inside the database: switch triggers off (session_replication_role = replica),
rewrite a record, recompute every later hash, the canonical bytes and the chain-head row, or delete the
newest records. Inside the database everything is then consistent; only a checkpoint signed with a key
the database never saw (the audit service's configuration) tells the truth.
"""

from __future__ import annotations

import json

import grpc
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg.types.json import Jsonb

from learning.audit.v1 import audit_service_pb2 as pb
from services.audit.main import build
from shared.canonical import canonical_json, sha256_hex
from shared.checkpoints import AUDIT_LOG, sign
from shared.signing import SigningKey
from shared.timeutil import now_millis
from tests.audit.conftest import record, sign_checkpoints
from tests.support.servers import ServerThread

MISMATCH = pb.VERIFICATION_FAILURE_KIND_CHECKPOINT_MISMATCH
TRUNCATED = pb.VERIFICATION_FAILURE_KIND_TRUNCATED
INVALID = pb.VERIFICATION_FAILURE_KIND_CHECKPOINT_INVALID


def verify(stub, md, tenant, **kwargs) -> pb.VerifyAuditLogResponse:
    return stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant, **kwargs), metadata=md)


def rewrite_and_rechain(sql, tenant: str, sequence: int, **changes) -> None:
    """As a superuser: change event `sequence` and recompute its canonical bytes and hash, every later
    event's link, bytes and hash, and the chain-head row, so that every hash inside the database agrees."""
    sql.execute("SET session_replication_role = replica")  # no trigger fires for this session
    previous = "" if sequence == 1 else sql.execute(
        "SELECT event_hash FROM learning_audit_log WHERE tenant_id = %s AND sequence = %s",
        (tenant, sequence - 1)).fetchone()[0]
    rows = sql.execute("SELECT sequence, canonical FROM learning_audit_log WHERE tenant_id = %s AND sequence >= %s "
                       "ORDER BY sequence", (tenant, sequence)).fetchall()
    for number, canonical in rows:
        event = json.loads(canonical)
        if number == sequence:
            event.update(changes)
        event["previous_hash"] = previous
        data = canonical_json(event)
        previous = sha256_hex(data)
        sql.execute("UPDATE learning_audit_log SET actor_id = %s, payload = %s, previous_hash = %s, event_hash = %s, "
                    "canonical = %s WHERE tenant_id = %s AND sequence = %s",
                    (event["actor_id"], Jsonb(event["payload"]), event["previous_hash"], previous, data, tenant,
                     number))
    sql.execute("UPDATE audit_chain_heads SET last_hash = %s WHERE tenant_id = %s", (previous, tenant))


def test_a_rewritten_and_rechained_event_is_named_by_the_checkpoints(audit_stub, audit_db, audit_superuser_sql,
                                                                     audit_checkpoint_keys, all_tenants_service_md,
                                                                     auditor_md, tenant):
    events = record(audit_stub, all_tenants_service_md, tenant, 9)
    sign_checkpoints(audit_db, tenant, audit_checkpoint_keys[0], every_events=3)  # at 3, 6 and 9
    rewrite_and_rechain(audit_superuser_sql, tenant, 5, actor_id="mallory", payload={"score": 100})

    served = audit_stub.GetAuditEvent(pb.GetAuditEventRequest(tenant_id=tenant, event_id=events[4].event_id),
                                      metadata=auditor_md).event
    assert served.actor_id == "mallory"  # the forgery is what the database serves
    # Inside the database every hash, link, byte and column agrees: a range no checkpoint covers verifies.
    assert verify(audit_stub, auditor_md, tenant, from_sequence=4, to_sequence=5, full_content_check=True).valid

    verdict = verify(audit_stub, auditor_md, tenant, full_content_check=True)
    assert not verdict.valid
    failure = verdict.first_failure
    # Checkpoint 3 still matches, checkpoint 6 does not: the rewrite is in 4..6.
    assert (failure.kind, failure.sequence, failure.event_id) == (MISMATCH, 4, events[3].event_id)
    assert failure.detail.startswith("events 4..6 rewritten: checkpoint 6 signed head")
    assert (verdict.head_sequence, verdict.checkpoints_checked) == (5, 3)
    # A client verifying incrementally from the checkpoint before the rewrite finds it too.
    assert verify(audit_stub, auditor_md, tenant, from_sequence=4).first_failure.kind == MISMATCH
    # ... and one that verifies from the checkpoint after it learns that its anchor no longer holds.
    after = verify(audit_stub, auditor_md, tenant, from_sequence=7).first_failure
    assert (after.kind, after.sequence) == (MISMATCH, 6) and after.detail.startswith("events ..6 rewritten")


def delete_newest(sql, tenant: str, keep: int) -> None:
    """As a superuser: delete the events after `keep` and the tenant's chain-head row."""
    sql.execute("SET session_replication_role = replica")
    sql.execute("DELETE FROM learning_audit_log WHERE tenant_id = %s AND sequence > %s", (tenant, keep))
    sql.execute("DELETE FROM audit_event_ids WHERE tenant_id = %s AND sequence > %s", (tenant, keep))
    sql.execute("DELETE FROM audit_chain_heads WHERE tenant_id = %s", (tenant,))


def test_deleting_the_newest_events_and_the_head_is_named_truncated(audit_stub, audit_db, audit_superuser_sql,
                                                                    audit_checkpoint_keys, all_tenants_service_md,
                                                                    tokens, auditor_md, tenant):
    record(audit_stub, all_tenants_service_md, tenant, 6)
    sign_checkpoints(audit_db, tenant, audit_checkpoint_keys[0])
    unsigned = f"{tenant}-x"  # the same attack on a chain without a checkpoint: undetectable
    record(audit_stub, all_tenants_service_md, unsigned, 6)
    delete_newest(audit_superuser_sql, tenant, keep=4)
    delete_newest(audit_superuser_sql, unsigned, keep=4)

    verdict = verify(audit_stub, auditor_md, tenant)
    assert not verdict.valid and verdict.events_checked == 4
    failure = verdict.first_failure
    assert (failure.kind, failure.sequence) == (TRUNCATED, 5)
    assert failure.detail == "events 5..6 are missing: checkpoint 6 signed them, the log ends at 4"
    assert verify(audit_stub, auditor_md, tenant, from_sequence=6).first_failure.kind == TRUNCATED
    assert verify(audit_stub, auditor_md, tenant, to_sequence=4).valid  # the range before the cut is intact
    assert verify(audit_stub, tokens.metadata(unsigned, ["auditor"]), unsigned).valid


def flip(column: str):
    def tamper(sql, tenant: str, key: Ed25519PrivateKey) -> None:
        sql.execute("SET session_replication_role = replica")
        sql.execute(f"UPDATE audit_checkpoints SET {column} = set_byte({column}, 20, get_byte({column}, 20) # 1) "
                    "WHERE tenant_id = %s AND sequence = 3", (tenant,))
    return tamper


def strangers_checkpoint(sql, tenant: str, key: Ed25519PrivateKey) -> None:
    """A checkpoint at the true head, signed with a key the service does not trust, and stored by the service's
    own runtime role's privileges (INSERT): it may be stored, it cannot be forged."""
    head_hash = sql.execute("SELECT event_hash FROM learning_audit_log WHERE tenant_id = %s AND sequence = 4",
                            (tenant,)).fetchone()[0]
    forged = sign(SigningKey.from_private(Ed25519PrivateKey.generate()), log=AUDIT_LOG, tenant_id=tenant, sequence=4,
                  head_hash=head_hash, time=now_millis())
    sql.execute("INSERT INTO audit_checkpoints (tenant_id, sequence, head_hash, checkpoint_time, key_id, payload, "
                "signature) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (tenant, 4, forged.head_hash, forged.time, forged.key_id, forged.payload, forged.signature))


@pytest.mark.parametrize("tamper", [flip("payload"), flip("signature"), strangers_checkpoint],
                         ids=["flipped-payload-bit", "flipped-signature-bit", "untrusted-key"])
def test_a_damaged_or_foreign_checkpoint_is_invalid(audit_stub, audit_db, audit_superuser_sql, audit_runtime_sql,
                                                    audit_checkpoint_keys, all_tenants_service_md, auditor_md, tenant,
                                                    tamper):
    record(audit_stub, all_tenants_service_md, tenant, 5)
    sign_checkpoints(audit_db, tenant, audit_checkpoint_keys[0], every_events=3)  # at 3 and 5
    assert verify(audit_stub, auditor_md, tenant).valid
    sql = audit_runtime_sql if tamper is strangers_checkpoint else audit_superuser_sql
    tamper(sql, tenant, audit_checkpoint_keys[0])
    verdict = verify(audit_stub, auditor_md, tenant)
    assert not verdict.valid
    failure = verdict.first_failure
    assert (failure.kind, failure.sequence) == (INVALID, 4 if tamper is strangers_checkpoint else 3)
    assert "does not verify with any configured checkpoint key" in failure.detail


def test_key_rotation_keeps_old_checkpoints_valid_while_their_key_is_trusted(audit_stub, audit_db, audit_settings,
                                                                             audit_checkpoint_keys,
                                                                             all_tenants_service_md, auditor_md,
                                                                             tenant):
    current, retired = audit_checkpoint_keys
    record(audit_stub, all_tenants_service_md, tenant, 3)
    sign_checkpoints(audit_db, tenant, retired)  # before the rotation, with the old key
    record(audit_stub, all_tenants_service_md, tenant, 3)
    # After it: the signer continues from the old key's checkpoint only while that key is trusted.
    assert sign_checkpoints(audit_db, tenant, current) == 0
    assert sign_checkpoints(audit_db, tenant, current, retired=(retired,)) == 1
    verdict = verify(audit_stub, auditor_md, tenant)  # audit_server trusts the retired public key
    assert verdict.valid and verdict.checkpoints_checked == 2

    forgetful = audit_settings.model_copy(update={"checkpoint_trusted_keys": ""})  # the retired key dropped
    with ServerThread(lambda: build(forgetful)) as host, grpc.insecure_channel(host.address) as channel:
        from learning.audit.v1 import audit_service_pb2_grpc as pb_grpc

        stub = pb_grpc.AuditServiceStub(channel)
        verdict = verify(stub, auditor_md, tenant)
        assert not verdict.valid
        assert (verdict.first_failure.kind, verdict.first_failure.sequence) == (INVALID, 3)
        assert verify(stub, auditor_md, tenant, from_sequence=5).valid  # a range of the new key's checkpoint only
        keys = stub.GetAuditCheckpointKeys(pb.GetAuditCheckpointKeysRequest(tenant_id=tenant), metadata=auditor_md)
        assert [key.key_id for key in keys.keys] == [SigningKey.from_private(current).key_id]
