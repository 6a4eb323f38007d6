"""The hash pass streams a long range and may stop early: the transaction it runs in stays usable."""

from __future__ import annotations

import asyncio

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from benchmarks.bench_audit import load_verify_chain
from services.audit.domain import FailureKind
from services.audit.verification import Verdict
from services.audit.verifier import LogVerifier
from shared.checkpoints import TrustedKeys
from shared.db import Database
from shared.signing import SigningKey
from shared.unit_of_work import UnitsOfWork


def verify_directly(audit_db, tenant: str, key: SigningKey, **options) -> Verdict:
    async def run() -> Verdict:
        database = Database(audit_db.runtime_url, pool_size=1, max_overflow=0)
        try:
            verifier = LogVerifier(TrustedKeys(key, []), **options)
            async with UnitsOfWork(database, service="audit")() as uow:
                return await verifier.verify(uow.session, tenant, 1, None)
        finally:
            await database.close()

    return asyncio.run(run())


def test_a_failure_early_in_a_long_range_stops_the_stream(audit_db, audit_superuser_sql, tenant):
    key = SigningKey.from_private(Ed25519PrivateKey.generate())
    load_verify_chain(audit_db, tenant, key, count=40_000)  # ~18 MB of rows: far more than the socket holds
    assert verify_directly(audit_db, tenant, key).events_checked == 40_000
    audit_superuser_sql.execute("SET session_replication_role = replica")
    audit_superuser_sql.execute("UPDATE learning_audit_log SET canonical = 'x' WHERE tenant_id = %s AND sequence = 150",
                                (tenant,))
    event_id = audit_superuser_sql.execute("SELECT event_id::text FROM learning_audit_log WHERE tenant_id = %s "
                                           "AND sequence = 150", (tenant,)).fetchone()[0]
    verdict = verify_directly(audit_db, tenant, key, hash_batch=100)
    # The query was cancelled while PostgreSQL was still sending; the same transaction then named the event
    # and ran the content check over what had verified.
    assert (verdict.failure.sequence, verdict.failure.kind, verdict.failure.event_id) == (
        150, FailureKind.CONTENT_CHANGED, event_id)
    assert (verdict.events_checked, verdict.content_checked, verdict.head_sequence) == (149, 100, 149)
