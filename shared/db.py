"""The database of a service: a psycopg 3 connection pool and one transaction per unit of work.

`Database.transaction(context)` is the only way services touch the database: it takes a pooled
connection, opens a transaction whose statements are bounded by the caller's remaining gRPC deadline
(read from the servicer context, so an abandoned RPC never holds locks longer than its caller waits),
and commits or rolls back as a unit, so nothing half-written survives an error.

    async with self.db.transaction(context) as session:
        row = await store.get_course(session, tenant_id, course_id)

Statements are SQLAlchemy Core (shared.sql compiles them once); they run on psycopg directly.
Round trips per transaction: `BEGIN; SET LOCAL statement_timeout = …` travel as one simple query,
then the statements, then COMMIT. There is no ping per checkout: a connection that died with its
server fails its one statement (UNAVAILABLE to the caller, who retries), is dropped by the pool, and
the pool then checks its other idle connections in the background, so a restarted PostgreSQL costs
a handful of retryable errors, not one per pooled connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.rows import namedtuple_row
from psycopg.types.string import TextLoader
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import make_url

from shared.sql import Query, Result, Row, many, prepare

log = logging.getLogger("learning.db")

#: Longest wait for a pooled connection when the caller set no shorter deadline.
POOL_WAIT_SECONDS = 30.0


def sqlalchemy_url(url: str) -> str:
    """Accept plain libpq URLs (postgresql://) and pick the psycopg 3 driver (Alembic's engine)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same URL without the SQLAlchemy driver suffix, for psycopg.connect()."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class Session:
    """One open transaction on one pooled connection (what a unit of work's `session` is)."""

    __slots__ = ("connection",)

    def __init__(self, connection: psycopg.AsyncConnection) -> None:
        #: The psycopg connection, for what Core statements cannot say (COPY, pipelined executemany).
        self.connection = connection

    async def execute(self, statement, params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
                      /, **values: Any) -> Result:
        """Run a `shared.sql.Query` (with its bindparam values), a Core statement or SQL text.

        A list of parameter mappings runs the statement once per mapping (executemany)."""
        if isinstance(params, list):
            sql, rows = many(statement, params)
            async with self.connection.cursor() as cursor:
                await cursor.executemany(sql, rows)
                return Result([], cursor.rowcount)
        if values:
            params = {**params, **values} if params else values
        sql, args = prepare(statement, params)
        async with self.connection.cursor(row_factory=namedtuple_row) as cursor:
            await cursor.execute(sql, args)
            return Result(await cursor.fetchall() if cursor.description is not None else [], cursor.rowcount)


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, max_overflow: int = 10) -> None:
        # At most pool_size + max_overflow connections. Two are opened at start and kept; more are
        # opened as callers wait and closed again after five idle minutes, so many idle services (a
        # test run, a developer's machine) do not hold the server's connection slots.
        self.pool = AsyncConnectionPool(
            libpq_url(url), min_size=min(2, max(1, pool_size)), max_size=max(1, pool_size + max_overflow),
            kwargs={"autocommit": True}, configure=_configure, open=False, max_idle=300,
            name="learning",
        )
        self._opened: asyncio.Lock | None = None
        self._checking: asyncio.Task | None = None

    @classmethod
    def from_settings(cls, settings) -> Database:
        """The runtime-role pool of a service (shared.settings.ServiceSettings)."""
        return cls(settings.runtime_database_url(), pool_size=settings.db_pool_size,
                   max_overflow=settings.db_max_overflow)

    async def _open_pool(self) -> AsyncConnectionPool:
        if self.pool.closed:
            if self._opened is None:
                self._opened = asyncio.Lock()
            async with self._opened:
                if self.pool.closed:
                    await self.pool.open(wait=False)
        return self.pool

    @asynccontextmanager
    async def transaction(self, context=None, *, timeout_seconds: float | None = None) -> AsyncIterator[Session]:
        """One transaction; with a gRPC servicer `context`, bounded by the caller's remaining deadline
        (background work such as the outbox relay passes `timeout_seconds` or nothing)."""
        if context is not None and timeout_seconds is None:
            timeout_seconds = deadline_seconds(context)
        pool = await self._open_pool()
        wait = POOL_WAIT_SECONDS if timeout_seconds is None else max(0.001, min(timeout_seconds, POOL_WAIT_SECONDS))
        connection = await pool.getconn(timeout=wait)
        try:
            await connection.execute(
                "BEGIN" if timeout_seconds is None
                else f"BEGIN; SET LOCAL statement_timeout = {max(1, int(timeout_seconds * 1000))}")
            try:
                yield Session(connection)
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")
        except psycopg.OperationalError:
            if connection.broken:
                self._check_pool_soon()
            raise
        finally:
            await pool.putconn(connection)  # the pool rolls back or discards whatever is left unclean

    def _check_pool_soon(self) -> None:
        """A connection died: have the pool test its idle ones (the server may have restarted)."""
        if self._checking is None or self._checking.done():
            self._checking = asyncio.get_running_loop().create_task(self.pool.check())

    async def ping(self, timeout_seconds: float = 3.0) -> bool:
        try:
            pool = await self._open_pool()
            async with pool.connection(timeout=timeout_seconds) as connection:
                await connection.execute("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - any failure means "not serving"
            return False

    async def close(self) -> None:
        if self._checking is not None:
            self._checking.cancel()
        await self.pool.close()


async def _configure(connection: psycopg.AsyncConnection) -> None:
    # uuid columns are declared UUID(as_uuid=False): ids travel as lower-case strings everywhere.
    connection.adapters.register_loader("uuid", TextLoader)


def deadline_seconds(context) -> float | None:
    """Seconds left before the caller's deadline, or None when it set none."""
    remaining = context.time_remaining()
    return remaining if remaining is not None and remaining < 1e6 else None


__all__ = ["Database", "Query", "Result", "Row", "Session", "deadline_seconds", "libpq_url", "sqlalchemy_url"]
