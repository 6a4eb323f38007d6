"""`verify`: is a tenant's history intact? The audit log, the evidence chain and every certificate.

    learningctl verify --tenant acme [--full]

* the audit log and the evidence chain are verified by the services (VerifyAuditLog, VerifyEvidenceChain:
  hashes, links, signed checkpoints, truncation), in ranges of CHUNK so a long chain shows progress and no
  single call outlives its deadline; the last range runs to the end, where truncation is checked;
* every certificate (ListCertificates) is verified by the evidence service (VerifyCertificate) AND offline
  here: its Ed25519 signature with the published key (GetSigningKeys) over its canonical payload, whose
  ids must be the certificate's own. Revoked and expired certificates are counted, not failures.
A table shows what was checked; exit status 1 names the first failure (kind, sequence, detail).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from learning.evidence.v1 import evidence_resources_pb2 as ev_res
from learning.evidence.v1 import evidence_service_pb2 as ev_pb
from learning.evidence.v1 import evidence_service_pb2_grpc as ev_grpc
from learningctl.connect import Connection
from learningctl.options import AuditAddress, EvidenceAddress, Tenant, Token, console, out
from learningctl.views import TIMEOUT, AuditLog, EvidenceChain, pages
from shared.signing import verify_signature

CHUNK = 200_000  # entries per verify call: about a second at the services' hashing speed (docs/performance.md)
STATUS_NOT_FAILURES = {"revoked", "expired"}  # VerifyCertificate reasons that are a status, not tampering


@dataclass
class Result:
    name: str
    checked: str = ""
    failures: list[str] = field(default_factory=list)  # human-readable, first one first


def verify_chain(view: AuditLog | EvidenceChain, name: str, unit: str, full: bool, progress: Progress) -> Result:
    """Verify the whole chain range by range; the first failure ends it."""
    task = progress.add_task(name, total=None)
    estimate = view.latest_checkpoint()  # a lower bound of the length: the last range runs to the end anyway
    progress.update(task, total=max(estimate, 1))
    first, checkpoints = 1, 0
    while True:
        last = first + CHUNK - 1 if first + CHUNK - 1 <= estimate else 0
        check = view.verify_range(first, last, full)
        checkpoints += check.checkpoints_checked
        progress.update(task, completed=check.head_sequence, total=max(estimate, check.head_sequence, 1))
        if not check.valid:
            return Result(name, f"stopped at {unit} {check.failure_sequence}", [
                f"{check.failure_kind} at sequence {check.failure_sequence}: {check.failure_detail}"])
        if last == 0:
            return Result(name, f"{check.head_sequence} {unit}s, signed checkpoints checked: {checkpoints}")
        first = last + 1


def _offline_problem(certificate, keys: dict[str, str], tenant: str) -> str:
    pem = keys.get(certificate.signing_key_id)
    if pem is None:
        return f"signing key {certificate.signing_key_id} is not published by GetSigningKeys"
    if not verify_signature(pem, certificate.canonical_payload, certificate.signature):
        return "the Ed25519 signature does not verify over the canonical payload"
    try:
        signed = json.loads(certificate.canonical_payload)
    except ValueError:
        return "the canonical payload is not JSON"
    expected = {"certificateId": certificate.certificate_id, "tenantId": tenant,
                "recipientId": certificate.recipient_id, "signingKeyId": certificate.signing_key_id}
    differs = [key for key, value in expected.items() if signed.get(key) != value]
    return f"the signed payload's {', '.join(differs)} differ from the certificate" if differs else ""


def verify_certificates(connection: Connection, tenant: str, progress: Progress) -> Result:
    stub, md = ev_grpc.EvidenceServiceStub(connection.channel), connection.metadata
    task = progress.add_task("certificates", total=None)
    certificates = list(pages(lambda r: stub.ListCertificates(r, metadata=md, timeout=TIMEOUT),
                               ev_pb.ListCertificatesRequest(tenant_id=tenant, page_size=500), "certificates"))
    keys = {k.key_id: k.public_key_pem for k in stub.GetSigningKeys(
        ev_pb.GetSigningKeysRequest(tenant_id=tenant), metadata=md, timeout=TIMEOUT).signing_keys}
    progress.update(task, total=max(len(certificates), 1), completed=0)
    failures, statuses = [], {"active": 0, "revoked": 0, "expired": 0}
    for certificate in certificates:
        answer = stub.VerifyCertificate(ev_pb.VerifyCertificateRequest(
            tenant_id=tenant, certificate_id=certificate.certificate_id), metadata=md, timeout=TIMEOUT)
        status = ev_res.CertificateStatus.Name(answer.status).removeprefix("CERTIFICATE_STATUS_").lower()
        statuses[status] = statuses.get(status, 0) + 1
        if not answer.valid and answer.reason not in STATUS_NOT_FAILURES:
            failures.append(f"{answer.reason.upper()} certificate {certificate.certificate_id} (VerifyCertificate)")
        problem = _offline_problem(certificate, keys, tenant)
        if problem:
            failures.append(f"OFFLINE_CHECK certificate {certificate.certificate_id}: {problem}")
        progress.advance(task)
    shown = ", ".join(f"{n} {status}" for status, n in statuses.items() if n)
    return Result("certificates", f"{len(certificates)} ({shown or 'none'}), signatures checked offline", failures)


def verify_command(tenant: Tenant,
                   full: Annotated[bool, typer.Option(help="Also compare every entry's columns with its hashed "
                                                          "bytes (slower; a random sample otherwise).")] = False,
                   token: Token = None, audit: AuditAddress = None, evidence: EvidenceAddress = None) -> None:
    """Verify the audit log, the evidence chain and every certificate of a tenant; exit 1 on any failure."""
    audit_connection = Connection.open("audit", audit, token)
    evidence_connection = Connection.open("evidence", evidence, token)
    try:
        with Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(),
                      console=console, transient=True) as progress:
            results = [verify_chain(AuditLog(audit_connection, tenant), "audit log", "event", full, progress),
                       verify_chain(EvidenceChain(evidence_connection, tenant), "evidence chain", "record", full,
                                    progress),
                       verify_certificates(evidence_connection, tenant, progress)]
    finally:
        audit_connection.close()
        evidence_connection.close()
    table = Table(title=f"Verification of tenant {tenant}")
    for column in ("what", "checked", "verdict"):
        table.add_column(column)
    for result in results:
        verdict = "[green]valid[/]" if not result.failures else f"[bold red]{len(result.failures)} failure(s)[/]"
        table.add_row(result.name, escape(result.checked), verdict)
    out.print(table)
    failed = [result for result in results if result.failures]
    if failed:
        first = failed[0]
        out.print(f"[bold red]FAILED[/]: {first.name}: {escape(first.failures[0])}", soft_wrap=True)
        raise typer.Exit(1)
    out.print(f"[bold green]VERIFIED[/]: tenant {tenant}: audit log, evidence chain and certificates are intact",
              soft_wrap=True)
