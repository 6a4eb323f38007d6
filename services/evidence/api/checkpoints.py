"""Signed checkpoints of the evidence chain: the background signer and the RPCs that publish them.

A checkpoint is signed only for a chain that verifies: the records since the last checkpoint are hashed
from its head first (incremental), so the service never vouches for a rewrite that happened between two
checkpoints. In the checkpoint's transaction the audit log gets a copy through the outbox (cross-anchoring:
the audit log is another database with other roles, so rewriting evidence means defeating both).
"""

from __future__ import annotations

import logging
import uuid

from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence import domain, store
from services.evidence.api.chain import READ_ROLES, anchored, hash_range
from services.evidence.convert import checkpoints as convert
from services.evidence.validate import checkpoints as validate
from shared import checkpoints
from shared.auth import authorize
from shared.errors import NotFound
from shared.pagination import Int as IntKey
from shared.pagination import PageTokens
from shared.timeutil import now_millis

log = logging.getLogger("learning.evidence.checkpoints")

AUDIT_ACTION, AUDIT_SUBJECT = "evidence.checkpoint_signed", "evidence_checkpoint"
#: The audit event id of a checkpoint is derived from (tenant, sequence): a redelivery is a duplicate.
EVENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "learning:evidence:checkpoint")
LIST_TOKENS = PageTokens("ListEvidenceCheckpoints", key=(IntKey(1, 2**63 - 1),))


def audit_event_id(tenant_id: str, sequence: int) -> str:
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{tenant_id}/{sequence}"))


# ------------------------------------------------------------------------------------------ signer

async def sign_due_checkpoints(api, tenant_id: str | None = None) -> int:
    """One round of the background signer: a checkpoint for every tenant whose policy says one is due
    (optionally only `tenant_id`); returns how many were signed."""
    async with api.work.read() as uow:
        candidates = await store.checkpoint_candidates(uow.session, tenant_id)
    signed = 0
    waiting: dict[str, float | None] = {}  # tenants left unsigned -> their newest checkpoint's time
    for candidate in candidates:
        done = False
        if api.checkpoint_policy.due(head_sequence=candidate.last_sequence,
                                     last_sequence=candidate.checkpoint_sequence or 0,
                                     last_time=candidate.checkpoint_time, now=now_millis()):
            done = await sign_checkpoint(api, candidate.tenant_id)
            signed += done
        if not done:
            waiting[candidate.tenant_id] = candidate.checkpoint_time.timestamp() if candidate.checkpoint_time else None
    if tenant_id is None and api.checkpoint_lag is not None:  # a whole round: the lag of /metrics
        api.checkpoint_lag.round_done(waiting, signed)
    return signed


async def sign_checkpoint(api, tenant_id: str) -> bool:
    """Sign the tenant's current chain head if it moved past the last checkpoint and verifies from it."""
    async with api.work() as uow:
        session = uow.session
        if not await store.lock_checkpointing(session, tenant_id):
            return False  # another replica is signing this tenant right now
        head = await store.chain_head(session, tenant_id)
        latest = await store.checkpoint_at(session, tenant_id, 0)
        head_sequence = head.last_sequence if head is not None else 0
        if latest is not None and latest.sequence >= head_sequence and api.trusted.matches(latest):
            if latest.sequence > head_sequence:  # never sign a shorter chain after a longer one
                log.error("evidence chain of tenant %s ends at %d, before its checkpoint at %d: truncated, not "
                          "signing", tenant_id, head_sequence, latest.sequence)
            return False
        if head is None:
            return False
        chain = await anchored(api, session, tenant_id, head.last_sequence + 1)
        if head.last_sequence <= chain.anchor_sequence:
            return False
        # A damaged (unverifiable) checkpoint row does not stop the signer; verification reports it.
        await hash_range(api, session, tenant_id, chain, head.last_sequence, only_valid=True)
        problem = chain.first_failure or chain.head_problem(head.last_sequence, head.last_chain_hash,
                                                             chain.head_sequence)
        if problem is not None:
            # Never vouch for a chain that does not verify; the incident stays visible in every round.
            log.error("evidence chain of tenant %s does not verify from the checkpoint at %d, not signing: "
                      "%s at %d (%s)", tenant_id, chain.anchor_sequence, problem.kind.name, problem.chain_sequence,
                      problem.detail)
            return False
        checkpoint = checkpoints.sign(api.checkpoint_key, log=checkpoints.EVIDENCE_LOG, tenant_id=tenant_id,
                                      sequence=chain.head_sequence, head_hash=chain.head_hash, time=now_millis())
        if not await store.insert_checkpoint(session, checkpoint):
            return False
        await uow.audit(tenant_id=tenant_id, actor_id=domain.SYSTEM_ACTOR, action=AUDIT_ACTION,
                        subject_type=AUDIT_SUBJECT, subject_id=f"{tenant_id}/{checkpoint.sequence}",
                        payload=convert.audit_payload(checkpoint),
                        event_id=audit_event_id(tenant_id, checkpoint.sequence), occur_time=checkpoint.time)
    return True


# -------------------------------------------------------------------------------------------- RPCs

async def get_evidence_checkpoint(api, request, context):
    authorize(request.tenant_id, READ_ROLES)
    sequence = validate.get(request)
    async with api.work.read(context) as uow:
        found = await store.checkpoint_at(uow.session, request.tenant_id, sequence)
    if found is None:
        raise NotFound("evidence_checkpoint", f"{request.tenant_id}/{sequence or 'latest'}")
    return spb.GetEvidenceCheckpointResponse(checkpoint=convert.checkpoint(found))


async def list_evidence_checkpoints(api, request, context):
    authorize(request.tenant_id, READ_ROLES)
    after_sequence, limit = validate.list_request(request)
    scope = LIST_TOKENS.scope(request.tenant_id, after_sequence)
    token = LIST_TOKENS.decode(request.page_token, scope)
    after = token[0] if token else after_sequence
    async with api.work.read(context) as uow:
        found = await store.checkpoints_after(uow.session, request.tenant_id, after, None, limit + 1)
    items, next_token = LIST_TOKENS.page(found, limit, scope, key=lambda c: (c.sequence,), convert=convert.checkpoint)
    return spb.ListEvidenceCheckpointsResponse(checkpoints=items, next_page_token=next_token)


async def get_evidence_checkpoint_keys(api, request, context):
    authorize(request.tenant_id, READ_ROLES)
    return spb.GetEvidenceCheckpointKeysResponse(keys=convert.keys(api.trusted))
