"""Request-path benchmark: what the shared plumbing costs on top of the work itself.

One catalog database, freshly provisioned and migrated. The same client (benchmarks/load.py: one
process, IN_FLIGHT calls outstanding over CHANNELS connections, closed loop) drives, alternating
line by line in ROUNDS rounds:

  baselines   (benchmarks/bare_server.py, one process, no auth/validation/logging/transactions)
    echo            a bare grpc.aio handler returning its request
    bare SELECT     a handler running GetCourse's SELECT by key on a pooled psycopg connection
    bare INSERT     a handler running one INSERT of a course row
  the service (`python -m services.catalog`, CATALOG_WORKERS=1, then 2)
    GetCourse       a learner token; course ids cycle over SEED_COURSES existing courses
    CreateCourse    an author token; a fresh request_id per call (idempotency key written every time)
    mixed           80 % GetCourse, 20 % CreateCourse; latency reported per kind

Reported per line: RPC/s, p50 and p99 latency at the client, CPU milliseconds per RPC of the
server's process tree (from /proc, so the client's own CPU is not counted) and of the client, and
how busy the machine's cores were (server, client and PostgreSQL share them: once they are all
busy, a second worker has no core to run on). Then the two target
ratios: GetCourse / bare SELECT (target >= 60 %) and CreateCourse / bare INSERT (target >= 40 %).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import grpc

from benchmarks.load import CHANNELS, Call, Result, drive
from learning.catalog.v1 import catalog_service_pb2 as svc
from learning.catalog.v1 import catalog_service_pb2_grpc as svc_grpc
from services.catalog.main import DEFINITION
from shared.auth import TokenMinter, generate_keypair
from shared.migrations import migrate
from shared.provision import drop, provision

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_REQUEST_SECONDS", "2"))  # per line and round
ROUNDS = int(os.environ.get("BENCH_REQUEST_ROUNDS", "4"))
IN_FLIGHT = 64
SEED_COURSES = 200
TENANT = "bench-tenant"
ISSUER, AUDIENCE = "learning-bench", "learning"
CATALOG = "/learning.catalog.v1.CatalogService/"


def run(admin_url: str) -> None:
    database = provision(admin_url, "catalog", suffix=f"_bench{uuid.uuid4().hex[:6]}")
    try:
        migrate(DEFINITION.migrations, database.owner_url, database.runtime_url, DEFINITION.append_only_tables)
        private_pem, public_pem = generate_keypair()
        minter = TokenMinter(private_pem, issuer=ISSUER, audience=AUDIENCE)
        learner = (("authorization", "Bearer " + minter.mint(subject="bench-learner", tenant_id=TENANT,
                                                              roles=["learner"])),)
        author = (("authorization", "Bearer " + minter.mint(subject="bench-author", tenant_id=TENANT,
                                                             roles=["author"])),)
        rows: dict[str, Result] = {}
        with catalog_process(database, public_pem, workers=1) as (address, _):
            course_ids = seed_courses(address, author)
        reads = itertools.cycle(course_ids)

        def get_request() -> svc.GetCourseRequest:
            return svc.GetCourseRequest(tenant_id=TENANT, course_id=next(reads))

        def create_request() -> svc.CreateCourseRequest:
            return svc.CreateCourseRequest(tenant_id=TENANT, request_id=str(uuid.uuid4()), title="Negotiation basics",
                                           description="Benchmark course", objectives=["Plan", "Close"])

        get = Call("read", CATALOG + "GetCourse", None, svc.GetCourseRequest.SerializeToString,
                   svc.GetCourseResponse.FromString, learner, fresh=get_request)
        create = Call("write", CATALOG + "CreateCourse", None, svc.CreateCourseRequest.SerializeToString,
                      svc.CreateCourseResponse.FromString, author, fresh=create_request)

        # All three servers run side by side (an idle one costs nothing) and the lines alternate in
        # ROUNDS rounds, so that every line sees the same machine load on a shared, noisy machine.
        with bare_process(database) as bare, catalog_process(database, public_pem, workers=1) as one, \
                catalog_process(database, public_pem, workers=2) as two:
            lines: dict[str, tuple[tuple[str, int], list[Call]]] = {
                "echo": (bare, [Call("echo", "/bench.Bare/Echo", b"x" * 64)]),
                "bare SELECT": (bare, [Call("read", "/bench.Bare/Select", None, svc.GetCourseRequest.SerializeToString,
                                            svc.GetCourseResponse.FromString, fresh=get_request)]),
                "bare INSERT": (bare, [Call("write", "/bench.Bare/Insert", None,
                                            svc.CreateCourseRequest.SerializeToString,
                                            svc.CreateCourseResponse.FromString, fresh=create_request)]),
            }
            for server, label in ((one, "1 worker"), (two, "2 workers")):
                lines[f"GetCourse, {label}"] = (server, [get])
                lines[f"CreateCourse, {label}"] = (server, [create])
                lines[f"mixed 80/20, {label}"] = (server, [get, get, get, get, create])
            for _ in range(ROUNDS):
                for name, ((address, pid), calls) in lines.items():
                    result = measure(address, pid, calls)
                    rows[name] = rows[name].merge(result) if name in rows else result
        report(rows)
    finally:
        drop(admin_url, database.database)


def measure(address: str, pid: int, calls: list[Call]) -> Result:
    return drive(address, calls, seconds=SECONDS, warmup=0.5, in_flight=IN_FLIGHT, server_pid=pid)


def report(rows: dict[str, Result]) -> None:
    print(f"request path, {IN_FLIGHT} calls in flight over {CHANNELS} connections, one client process, "
          f"{ROUNDS} rounds of {SECONDS:.0f} s per line:")
    print(f"  {'':28} {'RPC/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/RPC':>11} {'client ms':>10} "
          f"{'machine busy':>13}")
    for name, result in rows.items():
        print(f"  {name:28} {result.rate:8,.0f} {result.median():8.1f} {result.percentile(None, 0.99):8.1f} "
              f"{result.cpu_ms_per_rpc:11.2f} {result.client_cpu_ms_per_rpc:10.2f} {result.machine_busy:13.0%}"
              + (f"   errors {result.errors}" if result.errors else ""))
        if name.startswith("mixed"):
            for kind in ("read", "write"):
                print(f"    {kind + 's':26} {len(result.latencies.get(kind, [])) / result.seconds:8,.0f} "
                      f"{result.median(kind):8.1f} {result.percentile(kind, 0.99):8.1f}")
    get, select = rows["GetCourse, 1 worker"].rate, rows["bare SELECT"].rate
    create, insert = rows["CreateCourse, 1 worker"].rate, rows["bare INSERT"].rate
    print(f"  ratio GetCourse / bare SELECT      {get / select:6.0%}   (target >= 60 %)")
    print(f"  ratio CreateCourse / bare INSERT   {create / insert:6.0%}   (target >= 40 %)")
    print(f"  2 workers / 1 worker: GetCourse {rows['GetCourse, 2 workers'].rate / get:.2f}x, "
          f"CreateCourse {rows['CreateCourse, 2 workers'].rate / create:.2f}x", flush=True)


def seed_courses(address: str, author) -> list[str]:
    with grpc.insecure_channel(address) as channel:
        stub = svc_grpc.CatalogServiceStub(channel)
        return [stub.CreateCourse(svc.CreateCourseRequest(tenant_id=TENANT, title=f"Course {i}"),
                                  metadata=author, timeout=30).course.course_id for i in range(SEED_COURSES)]


class _Process:
    """A server subprocess that prints {"event": "serving", "address": ...}; stopped with SIGTERM."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env}, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def __enter__(self) -> tuple[str, int]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            event = json.loads(line) if line.startswith("{") else {}
            if event.get("event") == "serving":
                return event["address"], self.process.pid
        raise RuntimeError(f"server exited with {self.process.wait()}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(60)


def bare_process(database) -> _Process:
    return _Process([sys.executable, "-m", "benchmarks.bare_server", database.runtime_url], {})


def catalog_process(database, public_pem: str, *, workers: int) -> _Process:
    env = {"CATALOG_DATABASE_URL": database.runtime_url, "CATALOG_MIGRATE_ON_START": "false",
           "CATALOG_LISTEN_ADDRESS": "127.0.0.1:0", "CATALOG_METRICS_ADDRESS": "127.0.0.1:0",
           "CATALOG_JWT_PUBLIC_KEY": public_pem,
           "CATALOG_JWT_ISSUER": ISSUER, "CATALOG_JWT_AUDIENCE": AUDIENCE, "CATALOG_LOG_LEVEL": "WARNING",
           "CATALOG_OUTBOX_RELAY_ENABLED": "false", "CATALOG_WORKERS": str(workers)}
    return _Process([sys.executable, "-m", "services.catalog"], env)
