"""The outbox routes of the learning services, declared as data (see shared/outbox.Route).

A service lists the routes it sends on in its `main.py` (`outbox_relay(settings, db, outbox, [AUDIT])`)
and enqueues with `shared.outbox.enqueue(session, outbox, ROUTE, ...)`; the relay machine (claims,
leases, backoff, poison rows) is the same for every route. Add a route here when a service starts
sending a new kind of message.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import grpc
from sqlalchemy import Table

from learning.audit.v1 import audit_service_pb2
from learning.evidence.v1 import evidence_service_pb2
from learning.progress.v1 import progress_service_pb2
from shared.db import Session
from shared.outbox import PERMANENT_CODES, Route, enqueue
from shared.timeutil import to_timestamp, utcnow

#: Critical events (seed 000, "Audit Requirements") to AuditService.RecordEvents, in batches.
AUDIT = Route(
    destination="audit",
    service="audit",
    method="/learning.audit.v1.AuditService/RecordEvents",
    message_type=audit_service_pb2.AuditEvent,
    request_type=audit_service_pb2.RecordEventsRequest,
    response_type=audit_service_pb2.RecordEventsResponse,
    batch_field="events",
    # One event refused for what it says (an id recorded with other content, another service's name) must
    # not hold back the rest of its batch: retried row by row, that row stays pending with its last_error.
    permanent_codes=PERMANENT_CODES | {grpc.StatusCode.ALREADY_EXISTS, grpc.StatusCode.PERMISSION_DENIED},
)

#: Certificates for passed course versions, from progress to EvidenceService.IssueCertificate, one call
#: per row. The request carries a request_id derived from (tenant, learner, version) and evidence keeps
#: one certificate per learner and version, so a redelivery never issues a second one.
CERTIFICATES = Route(
    destination="evidence.certificates",
    service="evidence",
    method="/learning.evidence.v1.EvidenceService/IssueCertificate",
    message_type=evidence_service_pb2.IssueCertificateRequest,
    request_type=evidence_service_pb2.IssueCertificateRequest,
    response_type=evidence_service_pb2.IssueCertificateResponse,
)


#: Training evidence of a terminal session, from assessment to EvidenceService.RecordTrainingEvidence, one
#: call per row. Evidence keeps one record per (tenant, session) and answers a redelivery of the same body
#: with the stored record, so a retry never records twice.
TRAINING_EVIDENCE = Route(
    destination="evidence.training_evidence",
    service="evidence",
    method="/learning.evidence.v1.EvidenceService/RecordTrainingEvidence",
    message_type=evidence_service_pb2.RecordTrainingEvidenceRequest,
    request_type=evidence_service_pb2.RecordTrainingEvidenceRequest,
    response_type=evidence_service_pb2.RecordTrainingEvidenceResponse,
)

#: Scored and reviewed outcomes (sessions, quizzes, exercises), from assessment to
#: ProgressService.RecordProgressEvents, one request (one tenant, its events) per row; progress counts an
#: event_id once, so a redelivery changes nothing.
PROGRESS_EVENTS = Route(
    destination="progress.events",
    service="progress",
    method="/learning.progress.v1.ProgressService/RecordProgressEvents",
    message_type=progress_service_pb2.RecordProgressEventsRequest,
    request_type=progress_service_pb2.RecordProgressEventsRequest,
    response_type=progress_service_pb2.RecordProgressEventsResponse,
)

#: Knowledge gaps (weak session areas, weak maturity dimensions), from assessment to
#: ProgressService.RecordKnowledgeGaps; progress merges a gap recorded again into the open one.
KNOWLEDGE_GAPS = Route(
    destination="progress.knowledge_gaps",
    service="progress",
    method="/learning.progress.v1.ProgressService/RecordKnowledgeGaps",
    message_type=progress_service_pb2.RecordKnowledgeGapsRequest,
    request_type=progress_service_pb2.RecordKnowledgeGapsRequest,
    response_type=progress_service_pb2.RecordKnowledgeGapsResponse,
)

#: Maturity results of scored assessments, from assessment to ProgressService.RecordMaturityResult
#: (the organization's learning profile); keyed by the assessment, so a redelivery changes nothing.
MATURITY_RESULTS = Route(
    destination="progress.maturity_results",
    service="progress",
    method="/learning.progress.v1.ProgressService/RecordMaturityResult",
    message_type=progress_service_pb2.RecordMaturityResultRequest,
    request_type=progress_service_pb2.RecordMaturityResultRequest,
    response_type=progress_service_pb2.RecordMaturityResultResponse,
)


async def enqueue_audit_event(session: Session, table: Table, *, tenant_id: str, actor_id: str, action: str,
                              subject_type: str, subject_id: str, source_service: str,
                              payload: dict | None = None, event_id: str | None = None,
                              occur_time: datetime | None = None) -> str:
    """Queue one critical event for the audit service; returns its event id.

    Pass `event_id` when the event must keep an id of its own (e.g. the id of the status change it
    reports, so a redelivery is recognised) and `occur_time` when it happened earlier than now.
    """
    event = audit_service_pb2.AuditEvent(
        event_id=event_id or str(uuid.uuid4()),
        tenant_id=tenant_id,
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        occur_time=to_timestamp(occur_time or utcnow()),
        source_service=source_service,
    )
    if payload:
        event.payload.update(payload)
    return await enqueue(session, table, AUDIT, tenant_id=tenant_id, message=event, event_id=event.event_id)
