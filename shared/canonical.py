r"""RFC 8785 (JSON Canonicalization Scheme) bytes and their SHA-256, for tamper-evident records.

The `rfc8785` package is the reference: it is spec-correct (jcs collapses large integers; canonicaljson is
not RFC 8785) but pure Python (~1.5 ms for a 20 kB evidence body). `canonical_json` takes a C fast path
where the standard library's JSON encoder provably writes the same bytes, and gives everything else to
`rfc8785`. The fast path (one check over the value, then `json` in C, ~7x faster) requires:
- dicts, lists, tuples, str, None, bool of exactly those types; dict keys ASCII str (then code point order,
  which `sort_keys` uses, is RFC 8785's UTF-16 code unit order);
- ints within +-(2**53 - 1) (RFC 8785's integer domain);
- floats with 1e-4 <= |f| < 1e16 that are not integral: there Python's repr (shortest round-trip digits, no
  exponent, which `json` writes) is exactly ECMAScript's Number::toString; integral floats (1.0 -> "1"),
  exponents, zero, NaN and infinities take the reference path.
String escaping is the same table in both (`"`, `\`, \b \f \n \r \t, other controls as lower-case \u00xx,
everything else as is); a lone surrogate fails the final UTF-8 encoding, as it does in `rfc8785`.
tests/shared/test_canonical.py holds both to the same bytes (hypothesis over generated JSON values and
evidence bodies, and the RFC's own test vectors). Callers store these exact bytes (bytea), never a jsonb
re-rendering, because jsonb reorders keys and normalizes numbers.
A writer that knows its document's shape may emit the bytes itself with the fast path's two pieces,
`json_string` and `fast_float` (the evidence record path does, in services/evidence/convert, held to `rfc8785`
by tests/evidence/test_canonical_bytes.py).
"""

from __future__ import annotations

import hashlib
import json

import rfc8785

_MAX_INT = 2**53 - 1
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False,
                           check_circular=False).encode

#: A str as RFC 8785 writes it, quotes included: the C escaping function the fast path's encoder calls
#: (for writers that emit canonical JSON of a known shape directly; see the module comment).
json_string = json.encoder.encode_basestring


def fast_float(value: float) -> bool:
    """Whether Python's repr of this float is exactly RFC 8785's (ECMAScript's) text of it."""
    return 1e-4 <= abs(value) < 1e16 and not value.is_integer()


def _fast(value: object) -> bool:
    """Whether the C encoder writes `value` exactly as RFC 8785 does (see the module comment)."""
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is dict:
        return all(type(key) is str and key.isascii() and _fast(item) for key, item in value.items())
    if kind is list or kind is tuple:
        return all(_fast(item) for item in value)
    if kind is int:
        return -_MAX_INT <= value <= _MAX_INT
    if kind is float:
        return fast_float(value)
    return False


def canonical_json(value: object) -> bytes:
    if not _fast(value):
        return rfc8785.dumps(value)
    try:
        return _encode(value).encode()
    except UnicodeEncodeError as error:  # a lone surrogate: not Unicode text, as rfc8785 says too
        raise rfc8785.CanonicalizationError("input contains non-UTF-8 codepoints") from error


def reference_canonical_json(value: object) -> bytes:
    """The `rfc8785` package's bytes (what canonical_json is tested against)."""
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chain_hash(previous_hash_hex: str, content_hash_hex: str) -> str:
    """Link a record to its predecessor: sha256(ASCII(previous_hash + content_hash))."""
    return sha256_hex((previous_hash_hex + content_hash_hex).encode("ascii"))
