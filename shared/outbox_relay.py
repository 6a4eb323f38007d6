"""The outbox relay: delivers a service's committed outbox rows to their target RPCs.

Runs inside each service process as a ServiceHost worker (`await relay(stopping)`); any number of
replicas may run side by side over the same outbox. Per destination ("route") it loops:

1. Claim, in one short transaction, up to `batch_size` pending rows, oldest position first:
       SELECT ... WHERE destination = :d AND delivered_at IS NULL AND available_at <= now()
       ORDER BY position LIMIT :n FOR UPDATE SKIP LOCKED
   and push their `available_at` forward by a lease (settings.outbox_lease_seconds). SKIP LOCKED
   means two relays never claim the same row at once, and the lease means a claimed batch is not
   claimed again while it is being delivered, even though no transaction stays open during the RPC.
   Rows are never selected by "position > last seen": a transaction that commits late with a
   smaller position would be skipped for ever. Pending rows are found by state, not by cursor.
2. Deliver the batch with the route's `deliver(messages)`: a RouteDelivery calls the target RPC of a
   shared/routes.py Route (e.g. AuditService.RecordEvents for the AUDIT route), one call per batch, or
   one call per row for routes that do not batch.
3. Success: mark the rows delivered (delivered_at = now()) in one short transaction.
   Failure: bump attempts, keep last_error, and set available_at = now() + backoff, where backoff
   grows exponentially with the row's attempts (base 0.5 s, doubling), capped by
   settings.outbox_max_backoff_seconds, with jitter (a random 50-100 % of it) so replicas and rows
   do not retry in lock-step. The route itself also pauses after a failure, so a target that is
   down is not hammered with every pending batch.
   A route may raise `PermanentDeliveryError` (the target refused the content, e.g. INVALID_ARGUMENT):
   the batch is then retried one row at a time, so a single bad row cannot hold back the others;
   the bad row keeps retrying at the capped backoff, visible in the backlog and in last_error.

Delivery is at-least-once (a crash after the RPC and before step 3 redelivers after the lease);
targets are idempotent on the event id, so the effect is exactly-once.

Tracing: each delivery call runs in a CLIENT span that continues the trace stored with its rows
(shared/tracing.delivery_span), and the call carries it as `traceparent` (shared/clients.py).

Backlog (the visible metric): `backlog()` returns, per destination, the number of pending rows and
the age of the oldest; the relay logs it every settings.outbox_backlog_log_seconds as
    {"message": "outbox backlog", "destination": "audit", "pending": 12, "oldest_age_seconds": 3.2, ...}
(at INFO while rows are pending, WARNING once the oldest is older than 5 minutes), keeps the
latest figures in `relay.last_backlog` and sets the gauges learning_outbox_pending and
learning_outbox_oldest_pending_age_seconds (shared/metrics.py); rows delivered and failed attempts are
counted as they happen. Ad hoc: SELECT count(*), min(created_at) FROM outbox WHERE delivered_at IS NULL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import grpc
from sqlalchemy import Interval, Table, bindparam, func, select, tuple_

from shared import metrics
from shared.db import Database
from shared.logging import log_fields
from shared.outbox import Route
from shared.settings import ServiceSettings
from shared.tracing import delivery_span

log = logging.getLogger("learning.outbox")

BASE_BACKOFF_SECONDS = 0.5
STALE_BACKLOG_SECONDS = 300.0


@dataclass(frozen=True)
class OutboxMessage:
    tenant_id: str
    event_id: str
    position: int
    message_type: str
    message: bytes
    attempts: int
    traceparent: str | None = None  # of the request that wrote the row (shared/tracing.py)


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_age_seconds: float


class PermanentDeliveryError(Exception):
    """The target rejected the content itself: retrying the same batch unchanged cannot succeed."""


Deliver = Callable[[Sequence[OutboxMessage]], Awaitable[None]]


def backoff_seconds(attempts: int, cap: float, base: float = BASE_BACKOFF_SECONDS) -> float:
    """Exponential in the number of failed attempts (1, 2, ...), capped, with 50-100 % jitter."""
    ceiling = min(cap, base * 2 ** min(max(attempts - 1, 0), 30))
    return ceiling * random.uniform(0.5, 1.0)


class OutboxRelay:
    """A ServiceHost worker delivering outbox rows per destination through pluggable routes."""

    def __init__(
        self,
        database: Database,
        table: Table,
        routes: Mapping[str, Deliver],
        *,
        batch_size: int = 100,
        poll_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
        lease_seconds: float = 60.0,
        backlog_log_seconds: float = 30.0,
        name: str = "outbox",
    ) -> None:
        self.database = database
        self.table = table
        self.routes = dict(routes)
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.lease_seconds = lease_seconds
        self.backlog_log_seconds = backlog_log_seconds
        self.name = name
        self.last_backlog: dict[str, Backlog] = {}

    @classmethod
    def from_settings(cls, settings: ServiceSettings, database: Database, table: Table,
                      routes: Mapping[str, Deliver], **overrides) -> OutboxRelay:
        options = dict(batch_size=settings.outbox_batch_size, poll_seconds=settings.outbox_poll_seconds,
                       max_backoff_seconds=settings.outbox_max_backoff_seconds,
                       lease_seconds=settings.outbox_lease_seconds,
                       backlog_log_seconds=settings.outbox_backlog_log_seconds)
        options.update(overrides)
        return cls(database, table, routes, **options)

    async def __call__(self, stopping: asyncio.Event) -> None:
        tasks = [asyncio.create_task(self._run_route(destination, stopping)) for destination in self.routes]
        tasks.append(asyncio.create_task(self._report_backlog(stopping)))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            for route in self.routes.values():
                close = getattr(route, "close", None)
                if close is not None:
                    with contextlib.suppress(Exception):
                        await close()

    # --- one route ----------------------------------------------------------------------------------

    async def _run_route(self, destination: str, stopping: asyncio.Event) -> None:
        failures = 0
        while not stopping.is_set():
            try:
                delivered, failed = await self.deliver_once(destination)
            except Exception:  # noqa: BLE001 - the database may be down; keep the worker alive
                log.exception("outbox relay: claiming or marking %s rows failed", destination)
                delivered, failed = 0, 1
            if failed:
                failures += 1
                pause = backoff_seconds(failures, self.max_backoff_seconds)
            else:
                failures = 0
                # A full batch suggests more are waiting: go on at once. Otherwise poll.
                pause = 0.0 if delivered >= self.batch_size else self.poll_seconds
            if pause:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stopping.wait(), pause)

    async def deliver_once(self, destination: str) -> tuple[int, int]:
        """Claim one batch and deliver it. Returns (rows delivered, rows failed)."""
        batch = await self.claim(destination)
        if not batch:
            return 0, 0
        deliver = self.routes[destination]
        if not getattr(deliver, "batched", True):
            return await self._deliver_one_by_one(destination, deliver, batch)
        try:
            await self._call(destination, deliver, batch)
        except PermanentDeliveryError as error:
            if len(batch) == 1:
                await self._mark_failed(destination, batch, error)
                return 0, 1
            return await self._deliver_one_by_one(destination, deliver, batch)
        except Exception as error:  # noqa: BLE001 - any delivery failure is retried later
            await self._mark_failed(destination, batch, error)
            return 0, len(batch)
        await self._mark_delivered(destination, batch)
        return len(batch), 0

    async def _deliver_one_by_one(self, destination: str, deliver: Deliver,
                                  batch: Sequence[OutboxMessage]) -> tuple[int, int]:
        """Each row on its own: a refused row is marked and skipped; a transient failure (target down)
        ends the batch, and the rows not yet tried back off with it instead of timing out one by one."""
        delivered = failed = 0
        for index, message in enumerate(batch):
            try:
                await self._call(destination, deliver, [message])
            except PermanentDeliveryError as error:
                await self._mark_failed(destination, [message], error)
                failed += 1
            except Exception as error:  # noqa: BLE001 - any other failure is retried later
                await self._mark_failed(destination, batch[index:], error)
                return delivered, failed + len(batch) - index
            else:
                await self._mark_delivered(destination, [message])
                delivered += 1
        return delivered, failed

    @staticmethod
    async def _call(destination: str, deliver: Deliver, rows: Sequence[OutboxMessage]) -> None:
        with delivery_span(destination, (row.traceparent for row in rows)):
            await deliver(rows)

    async def claim(self, destination: str) -> list[OutboxMessage]:
        t = self.table
        pending = (
            select(t.c.tenant_id, t.c.event_id)
            .where(t.c.destination == destination, t.c.delivered_at.is_(None), t.c.available_at <= func.now())
            .order_by(t.c.position)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
            .cte("pending")
        )
        lease_until = func.now() + timedelta(seconds=self.lease_seconds)
        claim = (
            t.update()
            .where(tuple_(t.c.tenant_id, t.c.event_id).in_(select(pending.c.tenant_id, pending.c.event_id)))
            .values(available_at=lease_until)
            .returning(t.c.tenant_id, t.c.event_id, t.c.position, t.c.message_type, t.c.message, t.c.attempts,
                       t.c.traceparent)
        )
        async with self.database.transaction() as session:
            rows = (await session.execute(claim)).all()
        messages = [OutboxMessage(r.tenant_id, r.event_id, r.position, r.message_type, bytes(r.message), r.attempts,
                                  r.traceparent) for r in rows]
        return sorted(messages, key=lambda m: m.position)

    async def _mark_delivered(self, destination: str, batch: Sequence[OutboxMessage]) -> None:
        t = self.table
        async with self.database.transaction() as session:
            await session.execute(
                t.update()
                .where(tuple_(t.c.tenant_id, t.c.event_id).in_([(m.tenant_id, m.event_id) for m in batch]))
                .values(delivered_at=func.now(), last_error=None)
            )
        metrics.OUTBOX_DELIVERED.labels(destination).inc(len(batch))

    async def _mark_failed(self, destination: str, batch: Sequence[OutboxMessage], error: Exception) -> None:
        t = self.table
        reason = _describe(error)
        metrics.OUTBOX_FAILED.labels(destination, metrics.code_label(error)).inc(len(batch))
        log_fields(log, logging.WARNING, "outbox delivery failed", relay=self.name, destination=destination,
                   rows=len(batch), first_event_id=batch[0].event_id, error=reason)
        statement = (
            t.update()
            .where(t.c.tenant_id == bindparam("t"), t.c.event_id == bindparam("e"), t.c.delivered_at.is_(None))
            .values(
                attempts=t.c.attempts + 1,
                last_error=reason,
                available_at=func.now() + bindparam("delay", type_=Interval),
            )
        )
        params = [{"t": m.tenant_id, "e": m.event_id,
                   "delay": timedelta(seconds=backoff_seconds(m.attempts + 1, self.max_backoff_seconds))} for m in batch]
        async with self.database.transaction() as session:
            await session.execute(statement, params)

    # --- backlog --------------------------------------------------------------------------------------

    async def backlog(self) -> dict[str, Backlog]:
        """Pending rows and the age of the oldest, per destination (routes with none report 0)."""
        t = self.table
        query = (
            select(t.c.destination, func.count().label("pending"),
                   func.extract("epoch", func.now() - func.min(t.c.created_at)).label("age"))
            .where(t.c.delivered_at.is_(None))
            .group_by(t.c.destination)
        )
        async with self.database.transaction() as session:
            rows = (await session.execute(query)).all()
        result = {destination: Backlog(0, 0.0) for destination in self.routes}
        for row in rows:
            result[row.destination] = Backlog(int(row.pending), float(row.age or 0.0))
        return result

    async def _report_backlog(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                self.last_backlog = await self.backlog()
            except Exception:  # noqa: BLE001 - reporting must never stop delivery
                log.warning("outbox relay: backlog query failed", exc_info=True)
            else:
                for destination, figures in self.last_backlog.items():
                    metrics.OUTBOX_PENDING.labels(destination).set(figures.pending)
                    metrics.OUTBOX_OLDEST_AGE.labels(destination).set(figures.oldest_age_seconds)
                    if figures.pending:
                        level = logging.WARNING if figures.oldest_age_seconds > STALE_BACKLOG_SECONDS else logging.INFO
                        log_fields(log, level, "outbox backlog", relay=self.name, destination=destination,
                                   pending=figures.pending, oldest_age_seconds=round(figures.oldest_age_seconds, 1))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stopping.wait(), self.backlog_log_seconds)


def _describe(error: Exception) -> str:
    if isinstance(error, grpc.aio.AioRpcError):
        return f"{error.code().name}: {error.details()}"[:1000]
    if isinstance(error, PermanentDeliveryError):
        return str(error)[:1000]
    return f"{type(error).__name__}: {error}"[:1000]


# --- delivering a route over gRPC --------------------------------------------------------------------

class RouteDelivery:
    """Delivers the rows of one `Route` to its target RPC, authenticated with this service's token.

    Batched routes send up to a claimed batch per call; unbatched ones (`route.batch_field` None) are
    delivered one row per call by the relay. The channel is created lazily, on the relay's event loop.
    """

    def __init__(self, route: Route, settings: ServiceSettings, *, address: str | None = None) -> None:
        from shared.clients import service_tokens

        self.route = route
        self.batched = route.batch_field is not None
        self._address = address or settings.address_of(route.service)
        self._timeout = settings.outbox_delivery_timeout_seconds
        # Minted eagerly so a missing private key fails the service at start-up, not at first delivery.
        self._tokens = service_tokens(settings)
        self._tokens.current()
        self._channel = None
        self._call = None

    def _connect(self):
        if self._call is None:
            from shared.clients import channel_with_tokens

            self._channel = channel_with_tokens(self._address, self._tokens)
            self._call = self._channel.unary_unary(
                self.route.method, request_serializer=lambda m: m.SerializeToString(),
                response_deserializer=self.route.response_type.FromString)
        return self._call

    async def __call__(self, messages: Sequence[OutboxMessage]) -> None:
        route = self.route
        expected = route.message_type.DESCRIPTOR.full_name
        decoded = []
        for message in messages:
            if message.message_type != expected:
                raise PermanentDeliveryError(f"route {route.destination} cannot deliver {message.message_type}")
            decoded.append(route.message_type.FromString(message.message))
        requests = [route.request(decoded)] if self.batched else decoded
        try:
            for request in requests:
                await self._connect()(request, timeout=self._timeout)
        except grpc.aio.AioRpcError as error:
            if error.code() in route.permanent_codes:
                raise PermanentDeliveryError(_describe(error)) from error
            raise

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = self._call = None


def outbox_relay(settings: ServiceSettings, database: Database, outbox_table: Table, routes: Sequence[Route],
                 **overrides) -> OutboxRelay:
    """The relay a service runs in the background, one RouteDelivery per route it sends on:

        background=[outbox_relay(settings, database, tables.outbox, [AUDIT])]
    """
    deliveries = {route.destination: RouteDelivery(route, settings) for route in routes}
    return OutboxRelay.from_settings(settings, database, outbox_table, deliveries, **overrides)
