"""Audit requests -> typed inputs, or INVALID_ARGUMENT naming every bad field. No I/O.

The tenant id of a read RPC is checked by shared.auth.authorize before these run.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime

from google.protobuf import struct_pb2

from learning.audit.v1 import audit_service_pb2 as pb
from services.audit import domain
from services.audit.domain import EventContent, ListFilters
from shared.errors import FieldViolation
from shared.validation import Violations

IDENTIFIER_RULE = "must be lower-case letters, digits, '_', '-' or '.', starting with a letter"
ACTION_RULE = "must be dotted lower-case words like 'course.published'"
PAYLOAD_TOO_BIG = "must be at most 64 KiB as JSON"


@dataclass(frozen=True)
class VerifyRange:
    """The sequence numbers VerifyAuditLog checks: first..last, last None meaning the newest event."""

    first: int
    last: int | None


# --- RecordEvents ----------------------------------------------------------------------------------

def record_events(request: pb.RecordEventsRequest, now: datetime) -> list[EventContent]:
    """Every event of the batch, or INVALID_ARGUMENT naming `events[i].<field>` (one bad event rejects all).

    Runs for every event of every batch, so each event is checked against constant field names and
    the `events[i].` names are only built when something is wrong.
    """
    v = Violations()
    if not v.check(1 <= len(request.events) <= domain.MAX_BATCH, "events",
                   f"must hold 1 to {domain.MAX_BATCH} events"):
        v.raise_if_any()  # an oversized batch is refused as a whole, before any event is walked
    latest = now + domain.MAX_FUTURE
    tenants: dict[str, list[FieldViolation]] = {}
    contents = []
    for i, event in enumerate(request.events):
        problems = Violations()
        content = _event(event, latest, problems, tenants)
        for problem in problems.items:
            v.add(f"events[{i}].{problem.field}", problem.description)
        if content is not None:
            contents.append(content)
    v.raise_if_any()
    return contents


def _event(event: pb.AuditEvent, latest: datetime, v: Violations,
           tenants: dict[str, list[FieldViolation]]) -> EventContent | None:
    event_id = v.uuid(event.event_id, "event_id")
    # The shared tenant rule, run once per distinct tenant of the batch (usually one or two).
    if event.tenant_id not in tenants:
        check = Violations()
        check.tenant(event.tenant_id)
        tenants[event.tenant_id] = check.items
    v.items.extend(tenants[event.tenant_id])
    v.text(event.actor_id, "actor_id", max_len=domain.MAX_ID)
    if v.text(event.action, "action", max_len=domain.MAX_ACTION):
        v.check(domain.ACTION_PATTERN.fullmatch(event.action) is not None, "action", ACTION_RULE)
    _name(v, event.subject_type, "subject_type")
    v.text(event.subject_id, "subject_id", max_len=domain.MAX_ID)
    if event.source_service:  # optional: the API sets it to the calling service (and refuses another's name)
        _name(v, event.source_service, "source_service")
    occur_time = _occur_time(v, event, latest)
    payload, rendered = _payload(v, event.payload)
    if v.items:
        return None
    return EventContent(
        event_id=event_id, tenant_id=event.tenant_id, actor_id=event.actor_id, action=event.action,
        subject_type=event.subject_type, subject_id=event.subject_id, occur_time=occur_time,
        source_service=event.source_service, payload=payload, payload_json=rendered,
    )


def _name(v: Violations, value: str, field: str) -> None:
    """subject_type and source_service: an identifier of domain.NAME_PATTERN."""
    if v.text(value, field, max_len=domain.MAX_NAME):
        v.check(domain.NAME_PATTERN.fullmatch(value) is not None, field, IDENTIFIER_RULE)


def _occur_time(v: Violations, event: pb.AuditEvent, latest: datetime) -> datetime | None:
    if not event.HasField("occur_time"):
        v.add("occur_time", "is required")
        return None
    occur_time = v.recorded_time(event.occur_time, "occur_time")
    if occur_time is None:
        return None
    if occur_time > latest:
        v.add("occur_time", "must not be more than 5 minutes in the future")
    return occur_time


def _payload(v: Violations, payload: struct_pb2.Struct) -> tuple[dict | None, str]:
    """(payload as JSON values, its compact JSON text, which the store writes as is)."""
    # Cheap bound first, so a huge message is refused before it is walked.
    if payload.ByteSize() > 4 * domain.MAX_PAYLOAD_BYTES:
        v.add("payload", PAYLOAD_TOO_BIG)
        return None, ""
    try:
        values = struct_to_python(payload)
    except PayloadError as error:
        v.add("payload", str(error))
        return None, ""
    rendered = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    if len(rendered) > domain.MAX_PAYLOAD_BYTES // 4 and len(rendered.encode()) > domain.MAX_PAYLOAD_BYTES:
        v.add("payload", PAYLOAD_TOO_BIG)
        return None, ""
    return values, rendered


class PayloadError(ValueError):
    pass


def struct_to_python(struct: struct_pb2.Struct) -> dict:
    """A Struct as plain JSON values; every number stays a float (Struct numbers are doubles).

    Raises PayloadError for what JSON or PostgreSQL jsonb cannot hold: NaN/Infinity and U+0000.
    """
    result = {}
    for key, value in struct.fields.items():
        if "\x00" in key:
            raise PayloadError("must not contain NUL characters")
        result[key] = _value(value)
    return result


def _value(value: struct_pb2.Value):
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        text = value.string_value
        if "\x00" in text:
            raise PayloadError("must not contain NUL characters")
        return text
    if kind == "number_value":
        number = value.number_value
        if not math.isfinite(number):
            raise PayloadError("numbers must be finite (JSON has no NaN or Infinity)")
        return number
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return struct_to_python(value.struct_value)
    if kind == "list_value":
        return [_value(item) for item in value.list_value.values]
    return None  # null_value, or a Value with no kind set


# --- reads -----------------------------------------------------------------------------------------

def list_filters(request: pb.ListAuditEventsRequest) -> ListFilters:
    """The filters of a ListAuditEvents call (page_size is checked with them, so both are reported)."""
    v = Violations()
    v.page_size(request.page_size)
    v.text(request.actor_id, "actor_id", required=False, max_len=domain.MAX_ID)
    if request.action:
        v.check(len(request.action) <= domain.MAX_ACTION and domain.ACTION_PATTERN.fullmatch(request.action) is not None,
                "action", ACTION_RULE)
    v.text(request.subject_type, "subject_type", required=False, max_len=domain.MAX_NAME)
    v.text(request.subject_id, "subject_id", required=False, max_len=domain.MAX_ID)
    v.text(request.source_service, "source_service", required=False, max_len=domain.MAX_NAME)
    start, end = v.time_range(request, "occur_time_range")
    v.check(request.after_sequence >= 0, "after_sequence", "must not be negative")
    v.raise_if_any()
    return ListFilters(actor_id=request.actor_id, action=request.action, subject_type=request.subject_type,
                       subject_id=request.subject_id, source_service=request.source_service,
                       start_time=start, end_time=end)


def verify_range(request: pb.VerifyAuditLogRequest | pb.ExportAuditRecordsRequest,
                 v: Violations | None = None) -> VerifyRange:
    """from_sequence..to_sequence of VerifyAuditLog and ExportAuditRecords (`v`: report with other fields)."""
    own = v is None
    v = Violations() if v is None else v
    v.check(request.from_sequence >= 0, "from_sequence", "must not be negative")
    v.check(request.to_sequence >= 0, "to_sequence", "must not be negative")
    v.check(not request.to_sequence or request.to_sequence >= request.from_sequence, "to_sequence",
            "must not be less than from_sequence")
    if own:
        v.raise_if_any()
    return VerifyRange(first=max(request.from_sequence, 1), last=request.to_sequence or None)


def export_range(request: pb.ExportAuditRecordsRequest) -> tuple[VerifyRange, datetime | None, datetime | None]:
    """The sequence range and the record_time range [start, end) of an export."""
    v = Violations()
    span = verify_range(request, v)
    start, end = v.time_range(request, "record_time_range")
    v.raise_if_any()
    return span, start, end


def non_negative(**values: int) -> None:
    """Each named value (a sequence, a page size) >= 0, or INVALID_ARGUMENT naming every one that is not."""
    v = Violations()
    for field, value in values.items():
        v.check(value >= 0, field, "must not be negative")
    v.raise_if_any()
