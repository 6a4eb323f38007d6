"""The baselines of the request-path benchmark: a grpc.aio server with nothing but the work itself.

    python -m benchmarks.bare_server <runtime database url>

Three methods on one port, in one process, with the same grpc.aio server options as a service:
  /bench.Bare/Echo     returns the request bytes (what gRPC alone costs)
  /bench.Bare/Select   parses a GetCourseRequest, runs the SELECT that GetCourse runs (the course joined
                       with its latest version) by key on a pooled psycopg connection, and answers a
                       GetCourseResponse built from the row
  /bench.Bare/Insert   parses a CreateCourseRequest, INSERTs one course row, answers a CreateCourseResponse
  /bench.Bare/ProgressRow  parses a GetCourseProgressRequest, reads the learner's course row of the progress
                       database by key, answers a GetCourseProgressResponse with its state and percent

No authentication, no validation, no transaction block, no logging: the floor a service is compared with.
Prints {"event": "serving", "address": ...} like a service.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from datetime import UTC, datetime

import grpc
from psycopg_pool import AsyncConnectionPool

from learning.catalog.v1 import catalog_service_pb2 as svc
from learning.progress.v1 import progress_service_pb2 as progress
from shared.clients import MAX_MESSAGE_BYTES
from shared.db import libpq_url

SELECT_COURSE = (
    "SELECT c.tenant_id, c.course_id, c.status, c.latest_version, c.published_version, c.draft_version, "
    "c.revision, c.created_at, c.updated_at, v.title, v.description "
    "FROM learning_courses c JOIN learning_course_versions v ON v.tenant_id = c.tenant_id AND v.course_id = c.course_id "
    "AND v.version = c.latest_version WHERE c.tenant_id = %s AND c.course_id = %s"
)
INSERT_COURSE = (
    "INSERT INTO learning_courses (tenant_id, course_id, status, latest_version, published_version, draft_version, "
    "revision, created_at, updated_at) VALUES (%s, %s, 'draft', 1, 0, 1, 1, %s, %s)"
)
SELECT_PROGRESS = (
    "SELECT state, percent_complete, started_at FROM learning_user_progress "
    "WHERE tenant_id = %s AND user_id = %s AND course_id = %s AND version = %s"
)
POOL_SIZE = 20  # a service's pool_size + max_overflow


def handlers(pool: AsyncConnectionPool) -> grpc.GenericRpcHandler:
    async def echo(request: bytes, context) -> bytes:
        return request

    async def select(request: svc.GetCourseRequest, context) -> svc.GetCourseResponse:
        async with pool.connection() as conn:
            row = await (await conn.execute(SELECT_COURSE, (request.tenant_id, request.course_id))).fetchone()
        if row is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, "no such course")
        response = svc.GetCourseResponse()
        response.course.course_id, response.course.title, response.course.description = str(row[1]), row[9], row[10]
        response.course.latest_version = row[3]
        response.course.create_time.FromDatetime(row[7])
        return response

    async def insert(request: svc.CreateCourseRequest, context) -> svc.CreateCourseResponse:
        course_id, now = str(uuid.uuid4()), datetime.now(UTC)
        async with pool.connection() as conn:
            await conn.execute(INSERT_COURSE, (request.tenant_id, course_id, now, now))
        response = svc.CreateCourseResponse()
        response.course.course_id, response.course.title = course_id, request.title
        return response

    async def progress_row(request: progress.GetCourseProgressRequest, context) -> progress.GetCourseProgressResponse:
        async with pool.connection() as conn:
            row = await (await conn.execute(SELECT_PROGRESS, (request.tenant_id, request.user_id,
                                                              request.course.course_id,
                                                              request.course.version))).fetchone()
        response = progress.GetCourseProgressResponse()
        response.progress.user_id = request.user_id
        response.progress.course.CopyFrom(request.course)
        if row is not None:
            response.progress.state, response.progress.percent_complete = row[0] + 1, row[1]
            response.progress.start_time.FromDatetime(row[2])
        return response

    return grpc.method_handlers_generic_handler("bench.Bare", {
        "Echo": grpc.unary_unary_rpc_method_handler(echo),
        "Select": grpc.unary_unary_rpc_method_handler(
            select, request_deserializer=svc.GetCourseRequest.FromString,
            response_serializer=svc.GetCourseResponse.SerializeToString),
        "Insert": grpc.unary_unary_rpc_method_handler(
            insert, request_deserializer=svc.CreateCourseRequest.FromString,
            response_serializer=svc.CreateCourseResponse.SerializeToString),
        "ProgressRow": grpc.unary_unary_rpc_method_handler(
            progress_row, request_deserializer=progress.GetCourseProgressRequest.FromString,
            response_serializer=progress.GetCourseProgressResponse.SerializeToString),
    })


async def serve(database_url: str) -> None:
    pool = AsyncConnectionPool(libpq_url(database_url), min_size=POOL_SIZE, max_size=POOL_SIZE,
                               kwargs={"autocommit": True}, open=False)
    await pool.open(wait=True)
    server = grpc.aio.server(options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                                      ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)])
    server.add_generic_rpc_handlers((handlers(pool),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(json.dumps({"event": "serving", "service": "bare", "address": f"127.0.0.1:{port}"}), flush=True)
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
