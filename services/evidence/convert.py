"""Rows <-> protos for the evidence service, plus the audit events certificates cause."""

from __future__ import annotations

import json
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.engine import Row

from learning.audit.v1 import audit_service_pb2
from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence import body as evidence_body
from services.evidence.domain import CertificateStatus, Problem, ProblemKind, StoredRecord, derived_status
from shared.timeutil import to_timestamp

CERTIFICATE_STATUS = {CertificateStatus.ACTIVE: pb.CERTIFICATE_STATUS_ACTIVE,
                      CertificateStatus.REVOKED: pb.CERTIFICATE_STATUS_REVOKED,
                      CertificateStatus.EXPIRED: pb.CERTIFICATE_STATUS_EXPIRED}
STATUS_FILTER = {pb.CERTIFICATE_STATUS_ACTIVE: "active", pb.CERTIFICATE_STATUS_REVOKED: "revoked",
                 pb.CERTIFICATE_STATUS_EXPIRED: "expired"}
PROBLEM_KIND = {ProblemKind.CONTENT_HASH_MISMATCH: pb.EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH,
                ProblemKind.CHAIN_LINK_BROKEN: pb.EVIDENCE_PROBLEM_KIND_CHAIN_LINK_BROKEN,
                ProblemKind.SEQUENCE_GAP: pb.EVIDENCE_PROBLEM_KIND_SEQUENCE_GAP,
                ProblemKind.CHAIN_HASH_MISMATCH: pb.EVIDENCE_PROBLEM_KIND_CHAIN_HASH_MISMATCH}


def _ts(value: datetime) -> Timestamp:
    return to_timestamp(value)


# ------------------------------------------------------------------------------------------ evidence

def training_evidence(row: Row, body: pb.EvidenceBody | None = None) -> pb.TrainingEvidence:
    """The stored record; the body is rebuilt from the stored canonical bytes (the hashed truth)."""
    if body is None:
        body = evidence_body.from_canonical(json.loads(row.canonical_json))
    return pb.TrainingEvidence(
        evidence_id=str(row.evidence_id), tenant_id=row.tenant_id, session_id=str(row.session_id),
        employee_id=str(row.employee_id), schema_version=row.schema_version, evidence=body,
        content_hash=row.content_hash, generate_time=_ts(row.generated_at), chain_sequence=row.chain_sequence,
        previous_hash=row.previous_hash, chain_hash=row.chain_hash)


def export(row: Row) -> spb.ExportTrainingEvidenceResponse:
    return spb.ExportTrainingEvidenceResponse(
        evidence_id=str(row.evidence_id), session_id=str(row.session_id), schema_version=row.schema_version,
        canonical_json=bytes(row.canonical_json), content_hash=row.content_hash, chain_sequence=row.chain_sequence,
        previous_hash=row.previous_hash, chain_hash=row.chain_hash, generate_time=_ts(row.generated_at))


def stored_record(row: Row) -> StoredRecord:
    return StoredRecord(
        evidence_id=str(row.evidence_id), session_id=str(row.session_id), employee_id=str(row.employee_id),
        session_status=row.session_status, canonical_json=bytes(row.canonical_json), content_hash=row.content_hash,
        chain_sequence=row.chain_sequence, previous_hash=row.previous_hash, chain_hash=row.chain_hash)


def problem(p: Problem) -> pb.EvidenceProblem:
    return pb.EvidenceProblem(evidence_id=p.evidence_id, chain_sequence=p.chain_sequence,
                              kind=PROBLEM_KIND[p.kind], detail=p.detail)


# -------------------------------------------------------------------------------------- certificates

def certificate(row: Row, history: list[Row], now: datetime) -> pb.Certificate:
    status = derived_status(statuses={e.status for e in history}, expires_at=row.expires_at, now=now)
    message = pb.Certificate(
        certificate_id=str(row.certificate_id), tenant_id=row.tenant_id, recipient_id=str(row.recipient_id),
        issue_time=_ts(row.issued_at), status=CERTIFICATE_STATUS[status], signature=bytes(row.signature),
        signing_key_id=row.signing_key_id, canonical_payload=bytes(row.canonical_payload),
        history=[status_event(e) for e in history])
    if row.expires_at is not None:
        message.expire_time.CopyFrom(_ts(row.expires_at))
    if row.subject_type == "course":
        message.course.CopyFrom(common_pb2.CourseVersionRef(course_id=str(row.subject_id), version=row.subject_version))
    else:
        message.learning_path.CopyFrom(
            common_pb2.LearningPathVersionRef(learning_path_id=str(row.subject_id), version=row.subject_version))
    return message


def status_event(row: Row) -> pb.CertificateStatusEvent:
    return pb.CertificateStatusEvent(status=CERTIFICATE_STATUS[CertificateStatus(row.status)],
                                     event_time=_ts(row.event_time), actor_id=row.actor_id, reason=row.reason)


def certificate_audit_event(*, event_id: str, tenant_id: str, action: str, actor_id: str, occurred_at: datetime,
                            certificate: Row, reason: str = "") -> audit_service_pb2.AuditEvent:
    """The audit event of a status change; its id is the status event's id (idempotent redelivery)."""
    payload: dict = {"recipient_id": str(certificate.recipient_id), "subject_type": certificate.subject_type,
                     "subject_version": certificate.subject_version}
    payload["course_id" if certificate.subject_type == "course" else "learning_path_id"] = str(certificate.subject_id)
    if reason:
        payload["reason"] = reason
    event = audit_service_pb2.AuditEvent(
        event_id=event_id, tenant_id=tenant_id, actor_id=actor_id, action=action, subject_type="certificate",
        subject_id=str(certificate.certificate_id), occur_time=_ts(occurred_at), source_service="evidence")
    event.payload.update(payload)
    return event
