"""`token`: a development user token for a tenant and roles, printed alone so `$(learningctl token ...)` works.

    export LEARNING_TOKEN=$(learningctl token --tenant acme --role auditor)
    learningctl token --tenant acme --role learner --subject 6f1c...  --ttl 600

Signed with the development identity provider's key (learningctl/devkeys.py); never a service token.
"""

from __future__ import annotations

from typing import Annotated

import typer

from learningctl.devkeys import USER_ROLES, DevMinter, MintRefused
from learningctl.options import DEFAULT_AUDIENCE, DEFAULT_ISSUER, Audience, Issuer, KeyFile, Tenant, refuse


def token_command(
        tenant: Tenant = "demo",
        role: Annotated[list[str] | None, typer.Option(
            help=f"A role (repeat for several; default every user role: {', '.join(USER_ROLES)}). Tenant roles "
                 "such as `mentor` are allowed; `service` is refused.")] = None,
        subject: Annotated[str | None, typer.Option(help="The `sub` claim (default: a new UUID).")] = None,
        ttl: Annotated[int, typer.Option(min=1, help="Lifetime in seconds.")] = 3600,
        key_file: KeyFile = None, issuer: Issuer = DEFAULT_ISSUER, audience: Audience = DEFAULT_AUDIENCE) -> None:
    """Mint a development user token (only the token is printed, on stdout)."""
    try:
        token = DevMinter(key_file, issuer, audience).token(tenant, role or USER_ROLES, subject, ttl)
    except MintRefused as refused:
        raise refuse(str(refused)) from None
    typer.echo(token)
