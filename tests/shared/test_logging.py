"""shared.logging: JSON lines that never carry a credential."""

from __future__ import annotations

import json
import logging
import sys

from shared.logging import JsonFormatter, redact

JWT = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXNlY3JldA"


def test_redact_bearer_tokens_jwts_and_url_passwords():
    assert redact(f"authorization=BEARER {JWT}x") == "authorization=Bearer [redacted]"
    assert redact(f"token {JWT} seen") == "token [redacted] seen"
    assert redact("postgresql://learning_catalog:s3cr%40t@db:5432/x") == \
        "postgresql://learning_catalog:[redacted]@db:5432/x"
    assert redact("nothing secret: course.published") == "nothing secret: course.published"


def test_the_formatter_redacts_message_fields_and_exception():
    try:
        raise ValueError(f"bad header b'Bearer {JWT}\\xe9'")
    except ValueError:
        record = logging.LogRecord("grpc._cython.cygrpc", logging.ERROR, __file__, 1, "Invalid encoding on %r",
                                   (f"Bearer {JWT}".encode(),), exc_info=sys.exc_info())
    record.fields = {"header": f"Bearer {JWT}", "count": 3}
    line = JsonFormatter().format(record)
    assert "c2lnbmF0dXJlLXNlY3JldA" not in line and json.loads(line)["count"] == 3
    assert json.loads(line)["header"] == "Bearer [redacted]"
