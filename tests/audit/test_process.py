"""`python -m services.audit` as a real process: serves, reports health, stops gracefully on SIGTERM."""

from __future__ import annotations

import grpc

from learning.audit.v1 import audit_service_pb2 as pb
from learning.audit.v1 import audit_service_pb2_grpc as pb_grpc
from tests.audit.conftest import make_event
from tests.support.processes import ServiceProcess, service_env


def test_audit_process_serves_and_stops_gracefully(audit_db, tokens, tenant):
    with ServiceProcess.service("audit", service_env("audit", audit_db, tokens)) as process:
        process.start()
        assert process.healthy() and process.healthy("learning.audit.v1.AuditService")
        service_md = (("authorization", f"Bearer {tokens.token('*', ['service'], subject='catalog')}"),)
        with grpc.insecure_channel(process.address) as channel:
            response = pb_grpc.AuditServiceStub(channel).RecordEvents(
                pb.RecordEventsRequest(events=[make_event(tenant)]), metadata=service_md)
        assert response.recorded_count == 1
        assert process.stop() == 0
        assert process.wait_for(lambda e: e.get("event") == "stopped", 10)
        # A SIGTERM right after the "serving" line is a graceful stop too, not a kill.
        process.start()
        assert process.stop() == 0
