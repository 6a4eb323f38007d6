"""`tail`: a tenant's audit events as they arrive, one line each (like `tail -f`).

    learningctl tail --tenant acme                                  # from now on
    learningctl tail --tenant acme --from-sequence 0 --action certificate.issued
    learningctl tail --tenant acme --json | jq .                    # one JSON object per line

Polls ListAuditEvents with after_sequence = the last sequence printed (ascending, so nothing is skipped or
printed twice, whatever the events' occur_time); a full page is followed at once, otherwise it waits
--interval. Stops on Ctrl-C, or after --limit events.
"""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer
from google.protobuf import json_format

from learning.audit.v1 import audit_service_pb2 as audit_pb
from learningctl.connect import Connection
from learningctl.options import AuditAddress, Tenant, Token
from learningctl.views import AuditLog

PAGE = 500


def line(event: audit_pb.AuditEvent) -> str:
    occurred = event.occur_time.ToDatetime().isoformat(timespec="milliseconds") + "Z"
    return (f"{event.sequence:>8} {occurred} {event.source_service:<10} {event.action:<28} "
            f"{event.subject_type}/{event.subject_id} actor={event.actor_id}")


def as_json(event: audit_pb.AuditEvent) -> str:
    return json.dumps(json_format.MessageToDict(event), separators=(",", ":"), sort_keys=True)


def _next(log: AuditLog, after: int, action: str) -> tuple[list[audit_pb.AuditEvent], int, bool]:
    """The events after `after` (one page), the new position, and whether more may be waiting already."""
    if after == 0:  # event 1 is out of after_sequence's reach (0 means unset): it is read by itself
        first = log.first_event()
        if first is None:
            return [], 0, False
        return ([first] if action in ("", first.action) else []), 1, True
    events = log.events_after(after, action, PAGE)
    return events, (events[-1].sequence if events else after), len(events) == PAGE


def tail_command(
        tenant: Tenant,
        action: Annotated[str, typer.Option(help="Only events with this exact action, e.g. course.published.")] = "",
        from_sequence: Annotated[int | None, typer.Option(
            min=0, help="Print the events after this sequence (0: from the first; default: only new ones).")] = None,
        interval: Annotated[float, typer.Option(min=0.05, help="Seconds between polls when nothing is new.")] = 1.0,
        limit: Annotated[int, typer.Option(min=0, help="Stop after this many events (0: never).")] = 0,
        as_json_lines: Annotated[bool, typer.Option("--json", help="One JSON object per event.")] = False,
        token: Token = None, audit: AuditAddress = None) -> None:
    """Print audit events as they arrive, oldest first; Ctrl-C stops."""
    connection = Connection.open("audit", audit, token)
    log, render, printed = AuditLog(connection, tenant), as_json if as_json_lines else line, 0
    try:
        after = log.head() if from_sequence is None else from_sequence
        while not limit or printed < limit:
            events, after, more = _next(log, after, action)
            for event in events[:limit - printed if limit else None]:
                typer.echo(render(event))  # plain lines (no wrapping): for pipes as much as for terminals
                printed += 1
            if not more and (not limit or printed < limit):
                time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        connection.close()
