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
are stored as they were hashed (bytea); verification (services/audit/verification.py) hashes them and
also re-encodes the stored columns (a sample, or all), so a change to any queryable column (payload,
actor, ...) or to the stored bytes is detected.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from shared.canonical import canonical_json, sha256_hex
from shared.errors import AlreadyExists, PermissionDenied
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
    in_batch: dict[tuple[str, str], ChainedEvent] = {}
    moved: dict[str, ChainHead] = {}
    for content in contents:
        key = (content.tenant_id, content.event_id)
        if key in seen:
            if key in in_batch:  # the same id twice in one batch: it must be the same event too
                first = in_batch[key]
                check_redelivery(content, RecordedLink(first.sequence, first.previous_hash, first.event_hash))
            continue
        seen.add(key)
        event, moved[content.tenant_id] = link(content, moved.get(content.tenant_id, heads[content.tenant_id]))
        chained.append(event)
        in_batch[key] = event
    return chained, moved


# --- who may record what, and redeliveries --------------------------------------------------------

def attribute_to(contents: list[EventContent], service: str) -> list[EventContent]:
    """The events as recorded for the calling `service` (its verified identity, never a claim): an empty
    source_service becomes `service`; one naming another service is refused (PERMISSION_DENIED), so no
    service writes history in another's name."""
    attributed = []
    for content in contents:
        if not content.source_service:
            content = replace(content, source_service=service)
        elif content.source_service != service:
            raise PermissionDenied(
                f"event {content.event_id} names source_service {content.source_service!r}, but the caller is "
                f"the {service!r} service", metadata={"event_id": content.event_id,
                                                       "source_service": content.source_service, "caller": service})
        attributed.append(content)
    return attributed


@dataclass(frozen=True)
class RecordedLink:
    """Where an already recorded event sits in its tenant's chain, and its stored hash."""

    sequence: int
    previous_hash: str
    event_hash: str


def check_redelivery(content: EventContent, recorded: RecordedLink) -> None:
    """A repeated event id must carry the recorded event itself (an at-least-once redelivery); different
    content under a known id is a conflict (ALREADY_EXISTS), never counted as a duplicate. Compared by hash:
    the submitted content, chained at the recorded position, must hash to the recorded event_hash."""
    submitted = sha256_hex(canonical_bytes(content, recorded.sequence, recorded.previous_hash))
    if submitted != recorded.event_hash:
        raise AlreadyExists(
            "audit_event", content.event_id,
            f"event {content.event_id} was recorded with different content (sequence {recorded.sequence})",
            metadata={"event_id": content.event_id, "tenant_id": content.tenant_id,
                      "sequence": str(recorded.sequence), "stored_event_hash": recorded.event_hash,
                      "submitted_event_hash": submitted})


class FailureKind(enum.Enum):
    CONTENT_CHANGED = 1
    LINK_BROKEN = 2
    SEQUENCE_GAP = 3
    # Against the signed checkpoints (services/audit/verification.py):
    CHECKPOINT_MISMATCH = 4
    TRUNCATED = 5
    CHECKPOINT_INVALID = 6


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
