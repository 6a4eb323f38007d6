"""Evidence and certificate rules on plain data (no I/O, no protos): the chain and its verification,
list criteria, certificate payloads, derived certificate status, and who may read which certificate.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import rfc8785

from shared.auth import ADMIN, AUDITOR, LEARNER, SERVICE
from shared.canonical import canonical_json, chain_hash, sha256_hex
from shared.validation import canonical_uuid

#: The evidence body schema this service writes (a request's schema_version 0 means this one).
CURRENT_SCHEMA_VERSION = 1


# ------------------------------------------------------------------------------------ evidence chain

@dataclass(frozen=True)
class Link:
    """Where a record joins its tenant's chain."""

    chain_sequence: int
    previous_hash: str
    chain_hash: str


@dataclass(frozen=True)
class NewEvidence:
    """A training evidence record about to be appended to its tenant's chain (the store links it to the chain
    head as it appends: chain_sequence, previous_hash and chain_hash as next_link computes them)."""

    tenant_id: str
    evidence_id: str
    session_id: str
    employee_id: str
    schema_version: int
    session_status: str
    canonical_json: bytes
    content_hash: str
    generated_at: datetime


def next_link(last_sequence: int, last_chain_hash: str, content_hash: str) -> Link:
    """The link of a record appended after the chain head (last_sequence 0 and "" for an empty chain)."""
    return Link(last_sequence + 1, last_chain_hash, chain_hash(last_chain_hash, content_hash))


class ProblemKind(enum.Enum):
    CONTENT_HASH_MISMATCH = 1
    CHAIN_LINK_BROKEN = 2
    SEQUENCE_GAP = 3
    CHAIN_HASH_MISMATCH = 4
    CHECKPOINT_MISMATCH = 5
    TRUNCATED = 6
    CHECKPOINT_INVALID = 7


@dataclass(frozen=True)
class Problem:
    evidence_id: str
    chain_sequence: int
    kind: ProblemKind
    detail: str


@dataclass(frozen=True)
class StoredRecord:
    """What verification needs of one stored evidence row."""

    evidence_id: str
    session_id: str
    employee_id: str
    session_status: str
    canonical_json: bytes
    content_hash: str
    chain_sequence: int
    previous_hash: str
    chain_hash: str


@dataclass(frozen=True)
class Predecessor:
    chain_sequence: int
    chain_hash: str


def content_problems(record: StoredRecord, *, check_canonical_form: bool = True) -> list[Problem]:
    """The stored bytes must hash to content_hash, agree with the indexed columns, and (optionally) be in
    RFC 8785 form. Re-canonicalizing costs ~1 ms per record in pure Python, so whole-chain verification
    skips it: bytes rewritten together with their hash already break the chain hash or the next link."""
    def problem(detail: str) -> Problem:
        return Problem(record.evidence_id, record.chain_sequence, ProblemKind.CONTENT_HASH_MISMATCH, detail)

    actual = sha256_hex(record.canonical_json)
    if actual != record.content_hash:
        return [problem(f"sha256 of the stored canonical JSON is {actual}, stored content_hash is "
                        f"{record.content_hash}")]
    try:
        value = json.loads(record.canonical_json)
        canonical = not check_canonical_form or canonical_json(value) == record.canonical_json
        session = value["session"]
        columns = (session["sessionId"], session["employeeId"], session["status"])
    except (ValueError, KeyError, TypeError, rfc8785.CanonicalizationError) as exc:
        return [problem(f"the stored body is not a readable evidence body: {exc}")]
    if not canonical:
        return [problem("the stored body is not in RFC 8785 canonical form")]
    if columns != (record.session_id, record.employee_id, record.session_status):
        return [problem("the record's session_id / employee_id / status columns differ from its hashed body")]
    return []


def link_problems(record: StoredRecord, predecessor: Predecessor | None) -> list[Problem]:
    """Sequence continuity, link to the predecessor, and the record's own chain hash."""
    problems: list[Problem] = []
    seq = record.chain_sequence

    def add(kind: ProblemKind, detail: str) -> None:
        problems.append(Problem(record.evidence_id, seq, kind, detail))

    expected_previous = ""
    if seq == 1:
        pass
    elif predecessor is None or predecessor.chain_sequence != seq - 1:
        found = "none" if predecessor is None else str(predecessor.chain_sequence)
        add(ProblemKind.SEQUENCE_GAP, f"expected chain_sequence {seq - 1} before {seq}, found {found}")
        expected_previous = None  # unknown: the link cannot be judged
    else:
        expected_previous = predecessor.chain_hash
    if seq < 1:
        add(ProblemKind.SEQUENCE_GAP, f"chain_sequence {seq} is below 1")
    if expected_previous is not None and record.previous_hash != expected_previous:
        add(ProblemKind.CHAIN_LINK_BROKEN,
            f"previous_hash is {record.previous_hash!r}, predecessor's chain_hash is {expected_previous!r}")
    recomputed = chain_hash(record.previous_hash, record.content_hash)
    if recomputed != record.chain_hash:
        add(ProblemKind.CHAIN_HASH_MISMATCH, f"chain_hash is {record.chain_hash}, "
            f"sha256(previous_hash + content_hash) is {recomputed}")
    return problems


def record_problems(record: StoredRecord, predecessor: Predecessor | None) -> list[Problem]:
    return content_problems(record) + link_problems(record, predecessor)


#: One record as the hashing pass reads it:
#: (chain_sequence, evidence_id, canonical_json, content_hash, previous_hash, chain_hash).
LinkRow = tuple[int, str, bytes, str, str, str]


def link_row(record: StoredRecord) -> LinkRow:
    return (record.chain_sequence, record.evidence_id, record.canonical_json, record.content_hash,
            record.previous_hash, record.chain_hash)


@dataclass(frozen=True)
class Mark:
    """A stored signed checkpoint as verification uses it: what it states, and whether its signature
    verifies with a configured key over a payload that states exactly that (judged by the caller)."""

    sequence: int
    head_hash: str
    time: str  # as signed, "YYYY-MM-DDTHH:MM:SS.sssZ"
    key_id: str
    valid: bool


def invalid_checkpoint(mark: Mark, evidence_id: str = "") -> Problem:
    return Problem(evidence_id, mark.sequence, ProblemKind.CHECKPOINT_INVALID,
                   f"the checkpoint at {mark.sequence} (key {mark.key_id!r}, {mark.time}) does not verify with "
                   "any configured key: forged or damaged")


class ChainPass:
    """Re-hashes records in chain_sequence order from an anchor and holds them against the signed checkpoints.

    The anchor is the empty chain (0, "") or a verified checkpoint (its sequence and head hash), so a range
    is checked incrementally from the last checkpoint before it. Per record: sha256(canonical_json) must be
    content_hash, previous_hash the running head, sha256(previous_hash + content_hash) chain_hash, the
    sequence the next one; at a checkpoint's sequence the running head must be the signed head. The running
    head is computed here, never taken from the database, so a rewrite that recomputed every later hash
    (consistent inside the database) still misses the next checkpoint. Memory stays bounded: only the
    running head is kept. Records are fed in batches; hashlib does the work (no JSON is parsed here).
    """

    def __init__(self, anchor_sequence: int = 0, anchor_hash: str = "") -> None:
        self.anchor_sequence = anchor_sequence
        self.head_sequence = anchor_sequence
        self.head_hash = anchor_hash
        self.last_evidence_id = ""
        self.checked = 0
        self.checkpoints_checked = 0
        self.first_failure: Problem | None = None
        self._matched = anchor_sequence  # the last sequence a checkpoint (or the anchor) vouched for

    def feed(self, rows: Sequence[LinkRow], marks: Mapping[int, Mark] | None = None) -> bool:
        """Check a batch (in order, continuing the previous one) against the checkpoints within it; False
        once a failure is found (stop feeding). The failing record counts as checked."""
        if self.first_failure is not None:
            return False
        sha256 = hashlib.sha256
        expected, head = self.head_sequence + 1, self.head_hash
        marks = marks or {}
        for row in rows:
            sequence, evidence_id, body, content_hash, previous_hash, stored_chain_hash = row
            content = sha256(body).hexdigest()
            chain = sha256((head + content).encode()).hexdigest()
            if (sequence != expected or content != content_hash or previous_hash != head
                    or chain != stored_chain_hash):
                problem = self._diagnose(row, content, expected - 1, head)
                return self._stop(problem, expected, sequence, stored_chain_hash, evidence_id)
            mark = marks.get(sequence)
            if mark is not None:
                self.checkpoints_checked += 1
                problem = self._checkpoint_problem(mark, evidence_id, chain)
                if problem is not None:
                    return self._stop(problem, expected, sequence, chain, evidence_id)
                self._matched = sequence
            head, expected = chain, expected + 1
        if rows:
            self.last_evidence_id = rows[-1][1]
        self.checked += expected - 1 - self.head_sequence
        self.head_sequence, self.head_hash = expected - 1, head
        return True

    def _stop(self, problem: Problem, expected: int, sequence: int, head: str, evidence_id: str) -> bool:
        self.first_failure = problem
        self.checked += expected - self.head_sequence  # the records before it and the failing one
        self.head_sequence, self.head_hash, self.last_evidence_id = sequence, head, evidence_id
        return False

    def _checkpoint_problem(self, mark: Mark, evidence_id: str, chain: str) -> Problem | None:
        if not mark.valid:
            return invalid_checkpoint(mark, evidence_id)
        if mark.head_hash == chain:
            return None
        first = self._matched + 1
        return Problem(evidence_id, mark.sequence, ProblemKind.CHECKPOINT_MISMATCH,
                       f"records {first}..{mark.sequence} were rewritten after they were signed: the chain at "
                       f"{mark.sequence} ends in {chain}, the checkpoint signed at {mark.time} (key "
                       f"{mark.key_id!r}) says {mark.head_hash}" + (
                           f"; up to {self._matched} the chain matches what was signed" if self._matched else ""))

    def _diagnose(self, row: LinkRow, content: str, previous_sequence: int, previous: str) -> Problem:
        """What exactly is wrong with a record the fast comparison rejected (the first reason found)."""
        sequence, evidence_id, _, content_hash, previous_hash, stored_chain_hash = row

        def problem(kind: ProblemKind, detail: str) -> Problem:
            return Problem(evidence_id, sequence, kind, detail)

        if sequence != previous_sequence + 1:
            if previous_sequence == 0:
                return problem(ProblemKind.SEQUENCE_GAP, f"the chain starts at chain_sequence {sequence}, not 1")
            return problem(ProblemKind.SEQUENCE_GAP,
                           f"expected chain_sequence {previous_sequence + 1} after {previous_sequence}, "
                           f"found {sequence}")
        if content != content_hash:
            return problem(ProblemKind.CONTENT_HASH_MISMATCH, f"sha256 of the stored canonical JSON is {content}, "
                           f"stored content_hash is {content_hash}")
        if previous_hash != previous:
            what = ("predecessor's chain_hash" if previous_sequence > self.anchor_sequence or not previous
                    else f"head of the checkpoint at {previous_sequence}")
            return problem(ProblemKind.CHAIN_LINK_BROKEN, f"previous_hash is {previous_hash!r}, the {what} is "
                           f"{previous!r}")
        return problem(ProblemKind.CHAIN_HASH_MISMATCH, f"chain_hash is {stored_chain_hash}, "
                       f"sha256(previous_hash + content_hash) is {chain_hash(previous_hash, content_hash)}")

    def truncation_problem(self, beyond: Mark | None) -> Problem | None:
        """After the whole chain was fed: the newest checkpoint, if it lies beyond the last record, proves
        that records (and the chain head) were removed, unless it does not verify itself."""
        if beyond is None or beyond.sequence <= self.head_sequence:
            return None
        self.checkpoints_checked += 1
        if not beyond.valid:
            return invalid_checkpoint(beyond)
        return Problem("", beyond.sequence, ProblemKind.TRUNCATED,
                       f"the chain ends at {self.head_sequence} but the checkpoint signed at {beyond.time} covers "
                       f"{beyond.sequence} records: records {self.head_sequence + 1}..{beyond.sequence} (and the "
                       "chain head) were removed")

    def head_problem(self, last_sequence: int, last_chain_hash: str, upto: int) -> Problem | None:
        """After feeding records up to `upto`: compare with the chain head the service keeps, which remembers
        how long the chain was, so trailing records removed show up here (the head row is mutable: a signed
        checkpoint is the stronger proof, see truncation_problem)."""
        if last_sequence > upto:
            return Problem("", last_sequence, ProblemKind.SEQUENCE_GAP,
                           f"the chain head records {last_sequence} records but only {upto} exist: "
                           "trailing records were removed")
        if last_sequence == upto and upto > 0 and last_chain_hash != self.head_hash:
            return Problem(self.last_evidence_id, upto, ProblemKind.CHAIN_LINK_BROKEN,
                           "the last record's chain_hash differs from the one the chain head remembers")
        return None


@dataclass(frozen=True)
class EvidenceFilter:
    """ListTrainingEvidence criteria."""

    employee_id: str | None
    start: datetime | None
    end: datetime | None
    statuses: tuple[str, ...]  # session statuses, sorted and distinct; empty = all


# -------------------------------------------------------------------------------------- certificates

class CertificateStatus(enum.Enum):
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


#: The audit action of entering each status (the ACTIVE event is written at issue).
STATUS_ACTION = {CertificateStatus.ACTIVE: "certificate.issued", CertificateStatus.REVOKED: "certificate.revoked",
                 CertificateStatus.EXPIRED: "certificate.expired"}

SYSTEM_ACTOR = "system"
PAYLOAD_TYPE = "learning.certificate"
PAYLOAD_VERSION = 1
AWARD_KIND, MANUAL_AWARD = "awardKind", "manual"  # present only in the payload of a manual award


@dataclass(frozen=True)
class Subject:
    kind: str  # "course" | "learning_path"
    subject_id: str
    version: int


def certificate_payload(*, certificate_id: str, tenant_id: str, recipient_id: str, subject: Subject,
                        issue_time: str, expire_time: str | None, signing_key_id: str, manual: bool = False) -> bytes:
    """The canonical bytes a certificate signature covers (Certificate message comment). A manual award (an
    admin's, not observed by the progress service) says so under the signature; other payloads keep exactly
    the keys they always had, so certificates issued before manual awards existed read and verify unchanged."""
    course = {"courseId": subject.subject_id, "version": subject.version} if subject.kind == "course" else None
    path = ({"learningPathId": subject.subject_id, "version": subject.version}
            if subject.kind == "learning_path" else None)
    fields = {
        "payloadType": PAYLOAD_TYPE, "payloadVersion": PAYLOAD_VERSION, "certificateId": certificate_id,
        "tenantId": tenant_id, "recipientId": recipient_id, "course": course, "learningPath": path,
        "issueTime": issue_time, "expireTime": expire_time, "signingKeyId": signing_key_id,
    }
    if manual:
        fields[AWARD_KIND] = MANUAL_AWARD
    return rfc8785.dumps(fields)


def is_manual_award(payload: bytes) -> bool:
    """Whether a stored (signed) certificate payload is a manual award."""
    value = parse_payload(payload)
    return value is not None and value.get(AWARD_KIND) == MANUAL_AWARD


def parse_payload(payload: bytes) -> dict | None:
    """The presented payload's fields, or None when it is not a certificate payload of ours."""
    try:
        value = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(value, dict) or value.get("payloadType") != PAYLOAD_TYPE:
        return None
    fields = ("certificateId", "tenantId", "recipientId", "signingKeyId")
    if not all(isinstance(value.get(f), str) for f in fields):
        return None
    return value


@dataclass(frozen=True)
class CertificateFilter:
    """ListCertificates criteria."""

    recipient_id: str | None
    subject_type: str | None
    subject_id: str | None
    status: str | None  # a CertificateStatus value


def derived_status(*, statuses: set[str], expires_at: datetime | None, now: datetime) -> CertificateStatus:
    """REVOKED wins; then EXPIRED (event appended, or expire_time already passed); else ACTIVE."""
    if CertificateStatus.REVOKED.value in statuses:
        return CertificateStatus.REVOKED
    if CertificateStatus.EXPIRED.value in statuses or (expires_at is not None and expires_at <= now):
        return CertificateStatus.EXPIRED
    return CertificateStatus.ACTIVE


def verification_reason(*, signature_ok: bool, status: CertificateStatus | None) -> str:
    """Why a certificate does not verify ("" when it does); status None: no such certificate."""
    if not signature_ok:
        return "signature_invalid"
    if status is CertificateStatus.REVOKED:
        return "revoked"
    if status is CertificateStatus.EXPIRED:
        return "expired"
    return ""


# ----------------------------------------------------------------------------------------- readers

#: Roles that read every certificate of their tenant.
PRIVILEGED_READERS = frozenset({AUDITOR, ADMIN, SERVICE})


def learner_only(roles: frozenset[str]) -> bool:
    """A learner sees only its own certificates; any privileged role lifts that restriction."""
    return LEARNER in roles and not roles & PRIVILEGED_READERS


def own_recipient_id(roles: frozenset[str], subject: str) -> str | None:
    """None when the caller may read every certificate; for a learner, the one recipient_id it may read
    (its subject in the one lower-case UUID spelling; "" when the subject is no UUID: it owns none)."""
    return canonical_uuid(subject) if learner_only(roles) else None


def may_read_certificate(roles: frozenset[str], subject: str, recipient_id: str | None) -> bool:
    """Whether the caller may see a certificate of `recipient_id`; None: no such certificate, which a
    learner gets the same answer for as for another recipient's (existence stays hidden)."""
    own = own_recipient_id(roles, subject)
    return own is None or (bool(own) and recipient_id is not None and canonical_uuid(recipient_id) == own)
