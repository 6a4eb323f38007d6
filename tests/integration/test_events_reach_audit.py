"""Critical events of catalog and evidence reach the audit log through each service's outbox relay.

Real servers (in-process, own event loops) on real PostgreSQL databases, one per
service; the relays authenticate to audit with their own service tokens.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from learning.audit.v1 import audit_service_pb2 as audit_pb
from learning.audit.v1 import audit_service_pb2_grpc
from learning.catalog.v1 import catalog_resources_pb2 as cat
from learning.catalog.v1 import catalog_service_pb2 as catalog_pb
from learning.catalog.v1 import catalog_service_pb2_grpc
from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_service_pb2 as evidence_pb
from learning.evidence.v1 import evidence_service_pb2_grpc
from services.audit import main as audit_main
from services.catalog import main as catalog_main
from services.evidence import main as evidence_main
from tests.support.servers import ServerThread


def _serve(provision_service, tokens, module, **extra):
    definition = module.DEFINITION
    db = provision_service(definition.name, definition.migrations, definition.append_only_tables)
    settings = module.Settings(database_url=db.runtime_url, migration_database_url=db.owner_url,
                               listen_address="127.0.0.1:0", migrate_on_start=False,
                               outbox_poll_seconds=0.1, **extra, **tokens.settings_env(definition.name))
    return ServerThread(lambda: module.build(settings))


@pytest.fixture(scope="module")
def audit_address(provision_service, tokens):
    with _serve(provision_service, tokens, audit_main) as host:
        yield host.address


@pytest.fixture(scope="module")
def catalog(provision_service, tokens, audit_address):
    with _serve(provision_service, tokens, catalog_main, audit_address=audit_address) as host, \
            grpc.insecure_channel(host.address) as channel:
        yield catalog_service_pb2_grpc.CatalogServiceStub(channel)


@pytest.fixture(scope="module")
def evidence(provision_service, tokens, audit_address):
    with _serve(provision_service, tokens, evidence_main, audit_address=audit_address) as host, \
            grpc.insecure_channel(host.address) as channel:
        yield evidence_service_pb2_grpc.EvidenceServiceStub(channel)


@pytest.fixture(scope="module")
def audit(audit_address):
    with grpc.insecure_channel(audit_address) as channel:
        yield audit_service_pb2_grpc.AuditServiceStub(channel)


def wait_for_events(audit, metadata, tenant: str, count: int, limit_seconds: float = 60.0):
    """Poll the audit log until `count` events of the tenant are there (bounded, not a timing assertion)."""
    give_up = time.monotonic() + limit_seconds
    while True:
        events = list(audit.ListAuditEvents(audit_pb.ListAuditEventsRequest(tenant_id=tenant, page_size=100),
                                            metadata=metadata).events)
        if len(events) >= count or time.monotonic() > give_up:
            return events
        time.sleep(0.2)


def _timestamp(moment: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(moment)
    return ts


def test_course_publication_reaches_the_audit_log_once(catalog, audit, tokens, tenant):
    author = tokens.metadata(tenant, ["author"], subject="author-7")
    course = catalog.CreateCourse(catalog_pb.CreateCourseRequest(tenant_id=tenant, title="Supplier risk"),
                                  metadata=author).course
    module = catalog.CreateModule(catalog_pb.CreateModuleRequest(tenant_id=tenant, course_id=course.course_id,
                                                                 title="Basics"), metadata=author).module
    catalog.CreateLesson(catalog_pb.CreateLessonRequest(
        tenant_id=tenant, module_id=module.module_id, title="Intro video",
        video=cat.VideoContent(media_uri="https://media.example/intro.mp4", duration=Duration(seconds=90))),
        metadata=author)
    catalog.PublishCourse(catalog_pb.PublishCourseRequest(tenant_id=tenant, course_id=course.course_id),
                          metadata=author)

    auditor = tokens.metadata(tenant, ["auditor"])
    events = wait_for_events(audit, auditor, tenant, 1)
    assert [(e.action, e.subject_type, e.subject_id, e.actor_id, e.source_service) for e in events] == [
        ("course.published", "course", course.course_id, "author-7", "catalog")
    ]
    assert audit.VerifyAuditLog(audit_pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=auditor).valid


def test_certificate_issue_revoke_and_expiry_reach_the_audit_log(evidence, audit, tokens, tenant):
    admin = tokens.metadata(tenant, ["admin"], subject="admin-1")
    now = datetime.now(UTC)

    def issue(expire_time=None):
        request = evidence_pb.IssueCertificateRequest(
            tenant_id=tenant, request_id=str(uuid.uuid4()), recipient_id=str(uuid.uuid4()),
            course=common_pb2.CourseVersionRef(course_id=str(uuid.uuid4()), version=1),
            issue_time=_timestamp(now - timedelta(days=2)))
        if expire_time:
            request.expire_time.CopyFrom(_timestamp(expire_time))
        return evidence.IssueCertificate(request, metadata=admin).certificate

    revoked = issue()
    evidence.RevokeCertificate(evidence_pb.RevokeCertificateRequest(
        tenant_id=tenant, certificate_id=revoked.certificate_id, reason="issued in error",
        request_id=str(uuid.uuid4())), metadata=admin)
    expiring = issue(expire_time=now - timedelta(days=1))
    expired = evidence.ExpireDueCertificates(evidence_pb.ExpireDueCertificatesRequest(tenant_id=tenant),
                                             metadata=admin)
    assert expired.expired_count == 1

    auditor = tokens.metadata(tenant, ["auditor"])
    events = wait_for_events(audit, auditor, tenant, 4)
    actions = sorted((e.action, e.subject_id) for e in events)
    assert actions == sorted([
        ("certificate.issued", revoked.certificate_id),
        ("certificate.revoked", revoked.certificate_id),
        ("certificate.issued", expiring.certificate_id),
        ("certificate.expired", expiring.certificate_id),
    ])
    assert all(e.source_service == "evidence" for e in events)
    assert audit.VerifyAuditLog(audit_pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=auditor).valid
