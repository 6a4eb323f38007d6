"""shared.auth.TokenVerifier trusts user tokens and service tokens separately: the identity provider's key makes
users, a service's own key (chosen by kid) makes that service, and no claim ever makes a service."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jwt
import pytest

from shared.auth import SERVICE, TokenMinter, TokenVerifier, generate_keypair
from shared.errors import PermissionDenied, Unauthenticated
from shared.service_keys import DevIdentity, ensure_dev_keys, from_directory, from_json, to_json
from shared.settings import ServiceSettings

ISSUER, AUDIENCE = "identity-test", "learning"


@pytest.fixture(scope="module")
def identity() -> DevIdentity:
    return DevIdentity(issuer=ISSUER, audience=AUDIENCE, services=["catalog", "evidence"])


def verifier(identity: DevIdentity, **kwargs) -> TokenVerifier:
    keys = {name: [public] for name, (_, public) in identity.service_pems.items()}
    return TokenVerifier(identity.idp_public_pem, issuer=ISSUER, audience=AUDIENCE, service_keys=keys, **kwargs)


def bearer(token: str) -> str:
    return "Bearer " + token


def test_a_service_key_makes_that_service_whatever_the_claims(identity):
    principal = verifier(identity).verify(bearer(identity.service_token("evidence", "acme")))
    assert (principal.subject, principal.service, principal.tenant_id) == ("evidence", "evidence", "acme")
    assert principal.roles == {SERVICE}
    principal.authorize("acme", {SERVICE})
    # A service token claiming more roles than `service` gets only `service`.
    minter = identity.service_minters["catalog"]
    claimed = verifier(identity).verify(bearer(minter.mint(subject="catalog", tenant_id="*",
                                                           roles=["service", "admin"])))
    assert claimed.service == "catalog" and claimed.roles == {SERVICE}


def test_a_user_token_claiming_the_service_role_is_a_user_without_it(identity):
    for tenant in ("acme", "*"):
        principal = verifier(identity).verify(bearer(identity.user_token(tenant, ["service", "admin"], "catalog")))
        assert principal.service == "" and principal.roles == {"admin"}
    everywhere = verifier(identity).verify(bearer(identity.user_token("*", ["service"], "catalog")))
    with pytest.raises(PermissionDenied):  # "*" is only for services: without the role it grants nothing
        everywhere.authorize("acme", {SERVICE})


def test_a_service_token_whose_subject_is_another_service_is_refused(identity):
    forged = identity.service_minters["evidence"].mint(subject="catalog", tenant_id="*", roles=["service"])
    with pytest.raises(Unauthenticated, match="must have sub 'evidence'"):
        verifier(identity).verify(bearer(forged))


def test_the_kid_picks_the_key_and_a_wrong_or_unknown_kid_does_not_verify(identity):
    evidence_private = identity.service_pems["evidence"][0]
    catalog_kid = jwt.get_unverified_header(identity.service_token("catalog"))["kid"]
    claims = {"sub": "catalog", "tenant_id": "*", "roles": ["service"], "iss": ISSUER, "aud": AUDIENCE,
              "iat": 1, "exp": 4_000_000_000}
    # Signed by evidence's key, pretending to be catalog by its kid: catalog's key refuses the signature.
    as_catalog = jwt.encode(claims, _key(evidence_private), algorithm="EdDSA", headers={"kid": catalog_kid})
    unknown_kid = jwt.encode(claims, _key(evidence_private), algorithm="EdDSA", headers={"kid": "0000000000000000"})
    # Without a kid a service's key is not even tried: the identity provider's key refuses it.
    no_kid = jwt.encode(claims, _key(evidence_private), algorithm="EdDSA")
    for token in (as_catalog, unknown_kid, no_kid):
        with pytest.raises(Unauthenticated, match="invalid token"):
            verifier(identity).verify(bearer(token))


def test_algorithms_stay_pinned_for_service_tokens(identity):
    kid = jwt.get_unverified_header(identity.service_token("catalog"))["kid"]
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": kid}).encode()).rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps({"sub": "catalog", "tenant_id": "*", "roles": ["service"],
                                                "iss": ISSUER, "aud": AUDIENCE, "iat": 1,
                                                "exp": 4_000_000_000}).encode()).rstrip(b"=").decode()
    with pytest.raises(Unauthenticated):
        verifier(identity).verify(f"Bearer {header}.{body}.")


def test_verified_service_tokens_are_remembered_like_user_tokens(identity, monkeypatch):
    tokens = verifier(identity)
    token = bearer(identity.service_token("catalog"))
    first = tokens.verify(token)
    decodes = []
    decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: decodes.append(1) or decode(*a, **k))
    assert tokens.verify(token) == first and decodes == []


def test_the_identity_providers_key_may_not_double_as_a_service_key(identity):
    with pytest.raises(RuntimeError, match="also configured as a service key"):
        TokenVerifier(identity.idp_public_pem, issuer=ISSUER, audience=AUDIENCE,
                      service_keys={"catalog": [identity.idp_public_pem]})
    _, public = generate_keypair()
    with pytest.raises(RuntimeError, match="listed for"):
        TokenVerifier(identity.idp_public_pem, issuer=ISSUER, audience=AUDIENCE,
                      service_keys={"catalog": [public], "evidence": [public]})
    with pytest.raises(RuntimeError, match="not a service name"):
        TokenVerifier(identity.idp_public_pem, issuer=ISSUER, audience=AUDIENCE, service_keys={"Bad Name": [public]})


def test_key_map_from_a_directory_or_json_with_rotated_keys(tmp_path):
    files = ensure_dev_keys(tmp_path / "keys", ["catalog", "audit"])
    assert ensure_dev_keys(tmp_path / "keys", ["catalog", "audit"]) == files  # kept: created once
    assert (files.private_key_of("catalog").stat().st_mode & 0o777) == 0o600
    old_public = (files.service_public_dir / "catalog.pem").read_text()
    _, new_public = generate_keypair()
    (files.service_public_dir / "catalog.pem").write_text(new_public + old_public)  # rotation: both trusted
    keys = from_directory(files.service_public_dir)
    assert sorted(keys) == ["audit", "catalog"] and len(keys["catalog"]) == 2
    old_signer = TokenMinter.for_service(files.private_key_of("catalog").read_text(), issuer=ISSUER,
                                         audience=AUDIENCE)
    idp = files.idp_public.read_text()
    token = bearer(old_signer.mint(subject="catalog", tenant_id="*", roles=["service"]))
    assert TokenVerifier(idp, issuer=ISSUER, audience=AUDIENCE, service_keys=keys).verify(token).service == "catalog"
    assert from_json(to_json({"catalog": new_public + old_public})) == {"catalog": keys["catalog"]}
    with pytest.raises(RuntimeError, match="JSON object"):
        from_json('["not", "a", "map"]')


def test_settings_merge_the_directory_and_the_inline_map(tmp_path):
    files = ensure_dev_keys(tmp_path, ["catalog"])
    _, audit_public = generate_keypair()
    settings = ServiceSettings(service_public_keys_dir=files.service_public_dir,
                               service_public_keys=to_json({"audit": audit_public}))
    assert sorted(settings.service_key_map()) == ["audit", "catalog"]
    assert ServiceSettings().service_key_map() == {}


def test_make_run_and_compose_give_each_service_its_own_identity(tmp_path):
    import yaml

    from scripts import run
    from shared.services import SERVICES

    keys = ensure_dev_keys(tmp_path)
    urls = type("Urls", (), {"runtime_url": "postgresql://rt@db/x", "owner_url": "postgresql://own@db/x"})()
    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())["services"]
    for name, info in SERVICES.items():
        env = run.service_environment(name, urls, keys, run.listen_addresses({}), {})
        assert env[info.prefix + "JWT_PRIVATE_KEY_FILE"] == str(keys.private_key_of(name))
        assert env[info.prefix + "JWT_PUBLIC_KEY_FILE"] == str(keys.idp_public)  # users: the identity provider
        assert env[info.prefix + "SERVICE_PUBLIC_KEYS_DIR"] == str(keys.service_public_dir)
        settings = ServiceSettings(jwt_private_key_file=keys.private_key_of(name),
                                   service_public_keys_dir=keys.service_public_dir)
        # What the service signs with verifies as that service with the map every service gets.
        minter = TokenMinter.for_service(settings.private_key_pem(), issuer=ISSUER, audience=AUDIENCE)
        verifying = TokenVerifier(keys.idp_public.read_text(), issuer=ISSUER, audience=AUDIENCE,
                                  service_keys=settings.service_key_map())
        assert verifying.verify(bearer(minter.mint(subject=name, tenant_id="*", roles=["service"]))).service == name
        if name in compose:
            env = compose[name]["environment"]
            assert env[info.prefix + "JWT_PRIVATE_KEY_FILE"] == f"/keys/service-private/{name}.pem"
            assert env[info.prefix + "JWT_PUBLIC_KEY_FILE"] == "/keys/jwt-public.pem"
            assert env[info.prefix + "SERVICE_PUBLIC_KEYS_DIR"] == "/keys/services"


def _key(private_pem: str):
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(private_pem.encode(), password=None)
