"""Tampering done directly in PostgreSQL is named by the verify RPCs; immutability holds in the database."""

from __future__ import annotations

import hashlib
import uuid

import psycopg
import pytest
from psycopg import errors

from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from tests.evidence import builders

APPEND_ONLY = ("training_evidence", "certificates", "certificate_status_events", "signing_keys")


def _chain(stub, md, tenant, n=4):
    return [stub.RecordTrainingEvidence(builders.request(tenant, modules=1, questions=2), metadata=md)
            .training_evidence for _ in range(n)]


def _verify_chain(stub, md, tenant):
    return stub.VerifyEvidenceChain(spb.VerifyEvidenceChainRequest(tenant_id=tenant), metadata=md)


def _verify_one(stub, md, tenant, evidence_id):
    return stub.VerifyTrainingEvidence(spb.VerifyTrainingEvidenceRequest(tenant_id=tenant, evidence_id=evidence_id),
                                       metadata=md)


def _tamper(superuser_sql, statement, params):
    """Bypass the append-only triggers the way only a superuser can."""
    with superuser_sql.transaction():
        superuser_sql.execute("SET LOCAL session_replication_role = replica")
        superuser_sql.execute(statement, params)


def test_intact_chain_verifies(evidence_stub, service_md, auditor_md, tenant):
    records = _chain(evidence_stub, service_md, tenant)
    result = _verify_chain(evidence_stub, auditor_md, tenant)
    assert result.valid and result.records_checked == 4 and result.head_chain_hash == records[-1].chain_hash
    assert all(_verify_one(evidence_stub, auditor_md, tenant, r.evidence_id).valid for r in records)


def test_empty_chain_is_valid(evidence_stub, tokens):
    other = f"t-{uuid.uuid4().hex[:12]}"
    result = _verify_chain(evidence_stub, tokens.metadata(other, ["auditor"]), other)
    assert result.valid and result.records_checked == 0 and result.head_chain_hash == ""


def test_tampered_body_is_named(evidence_stub, service_md, auditor_md, tenant, evidence_superuser_sql):
    records = _chain(evidence_stub, service_md, tenant)
    victim = records[1]
    stored = bytes(evidence_superuser_sql.execute("SELECT canonical_json FROM training_evidence "
                                                  "WHERE evidence_id = %s", (victim.evidence_id,)).fetchone()[0])
    forged = stored.replace(b'"score":1,', b'"score":0,', 1)
    assert forged != stored  # one answer's score quietly lowered
    _tamper(evidence_superuser_sql,
            "UPDATE training_evidence SET canonical_json = %s WHERE tenant_id = %s AND evidence_id = %s",
            (forged, tenant, victim.evidence_id))
    result = _verify_chain(evidence_stub, auditor_md, tenant)
    assert not result.valid and result.records_checked == 2
    assert result.first_failure.evidence_id == victim.evidence_id
    assert result.first_failure.chain_sequence == 2
    assert result.first_failure.kind == pb.EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH
    one = _verify_one(evidence_stub, auditor_md, tenant, victim.evidence_id)
    assert not one.valid and one.problems[0].kind == pb.EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH
    assert _verify_one(evidence_stub, auditor_md, tenant, records[2].evidence_id).valid


def test_body_and_hash_rewritten_together_break_the_chain_hash(evidence_stub, service_md, auditor_md, tenant,
                                                                evidence_superuser_sql):
    records = _chain(evidence_stub, service_md, tenant)
    victim = records[2]
    forged = victim.evidence
    forged.modules[0].quiz_questions[1].employee_answer.score = 0.0
    from services.evidence.convert.training_evidence import to_canonical
    from shared.canonical import canonical_json

    forged_bytes = canonical_json(to_canonical(forged))
    _tamper(evidence_superuser_sql, "UPDATE training_evidence SET canonical_json = %s, content_hash = %s "
            "WHERE tenant_id = %s AND evidence_id = %s",
            (forged_bytes, hashlib.sha256(forged_bytes).hexdigest(), tenant, victim.evidence_id))
    result = _verify_chain(evidence_stub, auditor_md, tenant)
    assert not result.valid and result.first_failure.evidence_id == victim.evidence_id
    assert result.first_failure.kind == pb.EVIDENCE_PROBLEM_KIND_CHAIN_HASH_MISMATCH


def test_stored_hash_changed_is_named(evidence_stub, service_md, auditor_md, tenant, evidence_superuser_sql):
    records = _chain(evidence_stub, service_md, tenant)
    _tamper(evidence_superuser_sql,
            "UPDATE training_evidence SET content_hash = %s WHERE tenant_id = %s AND evidence_id = %s",
            ("0" * 64, tenant, records[0].evidence_id))
    result = _verify_chain(evidence_stub, auditor_md, tenant)
    assert result.first_failure.evidence_id == records[0].evidence_id
    assert result.first_failure.kind == pb.EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH


def test_broken_chain_link_is_named(evidence_stub, service_md, auditor_md, tenant, evidence_superuser_sql):
    records = _chain(evidence_stub, service_md, tenant)
    victim = records[2]
    # A record rewritten consistently with itself (its own chain hash recomputed) still breaks its successor's link.
    new_previous = "f" * 64
    new_chain = hashlib.sha256((new_previous + victim.content_hash).encode()).hexdigest()
    _tamper(evidence_superuser_sql, "UPDATE training_evidence SET previous_hash = %s, chain_hash = %s "
            "WHERE tenant_id = %s AND evidence_id = %s", (new_previous, new_chain, tenant, victim.evidence_id))
    result = _verify_chain(evidence_stub, auditor_md, tenant)
    assert result.first_failure.evidence_id == victim.evidence_id
    assert result.first_failure.kind == pb.EVIDENCE_PROBLEM_KIND_CHAIN_LINK_BROKEN
    successor = _verify_one(evidence_stub, auditor_md, tenant, records[3].evidence_id)
    assert [p.kind for p in successor.problems] == [pb.EVIDENCE_PROBLEM_KIND_CHAIN_LINK_BROKEN]


def test_deleted_record_is_a_sequence_gap(evidence_stub, service_md, auditor_md, tenant, evidence_superuser_sql):
    records = _chain(evidence_stub, service_md, tenant)
    _tamper(evidence_superuser_sql, "DELETE FROM training_evidence WHERE tenant_id = %s AND evidence_id = %s",
            (tenant, records[1].evidence_id))
    result = _verify_chain(evidence_stub, auditor_md, tenant)
    assert result.first_failure.evidence_id == records[2].evidence_id
    assert result.first_failure.kind == pb.EVIDENCE_PROBLEM_KIND_SEQUENCE_GAP
    # deleting the tail is caught by the chain head
    _tamper(evidence_superuser_sql, "DELETE FROM training_evidence WHERE tenant_id = %s AND chain_sequence >= 2",
            (tenant,))
    tail = _verify_chain(evidence_stub, auditor_md, tenant)
    assert not tail.valid and tail.first_failure.kind == pb.EVIDENCE_PROBLEM_KIND_SEQUENCE_GAP


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_runtime_role_may_not_update_delete_or_truncate(evidence_runtime_sql, table):
    for statement in (f"UPDATE {table} SET tenant_id = tenant_id", f"DELETE FROM {table}", f"TRUNCATE {table}"):
        with pytest.raises(errors.InsufficientPrivilege):
            evidence_runtime_sql.execute(statement)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_triggers_stop_even_the_owner(evidence_stub, service_md, admin_md, tenant, evidence_owner_sql, table):
    _chain(evidence_stub, service_md, tenant, n=1)
    evidence_stub.IssueCertificate(spb.IssueCertificateRequest(
        tenant_id=tenant, request_id=str(uuid.uuid4()), recipient_id=str(uuid.uuid4()),
        course={"course_id": str(uuid.uuid4()), "version": 1}), metadata=admin_md)
    for statement in (f"UPDATE {table} SET tenant_id = tenant_id WHERE tenant_id = %s",
                      f"DELETE FROM {table} WHERE tenant_id = %s"):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            evidence_owner_sql.execute(statement, (tenant,))
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        evidence_owner_sql.execute(f"TRUNCATE {table} CASCADE")
    assert evidence_owner_sql.execute(f"SELECT count(*) FROM {table} WHERE tenant_id = %s", (tenant,)).fetchone()[0] >= 1


def test_rewritten_record_is_caught_by_form_columns_and_successor(evidence_stub, service_md, auditor_md, tenant,
                                                                   evidence_superuser_sql):
    records = _chain(evidence_stub, service_md, tenant, n=3)
    victim = records[1]
    stored = bytes(evidence_superuser_sql.execute("SELECT canonical_json FROM training_evidence "
                                                  "WHERE evidence_id = %s", (victim.evidence_id,)).fetchone()[0])
    spaced = stored.replace(b'{"modules"', b'{ "modules"', 1)  # same JSON value, not canonical bytes
    content = hashlib.sha256(spaced).hexdigest()
    chain = hashlib.sha256((victim.previous_hash + content).encode()).hexdigest()
    _tamper(evidence_superuser_sql,
            "UPDATE training_evidence SET canonical_json = %s, content_hash = %s, chain_hash = %s "
            "WHERE evidence_id = %s", (spaced, content, chain, victim.evidence_id))
    one = _verify_one(evidence_stub, auditor_md, tenant, victim.evidence_id)
    assert [p.kind for p in one.problems] == [pb.EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH]
    assert "canonical" in one.problems[0].detail
    # The chain's content check (a sample, here every record of the short chain) names the respaced record
    # itself, before the hashing pass reaches the successor whose link it broke.
    result = _verify_chain(evidence_stub, auditor_md, tenant)
    assert (result.first_failure.evidence_id, result.first_failure.kind) == (
        victim.evidence_id, pb.EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH)
    assert result.records_content_checked == 2 and result.records_checked == 2
    successor = _verify_one(evidence_stub, auditor_md, tenant, records[2].evidence_id)
    assert [p.kind for p in successor.problems] == [pb.EVIDENCE_PROBLEM_KIND_CHAIN_LINK_BROKEN]
    # the indexed outcome column is checked against the hashed body too
    _tamper(evidence_superuser_sql, "UPDATE training_evidence SET session_status = 'exhausted' WHERE evidence_id = %s",
            (records[0].evidence_id,))
    first = _verify_chain(evidence_stub, auditor_md, tenant).first_failure
    assert (first.evidence_id, first.kind) == (records[0].evidence_id, pb.EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH)
