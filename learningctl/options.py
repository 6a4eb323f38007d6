"""The options every command shares: tenant, token, service addresses, the development key; and the consoles.

Addresses left unset resolve in learningctl/connect.py (LEARNING_<NAME>_ADDRESS, then the defaults of
shared/services.py); the development key options carry their environment variables here, so --help shows them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

import grpc
import typer
from rich.console import Console
from rich.markup import escape

from learningctl.devkeys import DEV_AUDIENCE, DEV_ISSUER

console = Console(stderr=True)  # progress, findings and messages: stdout stays for what a script reads
out = Console()  # tables meant as the command's output

Tenant = Annotated[str, typer.Option(help="The tenant (organization) id.")]
Token = Annotated[str | None, typer.Option(help="Bearer token (default: LEARNING_TOKEN or .learning/dev-token).")]
CatalogAddress = Annotated[str | None, typer.Option("--catalog", help="host:port of the catalog service.")]
ProgressAddress = Annotated[str | None, typer.Option("--progress", help="host:port of the progress service.")]
AssessmentAddress = Annotated[str | None, typer.Option("--assessment", help="host:port of the assessment service.")]
EvidenceAddress = Annotated[str | None, typer.Option("--evidence", help="host:port of the evidence service.")]
AuditAddress = Annotated[str | None, typer.Option("--audit", help="host:port of the audit service.")]
KeyFile = Annotated[Path | None, typer.Option(
    envvar="LEARNING_DEV_KEY_FILE", help="The development identity provider's private key (PEM; default: "
    ".learning/jwt-private.pem, written by `make run`).")]
Issuer = Annotated[str, typer.Option(envvar="LEARNING_DEV_ISSUER", help="The token issuer the services expect.")]
Audience = Annotated[str, typer.Option(envvar="LEARNING_DEV_AUDIENCE",
                                       help="The token audience the services expect.")]
DEFAULT_ISSUER, DEFAULT_AUDIENCE = DEV_ISSUER, DEV_AUDIENCE


def refuse(message: str, code: int = 2) -> typer.Exit:
    """Print why the command will not go on (verbatim: no markup, no wrapping) and the Exit to raise."""
    console.print(f"[bold red]refused[/]: {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def rpc_errors_as_messages(command):
    """`command` with a failed call reported as one line and exit status 2 (could not run: e.g. a service down,
    or a token for another tenant), never a traceback; 1 stays the verdict of verify and witness."""
    @functools.wraps(command)  # Typer reads the options from the wrapped signature
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except grpc.RpcError as error:
            console.print(f"[bold red]failed[/]: {error.code().name}: {escape(error.details() or '')}",
                          soft_wrap=True)
            raise typer.Exit(2) from None
    return run
