"""Progress across real processes: catalog, progress, evidence, audit.

A passed course gets exactly one certificate:

Ten batches that each complete the same learner's course arrive at once. Progress serializes them on
the learner's course row and queues one IssueCertificate; its relay delivers it to evidence, whose relay
records `certificate.issued` in the audit log. Every service runs as its own process on its own
freshly migrated database, and each knows the others only by address.

With the catalog down, progress keeps answering for versions it has seen, and keeps the events of a
version it has not seen yet, settling them once the catalog is back.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from learning.audit.v1 import audit_service_pb2 as audit_pb
from learning.audit.v1 import audit_service_pb2_grpc
from learning.catalog.v1 import catalog_service_pb2_grpc
from learning.evidence.v1 import evidence_service_pb2 as evidence_pb
from learning.evidence.v1 import evidence_service_pb2_grpc
from learning.progress.v1 import progress_resources_pb2 as res
from learning.progress.v1 import progress_service_pb2 as svc
from learning.progress.v1 import progress_service_pb2_grpc
from shared import provision as provisioning
from shared.migrations import migrate
from tests.catalog.conftest import Catalog
from tests.progress.conftest import completing_events, publish_course
from tests.support.processes import ServiceProcess, free_port, service_env

SERVICES = ("audit", "evidence", "catalog", "progress")  # start order: each one's targets first


@pytest.fixture(scope="module")
def system(admin_url, tokens):
    import importlib

    suffix = f"_x{uuid.uuid4().hex[:8]}"
    databases, processes = {}, []
    ports = {name: free_port() for name in SERVICES}
    addresses = {f"{name}_address": f"127.0.0.1:{port}" for name, port in ports.items()}
    try:
        for name in SERVICES:
            definition = importlib.import_module(f"services.{name}.main").DEFINITION
            databases[name] = provisioning.provision(admin_url, name, suffix=suffix)
            migrate(definition.migrations, databases[name].owner_url, databases[name].runtime_url,
                    definition.append_only_tables)
            env = service_env(name, databases[name], tokens, listen_address=addresses[f"{name}_address"],
                              outbox_poll_seconds="0.1", **{k: v for k, v in addresses.items()
                                                            if k != f"{name}_address"})
            process = ServiceProcess.service(name, env)
            processes.append(process)
            process.start()
        yield {name: process for name, process in zip(SERVICES, processes)}
    finally:
        for process in reversed(processes):
            process.__exit__(None, None, None)
        for database in databases.values():
            provisioning.drop(admin_url, database.database)


def _eventually(probe, limit_seconds: float = 60.0):
    """Poll `probe` until it returns something truthy (bounded; not a timing assertion)."""
    give_up = time.monotonic() + limit_seconds
    while not (found := probe()) and time.monotonic() < give_up:
        time.sleep(0.2)
    return found


def test_ten_concurrent_completions_issue_exactly_one_certificate_and_one_audit_event(system, tokens, tenant):
    with grpc.insecure_channel(system["catalog"].address) as catalog_channel, \
            grpc.insecure_channel(system["progress"].address) as progress_channel, \
            grpc.insecure_channel(system["evidence"].address) as evidence_channel, \
            grpc.insecure_channel(system["audit"].address) as audit_channel:
        course = publish_course(Catalog(catalog_service_pb2_grpc.CatalogServiceStub(catalog_channel), tokens, tenant))
        progress = progress_service_pb2_grpc.ProgressServiceStub(progress_channel)
        learner, service_md = str(uuid.uuid4()), tokens.metadata(tenant, ["service"], subject="assessment")

        def complete(_):
            return progress.RecordProgressEvents(svc.RecordProgressEventsRequest(
                tenant_id=tenant, events=completing_events(learner, course)), metadata=service_md, timeout=60)

        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(complete, range(10)))
        assert all(answer.recorded_count == 4 for answer in answers)

        evidence = evidence_service_pb2_grpc.EvidenceServiceStub(evidence_channel)
        auditor_md = tokens.metadata(tenant, ["auditor"])

        def certificates():
            return list(evidence.ListCertificates(evidence_pb.ListCertificatesRequest(
                tenant_id=tenant, recipient_id=learner), metadata=auditor_md).certificates)

        audit = audit_service_pb2_grpc.AuditServiceStub(audit_channel)

        def issued_events():
            return list(audit.ListAuditEvents(audit_pb.ListAuditEventsRequest(
                tenant_id=tenant, action="certificate.issued"), metadata=auditor_md).events)

        issued = _eventually(certificates)
        assert len(issued) == 1
        assert (issued[0].course.course_id, issued[0].course.version) == (course.course_id, course.version)
        assert len(_eventually(issued_events)) == 1
        time.sleep(2)  # any second certificate would have to be delivered by now (relays poll every 0.1 s)
        assert len(certificates()) == 1 and len(issued_events()) == 1
        state = progress.GetCourseProgress(svc.GetCourseProgressRequest(
            tenant_id=tenant, user_id=learner, course=issued[0].course), metadata=service_md).progress.state
        assert state == res.PROGRESS_STATE_PASSED


def test_with_the_catalog_down_progress_answers_and_keeps_events_for_later(system, tokens, tenant):
    with grpc.insecure_channel(system["catalog"].address) as catalog_channel, \
            grpc.insecure_channel(system["progress"].address) as progress_channel:
        catalog = Catalog(catalog_service_pb2_grpc.CatalogServiceStub(catalog_channel), tokens, tenant)
        seen, unseen = publish_course(catalog), publish_course(catalog)
        progress = progress_service_pb2_grpc.ProgressServiceStub(progress_channel)
        learner, service_md = str(uuid.uuid4()), tokens.metadata(tenant, ["service"], subject="assessment")

        def record(course, events):
            return progress.RecordProgressEvents(svc.RecordProgressEventsRequest(tenant_id=tenant, events=events),
                                                 metadata=service_md, timeout=30)

        def get(course):
            return progress.GetCourseProgress(svc.GetCourseProgressRequest(
                tenant_id=tenant, user_id=learner, course={"course_id": course.course_id, "version": course.version}),
                metadata=service_md, timeout=30).progress

        record(seen, completing_events(learner, seen)[:1])
        system["catalog"].stop()
        try:
            assert get(seen).percent_complete == 25  # a version seen before needs no catalog
            assert record(unseen, completing_events(learner, unseen)).recorded_count == 4  # kept, not refused
            waiting = get(unseen)
            assert waiting.structure_pending and len(waiting.items) == 4
        finally:
            system["catalog"].start()
        settled = _eventually(lambda: (p := get(unseen)).state == res.PROGRESS_STATE_PASSED and p)
        assert settled and not settled.structure_pending and settled.percent_complete == 100
