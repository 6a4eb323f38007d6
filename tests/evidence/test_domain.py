"""The evidence service's rules on plain data: no database, no server."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import rfc8785

from services.evidence import domain
from services.evidence.domain import (
    CertificateStatus,
    ChainPass,
    Predecessor,
    ProblemKind,
    StoredRecord,
    Subject,
)
from shared.canonical import sha256_hex

NOW = datetime(2026, 2, 20, 9, 15, tzinfo=UTC)


def _record(sequence: int, previous_hash: str, status: str = "passed") -> StoredRecord:
    session_id, employee_id = str(uuid.uuid4()), str(uuid.uuid4())
    body = rfc8785.dumps({"session": {"sessionId": session_id, "employeeId": employee_id, "status": status},
                          "modules": [], "sequence": sequence})
    content_hash = sha256_hex(body)
    link = domain.next_link(sequence - 1, previous_hash, content_hash)
    return StoredRecord(evidence_id=str(uuid.uuid4()), session_id=session_id, employee_id=employee_id,
                        session_status=status, canonical_json=body, content_hash=content_hash,
                        chain_sequence=link.chain_sequence, previous_hash=link.previous_hash,
                        chain_hash=link.chain_hash)


def _chain(n: int) -> list[StoredRecord]:
    records, previous = [], ""
    for sequence in range(1, n + 1):
        records.append(_record(sequence, previous))
        previous = records[-1].chain_hash
    return records


def _verify(records: list[StoredRecord], marks=None, batch: int = 2) -> ChainPass:
    """Fed in small batches, so state carried from one batch to the next is exercised too."""
    verifier = ChainPass()
    rows = [domain.link_row(r) for r in records]
    for start in range(0, len(rows), batch):
        if not verifier.feed(rows[start:start + batch], marks):
            break
    return verifier


# ------------------------------------------------------------------------------------------- chain

def test_a_good_chain_verifies_to_its_head():
    records = _chain(4)
    verifier = _verify(records)
    assert verifier.first_failure is None and verifier.checked == 4
    assert verifier.head_hash == records[-1].chain_hash and verifier.last_evidence_id == records[-1].evidence_id
    assert verifier.head_problem(4, records[-1].chain_hash, upto=4) is None
    assert _verify([]).head_hash == "" and _verify([]).checked == 0


def test_first_link_hashes_onto_the_empty_previous_hash():
    first = _chain(1)[0]
    assert (first.chain_sequence, first.previous_hash) == (1, "")
    assert first.chain_hash == sha256_hex(first.content_hash.encode("ascii"))


def test_a_broken_link_is_named_at_the_record_that_breaks_it():
    records = _chain(4)
    # records[2] rewritten consistently with itself: its own chain hash is right, its link is not
    forged_previous = "f" * 64
    records[2] = replace(records[2], previous_hash=forged_previous,
                         chain_hash=domain.next_link(2, forged_previous, records[2].content_hash).chain_hash)
    verifier = _verify(records)
    assert verifier.checked == 3
    assert verifier.first_failure.evidence_id == records[2].evidence_id
    assert verifier.first_failure.kind is ProblemKind.CHAIN_LINK_BROKEN


def test_a_gap_is_a_sequence_gap():
    records = _chain(4)
    del records[1]
    failure = _verify(records).first_failure
    assert (failure.evidence_id, failure.chain_sequence, failure.kind) == (records[1].evidence_id, 3,
                                                                           ProblemKind.SEQUENCE_GAP)
    # a chain must start at 1
    assert _verify(_chain(3)[1:]).first_failure.kind is ProblemKind.SEQUENCE_GAP


def test_trailing_records_removed_show_against_the_chain_head():
    records = _chain(3)
    verifier = _verify(records[:2])
    problem = verifier.head_problem(3, records[2].chain_hash, upto=2)
    assert (problem.evidence_id, problem.chain_sequence, problem.kind) == ("", 3, ProblemKind.SEQUENCE_GAP)
    rewritten_head = verifier.head_problem(2, "0" * 64, upto=2)
    assert rewritten_head.kind is ProblemKind.CHAIN_LINK_BROKEN
    assert rewritten_head.evidence_id == records[1].evidence_id


def _mark(record: StoredRecord, head_hash: str | None = None, valid: bool = True) -> domain.Mark:
    return domain.Mark(record.chain_sequence, head_hash or record.chain_hash, "2026-02-20T09:15:00.000Z",
                       "k" * 16, valid)


def test_checkpoints_on_the_way_must_match_the_recomputed_head():
    records = _chain(6)
    marks = {2: _mark(records[1]), 4: _mark(records[3])}
    verifier = _verify(records, marks)
    assert verifier.first_failure is None and verifier.checkpoints_checked == 2 and verifier.checked == 6
    # a rewrite recomputed consistently inside the "database" still differs from what was signed
    forged = _chain(6)
    forged[:2] = records[:2]
    previous = records[1].chain_hash
    for i in range(2, 6):
        forged[i] = _record(i + 1, previous)
        previous = forged[i].chain_hash
    failure = _verify(forged, marks).first_failure
    assert (failure.kind, failure.chain_sequence, failure.evidence_id) == (
        ProblemKind.CHECKPOINT_MISMATCH, 4, forged[3].evidence_id)
    assert "records 3..4" in failure.detail


def test_an_unverifiable_checkpoint_is_invalid():
    records = _chain(3)
    failure = _verify(records, {2: _mark(records[1], valid=False)}).first_failure
    assert (failure.kind, failure.chain_sequence) == (ProblemKind.CHECKPOINT_INVALID, 2)


def test_truncation_against_the_newest_checkpoint():
    records = _chain(5)
    verifier = _verify(records[:3])
    problem = verifier.truncation_problem(_mark(records[4]))
    assert (problem.kind, problem.chain_sequence, problem.evidence_id) == (ProblemKind.TRUNCATED, 5, "")
    assert verifier.truncation_problem(_mark(records[2])) is None
    assert verifier.truncation_problem(None) is None
    assert verifier.truncation_problem(_mark(records[4], valid=False)).kind is ProblemKind.CHECKPOINT_INVALID


def test_a_pass_anchored_at_a_checkpoint_hashes_only_what_follows():
    records = _chain(5)
    verifier = ChainPass(2, records[1].chain_hash)
    assert verifier.feed([domain.link_row(r) for r in records[2:]])
    assert (verifier.checked, verifier.head_sequence, verifier.head_hash) == (3, 5, records[4].chain_hash)
    wrong_anchor = ChainPass(2, "0" * 64)
    assert not wrong_anchor.feed([domain.link_row(r) for r in records[2:]])
    assert wrong_anchor.first_failure.kind is ProblemKind.CHAIN_LINK_BROKEN
    assert "head of the checkpoint at 2" in wrong_anchor.first_failure.detail
    missing = ChainPass(2, records[1].chain_hash)
    assert not missing.feed([domain.link_row(r) for r in records[3:]])
    assert missing.first_failure.kind is ProblemKind.SEQUENCE_GAP


def test_content_hash_mismatch():
    records = _chain(3)
    tampered = bytes(records[1].canonical_json).replace(b'"modules":[]', b'"modules":[1]')
    records[1] = replace(records[1], canonical_json=tampered)
    failure = _verify(records).first_failure
    assert (failure.evidence_id, failure.kind) == (records[1].evidence_id, ProblemKind.CONTENT_HASH_MISMATCH)
    assert domain.content_problems(records[1])[0].kind is ProblemKind.CONTENT_HASH_MISMATCH


def test_content_problems_check_canonical_form_and_indexed_columns():
    record = _chain(1)[0]
    assert domain.content_problems(record) == []
    spaced = b" " + bytes(record.canonical_json)  # the same JSON value, not RFC 8785 bytes
    respaced = replace(record, canonical_json=spaced, content_hash=sha256_hex(spaced))
    [problem] = domain.content_problems(respaced)
    assert problem.kind is ProblemKind.CONTENT_HASH_MISMATCH and "canonical" in problem.detail
    assert domain.content_problems(respaced, check_canonical_form=False) == []  # whole-chain mode skips it
    [column] = domain.content_problems(replace(record, session_status="exhausted"))
    assert "columns" in column.detail
    unreadable = b"[1]"
    assert domain.content_problems(replace(record, canonical_json=unreadable, content_hash=sha256_hex(unreadable)))


def test_link_problems():
    first, second = _chain(2)
    assert domain.link_problems(first, None) == []
    assert domain.link_problems(second, Predecessor(1, first.chain_hash)) == []
    assert [p.kind for p in domain.link_problems(second, None)] == [ProblemKind.SEQUENCE_GAP]
    assert [p.kind for p in domain.link_problems(second, Predecessor(1, "a" * 64))] == [ProblemKind.CHAIN_LINK_BROKEN]
    assert [p.kind for p in domain.link_problems(replace(second, chain_hash="b" * 64),
                                                 Predecessor(1, first.chain_hash))] == [ProblemKind.CHAIN_HASH_MISMATCH]
    assert domain.record_problems(second, Predecessor(1, first.chain_hash)) == []


# ------------------------------------------------------------------------------------ certificates

def test_derived_status_revoked_wins_then_expired_by_time_or_event():
    later, earlier = NOW + timedelta(days=1), NOW - timedelta(seconds=1)
    assert domain.derived_status(statuses={"active"}, expires_at=None, now=NOW) is CertificateStatus.ACTIVE
    assert domain.derived_status(statuses={"active"}, expires_at=later, now=NOW) is CertificateStatus.ACTIVE
    assert domain.derived_status(statuses={"active"}, expires_at=earlier, now=NOW) is CertificateStatus.EXPIRED
    assert domain.derived_status(statuses={"active"}, expires_at=NOW, now=NOW) is CertificateStatus.EXPIRED
    assert domain.derived_status(statuses={"active", "expired"}, expires_at=later, now=NOW) is CertificateStatus.EXPIRED
    assert domain.derived_status(statuses={"active", "expired", "revoked"}, expires_at=earlier,
                                 now=NOW) is CertificateStatus.REVOKED
    assert domain.derived_status(statuses={"active", "revoked"}, expires_at=None, now=NOW) is CertificateStatus.REVOKED


def test_verification_reason():
    assert domain.verification_reason(signature_ok=False, status=CertificateStatus.ACTIVE) == "signature_invalid"
    assert domain.verification_reason(signature_ok=True, status=CertificateStatus.REVOKED) == "revoked"
    assert domain.verification_reason(signature_ok=True, status=CertificateStatus.EXPIRED) == "expired"
    assert domain.verification_reason(signature_ok=True, status=CertificateStatus.ACTIVE) == ""
    assert domain.verification_reason(signature_ok=True, status=None) == ""


@pytest.mark.parametrize("subject", [Subject("course", str(uuid.uuid4()), 3),
                                     Subject("learning_path", str(uuid.uuid4()), 1)])
def test_certificate_payload_round_trips_through_parse_payload(subject):
    ids = {"certificate_id": str(uuid.uuid4()), "tenant_id": "t-1", "recipient_id": str(uuid.uuid4())}
    payload = domain.certificate_payload(**ids, subject=subject, issue_time="2026-02-20T09:15:00.000Z",
                                         expire_time=None, signing_key_id="0123456789abcdef")
    assert rfc8785.dumps(json.loads(payload)) == payload  # what is signed is canonical
    fields = domain.parse_payload(payload)
    assert (fields["certificateId"], fields["tenantId"], fields["recipientId"]) == tuple(ids.values())
    assert fields["signingKeyId"] == "0123456789abcdef" and fields["expireTime"] is None
    course = {"courseId": subject.subject_id, "version": subject.version}
    path = {"learningPathId": subject.subject_id, "version": subject.version}
    assert (fields["course"], fields["learningPath"]) == ((course, None) if subject.kind == "course" else (None, path))


@pytest.mark.parametrize("payload", [b"not json", b"[]", b'{"payloadType":"other"}',
                                     b'{"payloadType":"learning.certificate","certificateId":1}'])
def test_parse_payload_refuses_what_is_not_a_certificate_payload(payload):
    assert domain.parse_payload(payload) is None


# ----------------------------------------------------------------------------------------- readers

def test_learner_only_rule():
    me = str(uuid.uuid4())
    assert domain.learner_only(frozenset({"learner"}))
    for privileged in ("auditor", "admin", "service"):
        roles = frozenset({"learner", privileged})
        assert not domain.learner_only(roles)
        assert domain.own_recipient_id(roles, me) is None
        assert domain.may_read_certificate(roles, me, str(uuid.uuid4()))
        assert domain.may_read_certificate(roles, me, None)
    learner = frozenset({"learner"})
    assert domain.own_recipient_id(learner, me.upper()) == me  # one spelling
    assert domain.may_read_certificate(learner, me, me)
    assert domain.may_read_certificate(learner, me.upper(), me)
    assert not domain.may_read_certificate(learner, me, str(uuid.uuid4()))
    assert not domain.may_read_certificate(learner, me, None)  # unknown looks like someone else's
    assert domain.own_recipient_id(learner, "learner-7") == ""  # a subject that is no UUID owns nothing
    assert not domain.may_read_certificate(learner, "learner-7", "learner-7")
