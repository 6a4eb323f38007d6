"""A tiny OTLP/gRPC trace collector for tests: the service processes export their spans to it, as they would to
an OpenTelemetry Collector, and the test reads them back.

    with Collector() as collector:
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, **collector.env}
        ...
        spans = collector.spans(trace_id)
"""

from __future__ import annotations

import threading
import time
from concurrent import futures
from dataclasses import dataclass

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


@dataclass(frozen=True)
class ExportedSpan:
    service: str
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    links: tuple[tuple[str, str], ...]  # (trace id, span id)


class Collector(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self) -> None:
        self._spans: list[ExportedSpan] = []
        self._lock = threading.Lock()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(self, self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        self.endpoint = f"http://127.0.0.1:{port}"
        #: Environment of a process exporting here: plaintext, and batches sent within 0.1 s (default 5 s).
        self.env = {"OTEL_EXPORTER_OTLP_ENDPOINT": self.endpoint, "OTEL_EXPORTER_OTLP_INSECURE": "true",
                    "OTEL_BSP_SCHEDULE_DELAY": "100"}

    def Export(self, request, context):  # noqa: N802 - the RPC's name
        received = []
        for resource_spans in request.resource_spans:
            service = next((a.value.string_value for a in resource_spans.resource.attributes
                            if a.key == "service.name"), "")
            for scope in resource_spans.scope_spans:
                received += [ExportedSpan(service, s.name, s.trace_id.hex(), s.span_id.hex(), s.parent_span_id.hex(),
                                          tuple((link.trace_id.hex(), link.span_id.hex()) for link in s.links))
                             for s in scope.spans]
        with self._lock:
            self._spans += received
        return trace_service_pb2.ExportTraceServiceResponse()

    def spans(self) -> list[ExportedSpan]:
        with self._lock:
            return list(self._spans)

    def wait_for(self, predicate, limit_seconds: float = 60.0) -> list[ExportedSpan]:
        """The spans received so far, once `predicate(spans)` holds (bounded)."""
        give_up = time.monotonic() + limit_seconds
        while not predicate(spans := self.spans()):
            if time.monotonic() > give_up:
                raise AssertionError(f"the exported spans never matched: {spans}")
            time.sleep(0.1)
        return spans

    def __enter__(self) -> Collector:
        self._server.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.stop(grace=None)
