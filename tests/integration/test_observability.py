"""Metrics and traces of REAL service processes, read the way operators read them.

Catalog and audit run as their own processes on their own databases. /metrics is scraped over HTTP and parsed
with Prometheus's text format parser; traces are followed in the JSON logs (stderr) of the processes and in the
spans they export over OTLP to a collector run by the test (tests/support/otlp.py):
  * RPCs move the counters of their method and status code, and the latency histogram;
  * while audit is down the catalog's outbox backlog for "audit" grows (pending rows, age of the oldest) and
    failed deliveries are counted; once audit is back the backlog drains to zero;
  * a client's W3C traceparent reaches audit through the outbox: catalog's server span, the relay's delivery
    span and audit's server span form one trace, and the log lines of both processes carry its id;
  * events published during the outage are delivered together in one batch: the delivery continues the first
    one's trace and links the others (OpenTelemetry's convention for batches), so each trace still leads to it.
"""

from __future__ import annotations

import secrets
import time
import uuid

import grpc
import pytest

from learning.catalog.v1 import catalog_service_pb2 as svc
from learning.catalog.v1 import catalog_service_pb2_grpc
from services.audit.main import DEFINITION as AUDIT
from services.catalog.main import DEFINITION as CATALOG
from shared import provision as provisioning
from shared.migrations import migrate
from tests.catalog.conftest import Catalog
from tests.support.metrics import eventually, scrape
from tests.support.otlp import Collector
from tests.support.processes import ServiceProcess, free_port, service_env

CATALOG_SERVICE = "learning.catalog.v1.CatalogService"
AUDIT_SERVICE = "learning.audit.v1.AuditService"


@pytest.fixture(scope="module")
def system(admin_url, tokens):
    suffix = f"_o{uuid.uuid4().hex[:8]}"
    databases = {}
    try:
        for definition in (AUDIT, CATALOG):
            database = databases[definition.name] = provisioning.provision(admin_url, definition.name, suffix=suffix)
            migrate(definition.migrations, database.owner_url, database.runtime_url, definition.append_only_tables)
        audit_address = f"127.0.0.1:{free_port()}"  # pinned: audit restarts on the same address
        with Collector() as collector, \
                ServiceProcess.service("audit", {**collector.env, **service_env(
                    "audit", databases["audit"], tokens, listen_address=audit_address)}) as audit, \
                ServiceProcess.service("catalog", {**collector.env, **service_env(
                    "catalog", databases["catalog"], tokens, AUDIT_ADDRESS=audit_address, OUTBOX_POLL_SECONDS="0.1",
                    OUTBOX_BACKLOG_LOG_SECONDS="0.2", OUTBOX_MAX_BACKOFF_SECONDS="1")}) as catalog:
            audit.start()
            catalog.start()
            yield {"audit": audit, "catalog": catalog, "collector": collector}
    finally:
        for database in databases.values():
            provisioning.drop(admin_url, database.database)


def traceparent() -> tuple[str, str]:
    """A W3C traceparent of a fresh sampled trace, and its trace id."""
    trace_id = secrets.token_hex(16)
    return f"00-{trace_id}-{secrets.token_hex(8)}-01", trace_id


def publish(catalog: Catalog, title: str, trace: str) -> None:
    course = catalog.course(title)
    catalog.video_lesson(catalog.module(course.course_id).module_id)
    catalog.stub.PublishCourse(svc.PublishCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id),
                               metadata=(*catalog.md, ("traceparent", trace)))


def handled(figures, service: str, method: str, code: str = "OK") -> float:
    return figures.value("grpc_server_handled_total", grpc_service=service, grpc_method=method, grpc_code=code) or 0


def rpc_lines(process: ServiceProcess, method: str, trace_id: str) -> list[dict]:
    return [line for line in process.logs() if line.get("message") == "rpc" and line.get("method", "").endswith(
        "/" + method) and line.get("trace_id") == trace_id]


def wait_for_lines(process: ServiceProcess, method: str, trace_id: str, limit_seconds: float = 30.0) -> list[dict]:
    give_up = time.monotonic() + limit_seconds
    while not (lines := rpc_lines(process, method, trace_id)) and time.monotonic() < give_up:
        time.sleep(0.2)
    return lines


def delivery_to_audit(spans, trace_id: str):
    """The relay's span of the delivery that reached audit with the rows of `trace_id` (in that trace, or
    linking it), and audit's server span under it; None while there is none."""
    for relay in spans:
        if relay.service == "catalog" and relay.name == "outbox audit" and (
                relay.trace_id == trace_id or trace_id in {linked for linked, _ in relay.links}):
            for served in spans:
                if served.service == "audit" and served.parent_span_id == relay.span_id \
                        and served.name.endswith("/RecordEvents"):
                    return relay, served
    return None


def test_metrics_move_with_rpcs_and_show_the_audit_backlog_while_audit_is_down(system, tokens, tenant):
    catalog_process, audit_process = system["catalog"], system["audit"]
    assert catalog_process.metrics_address and audit_process.metrics_address
    with grpc.insecure_channel(catalog_process.address) as channel:
        catalog = Catalog(catalog_service_pb2_grpc.CatalogServiceStub(channel), tokens, tenant)
        before = scrape(catalog_process.metrics_address)
        assert before.value("learning_service_info", service="catalog") == 1
        assert (before.value("learning_db_pool_max_connections") or 0) > 0
        audit_before = handled(scrape(audit_process.metrics_address), AUDIT_SERVICE, "RecordEvents")

        # Counters move for real RPCs, by method and status code; the histogram counts them too.
        courses = [catalog.course(f"Course {i}") for i in range(3)]
        with pytest.raises(grpc.RpcError) as missing:
            catalog.get(str(uuid.uuid4()))
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
        # An error status reaches the client before the call's figures are recorded (as a scrape is later).
        not_found = handled(before, CATALOG_SERVICE, "GetCourse", "NOT_FOUND")
        after = eventually(catalog_process.metrics_address,
                           lambda f: handled(f, CATALOG_SERVICE, "GetCourse", "NOT_FOUND") > not_found)
        assert handled(after, CATALOG_SERVICE, "GetCourse", "NOT_FOUND") - not_found == 1
        assert handled(after, CATALOG_SERVICE, "CreateCourse") - handled(before, CATALOG_SERVICE, "CreateCourse") == 3
        count = "grpc_server_handling_seconds_count"
        assert (after.value(count, grpc_method="CreateCourse") or 0) - (before.value(count, grpc_method="CreateCourse")
                                                                        or 0) == 3
        assert after.value("grpc_server_in_flight", grpc_method="CreateCourse") == 0

        # A publication reaches audit: RecordEvents counted there, the catalog's backlog back to zero.
        module = catalog.module(courses[0].course_id)
        catalog.video_lesson(module.module_id)
        catalog.publish(courses[0].course_id)
        eventually(audit_process.metrics_address,
                   lambda f: handled(f, AUDIT_SERVICE, "RecordEvents") > audit_before)
        eventually(catalog_process.metrics_address,
                   lambda f: f.value("learning_outbox_pending", destination="audit") == 0
                   and (f.value("learning_outbox_delivered_total", destination="audit") or 0) >= 1)

        # Audit down: the backlog grows, and so does the age of its oldest row; failed deliveries are counted.
        audit_process.stop()
        traces = []
        try:
            for i in range(2):
                trace, trace_id = traceparent()
                traces.append(trace_id)
                publish(catalog, f"Published while audit is down {i}", trace)
            grown = eventually(catalog_process.metrics_address,
                               lambda f: (f.value("learning_outbox_pending", destination="audit") or 0) >= 2
                               and (f.value("learning_outbox_delivery_failures_total", destination="audit",
                                            code="UNAVAILABLE") or 0) > 0)
            first_age = grown.value("learning_outbox_oldest_pending_age_seconds", destination="audit")
            older = eventually(catalog_process.metrics_address,
                               lambda f: f.value("learning_outbox_oldest_pending_age_seconds",
                                                 destination="audit") > first_age + 0.5)
            assert older.value("learning_outbox_pending", destination="audit") >= 2
        finally:
            audit_process.start()

        # Audit back: the backlog drains, and each delivery continues the trace of the call that caused it.
        drained = eventually(catalog_process.metrics_address,
                             lambda f: f.value("learning_outbox_pending", destination="audit") == 0)
        assert drained.value("learning_outbox_oldest_pending_age_seconds", destination="audit") == 0
        collector = system["collector"]
        spans = collector.wait_for(lambda spans: all(delivery_to_audit(spans, t) for t in traces))
        for trace_id in traces:
            assert rpc_lines(catalog_process, "PublishCourse", trace_id), "the catalog's own log line"
            relay, served = delivery_to_audit(spans, trace_id)
            delivered = wait_for_lines(audit_process, "RecordEvents", relay.trace_id)
            assert [line["span_id"] for line in delivered] == [served.span_id]


def test_a_clients_trace_and_request_ids_reach_the_audit_log_lines(system, tokens, tenant):
    catalog_process, audit_process = system["catalog"], system["audit"]
    trace, trace_id = traceparent()
    request_id = f"req-{uuid.uuid4().hex}"
    with grpc.insecure_channel(catalog_process.address) as channel:
        catalog = Catalog(catalog_service_pb2_grpc.CatalogServiceStub(channel), tokens, tenant)
        course = catalog.course("Traced")
        catalog.video_lesson(catalog.module(course.course_id).module_id)
        catalog.stub.PublishCourse(svc.PublishCourseRequest(tenant_id=tenant, course_id=course.course_id),
                                   metadata=(*catalog.md, ("traceparent", trace), ("x-request-id", request_id)))
    [published] = rpc_lines(catalog_process, "PublishCourse", trace_id)
    assert published["request_id"] == request_id and published["code"] == "OK"
    # One trace: the client's span -> catalog's PublishCourse -> the relay's delivery -> audit's RecordEvents.
    spans = system["collector"].wait_for(lambda spans: delivery_to_audit(spans, trace_id))
    relay, served = delivery_to_audit(spans, trace_id)
    [server] = [s for s in spans if s.trace_id == trace_id and s.name.endswith("/PublishCourse")]
    assert server.parent_span_id == trace.split("-")[2] and server.span_id == published["span_id"]
    assert relay.trace_id == served.trace_id == trace_id and relay.parent_span_id == server.span_id
    [delivered] = wait_for_lines(audit_process, "RecordEvents", trace_id)
    assert delivered["span_id"] == served.span_id
    assert delivered["request_id"] != request_id  # another call (the relay's), in the same trace
