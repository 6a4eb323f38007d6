"""Stored events, verification verdicts and checkpoints -> protos, and the failure-kind enum map."""

from __future__ import annotations

from learning.audit.v1 import audit_service_pb2 as pb
from learning.common.v1 import common_pb2
from services.audit import domain
from services.audit.verification import Verdict
from shared.checkpoints import Checkpoint, TrustedKeys
from shared.signing import ALGORITHM
from shared.timeutil import to_timestamp

FAILURE_KINDS = {
    domain.FailureKind.CONTENT_CHANGED: pb.VERIFICATION_FAILURE_KIND_CONTENT_CHANGED,
    domain.FailureKind.LINK_BROKEN: pb.VERIFICATION_FAILURE_KIND_LINK_BROKEN,
    domain.FailureKind.SEQUENCE_GAP: pb.VERIFICATION_FAILURE_KIND_SEQUENCE_GAP,
    domain.FailureKind.CHECKPOINT_MISMATCH: pb.VERIFICATION_FAILURE_KIND_CHECKPOINT_MISMATCH,
    domain.FailureKind.TRUNCATED: pb.VERIFICATION_FAILURE_KIND_TRUNCATED,
    domain.FailureKind.CHECKPOINT_INVALID: pb.VERIFICATION_FAILURE_KIND_CHECKPOINT_INVALID,
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


def verification(verdict: Verdict) -> pb.VerifyAuditLogResponse:
    """The verdict; first_failure stays unset when the chain verifies."""
    response = pb.VerifyAuditLogResponse(
        valid=verdict.failure is None, events_checked=verdict.events_checked, head_sequence=verdict.head_sequence,
        head_hash=verdict.head_hash, checkpoints_checked=verdict.checkpoints_checked,
        events_content_checked=verdict.content_checked)
    if verdict.failure is not None:
        response.first_failure.CopyFrom(failure(verdict.failure))
    return response


def checkpoint(value: Checkpoint) -> common_pb2.Checkpoint:
    return common_pb2.Checkpoint(log=value.log, tenant_id=value.tenant_id, sequence=value.sequence,
                                 head_hash=value.head_hash, checkpoint_time=to_timestamp(value.time),
                                 key_id=value.key_id, canonical_payload=value.payload, signature=value.signature)


def checkpoint_keys(trusted: TrustedKeys) -> list[common_pb2.CheckpointKey]:
    """The current signing key first, then the retired ones still trusted."""
    return [common_pb2.CheckpointKey(key_id=key_id, algorithm=ALGORITHM, public_key_pem=pem,
                                     current=key_id == trusted.current.key_id)
            for key_id, pem in trusted.pems.items()]


def exported(row: tuple[int, str, bytes, str, str]) -> pb.ExportAuditRecordsResponse:
    sequence, event_id, canonical, event_hash, previous_hash = row
    return pb.ExportAuditRecordsResponse(sequence=sequence, event_id=event_id, canonical_json=canonical,
                                         event_hash=event_hash, previous_hash=previous_hash)
