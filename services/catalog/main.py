"""Wiring of the catalog service: settings, database, units of work, servicer, outbox relay, server."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from learning.catalog.v1 import catalog_service_pb2, catalog_service_pb2_grpc
from services.catalog import tables
from services.catalog.api import CatalogApi
from shared.db import Database
from shared.entrypoint import ServiceDefinition
from shared.outbox_relay import outbox_relay
from shared.routes import AUDIT
from shared.server import ServiceHost
from shared.services import default_address
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitsOfWork

SERVICE_NAME = "catalog"  # also the source_service of its audit events
SERVICE_FULL_NAME = catalog_service_pb2.DESCRIPTOR.services_by_name["CatalogService"].full_name


class Settings(ServiceSettings):
    """CATALOG_* environment variables (see shared/settings.py for the common ones)."""

    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore", frozen=True)

    #: host:port to serve on (the catalog's port in shared/services.py).
    listen_address: str = default_address("catalog")


async def build(settings: Settings) -> ServiceHost:
    database = Database.from_settings(settings)
    work = UnitsOfWork(database, service=SERVICE_NAME, outbox=tables.outbox,
                       idempotency_keys=tables.idempotency_keys)
    api = CatalogApi(work)
    return ServiceHost.from_settings(
        settings,
        name=SERVICE_NAME,
        service_names=[SERVICE_FULL_NAME],
        register=lambda server: catalog_service_pb2_grpc.add_CatalogServiceServicer_to_server(api, server),
        database=database,
        # Delivers `course.published` from the outbox to the audit service.
        background=[outbox_relay(settings, database, tables.outbox, [AUDIT])] if settings.outbox_relay_enabled else [],
    )


DEFINITION = ServiceDefinition(
    name=SERVICE_NAME,
    settings_type=Settings,
    build=build,
    migrations=Path(__file__).parent / "migrations",
    append_only_tables=tables.APPEND_ONLY_TABLES,
)
