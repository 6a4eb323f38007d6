"""Wiring of the progress service: settings, database, catalog structures, servicer, background tasks."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from learning.progress.v1 import progress_service_pb2, progress_service_pb2_grpc
from services.progress import tables
from services.progress.api import ProgressApi
from services.progress.structures import CourseStructures
from shared.background import every
from shared.clients import service_channel
from shared.db import Database
from shared.entrypoint import ServiceDefinition
from shared.outbox_relay import outbox_relay
from shared.routes import AUDIT, CERTIFICATES
from shared.server import ServiceHost
from shared.services import default_address
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitsOfWork

SERVICE_NAME = "progress"
SERVICE_FULL_NAME = progress_service_pb2.DESCRIPTOR.services_by_name["ProgressService"].full_name
log = logging.getLogger("learning.progress")


class Settings(ServiceSettings):
    """PROGRESS_* environment variables (see shared/settings.py for the common ones)."""

    model_config = SettingsConfigDict(env_prefix="PROGRESS_", extra="ignore", frozen=True)

    #: host:port to serve on (the progress service's port in shared/services.py).
    listen_address: str = default_address("progress")
    #: How often progress that waits for a version's structure (catalog was down) is retried.
    pending_retry_seconds: float = Field(default=5.0, gt=0)


async def build(settings: Settings) -> ServiceHost:
    database = Database.from_settings(settings)
    work = UnitsOfWork(database, service=SERVICE_NAME, outbox=tables.outbox, idempotency_keys=tables.idempotency_keys)
    structures = CourseStructures(work, service_channel(settings, settings.catalog_address))
    api = ProgressApi(work, structures)
    background = [every(settings.pending_retry_seconds, api.settle_pending,
                        "learner-versions settled once the catalog answered")]
    if settings.outbox_relay_enabled:  # certificates for passed course versions to evidence; audit events
        background.append(outbox_relay(settings, database, tables.outbox, [CERTIFICATES, AUDIT]))
    return ServiceHost.from_settings(
        settings,
        name=SERVICE_NAME,
        service_names=[SERVICE_FULL_NAME],
        register=lambda server: progress_service_pb2_grpc.add_ProgressServiceServicer_to_server(api, server),
        database=database,
        background=background,
    )


DEFINITION = ServiceDefinition(
    name=SERVICE_NAME,
    settings_type=Settings,
    build=build,
    migrations=Path(__file__).parent / "migrations",
    append_only_tables=tables.APPEND_ONLY_TABLES,
)
