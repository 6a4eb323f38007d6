"""Wiring of the catalog service: settings, database, token verifier, servicer, server."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from learning.catalog.v1 import catalog_service_pb2, catalog_service_pb2_grpc
from services.catalog.api import CatalogApi
from services.catalog.tables import outbox
from shared.db import Database
from shared.entrypoint import ServiceDefinition
from shared.outbox_relay import audit_relay
from shared.server import ServiceHost
from shared.settings import ServiceSettings

SERVICE_FULL_NAME = catalog_service_pb2.DESCRIPTOR.services_by_name["CatalogService"].full_name


class Settings(ServiceSettings):
    """CATALOG_* environment variables (see shared/settings.py for the common ones)."""

    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore", frozen=True)

    #: host:port to serve on (DESIGN.md: catalog is 127.0.0.1:50051).
    listen_address: str = "127.0.0.1:50051"


async def build(settings: Settings) -> ServiceHost:
    database = Database.from_settings(settings)
    api = CatalogApi(database)
    return ServiceHost.from_settings(
        settings,
        name="catalog",
        service_names=[SERVICE_FULL_NAME],
        register=lambda server: catalog_service_pb2_grpc.add_CatalogServiceServicer_to_server(api, server),
        database=database,
        # Delivers `course.published` (and any later event) from the outbox to the audit service.
        workers=[audit_relay(settings, database, outbox)] if settings.outbox_relay_enabled else [],
    )


DEFINITION = ServiceDefinition(
    name="catalog",
    settings_type=Settings,
    build=build,
    migrations=Path(__file__).parent / "migrations",
    append_only_tables=(),
)
