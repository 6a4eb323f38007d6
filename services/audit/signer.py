"""Signs each tenant's chain head: the audit service's background task (main.py) that writes checkpoints.

A round (`step`) finds the tenants whose head moved past their latest checkpoint and, for each one the
policy says is due (at least every N events, or T seconds while events arrive), verifies the new events
from that checkpoint on (the same hash pass as VerifyAuditLog, anchored on the checkpoint's signed head)
and signs a checkpoint at every N-th event after the last one and at the head. What does not verify is
never signed: the round logs an error naming the tenant and the failure, and VerifyAuditLog reports it.

Replicas and workers may run rounds at once: (tenant_id, sequence) is the table's primary key and the
insert skips a position another one signed first, so no position is signed twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from services.audit import store
from services.audit.verifier import LogVerifier
from shared.checkpoints import AUDIT_LOG, Checkpoint, CheckpointPolicy, sign
from shared.metrics import CheckpointLag
from shared.signing import SigningKey
from shared.timeutil import now_millis
from shared.unit_of_work import UnitsOfWork

log = logging.getLogger("learning.audit.checkpoints")

#: Events verified per tenant and round at most: a first round over a long existing chain (e.g. right after
#: the upgrade that introduced checkpoints) proceeds in steps of ~1 s instead of one long transaction.
CATCH_UP_EVENTS = 200_000


def positions(every: int, last: int, head: int) -> list[int]:
    """Where to sign after the checkpoint at `last` (0: none yet) up to `head`: every `every` events, and head."""
    return [*range(last + every, head, every), head]


class CheckpointSigner:
    def __init__(self, work: UnitsOfWork, key: SigningKey, verifier: LogVerifier, policy: CheckpointPolicy,
                 lag: CheckpointLag | None = None) -> None:
        self.work = work
        self.key = key
        self.verifier = verifier
        self.policy = policy
        self.lag = lag  # how far the signer is behind, for /metrics

    async def step(self) -> int:
        """One round over every tenant whose head moved; returns the number of checkpoints signed."""
        async with self.work.read() as uow:
            candidates = await store.unsigned_heads(uow.session)
        now = now_millis()
        signed = 0
        waiting: dict[str, float | None] = {}  # tenants left unsigned -> their newest checkpoint's time
        for tenant_id, head, latest in candidates:
            done = 0
            if self.policy.due(head_sequence=head, last_sequence=latest.sequence if latest else 0,
                               last_time=latest.time if latest else None, now=now):
                done = await self.sign(tenant_id, head, latest, now)
                signed += done
            if not done:
                waiting[tenant_id] = latest.time.timestamp() if latest else None
        if self.lag is not None:
            self.lag.round_done(waiting, signed)
        return signed

    async def sign(self, tenant_id: str, head: int, latest: Checkpoint | None, now: datetime) -> int:
        """Verify tenant_id's events after `latest` up to `head` (at most CATCH_UP_EVENTS) and sign them."""
        if latest is not None and not self.verifier.trusted.matches(latest):
            log.error("audit checkpoint %d of tenant %s does not verify with any configured key; no checkpoint is "
                      "signed after it (configure the key that signed it in AUDIT_CHECKPOINT_TRUSTED_KEYS, or "
                      "investigate a forgery)", latest.sequence, tenant_id)
            return 0
        last = latest.sequence if latest is not None else 0
        if head <= last:
            return 0
        upto = min(head, last + CATCH_UP_EVENTS)
        wanted = positions(self.policy.every_entries, last, upto)
        async with self.work() as uow:
            anchor = {last: latest.head_hash} if latest is not None else {}
            chain = await self.verifier.hash_pass(uow.session, tenant_id, last + 1, upto, anchor,
                                                  record_at=tuple(wanted))
            chain.finish(None, upto, 0)
            if chain.failure is not None:
                log.error("audit chain of tenant %s does not verify after checkpoint %d: %s (%s); not signed",
                          tenant_id, last, chain.failure.kind.name, chain.failure.detail)
                return 0
            return await store.add_checkpoints(uow.session, [
                sign(self.key, log=AUDIT_LOG, tenant_id=tenant_id, sequence=sequence,
                     head_hash=chain.recorded[sequence], time=now) for sequence in wanted])
