"""Wiring of the assessment service: settings, database, catalog content, scorer, servicer, background tasks."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from learning.assessment.v1 import assessment_service_pb2, assessment_service_pb2_grpc
from services.assessment import tables
from services.assessment.api import AssessmentApi
from services.assessment.catalog_content import CatalogContent
from services.assessment.scoring import Scorer
from shared.background import every
from shared.clients import service_channel
from shared.db import Database
from shared.entrypoint import ServiceDefinition
from shared.outbox_relay import outbox_relay
from shared.routes import AUDIT, KNOWLEDGE_GAPS, MATURITY_RESULTS, PROGRESS_EVENTS, TRAINING_EVIDENCE
from shared.server import ServiceHost
from shared.services import default_address
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitsOfWork

SERVICE_NAME = "assessment"
SERVICE_FULL_NAME = assessment_service_pb2.DESCRIPTOR.services_by_name["AssessmentService"].full_name
log = logging.getLogger("learning.assessment")


class Settings(ServiceSettings):
    """ASSESSMENT_* environment variables (see shared/settings.py for the common ones)."""

    model_config = SettingsConfigDict(env_prefix="ASSESSMENT_", extra="ignore", frozen=True)

    #: host:port to serve on (the assessment service's port in shared/services.py).
    listen_address: str = default_address("assessment")
    #: host:port of an external free-text scorer implementing learning.scoring.v1.ScoringService; empty
    #: means the built-in deterministic rubric scorer.
    scorer_address: str = ""
    #: Deadline of one external scoring call; an answer whose scoring fails stays pending and is retried.
    scorer_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    #: First wait before a pending answer is scored again (doubling per failure, at most 5 minutes).
    pending_retry_seconds: float = Field(default=5.0, gt=0)


async def build(settings: Settings) -> ServiceHost:
    database = Database.from_settings(settings)
    work = UnitsOfWork(database, service=SERVICE_NAME, outbox=tables.outbox, idempotency_keys=tables.idempotency_keys)
    catalog = CatalogContent(service_channel(settings, settings.catalog_address))
    scorer = Scorer(service_channel(settings, settings.scorer_address) if settings.scorer_address else None,
                    timeout_seconds=settings.scorer_timeout_seconds)
    api = AssessmentApi(work, catalog, scorer, retry_seconds=settings.pending_retry_seconds)
    background = [every(settings.pending_retry_seconds, api.score_pending, "pending answers scored")]
    if settings.outbox_relay_enabled:
        background.append(outbox_relay(settings, database, tables.outbox,
                                       [TRAINING_EVIDENCE, PROGRESS_EVENTS, KNOWLEDGE_GAPS, MATURITY_RESULTS, AUDIT]))
    return ServiceHost.from_settings(
        settings,
        name=SERVICE_NAME,
        service_names=[SERVICE_FULL_NAME],
        register=lambda server: assessment_service_pb2_grpc.add_AssessmentServiceServicer_to_server(api, server),
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
