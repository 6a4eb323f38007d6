"""Helpers of the audit tests. The server, stub and call metadata are the shared fixtures
(tests/support/fixtures.py, tests/conftest.py): audit_db, audit_server, audit_stub, auditor_md,
all_tenants_service_md (what the outbox relays send)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg

from learning.audit.v1 import audit_service_pb2 as pb
from shared.db import libpq_url
from shared.timeutil import to_timestamp


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
