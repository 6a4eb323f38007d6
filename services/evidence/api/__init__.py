"""gRPC servicer of learning.evidence.v1.EvidenceService.

Each RPC is a module-level function of the resource module it belongs to (training_evidence, chain,
checkpoints, certificates), taking (api, request, context): authorize -> validate -> one unit of work -> convert.
The class only lists them and holds what they share.
"""

from __future__ import annotations

from learning.evidence.v1 import evidence_service_pb2_grpc
from services.evidence.api import certificates, chain, checkpoints, training_evidence
from shared.checkpoints import CheckpointPolicy, TrustedKeys
from shared.metrics import CheckpointLag
from shared.signing import SigningKey
from shared.unit_of_work import UnitsOfWork


class EvidenceApi(evidence_service_pb2_grpc.EvidenceServiceServicer):
    def __init__(self, work: UnitsOfWork, key: SigningKey, *, trusted: TrustedKeys,
                 checkpoint_policy: CheckpointPolicy | None = None,
                 checkpoint_lag: CheckpointLag | None = None) -> None:
        self.work = work  # one transaction per RPC, with this service's outbox and idempotency keys
        self.key = key    # signs new certificates
        # Chain checkpoints: signed with trusted.current, checked with every trusted key (never the database's).
        self.trusted = trusted
        self.checkpoint_key = trusted.current
        self.checkpoint_policy = checkpoint_policy or CheckpointPolicy()
        self.checkpoint_lag = checkpoint_lag  # how far the background signer is behind, for /metrics

    async def sign_due_checkpoints(self) -> int:
        """One round of the background checkpoint signer (shared.background.every)."""
        return await checkpoints.sign_due_checkpoints(self)

    RecordTrainingEvidence = training_evidence.record_training_evidence
    GetTrainingEvidence = training_evidence.get_training_evidence
    GetTrainingEvidenceBySession = training_evidence.get_training_evidence_by_session
    ListTrainingEvidence = training_evidence.list_training_evidence
    ExportTrainingEvidence = training_evidence.export_training_evidence
    VerifyTrainingEvidence = chain.verify_training_evidence
    VerifyEvidenceChain = chain.verify_evidence_chain
    ExportEvidenceRecords = chain.export_evidence_records

    GetEvidenceCheckpoint = checkpoints.get_evidence_checkpoint
    ListEvidenceCheckpoints = checkpoints.list_evidence_checkpoints
    GetEvidenceCheckpointKeys = checkpoints.get_evidence_checkpoint_keys

    IssueCertificate = certificates.issue_certificate
    GetCertificate = certificates.get_certificate
    ListCertificates = certificates.list_certificates
    RevokeCertificate = certificates.revoke_certificate
    ExpireDueCertificates = certificates.expire_due_certificates
    VerifyCertificate = certificates.verify_certificate
    GetSigningKeys = certificates.get_signing_keys
