"""One RPC's unit of work: its transaction, plus the service's idempotency keys and outbox.

Servicers never see Table objects or SQL. Each service builds one `UnitsOfWork` in `main.py` from
its database and its `tables.py`, and every RPC does its work in exactly one unit:

    async with self.work(context) as uow:                    # one transaction, bounded by the deadline
        once = await uow.run_once(tenant_id=..., request_id=..., request=request,
                                  response_type=CreateCourseResponse, compute=create)
        await uow.audit(tenant_id=..., actor_id=..., action="course.published", ...)
        row = await store.get_course(uow.session, tenant_id, course_id)

Everything in the unit commits together or not at all: the change, its stored idempotent response
and its outbox messages. An RPC that only reads, with one statement, skips the transaction block:

    async with self.work.read(context) as uow:
        row = await store.get_course(uow.session, tenant_id, course_id)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from google.protobuf.message import Message
from sqlalchemy import Table

from shared.db import Database, Session
from shared.idempotency import Once, run_once
from shared.outbox import Route, enqueue
from shared.routes import enqueue_audit_event

R = TypeVar("R", bound=Message)


@dataclass
class UnitOfWork:
    session: Session
    service: str
    outbox: Table | None
    idempotency_keys: Table | None

    async def run_once(self, *, tenant_id: str, request_id: str, request: Message, response_type: type[R],
                       compute: Callable[[], Awaitable[R]],
                       conflict_metadata: Callable[[R | None], dict[str, str]] | None = None) -> Once[R]:
        """`compute` once per request_id (shared/idempotency.py); `.replayed` marks a stored answer."""
        assert self.idempotency_keys is not None, f"{self.service} has no idempotency_keys table"
        return await run_once(self.session, self.idempotency_keys, tenant_id=tenant_id, request_id=request_id,
                              request=request, response_type=response_type, compute=compute,
                              conflict_metadata=conflict_metadata)

    async def enqueue(self, route: Route, *, tenant_id: str, message: Message, event_id: str | None = None) -> str:
        """Queue `message` for `route` (delivered after commit by the relay)."""
        assert self.outbox is not None, f"{self.service} has no outbox table"
        return await enqueue(self.session, self.outbox, route, tenant_id=tenant_id, message=message,
                             event_id=event_id)

    async def audit(self, *, tenant_id: str, actor_id: str, action: str, subject_type: str, subject_id: str,
                    payload: dict | None = None, event_id: str | None = None,
                    occur_time: datetime | None = None) -> str:
        """Queue a critical event for the audit log, with this service as its source."""
        assert self.outbox is not None, f"{self.service} has no outbox table"
        return await enqueue_audit_event(self.session, self.outbox, tenant_id=tenant_id, actor_id=actor_id,
                                         action=action, subject_type=subject_type, subject_id=subject_id,
                                         source_service=self.service, payload=payload, event_id=event_id,
                                         occur_time=occur_time)


class UnitsOfWork:
    """The factory a servicer holds: `async with units(context) as uow`."""

    def __init__(self, database: Database, *, service: str, outbox: Table | None = None,
                 idempotency_keys: Table | None = None) -> None:
        self.database = database
        self.service = service
        self.outbox = outbox
        self.idempotency_keys = idempotency_keys

    @asynccontextmanager
    async def __call__(self, context=None) -> AsyncIterator[UnitOfWork]:
        """One transaction (shared.db.Database.transaction)."""
        async with self.database.transaction(context) as session:
            yield UnitOfWork(session, self.service, self.outbox, self.idempotency_keys)

    @asynccontextmanager
    async def read(self, context=None) -> AsyncIterator[UnitOfWork]:
        """For ONE statement, a read or an atomic write (evidence appends this way): no BEGIN/COMMIT
        (shared.db.Database.autocommit).
        Reads of several statements that must agree with each other use a transaction."""
        async with self.database.autocommit(context) as session:
            yield UnitOfWork(session, self.service, self.outbox, self.idempotency_keys)
