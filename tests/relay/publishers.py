"""Who publishes in the process-level relay tests: the real catalog service, or the test emitter.

Both run as real processes with the real outbox relay inside, and expose the same interface:
    start() / stop() (SIGTERM) / kill() (SIGKILL), publish(tenant, n) -> commits n audit events,
    pending(tenant) -> rows of that tenant still undelivered in the publisher's own outbox.
The catalog (publishing real courses) is the default, as the issue asks; RELAY_PUBLISHER=emitter
uses tests/relay/emitter.py instead, to separate a relay fault from a catalog fault.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import grpc
import psycopg

from shared.db import libpq_url
from tests.support.processes import ServiceProcess, service_env

EMITTER_MIGRATIONS = Path(__file__).parent / "migrations"

# Fast retries for tests: the relay backs off at most 1 s and reclaims a killed process's lease after 3 s.
RELAY_TUNING = {"OUTBOX_MAX_BACKOFF_SECONDS": "1", "OUTBOX_POLL_SECONDS": "0.1", "OUTBOX_BATCH_SIZE": "20",
                "OUTBOX_LEASE_SECONDS": "3", "OUTBOX_BACKLOG_LOG_SECONDS": "1"}


def publisher_kind() -> str:
    return os.environ.get("RELAY_PUBLISHER", "catalog")


class _Publisher:
    source_service = ""

    def __init__(self, process: ServiceProcess, database) -> None:
        self.process = process
        self.database = database

    def start(self) -> None:
        self.process.start()

    def stop(self) -> None:
        self.process.stop()

    def kill(self) -> None:
        self.process.kill()

    def pending(self, tenant: str) -> int:
        with psycopg.connect(libpq_url(self.database.owner_url)) as conn:
            return conn.execute("SELECT count(*) FROM outbox WHERE tenant_id = %s AND delivered_at IS NULL",
                                (tenant,)).fetchone()[0]

    def close(self) -> None:
        self.process.__exit__(None, None, None)


class EmitterPublisher(_Publisher):
    source_service = "emitter"

    def __init__(self, provision_service, tokens, audit_address: str) -> None:
        database = provision_service("relay_emitter", EMITTER_MIGRATIONS)
        env = service_env("emitter", database, tokens, AUDIT_ADDRESS=audit_address, **RELAY_TUNING)
        super().__init__(ServiceProcess.module("tests.relay.emitter", env), database)

    def publish(self, tenant: str, count: int) -> None:
        self.process.send(f"publish {tenant} {count}")
        self.process.wait_for(lambda e: e.get("event") == "published" and e.get("tenant") == tenant, 120)


class CatalogPublisher(_Publisher):
    """Publishes real courses through the catalog's API (create, one module, one lesson, publish)."""

    source_service = "catalog"

    def __init__(self, provision_service, tokens, audit_address: str) -> None:
        from services.catalog.main import DEFINITION  # same provisioning as the catalog's own tests

        database = provision_service("catalog", DEFINITION.migrations, DEFINITION.append_only_tables)
        env = service_env("catalog", database, tokens, AUDIT_ADDRESS=audit_address, **RELAY_TUNING)
        super().__init__(ServiceProcess.service("catalog", env), database)
        self.tokens = tokens

    def publish(self, tenant: str, count: int) -> None:
        from learning.catalog.v1 import catalog_resources_pb2 as res
        from learning.catalog.v1 import catalog_service_pb2 as svc
        from learning.catalog.v1 import catalog_service_pb2_grpc as svc_grpc

        md = self.tokens.metadata(tenant, ["author"], subject=str(uuid.uuid4()))
        with grpc.insecure_channel(self.process.address) as channel:
            stub = svc_grpc.CatalogServiceStub(channel)
            for i in range(count):
                course = stub.CreateCourse(svc.CreateCourseRequest(tenant_id=tenant, title=f"Course {i}"),
                                           metadata=md).course
                module = stub.CreateModule(svc.CreateModuleRequest(tenant_id=tenant, course_id=course.course_id,
                                                                   title="Module"), metadata=md).module
                stub.CreateLesson(svc.CreateLessonRequest(
                    tenant_id=tenant, module_id=module.module_id, title="Lesson",
                    video=res.VideoContent(media_uri="https://cdn.example.com/v/intro.mp4",
                                           duration={"seconds": 60})), metadata=md)
                stub.PublishCourse(svc.PublishCourseRequest(tenant_id=tenant, course_id=course.course_id),
                                   metadata=md)


def make_publisher(provision_service, tokens, audit_address: str) -> _Publisher:
    kind = publisher_kind()
    cls = CatalogPublisher if kind == "catalog" else EmitterPublisher
    return cls(provision_service, tokens, audit_address)
