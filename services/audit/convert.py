"""Stored events and verification verdicts -> protos, and the failure-kind enum map."""

from __future__ import annotations

from learning.audit.v1 import audit_service_pb2 as pb
from services.audit import domain
from shared.timeutil import to_timestamp

FAILURE_KINDS = {
    domain.FailureKind.CONTENT_CHANGED: pb.VERIFICATION_FAILURE_KIND_CONTENT_CHANGED,
    domain.FailureKind.LINK_BROKEN: pb.VERIFICATION_FAILURE_KIND_LINK_BROKEN,
    domain.FailureKind.SEQUENCE_GAP: pb.VERIFICATION_FAILURE_KIND_SEQUENCE_GAP,
}


def event(row: domain.StoredRow) -> pb.AuditEvent:
    e = row.event
    c = e.content
    message = pb.AuditEvent(
        event_id=c.event_id, tenant_id=c.tenant_id, actor_id=c.actor_id, action=c.action,
        subject_type=c.subject_type, subject_id=c.subject_id, occur_time=to_timestamp(c.occur_time),
        source_service=c.source_service, sequence=e.sequence, previous_hash=e.previous_hash,
        event_hash=e.event_hash, record_time=to_timestamp(row.record_time),
    )
    message.payload.update(c.payload)
    return message


def failure(value: domain.Failure) -> pb.VerificationFailure:
    return pb.VerificationFailure(sequence=value.sequence, event_id=value.event_id,
                                  kind=FAILURE_KINDS[value.kind], detail=value.detail)


def verification(verifier: domain.ChainVerifier) -> pb.VerifyAuditLogResponse:
    """The verdict; first_failure stays unset when the chain verifies."""
    response = pb.VerifyAuditLogResponse(valid=verifier.failure is None, events_checked=verifier.checked)
    if verifier.failure is not None:
        response.first_failure.CopyFrom(failure(verifier.failure))
    return response
