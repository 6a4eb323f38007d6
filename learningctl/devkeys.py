"""User tokens signed with the development identity provider's key, the way `make run` signs .learning/dev-token.

The key: --key-file, else LEARNING_DEV_KEY_FILE, else .learning/jwt-private.pem (created by `make run`,
shared/service_keys.py). Issuer and audience must be what the services check (<PREFIX>_JWT_ISSUER and
<PREFIX>_JWT_AUDIENCE; `make run` and compose use learning-dev / learning): --issuer / LEARNING_DEV_ISSUER,
--audience / LEARNING_DEV_AUDIENCE.

Only user tokens. The `service` role is refused: a service's identity comes from its own service key (issue 11),
and the services drop a `service` claim from a user token anyway, so minting one would only mislead.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from shared.auth import ALL_ROLES, SERVICE, TENANT_ROLE, TokenMinter

DEV_KEY = Path(".learning") / "jwt-private.pem"
DEV_ISSUER, DEV_AUDIENCE = "learning-dev", "learning"
USER_ROLES = sorted(ALL_ROLES - {SERVICE})


class MintRefused(Exception):
    """A token this tool will not mint (the message says why and what to do instead)."""


def role_problems(roles: list[str]) -> str:
    """Why `roles` cannot go into a user token ("" when they can)."""
    if SERVICE in roles:
        return ("--role service is refused: a user token never carries service identity. Services sign their "
                "own tokens with their service keys (shared/service_keys.py; `make run` keeps them in "
                ".learning/service-private/).")
    bad = [role for role in roles if role not in ALL_ROLES and not TENANT_ROLE.fullmatch(role)]
    if bad:  # the services would silently drop them; say so instead
        return f"not a role: {', '.join(bad)} (built-in: {', '.join(USER_ROLES)}; tenant roles: [a-z0-9_-]{{1,64}})"
    return ""


class DevMinter:
    """Mints user tokens with the development identity provider's private key."""

    def __init__(self, key_file: Path | None, issuer: str = DEV_ISSUER, audience: str = DEV_AUDIENCE) -> None:
        path = key_file or DEV_KEY
        if not path.is_file():
            raise MintRefused(f"no development identity-provider key at {path}: run `make run` once (it writes "
                              ".learning/jwt-private.pem), or pass --key-file / LEARNING_DEV_KEY_FILE")
        try:
            self._minter = TokenMinter(path.read_text(), issuer=issuer, audience=audience)
        except (ValueError, TypeError) as error:
            raise MintRefused(f"{path} is not a PEM private key: {error}") from None

    def token(self, tenant: str, roles: list[str], subject: str | None = None, ttl_seconds: int = 3600) -> str:
        problem = role_problems(roles)
        if problem:
            raise MintRefused(problem)
        # A UUID subject by default: RPCs that default an owner or a learner to the caller need one.
        return self._minter.mint(subject=subject or str(uuid.uuid4()), tenant_id=tenant, roles=roles,
                                 ttl_seconds=ttl_seconds)

    def metadata(self, tenant: str, roles: list[str], subject: str | None = None,
                 ttl_seconds: int = 3600) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token(tenant, roles, subject, ttl_seconds)}"),)
