"""The witness and the offline auditor bundle, as an outside auditor uses them: `learningctl` run as a
subprocess against real audit and evidence processes that sign a checkpoint for every entry.

* The witness agrees while the history only grows, then reports a rollback (exit 1) after the evidence database
  is restored to an older state, and does not learn the rolled-back history.
* The bundle: VERIFY.md is followed literally (its shell blocks, which use sha256sum and openssl only) and every
  block passes; one flipped byte in one record is found.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import grpc
import psycopg
import pytest
from sqlalchemy.engine import make_url

from learning.audit.v1 import audit_service_pb2 as audit_pb
from learning.audit.v1 import audit_service_pb2_grpc as audit_grpc
from learning.evidence.v1 import evidence_service_pb2 as ev_pb
from learning.evidence.v1 import evidence_service_pb2_grpc as ev_grpc
from shared import provision as provisioning
from shared.db import libpq_url
from shared.migrations import migrate
from tests.evidence.builders import request as evidence_request
from tests.support.processes import ServiceProcess, free_port, service_env

SERVICES = ("audit", "evidence")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def system(admin_url, tokens):
    suffix = f"_w{uuid.uuid4().hex[:8]}"
    databases, processes = {}, {}
    addresses = {f"{name}_address": f"127.0.0.1:{free_port()}" for name in SERVICES}
    try:
        for name in SERVICES:
            definition = importlib.import_module(f"services.{name}.main").DEFINITION
            databases[name] = provisioning.provision(admin_url, name, suffix=suffix)
            migrate(definition.migrations, databases[name].owner_url, databases[name].runtime_url,
                    definition.append_only_tables)
            env = service_env(name, databases[name], tokens, listen_address=addresses[f"{name}_address"],
                              outbox_poll_seconds="0.1", checkpoint_every_entries="1",
                              checkpoint_every_seconds="0.1",
                              **{k: v for k, v in addresses.items() if k != f"{name}_address"})
            processes[name] = ServiceProcess.service(name, env)
            processes[name].start()
        yield processes, databases
    finally:
        for process in reversed(list(processes.values())):
            process.__exit__(None, None, None)
        for database in databases.values():
            provisioning.drop(admin_url, database.database)


def _eventually(probe, limit_seconds: float = 60.0):
    give_up = time.monotonic() + limit_seconds
    while not (found := probe()) and time.monotonic() < give_up:
        time.sleep(0.2)
    return found


def learningctl(*args: str, system, token: str) -> subprocess.CompletedProcess:
    processes, _ = system
    return subprocess.run([sys.executable, "-m", "learningctl", *args, "--token", token,
                           "--audit", processes["audit"].address, "--evidence", processes["evidence"].address],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


class Tenant:
    def __init__(self, system, tokens, tenant: str, stack: ExitStack) -> None:
        processes, _ = system
        self.tenant, self.tokens = tenant, tokens
        self.audit = audit_grpc.AuditServiceStub(stack.enter_context(grpc.insecure_channel(
            processes["audit"].address)))
        self.evidence = ev_grpc.EvidenceServiceStub(stack.enter_context(grpc.insecure_channel(
            processes["evidence"].address)))
        self.auditor_token = tokens.token(tenant, ["auditor"], subject=str(uuid.uuid4()))
        self.auditor_md = (("authorization", f"Bearer {self.auditor_token}"),)

    def record(self, count: int) -> None:
        assessment = self.tokens.metadata(self.tenant, ["service"], subject="assessment")
        for _ in range(count):
            self.evidence.RecordTrainingEvidence(evidence_request(self.tenant, modules=2, questions=2),
                                                 metadata=assessment, timeout=30)

    def settled(self, evidence_records: int) -> bool:
        """Every record checkpointed, every checkpoint anchored in the audit log, and the audit log checkpointed."""
        evidence = self.evidence.ListEvidenceCheckpoints(ev_pb.ListEvidenceCheckpointsRequest(
            tenant_id=self.tenant, page_size=500), metadata=self.auditor_md).checkpoints
        if not evidence or max(c.sequence for c in evidence) < evidence_records:
            return False
        anchors = self.audit.ListAuditEvents(audit_pb.ListAuditEventsRequest(
            tenant_id=self.tenant, action="evidence.checkpoint_signed", page_size=500), metadata=self.auditor_md).events
        if len(anchors) < len(evidence):
            return False
        head = self.audit.VerifyAuditLog(audit_pb.VerifyAuditLogRequest(tenant_id=self.tenant),
                                         metadata=self.auditor_md).head_sequence
        audit = self.audit.ListAuditCheckpoints(audit_pb.ListAuditCheckpointsRequest(
            tenant_id=self.tenant, page_size=500), metadata=self.auditor_md).checkpoints
        return bool(audit) and max(c.sequence for c in audit) >= head


def test_the_witness_reports_a_rollback_of_the_evidence_database(system, tokens, tenant, tmp_path, admin_url):
    state = tmp_path / "witness.json"
    with ExitStack() as stack:
        t = Tenant(system, tokens, tenant, stack)
        t.record(3)
        assert _eventually(lambda: t.settled(3))
        first = learningctl("witness", "--tenant", tenant, "--state", str(state), system=system, token=t.auditor_token)
        assert first.returncode == 0, first.stderr
        assert "consistent" in first.stderr
        t.record(2)
        assert _eventually(lambda: t.settled(5))
        grown = learningctl("witness", "--tenant", tenant, "--state", str(state), system=system, token=t.auditor_token)
        assert grown.returncode == 0, grown.stderr
        seen = state.read_text()

        # A superuser restores the evidence database to the state it had at 3 records: records 4 and 5, their
        # checkpoints and the chain head go back, and everything inside the database is consistent again.
        _, databases = system
        url = make_url(libpq_url(admin_url)).set(database=databases["evidence"].database).render_as_string(False)
        with psycopg.connect(url, autocommit=True) as sql:
            sql.execute("SET session_replication_role = replica")
            sql.execute("DELETE FROM evidence_checkpoints WHERE tenant_id = %s AND sequence > 3", (tenant,))
            sql.execute("DELETE FROM training_evidence WHERE tenant_id = %s AND chain_sequence > 3", (tenant,))
            sql.execute("UPDATE evidence_chain_heads SET last_sequence = 3, last_chain_hash = (SELECT chain_hash "
                        "FROM training_evidence WHERE tenant_id = %s AND chain_sequence = 3) WHERE tenant_id = %s",
                        (tenant, tenant))
        verified = t.evidence.VerifyEvidenceChain(ev_pb.VerifyEvidenceChainRequest(tenant_id=tenant),
                                                  metadata=t.auditor_md)
        assert verified.valid  # the service alone cannot tell: its own checkpoints were rolled back too
        after = learningctl("witness", "--tenant", tenant, "--state", str(state), system=system,
                            token=t.auditor_token)
        assert after.returncode == 1
        assert re.search(r"rollback.*evidence", after.stderr), after.stderr
        assert state.read_text() == seen  # the rolled-back history is not learned


def _blocks(verify_md: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", verify_md, re.S)


def _follow(bundle: Path) -> list[subprocess.CompletedProcess]:
    """Run VERIFY.md's shell blocks literally, each in its own shell, from the bundle's directory."""
    return [subprocess.run(["bash", "-c", block], cwd=bundle, capture_output=True, text=True, timeout=120)
            for block in _blocks((bundle / "VERIFY.md").read_text())]


def test_the_bundle_verifies_with_sha256sum_and_openssl_alone(system, tokens, tenant, tmp_path):
    with ExitStack() as stack:
        t = Tenant(system, tokens, tenant, stack)
        t.record(4)
        assert _eventually(lambda: t.settled(4))
        bundle = tmp_path / "bundle"
        written = learningctl("export-bundle", "--tenant", tenant, "--out", str(bundle), system=system,
                              token=t.auditor_token)
        assert written.returncode == 0, written.stderr
    assert len(list((bundle / "evidence" / "records").iterdir())) == 4
    assert list((bundle / "evidence" / "checkpoints").glob("*.sig")) and list((bundle / "keys").glob("*.pem"))
    runs = _follow(bundle)
    assert len(runs) == 5
    for run in runs:
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert run.stdout.strip().endswith("OK"), run.stdout
    # one flipped byte in one record is found
    record = sorted((bundle / "evidence" / "records").iterdir())[1]
    data = bytearray(record.read_bytes())
    data[10] ^= 0x01
    record.write_bytes(bytes(data))
    failed = [run for run in _follow(bundle) if run.returncode != 0]
    assert failed and any("does not match" in run.stdout or "differs" in run.stdout for run in failed)
