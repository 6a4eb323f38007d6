"""JWT bearer authentication and tenant/role authorization.

Every RPC except health and reflection carries `authorization: Bearer <JWT>`.
Tokens are Ed25519-signed (EdDSA); the accepted algorithm is pinned so
`alg: none` or an HMAC token forged with the public key never verifies. Claims:

    sub        the caller (a pseudonymous user id or a service name)
    tenant_id  the tenant the caller acts for; "*" only for service tokens
    roles      list of: learner, author, reviewer, auditor, admin, service
    iss, aud, exp, iat   checked against configuration

Servicers start every RPC with `authorize(request.tenant_id, ROLES)`: it returns the caller
(`Principal`) if it may act for that tenant with one of the roles, and refuses otherwise.
"""

from __future__ import annotations

import contextvars
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.errors import PermissionDenied, Unauthenticated
from shared.lru import LruCache
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


@dataclass(frozen=True)
class Principal:
    subject: str
    tenant_id: str
    roles: frozenset[str] = field(default_factory=frozenset)

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

    def __init__(self, public_key_pem: str, *, issuer: str, audience: str, cache_size: int = 4096,
                 clock=time.time) -> None:
        if not public_key_pem.strip():
            raise RuntimeError("no JWT public key configured (set <PREFIX>_JWT_PUBLIC_KEY or _FILE)")
        self._key = serialization.load_pem_public_key(public_key_pem.encode())
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
            claims = jwt.decode(
                token,
                self._key,
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
        kept = frozenset(role for role in roles if role in ALL_ROLES or TENANT_ROLE.fullmatch(role))
        principal = Principal(subject=str(claims["sub"]), tenant_id=tenant, roles=kept)
        # PyJWT accepted `exp`; the token is remembered until exactly the moment PyJWT would refuse it.
        return principal, int(claims["exp"])  # compared as PyJWT does: valid while now < int(exp)


class TokenMinter:
    """Signs tokens: a service's own outbound calls, the development token, tests."""

    def __init__(self, private_key_pem: str, *, issuer: str, audience: str) -> None:
        self._key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        self._issuer = issuer
        self._audience = audience

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
        return jwt.encode(claims, self._key, algorithm="EdDSA")


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


def ensure_dev_keys(directory: Path) -> tuple[Path, Path]:
    """Create (once) the development signing key pair under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path, public_path = directory / "jwt-private.pem", directory / "jwt-public.pem"
    if not private_path.exists():
        private_pem, public_pem = generate_keypair()
        private_path.write_text(private_pem)
        private_path.chmod(0o600)
        public_path.write_text(public_pem)
    return private_path, public_path
