"""Verification rules in isolation (services/audit/verification.py, signer positions): no database, no server."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit import domain, verification
from services.audit.domain import ChainHead, FailureKind
from services.audit.signer import positions
from services.audit.verification import ChainPass
from shared.canonical import sha256_hex
from shared.checkpoints import AUDIT_LOG, TrustedKeys, sign
from shared.signing import SigningKey
from tests.audit.test_domain import content, stored

TIME = datetime(2026, 11, 24, 10, 0, 0, 123000, tzinfo=UTC)


def chain(count: int, payload: dict | None = None):
    contents = [dataclasses.replace(content(n), payload=payload or content(n).payload) for n in range(1, count + 1)]
    return domain.link_all(contents, ChainHead())


def rows(chained) -> list[tuple[int, str, bytes]]:
    return [(e.sequence, e.event_hash, e.canonical) for e in chained]


def run(hash_rows, head: ChainHead | None, heads=None, *, first=1, previous="", anchored=False, latest=0):
    check = ChainPass(first, previous, heads, anchored=anchored)
    check.feed(hash_rows)
    check.finish(head, head.last_sequence if head else hash_rows[-1][0], latest)
    return check


def rechain_from(chained, sequence: int, **changes) -> list[domain.ChainedEvent]:
    """What a superuser does: change event `sequence` and recompute it and every later hash consistently."""
    events = list(chained)
    head = ChainHead(sequence - 1, events[sequence - 2].event_hash if sequence > 1 else "")
    changed = dataclasses.replace(events[sequence - 1].content, **changes)
    relinked, _ = domain.link_all([changed] + [e.content for e in events[sequence:]], head)
    return events[:sequence - 1] + relinked


def test_an_intact_chain_verifies_and_names_where_it_ends():
    chained, head = chain(5)
    check = run(rows(chained), head)
    assert check.failure is None and check.checked == 5 and (check.reached, check.previous) == (5, head.last_hash)


def test_each_chain_failure_is_named():
    chained, head = chain(6)
    good = rows(chained)

    gap = good[:2] + good[3:]
    check = run(gap, head)
    assert (check.failure.sequence, check.failure.kind, check.failure_event) == (3, FailureKind.SEQUENCE_GAP, 4)

    repeated = good[:3] + [good[2]] + good[3:]
    assert run(repeated, head).failure.kind == FailureKind.LINK_BROKEN

    altered = list(good)
    altered[2] = (3, good[2][1], good[2][2].replace(b"user-1", b"user-2"))
    failure = run(altered, head).failure
    assert (failure.sequence, failure.kind) == (3, FailureKind.CONTENT_CHANGED)

    rehashed = list(altered)  # the altered bytes with their own hash: the next event still names the old one
    rehashed[2] = (3, sha256_hex(altered[2][2]), altered[2][2])
    failure = run(rehashed, head).failure
    assert (failure.sequence, failure.kind) == (4, FailureKind.LINK_BROKEN)

    renumbered = list(good)  # a row moved to another position: its bytes name their own sequence
    renumbered[3] = (4, good[4][1], good[4][2])
    assert run(renumbered, head).failure.kind == FailureKind.LINK_BROKEN

    failure = run(good[:4], head).failure  # the newest rows removed: the head row still knows them
    assert (failure.sequence, failure.kind, failure.detail) == (5, FailureKind.SEQUENCE_GAP, "events 5..6 are missing")

    failure = run(good, ChainHead(6, "ff" * 32)).failure
    assert (failure.sequence, failure.kind) == (6, FailureKind.LINK_BROKEN)


def test_the_chain_is_the_one_the_canonical_bytes_name():
    """Event 4 replaced by a forged one with a consistent hash (and event 5's previous_hash COLUMN pointed at it,
    which the hash pass does not even read): event 5's bytes are untouched and still name the genuine event 4."""
    chained, head = chain(6)
    forged = rechain_from(chained, 4, actor_id="mallory")[3]
    spliced = rows(chained)
    spliced[3] = (4, forged.event_hash, forged.canonical)
    failure = run(spliced, head).failure
    assert (failure.sequence, failure.kind) == (5, FailureKind.LINK_BROKEN)
    assert "name the previous event's hash" in failure.detail


@pytest.mark.parametrize("payload", [{"previous_hash": "", "sequence": 1.0}, {"x": ',"previous_hash":"'}])
def test_a_payload_cannot_fake_the_link(payload):
    chained, head = chain(3, payload)
    assert run(rows(chained), head).failure is None
    assert verification.embeds_link(chained[1].canonical, 2, chained[0].event_hash)
    assert not verification.embeds_link(chained[1].canonical, 2, "")
    assert not verification.embeds_link(chained[1].canonical, 3, chained[0].event_hash)


def test_a_consistent_rewrite_is_named_by_the_checkpoint_after_it():
    chained, head = chain(9)
    heads = {3: chained[2].event_hash, 6: chained[5].event_hash, 9: chained[8].event_hash}
    rewritten = rechain_from(chained, 5, payload={"score": 100.0})
    forged_head = ChainHead(9, rewritten[-1].event_hash)  # the superuser rewrote the head row too
    assert run(rows(rewritten), forged_head).failure is None  # inside the database all is consistent
    check = run(rows(rewritten), forged_head, heads)
    assert (check.failure.sequence, check.failure.kind) == (4, FailureKind.CHECKPOINT_MISMATCH)
    assert check.failure.detail.startswith("events 4..6 rewritten: checkpoint 6 signed head")
    assert check.failure_event == 4 and check.reached == 5


def test_an_incremental_range_starts_from_the_checkpoint_head():
    chained, head = chain(8)
    tail = rows(chained)[5:]
    assert run(tail, head, {5: chained[4].event_hash}, first=6, previous=chained[4].event_hash,
               anchored=True).failure is None
    rewritten = rechain_from(chained, 2, subject_id="forged")
    check = run(rows(rewritten)[5:], ChainHead(8, rewritten[-1].event_hash), {5: chained[4].event_hash}, first=6,
                previous=chained[4].event_hash, anchored=True)
    assert (check.failure.sequence, check.failure.kind) == (5, FailureKind.CHECKPOINT_MISMATCH)
    assert check.failure.detail.startswith("events ..5 rewritten")


def test_a_log_that_ends_before_a_signed_checkpoint_is_truncated():
    chained, _ = chain(9)
    kept = rows(chained)[:6]
    check = run(kept, ChainHead(6, chained[5].event_hash), {9: chained[8].event_hash}, latest=9)
    assert (check.failure.sequence, check.failure.kind) == (7, FailureKind.TRUNCATED)
    assert check.failure.detail == "events 7..9 are missing: checkpoint 9 signed them, the log ends at 6"
    nothing = ChainPass(12, "")
    nothing.check_reaches(9, 6)
    assert (nothing.failure.sequence, nothing.failure.kind) == (7, FailureKind.TRUNCATED)


def test_a_missing_predecessor_of_a_range_is_a_gap_before_it():
    check = ChainPass(5, "")
    check.fail_missing_predecessor()
    assert check.checked == 0
    assert (check.failure.sequence, check.failure.kind, check.failure.event_id) == (4, FailureKind.SEQUENCE_GAP, "")


def test_only_checkpoints_signed_with_a_configured_key_count():
    current, retired, stranger = (SigningKey.from_private(Ed25519PrivateKey.generate()) for _ in range(3))
    trusted = TrustedKeys(current, [retired.public_key_pem])

    def checkpoint(key, sequence):
        return sign(key, log=AUDIT_LOG, tenant_id="t-1", sequence=sequence, head_hash=sha256_hex(b"%d" % sequence),
                    time=TIME)

    good = [checkpoint(retired, 1), checkpoint(current, 2)]
    heads, invalid = verification.trusted_heads(good, trusted)
    assert invalid is None and sorted(heads) == [1, 2]

    flipped_payload = dataclasses.replace(good[1], payload=good[1].payload.replace(b'"sequence":2', b'"sequence":3'))
    signature = good[1].signature
    flipped_signature = dataclasses.replace(good[1], signature=bytes([signature[0] ^ 1]) + signature[1:])
    other_column = dataclasses.replace(good[1], head_hash="00" * 32)  # the payload still says the signed head
    for bad in (flipped_payload, flipped_signature, other_column, checkpoint(stranger, 2)):
        heads, invalid = verification.trusted_heads([good[0], bad], trusted)
        assert sorted(heads) == [1] and (invalid.sequence, invalid.kind) == (2, FailureKind.CHECKPOINT_INVALID)
    heads, invalid = verification.trusted_heads(good, TrustedKeys(current, []))  # the retired key not configured
    assert sorted(heads) == [2] and invalid.sequence == 1


def test_content_check_compares_columns_with_the_canonical_bytes():
    chained, _ = chain(2)
    events = stored(chained)
    assert verification.content_failure(events[0]) is None
    served = dataclasses.replace(events[1], content=dataclasses.replace(events[1].content, actor_id="mallory"))
    failure = verification.content_failure(served)
    assert (failure.sequence, failure.kind) == (2, FailureKind.CONTENT_CHANGED)


def test_samples_and_signing_positions():
    assert verification.sample_sequences(3, 7, 10) == [3, 4, 5, 6, 7]
    sample = verification.sample_sequences(1, 1_000_000, 50)
    assert len(set(sample)) == 50 and sample == sorted(sample) and 1 <= sample[0] and sample[-1] <= 1_000_000
    assert verification.sample_sequences(5, 4, 10) == []
    assert [verification.sample_size(n, 500) for n in (6, 1000, 10_000, 25_000, 500_000)] == [6, 100, 200, 500, 500]
    assert verification.sample_size(1000, 20) == 20
    assert positions(1000, 0, 1) == [1]
    assert positions(1000, 1, 3500) == [1001, 2001, 3001, 3500]
    assert positions(1000, 1000, 2000) == [2000]
    assert positions(1, 4, 7) == [5, 6, 7]
