"""Verifying a tenant's stored chain at the speed of hashing, against its signed checkpoints. No I/O.

What a verification checks (services/audit/verifier.py feeds it from the store):

1. The hash pass, over every event of the range, from the stored canonical bytes and hashes only:
   sequences follow each other, sha256(canonical) = event_hash, and the canonical bytes name the event_hash
   before them as their previous_hash, and their own sequence (`embeds_link`). The hash of event N commits
   to N-1 through those bytes, so that is the chain; the previous_hash COLUMN is a served copy, checked
   with the other columns in (3). No JSON is parsed: about a microsecond of hashing per event.
2. The signed checkpoints of the range (`trusted_heads`): a signature that does not verify with a
   configured key is CHECKPOINT_INVALID; a valid one whose head_hash differs from the chain at its sequence
   is CHECKPOINT_MISMATCH naming the rewritten range (after the last checkpoint that matched); a log that
   ends before a valid checkpoint's sequence is TRUNCATED. This is what catches a superuser who rewrites an
   event and recomputes every later hash and the chain head: the database is consistent, the signature
   (made with a key the database never saw) is not.
3. The content check (`content_failure`): the structured columns that Get/List serve re-encode to the
   canonical bytes. It parses and re-encodes each event (~25,000 events/s), so by default it runs on a
   random sample (`sample_sequences`); VerifyAuditLogRequest.full_content_check runs it on every event.

The first failure reported is the one with the lowest sequence among the three.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from services.audit.domain import ChainHead, Failure, FailureKind, StoredEvent, canonical_bytes
from shared.checkpoints import AUDIT_LOG, Checkpoint, TrustedKeys

#: One row of the hash pass: (sequence, event_hash, canonical).
HashRow = tuple[int, str, bytes]

_LINK_KEY = b',"previous_hash":"'
SAMPLE_MIN, SAMPLE_FRACTION = 100, 0.02
_sample_random = random.SystemRandom()  # the sample must not be predictable by whoever edits the rows


def embeds_link(canonical: bytes, sequence: int, previous_hash: str) -> bool:
    """The canonical bytes name `previous_hash` and `sequence` as their top-level fields.

    RFC 8785 sorts the keys, so the top-level "previous_hash" comes after "payload" and is followed only
    by "sequence" and plain strings; inside a string every '"' is escaped. Its key is therefore the LAST
    occurrence of `,"previous_hash":"` (a payload may hold that key too, but earlier).
    """
    at = canonical.rfind(_LINK_KEY)
    return at >= 0 and canonical.startswith(b'%s%s","sequence":%d,"' % (_LINK_KEY, previous_hash.encode(), sequence),
                                            at)


def trusted_heads(checkpoints: Iterable[Checkpoint], trusted: TrustedKeys) -> tuple[dict[int, str], Failure | None]:
    """{sequence: head_hash} of the checkpoints whose signature verifies with a configured key and whose
    payload says what their columns say, and the failure of the first one that does not (lowest sequence)."""
    heads: dict[int, str] = {}
    invalid: Failure | None = None
    for checkpoint in checkpoints:
        if checkpoint.log == AUDIT_LOG and trusted.matches(checkpoint):
            heads[checkpoint.sequence] = checkpoint.head_hash
        elif invalid is None or checkpoint.sequence < invalid.sequence:
            invalid = Failure(checkpoint.sequence, "", FailureKind.CHECKPOINT_INVALID,
                              f"checkpoint {checkpoint.sequence} (key id {checkpoint.key_id!r}) does not verify "
                              "with any configured checkpoint key: forged or damaged")
    return heads, invalid


class ChainPass:
    """The hash pass (1) and the checkpoint heads (2) over rows fed in ascending sequence order.

    Starts after `first - 1`, whose hash is `previous_hash`: "" for the first event, the stored event's
    hash, or the head of a valid checkpoint at first - 1 (`anchored`: incremental verification). Stops
    at the first failure; `failure_event` is then the sequence whose event id names it (the caller looks
    it up: the fast path reads no ids). `record_at` sequences get their event_hash kept in `recorded`
    (the signer's checkpoint positions).
    """

    def __init__(self, first: int, previous_hash: str, heads: Mapping[int, str] | None = None, *,
                 anchored: bool = False, record_at: Iterable[int] = ()) -> None:
        self.first = first
        self.expected = first
        self.previous = previous_hash
        self.heads = dict(heads or {})
        self.anchored = anchored
        self.covered = first - 1  # the last sequence a matching signed head vouches for (or the range start)
        self.record_at = set(record_at)
        self.watched = self.record_at | self.heads.keys()
        self.recorded: dict[int, str] = {}
        self.failure: Failure | None = None
        self.failure_event: int | None = None

    @property
    def checked(self) -> int:
        return self.expected - self.first

    @property
    def reached(self) -> int:
        """The last sequence that verified (first - 1 when none did)."""
        return self.expected - 1

    def feed(self, rows: Sequence[HashRow]) -> bool:
        """False once a failure is found (then stop feeding).

        The hot loop of verification, about a microsecond an event: embeds_link is inlined, and the
        checkpoint and recorded positions cost one set lookup together.
        """
        sha256, key, watched = hashlib.sha256, _LINK_KEY, self.watched
        expected, previous = self.expected, self.previous.encode()
        for row in rows:
            sequence, event_hash, canonical = row
            at = canonical.rfind(key)
            if (sequence != expected or sha256(canonical).hexdigest() != event_hash or at < 0
                    or not canonical.startswith(b'%s%s","sequence":%d,"' % (key, previous, sequence), at)
                    or (sequence in watched and not self._watch(sequence, event_hash))):
                self.expected, self.previous = expected, previous.decode()
                return self._diagnose(row)
            expected += 1
            previous = event_hash.encode()
        self.expected, self.previous = expected, previous.decode()
        return True

    def _watch(self, sequence: int, event_hash: str) -> bool:
        """At a checkpoint or recorded position: False when a signed head differs from the chain."""
        if sequence in self.record_at:
            self.recorded[sequence] = event_hash
        signed = self.heads.get(sequence)
        if signed is None:
            return True
        if signed != event_hash:
            return False
        self.covered = sequence
        return True

    def _diagnose(self, row: HashRow) -> bool:
        sequence, event_hash, canonical = row
        expected = self.expected
        if sequence > expected:
            return self._fail(expected, sequence, FailureKind.SEQUENCE_GAP,
                              f"events {expected}..{sequence - 1} are missing")
        if sequence < expected:
            return self._fail(sequence, sequence, FailureKind.LINK_BROKEN,
                              f"sequence {sequence} appears more than once")
        if hashlib.sha256(canonical).hexdigest() != event_hash:
            return self._fail(sequence, sequence, FailureKind.CONTENT_CHANGED,
                              "the stored canonical record no longer hashes to event_hash")
        if not embeds_link(canonical, sequence, self.previous):
            if self.anchored and sequence == self.first:
                return self._fail(sequence - 1, None, FailureKind.CHECKPOINT_MISMATCH,
                                  f"events ..{sequence - 1} rewritten: checkpoint {sequence - 1} signed head "
                                  f"{self.previous}, event {sequence} does not continue it")
            return self._fail(sequence, sequence, FailureKind.LINK_BROKEN,
                              "the canonical record does not name the previous event's hash (and this sequence) "
                              "as its previous_hash")
        start = self.covered + 1
        return self._fail(start, start, FailureKind.CHECKPOINT_MISMATCH,
                          f"events {start}..{sequence} rewritten: checkpoint {sequence} signed head "
                          f"{self.heads[sequence]}, the stored chain has {event_hash} there")

    def finish(self, head: ChainHead | None, last: int, latest_checkpoint: int) -> None:
        """After the last row: the chain reaches `last` (the recorded head or the range's end), ends in the
        recorded head, and reaches `latest_checkpoint` (the newest valid checkpoint of the range, 0: none)."""
        if self.failure is not None:
            return
        reached = self.reached
        if reached < last:
            self._fail(reached + 1, None, FailureKind.SEQUENCE_GAP, f"events {reached + 1}..{last} are missing")
        elif head is not None and last == head.last_sequence and self.previous != head.last_hash:
            self._fail(last, last, FailureKind.LINK_BROKEN, "the newest event's hash is not the recorded chain head")
        else:
            self.check_reaches(latest_checkpoint, reached)

    def check_reaches(self, latest_checkpoint: int, ends_at: int) -> None:
        """TRUNCATED when the log, which ends at `ends_at`, stops before a valid signed checkpoint."""
        if self.failure is None and latest_checkpoint > ends_at:
            self._fail(ends_at + 1, None, FailureKind.TRUNCATED,
                       f"events {ends_at + 1}..{latest_checkpoint} are missing: checkpoint {latest_checkpoint} "
                       f"signed them, the log ends at {ends_at}")

    def fail_missing_predecessor(self) -> None:
        """The event before the range, needed to check the range's first link, is gone (and no checkpoint
        vouches for its hash)."""
        before = self.first - 1
        self._fail(before, None, FailureKind.SEQUENCE_GAP,
                   f"event {before}, needed to check the link of event {self.first}, is missing")

    def _fail(self, sequence: int, failure_event: int | None, kind: FailureKind, detail: str) -> bool:
        self.failure = Failure(sequence, "", kind, detail)
        self.failure_event = failure_event
        return False


def content_failure(event: StoredEvent) -> Failure | None:
    """The content check (3) of one event: its columns re-encode to its canonical bytes."""
    if canonical_bytes(event.content, event.sequence, event.previous_hash) == event.canonical:
        return None
    return Failure(event.sequence, event.content.event_id, FailureKind.CONTENT_CHANGED,
                   "the stored columns differ from the hashed canonical record")


def sample_size(count: int, maximum: int) -> int:
    """How many of `count` events the default content check re-encodes: SAMPLE_FRACTION of them, at least
    SAMPLE_MIN (so all of a short range), at most `maximum`. Re-encoding an event costs ~40 µs, dozens of
    times its share of the hash pass, so the sample bounds the content check to a few percent of the run."""
    return min(count, max(min(SAMPLE_MIN, maximum), min(maximum, math.ceil(count * SAMPLE_FRACTION))))


def sample_sequences(first: int, last: int, size: int) -> list[int]:
    """Up to `size` random sequences of first..last (all of them when the range is that small), ascending."""
    if last < first:
        return []
    if last - first + 1 <= size:
        return list(range(first, last + 1))
    return sorted(_sample_random.sample(range(first, last + 1), size))


def earliest(*failures: Failure | None) -> Failure | None:
    """The failure with the lowest sequence (the earlier argument on a tie)."""
    found = [f for f in failures if f is not None]
    return min(found, key=lambda f: f.sequence) if found else None


@dataclass(frozen=True)
class Verdict:
    """What VerifyAuditLog answers (convert.verification)."""

    failure: Failure | None
    events_checked: int
    head_sequence: int
    head_hash: str
    checkpoints_checked: int
    content_checked: int
