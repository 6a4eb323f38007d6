"""Signed checkpoints of a tenant's hash chain (audit log, evidence chain): the payload, signing, checking.

A checkpoint says "entries 1..sequence of this tenant's <log> end in head_hash", signed with an Ed25519 key
from the service's configuration. The payload is RFC 8785 JSON, so anyone can check it with openssl:

    {"headHash":"<64 hex>","keyId":"<16 hex>","log":"audit","sequence":42,"tenantId":"acme",
     "time":"2026-11-24T10:00:00.000Z"}

Trust comes only from configuration: the current signing key and the retired public keys kept after a
rotation (`TrustedKeys`). A key stored in the database would let its administrators forge checkpoints.
`CheckpointPolicy` says when a new checkpoint is due: at least every `every_entries` entries, or every
`every_seconds` while entries arrive; `CheckpointSettings` is the settings mixin of the services that sign.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings

from shared.canonical import canonical_json
from shared.signing import SigningKey, key_id_of, load_public_key, verify_signature
from shared.timeutil import format_datetime_millis

AUDIT_LOG, EVIDENCE_LOG = "audit", "evidence"


@dataclass(frozen=True)
class Checkpoint:
    log: str
    tenant_id: str
    sequence: int
    head_hash: str
    time: datetime
    key_id: str
    payload: bytes  # the signed canonical bytes
    signature: bytes


def payload(log: str, tenant_id: str, sequence: int, head_hash: str, time: datetime, key_id: str) -> bytes:
    return canonical_json({"headHash": head_hash, "keyId": key_id, "log": log, "sequence": sequence,
                           "tenantId": tenant_id, "time": format_datetime_millis(time)})


def sign(key: SigningKey, *, log: str, tenant_id: str, sequence: int, head_hash: str, time: datetime) -> Checkpoint:
    body = payload(log, tenant_id, sequence, head_hash, time, key.key_id)
    return Checkpoint(log, tenant_id, sequence, head_hash, time, key.key_id, body, key.sign(body))


class TrustedKeys:
    """The public keys checkpoints are checked with: the current signing key's and the retired ones."""

    def __init__(self, current: SigningKey, retired_pems: list[str]) -> None:
        self.current = current
        self.pems: dict[str, str] = {current.key_id: current.public_key_pem}
        for pem in retired_pems:
            self.pems.setdefault(key_id_of(load_public_key(pem)), pem)

    def verifies(self, checkpoint_payload: bytes, signature: bytes) -> bool:
        """The signature verifies with the trusted key the payload names (and the payload is well formed)."""
        try:
            key_id = json.loads(checkpoint_payload)["keyId"]
        except (ValueError, KeyError, TypeError):
            return False
        pem = self.pems.get(key_id)
        return pem is not None and verify_signature(pem, checkpoint_payload, signature)

    def matches(self, checkpoint: Checkpoint) -> bool:
        """The signature verifies and the payload says exactly what the checkpoint's columns say."""
        return self.verifies(checkpoint.payload, checkpoint.signature) and checkpoint.payload == payload(
            checkpoint.log, checkpoint.tenant_id, checkpoint.sequence, checkpoint.head_hash, checkpoint.time,
            checkpoint.key_id)


def split_pems(text: str) -> list[str]:
    """Several PEM public keys in one setting or file, in order."""
    marker = "-----END PUBLIC KEY-----"
    return [part.strip() + "\n" + marker + "\n" for part in text.split(marker) if part.strip()]


@dataclass(frozen=True)
class CheckpointPolicy:
    every_entries: int = 1000
    every_seconds: float = 60.0

    def due(self, *, head_sequence: int, last_sequence: int, last_time: datetime | None, now: datetime) -> bool:
        """A new checkpoint is due when the head moved and enough entries or time passed since the last one."""
        if head_sequence <= last_sequence:
            return False
        if last_time is None or head_sequence - last_sequence >= self.every_entries:
            return True
        return (now - last_time).total_seconds() >= self.every_seconds


class CheckpointSettings(BaseSettings):
    """<PREFIX>_CHECKPOINT_* settings of a service that signs checkpoints (audit, evidence): mixed into its
    Settings, so both read the same variables the same way."""

    #: Ed25519 private key (PEM, PKCS#8) that signs the chain checkpoints, inline or via *_FILE; a key of its own
    #: (never the certificate key), kept in a secret store, never in the database. Unset: an ephemeral key with
    #: a warning (development only: what it signed no longer verifies after a restart).
    checkpoint_signing_key: str = ""
    checkpoint_signing_key_file: Path | None = None
    #: Public keys (PEM, several in a row) of retired signing keys, still trusted after a rotation so the
    #: checkpoints they signed keep verifying. Only these and the current key are ever trusted.
    checkpoint_trusted_keys: str = ""
    checkpoint_trusted_keys_file: Path | None = None
    #: A checkpoint per tenant at least every this many entries (audit events, evidence records) ...
    checkpoint_every_entries: int = Field(default=1000, ge=1)
    #: ... or every this many seconds while entries arrive.
    checkpoint_every_seconds: float = Field(default=60.0, gt=0)
    #: Sign checkpoints in this process (off only where another process signs, or a test signs itself).
    checkpoint_signer_enabled: bool = True

    def checkpoint_key(self) -> SigningKey:
        pem = (self.checkpoint_signing_key_file.read_text() if self.checkpoint_signing_key_file
               else self.checkpoint_signing_key)
        return SigningKey.load(pem, purpose=f"{self.model_config.get('env_prefix', '')}CHECKPOINT_SIGNING_KEY")

    def trusted_checkpoint_keys(self, current: SigningKey) -> TrustedKeys:
        text = (self.checkpoint_trusted_keys_file.read_text() if self.checkpoint_trusted_keys_file
                else self.checkpoint_trusted_keys)
        return TrustedKeys(current, split_pems(text))

    def checkpoint_policy(self) -> CheckpointPolicy:
        return CheckpointPolicy(every_entries=self.checkpoint_every_entries,
                                every_seconds=self.checkpoint_every_seconds)
