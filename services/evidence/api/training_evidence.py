"""The training evidence RPCs (seed 002): record into the tenant's hash chain, read, export, verify."""

from __future__ import annotations

import uuid

from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence import domain, store
from services.evidence.convert import training_evidence as convert
from services.evidence.validate import training_evidence as validate
from shared.auth import ADMIN, AUDITOR, SERVICE, authorize, authorize_service
from shared.canonical import sha256_hex
from shared.errors import AlreadyExists, NotFound
from shared.pagination import TIME, UUID, PageTokens
from shared.timeutil import now_millis
from shared.validation import required_id

# Evidence comes from the service that observed the training: an admin (or any other service) recording it
# could fabricate that an employee trained.
RECORD_SERVICES = frozenset({"assessment"})
READ_ROLES = frozenset({AUDITOR, ADMIN, SERVICE})

LIST_TOKENS = PageTokens("ListTrainingEvidence", key=(TIME, UUID))


def list_scope(tenant_id: str, filters: domain.EvidenceFilter) -> str:
    """What a ListTrainingEvidence page token is bound to."""
    return LIST_TOKENS.scope(tenant_id, filters.employee_id, filters.start, filters.end, filters.statuses)


async def record_training_evidence(api, request, context):
    authorize_service(request.tenant_id, RECORD_SERVICES)
    record = validate.record(request)
    tenant = record.tenant_id
    canonical = convert.canonical_bytes(record.evidence)  # RFC 8785 of convert.to_canonical(record.evidence)
    validate.canonical_size(canonical)
    content_hash = sha256_hex(canonical)
    # One statement appends (store.append_evidence), atomic on its own: the unit without a transaction block
    # (`work.read`) saves BEGIN and COMMIT. A retry (e.g. an outbox redelivery) inserts nothing and is answered
    # from the stored record.
    new = domain.NewEvidence(
        tenant_id=tenant, evidence_id=str(uuid.uuid4()), session_id=record.session_id,
        employee_id=record.employee_id, schema_version=record.schema_version,
        session_status=convert.SESSION_STATUS[record.evidence.session.status], canonical_json=canonical,
        content_hash=content_hash, generated_at=now_millis())
    async with api.work.read(context) as uow:
        link = await store.append_evidence(uow.session, new)
        existing = None if link is not None else \
            await store.evidence_by_session(uow.session, tenant, record.session_id)
    # The proto is built after the statement, so the tenant's chain lock is held only for the SQL.
    if link is not None:
        # The stored body: the validated request's when the canonical form keeps it as is (the usual case; no
        # walk over it), else rebuilt from the canonical bytes as Get does.
        body = record.evidence if record.stored_form else convert.stored_body(canonical)
        return convert.recorded(new, link, body)
    if existing.content_hash != content_hash or existing.schema_version != record.schema_version:
        raise AlreadyExists(
            "training_evidence", str(existing.evidence_id),
            "the session already has evidence with a different body or schema_version",
            metadata={"evidence_id": str(existing.evidence_id), "existing_content_hash": existing.content_hash,
                      "submitted_content_hash": content_hash})
    return spb.RecordTrainingEvidenceResponse(training_evidence=convert.training_evidence(existing), created=False)


async def _by_id(api, request, context):
    authorize(request.tenant_id, READ_ROLES)
    evidence_id = required_id(request, "evidence_id")
    async with api.work.read(context) as uow:
        row = await store.evidence_by_id(uow.session, request.tenant_id, evidence_id)
    if row is None:
        raise NotFound("training_evidence", evidence_id)
    return row


async def get_training_evidence(api, request, context):
    row = await _by_id(api, request, context)
    return spb.GetTrainingEvidenceResponse(training_evidence=convert.training_evidence(row))


async def export_training_evidence(api, request, context):
    return convert.export(await _by_id(api, request, context))


async def get_training_evidence_by_session(api, request, context):
    authorize(request.tenant_id, READ_ROLES)
    session_id = required_id(request, "session_id")
    async with api.work.read(context) as uow:
        row = await store.evidence_by_session(uow.session, request.tenant_id, session_id)
    if row is None:
        raise NotFound("training_evidence", f"sessions/{session_id}")
    return spb.GetTrainingEvidenceBySessionResponse(training_evidence=convert.training_evidence(row))


async def list_training_evidence(api, request, context):
    authorize(request.tenant_id, READ_ROLES)
    query = validate.list_request(request)
    scope = list_scope(request.tenant_id, query.filters)
    after = LIST_TOKENS.decode(request.page_token, scope)
    async with api.work.read(context) as uow:
        rows = await store.list_evidence(uow.session, request.tenant_id, query.filters, after, query.limit + 1)
    # Possibly fewer than page_size, as the contract allows, so the response stays small.
    items, next_token = LIST_TOKENS.page(rows, query.limit, scope, key=lambda r: (r.generated_at, r.evidence_id),
                                         convert=convert.training_evidence)
    return spb.ListTrainingEvidenceResponse(training_evidence=items, next_page_token=next_token)
