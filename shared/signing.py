"""Ed25519 keys held in configuration, never in a database, and signature checks anyone can repeat offline.

Used for what must stay verifiable when the database's administrators are not trusted: certificates (evidence)
and chain checkpoints (audit, evidence). key_id = first 16 hex characters of sha256(raw 32-byte public key).

    key = SigningKey.load(pem, purpose="EVIDENCE_CHECKPOINT_SIGNING_KEY")   # ephemeral (warned) when pem is empty
    signature = key.sign(payload)
    verify_signature(key.public_key_pem, payload, signature)  # -> bool
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger("learning.signing")

ALGORITHM = "Ed25519"


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem_of(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey
    key_id: str
    public_key_pem: str

    @classmethod
    def from_private(cls, private_key: Ed25519PrivateKey) -> SigningKey:
        public = private_key.public_key()
        return cls(private_key=private_key, key_id=key_id_of(public), public_key_pem=public_pem_of(public))

    @classmethod
    def load(cls, pem: str, *, purpose: str) -> SigningKey:
        """The configured key; without one an ephemeral key is generated with a warning (development only:
        what it signed cannot be verified after a restart). `purpose` names the setting in messages."""
        if not pem.strip():
            log.warning("no %s configured: generated an ephemeral Ed25519 key (development only; configure a "
                        "key in production)", purpose)
            return cls.from_private(Ed25519PrivateKey.generate())
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise RuntimeError(f"{purpose} must be an Ed25519 private key (PEM PKCS#8)")
        return cls.from_private(key)

    def sign(self, payload: bytes) -> bytes:
        return self.private_key.sign(payload)


def verify_signature(public_key_pem: str, payload: bytes, signature: bytes) -> bool:
    try:
        load_public_key(public_key_pem).verify(signature, payload)
        return True
    except (InvalidSignature, ValueError):
        return False
