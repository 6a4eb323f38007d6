"""The chain rules in isolation (services/audit/domain.py): no database, no server."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from services.audit import domain
from services.audit.domain import ChainHead, ChainVerifier, EventContent, FailureKind, StoredEvent


# sha256 of the canonical record below; changing what is hashed must be a deliberate, visible decision
# (stored chains would no longer verify).
PINNED_HASH = "986ac089cdf62c02fbfbb6b08abd2f1282ebade674f78f28f33582237502b0d5"


def content(n: int, tenant: str = "t-1") -> EventContent:
    return EventContent(f"00000000-0000-4000-8000-{n:012d}", tenant, "user-1", "course.published", "course",
                        f"c-{n}", datetime(2026, 1, 2, 3, 4, 5, 678900, tzinfo=UTC), "catalog",
                        {"version": 1.0, "name": "Grüße \u2028", "big": 1e21})


def stored(chained) -> list[StoredEvent]:
    return [StoredEvent(e.content, e.sequence, e.previous_hash, e.event_hash, e.canonical) for e in chained]


def test_canonical_record_is_exactly_the_documented_rfc8785_object():
    event, _ = domain.link(content(1), ChainHead())
    expected = (
        '{"action":"course.published","actor_id":"user-1","event_id":"00000000-0000-4000-8000-000000000001",'
        '"occur_time":"2026-01-02T03:04:05.678900Z","payload":{"big":1e+21,"name":"Grüße \u2028","version":1},'
        '"previous_hash":"","sequence":1,"source_service":"catalog","subject_id":"c-1","subject_type":"course",'
        '"tenant_id":"t-1"}'
    ).encode()
    assert event.canonical == expected
    assert event.event_hash == domain.sha256_hex(expected) == PINNED_HASH


def test_new_events_chain_and_duplicates_are_dropped():
    contents = [content(1), content(2), content(1), content(3, tenant="t-2")]
    chained, moved = domain.append_new(contents, {"t-1": ChainHead(), "t-2": ChainHead(7, "ab")},
                                       known={("t-1", content(2).event_id)})
    assert [(e.content.tenant_id, e.sequence) for e in chained] == [("t-1", 1), ("t-2", 8)]
    assert chained[1].previous_hash == "ab"
    assert moved == {"t-1": ChainHead(1, chained[0].event_hash), "t-2": ChainHead(8, chained[1].event_hash)}


def verify(events, head=None, first=1, previous=""):
    verifier = ChainVerifier(first, previous)
    for event in events:
        if not verifier.feed(event):
            break
    verifier.finish(head, events[-1].sequence if head is None else head.last_sequence)
    return verifier


def test_verifier_accepts_an_intact_chain_and_names_each_kind_of_failure():
    chained, head = domain.link_all([content(n) for n in range(1, 6)], ChainHead())
    events = stored(chained)
    assert verify(events, head).failure is None

    altered = list(events)
    altered[2] = dataclasses.replace(events[2], content=dataclasses.replace(events[2].content, actor_id="mallory"))
    failure = verify(altered, head).failure
    assert (failure.sequence, failure.kind) == (3, FailureKind.CONTENT_CHANGED)

    relinked = list(events)
    relinked[3] = dataclasses.replace(events[3], previous_hash="00" * 32)
    assert verify(relinked, head).failure.kind == FailureKind.LINK_BROKEN

    gap = events[:2] + events[3:]
    failure = verify(gap, head).failure
    assert (failure.sequence, failure.kind, failure.event_id) == (3, FailureKind.SEQUENCE_GAP,
                                                                  events[3].content.event_id)

    failure = verify(events[:4], head).failure  # the newest event removed: the head still knows it
    assert (failure.sequence, failure.kind) == (5, FailureKind.SEQUENCE_GAP)


def test_a_missing_predecessor_of_a_range_is_a_gap_before_it():
    verifier = ChainVerifier.missing_predecessor(5)
    assert verifier.checked == 0
    assert (verifier.failure.sequence, verifier.failure.kind, verifier.failure.event_id) == \
        (4, FailureKind.SEQUENCE_GAP, "")
