"""Traces: W3C TraceContext from clients, a server span per RPC, and the context carried through the outbox.

OpenTelemetry's API and SDK, without its gRPC instrumentation: that one works through grpc interceptors,
which the request path left on purpose (shared/request_path.py, docs/performance.md). Instead:

- the request path reads the client's `traceparent` metadata (the W3C TraceContext propagator) and runs
  the handler inside a SERVER span named after the method (`ServerSpan`);
- `enqueue` (shared/outbox.py) stores the current `traceparent` with each outbox row, and the relay
  delivers the row inside a CLIENT span continuing that trace (`delivery_span`), so the target's server
  span, and its log lines, belong to the trace of the request that caused the message;
- outbound calls between services carry the current `traceparent` (shared/clients.py);
- every JSON log line carries the current trace and span ids (shared/logging.py).

Spans are exported only when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set,
over OTLP/gRPC in batches, by the SDK, which reads the usual OTEL_* variables itself (OTEL_TRACES_SAMPLER,
OTEL_SERVICE_NAME, OTEL_BSP_*, ...). Without an endpoint nothing is recorded, but trace ids are still made
and passed on: each span is the API's NonRecordingSpan with ids of its own (a child keeps its parent's
trace id and sampled flag). Why two ways: an SDK span that is recorded costs ~25-35 µs of CPU here
(attributes, the SDK's own span metrics, the processor chain) against ~3 µs for a NonRecordingSpan, and
a small read costs ~450 µs in all (docs/performance.md); paying 7 % of every call for spans that
nobody receives is not worth it. With an exporter, sample to keep that cost where it matters
(OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import grpc
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import Link, NonRecordingSpan, Span, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger("learning.tracing")

PROPAGATOR = TraceContextTextMapPropagator()
EXPORTER_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
#: Status codes that are the server's fault (OpenTelemetry's gRPC conventions); the others are the caller's.
SERVER_ERRORS = frozenset({"UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"})
_CODE_VALUES = {code.name: code.value[0] for code in grpc.StatusCode}

_provider: TracerProvider | None = None
_exporting = False
_ids = RandomIdGenerator()
_ROOT_FLAGS = TraceFlags(TraceFlags.SAMPLED)  # what the SDK's default sampler (parentbased_always_on) decides


def configure(service: str) -> TracerProvider:
    """The process's tracer provider (made once; later calls return it): named `service`, exporting over
    OTLP only when an endpoint is configured."""
    global _provider, _exporting
    if _provider is None:
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        if any(os.environ.get(name) for name in EXPORTER_VARIABLES):
            _exporting = True
            # Imported only here: without an endpoint the exporter and its channel are never loaded.
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.trace.export import BatchSpanProcessor

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            log.info("exporting traces over OTLP")
        trace.set_tracer_provider(provider)
        _provider = provider
    return _provider


def tracer() -> trace.Tracer:
    """The SDK tracer (configured as "learning" when no service configured tracing first, e.g. in tests)."""
    return configure("learning").get_tracer("learning")


def start_span(name: str, parent: otel_context.Context | None, kind: SpanKind, attributes: dict | None = None,
               links: list[Link] | None = None) -> Span:
    """A span under `parent` (None: a new trace): recorded by the SDK when exporting, else ids only."""
    if _provider is None:  # in-process servers (tests) that did not go through shared/entrypoint.py
        configure("learning")
    if _exporting:
        return tracer().start_span(name, context=parent, kind=kind, attributes=attributes, links=links)
    parent_span = trace.get_current_span(parent).get_span_context() if parent is not None else None
    if parent_span is not None and parent_span.is_valid:
        trace_id, flags = parent_span.trace_id, parent_span.trace_flags
    else:
        trace_id, flags = _ids.generate_trace_id(), _ROOT_FLAGS
    return NonRecordingSpan(SpanContext(trace_id, _ids.generate_span_id(), is_remote=False, trace_flags=flags))


def shutdown() -> None:
    """Export what is still buffered (at process exit)."""
    if _provider is not None:
        _provider.shutdown()


def parent_context(traceparent: str | None) -> otel_context.Context | None:
    """The remote parent a `traceparent` value names; None when absent (the span then starts a trace)."""
    return PROPAGATOR.extract({"traceparent": traceparent}) if traceparent else None


def current_traceparent() -> str | None:
    """The `traceparent` of the current span, or None outside any span."""
    carrier: dict[str, str] = {}
    PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")


class ServerSpan:
    """The span of one RPC, made current until `end()` (see RequestPath._serve)."""

    __slots__ = ("_span", "_token")

    def __init__(self, method: str, traceparent: str | None, attributes: dict) -> None:
        parent = parent_context(traceparent)
        self._span = start_span(method, parent, SpanKind.SERVER, attributes)
        self._token = otel_context.attach(trace.set_span_in_context(self._span, parent))

    def end(self, code_name: str) -> None:
        span = self._span
        if span.is_recording():
            span.set_attribute("rpc.grpc.status_code", _CODE_VALUES.get(code_name, 2))  # 2: UNKNOWN
            if code_name in SERVER_ERRORS:
                span.set_status(Status(StatusCode.ERROR, code_name))
        span.end()
        otel_context.detach(self._token)


@contextmanager
def delivery_span(destination: str, traceparents: Iterable[str | None]) -> Iterator[None]:
    """A CLIENT span around one outbox delivery call. It continues the trace of the first row that has one and
    links the other traces of a batch (rows written by other requests; OpenTelemetry's convention for batches),
    so the delivery names every trace it carries. Rows written outside any trace (background work, rows older
    than the traceparent column) are delivered in a trace of their own."""
    contexts = []
    for value in dict.fromkeys(t for t in traceparents if t):  # distinct, in order
        span_context = trace.get_current_span(parent_context(value)).get_span_context()
        if span_context.is_valid:
            contexts.append(span_context)
    parent = trace.set_span_in_context(NonRecordingSpan(contexts[0])) if contexts else None
    span = start_span(f"outbox {destination}", parent, SpanKind.CLIENT, {"messaging.destination.name": destination},
                      [Link(c) for c in contexts[1:]])
    with trace.use_span(span, end_on_exit=True):
        yield
