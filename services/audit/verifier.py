"""Verifying a tenant's stored chain: the store's rows fed to services/audit/verification.py.

Used by VerifyAuditLog and by the checkpoint signer (services/audit/signer.py), which verifies what it
is about to sign. Runs in one transaction (the hash pass reads on a server-side cursor).
"""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import replace

from services.audit import store, verification
from services.audit.domain import Failure
from services.audit.verification import ChainPass, Verdict
from shared.checkpoints import TrustedKeys
from shared.db import Session

#: Rows per batch of the hash pass: ~2 ms of hashing, the longest the event loop is held between awaits
#: (other RPCs of the process wait that long at most).
HASH_BATCH = 2_000
#: Events whose columns are re-encoded and compared with their canonical bytes when not asked for all, at most
#: (verification.sample_size: 2 % of the range, at least 100).
CONTENT_SAMPLE = 500
CONTENT_BATCH = 2_000


class LogVerifier:
    def __init__(self, trusted: TrustedKeys, *, content_sample: int = CONTENT_SAMPLE,
                 hash_batch: int = HASH_BATCH) -> None:
        self.trusted = trusted
        self.content_sample = content_sample
        self.hash_batch = hash_batch

    async def verify(self, session: Session, tenant_id: str, first: int, last: int | None, *,
                     full_content: bool = False) -> Verdict:
        """Events first..last (None: to the end) against the chain rules and every checkpoint of the range."""
        # Checkpoints before the head: a checkpoint never passes the head it was signed at, so one signed
        # while this runs cannot look like a truncation.
        checkpoints = await store.checkpoints_between(session, tenant_id, first - 1, last)
        heads, invalid = verification.trusted_heads(checkpoints, self.trusted)
        latest = max(heads, default=0)
        head = await store.get_head(session, tenant_id)
        # Without a head row (a superuser deleted it) the log ends where its rows end.
        end = head.last_sequence if head is not None else await store.last_stored_sequence(session, tenant_id)
        stop = end if last is None else min(last, end)
        if first > stop:  # nothing of the range is stored: fine, unless a signed checkpoint says it was
            chain = ChainPass(first, "")
            chain.check_reaches(latest, end)
        else:
            chain = await self.hash_pass(session, tenant_id, first, stop, heads)
            chain.finish(head, stop, latest)
        content, content_checked = await self._content(session, tenant_id, first, chain.reached, full_content)
        failure = verification.earliest(await self._named(session, tenant_id, chain), invalid, content)
        started = chain.checked or chain.anchored
        return Verdict(failure=failure, events_checked=chain.checked,
                       head_sequence=chain.reached if started else 0, head_hash=chain.previous if started else "",
                       checkpoints_checked=len(checkpoints), content_checked=content_checked)

    async def hash_pass(self, session: Session, tenant_id: str, first: int, last: int, heads: dict[int, str], *,
                        record_at: tuple[int, ...] = ()) -> ChainPass:
        """The hash pass over first..last, linked to the event before `first`: a valid checkpoint there
        (incremental: only the new events are read), else the stored event."""
        anchor = heads.get(first - 1)
        if first == 1:
            chain = ChainPass(first, "", heads, record_at=record_at)
        elif anchor is not None:
            chain = ChainPass(first, anchor, heads, anchored=True, record_at=record_at)
        else:
            previous = await store.event_hash_at(session, tenant_id, first - 1)
            chain = ChainPass(first, previous or "", heads, record_at=record_at)
            if previous is None:
                chain.fail_missing_predecessor()
                return chain
        async with aclosing(store.hash_rows(session, tenant_id, first, last, self.hash_batch)) as batches:
            async for rows in batches:
                if not chain.feed(rows):
                    break
        return chain

    async def _content(self, session: Session, tenant_id: str, first: int, last: int,
                       full: bool) -> tuple[Failure | None, int]:
        """The content check over first..last (what the hash pass accepted): every event, or a sample."""
        if last < first:
            return None, 0
        checked = 0
        if full:
            async for batch in store.chain_batches(session, tenant_id, first, last, CONTENT_BATCH):
                for event in batch:
                    checked += 1
                    if (failure := verification.content_failure(event)) is not None:
                        return failure, checked
            return None, checked
        size = verification.sample_size(last - first + 1, self.content_sample)
        for event in await store.events_at(session, tenant_id, verification.sample_sequences(first, last, size)):
            checked += 1
            if (failure := verification.content_failure(event)) is not None:
                return failure, checked
        return None, checked

    @staticmethod
    async def _named(session: Session, tenant_id: str, chain: ChainPass) -> Failure | None:
        """The hash pass's failure with the id of the event it names (the fast path reads no ids)."""
        if chain.failure is None or chain.failure_event is None:
            return chain.failure
        return replace(chain.failure, event_id=await store.event_id_at(session, tenant_id, chain.failure_event))
