"""A stand-in for an event-emitting service, run as a REAL process by the relay tests.

    python -m tests.relay.emitter        (environment: EMITTER_* as in EmitterSettings)

It behaves like a service that publishes courses: each `publish <tenant> <n>` line on stdin
commits n `course.published` audit events, one transaction each, through shared.outbox (exactly
what a service's API does), and answers {"event": "published", "tenant": ..., "count": n}.
Meanwhile the same process runs the real outbox relay (shared.outbox_relay.outbox_relay) unless
EMITTER_RELAY=false, so it can be SIGKILLed between commit and delivery and restarted. It prints
{"event": "serving", "address": ""} once ready, and stops cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import uuid

from pydantic_settings import SettingsConfigDict
from sqlalchemy import MetaData

from shared.db import Database
from shared.logging import configure_logging
from shared.outbox import outbox_table
from shared.outbox_relay import outbox_relay
from shared.routes import AUDIT, enqueue_audit_event
from shared.settings import ServiceSettings

metadata = MetaData()
outbox = outbox_table(metadata)


class EmitterSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EMITTER_", extra="ignore", frozen=True)

    #: Run the outbox relay in this process.
    relay: bool = True


async def publish(database: Database, tenant_id: str, count: int) -> list[str]:
    """Commit `count` events, each in its own transaction, as `count` course publications would."""
    event_ids = []
    for _ in range(count):
        async with database.transaction() as session:
            event_ids.append(await enqueue_audit_event(
                session, outbox, tenant_id=tenant_id, actor_id="author-1", action="course.published",
                subject_type="course", subject_id=str(uuid.uuid4()), source_service="emitter",
                payload={"version": 1},
            ))
    return event_ids


def say(**event: object) -> None:
    print(json.dumps(event), flush=True)


async def serve(settings: EmitterSettings) -> None:
    database = Database(settings.runtime_database_url())
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    relay = asyncio.create_task(outbox_relay(settings, database, outbox, [AUDIT])(stopping)) if settings.relay else None
    commands: asyncio.Queue[str] = asyncio.Queue()
    loop.add_reader(sys.stdin.fileno(), lambda: commands.put_nowait(sys.stdin.readline()))
    say(event="serving", service="emitter", address="")
    while not stopping.is_set():
        getter = asyncio.create_task(commands.get())
        waiter = asyncio.create_task(stopping.wait())
        done, _ = await asyncio.wait({getter, waiter}, return_when=asyncio.FIRST_COMPLETED)
        for task in (getter, waiter):
            if task not in done:
                task.cancel()
        if getter in done:
            words = getter.result().split()
            if not words:  # EOF on stdin: keep running until signalled
                loop.remove_reader(sys.stdin.fileno())
            elif words[0] == "publish":
                ids = await publish(database, words[1], int(words[2]))
                say(event="published", tenant=words[1], count=len(ids))
    if relay is not None:
        await relay
    await database.close()
    say(event="stopped", service="emitter")


def main() -> None:
    settings = EmitterSettings()
    configure_logging(settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
