"""Wiring of the audit service: settings, database, units of work, servicer."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from learning.audit.v1 import audit_service_pb2, audit_service_pb2_grpc
from services.audit import tables
from services.audit.api import AuditApi
from shared.db import Database
from shared.entrypoint import ServiceDefinition
from shared.server import ServiceHost
from shared.services import default_address
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitsOfWork

SERVICE_NAME = audit_service_pb2.DESCRIPTOR.services_by_name["AuditService"].full_name


class Settings(ServiceSettings):
    """AUDIT_* environment variables (see shared/settings.py for the common ones)."""

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore", frozen=True)

    listen_address: str = default_address("audit")


async def build(settings: Settings) -> ServiceHost:
    # The audit service emits no events of its own and keeps no request ids (RecordEvents is
    # idempotent on event_id): no outbox, no idempotency table, no relay.
    database = Database.from_settings(settings)
    api = AuditApi(UnitsOfWork(database, service="audit"))
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
    append_only_tables=tables.APPEND_ONLY_TABLES,
)
