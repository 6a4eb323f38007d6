"""An in-process audit server on a freshly provisioned, migrated database, plus helpers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import grpc
import psycopg
import pytest

from learning.audit.v1 import audit_service_pb2 as pb
from learning.audit.v1 import audit_service_pb2_grpc as pb_grpc
from services.audit.main import DEFINITION, Settings, build
from shared.db import libpq_url
from shared.timeutil import to_timestamp
from tests.support.servers import ServerThread


@pytest.fixture(scope="session")
def audit_db(provision_service):
    return provision_service("audit", DEFINITION.migrations, DEFINITION.append_only_tables)


@pytest.fixture(scope="session")
def audit_server(audit_db, tokens):
    settings = Settings(database_url=audit_db.runtime_url, migration_database_url=audit_db.owner_url,
                        listen_address="127.0.0.1:0", migrate_on_start=False, **tokens.settings_env())
    with ServerThread(lambda: build(settings)) as host:
        yield host


@pytest.fixture(scope="session")
def audit(audit_server):
    with grpc.insecure_channel(audit_server.address) as channel:
        yield pb_grpc.AuditServiceStub(channel)


@pytest.fixture(scope="session")
def service_md(tokens):
    """Metadata of a service token valid for every tenant (what the outbox relays send)."""
    return (("authorization", f"Bearer {tokens.token('*', ['service'], subject='catalog')}"),)


@pytest.fixture(scope="session")
def auditor_md(tokens):
    return lambda tenant: tokens.metadata(tenant, ["auditor"], subject="auditor-1")


def make_event(tenant: str, **overrides) -> pb.AuditEvent:
    fields = dict(
        event_id=str(uuid.uuid4()), tenant_id=tenant, actor_id="user-42", action="course.published",
        subject_type="course", subject_id=str(uuid.uuid4()),
        occur_time=to_timestamp(datetime.now(UTC) - timedelta(seconds=1)), source_service="catalog",
    )
    payload = overrides.pop("payload", {"version": 1, "modules": 3})
    fields.update(overrides)
    event = pb.AuditEvent(**fields)
    if payload:
        event.payload.update(payload)
    return event


def owner_connection(audit_db, **kwargs) -> psycopg.Connection:
    return psycopg.connect(libpq_url(audit_db.owner_url), **kwargs)


def count_rows(audit_db, tenant: str) -> int:
    with owner_connection(audit_db) as conn:
        return conn.execute("SELECT count(*) FROM learning_audit_log WHERE tenant_id = %s", (tenant,)).fetchone()[0]
