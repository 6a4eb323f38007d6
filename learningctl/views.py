"""The audit log and the evidence chain of one tenant, as the witness and the bundle read them over gRPC."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import grpc

from learning.audit.v1 import audit_service_pb2 as audit_pb
from learning.audit.v1 import audit_service_pb2_grpc as audit_grpc
from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as ev_res
from learning.evidence.v1 import evidence_service_pb2 as ev_pb
from learning.evidence.v1 import evidence_service_pb2_grpc as ev_grpc
from learningctl.connect import Connection
from learningctl.witness import Verified

TIMEOUT = 300.0
ANCHOR_ACTION = "evidence.checkpoint_signed"


@dataclass(frozen=True)
class RangeCheck:
    """One verified range of a chain: the service's answer to VerifyAuditLog / VerifyEvidenceChain."""

    valid: bool
    head_sequence: int
    checkpoints_checked: int
    failure_kind: str = ""  # e.g. CONTENT_CHANGED, CHAIN_LINK_BROKEN
    failure_sequence: int = 0
    failure_detail: str = ""


def _latest(call, request) -> int:
    """The sequence of the latest signed checkpoint (0 when there is none yet)."""
    try:
        return call(request).checkpoint.sequence
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return 0
        raise


def pages(call, request, field: str) -> Iterator:
    """Every item of a paged List RPC: `field` of each page, following next_page_token."""
    while True:
        page = call(request)
        yield from getattr(page, field)
        if not page.next_page_token:
            return
        request.page_token = page.next_page_token


class AuditLog:
    log = "audit"

    def __init__(self, connection: Connection, tenant: str) -> None:
        self.stub, self.md, self.tenant = audit_grpc.AuditServiceStub(connection.channel), connection.metadata, tenant

    def checkpoints(self) -> list[common_pb2.Checkpoint]:
        return list(pages(lambda r: self.stub.ListAuditCheckpoints(r, metadata=self.md, timeout=TIMEOUT),
                           audit_pb.ListAuditCheckpointsRequest(tenant_id=self.tenant, page_size=500), "checkpoints"))

    def keys(self) -> list[common_pb2.CheckpointKey]:
        return list(self.stub.GetAuditCheckpointKeys(audit_pb.GetAuditCheckpointKeysRequest(tenant_id=self.tenant),
                                                     metadata=self.md, timeout=TIMEOUT).keys)

    def verify(self, to_sequence: int = 0) -> Verified:
        answer = self.stub.VerifyAuditLog(audit_pb.VerifyAuditLogRequest(
            tenant_id=self.tenant, to_sequence=to_sequence), metadata=self.md, timeout=TIMEOUT)
        failure = answer.first_failure
        detail = f"{audit_pb.VerificationFailureKind.Name(failure.kind)} at {failure.sequence}: {failure.detail}" \
            if not answer.valid else ""
        return Verified(answer.valid, answer.head_sequence, answer.head_hash, detail)

    def records(self, **bounds) -> Iterator[audit_pb.ExportAuditRecordsResponse]:
        return self.stub.ExportAuditRecords(audit_pb.ExportAuditRecordsRequest(tenant_id=self.tenant, **bounds),
                                            metadata=self.md, timeout=TIMEOUT)

    def latest_checkpoint(self) -> int:
        return _latest(lambda r: self.stub.GetAuditCheckpoint(r, metadata=self.md, timeout=TIMEOUT),
                       audit_pb.GetAuditCheckpointRequest(tenant_id=self.tenant))

    def verify_range(self, first: int, last: int, full: bool = False) -> RangeCheck:
        answer = self.stub.VerifyAuditLog(audit_pb.VerifyAuditLogRequest(
            tenant_id=self.tenant, from_sequence=first, to_sequence=last, full_content_check=full),
            metadata=self.md, timeout=TIMEOUT)
        failure = answer.first_failure
        kind = audit_pb.VerificationFailureKind.Name(failure.kind).removeprefix("VERIFICATION_FAILURE_KIND_")
        return RangeCheck(answer.valid, answer.head_sequence, answer.checkpoints_checked,
                          "" if answer.valid else kind, failure.sequence, failure.detail)

    def events_after(self, sequence: int, action: str = "", page_size: int = 500) -> list[audit_pb.AuditEvent]:
        """One page of the events after `sequence`, ascending (sequence >= 1: the RPC reads 0 as unset)."""
        return list(self.stub.ListAuditEvents(audit_pb.ListAuditEventsRequest(
            tenant_id=self.tenant, after_sequence=sequence, action=action, page_size=page_size),
            metadata=self.md, timeout=TIMEOUT).events)

    def first_event(self) -> audit_pb.AuditEvent | None:
        """Event 1, which after_sequence cannot reach (0 means unset): its id from the export, then the event."""
        for record in self.records(from_sequence=1, to_sequence=1):
            event_id = json.loads(record.canonical_json)["event_id"]
            return self.stub.GetAuditEvent(audit_pb.GetAuditEventRequest(tenant_id=self.tenant, event_id=event_id),
                                           metadata=self.md, timeout=TIMEOUT).event
        return None

    def head(self) -> int:
        """The last sequence of the log: from the latest checkpoint, read forward (at most a checkpoint
        interval of events), so even a long log costs a few calls."""
        after = self.latest_checkpoint()
        if after == 0:
            if self.first_event() is None:
                return 0
            after = 1
        while page := self.events_after(after):
            after = page[-1].sequence
        return after

    def anchored_evidence(self) -> dict[int, str]:
        """Evidence checkpoints the audit log holds: sequence -> head hash (cross-anchoring)."""
        events = pages(lambda r: self.stub.ListAuditEvents(r, metadata=self.md, timeout=TIMEOUT),
                        audit_pb.ListAuditEventsRequest(tenant_id=self.tenant, action=ANCHOR_ACTION, page_size=500),
                        "events")
        return {int(e.payload["sequence"]): e.payload["head_hash"] for e in events}


class EvidenceChain:
    log = "evidence"

    def __init__(self, connection: Connection, tenant: str) -> None:
        self.stub, self.md, self.tenant = ev_grpc.EvidenceServiceStub(connection.channel), connection.metadata, tenant

    def checkpoints(self) -> list[common_pb2.Checkpoint]:
        return list(pages(lambda r: self.stub.ListEvidenceCheckpoints(r, metadata=self.md, timeout=TIMEOUT),
                           ev_pb.ListEvidenceCheckpointsRequest(tenant_id=self.tenant, page_size=500), "checkpoints"))

    def keys(self) -> list[common_pb2.CheckpointKey]:
        return list(self.stub.GetEvidenceCheckpointKeys(ev_pb.GetEvidenceCheckpointKeysRequest(
            tenant_id=self.tenant), metadata=self.md, timeout=TIMEOUT).keys)

    def verify(self, to_sequence: int = 0) -> Verified:
        if to_sequence:  # the chain hash stored at that position (the whole chain is verified separately)
            records = list(self.records(from_sequence=to_sequence, to_sequence=to_sequence))
            return Verified(True, to_sequence if records else 0, records[0].chain_hash if records else "")
        answer = self.stub.VerifyEvidenceChain(ev_pb.VerifyEvidenceChainRequest(tenant_id=self.tenant),
                                               metadata=self.md, timeout=TIMEOUT)
        problem = answer.first_failure
        detail = "" if answer.valid else (f"{ev_res.EvidenceProblemKind.Name(problem.kind)} at "
                                          f"{problem.chain_sequence}: {problem.detail}")
        return Verified(answer.valid, answer.head_sequence, answer.head_chain_hash, detail)

    def latest_checkpoint(self) -> int:
        return _latest(lambda r: self.stub.GetEvidenceCheckpoint(r, metadata=self.md, timeout=TIMEOUT),
                       ev_pb.GetEvidenceCheckpointRequest(tenant_id=self.tenant))

    def verify_range(self, first: int, last: int, full: bool = False) -> RangeCheck:
        answer = self.stub.VerifyEvidenceChain(ev_pb.VerifyEvidenceChainRequest(
            tenant_id=self.tenant, from_sequence=first, to_sequence=last, full_content_check=full),
            metadata=self.md, timeout=TIMEOUT)
        problem = answer.first_failure
        kind = ev_res.EvidenceProblemKind.Name(problem.kind).removeprefix("EVIDENCE_PROBLEM_KIND_")
        return RangeCheck(answer.valid, answer.head_sequence, answer.checkpoints_checked,
                          "" if answer.valid else kind, problem.chain_sequence, problem.detail)

    def records(self, **bounds) -> Iterator[ev_pb.ExportEvidenceRecordsResponse]:
        return self.stub.ExportEvidenceRecords(ev_pb.ExportEvidenceRecordsRequest(tenant_id=self.tenant, **bounds),
                                               metadata=self.md, timeout=TIMEOUT)
