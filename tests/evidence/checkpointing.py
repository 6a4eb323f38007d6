"""Checkpoint test support: sign a tenant's checkpoint now (the signer's real code on the real database, with a
key the test chooses), forge what a superuser can, serve evidence with other checkpoint keys."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.evidence import main, tables
from services.evidence.api import EvidenceApi
from services.evidence.api import checkpoints as signer
from shared.checkpoints import CheckpointPolicy, TrustedKeys
from shared.db import Database
from shared.signing import SigningKey
from shared.unit_of_work import UnitsOfWork
from tests.support.servers import ServerThread


def private_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_pem(key: Ed25519PrivateKey) -> str:
    return SigningKey.from_private(key).public_key_pem


async def _with_api(database_url: str, key: Ed25519PrivateKey, retired: Sequence[Ed25519PrivateKey], call,
                    policy: CheckpointPolicy | None = None):
    database = Database(database_url)
    try:
        work = UnitsOfWork(database, service="evidence", outbox=tables.outbox, idempotency_keys=tables.idempotency_keys)
        api = EvidenceApi(work, SigningKey.from_private(Ed25519PrivateKey.generate()),
                          trusted=TrustedKeys(SigningKey.from_private(key), [public_pem(k) for k in retired]),
                          checkpoint_policy=policy)
        return await call(api)
    finally:
        await database.close()


def sign_now(evidence_db, tenant: str, key: Ed25519PrivateKey, retired: Sequence[Ed25519PrivateKey] = ()) -> bool:
    """One checkpoint of the tenant's current head, as the background signer makes it."""
    return asyncio.run(_with_api(evidence_db.runtime_url, key, retired,
                                 lambda api: signer.sign_checkpoint(api, tenant)))


def sign_due(evidence_db, tenant: str, key: Ed25519PrivateKey, policy: CheckpointPolicy) -> int:
    """One round of the background signer (its policy decides), for this tenant only."""
    return asyncio.run(_with_api(evidence_db.runtime_url, key, (),
                                 lambda api: signer.sign_due_checkpoints(api, tenant), policy))


def sign_concurrently(evidence_db, tenant: str, key: Ed25519PrivateKey, signers: int) -> list[bool]:
    """Several signers (replicas) finding the same checkpoint due at the same moment."""
    async def race(api):
        return await asyncio.gather(*(signer.sign_checkpoint(api, tenant) for _ in range(signers)))
    return asyncio.run(_with_api(evidence_db.runtime_url, key, (), race))


def serve(evidence_db, tokens, key: Ed25519PrivateKey, retired: Sequence[Ed25519PrivateKey] = (), **extra):
    """An evidence server on the same database with these checkpoint keys (a restart after a rotation)."""
    retired_pems = "".join(public_pem(k) for k in retired)
    settings = main.Settings(database_url=evidence_db.runtime_url, listen_address="127.0.0.1:0",
                             migrate_on_start=False, outbox_relay_enabled=False,
                             checkpoint_signing_key=private_pem(key), checkpoint_trusted_keys=retired_pems,
                             **{"checkpoint_signer_enabled": False, **extra}, **tokens.settings_env("evidence"))
    return ServerThread(lambda: main.build(settings))


def tamper(superuser_sql, statement: str, params) -> None:
    """Bypass the append-only triggers the way only a superuser can."""
    with superuser_sql.transaction():
        superuser_sql.execute("SET LOCAL session_replication_role = replica")
        superuser_sql.execute(statement, params)


def rewrite_and_rehash(superuser_sql, tenant: str, sequence: int, rewrite) -> None:
    """The attack signed checkpoints exist for: change one record's body, then recompute its content hash, every
    later chain hash and the chain head row, so that every hash inside the database is consistent again."""
    rows = superuser_sql.execute("SELECT chain_sequence, canonical_json, content_hash, previous_hash FROM "
                                 "training_evidence WHERE tenant_id = %s ORDER BY chain_sequence", (tenant,)).fetchall()
    previous = ""
    with superuser_sql.transaction():
        superuser_sql.execute("SET LOCAL session_replication_role = replica")
        for chain_sequence, body, content_hash, previous_hash in rows:
            body = bytes(body)
            if chain_sequence == sequence:
                body = rewrite(body)
                content_hash = hashlib.sha256(body).hexdigest()
            chain_hash = hashlib.sha256((previous + content_hash).encode()).hexdigest()
            if chain_sequence >= sequence:
                superuser_sql.execute(
                    "UPDATE training_evidence SET canonical_json = %s, content_hash = %s, previous_hash = %s, "
                    "chain_hash = %s WHERE tenant_id = %s AND chain_sequence = %s",
                    (body, content_hash, previous, chain_hash, tenant, chain_sequence))
            previous = chain_hash
        superuser_sql.execute("UPDATE evidence_chain_heads SET last_chain_hash = %s WHERE tenant_id = %s",
                              (previous, tenant))


def internally_consistent(superuser_sql, tenant: str) -> bool:
    """Every content hash, link and chain hash inside the database agrees (what the attack achieves)."""
    rows = superuser_sql.execute("SELECT canonical_json, content_hash, previous_hash, chain_hash FROM "
                                 "training_evidence WHERE tenant_id = %s ORDER BY chain_sequence", (tenant,)).fetchall()
    previous = ""
    for body, content_hash, previous_hash, chain_hash in rows:
        if (hashlib.sha256(bytes(body)).hexdigest() != content_hash or previous_hash != previous
                or hashlib.sha256((previous + content_hash).encode()).hexdigest() != chain_hash):
            return False
        previous = chain_hash
    head = superuser_sql.execute("SELECT last_chain_hash FROM evidence_chain_heads WHERE tenant_id = %s",
                                 (tenant,)).fetchone()
    return head is not None and head[0] == previous
