"""learning.audit.v1.AuditService: append, read and verify the hash-chained audit log."""

from __future__ import annotations

from datetime import datetime

from learning.audit.v1 import audit_service_pb2 as pb
from learning.audit.v1 import audit_service_pb2_grpc as pb_grpc
from services.audit import domain, store
from services.audit.convert import event_to_proto, failure_to_proto, validate_events
from shared.auth import ADMIN, AUDITOR, SERVICE, current_principal
from shared.db import Database
from shared.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied
from shared.interceptors import deadline_seconds
from shared.pagination import PageToken, filter_fingerprint, page_size
from shared.timeutil import utcnow
from shared.validation import Violations

WRITERS = frozenset({SERVICE})
READERS = frozenset({AUDITOR, ADMIN, SERVICE})
VERIFY_BATCH = 2000


class AuditApi(pb_grpc.AuditServiceServicer):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def RecordEvents(self, request: pb.RecordEventsRequest, context) -> pb.RecordEventsResponse:
        principal = current_principal()
        if not principal.has_any(WRITERS):
            raise PermissionDenied("requires one of the roles: service")
        contents = validate_events(request.events, utcnow())
        for tenant_id in {c.tenant_id for c in contents}:
            principal.authorize(tenant_id, WRITERS)
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            heads = await store.lock_heads(session, list({c.tenant_id for c in contents}))
            # Read after the heads are locked: a concurrent delivery of the same event has committed by now.
            known = await store.already_recorded(session, [(c.tenant_id, c.event_id) for c in contents])
            chained, moved = domain.append_new(contents, heads, known)
            if chained:
                await store.append(session, chained)
                await store.advance_heads(session, moved)
        return pb.RecordEventsResponse(recorded_count=len(chained), duplicate_count=len(contents) - len(chained))

    async def GetAuditEvent(self, request: pb.GetAuditEventRequest, context) -> pb.GetAuditEventResponse:
        current_principal().authorize(request.tenant_id, READERS)
        v = Violations()
        v.tenant(request.tenant_id)
        v.uuid(request.event_id, "event_id")
        v.raise_if_any()
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            row = await store.get_event(session, request.tenant_id, request.event_id.lower())
        if row is None:
            raise NotFound("audit_event", request.event_id)
        return pb.GetAuditEventResponse(event=event_to_proto(row))

    async def ListAuditEvents(self, request: pb.ListAuditEventsRequest, context) -> pb.ListAuditEventsResponse:
        current_principal().authorize(request.tenant_id, READERS)
        filters = _list_filters(request)
        limit = page_size(request.page_size)
        key = PageToken.decode(request.page_token, filter_fingerprint(request.tenant_id, filters), 2)
        after = _token_key(key) if key is not None else None
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            rows = await store.list_events(session, request.tenant_id, filters, after, limit + 1)
        response = pb.ListAuditEventsResponse(events=[event_to_proto(row) for row in rows[:limit]])
        if len(rows) > limit:
            last = rows[limit - 1].event
            response.next_page_token = page_token_after(request.tenant_id, filters, last.content.occur_time,
                                                        last.sequence)
        return response

    async def VerifyAuditLog(self, request: pb.VerifyAuditLogRequest, context) -> pb.VerifyAuditLogResponse:
        current_principal().authorize(request.tenant_id, READERS)
        v = Violations()
        v.tenant(request.tenant_id)
        v.check(request.from_sequence >= 0, "from_sequence", "must not be negative")
        v.check(request.to_sequence >= 0, "to_sequence", "must not be negative")
        v.check(not request.to_sequence or request.to_sequence >= request.from_sequence, "to_sequence",
                "must not be less than from_sequence")
        v.raise_if_any()
        first = max(request.from_sequence, 1)
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            # The head is read first: every event up to it has committed (same transaction as the head).
            head = await store.get_head(session, request.tenant_id)
            if head is None or head.last_sequence < first:
                return pb.VerifyAuditLogResponse(valid=True, events_checked=0)
            last = min(request.to_sequence or head.last_sequence, head.last_sequence)
            previous_hash = ""
            if first > 1:
                previous_hash = await store.event_hash_at(session, request.tenant_id, first - 1)
                if previous_hash is None:
                    return pb.VerifyAuditLogResponse(valid=False, events_checked=0, first_failure=pb.VerificationFailure(
                        sequence=first - 1, kind=pb.VERIFICATION_FAILURE_KIND_SEQUENCE_GAP,
                        detail=f"event {first - 1}, needed to check the link of event {first}, is missing"))
            verifier = domain.ChainVerifier(first, previous_hash)
            async for batch in store.chain_batches(session, request.tenant_id, first, last, VERIFY_BATCH):
                if not all(verifier.feed(event) for event in batch):
                    break
            verifier.finish(head, last)
        response = pb.VerifyAuditLogResponse(valid=verifier.failure is None, events_checked=verifier.checked)
        if verifier.failure is not None:
            response.first_failure.CopyFrom(failure_to_proto(verifier.failure))
        return response


def page_token_after(tenant_id: str, filters: store.ListFilters, occur_time: datetime, sequence: int) -> str:
    """The ListAuditEvents page token continuing after the event at (occur_time, sequence)."""
    return PageToken([domain.format_time(occur_time), sequence], filter_fingerprint(tenant_id, filters)).encode()


def _list_filters(request: pb.ListAuditEventsRequest) -> store.ListFilters:
    v = Violations()
    v.tenant(request.tenant_id)
    v.page_size(request.page_size)
    v.text(request.actor_id, "actor_id", required=False, max_len=domain.MAX_ID)
    if request.action:
        v.check(len(request.action) <= domain.MAX_ACTION and bool(domain.ACTION_PATTERN.match(request.action)),
                "action", "must be dotted lower-case words like 'course.published'")
    v.text(request.subject_type, "subject_type", required=False, max_len=domain.MAX_NAME)
    v.text(request.subject_id, "subject_id", required=False, max_len=domain.MAX_ID)
    v.text(request.source_service, "source_service", required=False, max_len=domain.MAX_NAME)
    start = end = None
    if request.HasField("occur_time_range"):
        time_range = request.occur_time_range
        if time_range.HasField("start_time"):
            start = v.timestamp(time_range.start_time, "occur_time_range.start_time")
        if time_range.HasField("end_time"):
            end = v.timestamp(time_range.end_time, "occur_time_range.end_time")
        v.check(start is None or end is None or start < end, "occur_time_range",
                "start_time must be before end_time")
    v.raise_if_any()
    return store.ListFilters(actor_id=request.actor_id, action=request.action, subject_type=request.subject_type,
                             subject_id=request.subject_id, source_service=request.source_service,
                             start_time=start, end_time=end)


MAX_SEQUENCE = 2**63 - 1  # bigint


def _token_key(key: list) -> tuple[datetime, int]:
    """The (occur_time, sequence) of a page token. The filter fingerprint is a plain hash anyone can
    compute, so a token may be forged: its key is checked as strictly as any other input (a float
    infinity or an integer beyond bigint used to reach int() or PostgreSQL and fail as INTERNAL)."""
    try:
        occur_time = datetime.fromisoformat(key[0])
        sequence = key[1]
        if occur_time.tzinfo is None or type(sequence) is not int or not 1 <= sequence <= MAX_SEQUENCE:
            raise ValueError("not an issued key")
    except (TypeError, ValueError):
        raise InvalidArgument([FieldViolation("page_token", "is not a token issued by this service")]) from None
    return occur_time, sequence
