"""Wiring of the evidence service: settings, database, units of work, signing key, servicer, relay."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from learning.evidence.v1 import evidence_service_pb2, evidence_service_pb2_grpc
from services.evidence import tables
from services.evidence.api import EvidenceApi
from shared.db import Database
from shared.entrypoint import ServiceDefinition
from shared.outbox_relay import outbox_relay
from shared.routes import AUDIT
from shared.server import ServiceHost
from shared.services import default_address
from shared.settings import ServiceSettings
from shared.signing import SigningKey
from shared.unit_of_work import UnitsOfWork

SERVICE_NAME = evidence_service_pb2.DESCRIPTOR.services_by_name["EvidenceService"].full_name


class Settings(ServiceSettings):
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
    api = EvidenceApi(work, SigningKey.load(settings.signing_key_pem(), purpose="EVIDENCE_CERTIFICATE_SIGNING_KEY"))
    return ServiceHost.from_settings(
        settings,
        name="evidence",
        service_names=[SERVICE_NAME],
        register=lambda server: evidence_service_pb2_grpc.add_EvidenceServiceServicer_to_server(api, server),
        database=database,
        # Delivers certificate.issued/revoked/expired from the outbox to the audit service.
        background=[outbox_relay(settings, database, tables.outbox, [AUDIT])] if settings.outbox_relay_enabled else [],
    )


DEFINITION = ServiceDefinition(
    name="evidence",
    settings_type=Settings,
    build=build,
    migrations=Path(__file__).parent / "migrations",
    append_only_tables=tables.APPEND_ONLY_TABLES,
)
