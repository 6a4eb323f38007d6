"""The Ed25519 key that signs certificates, and signature checks anyone can repeat offline.

The private key comes from configuration (EVIDENCE_CERTIFICATE_SIGNING_KEY or _FILE, PEM PKCS#8).
When none is configured the service generates an ephemeral key and logs a warning: fine for
development, since every public key that signed a tenant's certificate is also stored in the
append-only `signing_keys` table, so certificates stay verifiable after a restart; production must
configure a key. key_id = first 16 hex characters of sha256(raw 32-byte public key).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger("learning.evidence.signing")

ALGORITHM = "Ed25519"


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem_of(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


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
    def load(cls, pem: str) -> SigningKey:
        if not pem.strip():
            log.warning("no EVIDENCE_CERTIFICATE_SIGNING_KEY configured: generated an ephemeral Ed25519 "
                        "certificate signing key (development only; configure a key in production)")
            return cls.from_private(Ed25519PrivateKey.generate())
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise RuntimeError("EVIDENCE_CERTIFICATE_SIGNING_KEY must be an Ed25519 private key (PEM PKCS#8)")
        return cls.from_private(key)

    def sign(self, payload: bytes) -> bytes:
        return self.private_key.sign(payload)


def verify_signature(public_key_pem: str, payload: bytes, signature: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `payload` by the PEM public key."""
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
        if not isinstance(key, Ed25519PublicKey):
            return False
        key.verify(signature, payload)
        return True
    except (InvalidSignature, ValueError):
        return False
