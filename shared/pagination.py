"""Opaque keyset page tokens (AIP-158), one codec for every List RPC.

A token holds the sort key of the last row of the previous page plus a fingerprint of what it was
issued for: the method, the tenant and the filters (`PageTokens.scope`). Queries continue with
`WHERE (sort key) > (:last)` on an index, never OFFSET, so a deep page costs what the first one does
and rows inserted meanwhile are neither skipped nor repeated.

Tokens are unsigned, so a client can forge one. Decoding is therefore bounded and flat: a size check
first, then base64, then a fixed number of fields separated by a control character, each parsed by its
declared type (`TIME`, `UUID`, `Int`). Nothing is recursive and nothing unchecked reaches a query; a
forged, truncated or replayed-with-other-filters token is INVALID_ARGUMENT on `page_token`.

    TOKENS = PageTokens("ListCourses", key=(TIME, UUID))
    scope = TOKENS.scope(tenant_id, status)
    after = TOKENS.decode(request.page_token, scope)            # None on the first page
    rows = await store.list_courses(..., after=after, limit=limit + 1)
    items, next_token = TOKENS.page(rows, limit, scope, key=lambda r: (r.created_at, r.course_id))
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.errors import FieldViolation, InvalidArgument
from shared.validation import canonical_uuid

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# A page's items stop short of this many serialized bytes (at least one item per page), so a List
# answer always fits a default client's 4 MiB limit, whatever page_size asked for (AIP-158 allows
# short pages). Records are bounded when they are written so that one always fits.
MAX_PAGE_BYTES = 3 * 1024 * 1024
MAX_TOKEN_CHARS = 512  # far above any token we issue; longer input is refused before decoding
_FORMAT = "p1"
_SEPARATOR = "\x1f"  # cannot occur in any rendered key part


def page_size(requested: int) -> int:
    """0 means the default; larger than the maximum is coerced down (AIP-158)."""
    if requested < 0:
        raise InvalidArgument([FieldViolation("page_size", "must not be negative")])
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


class _Forged(ValueError):
    pass


@dataclass(frozen=True)
class KeyPart:
    """One typed element of a sort key: how it is written into a token and read back strictly."""

    name: str
    render: Callable[[Any], str]
    parse: Callable[[str], Any]


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text) if len(text) <= 40 else None
    if value is None or value.tzinfo is None:
        raise _Forged(text)
    return value


def _parse_uuid(text: str) -> str:
    value = canonical_uuid(text)
    if not value:
        raise _Forged(text)
    return value


def _parse_tenant(text: str) -> str:
    if not (1 <= len(text) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in text)):
        raise _Forged(text)
    return text


TIME = KeyPart("time", lambda value: value.isoformat(), _parse_time)
UUID = KeyPart("uuid", str, _parse_uuid)
TENANT = KeyPart("tenant", str, _parse_tenant)  # a tenant id (shared.validation's tenant rule)


def Int(low: int, high: int) -> KeyPart:  # noqa: N802 - reads like the other key types
    """An integer key element in [low, high] (e.g. a bigint sequence or an int4 version number)."""
    def parse(text: str) -> int:
        if not (0 < len(text) <= 20 and text.lstrip("-").isdigit()):
            raise _Forged(text)
        value = int(text)
        if not low <= value <= high:
            raise _Forged(text)
        return value

    return KeyPart(f"int[{low},{high}]", str, parse)


def _invalid(description: str) -> InvalidArgument:
    return InvalidArgument([FieldViolation("page_token", description)])


@dataclass(frozen=True)
class PageTokens:
    """The page-token codec of one List method with sort key `key`."""

    method: str
    key: tuple[KeyPart, ...]

    def scope(self, tenant_id: str, *filters: object) -> str:
        """What a token is bound to: this method, the tenant and the call's filters (a short hash)."""
        text = json.dumps([self.method, tenant_id, *filters], default=str, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def encode(self, key: Sequence[Any], scope: str) -> str:
        raw = _SEPARATOR.join([_FORMAT, scope, *(part.render(value) for part, value in zip(self.key, key))])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, token: str, scope: str) -> tuple | None:
        """The last sort key of the previous page, or None for the first page."""
        if not token:
            return None
        try:
            if len(token) > MAX_TOKEN_CHARS:
                raise _Forged("too long")
            raw = base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode("ascii")).decode("ascii")
            fields = raw.split(_SEPARATOR)
            if len(fields) != 2 + len(self.key) or fields[0] != _FORMAT:
                raise _Forged("shape")
            issued_for = fields[1]
            key = tuple(part.parse(text) for part, text in zip(self.key, fields[2:]))
        except (_Forged, ValueError, UnicodeError, binascii.Error):
            raise _invalid("is not a token issued by this service") from None
        if issued_for != scope:
            raise _invalid("was issued for different filters")
        return key

    def page(self, rows: Sequence, limit: int, scope: str, key: Callable[[Any], Sequence[Any]], *,
             convert: Callable[[Any], Any] | None = None, max_bytes: int = MAX_PAGE_BYTES) -> tuple[list, str]:
        """Cut a page out of `rows` (fetched with limit + 1) and the token of the next page ("" at the end).

        With `convert`, the page holds the converted protos and stops before their serialized size
        would pass `max_bytes` (at least one item); the next page continues after the last one kept.
        """
        items = []
        size = 0
        for row in rows[:limit]:
            item = convert(row) if convert is not None else row
            if convert is not None:
                size += item.ByteSize()
                if items and size > max_bytes:
                    break
            items.append(item)
        more = len(rows) > len(items)
        return items, self.encode(key(rows[len(items) - 1]), scope) if more and items else ""
