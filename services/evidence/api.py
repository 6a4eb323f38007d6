"""gRPC servicer of learning.evidence.v1.EvidenceService.

Per RPC: authorize (tenant + roles), validate every field, one transaction, convert to proto.
The training evidence RPCs are here; the certificate RPCs are mixed in from certificates_api.py.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from learning.evidence.v1 import evidence_service_pb2 as spb
from learning.evidence.v1 import evidence_service_pb2_grpc
from services.evidence import body as evidence_body
from services.evidence import convert, domain, store
from services.evidence.certificates_api import CertificateRpcs
from services.evidence.errors import AlreadyExistsWithMetadata
from services.evidence.ids import Violations
from services.evidence.paging import authorize, decode_key, evidence_list_fingerprint, next_token, now_millis
from services.evidence.signing import SigningKey
from shared.auth import ADMIN, AUDITOR, SERVICE
from shared.canonical import canonical_json, chain_hash, sha256_hex
from shared.db import Database
from shared.errors import NotFound
from shared.interceptors import deadline_seconds
from shared.pagination import page_size
from shared.timeutil import from_timestamp

RECORD_ROLES = frozenset({SERVICE, ADMIN})
READ_EVIDENCE_ROLES = frozenset({AUDITOR, ADMIN, SERVICE})
MAX_RESPONSE_BYTES = 4 * 1024 * 1024  # evidence bodies can be large; pages stop short of this


class EvidenceApi(CertificateRpcs, evidence_service_pb2_grpc.EvidenceServiceServicer):
    def __init__(self, db: Database, signing_key: SigningKey) -> None:
        self.db = db
        self.key = signing_key

    async def RecordTrainingEvidence(self, request, context):
        authorize(request.tenant_id, RECORD_ROLES)
        evidence_body.validate_record_request(request)
        schema_version = request.schema_version or evidence_body.CURRENT_SCHEMA_VERSION
        document = evidence_body.to_canonical(request.evidence)
        canonical = canonical_json(document)
        content_hash = sha256_hex(canonical)
        tenant = request.tenant_id
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            # Retries (e.g. outbox redeliveries) are answered without touching the chain lock.
            existing = await store.evidence_by_session(session, tenant, request.session_id)
            if existing is None:
                last_sequence, last_hash = await store.lock_chain_head(session, tenant)
                new = dict(
                    tenant_id=tenant, evidence_id=str(uuid.uuid4()), session_id=request.session_id,
                    employee_id=request.employee_id, schema_version=schema_version,
                    session_status=document["session"]["status"], canonical_json=canonical,
                    content_hash=content_hash, chain_sequence=last_sequence + 1, previous_hash=last_hash,
                    chain_hash=chain_hash(last_hash, content_hash), generated_at=now_millis())
                if not await store.append_evidence(session, new):
                    # A concurrent call for the same session committed first (we waited on its chain lock).
                    existing = await store.evidence_by_session(session, tenant, request.session_id)
        # The proto is built after commit, so the tenant's chain lock is held only for the SQL.
        if existing is None:
            record = convert.training_evidence(SimpleNamespace(**new), evidence_body.from_canonical(document))
            return spb.RecordTrainingEvidenceResponse(training_evidence=record, created=True)
        if existing.content_hash != content_hash or existing.schema_version != schema_version:
            raise AlreadyExistsWithMetadata(
                "training_evidence", str(existing.evidence_id),
                "the session already has evidence with a different body or schema_version",
                {"evidence_id": str(existing.evidence_id), "existing_content_hash": existing.content_hash,
                 "submitted_content_hash": content_hash})
        return spb.RecordTrainingEvidenceResponse(training_evidence=convert.training_evidence(existing), created=False)

    async def _evidence_row(self, request, context, session):
        row = await store.evidence_by_id(session, request.tenant_id, request.evidence_id)
        if row is None:
            raise NotFound("training_evidence", request.evidence_id)
        return row

    def _check_evidence_id(self, request) -> None:
        authorize(request.tenant_id, READ_EVIDENCE_ROLES)
        v = Violations()
        v.uuid(request.evidence_id, "evidence_id")
        v.raise_if_any()

    async def GetTrainingEvidence(self, request, context):
        self._check_evidence_id(request)
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            row = await self._evidence_row(request, context, session)
        return spb.GetTrainingEvidenceResponse(training_evidence=convert.training_evidence(row))

    async def GetTrainingEvidenceBySession(self, request, context):
        authorize(request.tenant_id, READ_EVIDENCE_ROLES)
        v = Violations()
        v.uuid(request.session_id, "session_id")
        v.raise_if_any()
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            row = await store.evidence_by_session(session, request.tenant_id, request.session_id)
        if row is None:
            raise NotFound("training_evidence", f"sessions/{request.session_id}")
        return spb.GetTrainingEvidenceBySessionResponse(training_evidence=convert.training_evidence(row))

    async def ListTrainingEvidence(self, request, context):
        authorize(request.tenant_id, READ_EVIDENCE_ROLES)
        v = Violations()
        v.page_size(request.page_size)
        v.uuid(request.employee_id, "employee_id", required=False)
        start = end = None
        if request.HasField("generate_time_range"):
            time_range = request.generate_time_range
            for field in ("start_time", "end_time"):
                if time_range.HasField(field) and v.check(
                        evidence_body.valid_timestamp(getattr(time_range, field)),
                        f"generate_time_range.{field}", "is not a valid timestamp"):
                    value = from_timestamp(getattr(time_range, field))
                    start, end = (value, end) if field == "start_time" else (start, value)
            if start is not None and end is not None:
                v.check(start < end, "generate_time_range", "start_time must be before end_time")
        statuses = []
        for i, status in enumerate(request.statuses):
            if v.check(status in evidence_body.STATUS_NAMES, f"statuses[{i}]", "must be PASSED, EXHAUSTED or ABANDONED"):
                statuses.append(evidence_body.STATUS_NAMES[status])
        v.raise_if_any()
        limit = page_size(request.page_size)
        filters = store.EvidenceFilter(employee_id=request.employee_id or None, start=start, end=end,
                                       statuses=tuple(sorted(set(statuses))))
        fingerprint = evidence_list_fingerprint(request.tenant_id, filters)
        after = decode_key(request.page_token, fingerprint)
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            rows = await store.list_evidence(session, request.tenant_id, filters, after, limit + 1)
        items, size = [], 0
        for row in rows[:limit]:
            item = convert.training_evidence(row)
            if items and size + item.ByteSize() > MAX_RESPONSE_BYTES:
                break  # fewer than page_size, as the contract allows, so the response stays small
            items.append(item)
            size += item.ByteSize()
        return spb.ListTrainingEvidenceResponse(
            training_evidence=items,
            next_page_token=next_token(rows, len(items), "generated_at", "evidence_id", fingerprint))

    async def ExportTrainingEvidence(self, request, context):
        self._check_evidence_id(request)
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            row = await self._evidence_row(request, context, session)
        return convert.export(row)

    async def VerifyTrainingEvidence(self, request, context):
        self._check_evidence_id(request)
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            row = await self._evidence_row(request, context, session)
            previous = None
            if row.chain_sequence > 1:
                found = await store.evidence_by_sequence(session, request.tenant_id, row.chain_sequence - 1)
                previous = domain.Predecessor(found.chain_sequence, found.chain_hash) if found else None
        problems = domain.record_problems(convert.stored_record(row), previous)
        return spb.VerifyTrainingEvidenceResponse(evidence_id=str(row.evidence_id), valid=not problems,
                                                  problems=[convert.problem(p) for p in problems])

    async def VerifyEvidenceChain(self, request, context):
        authorize(request.tenant_id, READ_EVIDENCE_ROLES)
        tenant = request.tenant_id
        verifier = domain.ChainVerifier()
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            # Head first, then the last sequence: a record committed in between only raises `upto`.
            head = await store.chain_head(session, tenant)
            upto = await store.max_chain_sequence(session, tenant)
            async for row in store.chain_in_order(session, tenant, upto):
                if not verifier.feed(convert.stored_record(row)):
                    break
        failure = verifier.first_failure
        if failure is None and head is not None:
            failure = _head_problem(head, upto, verifier)
        return spb.VerifyEvidenceChainResponse(
            valid=failure is None, records_checked=verifier.checked, head_chain_hash=verifier.head_hash,
            first_failure=convert.problem(failure) if failure else None)


def _head_problem(head, upto: int, verifier: domain.ChainVerifier) -> domain.Problem | None:
    """The chain head remembers how long the chain was: trailing records removed show up here."""
    if head.last_sequence > upto:
        return domain.Problem("", head.last_sequence, domain.ProblemKind.SEQUENCE_GAP,
                              f"the chain head records {head.last_sequence} records but only {upto} exist: "
                              "trailing records were removed")
    if head.last_sequence == upto and upto > 0 and head.last_chain_hash != verifier.head_hash:
        return domain.Problem(verifier.last_evidence_id, upto, domain.ProblemKind.CHAIN_LINK_BROKEN,
                              "the last record's chain_hash differs from the one the chain head remembers")
    return None

