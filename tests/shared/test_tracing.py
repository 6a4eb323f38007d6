"""The trace context rules of shared/tracing.py, on plain values (the processes are in tests/integration)."""

from __future__ import annotations

from shared.tracing import ServerSpan, current_traceparent, delivery_span

CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT = f"00-{CLIENT_TRACE}-00f067aa0ba902b7-01"
OTHER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"


def _parts(traceparent: str | None) -> list[str]:
    assert traceparent is not None
    return traceparent.split("-")


def test_a_server_span_continues_the_clients_trace_with_a_span_of_its_own():
    span = ServerSpan("/learning.catalog.v1.CatalogService/PublishCourse", CLIENT, {})
    try:
        version, trace_id, span_id, flags = _parts(current_traceparent())
    finally:
        span.end("OK")
    assert (version, trace_id, flags) == ("00", CLIENT_TRACE, "01") and span_id != "00f067aa0ba902b7"
    assert current_traceparent() is None  # ended: nothing current any more


def test_a_call_without_or_with_a_malformed_traceparent_starts_a_trace():
    seen = set()
    for sent in (None, "not a traceparent", f"00-{'0' * 32}-00f067aa0ba902b7-01"):
        span = ServerSpan("/x/Y", sent, {})
        try:
            trace_id = _parts(current_traceparent())[1]
        finally:
            span.end("INTERNAL")
        assert trace_id != "0" * 32 and trace_id not in seen
        seen.add(trace_id)


def test_a_delivery_continues_the_first_rows_trace_and_rows_without_one_start_their_own():
    with delivery_span("audit", [None, CLIENT, OTHER, CLIENT]):
        assert _parts(current_traceparent())[1] == CLIENT_TRACE
    with delivery_span("audit", [None]):
        assert _parts(current_traceparent())[1] != CLIENT_TRACE
    with delivery_span("audit", [OTHER]):
        assert _parts(current_traceparent())[3] == "00"  # the row's sampling decision travels on unchanged
