"""Wiring of the evidence service: settings, database, units of work, signing keys, servicer, relay, checkpoint
signer."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from learning.evidence.v1 import evidence_service_pb2, evidence_service_pb2_grpc
from services.evidence import tables
from services.evidence.api import EvidenceApi
from shared.background import every
from shared.checkpoints import CheckpointSettings
from shared.db import Database
from shared.entrypoint import ServiceDefinition
from shared.metrics import SAMPLE_SECONDS, CheckpointLag
from shared.outbox_relay import outbox_relay
from shared.routes import AUDIT
from shared.server import ServiceHost
from shared.services import default_address
from shared.settings import ServiceSettings
from shared.signing import SigningKey
from shared.unit_of_work import UnitsOfWork

CHECKPOINT_POLL_SECONDS = 1.0
SERVICE_NAME = evidence_service_pb2.DESCRIPTOR.services_by_name["EvidenceService"].full_name


class Settings(ServiceSettings, CheckpointSettings):
    model_config = SettingsConfigDict(env_prefix="EVIDENCE_", extra="ignore", frozen=True)

    listen_address: str = default_address("evidence")
    #: Ed25519 private key (PEM, PKCS#8) that signs certificates, inline or via *_FILE. When neither is
    #: set an ephemeral key is generated with a warning (development only): its public key is still
    #: recorded per tenant, so certificates it signed stay verifiable after a restart.
    certificate_signing_key: str = ""
    certificate_signing_key_file: Path | None = None

    def signing_key_pem(self) -> str:
        if self.certificate_signing_key_file:
            return self.certificate_signing_key_file.read_text()
        return self.certificate_signing_key


async def build(settings: Settings) -> ServiceHost:
    database = Database.from_settings(settings)
    work = UnitsOfWork(database, service="evidence", outbox=tables.outbox, idempotency_keys=tables.idempotency_keys)
    lag = CheckpointLag("evidence") if settings.checkpoint_signer_enabled else None
    api = EvidenceApi(work, SigningKey.load(settings.signing_key_pem(), purpose="EVIDENCE_CERTIFICATE_SIGNING_KEY"),
                      trusted=settings.trusted_checkpoint_keys(settings.checkpoint_key()),
                      checkpoint_policy=settings.checkpoint_policy(), checkpoint_lag=lag)
    background = []
    if settings.outbox_relay_enabled:
        # Delivers certificate.issued/revoked/expired and evidence.checkpoint_signed to the audit service.
        background.append(outbox_relay(settings, database, tables.outbox, [AUDIT]))
    if settings.checkpoint_signer_enabled:
        # Polls at most every second (cheap: one row per tenant whose head moved), so the record count
        # triggers a checkpoint soon after it is reached.
        background.append(every(min(settings.checkpoint_every_seconds, CHECKPOINT_POLL_SECONDS),
                                api.sign_due_checkpoints, "evidence checkpoints signed"))
        background.append(every(SAMPLE_SECONDS, lag.sample, "evidence checkpoint lag"))
    return ServiceHost.from_settings(
        settings,
        name="evidence",
        service_names=[SERVICE_NAME],
        register=lambda server: evidence_service_pb2_grpc.add_EvidenceServiceServicer_to_server(api, server),
        database=database,
        background=background,
    )


DEFINITION = ServiceDefinition(
    name="evidence",
    settings_type=Settings,
    build=build,
    migrations=Path(__file__).parent / "migrations",
    append_only_tables=tables.APPEND_ONLY_TABLES,
)
