"""Resilience with REAL processes: `python -m services.audit` and a publisher process (the catalog
service once it runs the relay, else tests/relay/emitter.py), stopped with SIGTERM or SIGKILL."""

from __future__ import annotations

import uuid

import grpc
import pytest

from learning.audit.v1 import audit_service_pb2 as pb
from learning.audit.v1 import audit_service_pb2_grpc as pb_grpc
from tests.relay.conftest import audit_counts, wait_until
from tests.relay.publishers import make_publisher
from tests.support.processes import ServiceProcess, free_port, service_env


@pytest.fixture
def uuid_tenant() -> str:
    return str(uuid.uuid4())  # the catalog wants UUID tenants; the audit service accepts them too


@pytest.fixture
def audit_process(audit_db, tokens):
    """The audit service as its own process on a pinned port, so a restart keeps its address."""
    port = free_port()
    with ServiceProcess.service("audit", service_env("audit", audit_db, tokens,
                                                     listen_address=f"127.0.0.1:{port}")) as process:
        process.pinned_address = f"127.0.0.1:{port}"
        yield process


@pytest.fixture
def publisher(provision_service, tokens, audit_process):
    publisher = make_publisher(provision_service, tokens, audit_process.pinned_address)
    yield publisher
    publisher.close()


def verify_through(process: ServiceProcess, tokens, tenant: str) -> pb.VerifyAuditLogResponse:
    with grpc.insecure_channel(process.address) as channel:
        return pb_grpc.AuditServiceStub(channel).VerifyAuditLog(
            pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=tokens.metadata(tenant, ["auditor"]))


def test_audit_stopped_while_200_are_published_then_restarted(audit_process, publisher, audit_db, tokens,
                                                              uuid_tenant):
    audit_process.start()
    assert audit_process.healthy("learning.audit.v1.AuditService")
    publisher.start()
    assert audit_process.stop() == 0  # SIGTERM: graceful stop, exit code 0

    publisher.publish(uuid_tenant, 200)
    assert publisher.pending(uuid_tenant) == 200
    assert audit_counts(audit_db, uuid_tenant) == (0, 0)

    audit_process.start()  # same port as before
    wait_until(lambda: publisher.pending(uuid_tenant) == 0, 90, "publisher's outbox drained")
    assert audit_counts(audit_db, uuid_tenant) == (200, 200)
    verdict = verify_through(audit_process, tokens, uuid_tenant)
    assert verdict.valid and verdict.events_checked == 200
    publisher.stop()


def test_publisher_killed_after_commit_before_delivery(audit_process, publisher, audit_db, tokens, uuid_tenant):
    publisher.start()  # the audit service is not running: nothing can be delivered
    publisher.publish(uuid_tenant, 50)
    publisher.kill()  # SIGKILL with 50 committed, undelivered events
    assert publisher.pending(uuid_tenant) == 50

    audit_process.start()
    publisher.start()  # restarted: its relay finds the rows by state, not by a cursor
    wait_until(lambda: publisher.pending(uuid_tenant) == 0, 90, "pending events delivered after restart")
    assert audit_counts(audit_db, uuid_tenant) == (50, 50)
    assert verify_through(audit_process, tokens, uuid_tenant).valid


def test_publisher_killed_in_the_middle_of_delivery(audit_process, publisher, audit_db, tokens, uuid_tenant):
    audit_process.start()
    publisher.start()
    publisher.publish(uuid_tenant, 150)
    publisher.kill()  # the relay was delivering concurrently: some delivered, some in flight, some pending
    delivered_before = audit_counts(audit_db, uuid_tenant)[0]
    assert delivered_before <= 150

    publisher.start()
    wait_until(lambda: publisher.pending(uuid_tenant) == 0, 90, "remaining events delivered after restart")
    wait_until(lambda: audit_counts(audit_db, uuid_tenant)[0] == 150, 30, "all events in the log")
    assert audit_counts(audit_db, uuid_tenant) == (150, 150)  # none twice, none lost
    verdict = verify_through(audit_process, tokens, uuid_tenant)
    assert verdict.valid and verdict.events_checked == 150
