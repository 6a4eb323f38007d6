"""`<PREFIX>_WORKERS=N`: N processes of one service serving one port (shared/workers.py), real processes."""

from __future__ import annotations

import json
import os
import signal
import time

import grpc
import pytest

from learning.catalog.v1 import catalog_service_pb2 as svc
from learning.catalog.v1 import catalog_service_pb2_grpc
from tests.support.metrics import scrape
from tests.support.processes import ServiceProcess, service_env

CHANNELS = 16  # the kernel spreads connections, not calls: 16 connections all on one of 2 workers is 1 in 32,768


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


@pytest.fixture
def two_workers(catalog_db, tokens):
    env = service_env("catalog", catalog_db, tokens, WORKERS="2", LOG_LEVEL="INFO", OUTBOX_RELAY_ENABLED="true",
                      AUDIT_ADDRESS="127.0.0.1:1")
    with ServiceProcess.service("catalog", env) as catalog:
        catalog.start()
        yield catalog


def test_two_workers_serve_one_port_and_stop_together_on_sigterm(two_workers, tokens, tenant):
    serving = two_workers.wait_for(lambda e: e.get("event") == "serving")
    assert serving["workers"] == 2
    workers = _children(two_workers.process.pid)
    assert len(workers) == 2
    md = tokens.metadata(tenant, ["author"])
    for index in range(CHANNELS):
        # A channel of its own subchannel pool is a connection of its own.
        with grpc.insecure_channel(two_workers.address, options=[("grpc.use_local_subchannel_pool", 1)]) as channel:
            stub = catalog_service_pb2_grpc.CatalogServiceStub(channel)
            stub.CreateCourse(svc.CreateCourseRequest(tenant_id=tenant, title=f"Course {index}"), metadata=md, timeout=10)
    assert two_workers.healthy()
    # One /metrics for the service, served by the supervisor, adding up what every worker recorded.
    figures = scrape(serving["metrics"])
    assert figures.value("grpc_server_handled_total", grpc_method="CreateCourse", grpc_code="OK") == CHANNELS
    assert figures.value("learning_service_info", service="catalog") == 1
    assert two_workers.stop() == 0
    served_by = {json.loads(line)["pid"] for line in two_workers.stderr_tail(10_000).splitlines()
                 if line.startswith("{") and json.loads(line).get("message") == "rpc"
                 and "CreateCourse" in json.loads(line).get("method", "")}
    assert served_by == set(workers)  # both workers answered calls on the one port
    for pid in workers:
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read()
    assert any(e.get("event") == "stopped" for e in two_workers.events)


def test_a_worker_that_dies_takes_the_service_down_visibly(two_workers):
    first, _ = _children(two_workers.process.pid)
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while two_workers.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert two_workers.process.returncode == 1  # the process manager restarts the service
