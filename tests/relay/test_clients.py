"""Service tokens of outbound calls (shared/clients.py)."""

from __future__ import annotations

import pytest

from shared import clients
from shared.auth import SERVICE, TokenVerifier
from tests.relay.conftest import relay_settings


def test_service_token_names_the_service_for_all_tenants(tokens, emitter_db):
    settings = relay_settings(emitter_db, tokens, "127.0.0.1:1")
    verifier = TokenVerifier(tokens.public_pem, issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                             service_keys=settings.service_key_map())
    principal = verifier.verify("Bearer " + clients.service_tokens(settings).current())
    assert principal.subject == "emitter"  # from the EMITTER_ settings prefix
    assert principal.service == "emitter"  # from the key that verified it
    assert principal.tenant_id == "*" and principal.roles == {SERVICE}
    principal.authorize("any-tenant", {SERVICE})


def test_token_is_reused_then_reminted_before_expiry(tokens, emitter_db, monkeypatch):
    settings = relay_settings(emitter_db, tokens, "127.0.0.1:1", service_token_ttl_seconds=100)
    service_tokens = clients.service_tokens(settings)
    now = [1_000_000.0]
    monkeypatch.setattr(clients.time, "time", lambda: now[0])
    first = service_tokens.current()
    now[0] += 50
    assert service_tokens.current() == first  # still well within its lifetime
    now[0] += 35  # 15 s left, less than the refresh margin (a fifth of 100 s)
    assert service_tokens.current() != first


def test_missing_private_key_fails_at_start_up(tokens, emitter_db):
    settings = relay_settings(emitter_db, tokens, "127.0.0.1:1", jwt_private_key="")
    with pytest.raises(RuntimeError, match="private key"):
        clients.service_tokens(settings)
