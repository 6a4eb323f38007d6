"""`python -m services.catalog` runs as its own process, configured only by CATALOG_* variables."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from learning.catalog.v1 import catalog_service_pb2 as svc
from learning.catalog.v1 import catalog_service_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]


def test_catalog_runs_as_its_own_process_and_stops_cleanly_on_sigterm(catalog_db, tokens, tenant):
    env = {key: value for key, value in os.environ.items() if not key.startswith("CATALOG_")}
    env.update({
        "CATALOG_DATABASE_URL": catalog_db.runtime_url,
        "CATALOG_LISTEN_ADDRESS": "127.0.0.1:0",
        "CATALOG_METRICS_ADDRESS": "127.0.0.1:0",
        **tokens.env("catalog", "CATALOG_"),  # keys: the private one signs the relay's calls to audit
        "CATALOG_AUDIT_ADDRESS": "127.0.0.1:1",  # no audit here: events stay queued
        "CATALOG_SHUTDOWN_GRACE_SECONDS": "2",
    })
    process = subprocess.Popen([sys.executable, "-m", "services.catalog"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stderr: list[str] = []
    threading.Thread(target=lambda: stderr.extend(process.stderr), daemon=True).start()
    try:
        serving = None
        timer = threading.Timer(60, process.kill)
        timer.start()
        for line in process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "serving":
                serving = event
                break
        timer.cancel()
        assert serving is not None, "".join(stderr)
        assert serving["service"] == "catalog"
        address = serving["address"]
        assert address.startswith("127.0.0.1:") and not address.endswith(":0")

        with grpc.insecure_channel(address) as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="learning.catalog.v1.CatalogService"), timeout=10)
            assert health.status == health_pb2.HealthCheckResponse.SERVING
            stub = catalog_service_pb2_grpc.CatalogServiceStub(channel)
            created = stub.CreateCourse(svc.CreateCourseRequest(tenant_id=tenant, title="from a process"),
                                        metadata=tokens.metadata(tenant, ["author"]), timeout=10)
            assert created.course.title == "from a process"

        process.send_signal(signal.SIGTERM)
        remaining_stdout = process.stdout.read()
        assert process.wait(timeout=30) == 0, "".join(stderr)
        assert any(json.loads(line).get("event") == "stopped"
                   for line in remaining_stdout.splitlines() if line.startswith("{"))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
