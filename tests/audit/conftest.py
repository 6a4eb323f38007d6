"""Helpers of the audit tests. The server, stub and call metadata are the shared fixtures
(tests/support/fixtures.py, tests/conftest.py): audit_db, audit_server, audit_stub, auditor_md,
all_tenants_service_md (what the outbox relays send)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from learning.audit.v1 import audit_service_pb2 as pb
from services.audit import store
from services.audit.signer import CheckpointSigner
from services.audit.verifier import LogVerifier
from shared.checkpoints import CheckpointPolicy, TrustedKeys
from shared.db import Database, libpq_url
from shared.signing import SigningKey
from shared.timeutil import now_millis, to_timestamp
from shared.unit_of_work import UnitsOfWork


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


def record(audit_stub, service_md, tenant: str, count: int, **overrides) -> list[pb.AuditEvent]:
    events = [make_event(tenant, **overrides) for _ in range(count)]
    audit_stub.RecordEvents(pb.RecordEventsRequest(events=events), metadata=service_md)
    return events


def sign_checkpoints(audit_db, tenant: str, key: Ed25519PrivateKey, *, every_events: int = 1000,
                     from_scratch: bool = False, retired: tuple[Ed25519PrivateKey, ...] = ()) -> int:
    """What the audit service's signer does in a round for `tenant`, now, with `key` and the `retired` keys'
    public halves trusted (the shared audit_server runs no signer: tests sign when they mean to).
    `from_scratch`: as a replica that has not seen the latest checkpoint yet. Returns the number stored."""
    trusted = [SigningKey.from_private(old).public_key_pem for old in retired]

    async def sign() -> int:
        database = Database(audit_db.runtime_url, pool_size=1, max_overflow=0)
        try:
            signing_key = SigningKey.from_private(key)
            signer = CheckpointSigner(UnitsOfWork(database, service="audit"), signing_key,
                                      LogVerifier(TrustedKeys(signing_key, trusted)),
                                      CheckpointPolicy(every_events, 3600))
            async with signer.work.read() as uow:
                head = await store.get_head(uow.session, tenant)
                latest = None if from_scratch else await store.get_checkpoint(uow.session, tenant, 0)
            return await signer.sign(tenant, head.last_sequence, latest, now_millis())
        finally:
            await database.close()

    return asyncio.run(sign())
