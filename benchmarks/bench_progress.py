"""Progress service benchmark: recording events, reading a learner's progress, deep pages.

The catalog and the progress service run as their own processes on freshly migrated databases; one
course is published with LESSONS video lessons and a quiz.

1. Recording. RecordProgressEvents in batches of BATCH events (BATCH / LESSONS learners viewing every
   lesson), end to end: validation, the structure from the cache, the events, the item folds, the
   course rows and their state. Baseline, same run, same database: a raw psycopg INSERT of the same
   event rows (unnest of arrays, one statement per batch) into progress_events. Rounds alternate.
2. Reading. GetCourseProgress of learners with progress (structure cached: no catalog call) against a
   bare grpc.aio handler reading the learner's course row by key on psycopg (benchmarks/bare_server.py),
   64 calls in flight, same client (benchmarks/load.py).
3. Deep pages. One tenant gets DEEP_ROWS course rows (bulk-loaded in SQL); ListUserProgress (page_size
   50) is timed for the first page and for a page half-way, reached with the token a client would hold.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import psycopg

from benchmarks.bench_request_path import AUDIENCE, ISSUER, _Process, bare_process
from benchmarks.load import Call, drive, median_ms
from learning.catalog.v1 import catalog_service_pb2_grpc
from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as res
from learning.progress.v1 import progress_service_pb2 as svc
from learning.progress.v1 import progress_service_pb2_grpc
from services.catalog.main import DEFINITION as CATALOG
from services.progress.api.course_progress import PROGRESS_PAGES
from services.progress.main import DEFINITION as PROGRESS
from shared.auth import TokenMinter
from shared.db import libpq_url
from shared.migrations import migrate
from shared.provision import drop, provision
from shared.service_keys import DevIdentity
from shared.timeutil import to_timestamp

LESSONS = 10
BATCH = 200
BATCHES = int(os.environ.get("BENCH_PROGRESS_BATCHES", "40"))
ROUNDS = 4
READ_SECONDS = 2.0
DEEP_ROWS = int(os.environ.get("BENCH_PROGRESS_DEEP_ROWS", "1000000"))
PAGE, REPEATS = 50, 30
TENANT = "bench-progress"


def run(admin_url: str) -> None:
    suffix = f"_bench{uuid.uuid4().hex[:6]}"
    catalog_db, progress_db = provision(admin_url, "catalog", suffix=suffix), provision(admin_url, "progress",
                                                                                       suffix=suffix)
    try:
        migrate(CATALOG.migrations, catalog_db.owner_url, catalog_db.runtime_url, CATALOG.append_only_tables)
        migrate(PROGRESS.migrations, progress_db.owner_url, progress_db.runtime_url, PROGRESS.append_only_tables)
        identity = DevIdentity(issuer=ISSUER, audience=AUDIENCE)  # users' and each service's own keys
        minter = identity.user_minter
        keys = {"LOG_LEVEL": "WARNING", "MIGRATE_ON_START": "false", "LISTEN_ADDRESS": "127.0.0.1:0",
                "METRICS_ADDRESS": "127.0.0.1:0",
                "OUTBOX_RELAY_ENABLED": "false"}
        with _Process([sys.executable, "-m", "services.catalog"], {
                **{f"CATALOG_{k}": v for k, v in keys.items()}, **identity.env("catalog", "CATALOG_"),
                "CATALOG_DATABASE_URL": catalog_db.runtime_url}) as (catalog_address, _):
            course = publish(catalog_address, minter)
            with _Process([sys.executable, "-m", "services.progress"], {
                    **{f"PROGRESS_{k}": v for k, v in keys.items()}, **identity.env("progress", "PROGRESS_"),
                    "PROGRESS_DATABASE_URL": progress_db.runtime_url, "PROGRESS_CATALOG_ADDRESS": catalog_address}) \
                    as (address, pid), bare_process(progress_db) as (bare_address, bare_pid):
                service_md = (("authorization", "Bearer " + identity.service_token("assessment", TENANT)),)
                with grpc.insecure_channel(address) as channel:
                    stub = progress_service_pb2_grpc.ProgressServiceStub(channel)
                    learners = bench_recording(stub, service_md, progress_db, course)
                    bench_reading(address, pid, bare_address, bare_pid, service_md, course, learners)
                    bench_deep_pages(stub, minter, progress_db, course)
    finally:
        drop(admin_url, catalog_db.database)
        drop(admin_url, progress_db.database)


class _Author:
    """What tests.catalog.conftest.Catalog needs of the test tokens: an author's call metadata."""

    def __init__(self, minter: TokenMinter) -> None:
        self.minter = minter

    def metadata(self, tenant_id: str, roles: list[str], subject: str = "author"):
        return (("authorization", "Bearer " + self.minter.mint(subject=subject, tenant_id=tenant_id, roles=roles)),)


def publish(address: str, minter: TokenMinter):
    from tests.catalog.conftest import Catalog  # the same builders the catalog tests use

    with grpc.insecure_channel(address) as channel:
        catalog = Catalog(catalog_service_pb2_grpc.CatalogServiceStub(channel), _Author(minter), TENANT)
        course = catalog.course("Benchmark course")
        module = catalog.module(course.course_id)
        lessons = [catalog.video_lesson(module.module_id, title=f"L{i}").lesson_id for i in range(LESSONS)]
        catalog.quiz(module.module_id)
        catalog.publish(course.course_id)
    return course.course_id, lessons


def batches(course, count: int) -> tuple[list[list[res.ProgressEvent]], list[str]]:
    course_id, lessons = course
    now = datetime.now(UTC) - timedelta(minutes=5)
    made, learners = [], []
    for _ in range(count):
        events = []
        for _ in range(BATCH // LESSONS):
            learner = str(uuid.uuid4())
            learners.append(learner)
            events += [res.ProgressEvent(
                event_id=str(uuid.uuid4()), user_id=learner,
                course=common_pb2.CourseVersionRef(course_id=course_id, version=1), item_kind=res.ITEM_KIND_LESSON,
                item_id=lesson, kind=res.EVENT_KIND_VIEWED, occur_time=to_timestamp(now)) for lesson in lessons]
        made.append(events)
    return made, learners


RAW_INSERT = """
INSERT INTO progress_events (tenant_id, event_id, user_id, course_id, version, item_kind, item_id, step_id, kind,
                             score, occur_time, content_hash, recorded_at, recorded_by)
SELECT %s, e.*, now(), 'bench'
FROM unnest(%s::uuid[], %s::uuid[], %s::uuid[], %s::int[], %s::text[], %s::uuid[], %s::text[], %s::text[],
            %s::float8[], %s::timestamptz[], %s::bytea[]) AS e
"""


def raw_insert(conn: psycopg.Connection, events: list[res.ProgressEvent]) -> None:
    columns = list(zip(*[(e.event_id, e.user_id, e.course.course_id, 1, "lesson", e.item_id, "", "viewed", 0.0,
                          e.occur_time.ToDatetime(UTC), b"h" * 32) for e in events]))
    conn.execute(RAW_INSERT, ("bench-raw", *[list(c) for c in columns]))
    conn.commit()


def bench_recording(stub, md, database, course) -> list[str]:
    rpc_batches, learners = batches(course, BATCHES + 1)
    raw_batches, _ = batches(course, BATCHES + 1)
    stub.RecordProgressEvents(svc.RecordProgressEventsRequest(tenant_id=TENANT, events=rpc_batches[0]),
                              metadata=md, timeout=60)  # warm-up: structure fetched from the catalog once
    per_round = BATCHES // ROUNDS
    rpc_seconds = raw_seconds = 0.0
    with psycopg.connect(libpq_url(database.runtime_url)) as conn:
        raw_insert(conn, raw_batches[0])
        for start in range(1, BATCHES + 1, per_round):
            began = time.perf_counter()
            for events in rpc_batches[start:start + per_round]:
                stub.RecordProgressEvents(svc.RecordProgressEventsRequest(tenant_id=TENANT, events=events),
                                          metadata=md, timeout=60)
            rpc_seconds += time.perf_counter() - began
            began = time.perf_counter()
            for events in raw_batches[start:start + per_round]:
                raw_insert(conn, events)
            raw_seconds += time.perf_counter() - began
    events = BATCHES * BATCH
    print(f"progress recording, {events:,} lesson events in batches of {BATCH}:")
    print(f"  RecordProgressEvents end to end   {events / rpc_seconds:10,.0f} events/s")
    print(f"  raw psycopg insert of the events  {events / raw_seconds:10,.0f} events/s   (same rows, one statement)")
    print(f"  ratio                             {raw_seconds / rpc_seconds:10.0%}   (it also folds items and "
          f"settles course rows)", flush=True)
    return learners


def bench_reading(address, pid, bare_address, bare_pid, md, course, learners) -> None:
    course_id, _ = course
    cycle = itertools.cycle(learners)

    def request() -> svc.GetCourseProgressRequest:
        return svc.GetCourseProgressRequest(tenant_id=TENANT, user_id=next(cycle),
                                            course=common_pb2.CourseVersionRef(course_id=course_id, version=1))

    get = Call("read", "/learning.progress.v1.ProgressService/GetCourseProgress", None,
               svc.GetCourseProgressRequest.SerializeToString, svc.GetCourseProgressResponse.FromString, md,
               fresh=request)
    bare = Call("read", "/bench.Bare/ProgressRow", None, svc.GetCourseProgressRequest.SerializeToString,
                svc.GetCourseProgressResponse.FromString, fresh=request)
    service = baseline = None
    for _ in range(ROUNDS):
        one = drive(address, [get], seconds=READ_SECONDS, warmup=0.5, server_pid=pid)
        two = drive(bare_address, [bare], seconds=READ_SECONDS, warmup=0.5, server_pid=bare_pid)
        service, baseline = (one, two) if service is None else (service.merge(one), baseline.merge(two))
    print("GetCourseProgress (11 items) vs a bare handler reading the course row, 64 in flight:")
    for name, result in (("GetCourseProgress", service), ("bare row read", baseline)):
        print(f"  {name:20} {result.rate:8,.0f} RPC/s  p50 {result.median():6.1f} ms  "
              f"CPU {result.cpu_ms_per_rpc:5.2f} ms/RPC" + (f"  errors {result.errors}" if result.errors else ""))
    print(f"  ratio                {service.rate / baseline.rate:8.0%}", flush=True)


def bench_deep_pages(stub, minter: TokenMinter, database, course) -> None:
    tenant, (course_id, _) = "bench-deep", course
    base = datetime.now(UTC) - timedelta(days=400)
    began = time.perf_counter()
    with psycopg.connect(libpq_url(database.owner_url)) as conn:
        conn.execute("INSERT INTO learning_user_progress (tenant_id, user_id, course_id, version, state, "
                     "percent_complete, started_at, updated_at, structure_pending) "
                     "SELECT %s, md5(g::text)::uuid, %s, 1, 1 + mod(g, 4), mod(g, 101), "
                     "%s::timestamptz + g * interval '30 seconds', now(), false "
                     "FROM generate_series(1, %s) AS g", (tenant, course_id, base, DEEP_ROWS))
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE learning_user_progress")
        deep = conn.execute("SELECT started_at, course_id, version, user_id FROM learning_user_progress "
                            "WHERE tenant_id = %s ORDER BY started_at, course_id, version, user_id "
                            "OFFSET %s LIMIT 1", (tenant, DEEP_ROWS // 2)).fetchone()
    loaded = time.perf_counter() - began
    md = (("authorization", "Bearer " + minter.mint(subject="auditor", tenant_id=tenant, roles=["auditor"])),)
    first_request = svc.ListUserProgressRequest(tenant_id=tenant, page_size=PAGE)
    token = PROGRESS_PAGES.encode((deep[0], str(deep[1]), deep[2], str(deep[3])), PROGRESS_PAGES.scope(tenant, "", "", 0))
    deep_request = svc.ListUserProgressRequest(tenant_id=tenant, page_size=PAGE, page_token=token)
    assert len(stub.ListUserProgress(deep_request, metadata=md).progress) == PAGE
    first_ms = median_ms(lambda: stub.ListUserProgress(first_request, metadata=md), REPEATS)
    deep_ms = median_ms(lambda: stub.ListUserProgress(deep_request, metadata=md), REPEATS)
    print(f"ListUserProgress over {DEEP_ROWS:,} course rows of one tenant (loaded in {loaded:.0f} s), "
          f"page_size {PAGE}, median of {REPEATS}:")
    print(f"  first page                  {first_ms:8.2f} ms")
    print(f"  page {DEEP_ROWS // 2:,} rows deep     {deep_ms:8.2f} ms")
    print(f"  ratio deep / first          {deep_ms / first_ms:8.2f}    (target <= 1.5)", flush=True)

