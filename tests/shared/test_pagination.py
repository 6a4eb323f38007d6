"""The one page-token codec (shared/pagination.py): round trips, and every forged token refused as
INVALID_ARGUMENT on page_token, decoded without recursion whatever it holds."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import InvalidArgument
from shared.pagination import TIME, UUID, Int, PageTokens

TOKENS = PageTokens("ListThings", key=(TIME, UUID))
VERSIONS = PageTokens("ListVersions", key=(Int(1, 2**31 - 1),))


def _refused(codec: PageTokens, token: str, scope: str) -> str:
    with pytest.raises(InvalidArgument) as caught:
        codec.decode(token, scope)
    [violation] = caught.value.violations
    assert violation.field == "page_token"
    return violation.description


def test_round_trip_keeps_types_and_binds_method_tenant_and_filters():
    scope = TOKENS.scope("tenant-a", "published", None)
    key = (datetime(2026, 11, 24, 3, 4, 5, 123456, tzinfo=UTC), str(uuid.uuid4()))
    assert TOKENS.decode(TOKENS.encode(key, scope), scope) == key
    assert TOKENS.decode("", scope) is None
    token = TOKENS.encode(key, scope)
    assert "different filters" in _refused(TOKENS, token, TOKENS.scope("tenant-a", "draft", None))
    assert "different filters" in _refused(TOKENS, token, TOKENS.scope("tenant-b", "published", None))
    # Same tenant and filters, another method: the fingerprint includes the method.
    other = PageTokens("ListOtherThings", key=(TIME, UUID))
    assert "different filters" in _refused(other, token, other.scope("tenant-a", "published", None))


def test_page_cuts_rows_and_issues_the_next_token():
    scope = VERSIONS.scope("t")
    rows = [(n,) for n in range(1, 5)]
    items, token = VERSIONS.page(rows, 3, scope, key=lambda r: r)
    assert items == rows[:3] and VERSIONS.decode(token, scope) == (3,)
    assert VERSIONS.page(rows[:2], 3, scope, key=lambda r: r) == (rows[:2], "")


@pytest.mark.parametrize("token", [
    "x" * 10_000,                                                     # oversized: refused before decoding
    base64.urlsafe_b64encode(b"[" * 100_000 + b"]" * 100_000).decode(),  # the nested JSON that used to recurse
    base64.urlsafe_b64encode(json.dumps({"k": [1, 2], "f": "x"}).encode()).decode(),  # the old JSON format
    "!!!not-base64!!!",
    base64.urlsafe_b64encode("p1\x1fscope\x1f2026-01-01T00:00:00+00:00".encode()).decode(),  # a field short
    base64.urlsafe_b64encode("p1\x1fscope\x1f2026-01-01T00:00:00\x1f" .encode() + str(uuid.uuid4()).encode()).decode(),
    base64.urlsafe_b64encode("p1\x1fscope\x1fnot a time\x1fnot a uuid".encode()).decode(),
    base64.urlsafe_b64encode("p1\x1fscope\x1f2026-01-01T00:00:00+00:00\x1f{}".encode()).decode(),
    base64.urlsafe_b64encode("é".encode()).decode(),
])
def test_forged_tokens_are_refused(token):
    assert _refused(TOKENS, token, "scope") == "is not a token issued by this service"


@pytest.mark.parametrize("value", ["0", "-1", "2147483648", "1e3", "99999999999999999999999", "", "1.0"])
def test_integer_keys_are_range_checked(value):
    token = base64.urlsafe_b64encode(f"p1\x1fs\x1f{value}".encode()).decode()
    assert _refused(VERSIONS, token, "s") == "is not a token issued by this service"


@given(st.text(max_size=600))
def test_any_text_is_a_token_or_invalid_argument(token):
    try:
        TOKENS.decode(token, "scope")
    except InvalidArgument as error:
        assert error.violations[0].field == "page_token"
