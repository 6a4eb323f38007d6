"""The audit hash chain: what is hashed, how events are linked, and how a chain is verified.

Pure Python, no I/O. Each tenant's events form a chain ordered by `sequence` (1, 2, 3, ...):

    canonical(event N) = RFC 8785 JSON of {action, actor_id, event_id, occur_time, payload,
                                           previous_hash, sequence, source_service, subject_id,
                                           subject_type, tenant_id}
    event_hash(N)      = hex SHA-256 of canonical(event N)
    previous_hash(N)   = event_hash(N-1), "" for N = 1

occur_time is rendered as RFC 3339 UTC with exactly six fractional digits
("2026-11-23T11:39:46.123456Z", shared.timeutil.format_micros), the precision PostgreSQL stores, so
the hash recomputed from the stored row equals the hash computed at ingestion. The canonical bytes
are stored as they were hashed (bytea); verification recomputes them from the stored columns as
well, so a change to any queryable column (payload, actor, ...) or to the stored bytes is detected.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.canonical import canonical_json, sha256_hex
from shared.timeutil import format_micros

# Matched with fullmatch: "$" would also match before a trailing newline ("course.published\n").
ACTION_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_.-]*")  # subject_type and source_service
MAX_ACTION = 100
MAX_NAME = 64
MAX_ID = 200
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_FUTURE = timedelta(minutes=5)
MAX_BATCH = 1000


@dataclass(frozen=True)
class EventContent:
    """What the source service asserts; everything the hash covers except the chain fields."""

    event_id: str
    tenant_id: str
    actor_id: str
    action: str
    subject_type: str
    subject_id: str
    occur_time: datetime
    source_service: str
    payload: dict
    #: The payload as compact JSON when already rendered (validation measures it); saves a second dump.
    payload_json: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class ChainedEvent:
    content: EventContent
    sequence: int
    previous_hash: str
    event_hash: str
    canonical: bytes


@dataclass(frozen=True)
class ChainHead:
    last_sequence: int = 0
    last_hash: str = ""


def canonical_bytes(content: EventContent, sequence: int, previous_hash: str) -> bytes:
    return canonical_json(
        {
            "event_id": content.event_id,
            "tenant_id": content.tenant_id,
            "actor_id": content.actor_id,
            "action": content.action,
            "subject_type": content.subject_type,
            "subject_id": content.subject_id,
            "occur_time": format_micros(content.occur_time),
            "source_service": content.source_service,
            "payload": content.payload,
            "sequence": sequence,
            "previous_hash": previous_hash,
        }
    )


def link(content: EventContent, head: ChainHead) -> tuple[ChainedEvent, ChainHead]:
    """Append one event after `head`; returns the chained event and the new head."""
    sequence = head.last_sequence + 1
    data = canonical_bytes(content, sequence, head.last_hash)
    event_hash = sha256_hex(data)
    chained = ChainedEvent(content, sequence, head.last_hash, event_hash, data)
    return chained, ChainHead(sequence, event_hash)


def link_all(contents: Iterable[EventContent], head: ChainHead) -> tuple[list[ChainedEvent], ChainHead]:
    chained = []
    for content in contents:
        event, head = link(content, head)
        chained.append(event)
    return chained, head


def append_new(contents: Iterable[EventContent], heads: dict[str, ChainHead],
               known: set[tuple[str, str]]) -> tuple[list[ChainedEvent], dict[str, ChainHead]]:
    """Chain the events not recorded yet onto their tenants' heads, in batch order.

    `known` holds the (tenant_id, event_id) pairs already stored; a repeat inside the batch is
    dropped too. Returns the chained events and the heads that moved.
    """
    seen = set(known)
    chained: list[ChainedEvent] = []
    moved: dict[str, ChainHead] = {}
    for content in contents:
        key = (content.tenant_id, content.event_id)
        if key in seen:
            continue
        seen.add(key)
        event, moved[content.tenant_id] = link(content, moved.get(content.tenant_id, heads[content.tenant_id]))
        chained.append(event)
    return chained, moved


class FailureKind(enum.Enum):
    CONTENT_CHANGED = 1
    LINK_BROKEN = 2
    SEQUENCE_GAP = 3


@dataclass(frozen=True)
class Failure:
    sequence: int
    event_id: str
    kind: FailureKind
    detail: str


@dataclass(frozen=True)
class StoredEvent:
    """A row as read back for verification."""

    content: EventContent
    sequence: int
    previous_hash: str
    event_hash: str
    canonical: bytes


@dataclass(frozen=True)
class StoredRow:
    """A stored event as a reader sees it: the chained event and when the log recorded it."""

    event: StoredEvent
    record_time: datetime


@dataclass(frozen=True)
class ListFilters:
    """ListAuditEvents' filters, combined with AND; empty strings and None match everything."""

    actor_id: str = ""
    action: str = ""
    subject_type: str = ""
    subject_id: str = ""
    source_service: str = ""
    start_time: datetime | None = None  # inclusive
    end_time: datetime | None = None  # exclusive


class ChainVerifier:
    """Checks stored events fed in ascending sequence order; stops at the first failure.

    Memory stays constant: only the previous event's hash is kept. Order of checks per event:
    a missing sequence number (SEQUENCE_GAP) first, since it also breaks the link; then the link to
    the previous event (LINK_BROKEN); then the content (CONTENT_CHANGED): the stored bytes must
    hash to event_hash and must equal the bytes recomputed from the stored columns.
    """

    def __init__(self, first_sequence: int, previous_hash: str) -> None:
        self.expected_sequence = first_sequence
        self.previous_hash = previous_hash
        self.checked = 0
        self.failure: Failure | None = None

    @classmethod
    def missing_predecessor(cls, first_sequence: int) -> ChainVerifier:
        """The verdict when the event before a range, needed to check the range's first link, is gone."""
        verifier = cls(first_sequence, "")
        verifier._fail(first_sequence - 1, "", FailureKind.SEQUENCE_GAP,
                       f"event {first_sequence - 1}, needed to check the link of event {first_sequence}, is missing")
        return verifier

    def feed(self, event: StoredEvent) -> bool:
        """False once a failure is found (then stop feeding)."""
        event_id = event.content.event_id
        if event.sequence != self.expected_sequence:
            if event.sequence > self.expected_sequence:
                return self._fail(self.expected_sequence, event_id, FailureKind.SEQUENCE_GAP,
                                  f"events {self.expected_sequence}..{event.sequence - 1} are missing")
            return self._fail(event.sequence, event_id, FailureKind.LINK_BROKEN,
                              f"sequence {event.sequence} appears more than once")
        self.checked += 1
        if event.previous_hash != self.previous_hash:
            return self._fail(event.sequence, event_id, FailureKind.LINK_BROKEN,
                              "previous_hash is not the event_hash of the event before it")
        if sha256_hex(event.canonical) != event.event_hash:
            return self._fail(event.sequence, event_id, FailureKind.CONTENT_CHANGED,
                              "the stored canonical record no longer hashes to event_hash")
        if canonical_bytes(event.content, event.sequence, event.previous_hash) != event.canonical:
            return self._fail(event.sequence, event_id, FailureKind.CONTENT_CHANGED,
                              "the stored columns differ from the hashed canonical record")
        self.expected_sequence += 1
        self.previous_hash = event.event_hash
        return True

    def finish(self, head: ChainHead | None, last_sequence: int) -> None:
        """After the last event: the chain must reach `last_sequence` and end in the recorded head."""
        if self.failure is not None:
            return
        if self.expected_sequence <= last_sequence:
            self._fail(self.expected_sequence, "", FailureKind.SEQUENCE_GAP,
                       f"events {self.expected_sequence}..{last_sequence} are missing")
        elif head is not None and last_sequence == head.last_sequence and self.previous_hash != head.last_hash:
            self._fail(last_sequence, "", FailureKind.LINK_BROKEN,
                       "the newest event's hash is not the recorded chain head")

    def _fail(self, sequence: int, event_id: str, kind: FailureKind, detail: str) -> bool:
        self.failure = Failure(sequence, event_id, kind, detail)
        return False
