"""JWT bearer authentication and tenant/role authorization.

Every RPC except health and reflection carries `authorization: Bearer <JWT>`.
Tokens are Ed25519-signed (EdDSA); the accepted algorithm is pinned so
`alg: none` or an HMAC token forged with the public key never verifies. Claims:

    sub        the caller (a pseudonymous user id or a service name)
    tenant_id  the tenant the caller acts for; "*" only for service tokens
    roles      list of: learner, author, reviewer, auditor, admin, service
    iss, aud, exp, iat   checked against configuration

Two kinds of token, trusted separately:
  - user tokens, signed by the identity provider's key (<PREFIX>_JWT_PUBLIC_KEY). A `service` role claim in
    one is dropped: a user (or whoever holds the identity provider's key) never becomes a service.
  - service tokens, signed by one service's own key and carrying that key's id in the `kid` header
    (<PREFIX>_SERVICE_PUBLIC_KEYS[_DIR] maps service name -> public keys, shared/service_keys.py). The
    caller's service identity (`Principal.service`) is the name of the key that verified the token, never
    a claim; the token's `sub` must name that same service, and its only role is `service`.

Servicers start every RPC with `authorize(request.tenant_id, ROLES)`: it returns the caller
(`Principal`) if it may act for that tenant with one of the roles, and refuses otherwise.
"""

from __future__ import annotations

import contextvars
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.errors import PermissionDenied, Unauthenticated
from shared.lru import LruCache
from shared.signing import key_id_of, load_public_key
from shared.validation import Violations

ALGORITHMS = ["EdDSA"]  # pinned: never accept whatever the token header claims
# Our tokens are a few hundred bytes; anything far larger is refused before it is decoded (a 1 MiB
# header field cost ~60 ms of CPU to parse and verify).
MAX_AUTHORIZATION_CHARS = 4096
ALL_TENANTS = "*"

LEARNER = "learner"
AUTHOR = "author"
REVIEWER = "reviewer"
AUDITOR = "auditor"
ADMIN = "admin"
SERVICE = "service"
ALL_ROLES = frozenset({LEARNER, AUTHOR, REVIEWER, AUDITOR, ADMIN, SERVICE})
# Tenant-defined roles (e.g. an exercise's reviewer role "mentor", catalog ReviewRequirements.reviewer_role)
# are kept too: they grant nothing by themselves, only what a resource names them for.
TENANT_ROLE = re.compile(r"[a-z0-9_-]{1,64}")
SERVICE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Principal:
    subject: str
    tenant_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    #: The calling service ("catalog", ...) when a service key verified the token; "" for users.
    service: str = ""

    def has_any(self, roles: frozenset[str] | set[str]) -> bool:
        return bool(self.roles & set(roles))

    def authorize(self, tenant_id: str, roles: frozenset[str] | set[str] = ALL_ROLES) -> None:
        """Allow only callers of this tenant (or a service token) holding one of `roles`.

        A mismatched tenant is refused before any lookup, so the caller never
        learns whether the other tenant's resource exists.
        """
        if self.tenant_id not in (tenant_id, ALL_TENANTS) or (
            self.tenant_id == ALL_TENANTS and SERVICE not in self.roles
        ):
            raise PermissionDenied("the token does not grant access to this tenant")
        if not self.has_any(roles):
            raise PermissionDenied(f"requires one of the roles: {', '.join(sorted(roles))}")


_current: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("principal", default=None)


def current_principal() -> Principal:
    principal = _current.get()
    if principal is None:  # only reachable if a servicer runs without the auth interceptor
        raise Unauthenticated("no authenticated caller")
    return principal


def authorize(tenant_id: str, roles: frozenset[str] | set[str] = ALL_ROLES) -> Principal:
    """The caller, if it may act for `tenant_id` holding one of `roles` (PERMISSION_DENIED otherwise);
    then the tenant id's own shape, since a service token valid for every tenant could otherwise pass
    any string on to PostgreSQL (INVALID_ARGUMENT on tenant_id)."""
    principal = current_principal()
    principal.authorize(tenant_id, roles)
    v = Violations()
    v.tenant(tenant_id)
    v.raise_if_any()
    return principal


def authorize_service(tenant_id: str, services: frozenset[str] | set[str]) -> Principal:
    """The caller, if it is one of `services` (by the key that verified its token, never a claim) and may act
    for `tenant_id`: for records only a service that observed something may make (e.g. training evidence)."""
    principal = authorize(tenant_id, {SERVICE})
    if principal.service not in services:
        raise PermissionDenied(f"only the {' or '.join(sorted(services))} service may call this")
    return principal


def authorize_tenant_member(tenant_id: str) -> Principal:
    """The caller, if it may act for `tenant_id` holding any role at all, tenant-defined roles included (e.g.
    an exercise reviewer "mentor"); the RPC then decides by what the resource names."""
    principal = current_principal()
    return authorize(tenant_id, principal.roles or ALL_ROLES)


def set_current_principal(principal: Principal | None) -> contextvars.Token:
    return _current.set(principal)


def reset_current_principal(token: contextvars.Token) -> None:
    _current.reset(token)


class TokenVerifier:
    """Verifies bearer tokens; a token it has verified is remembered until it expires.

    Why a cache: decoding a JWT and checking its Ed25519 signature costs more CPU than a small read,
    and clients send the same token on every call for its whole lifetime. What a remembered token
    skips is only what cannot change for the same bytes: the signature, issuer, audience and claim
    shapes. Expiry is checked on every call, exactly as for a fresh token, so a remembered token
    stops working the second it would have failed fresh; not-before and issued-at only ever become
    valid with time. Failures are never remembered. At most `cache_size` tokens are kept, least
    recently used dropped first, so a flood of distinct tokens costs memory for `cache_size` only.
    """

    def __init__(self, public_key_pem: str, *, issuer: str, audience: str,
                 service_keys: Mapping[str, Sequence[str]] | None = None, cache_size: int = 4096,
                 clock=time.time) -> None:
        if not public_key_pem.strip():
            raise RuntimeError("no JWT public key configured (set <PREFIX>_JWT_PUBLIC_KEY or _FILE)")
        self._key = serialization.load_pem_public_key(public_key_pem.encode())
        #: key id -> (service name, its public key)
        self._service_keys = _service_keys_by_id(service_keys or {})
        if isinstance(self._key, Ed25519PublicKey) and key_id_of(self._key) in self._service_keys:
            # Else whoever holds that one private key could mint both users and services.
            raise RuntimeError("the identity provider's public key is also configured as a service key")
        self._issuer = issuer
        self._audience = audience
        self._clock = clock
        self._verified: LruCache[str, tuple[Principal, float]] = LruCache(cache_size)

    def verify(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthenticated("missing authorization metadata")
        if len(authorization) > MAX_AUTHORIZATION_CHARS:
            raise Unauthenticated(f"authorization must be at most {MAX_AUTHORIZATION_CHARS} characters")
        remembered = self._verified.get(authorization)
        if remembered is not None:
            principal, expires = remembered
            if self._clock() < expires:
                return principal
            self._verified.pop(authorization)  # expired: decoded afresh below, which refuses it
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("authorization must be 'Bearer <token>'")
        principal, expires = self._decode(token)
        self._verified.put(authorization, (principal, expires))
        return principal

    def _decode(self, token: str) -> tuple[Principal, float]:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        # The key is chosen by kid, but only among the configured ones: an unknown kid falls back to the
        # identity provider's key (providers put their own kids in headers), which then must verify it.
        service, key = self._service_keys.get(kid, ("", self._key)) if isinstance(kid, str) else ("", self._key)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        tenant = claims.get("tenant_id")
        roles = claims.get("roles")
        if not isinstance(tenant, str) or not tenant:
            raise Unauthenticated("token has no tenant_id claim")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise Unauthenticated("token roles claim must be a list of strings")
        if service:
            if claims["sub"] != service:
                raise Unauthenticated(f"a token signed with the key of service {service!r} must have sub {service!r}")
            principal = Principal(subject=service, tenant_id=tenant, roles=frozenset({SERVICE}), service=service)
        else:  # a user: whatever it claims, only a service key makes a service
            kept = frozenset(role for role in roles
                             if role != SERVICE and (role in ALL_ROLES or TENANT_ROLE.fullmatch(role)))
            principal = Principal(subject=str(claims["sub"]), tenant_id=tenant, roles=kept)
        # PyJWT accepted `exp`; the token is remembered until exactly the moment PyJWT would refuse it.
        return principal, int(claims["exp"])  # compared as PyJWT does: valid while now < int(exp)


def _service_keys_by_id(service_keys: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, Ed25519PublicKey]]:
    by_id: dict[str, tuple[str, Ed25519PublicKey]] = {}
    for name, pems in service_keys.items():
        if not SERVICE_NAME.fullmatch(name):
            raise RuntimeError(f"service key map: {name!r} is not a service name")
        for pem in pems:
            try:
                key = load_public_key(pem)
            except ValueError as error:
                raise RuntimeError(f"service key map: a key of {name!r} is not an Ed25519 public key") from error
            if by_id.setdefault(key_id_of(key), (name, key))[0] != name:
                raise RuntimeError(f"service key map: one key is listed for {by_id[key_id_of(key)][0]!r} and {name!r}")
    return by_id


class TokenMinter:
    """Signs tokens: a service's own outbound calls (`key_id` set: the verifier picks the service's key by
    it), the development user token, tests."""

    def __init__(self, private_key_pem: str, *, issuer: str, audience: str, key_id: str = "") -> None:
        self._key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        self._issuer = issuer
        self._audience = audience
        self._headers = {"kid": key_id} if key_id else None

    @classmethod
    def for_service(cls, private_key_pem: str, *, issuer: str, audience: str) -> TokenMinter:
        """A minter of service tokens: the kid header is the id of this key's public half."""
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise RuntimeError("a service's private key must be an Ed25519 key (PEM PKCS#8)")
        return cls(private_key_pem, issuer=issuer, audience=audience, key_id=key_id_of(key.public_key()))

    def mint(self, *, subject: str, tenant_id: str, roles: list[str], ttl_seconds: int = 3600) -> str:
        now = int(time.time())
        claims = {
            "sub": subject,
            "tenant_id": tenant_id,
            "roles": roles,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "exp": now + ttl_seconds,
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(claims, self._key, algorithm="EdDSA", headers=self._headers)


def generate_keypair() -> tuple[str, str]:
    """A fresh Ed25519 key pair as (private PEM, public PEM), for development and tests."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private_pem, public_pem
