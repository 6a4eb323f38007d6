"""One-line JSON logs carrying the request id and trace ids of the RPC being served, and never a credential.

`request_id` is the RPC's (shared/request_path.py); `trace_id` and `span_id` are the current span's
(shared/tracing.py): the RPC's server span, or the outbox relay's delivery span, so a log search for a
trace id finds every line that any service wrote for it.

Every line goes through `redact`: bearer tokens and anything shaped like a JWT are replaced, in the
message, the exception text and the fields. That covers lines we do not write ourselves: gRPC's
Cython layer logs a header it cannot decode whole (`Invalid encoding on b'Bearer eyJ…\xe9…'`), and
libraries may put a connection string or a header into an exception.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys

from opentelemetry import trace

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


# "Bearer <anything up to whitespace>", a JWT (three base64url parts, the first a JSON object "eyJ"),
# and the password of a URL (scheme://user:password@host).
_BEARER = re.compile(r"(?i)\bbearer\s+\S+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]+):[^@\s]+@")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` without credentials (see the module docstring)."""
    text = _BEARER.sub("Bearer " + REDACTED, text)
    text = _JWT.sub(REDACTED, text)
    return _URL_PASSWORD.sub(r"\1:" + REDACTED + "@", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "pid": record.process,  # tells apart the worker processes of one service (shared/workers.py)
        }
        if request_id := request_id_var.get():
            entry["request_id"] = request_id
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            entry["trace_id"] = format(span_context.trace_id, "032x")
            entry["span_id"] = format(span_context.span_id, "016x")
        entry.update({key: redact(value) if isinstance(value, str) else value
                      for key, value in getattr(record, "fields", {}).items()})
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def log_fields(logger: logging.Logger, level: int, message: str, **fields: object) -> None:
    logger.log(level, message, extra={"fields": fields})
