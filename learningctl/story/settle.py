"""Waiting for the outboxes to deliver, then counting what the services report.

What this run must have caused, once delivered:
  * an evidence record for every terminal training session (assessment -> evidence);
  * each learner's certificates (assessment -> progress -> evidence);
  * every audit event the story counted (World.expected), among the events after the audit head the run
    started at (catalog, assessment, evidence -> audit).
It polls until all are there or the time is up. The counts it then reports are the services' answers, not the
story's tallies: certificates (ListCertificates), evidence records (ListTrainingEvidence), audit events
(ListAuditEvents after the starting head, and the log's head for the tenant's total).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import grpc

from learning.evidence.v1 import evidence_service_pb2 as ev_pb
from learningctl.story.world import TIMEOUT, World
from learningctl.views import AuditLog, pages


@dataclass
class Delivered:
    evidence: set[str] = field(default_factory=set)  # session ids with their evidence record
    certificates: dict[str, int] = field(default_factory=dict)  # learner id -> certificates
    audit: Counter = field(default_factory=Counter)  # action -> events after the starting head
    audit_after: int = 0  # the last audit sequence read

    def missing(self, world: World) -> list[str]:
        found = [f"evidence for session {s}" for s in world.sessions if s not in self.evidence]
        found += [f"{learner.certificates - self.certificates.get(learner.user_id, 0)} certificate(s) of "
                  f"{learner.name}" for learner in world.learners
                  if self.certificates.get(learner.user_id, 0) < learner.certificates]
        found += [f"{n - self.audit[action]} audit event(s) {action}" for action, n in sorted(world.expected.items())
                  if self.audit[action] < n]
        return found

    def count(self, world: World) -> int:
        """How many of the expected deliveries have arrived (for the progress bar)."""
        return (len([s for s in world.sessions if s in self.evidence])
                + sum(min(self.certificates.get(lr.user_id, 0), lr.certificates) for lr in world.learners)
                + sum(min(self.audit[action], n) for action, n in world.expected.items()))


def expected_count(world: World) -> int:
    return len(world.sessions) + sum(lr.certificates for lr in world.learners) + sum(world.expected.values())


def _certificates(world: World, recipient: str = "") -> int:
    return sum(1 for _ in pages(lambda r: world.evidence.ListCertificates(r, metadata=world.auditor, timeout=TIMEOUT),
                                ev_pb.ListCertificatesRequest(tenant_id=world.tenant, recipient_id=recipient,
                                                              page_size=500), "certificates"))


def evidence_records(world: World) -> int:
    return sum(1 for _ in pages(lambda r: world.evidence.ListTrainingEvidence(r, metadata=world.auditor,
                                                                              timeout=TIMEOUT),
                                ev_pb.ListTrainingEvidenceRequest(tenant_id=world.tenant, page_size=500),
                                "training_evidence"))


def _has_evidence(world: World, session_id: str) -> bool:
    try:
        world.evidence.GetTrainingEvidenceBySession(ev_pb.GetTrainingEvidenceBySessionRequest(
            tenant_id=world.tenant, session_id=session_id), metadata=world.auditor, timeout=TIMEOUT)
        return True
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return False
        raise


def poll(world: World, audit: AuditLog, delivered: Delivered) -> None:
    """Read what has arrived since the last poll."""
    delivered.evidence |= {s for s in world.sessions if s not in delivered.evidence and _has_evidence(world, s)}
    for learner in world.learners:
        if delivered.certificates.get(learner.user_id, 0) < learner.certificates:
            delivered.certificates[learner.user_id] = _certificates(world, learner.user_id)
    if delivered.audit_after == 0:  # a fresh tenant: event 1 is read by itself (after_sequence 0 means unset)
        first = audit.first_event()
        if first is None:
            return
        delivered.audit[first.action] += 1
        delivered.audit_after = 1
    while events := audit.events_after(delivered.audit_after):
        delivered.audit.update(event.action for event in events)
        delivered.audit_after = events[-1].sequence


def settle(world: World, audit: AuditLog, started_at: int, seconds: float, progress=lambda done: None) -> Delivered:
    """Poll until everything expected has arrived or `seconds` have passed; what arrived."""
    delivered = Delivered(audit_after=started_at)
    give_up = time.monotonic() + seconds
    while True:
        poll(world, audit, delivered)
        progress(delivered.count(world))
        if not delivered.missing(world) or time.monotonic() > give_up:
            return delivered
        time.sleep(0.3)


def tenant_totals(world: World, audit: AuditLog) -> dict[str, int]:
    return {"certificates": _certificates(world), "evidence_records": evidence_records(world),
            "audit_events": audit.head()}
