"""The chain rules in isolation (services/audit/domain.py): no database, no server."""

from __future__ import annotations

from datetime import UTC, datetime

from services.audit import domain
from services.audit.domain import ChainHead, EventContent, StoredEvent

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
