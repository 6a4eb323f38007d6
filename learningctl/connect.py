"""Where the services are and who the command is: addresses and the bearer token, from flags or environment.

Addresses default to <NAME>_ADDRESS-style variables (LEARNING_AUDIT_ADDRESS, ...) and then to the services'
default addresses (shared/services.py). The token comes from --token, LEARNING_TOKEN, or the file `make run`
writes (.learning/dev-token).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import grpc

from shared.clients import MAX_MESSAGE_BYTES
from shared.services import SERVICES

DEV_TOKEN = Path(".learning") / "dev-token"


def address_of(service: str, given: str | None = None) -> str:
    return given or os.environ.get(f"LEARNING_{service.upper()}_ADDRESS") or SERVICES[service].default_address


def token_of(given: str | None = None) -> str:
    if given:
        return given
    if os.environ.get("LEARNING_TOKEN"):
        return os.environ["LEARNING_TOKEN"]
    if DEV_TOKEN.exists():
        return DEV_TOKEN.read_text().strip()
    raise SystemExit("no token: pass --token, set LEARNING_TOKEN, or run `make run` (it writes .learning/dev-token)")


@dataclass
class Connection:
    """A channel to one service and the call metadata."""

    channel: grpc.Channel
    metadata: tuple[tuple[str, str], ...]

    @classmethod
    def open(cls, service: str, address: str | None, token: str | None) -> Connection:
        channel = grpc.insecure_channel(address_of(service, address), options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)])
        return cls(channel, (("authorization", f"Bearer {token_of(token)}"),))

    def close(self) -> None:
        self.channel.close()
