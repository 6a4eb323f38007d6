"""`witness` and `export-bundle`: the integrity issue's tools for anyone outside the services (issue 11).

    learningctl witness --tenant acme --state witness.json      # exit 1 on a fork, rollback or bad checkpoint
    learningctl export-bundle --tenant acme --out bundle/       # the offline auditor bundle (see its VERIFY.md)
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from learning.common.v1 import common_pb2
from learningctl import bundle, witness
from learningctl.connect import Connection
from learningctl.options import AuditAddress, EvidenceAddress, Tenant, Token, console
from learningctl.views import AuditLog, EvidenceChain


def witness_command(tenant: Tenant, state: Annotated[Path, typer.Option(
                        help="Where the seen checkpoints are kept.")] = Path("witness.json"),
                    token: Token = None, audit: AuditAddress = None, evidence: EvidenceAddress = None) -> None:
    """Check the audit log and the evidence chain against the checkpoints seen before; exit 1 on any problem."""
    audit_connection = Connection.open("audit", audit, token)
    evidence_connection = Connection.open("evidence", evidence, token)
    try:
        audit_log, evidence_chain = AuditLog(audit_connection, tenant), EvidenceChain(evidence_connection, tenant)
        states = witness.load_state(state)
        findings = []
        for view in (audit_log, evidence_chain):
            key = f"{view.log}/{tenant}"
            found, states[key] = witness.check(states.get(key, witness.LogState()), view)
            findings += found
        findings += witness.unanchored(evidence_chain.checkpoints(), audit_log.anchored_evidence(),
                                       datetime.now(UTC))
    finally:
        audit_connection.close()
        evidence_connection.close()
    if findings:
        for finding in findings:
            console.print(f"[bold red]{finding.kind}[/] {finding.log}: {finding.detail}")
        raise typer.Exit(1)
    witness.save_state(state, states)
    seen = {name: len(s.checkpoints) for name, s in states.items() if name.endswith(f"/{tenant}")}
    console.print(f"[green]consistent[/]: {', '.join(f'{n} checkpoints of {k}' for k, n in seen.items())}")


def _range(start: datetime | None, end: datetime | None) -> common_pb2.TimeRange | None:
    if start is None and end is None:
        return None
    found = common_pb2.TimeRange()
    if start is not None:
        found.start_time.FromDatetime(start.astimezone(UTC) if start.tzinfo else start.replace(tzinfo=UTC))
    if end is not None:
        found.end_time.FromDatetime(end.astimezone(UTC) if end.tzinfo else end.replace(tzinfo=UTC))
    return found


def export_bundle_command(
        tenant: Tenant, out: Annotated[Path, typer.Option(help="Directory to write (absent or empty).")],
        since: Annotated[datetime | None, typer.Option(help="Only records from this time (UTC).")] = None,
        until: Annotated[datetime | None, typer.Option(help="Only records before this time (UTC).")] = None,
        token: Token = None, audit: AuditAddress = None, evidence: EvidenceAddress = None) -> None:
    """Write the offline auditor bundle: records, hashes, links, checkpoints, keys and VERIFY.md."""
    audit_connection = Connection.open("audit", audit, token)
    evidence_connection = Connection.open("evidence", evidence, token)
    window = _range(since, until)
    try:
        with Progress(console=console, transient=True) as progress:
            tasks = {log: progress.add_task(f"{log} records", total=None) for log in ("audit", "evidence")}
            written = bundle.write_bundle(
                out, AuditLog(audit_connection, tenant), EvidenceChain(evidence_connection, tenant),
                audit_bounds={"record_time_range": window} if window else {},
                evidence_bounds={"generate_time_range": window} if window else {},
                progress=lambda log, n: progress.advance(tasks[log], n))
    finally:
        audit_connection.close()
        evidence_connection.close()
    console.print(f"[green]written[/] {out}: {written.audit_records} audit events, {written.evidence_records} "
                  f"evidence records, {written.checkpoints} checkpoints, {written.keys} keys; see {out}/VERIFY.md")
