"""learning.audit.v1.AuditService: append, read and verify the hash-chained audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator

from learning.audit.v1 import audit_service_pb2 as pb
from learning.audit.v1 import audit_service_pb2_grpc as pb_grpc
from services.audit import convert, domain, store, validate
from services.audit.verifier import LogVerifier
from shared.auth import ADMIN, AUDITOR, SERVICE, authorize, current_principal
from shared.errors import NotFound, PermissionDenied
from shared.pagination import TIME, Int, PageTokens, page_size
from shared.timeutil import utcnow
from shared.unit_of_work import UnitsOfWork
from shared.validation import required_id

WRITERS = frozenset({SERVICE})
READERS = frozenset({AUDITOR, ADMIN, SERVICE})
EXPORTERS = frozenset({AUDITOR, ADMIN})
SEQUENCE = Int(1, 2**63 - 1)  # a positive bigint
# Newest first by (occur_time, sequence); with after_sequence, ascending by sequence.
LIST_TOKENS = PageTokens("ListAuditEvents", key=(TIME, SEQUENCE))
LIST_AFTER_TOKENS = PageTokens("ListAuditEvents.after_sequence", key=(SEQUENCE,))
CHECKPOINT_TOKENS = PageTokens("ListAuditCheckpoints", key=(SEQUENCE,))
EXPORT_BATCH = 1000  # events per read of an export stream; each read is its own short statement


class AuditApi(pb_grpc.AuditServiceServicer):
    def __init__(self, work: UnitsOfWork, verifier: LogVerifier) -> None:
        self.work = work
        self.verifier = verifier  # holds the trusted checkpoint keys (configuration, never the database)

    async def RecordEvents(self, request: pb.RecordEventsRequest, context) -> pb.RecordEventsResponse:
        # A batch may carry several tenants (relays send with a "*" service token): each is authorized.
        # Only a verified service identity writes (a user token claiming the service role has none), and only
        # its own events: source_service is the caller's service.
        principal = current_principal()
        if not principal.service:
            raise PermissionDenied("only a service (a token signed with a service's own key) may record events")
        contents = domain.attribute_to(validate.record_events(request, utcnow()), principal.service)
        tenant_ids = sorted({c.tenant_id for c in contents})
        for tenant_id in tenant_ids:
            principal.authorize(tenant_id, WRITERS)
        async with self.work(context) as uow:
            heads = await store.lock_heads(uow.session, tenant_ids)
            # Read after the heads are locked: a concurrent delivery of the same event has committed by now.
            known = await store.already_recorded(uow.session, [(c.tenant_id, c.event_id) for c in contents])
            if known:  # redeliveries must be the recorded events themselves (rare: compared only then)
                recorded = await store.recorded_links(uow.session, known)
                for content in contents:
                    if (key := (content.tenant_id, content.event_id)) in recorded:
                        domain.check_redelivery(content, recorded[key])
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
        if request.after_sequence:
            return await self._list_after(request, filters, limit, context)
        scope = LIST_TOKENS.scope(request.tenant_id, filters)
        after = LIST_TOKENS.decode(request.page_token, scope)
        async with self.work.read(context) as uow:
            rows = await store.list_events(uow.session, request.tenant_id, filters, after, limit + 1)
        events, next_token = LIST_TOKENS.page(rows, limit, scope, convert=convert.event,
                                              key=lambda row: (row.event.content.occur_time, row.event.sequence))
        return pb.ListAuditEventsResponse(events=events, next_page_token=next_token)

    async def _list_after(self, request: pb.ListAuditEventsRequest, filters: domain.ListFilters, limit: int,
                          context) -> pb.ListAuditEventsResponse:
        """ListAuditEvents with after_sequence: ascending by sequence; the token holds the last sequence sent."""
        scope = LIST_AFTER_TOKENS.scope(request.tenant_id, filters, request.after_sequence)
        after = LIST_AFTER_TOKENS.decode(request.page_token, scope)
        start = after[0] if after is not None else request.after_sequence
        async with self.work.read(context) as uow:
            rows = await store.list_events_after(uow.session, request.tenant_id, filters, start, limit + 1)
        events, next_token = LIST_AFTER_TOKENS.page(rows, limit, scope, convert=convert.event,
                                                    key=lambda row: (row.event.sequence,))
        return pb.ListAuditEventsResponse(events=events, next_page_token=next_token)

    async def VerifyAuditLog(self, request: pb.VerifyAuditLogRequest, context) -> pb.VerifyAuditLogResponse:
        authorize(request.tenant_id, READERS)
        span = validate.verify_range(request)
        async with self.work(context) as uow:  # one transaction: the hash pass reads on a server-side cursor
            verdict = await self.verifier.verify(uow.session, request.tenant_id, span.first, span.last,
                                                 full_content=request.full_content_check)
        return convert.verification(verdict)

    # --- checkpoints and export ------------------------------------------------------------------------

    async def GetAuditCheckpoint(self, request: pb.GetAuditCheckpointRequest,
                                 context) -> pb.GetAuditCheckpointResponse:
        authorize(request.tenant_id, READERS)
        validate.non_negative(sequence=request.sequence)
        async with self.work.read(context) as uow:
            found = await store.get_checkpoint(uow.session, request.tenant_id, request.sequence)
        if found is None:
            raise NotFound("audit_checkpoint", str(request.sequence) if request.sequence else "latest")
        return pb.GetAuditCheckpointResponse(checkpoint=convert.checkpoint(found))

    async def ListAuditCheckpoints(self, request: pb.ListAuditCheckpointsRequest,
                                   context) -> pb.ListAuditCheckpointsResponse:
        authorize(request.tenant_id, READERS)
        validate.non_negative(after_sequence=request.after_sequence, page_size=request.page_size)
        limit = page_size(request.page_size)
        scope = CHECKPOINT_TOKENS.scope(request.tenant_id, request.after_sequence)
        after = CHECKPOINT_TOKENS.decode(request.page_token, scope)
        async with self.work.read(context) as uow:
            rows = await store.list_checkpoints(uow.session, request.tenant_id,
                                                after[0] if after is not None else request.after_sequence, limit + 1)
        found, next_token = CHECKPOINT_TOKENS.page(rows, limit, scope, convert=convert.checkpoint,
                                                   key=lambda row: (row.sequence,))
        return pb.ListAuditCheckpointsResponse(checkpoints=found, next_page_token=next_token)

    async def GetAuditCheckpointKeys(self, request: pb.GetAuditCheckpointKeysRequest,
                                     context) -> pb.GetAuditCheckpointKeysResponse:
        authorize(request.tenant_id, READERS)
        return pb.GetAuditCheckpointKeysResponse(keys=convert.checkpoint_keys(self.verifier.trusted))

    async def ExportAuditRecords(self, request: pb.ExportAuditRecordsRequest,
                                 context) -> AsyncIterator[pb.ExportAuditRecordsResponse]:
        """Streams in ascending sequence, EXPORT_BATCH rows per read; no connection is held while the client
        reads. The end is fixed when the stream starts, so events appended meanwhile are not part of it."""
        authorize(request.tenant_id, EXPORTERS)
        span, start, end = validate.export_range(request)
        async with self.work.read(context) as uow:
            head = await store.get_head(uow.session, request.tenant_id)
            log_end = head.last_sequence if head is not None else await store.last_stored_sequence(
                uow.session, request.tenant_id)
        last = log_end if span.last is None else min(span.last, log_end)
        after = span.first - 1
        while after < last:
            async with self.work.read(context) as uow:
                rows = await store.export_rows(uow.session, request.tenant_id, after, last, start, end, EXPORT_BATCH)
            for row in rows:
                yield convert.exported(row)
            if len(rows) < EXPORT_BATCH:
                return
            after = rows[-1][0]
