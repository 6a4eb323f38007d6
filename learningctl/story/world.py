"""The demo's world: the five services' stubs, the personas' tokens, and the tallies of what the story did.

Personas: the author, the admin, the mentor and the auditor keep one stable id per tenant (uuid5), so every run
is the same staff; learners are new on every run. Each gets a user token minted with the development key.
`expect(action)` counts the audit events the story has caused, which settle.py then waits for.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import grpc

from learning.assessment.v1 import assessment_service_pb2_grpc as asvc_grpc
from learning.audit.v1 import audit_service_pb2_grpc as audit_grpc
from learning.catalog.v1 import catalog_service_pb2_grpc as cat_grpc
from learning.evidence.v1 import evidence_service_pb2_grpc as ev_grpc
from learning.progress.v1 import progress_service_pb2_grpc as progress_grpc
from learningctl.connect import Connection, address_of
from learningctl.devkeys import DevMinter
from shared.clients import MAX_MESSAGE_BYTES

TIMEOUT = 30.0  # seconds per call: every call of the story is small
Metadata = tuple[tuple[str, str], ...]


class StoryError(Exception):
    """The story cannot go on (the message says where); a failed call is a grpc.RpcError instead."""


def persona_id(tenant: str, persona: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"learningctl-demo/{tenant}/{persona}"))


@dataclass
class Learner:
    name: str
    user_id: str
    md: Metadata
    outcome: str = ""
    certificates: int = 0  # expected: courses and paths this learner passes in this run


@dataclass
class World:
    tenant: str
    minter: DevMinter
    channels: dict[str, grpc.Channel]
    learners: list[Learner] = field(default_factory=list)
    expected: Counter = field(default_factory=Counter)  # audit action -> events this run causes
    done: Counter = field(default_factory=Counter)  # what this run created, by kind
    sessions: list[str] = field(default_factory=list)  # terminal training sessions: one evidence record each

    @classmethod
    def open(cls, tenant: str, minter: DevMinter, addresses: dict[str, str | None]) -> World:
        channels = {name: grpc.insecure_channel(address_of(name, given), options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)]) for name, given in addresses.items()}
        return cls(tenant, minter, channels)

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()

    @property
    def catalog(self):
        return cat_grpc.CatalogServiceStub(self.channels["catalog"])

    @property
    def progress(self):
        return progress_grpc.ProgressServiceStub(self.channels["progress"])

    @property
    def assessment(self):
        return asvc_grpc.AssessmentServiceStub(self.channels["assessment"])

    @property
    def evidence(self):
        return ev_grpc.EvidenceServiceStub(self.channels["evidence"])

    @property
    def audit(self):
        return audit_grpc.AuditServiceStub(self.channels["audit"])

    def staff(self, persona: str, roles: list[str]) -> Metadata:
        return self.minter.metadata(self.tenant, roles, persona_id(self.tenant, persona))

    @cached_property
    def author(self) -> Metadata:
        return self.staff("author", ["author"])

    @cached_property
    def admin(self) -> Metadata:
        return self.staff("admin", ["admin"])

    @cached_property
    def mentor(self) -> Metadata:
        return self.staff("mentor", ["reviewer", "mentor"])  # the exercise names the tenant role "mentor"

    @cached_property
    def auditor(self) -> Metadata:
        return self.staff("auditor", ["auditor"])

    def auditor_connection(self, service: str) -> Connection:
        return Connection(self.channels[service], self.auditor)

    def learner(self, name: str) -> Learner:
        user_id = str(uuid.uuid4())
        found = Learner(name, user_id, self.minter.metadata(self.tenant, ["learner"], user_id))
        self.learners.append(found)
        return found

    def expect(self, action: str, n: int = 1) -> None:
        self.expected[action] += n


def until(probe: Callable, seconds: float = 60.0, pause: float = 0.2):
    """`probe()` until it returns something truthy (the last answer otherwise): for work a service finishes
    in the background, e.g. free text waiting for an external scorer."""
    give_up = time.monotonic() + seconds
    while not (found := probe()) and time.monotonic() < give_up:
        time.sleep(pause)
    return found
