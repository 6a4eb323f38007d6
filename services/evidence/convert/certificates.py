"""Certificates -> protos, the status enum maps, and the payload of a status change's audit event."""

from __future__ import annotations

from datetime import datetime

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as pb
from services.evidence.domain import CertificateStatus, derived_status, is_manual_award
from shared.sql import Row
from shared.timeutil import to_timestamp

CERTIFICATE_STATUS = {CertificateStatus.ACTIVE: pb.CERTIFICATE_STATUS_ACTIVE,
                      CertificateStatus.REVOKED: pb.CERTIFICATE_STATUS_REVOKED,
                      CertificateStatus.EXPIRED: pb.CERTIFICATE_STATUS_EXPIRED}
STATUS_FILTER = {value: status.value for status, value in CERTIFICATE_STATUS.items()}


def certificate(row: Row, history: list[Row], now: datetime) -> pb.Certificate:
    status = derived_status(statuses={e.status for e in history}, expires_at=row.expires_at, now=now)
    message = pb.Certificate(
        certificate_id=str(row.certificate_id), tenant_id=row.tenant_id, recipient_id=str(row.recipient_id),
        issue_time=to_timestamp(row.issued_at), status=CERTIFICATE_STATUS[status], signature=bytes(row.signature),
        signing_key_id=row.signing_key_id, canonical_payload=bytes(row.canonical_payload),
        history=[status_event(e) for e in history], manual_award=is_manual_award(bytes(row.canonical_payload)))
    if row.expires_at is not None:
        message.expire_time.CopyFrom(to_timestamp(row.expires_at))
    if row.subject_type == "course":
        message.course.CopyFrom(common_pb2.CourseVersionRef(course_id=str(row.subject_id), version=row.subject_version))
    else:
        message.learning_path.CopyFrom(
            common_pb2.LearningPathVersionRef(learning_path_id=str(row.subject_id), version=row.subject_version))
    return message


def status_event(row: Row) -> pb.CertificateStatusEvent:
    return pb.CertificateStatusEvent(status=CERTIFICATE_STATUS[CertificateStatus(row.status)],
                                     event_time=to_timestamp(row.event_time), actor_id=row.actor_id, reason=row.reason)


def signing_key(key_id: str, algorithm: str, public_key_pem: str) -> pb.SigningKey:
    return pb.SigningKey(key_id=key_id, algorithm=algorithm, public_key_pem=public_key_pem)


def audit_payload(certificate: Row, reason: str = "") -> dict:
    """What the audit event of a status change says about the certificate (contract: recipient, the
    course/path version ref, the reason; manual_award for an admin's manual award)."""
    payload: dict = {"recipient_id": str(certificate.recipient_id), "subject_type": certificate.subject_type,
                     "subject_version": certificate.subject_version}
    payload["course_id" if certificate.subject_type == "course" else "learning_path_id"] = str(certificate.subject_id)
    if reason:
        payload["reason"] = reason
    if is_manual_award(bytes(certificate.canonical_payload)):  # an admin's award, not an observed completion
        payload["manual_award"] = True
    return payload
