"""The chain read whole: ExportEvidenceRecords (the exact stored bytes, checkable offline), verification of a range
from the checkpoint before it, and the content check of columns against bodies (sampled, or in full)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence.api.chain import CONTENT_SAMPLE
from tests.evidence import builders
from tests.evidence.checkpointing import rewrite_and_rehash, sign_now, tamper


def _record(stub, md, tenant, n):
    return [stub.RecordTrainingEvidence(builders.request(tenant, modules=1, questions=1), metadata=md)
            .training_evidence for _ in range(n)]


def _export(stub, md, tenant, **fields):
    return list(stub.ExportEvidenceRecords(spb.ExportEvidenceRecordsRequest(tenant_id=tenant, **fields), metadata=md))


def _verify(stub, md, tenant, **fields):
    return stub.VerifyEvidenceChain(spb.VerifyEvidenceChainRequest(tenant_id=tenant, **fields), metadata=md)


def _ts(moment: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(moment)
    return ts


def test_export_streams_the_exact_bytes_in_chain_order(evidence_stub, service_md, auditor_md, admin_md, tenant):
    records = _record(evidence_stub, service_md, tenant, 5)
    exported = _export(evidence_stub, auditor_md, tenant)
    assert [(e.evidence_id, e.chain_sequence) for e in exported] == [(r.evidence_id, r.chain_sequence)
                                                                    for r in records]
    previous = ""
    for item in exported:  # checkable with nothing but SHA-256
        assert hashlib.sha256(item.canonical_json).hexdigest() == item.content_hash
        assert item.previous_hash == previous
        assert hashlib.sha256((item.previous_hash + item.content_hash).encode()).hexdigest() == item.chain_hash
        previous = item.chain_hash
    assert [e.chain_sequence for e in _export(evidence_stub, admin_md, tenant, from_sequence=2, to_sequence=4)] == [
        2, 3, 4]
    assert [e.chain_sequence for e in _export(evidence_stub, auditor_md, tenant, from_sequence=4)] == [4, 5]
    assert _export(evidence_stub, auditor_md, tenant, from_sequence=9) == []


def test_export_by_generate_time(evidence_stub, service_md, auditor_md, tenant):
    records = _record(evidence_stub, service_md, tenant, 3)
    times = [r.generate_time.ToDatetime(UTC) for r in records]
    inside = common_pb2.TimeRange(start_time=_ts(times[1]), end_time=_ts(times[2] + timedelta(milliseconds=1)))
    assert [e.chain_sequence for e in _export(evidence_stub, auditor_md, tenant, generate_time_range=inside)] == [2, 3]
    later = common_pb2.TimeRange(start_time=_ts(times[2] + timedelta(days=1)))
    assert _export(evidence_stub, auditor_md, tenant, generate_time_range=later) == []


def test_export_is_for_auditors_and_admins_and_checks_its_range(evidence_stub, service_md, auditor_md, tenant):
    with pytest.raises(grpc.RpcError) as error:
        _export(evidence_stub, service_md, tenant)
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    for fields in ({"from_sequence": -1}, {"to_sequence": -2}, {"from_sequence": 5, "to_sequence": 3},
                   {"generate_time_range": common_pb2.TimeRange(start_time=_ts(datetime(2026, 1, 2, tzinfo=UTC)),
                                                                end_time=_ts(datetime(2026, 1, 1, tzinfo=UTC)))}):
        with pytest.raises(grpc.RpcError) as error:
            _export(evidence_stub, auditor_md, tenant, **fields)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT, fields


def test_a_range_is_verified_from_the_checkpoint_before_it(evidence_stub, evidence_db, evidence_checkpoint_key,
                                                           evidence_superuser_sql, service_md, auditor_md, tenant):
    records = _record(evidence_stub, service_md, tenant, 4)
    assert sign_now(evidence_db, tenant, evidence_checkpoint_key)
    records += _record(evidence_stub, service_md, tenant, 3)
    # a client that remembered sequence 4 re-hashes only what came after the checkpoint there
    result = _verify(evidence_stub, auditor_md, tenant, from_sequence=5)
    assert (result.valid, result.records_checked, result.head_sequence, result.head_chain_hash) == (
        True, 3, 7, records[-1].chain_hash)
    assert result.checkpoints_checked == 1 and result.records_content_checked == 3
    upto = _verify(evidence_stub, auditor_md, tenant, from_sequence=6, to_sequence=6)
    assert (upto.valid, upto.records_checked, upto.head_sequence) == (True, 2, 6)
    # a rewrite before the checkpoint is outside the range ...
    rewrite_and_rehash(evidence_superuser_sql, tenant, 2, lambda body: body.replace(b"Three quotes", b"Two quotes", 1))
    late = _verify(evidence_stub, auditor_md, tenant, from_sequence=5)
    assert late.first_failure.kind == pb.EVIDENCE_PROBLEM_KIND_CHAIN_LINK_BROKEN  # 5 no longer links to the signed 4
    assert "head of the checkpoint at 4" in late.first_failure.detail
    # ... and within the range of the whole chain
    whole = _verify(evidence_stub, auditor_md, tenant)
    assert (whole.first_failure.kind, whole.first_failure.chain_sequence) == (
        pb.EVIDENCE_PROBLEM_KIND_CHECKPOINT_MISMATCH, 4)


def test_columns_are_checked_against_bodies_in_a_sample_or_in_full(evidence_stub, evidence_superuser_sql,
                                                                   service_md, auditor_md, tenant):
    records = _record(evidence_stub, service_md, tenant, CONTENT_SAMPLE + 6)
    sampled = _verify(evidence_stub, auditor_md, tenant)
    assert sampled.valid and sampled.records_content_checked == CONTENT_SAMPLE
    assert sampled.records_checked == len(records)
    full = _verify(evidence_stub, auditor_md, tenant, full_content_check=True)
    assert full.valid and full.records_content_checked == len(records)
    # an outcome column changed without its hashed body: every hash still holds, only the content check sees it
    victim = records[CONTENT_SAMPLE // 2]
    tamper(evidence_superuser_sql, "UPDATE training_evidence SET session_status = 'exhausted' "
           "WHERE tenant_id = %s AND evidence_id = %s", (tenant, victim.evidence_id))
    found = _verify(evidence_stub, auditor_md, tenant, full_content_check=True)
    assert (found.first_failure.evidence_id, found.first_failure.kind) == (
        victim.evidence_id, pb.EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH)
    assert found.records_checked == victim.chain_sequence and found.records_content_checked == victim.chain_sequence
