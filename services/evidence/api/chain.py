"""The tenant's evidence chain as a whole: VerifyEvidenceChain, VerifyTrainingEvidence and ExportEvidenceRecords,
plus the hashing pass the checkpoint signer shares.

Verification hashes the stored canonical bytes (domain.ChainPass) and holds the chain against every stored
signed checkpoint, whose signatures are checked with the configured keys only (api.trusted). Whether the
stored bytes say what the structured columns say is a separate, slower check (json + RFC 8785 per record):
a random sample by default, every record with full_content_check.
"""

from __future__ import annotations

import asyncio
import random

from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence import domain, store
from services.evidence.convert import checkpoints as convert
from services.evidence.convert import training_evidence as convert_evidence
from services.evidence.validate import checkpoints as validate
from shared.auth import ADMIN, AUDITOR, SERVICE, authorize
from shared.checkpoints import Checkpoint
from shared.db import Session
from shared.errors import NotFound
from shared.timeutil import format_datetime_millis
from shared.validation import required_id

READ_ROLES = frozenset({AUDITOR, ADMIN, SERVICE})
EXPORT_ROLES = frozenset({AUDITOR, ADMIN})
#: Records whose columns and RFC 8785 form are checked by default (an unpredictable sample: an
#: administrator who changed a column without its hashed body cannot know which records are looked at).
CONTENT_SAMPLE = 64
CONTENT_BATCH = 100
EXPORT_BATCH = 500
_sampler = random.SystemRandom()


def mark(api, checkpoint: Checkpoint) -> domain.Mark:
    """A stored checkpoint as verification uses it, its signature judged with the configured keys."""
    return domain.Mark(checkpoint.sequence, checkpoint.head_hash, format_datetime_millis(checkpoint.time),
                       checkpoint.key_id, api.trusted.matches(checkpoint))


async def anchored(api, session: Session, tenant_id: str, before: int) -> domain.ChainPass:
    """A pass that starts at the newest checkpoint before `before` whose signature verifies (at the empty
    chain when there is none). Invalid ones skipped here lie in the range the pass covers: it names them."""
    below = before
    while below > 1:
        found = await store.checkpoints_before(session, tenant_id, below, 50)
        for checkpoint in found:
            if api.trusted.matches(checkpoint):
                chain = domain.ChainPass(checkpoint.sequence, checkpoint.head_hash)
                chain.checkpoints_checked = 1
                return chain
        if len(found) < 50:
            break
        below = found[-1].sequence
    return domain.ChainPass()


async def hash_range(api, session: Session, tenant_id: str, chain: domain.ChainPass, upto: int, *,
                     only_valid: bool = False) -> None:
    """Feed the records after the pass's head up to `upto`, with the checkpoints among them (`only_valid`:
    only those whose signature verifies, for the signer, which must not stop at a damaged checkpoint row)."""
    after = chain.head_sequence
    async for rows in store.link_batches(session, tenant_id, after, upto):
        marks = [mark(api, c) for c in await store.checkpoints_after(session, tenant_id, after, rows[-1][0])]
        if not chain.feed(rows, {m.sequence: m for m in marks if m.valid or not only_valid}):
            return
        after = rows[-1][0]


def _first_content_problem(records: list[domain.StoredRecord]) -> tuple[domain.Problem | None, int]:
    for checked, record in enumerate(records, 1):
        problems = domain.content_problems(record)
        if problems:
            return problems[0], checked
    return None, len(records)


async def content_check(session: Session, tenant_id: str, first: int, last: int,
                        full: bool) -> tuple[domain.Problem | None, int]:
    """(first record in first..last whose body disagrees with its columns or is not RFC 8785, records
    checked): a sample, or every record when `full` (re-encoding runs off the event loop, in batches)."""
    if last < first:
        return None, 0
    if not full:
        sample = sorted(_sampler.sample(range(first, last + 1), min(CONTENT_SAMPLE, last - first + 1)))
        return _first_content_problem(await store.records_at(session, tenant_id, sample))
    checked, batch = 0, []
    async for record in store.chain_in_order(session, tenant_id, last, after=first - 1):
        batch.append(record)
        if len(batch) == CONTENT_BATCH:
            problem, n = await asyncio.to_thread(_first_content_problem, batch)
            checked, batch = checked + n, []
            if problem is not None:
                return problem, checked
    problem, n = await asyncio.to_thread(_first_content_problem, batch)
    return problem, checked + n


async def verify_evidence_chain(api, request, context):
    authorize(request.tenant_id, READ_ROLES)
    span = validate.verify_chain(request)
    tenant = request.tenant_id
    async with api.work(context) as uow:
        session = uow.session
        # Head first, then the last sequence: a record committed in between only raises `last`.
        head = await store.chain_head(session, tenant)
        last = await store.max_chain_sequence(session, tenant)
        upto = min(last, span.last) if span.last else last
        chain = await anchored(api, session, tenant, span.first) if span.first > 1 else domain.ChainPass()
        content_failure, content_checked = await content_check(session, tenant, span.first, upto,
                                                               request.full_content_check)
        # Hashing stops at a record the content check already failed: nothing after it is reported.
        await hash_range(api, session, tenant, chain, content_failure.chain_sequence if content_failure else upto)
        failure = chain.first_failure or content_failure
        if failure is None and (span.last == 0 or span.last > last):
            latest = await store.checkpoint_at(session, tenant, 0)
            failure = chain.truncation_problem(mark(api, latest) if latest else None)
            if failure is None and head is not None:
                failure = chain.head_problem(head.last_sequence, head.last_chain_hash, chain.head_sequence)
    return convert.verification(chain, failure, content_checked)


async def verify_training_evidence(api, request, context):
    """The record itself (body, form, columns, link), then its range between the checkpoints around it."""
    authorize(request.tenant_id, READ_ROLES)
    evidence_id = required_id(request, "evidence_id")
    tenant, chain = request.tenant_id, None
    async with api.work(context) as uow:
        found = await store.record_with_predecessor(uow.session, tenant, evidence_id)
        if found is not None:
            cover = await store.checkpoint_from(uow.session, tenant, found[0].chain_sequence)
            if cover is not None:
                chain = await anchored(api, uow.session, tenant, found[0].chain_sequence)
                await hash_range(api, uow.session, tenant, chain, cover.sequence)
    if found is None:
        raise NotFound("training_evidence", evidence_id)
    record, predecessor = found
    problems = domain.record_problems(record, predecessor)
    ranged = chain.first_failure if chain is not None else None
    if ranged is not None and not any((p.chain_sequence, p.kind) == (ranged.chain_sequence, ranged.kind)
                                      for p in problems):
        problems.append(ranged)
    return spb.VerifyTrainingEvidenceResponse(
        evidence_id=record.evidence_id, valid=not problems, problems=[convert_evidence.problem(p) for p in problems])


async def export_evidence_records(api, request, context):
    """Server stream of the records in chain order, read in keyset batches, each its own short read (no
    transaction stays open while a slow client drains the stream; the records never change)."""
    authorize(request.tenant_id, EXPORT_ROLES)
    query = validate.export(request)
    tenant = request.tenant_id
    async with api.work.read(context) as uow:
        last = await store.max_chain_sequence(uow.session, tenant)
    upto = min(last, query.span.last) if query.span.last else last
    after = query.span.first - 1
    while after < upto:
        async with api.work.read(context) as uow:
            rows = await store.export_batch(uow.session, tenant, after, upto, query.start, query.end, EXPORT_BATCH)
        for row in rows:
            yield convert.exported(row)
        if len(rows) < EXPORT_BATCH:
            return
        after = rows[-1].chain_sequence
