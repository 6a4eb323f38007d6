"""The outbox relay against a real audit server and a real outbox (in-process relay threads)."""

from __future__ import annotations

import logging
import threading
import uuid

import psycopg

from learning.audit.v1 import audit_service_pb2 as pb
from services.audit.main import Settings, build
from shared.db import libpq_url
from shared.outbox_relay import OutboxRelay, RouteDelivery, backoff_seconds
from shared.routes import AUDIT
from tests.relay.conftest import (
    RelayThread,
    audit_counts,
    enqueue,
    outbox,
    outbox_state,
    relay_settings,
    wait_until,
)
from tests.support.processes import free_port
from tests.support.servers import ServerThread


def verify(audit_stub, auditor_md, tenant):
    return audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=auditor_md)


def test_events_enqueued_while_audit_is_down_arrive_once_it_is_up(clean_outbox, audit_db, audit_stub, auditor_md,
                                                                  tokens, tenant, caplog):
    caplog.set_level(logging.INFO, logger="learning.outbox")
    port = free_port()
    settings = relay_settings(clean_outbox, tokens, f"127.0.0.1:{port}")
    with RelayThread(settings) as relay:
        enqueue(clean_outbox, tenant, 200)
        # Nothing listens: deliveries fail, rows record attempts and errors and are retried later.
        wait_until(lambda: outbox_state(clean_outbox)[2] >= 25, 30, "failed attempts recorded")
        backlog = relay.backlog()["audit"]
        assert backlog.pending == 200 and backlog.oldest_age_seconds >= 0
        # The backlog is visible in the logs too (one JSON line per destination, periodically).
        wait_until(lambda: any(r.getMessage() == "outbox backlog" and r.fields["pending"] == 200
                               for r in caplog.records), 10, "backlog logged")
        assert audit_counts(audit_db, tenant) == (0, 0)
        with psycopg.connect(libpq_url(clean_outbox.owner_url)) as conn:
            errors = {row[0].split(":")[0] for row in conn.execute(
                "SELECT last_error FROM outbox WHERE last_error IS NOT NULL")}
        assert errors == {"UNAVAILABLE"}

        audit_settings = Settings(database_url=audit_db.runtime_url, listen_address=f"127.0.0.1:{port}",
                                  migrate_on_start=False, **tokens.settings_env("audit"))
        with ServerThread(lambda: build(audit_settings)):
            wait_until(lambda: outbox_state(clean_outbox)[1] == 0, 60, "backlog drained")
        assert relay.backlog()["audit"].pending == 0
    assert audit_counts(audit_db, tenant) == (200, 200)
    verdict = verify(audit_stub, auditor_md, tenant)
    assert verdict.valid and verdict.events_checked == 200


class CountingRoute(RouteDelivery):
    """The real audit route's delivery, counting every event it hands to RecordEvents."""

    delivered: list[str]
    lock = threading.Lock()

    async def __call__(self, messages):
        await super().__call__(messages)
        with self.lock:
            self.delivered.extend(m.event_id for m in messages)


def test_two_relays_over_one_outbox_deliver_each_event_exactly_once(clean_outbox, audit_db, audit_server, audit_stub,
                                                                    auditor_md, tokens, tenant):
    delivered: list[str] = []

    def make(settings, database):
        route = CountingRoute(AUDIT, settings)
        route.delivered = delivered
        return OutboxRelay.from_settings(settings, database, outbox, {"audit": route})

    settings = relay_settings(clean_outbox, tokens, audit_server.address, outbox_batch_size=10)
    with RelayThread(settings, make), RelayThread(settings, make):
        writers = [threading.Thread(target=enqueue, args=(clean_outbox, tenant, 100)) for _ in range(3)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        wait_until(lambda: outbox_state(clean_outbox)[1] == 0, 60, "backlog drained")
    assert len(delivered) == 300 and len(set(delivered)) == 300  # no row was handed over twice
    assert audit_counts(audit_db, tenant) == (300, 300)
    assert verify(audit_stub, auditor_md, tenant).valid


def test_a_late_committing_row_is_not_skipped(clean_outbox, audit_db, audit_server, tokens, tenant):
    """A row with a smaller position that commits after a larger one is still delivered."""
    from tests.audit.conftest import make_event

    early = make_event(tenant, source_service="emitter")  # what the emitter relay may write
    late_conn = psycopg.connect(libpq_url(clean_outbox.runtime_url))
    late_conn.execute(  # takes a position now, commits later
        "INSERT INTO outbox (tenant_id, event_id, destination, message_type, message) VALUES (%s, %s, %s, %s, %s)",
        (tenant, early.event_id, AUDIT.destination, early.DESCRIPTOR.full_name, early.SerializeToString()),
    )
    settings = relay_settings(clean_outbox, tokens, audit_server.address)
    with RelayThread(settings):
        enqueue(clean_outbox, tenant, 3)
        wait_until(lambda: audit_counts(audit_db, tenant)[0] == 3, 30, "later rows delivered")
        late_conn.commit()
        late_conn.close()
        wait_until(lambda: outbox_state(clean_outbox)[1] == 0, 30, "late row delivered")
    assert audit_counts(audit_db, tenant) == (4, 4)


def test_a_rejected_event_does_not_hold_back_the_others(clean_outbox, audit_db, audit_server, tokens, tenant):
    from tests.audit.conftest import make_event

    enqueue(clean_outbox, tenant, 4)
    bad = make_event(tenant, action="Not A Valid Action", source_service="emitter")
    with psycopg.connect(libpq_url(clean_outbox.runtime_url)) as conn:
        conn.execute("INSERT INTO outbox (tenant_id, event_id, destination, message_type, message) "
                     "VALUES (%s, %s, %s, %s, %s)",
                     (tenant, bad.event_id, AUDIT.destination, bad.DESCRIPTOR.full_name, bad.SerializeToString()))
    enqueue(clean_outbox, tenant, 4)
    with RelayThread(relay_settings(clean_outbox, tokens, audit_server.address)):
        wait_until(lambda: audit_counts(audit_db, tenant)[0] == 8, 30, "valid events delivered")
        wait_until(lambda: outbox_state(clean_outbox)[2] >= 1, 30, "bad event marked failed")
    with psycopg.connect(libpq_url(clean_outbox.owner_url)) as conn:
        pending = conn.execute("SELECT event_id, attempts, last_error FROM outbox WHERE delivered_at IS NULL").fetchall()
    assert [row[0] for row in pending] == [bad.event_id]
    assert pending[0][1] >= 1 and pending[0][2].startswith("INVALID_ARGUMENT")


def test_backoff_grows_exponentially_up_to_the_cap():
    for attempts in range(1, 20):
        delay = backoff_seconds(attempts, cap=30.0)
        ceiling = min(30.0, 0.5 * 2 ** (attempts - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_seconds(100, cap=5.0) <= 5.0


def test_relay_stops_promptly_when_asked(clean_outbox, tokens):
    # Target unreachable, backoff long: stopping must still end the worker (RelayThread asserts it).
    settings = relay_settings(clean_outbox, tokens, f"127.0.0.1:{free_port()}", outbox_max_backoff_seconds=60.0)
    with RelayThread(settings):
        enqueue(clean_outbox, f"t-{uuid.uuid4().hex[:8]}", 3)
        wait_until(lambda: outbox_state(clean_outbox)[2] == 3, 30, "failures recorded")
