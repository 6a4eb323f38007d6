"""Opaque keyset page tokens (AIP-158).

A token holds the sort key of the last row of the previous page plus a
fingerprint of the filters it was issued for. Queries continue with
`WHERE (sort_key) > (:last)` on an index, never OFFSET, so a deep page costs
the same as the first and rows inserted meanwhile are neither skipped nor
repeated. A token replayed with different filters, or forged, is INVALID_ARGUMENT.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from shared.errors import FieldViolation, InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int) -> int:
    """0 means the default; larger than the maximum is coerced down (AIP-158)."""
    if requested < 0:
        raise InvalidArgument([FieldViolation("page_size", "must not be negative")])
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def filter_fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PageToken:
    key: list
    filters: str

    def encode(self) -> str:
        raw = json.dumps({"k": self.key, "f": self.filters}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def decode(token: str, filters: str, key_length: int) -> list | None:
        """The last sort key, or None for the first page. Raises INVALID_ARGUMENT for a bad token."""
        if not token:
            return None
        try:
            padded = token + "=" * (-len(token) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode()))
            key, issued_for = data["k"], data["f"]
            valid = isinstance(key, list) and len(key) == key_length and isinstance(issued_for, str)
        except (ValueError, KeyError, TypeError, UnicodeError):
            valid = False
        if not valid:
            raise InvalidArgument([FieldViolation("page_token", "is not a token issued by this service")])
        if issued_for != filters:
            raise InvalidArgument([FieldViolation("page_token", "was issued for different filters")])
        return key
