"""learning.audit.v1.AuditService: append, read and verify the hash-chained audit log."""

from __future__ import annotations

from learning.audit.v1 import audit_service_pb2 as pb
from learning.audit.v1 import audit_service_pb2_grpc as pb_grpc
from services.audit import convert, domain, store, validate
from shared.auth import ADMIN, AUDITOR, SERVICE, authorize, current_principal
from shared.errors import NotFound, PermissionDenied
from shared.pagination import TIME, Int, PageTokens, page_size
from shared.timeutil import utcnow
from shared.unit_of_work import UnitsOfWork
from shared.validation import required_id

WRITERS = frozenset({SERVICE})
READERS = frozenset({AUDITOR, ADMIN, SERVICE})
VERIFY_BATCH = 2000
# Newest first by (occur_time, sequence); sequence is a positive bigint.
LIST_TOKENS = PageTokens("ListAuditEvents", key=(TIME, Int(1, 2**63 - 1)))


class AuditApi(pb_grpc.AuditServiceServicer):
    def __init__(self, work: UnitsOfWork) -> None:
        self.work = work

    async def RecordEvents(self, request: pb.RecordEventsRequest, context) -> pb.RecordEventsResponse:
        # A batch may carry several tenants (relays send with a "*" service token): each is authorized.
        principal = current_principal()
        if not principal.has_any(WRITERS):
            raise PermissionDenied("requires one of the roles: service")
        contents = validate.record_events(request, utcnow())
        tenant_ids = sorted({c.tenant_id for c in contents})
        for tenant_id in tenant_ids:
            principal.authorize(tenant_id, WRITERS)
        async with self.work(context) as uow:
            heads = await store.lock_heads(uow.session, tenant_ids)
            # Read after the heads are locked: a concurrent delivery of the same event has committed by now.
            known = await store.already_recorded(uow.session, [(c.tenant_id, c.event_id) for c in contents])
            chained, moved = domain.append_new(contents, heads, known)
            if chained:
                await store.append(uow.session, chained)
                await store.advance_heads(uow.session, moved)
        return pb.RecordEventsResponse(recorded_count=len(chained), duplicate_count=len(contents) - len(chained))

    async def GetAuditEvent(self, request: pb.GetAuditEventRequest, context) -> pb.GetAuditEventResponse:
        authorize(request.tenant_id, READERS)
        event_id = required_id(request, "event_id")
        async with self.work.read(context) as uow:
            row = await store.get_event(uow.session, request.tenant_id, event_id)
        if row is None:
            raise NotFound("audit_event", event_id)
        return pb.GetAuditEventResponse(event=convert.event(row))

    async def ListAuditEvents(self, request: pb.ListAuditEventsRequest, context) -> pb.ListAuditEventsResponse:
        authorize(request.tenant_id, READERS)
        filters = validate.list_filters(request)
        limit = page_size(request.page_size)
        scope = LIST_TOKENS.scope(request.tenant_id, filters)
        after = LIST_TOKENS.decode(request.page_token, scope)
        async with self.work.read(context) as uow:
            rows = await store.list_events(uow.session, request.tenant_id, filters, after, limit + 1)
        events, next_token = LIST_TOKENS.page(rows, limit, scope, convert=convert.event,
                                              key=lambda row: (row.event.content.occur_time, row.event.sequence))
        return pb.ListAuditEventsResponse(events=events, next_page_token=next_token)

    async def VerifyAuditLog(self, request: pb.VerifyAuditLogRequest, context) -> pb.VerifyAuditLogResponse:
        authorize(request.tenant_id, READERS)
        span = validate.verify_range(request)
        async with self.work(context) as uow:
            verifier = await _verify(uow.session, request.tenant_id, span)
        return convert.verification(verifier)


async def _verify(session, tenant_id: str, span: validate.VerifyRange) -> domain.ChainVerifier:
    """Feed the tenant's stored chain over `span` to a verifier, in bounded batches."""
    # The head is read first: every event up to it has committed (same transaction as the head).
    head = await store.get_head(session, tenant_id)
    if head is None or head.last_sequence < span.first:
        return domain.ChainVerifier(span.first, "")  # nothing to check: valid, 0 events
    last = min(span.last or head.last_sequence, head.last_sequence)
    previous_hash = ""
    if span.first > 1:
        previous_hash = await store.event_hash_at(session, tenant_id, span.first - 1)
        if previous_hash is None:
            return domain.ChainVerifier.missing_predecessor(span.first)
    verifier = domain.ChainVerifier(span.first, previous_hash)
    async for batch in store.chain_batches(session, tenant_id, span.first, last, VERIFY_BATCH):
        if not all(verifier.feed(event) for event in batch):
            break
    verifier.finish(head, last)
    return verifier
