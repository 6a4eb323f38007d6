"""Evidence and certificate rules on plain data (no I/O, no protos): the chain and its verification,
list criteria, certificate payloads, derived certificate status, and who may read which certificate.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import datetime

import rfc8785

from shared.auth import ADMIN, AUDITOR, LEARNER, SERVICE
from shared.canonical import chain_hash, sha256_hex
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
    """A training evidence record about to be appended to its tenant's chain."""

    tenant_id: str
    evidence_id: str
    session_id: str
    employee_id: str
    schema_version: int
    session_status: str
    canonical_json: bytes
    content_hash: str
    generated_at: datetime
    link: Link


def next_link(last_sequence: int, last_chain_hash: str, content_hash: str) -> Link:
    """The link of a record appended after the chain head (last_sequence 0 and "" for an empty chain)."""
    return Link(last_sequence + 1, last_chain_hash, chain_hash(last_chain_hash, content_hash))


class ProblemKind(enum.Enum):
    CONTENT_HASH_MISMATCH = 1
    CHAIN_LINK_BROKEN = 2
    SEQUENCE_GAP = 3
    CHAIN_HASH_MISMATCH = 4


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
        canonical = not check_canonical_form or rfc8785.dumps(value) == record.canonical_json
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


class ChainVerifier:
    """Feeds records in chain_sequence order; keeps only the predecessor, so memory stays bounded."""

    def __init__(self) -> None:
        self.checked = 0
        self.first_failure: Problem | None = None
        self.head_hash = ""
        self.last_evidence_id = ""
        self._previous: Predecessor | None = None

    def feed(self, record: StoredRecord) -> bool:
        """Check one record; False once a failure is found (stop feeding)."""
        self.checked += 1
        if self._previous is None and record.chain_sequence != 1:
            problems = [Problem(record.evidence_id, record.chain_sequence, ProblemKind.SEQUENCE_GAP,
                                f"the chain starts at chain_sequence {record.chain_sequence}, not 1")]
        else:
            problems = (content_problems(record, check_canonical_form=False)
                        + link_problems(record, self._previous))
        self.head_hash = record.chain_hash
        self.last_evidence_id = record.evidence_id
        self._previous = Predecessor(record.chain_sequence, record.chain_hash)
        if problems:
            self.first_failure = problems[0]
            return False
        return True

    def head_problem(self, last_sequence: int, last_chain_hash: str, upto: int) -> Problem | None:
        """After feeding records 1..upto: compare with the chain head the service keeps, which remembers
        how long the chain was, so trailing records removed show up here."""
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


@dataclass(frozen=True)
class Subject:
    kind: str  # "course" | "learning_path"
    subject_id: str
    version: int


def certificate_payload(*, certificate_id: str, tenant_id: str, recipient_id: str, subject: Subject,
                        issue_time: str, expire_time: str | None, signing_key_id: str) -> bytes:
    """The canonical bytes a certificate signature covers (Certificate message comment)."""
    course = {"courseId": subject.subject_id, "version": subject.version} if subject.kind == "course" else None
    path = ({"learningPathId": subject.subject_id, "version": subject.version}
            if subject.kind == "learning_path" else None)
    return rfc8785.dumps({
        "payloadType": PAYLOAD_TYPE, "payloadVersion": PAYLOAD_VERSION, "certificateId": certificate_id,
        "tenantId": tenant_id, "recipientId": recipient_id, "course": course, "learningPath": path,
        "issueTime": issue_time, "expireTime": expire_time, "signingKeyId": signing_key_id,
    })


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
