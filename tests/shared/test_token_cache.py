"""shared.auth.TokenVerifier remembers verified tokens until they expire, and never skips a check a fresh
token would fail."""

from __future__ import annotations

import time

import jwt
import pytest

from shared.auth import TokenMinter, TokenVerifier, generate_keypair
from shared.errors import Unauthenticated

ISSUER, AUDIENCE = "cache-test", "learning"


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def keys():
    return generate_keypair()


def verifier(public_pem: str, clock: Clock, size: int = 4096) -> TokenVerifier:
    return TokenVerifier(public_pem, issuer=ISSUER, audience=AUDIENCE, cache_size=size, clock=clock)


def bearer(private_pem: str, ttl: int = 60, tenant: str = "t-1", roles=("learner",)) -> str:
    minter = TokenMinter(private_pem, issuer=ISSUER, audience=AUDIENCE)
    return "Bearer " + minter.mint(subject="user-1", tenant_id=tenant, roles=list(roles), ttl_seconds=ttl)


def test_a_remembered_token_is_decoded_afresh_from_the_second_it_expires(keys, monkeypatch):
    private_pem, public_pem = keys
    clock = Clock()
    tokens = verifier(public_pem, clock)
    token = bearer(private_pem, ttl=60)
    exp = jwt.decode(token.split()[1], options={"verify_signature": False})["exp"]
    assert tokens.verify(token).tenant_id == "t-1"
    decode = jwt.decode
    decodes = []
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: decodes.append(1) or decode(*a, **k))
    clock.now = exp - 0.001
    assert tokens.verify(token).roles == frozenset({"learner"})
    assert decodes == []  # remembered: no second signature check
    clock.now = exp  # PyJWT refuses at exp (exp <= now): from here on the cache does not answer
    tokens.verify(token)
    assert decodes == [1]


def test_an_expired_token_is_refused_although_it_was_verified_before(keys):
    private_pem, public_pem = keys
    tokens = TokenVerifier(public_pem, issuer=ISSUER, audience=AUDIENCE)
    token = bearer(private_pem, ttl=1)
    tokens.verify(token)
    exp = jwt.decode(token.split()[1], options={"verify_signature": False})["exp"]
    while time.time() <= exp:
        time.sleep(0.05)
    with pytest.raises(Unauthenticated, match="expired"):
        tokens.verify(token)


def test_failures_are_never_remembered_and_other_bytes_are_other_tokens(keys):
    private_pem, public_pem = keys
    _, other_public = generate_keypair()
    clock = Clock()
    tokens = verifier(public_pem, clock)
    token = bearer(private_pem)
    tokens.verify(token)
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    for bad in (tampered, token + "x", "Bearer " + token, token.replace("Bearer", "Basic")):
        with pytest.raises(Unauthenticated):
            tokens.verify(bad)
    with pytest.raises(Unauthenticated):  # a verifier with another key does not share the cache
        verifier(other_public, clock).verify(token)


def test_the_cache_is_bounded(keys):
    private_pem, public_pem = keys
    tokens = verifier(public_pem, Clock(), size=8)
    for index in range(50):
        tokens.verify(bearer(private_pem, tenant=f"t-{index}"))
    assert len(tokens._verified) == 8


def test_tenant_defined_roles_are_kept_and_malformed_roles_dropped(keys):
    """A reviewer role such as "mentor" (catalog ReviewRequirements.reviewer_role) reaches the service; anything
    not shaped like a role never does, so it cannot match a resource's role by accident."""
    private_pem, public_pem = keys
    token = bearer(private_pem, roles=("learner", "mentor", "Mentor", "x" * 65, "a b", ""))
    assert verifier(public_pem, Clock()).verify(token).roles == frozenset({"learner", "mentor"})
