"""gRPC servicer of learning.evidence.v1.EvidenceService.

Each RPC is a module-level function of the resource module it belongs to (training_evidence,
certificates), taking (api, request, context): authorize -> validate -> one unit of work -> convert.
The class only lists them and holds what they share.
"""

from __future__ import annotations

from learning.evidence.v1 import evidence_service_pb2_grpc
from services.evidence.api import certificates, training_evidence
from shared.signing import SigningKey
from shared.unit_of_work import UnitsOfWork


class EvidenceApi(evidence_service_pb2_grpc.EvidenceServiceServicer):
    def __init__(self, work: UnitsOfWork, key: SigningKey) -> None:
        self.work = work  # one transaction per RPC, with this service's outbox and idempotency keys
        self.key = key    # signs new certificates

    RecordTrainingEvidence = training_evidence.record_training_evidence
    GetTrainingEvidence = training_evidence.get_training_evidence
    GetTrainingEvidenceBySession = training_evidence.get_training_evidence_by_session
    ListTrainingEvidence = training_evidence.list_training_evidence
    ExportTrainingEvidence = training_evidence.export_training_evidence
    VerifyTrainingEvidence = training_evidence.verify_training_evidence
    VerifyEvidenceChain = training_evidence.verify_evidence_chain

    IssueCertificate = certificates.issue_certificate
    GetCertificate = certificates.get_certificate
    ListCertificates = certificates.list_certificates
    RevokeCertificate = certificates.revoke_certificate
    ExpireDueCertificates = certificates.expire_due_certificates
    VerifyCertificate = certificates.verify_certificate
    GetSigningKeys = certificates.get_signing_keys
