"""Wiring of the audit service: settings, database, token verifier, servicer."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from learning.audit.v1 import audit_service_pb2, audit_service_pb2_grpc
from services.audit.api import AuditApi
from shared.db import Database
from shared.entrypoint import ServiceDefinition
from shared.server import ServiceHost
from shared.settings import ServiceSettings

SERVICE_NAME = audit_service_pb2.DESCRIPTOR.services_by_name["AuditService"].full_name


class Settings(ServiceSettings):
    """AUDIT_* environment variables (see shared/settings.py for the common ones)."""

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore", frozen=True)

    listen_address: str = "127.0.0.1:50055"


async def build(settings: Settings) -> ServiceHost:
    # The audit service emits no events of its own, so it runs no outbox relay.
    database = Database.from_settings(settings)
    api = AuditApi(database)
    return ServiceHost.from_settings(
        settings,
        name="audit",
        service_names=[SERVICE_NAME],
        register=lambda server: audit_service_pb2_grpc.add_AuditServiceServicer_to_server(api, server),
        database=database,
    )


DEFINITION = ServiceDefinition(
    name="audit",
    settings_type=Settings,
    build=build,
    migrations=Path(__file__).parent / "migrations",
    # audit_chain_heads is deliberately absent: appending moves the head forward (UPDATE).
    append_only_tables=("learning_audit_log", "audit_event_ids"),
)
