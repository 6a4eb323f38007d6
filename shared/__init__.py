"""Infrastructure shared by every learning service (never domain code).

Each module does one thing; a service's `main` wires them together:
settings, logging, db (and sql), migrations, provision, auth, errors, validation,
request_path, server, workers, pagination, idempotency, outbox, outbox_relay, routes,
clients, timeutil.
"""
