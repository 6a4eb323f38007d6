"""RFC 8785 (JSON Canonicalization Scheme) bytes and their SHA-256, for tamper-evident records.

Uses the `rfc8785` package: it is spec-correct (jcs collapses large integers;
canonicaljson is not RFC 8785). Callers store these exact bytes (bytea), never
a jsonb re-rendering, because jsonb reorders keys and normalizes numbers.
"""

from __future__ import annotations

import hashlib

import rfc8785


def canonical_json(value: object) -> bytes:
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chain_hash(previous_hash_hex: str, content_hash_hex: str) -> str:
    """Link a record to its predecessor: sha256(ASCII(previous_hash + content_hash))."""
    return sha256_hex((previous_hash_hex + content_hash_hex).encode("ascii"))
