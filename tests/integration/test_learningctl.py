"""`learningctl demo`, `verify` and `tail` as an operator runs them: `python -m learningctl` as a subprocess against
the five real service processes on fresh databases (addresses from LEARNING_<NAME>_ADDRESS, the development key
from LEARNING_DEV_KEY_FILE: the tests' identity provider).

* demo, twice on one tenant: the second run finds the content again and adds learners; every number of its summary
  is what the services then report (certificates, evidence records, sessions by status, audit events by action);
* verify passes on that tenant (its token from `$(learningctl token ...)`), then names the audit row a superuser
  rewrote (exit 1, kind and sequence);
* tail prints the events of a fresh action as they arrive, in order, and stops after --limit.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import grpc
import psycopg
import pytest
from sqlalchemy.engine import make_url

from learning.assessment.v1 import assessment_service_pb2 as asvc
from learning.assessment.v1 import assessment_service_pb2_grpc as agrpc
from learning.audit.v1 import audit_service_pb2 as audit_pb
from learning.audit.v1 import audit_service_pb2_grpc as audit_grpc
from learning.catalog.v1 import catalog_service_pb2 as cat_svc
from learning.catalog.v1 import catalog_service_pb2_grpc as cat_grpc
from learning.evidence.v1 import evidence_service_pb2 as ev_pb
from learning.evidence.v1 import evidence_service_pb2_grpc as ev_grpc
from learning.progress.v1 import progress_service_pb2 as psvc
from learning.progress.v1 import progress_service_pb2_grpc as pgrpc
from shared import provision as provisioning
from shared.db import libpq_url
from shared.migrations import migrate
from tests.catalog.conftest import Catalog
from tests.conftest import ISSUER
from tests.support.processes import ServiceProcess, free_port, service_env

SERVICES = ("audit", "evidence", "catalog", "progress", "assessment")  # start order: each one's targets first
ROOT = Path(__file__).resolve().parents[2]
# What one demo run causes (learningctl/story/cast.py): Ada 3 certificates, Ben 2; sessions passed, passed after
# a failure, exhausted, abandoned; quiz.scored per evaluated session attempt (1 + 2 + 2) and quiz attempt (1 + 2).
PER_RUN = {"certificate.issued": 5, "quiz.scored": 8, "exercise.reviewed": 3, "maturity_assessment.scored": 1}
ONCE = {"course.published": 3, "maturity_rubric.published": 1}


@pytest.fixture(scope="module")
def system(admin_url, tokens, tmp_path_factory):
    """The five services, checkpoints signed often (verify checks them); and learningctl's environment."""
    suffix = f"_c{uuid.uuid4().hex[:8]}"
    databases, processes = {}, {}
    addresses = {f"{name}_address": f"127.0.0.1:{free_port()}" for name in SERVICES}
    key_file = tmp_path_factory.mktemp("learningctl") / "idp.pem"
    key_file.write_text(tokens.private_pem)
    try:
        for name in SERVICES:
            definition = importlib.import_module(f"services.{name}.main").DEFINITION
            databases[name] = provisioning.provision(admin_url, name, suffix=suffix)
            migrate(definition.migrations, databases[name].owner_url, databases[name].runtime_url,
                    definition.append_only_tables)
            env = service_env(name, databases[name], tokens, listen_address=addresses[f"{name}_address"],
                              outbox_poll_seconds="0.1", checkpoint_every_entries="10",
                              checkpoint_every_seconds="0.5",
                              **{k: v for k, v in addresses.items() if k != f"{name}_address"})
            processes[name] = ServiceProcess.service(name, env)
            processes[name].start()
        environ = {k: v for k, v in os.environ.items() if not k.startswith("LEARNING_")}
        environ.update({f"LEARNING_{name.upper()}_ADDRESS": processes[name].address for name in SERVICES})
        environ.update(LEARNING_DEV_KEY_FILE=str(key_file), LEARNING_DEV_ISSUER=ISSUER)
        yield processes, databases, environ
    finally:
        for process in reversed(list(processes.values())):
            process.__exit__(None, None, None)
        for database in databases.values():
            provisioning.drop(admin_url, database.database)


def learningctl(system, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "learningctl", *args], cwd=ROOT, env=system[2],
                          capture_output=True, text=True, timeout=timeout)


def _eventually(probe, limit_seconds: float = 60.0):
    give_up = time.monotonic() + limit_seconds
    while not (found := probe()) and time.monotonic() < give_up:
        time.sleep(0.2)
    return found


def _all(call, request, field: str) -> list:
    found = []
    while True:
        page = call(request)
        found += getattr(page, field)
        if not page.next_page_token:
            return found
        request.page_token = page.next_page_token


@pytest.fixture(scope="module")
def demo(system):
    """A tenant the demo ran on once (tables on stdout): (tenant, that run)."""
    tenant = f"t-{uuid.uuid4().hex[:12]}"
    first = learningctl(system, "demo", "--tenant", tenant)
    assert first.returncode == 0, first.stdout + first.stderr
    return tenant, first


class Services:
    """What the services themselves say about a tenant, read as its auditor."""

    def __init__(self, system, tokens, tenant: str) -> None:
        processes = system[0]
        self.tenant, self.md = tenant, tokens.metadata(tenant, ["auditor"], subject=str(uuid.uuid4()))
        self.author_md = tokens.metadata(tenant, ["author"], subject=str(uuid.uuid4()))
        self.channels = channel = {name: grpc.insecure_channel(processes[name].address) for name in SERVICES}
        self.catalog = cat_grpc.CatalogServiceStub(channel["catalog"])
        self.assessment = agrpc.AssessmentServiceStub(channel["assessment"])
        self.progress = pgrpc.ProgressServiceStub(channel["progress"])
        self.evidence = ev_grpc.EvidenceServiceStub(channel["evidence"])
        self.audit = audit_grpc.AuditServiceStub(channel["audit"])

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()

    def certificates(self, recipient: str = "") -> list:
        return _all(lambda r: self.evidence.ListCertificates(r, metadata=self.md), ev_pb.ListCertificatesRequest(
            tenant_id=self.tenant, recipient_id=recipient, page_size=500), "certificates")

    def audit_actions(self) -> Counter:
        return Counter(e.action for e in _all(lambda r: self.audit.ListAuditEvents(r, metadata=self.md),
                                              audit_pb.ListAuditEventsRequest(tenant_id=self.tenant, page_size=500),
                                              "events"))


@pytest.fixture
def services(system, tokens, demo):
    found = Services(system, tokens, demo[0])
    yield found
    found.close()


def test_demo_twice_reports_what_the_services_hold(system, demo, services):
    tenant, first = demo
    # The first run published the content and printed its tables: 5 certificates and 4 evidence records.
    assert re.search(r"certificates\s*│\s*5\s*│\s*5\s*│", first.stdout), first.stdout
    assert re.search(r"evidence records\s*│\s*4\s*│\s*4\s*│", first.stdout), first.stdout
    assert re.search(r"courses published\s*│\s*3\s*│", first.stdout), first.stdout
    second = learningctl(system, "demo", "--tenant", tenant, "--json")
    assert second.returncode == 0, second.stderr
    report = json.loads(second.stdout)
    s = services

    assert report["missing"] == []
    assert report["created"] == {"learners": 4, "courses found": 3, "learning paths found": 1,
                                 "maturity rubrics found": 1, "training sessions": 4, "quiz attempts": 3,
                                 "exercise submissions": 3, "reviews": 3, "maturity assessments": 1}
    # the content was found again, not published twice
    assert len(_all(lambda r: s.catalog.ListCourses(r, metadata=s.md), cat_svc.ListCoursesRequest(
        tenant_id=tenant, page_size=500), "courses")) == 3
    assert len(_all(lambda r: s.catalog.ListLearningPaths(r, metadata=s.md), cat_svc.ListLearningPathsRequest(
        tenant_id=tenant, page_size=500), "learning_paths")) == 1
    # certificates: per learner of this run, and the tenant's total, as evidence lists them
    learners = {lr["name"]: lr for lr in report["learners"]}
    for name, expected in {"Ada": 3, "Ben": 2, "Cy": 0, "Dee": 0}.items():
        held = s.certificates(learners[name]["user_id"])
        assert learners[name]["certificates"] == len(held) == expected, name
    assert any(c.WhichOneof("subject") == "learning_path" for c in s.certificates(learners["Ada"]["user_id"]))
    assert report["this_run"]["certificates"] == 5
    assert report["tenant_totals"]["certificates"] == len(s.certificates()) == 10
    # evidence records: one per terminal session, both runs
    evidence = _all(lambda r: s.evidence.ListTrainingEvidence(r, metadata=s.md), ev_pb.ListTrainingEvidenceRequest(
        tenant_id=tenant, page_size=500), "training_evidence")
    assert report["this_run"]["evidence_records"] == 4
    assert report["tenant_totals"]["evidence_records"] == len(evidence) == 8
    sessions = _all(lambda r: s.assessment.ListTrainingSessions(r, metadata=s.md),
                    asvc.ListTrainingSessionsRequest(tenant_id=tenant, page_size=500), "sessions")
    assert Counter(x.status for x in sessions) == Counter({2: 4, 3: 2, 4: 2})  # passed, exhausted, abandoned
    # the audit log: this run's events by action, and the tenant's totals
    for action, n in PER_RUN.items():
        assert report["this_run"]["audit_events_by_action"][action] == n, action
    assert not set(ONCE) & set(report["this_run"]["audit_events_by_action"])
    actions = s.audit_actions()
    assert {a: actions[a] for a in (*PER_RUN, *ONCE)} == {**{a: 2 * n for a, n in PER_RUN.items()}, **ONCE}
    # evidence checkpoints keep arriving in the audit log after the summary: the total only grows
    assert report["tenant_totals"]["audit_events"] <= sum(actions.values())
    # Cy's failed attempts became knowledge gaps, and the refresher course is recommended for them
    cy = learners["Cy"]["user_id"]
    recommended = _eventually(lambda: s.progress.ListRecommendations(psvc.ListRecommendationsRequest(
        tenant_id=tenant, user_id=cy), metadata=s.md).recommendations)
    refresher = [c for c in _all(lambda r: s.catalog.ListCourses(r, metadata=s.md), cat_svc.ListCoursesRequest(
        tenant_id=tenant, page_size=500), "courses") if c.title == "Ethics refresher"]
    assert {r.course_id for r in recommended} == {refresher[0].course_id}


def test_tail_prints_a_fresh_actions_events_in_order(system, tokens, tenant):
    token = tokens.token(tenant, ["auditor"], subject=str(uuid.uuid4()))
    tail = subprocess.Popen([sys.executable, "-m", "learningctl", "tail", "--tenant", tenant, "--from-sequence", "0",
                             "--limit", "3", "--interval", "0.1", "--token", token], cwd=ROOT, env=system[2],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with grpc.insecure_channel(system[0]["catalog"].address) as channel:
            catalog = Catalog(cat_grpc.CatalogServiceStub(channel), tokens, tenant)
            published = [catalog.published_course(f"Course {i}").course_id for i in range(3)]
        out, err = tail.communicate(timeout=60)
    finally:
        tail.kill()
    assert tail.returncode == 0, err
    lines = out.splitlines()
    assert [int(line.split()[0]) for line in lines] == [1, 2, 3]
    assert all(line.split()[2:4] == ["catalog", "course.published"] for line in lines), lines
    assert [line.split()[4] for line in lines] == [f"course/{course_id}" for course_id in published]
    # later, filtered and as JSON: the same events, read at once
    again = learningctl(system, "tail", "--tenant", tenant, "--from-sequence", "1", "--action", "course.published",
                        "--json", "--limit", "2", "--token", token, timeout=60)
    assert [json.loads(line)["subjectId"] for line in again.stdout.splitlines()] == published[1:]


def test_verify_passes_then_names_a_tampered_audit_row(system, admin_url, demo):
    tenant, _ = demo
    command = (f"{sys.executable} -m learningctl verify --tenant {tenant} --full "
               f"--token \"$({sys.executable} -m learningctl token --tenant {tenant} --role auditor)\"")
    verified = subprocess.run(["bash", "-c", command], cwd=ROOT, env=system[2], capture_output=True, text=True,
                              timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "VERIFIED" in verified.stdout
    assert re.search(r"certificates\s*│\s*\d+ \(\d+ active\)", verified.stdout), verified.stdout

    # A superuser rewrites one stored event (triggers off for the session): verify names it.
    _, databases, _ = system
    url = make_url(libpq_url(admin_url)).set(database=databases["audit"].database).render_as_string(False)
    with psycopg.connect(url, autocommit=True) as sql:
        sql.execute("SET session_replication_role = replica")
        changed = sql.execute(  # another actor in the hashed bytes
            "UPDATE learning_audit_log SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), "
            "'\"actor_id\":\"', '\"actor_id\":\"x'), 'UTF8') WHERE tenant_id = %s AND sequence = 3",
            (tenant,)).rowcount
    assert changed == 1
    tampered = subprocess.run(["bash", "-c", command], cwd=ROOT, env=system[2], capture_output=True, text=True,
                              timeout=120)
    assert tampered.returncode == 1, tampered.stdout + tampered.stderr
    assert re.search(r"FAILED.*audit log.*CONTENT_CHANGED at sequence 3", tampered.stdout), tampered.stdout
