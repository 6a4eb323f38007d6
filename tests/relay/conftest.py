"""Fixtures of the relay tests: the emitter's outbox database, relays on their own event-loop threads,
and polling helpers. The audit server (in-process) is the shared audit_server / audit_stub fixture."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from shared.db import Database, libpq_url
from shared.outbox_relay import OutboxRelay, outbox_relay
from shared.routes import AUDIT
from tests.relay.emitter import EmitterSettings, outbox, publish

MIGRATIONS = Path(__file__).parent / "migrations"


@pytest.fixture(scope="session")
def emitter_db(provision_service):
    return provision_service("relay_emitter", MIGRATIONS)


@pytest.fixture
def clean_outbox(emitter_db):
    """Each test starts with an empty outbox: a relay delivers every pending row, whoever wrote it."""
    with psycopg.connect(libpq_url(emitter_db.owner_url), autocommit=True) as conn:
        conn.execute("DELETE FROM outbox")
    return emitter_db


def relay_settings(emitter_db, tokens, audit_address: str, **overrides) -> EmitterSettings:
    options = dict(database_url=emitter_db.runtime_url, audit_address=audit_address, outbox_batch_size=25,
                   outbox_poll_seconds=0.1, outbox_max_backoff_seconds=1.0, outbox_backlog_log_seconds=0.5,
                   outbox_delivery_timeout_seconds=5.0, **tokens.settings_env("emitter"))
    options.update(overrides)
    return EmitterSettings(**options)


class RelayThread:
    """An OutboxRelay running on its own event loop thread, as it runs inside a service process."""

    def __init__(self, settings: EmitterSettings,
                 make: Callable[[EmitterSettings, Database], OutboxRelay] | None = None) -> None:
        self.settings = settings
        self._make = make or (lambda s, db: outbox_relay(s, db, outbox, [AUDIT]))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._main(),), daemon=True)
        self._ready = threading.Event()
        self.relay: OutboxRelay | None = None
        self.error: BaseException | None = None

    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        database = Database(self.settings.runtime_database_url(), pool_size=2)
        self.relay = self._make(self.settings, database)
        self._ready.set()
        try:
            await self.relay(self._stopping)
        except BaseException as error:  # noqa: BLE001 - surfaced by stop()
            self.error = error
        finally:
            await database.close()

    def backlog(self):
        return asyncio.run_coroutine_threadsafe(self.relay.backlog(), self._loop).result(timeout=30)

    def __enter__(self) -> RelayThread:
        self._thread.start()
        self._ready.wait(30)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the relay did not stop when asked"
        assert self.error is None, self.error


def enqueue(emitter_db, tenant: str, count: int) -> list[str]:
    """Commit `count` audit events into the emitter's outbox (one transaction each)."""
    async def run() -> list[str]:
        database = Database(emitter_db.runtime_url, pool_size=1)
        try:
            return await publish(database, tenant, count)
        finally:
            await database.close()

    return asyncio.run(run())


def outbox_state(emitter_db) -> tuple[int, int, int]:
    """(rows, pending rows, rows that failed at least once)."""
    with psycopg.connect(libpq_url(emitter_db.owner_url)) as conn:
        return conn.execute("SELECT count(*), count(*) FILTER (WHERE delivered_at IS NULL), "
                            "count(*) FILTER (WHERE attempts > 0) FROM outbox").fetchone()


def audit_counts(audit_db, tenant: str) -> tuple[int, int]:
    """(rows in the log, distinct event ids) of a tenant."""
    with psycopg.connect(libpq_url(audit_db.owner_url)) as conn:
        return conn.execute("SELECT count(*), count(DISTINCT event_id) FROM learning_audit_log WHERE tenant_id = %s",
                            (tenant,)).fetchone()


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{message} not reached in {timeout} s")
        time.sleep(0.1)
