"""Proto <-> domain conversion and request validation for the audit service."""

from __future__ import annotations

import json
import math
import re
from datetime import datetime

from google.protobuf import struct_pb2

from learning.audit.v1 import audit_service_pb2 as pb
from services.audit import domain
from services.audit.store import StoredRow
from shared.timeutil import from_timestamp, to_timestamp, valid_timestamp
from shared.validation import Violations, is_uuid


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


def validate_events(events, now: datetime) -> list[domain.EventContent]:
    """Every event of a RecordEvents batch, or INVALID_ARGUMENT naming `events[i].<field>`.

    Runs once per event of every batch, so the checks are plain comparisons and the field names of
    violations are only built when something is wrong.
    """
    v = Violations()
    v.check(1 <= len(events) <= domain.MAX_BATCH, "events", f"must hold 1 to {domain.MAX_BATCH} events")
    latest = now + domain.MAX_FUTURE
    contents = []
    for i, event in enumerate(events):
        content, problems = _check_event(event, latest)
        for field, description in problems:
            v.add(f"events[{i}].{field}", description)
        if content is not None:
            contents.append(content)
    v.raise_if_any()
    return contents


_TENANT = re.compile(r"[A-Za-z0-9._-]{1,64}")
IDENTIFIER_RULE = "must be lower-case letters, digits, '_', '-' or '.', starting with a letter"
ACTION_RULE = "must be dotted lower-case words like 'course.published'"


def _text_problem(value: str, max_len: int) -> str | None:
    """The same rules as shared.validation.Violations.text (required)."""
    if not value.strip():
        return "is required and must not be blank"
    if len(value) > max_len:
        return f"must be at most {max_len} characters"
    if "\x00" in value:
        return "must not contain NUL characters"
    return None


def _name_problem(value: str) -> str | None:
    problem = _text_problem(value, domain.MAX_NAME)
    if problem is None and not domain.NAME_PATTERN.match(value):
        problem = IDENTIFIER_RULE
    return problem


def _check_event(event: pb.AuditEvent, latest: datetime) -> tuple[domain.EventContent | None, list]:
    problems = []
    event_id, tenant_id, actor_id, action = event.event_id, event.tenant_id, event.actor_id, event.action
    subject_type, subject_id, source_service = event.subject_type, event.subject_id, event.source_service
    if not is_uuid(event_id):
        problems.append(("event_id", "must be a UUID" if event_id else "is required"))
    if not _TENANT.fullmatch(tenant_id):
        problems.append(("tenant_id", "must be 1-64 characters of [A-Za-z0-9-_.]" if tenant_id else "is required"))
    if (problem := _text_problem(actor_id, domain.MAX_ID)) is not None:
        problems.append(("actor_id", problem))
    if (problem := _text_problem(action, domain.MAX_ACTION)) is not None:
        problems.append(("action", problem))
    elif not domain.ACTION_PATTERN.match(action):
        problems.append(("action", ACTION_RULE))
    if (problem := _name_problem(subject_type)) is not None:
        problems.append(("subject_type", problem))
    if (problem := _text_problem(subject_id, domain.MAX_ID)) is not None:
        problems.append(("subject_id", problem))
    if (problem := _name_problem(source_service)) is not None:
        problems.append(("source_service", problem))
    occur_time = None
    if not event.HasField("occur_time"):
        problems.append(("occur_time", "is required"))
    elif not valid_timestamp(event.occur_time):
        problems.append(("occur_time", "is not a valid timestamp"))
    else:
        occur_time = from_timestamp(event.occur_time)
        if occur_time > latest:
            problems.append(("occur_time", "must not be more than 5 minutes in the future"))
        elif occur_time < domain.EARLIEST:
            problems.append(("occur_time", "must be after 1970-01-02"))
    payload, rendered = _payload(event, problems)
    if problems:
        return None, problems
    content = domain.EventContent(
        event_id=event_id.lower(), tenant_id=tenant_id, actor_id=actor_id, action=action,
        subject_type=subject_type, subject_id=subject_id, occur_time=occur_time, source_service=source_service,
        payload=payload, payload_json=rendered,
    )
    return content, problems


def _payload(event: pb.AuditEvent, problems: list) -> tuple[dict | None, str]:
    """(payload as JSON values, its compact JSON text); appends a problem when it is unacceptable."""
    too_big = ("payload", "must be at most 64 KiB as JSON")
    # Cheap bound first, so a huge message is refused before it is walked.
    if event.payload.ByteSize() > 4 * domain.MAX_PAYLOAD_BYTES:
        problems.append(too_big)
        return None, ""
    try:
        payload = struct_to_python(event.payload)
    except PayloadError as error:
        problems.append(("payload", str(error)))
        return None, ""
    rendered = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    if len(rendered) > domain.MAX_PAYLOAD_BYTES // 4 and len(rendered.encode()) > domain.MAX_PAYLOAD_BYTES:
        problems.append(too_big)
        return None, ""
    return payload, rendered


def event_to_proto(row: StoredRow) -> pb.AuditEvent:
    e = row.event
    c = e.content
    message = pb.AuditEvent(
        event_id=c.event_id, tenant_id=c.tenant_id, actor_id=c.actor_id, action=c.action,
        subject_type=c.subject_type, subject_id=c.subject_id, occur_time=to_timestamp(c.occur_time),
        source_service=c.source_service, sequence=e.sequence, previous_hash=e.previous_hash,
        event_hash=e.event_hash, record_time=to_timestamp(row.record_time),
    )
    message.payload.update(c.payload)
    return message


FAILURE_KINDS = {
    domain.FailureKind.CONTENT_CHANGED: pb.VERIFICATION_FAILURE_KIND_CONTENT_CHANGED,
    domain.FailureKind.LINK_BROKEN: pb.VERIFICATION_FAILURE_KIND_LINK_BROKEN,
    domain.FailureKind.SEQUENCE_GAP: pb.VERIFICATION_FAILURE_KIND_SEQUENCE_GAP,
}


def failure_to_proto(failure: domain.Failure) -> pb.VerificationFailure:
    return pb.VerificationFailure(sequence=failure.sequence, event_id=failure.event_id,
                                  kind=FAILURE_KINDS[failure.kind], detail=failure.detail)
