"""Server plumbing as clients see it: health, reflection, deadlines, the request id."""

from __future__ import annotations

import threading
import time
import uuid

import grpc
import psycopg
import pytest
from google.protobuf import descriptor_pool, field_mask_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as svc
from shared.db import libpq_url

SERVICE = "learning.catalog.v1.CatalogService"


@pytest.mark.parametrize("service", ["", SERVICE])
def test_health_is_serving_without_a_token(catalog_channel, service):
    response = health_pb2_grpc.HealthStub(catalog_channel).Check(health_pb2.HealthCheckRequest(service=service),
                                                                 timeout=5)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


def test_health_of_an_unknown_service_is_not_found(catalog_channel):
    with pytest.raises(grpc.RpcError) as caught:
        health_pb2_grpc.HealthStub(catalog_channel).Check(health_pb2.HealthCheckRequest(service="nope"), timeout=5)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_reflection_alone_finds_and_resolves_the_catalog(catalog_server):
    # A fresh channel and only grpc_reflection: no generated catalog code is consulted.
    with grpc.insecure_channel(catalog_server.address) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        assert SERVICE in database.get_services()
        pool = descriptor_pool.DescriptorPool(database)
        service = pool.FindServiceByName(SERVICE)
        methods = {method.name for method in service.methods}
        assert {"CreateCourse", "GetCourseVersion", "PublishCourse", "ListLearningPaths"} <= methods
        file = pool.FindFileContainingSymbol(SERVICE)
        assert file.name == "learning/catalog/v1/catalog_service.proto"
        version = pool.FindMessageTypeByName("learning.catalog.v1.CourseVersion")
        assert "modules" in version.fields_by_name


def test_responses_carry_a_request_id(catalog):
    """In the trailing metadata, with the status: the client's own id, or a new one, also on errors."""
    course = catalog.course()
    _, call = catalog.stub.GetCourse.with_call(svc.GetCourseRequest(tenant_id=catalog.tenant,
                                                                    course_id=course.course_id),
                                               metadata=catalog.md + (("x-request-id", "trace-123"),))
    assert ("x-request-id", "trace-123") in call.trailing_metadata()
    _, call = catalog.stub.GetCourse.with_call(svc.GetCourseRequest(tenant_id=catalog.tenant,
                                                                    course_id=course.course_id), metadata=catalog.md)
    assert uuid.UUID(dict(call.trailing_metadata())["x-request-id"])
    for metadata in (catalog.md + (("x-request-id", "trace-404"),), (("x-request-id", "trace-401"),)):
        with pytest.raises(grpc.RpcError) as caught:  # NOT_FOUND (rich details), then UNAUTHENTICATED
            catalog.stub.GetCourse(svc.GetCourseRequest(tenant_id=catalog.tenant, course_id=str(uuid.uuid4())),
                                   metadata=metadata)
        assert dict(caught.value.trailing_metadata())["x-request-id"] == metadata[-1][1]


def test_a_call_past_its_deadline_stops_waiting_on_the_database_and_holds_no_lock(catalog, catalog_superuser_sql):
    """The deadline bounds the database work: gRPC cancels the handler, psycopg cancels the statement."""
    course = catalog.course()
    blocker = catalog_superuser_sql
    blocker.execute("BEGIN")
    blocker.execute("SELECT 1 FROM learning_courses WHERE tenant_id = %s AND course_id = %s FOR UPDATE",
                    (catalog.tenant, course.course_id))
    update = svc.UpdateCourseRequest(tenant_id=catalog.tenant, course=res.Course(course_id=course.course_id,
                                                                                 title="Blocked"),
                                     update_mask=field_mask_pb2.FieldMask(paths=["title"]))
    with pytest.raises(grpc.RpcError) as caught:
        catalog.stub.UpdateCourse(update, metadata=catalog.md, timeout=0.5)
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED

    def waiting_on_locks() -> int:
        return blocker.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND wait_event_type = 'Lock'").fetchone()[0]

    deadline = time.monotonic() + 5
    while waiting_on_locks() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting_on_locks() == 0  # the cancelled UPDATE no longer waits behind the blocker
    blocker.execute("ROLLBACK")
    assert catalog.get(course.course_id).title == course.title  # nothing of the abandoned call was written


def test_tiny_deadline_is_deadline_exceeded_not_internal(catalog):
    course = catalog.course()
    for _ in range(5):
        with pytest.raises(grpc.RpcError) as caught:
            catalog.stub.GetCourseVersion(svc.GetCourseVersionRequest(tenant_id=catalog.tenant,
                                                                      course_id=course.course_id, version=1),
                                          metadata=catalog.md, timeout=0.0001)
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert catalog.get(course.course_id).course_id == course.course_id  # the server is fine afterwards


def lock_waiters(admin_url, catalog_db) -> list:
    """Statements of the catalog's runtime role waiting for a lock (needs a superuser to see them)."""
    runtime_role = catalog_db.database
    with psycopg.connect(libpq_url(admin_url)) as conn:
        return conn.execute("SELECT pid FROM pg_stat_activity WHERE usename = %s AND wait_event_type = 'Lock'",
                            (runtime_role,)).fetchall()


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_deadline_bounds_waiting_for_a_locked_row(catalog, catalog_db, admin_url):
    """The server's statement timeout follows the caller's deadline: a call blocked on a lock
    ends as DEADLINE_EXCEEDED and its transaction leaves nothing behind."""
    course = catalog.course("locked")
    waiting: list = []
    with psycopg.connect(libpq_url(catalog_db.owner_url)) as blocker:
        blocker.execute("SELECT 1 FROM learning_courses WHERE tenant_id = %s FOR UPDATE", (catalog.tenant,))
        threading.Timer(0.5, lambda: waiting.extend(lock_waiters(admin_url, catalog_db))).start()
        with pytest.raises(grpc.RpcError) as caught:
            catalog.stub.UpdateCourse(
                svc.UpdateCourseRequest(tenant_id=catalog.tenant, course={"course_id": course.course_id,
                                                                          "title": "never"},
                                        update_mask={"paths": ["title"]}),
                metadata=catalog.md, timeout=1.0)
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        # The server gave up too: its statement is no longer queued behind our lock.
        assert waiting, "the server's statement should have been waiting for the lock"
        assert wait_until(lambda: not lock_waiters(admin_url, catalog_db), seconds=3)
        blocker.rollback()
    assert catalog.get(course.course_id).title == "locked"
    # Many concurrent calls after cancellations: the pool still hands out healthy connections.
    results = []
    threads = [threading.Thread(target=lambda: results.append(catalog.get(course.course_id).title)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["locked"] * 20


def test_reflection_v1_protocol_is_served_too(catalog_channel):
    """grpcurl and Postman ask grpc.reflection.v1 first; it answers with the same data as v1alpha."""
    from grpc_reflection.v1alpha import reflection_pb2

    info = catalog_channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                                 request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                 response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    responses = list(info(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5))
    names = {service.name for service in responses[0].list_services_response.service}
    assert SERVICE in names and "grpc.health.v1.Health" in names
