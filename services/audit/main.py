"""Wiring of the audit service: settings, database, units of work, servicer, checkpoint signer."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from learning.audit.v1 import audit_service_pb2, audit_service_pb2_grpc
from services.audit import tables
from services.audit.api import AuditApi
from services.audit.signer import CheckpointSigner
from services.audit.verifier import LogVerifier
from shared.background import every
from shared.checkpoints import CheckpointSettings
from shared.db import Database
from shared.entrypoint import ServiceDefinition
from shared.metrics import SAMPLE_SECONDS, CheckpointLag
from shared.server import ServiceHost
from shared.services import default_address
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitsOfWork

SERVICE_NAME = audit_service_pb2.DESCRIPTOR.services_by_name["AuditService"].full_name
MIN_SIGNING_INTERVAL, MAX_SIGNING_INTERVAL = 0.05, 5.0  # seconds between signing rounds


class Settings(ServiceSettings, CheckpointSettings):
    """AUDIT_* environment variables (see shared/settings.py for the common ones)."""

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore", frozen=True)

    listen_address: str = default_address("audit")


async def build(settings: Settings) -> ServiceHost:
    # The audit service emits no events of its own and keeps no request ids (RecordEvents is
    # idempotent on event_id): no outbox, no idempotency table, no relay.
    database = Database.from_settings(settings)
    work = UnitsOfWork(database, service="audit")
    key = settings.checkpoint_key()
    verifier = LogVerifier(settings.trusted_checkpoint_keys(key))
    api = AuditApi(work, verifier)
    lag = CheckpointLag("audit")
    signer = CheckpointSigner(work, key, verifier, settings.checkpoint_policy(), lag)
    # One signer per process group is enough (worker 0, or the only process); replicas may sign at once
    # without harm (see services/audit/signer.py). Rounds come often enough for the time rule; the count
    # rule signs every N-th position whenever the round comes.
    interval = max(MIN_SIGNING_INTERVAL, min(settings.checkpoint_every_seconds / 2, MAX_SIGNING_INTERVAL))
    signs = settings.checkpoint_signer_enabled and not settings.worker_index
    background = [every(interval, signer.step, "audit checkpoints signed"),
                  every(SAMPLE_SECONDS, lag.sample, "audit checkpoint lag")] if signs else []
    return ServiceHost.from_settings(
        settings,
        name="audit",
        service_names=[SERVICE_NAME],
        register=lambda server: audit_service_pb2_grpc.add_AuditServiceServicer_to_server(api, server),
        database=database,
        background=background,
    )


DEFINITION = ServiceDefinition(
    name="audit",
    settings_type=Settings,
    build=build,
    migrations=Path(__file__).parent / "migrations",
    append_only_tables=tables.APPEND_ONLY_TABLES,
)
