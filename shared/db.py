"""The database of a service: a psycopg 3 connection pool, and sessions on it.

Services touch the database only through a unit of work (shared.unit_of_work), which takes one of:

- `Database.transaction(context)`: BEGIN, the statements, COMMIT, or ROLLBACK on any error, so
  nothing half-written survives. For everything that writes, and for reads that need one snapshot.
- `Database.autocommit(context)`: no transaction block; each statement commits on its own. For RPCs
  that read with one statement: BEGIN and COMMIT would double what it costs (every statement is a
  round trip and ~0.2 ms of CPU in psycopg on the benchmark machine).

The caller's deadline bounds the work without a statement of its own: gRPC cancels the handler's
task when the deadline passes (or the caller goes away), psycopg then cancels the running statement
on the server, and the transaction is rolled back, so an abandoned RPC never holds locks longer
than its caller waits. A server-side `statement_timeout` (`<PREFIX>_DB_STATEMENT_TIMEOUT_SECONDS`,
set once per connection) bounds work that has no caller, such as the outbox relay.

    async with self.db.transaction(context) as session:
        row = await store.get_course(session, tenant_id, course_id)

Statements are SQLAlchemy Core (shared.sql compiles them once); they run on psycopg directly.
There is no ping per checkout: a connection that died with its server fails its one statement
(UNAVAILABLE to the caller, who retries), is dropped by the pool, and the pool then checks its
other idle connections in the background, so a restarted PostgreSQL costs a handful of retryable
errors, not one per pooled connection.
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

    __slots__ = ("_at_commit", "connection")

    def __init__(self, connection: psycopg.AsyncConnection, *, transaction: bool = True) -> None:
        #: The psycopg connection, for what Core statements cannot say (COPY, pipelined executemany).
        self.connection = connection
        self._at_commit: list[str] | None = [] if transaction else None

    def at_commit(self, statement, /, **values: Any) -> None:
        """Run `statement` at the end of the transaction, sent with COMMIT as one simple query.

        Saves a statement's round trip (and psycopg's ~0.2 ms of CPU per statement) for writes whose
        result nobody reads, such as storing an idempotent response. The values are rendered as
        literals by psycopg's own client-side quoting (`mogrify`), never by string formatting."""
        if self._at_commit is None:
            raise RuntimeError("at_commit needs a transaction; this session autocommits each statement")
        sql, params = prepare(statement, values)
        self._at_commit.append(psycopg.AsyncClientCursor(self.connection).mogrify(sql, params))

    def _commit_statement(self) -> str:
        return "; ".join([*(self._at_commit or ()), "COMMIT"])

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
    def __init__(self, url: str, *, pool_size: int = 10, max_overflow: int = 10,
                 statement_timeout_seconds: float = 60.0) -> None:
        # At most pool_size + max_overflow connections. Two are opened at start and kept; more are
        # opened as callers wait and closed again after five idle minutes, so many idle services (a
        # test run, a developer's machine) do not hold the server's connection slots.
        self.pool = AsyncConnectionPool(
            libpq_url(url), min_size=min(2, max(1, pool_size)), max_size=max(1, pool_size + max_overflow),
            kwargs={"autocommit": True, "options": f"-c statement_timeout={int(statement_timeout_seconds * 1000)}"},
            configure=_configure, open=False, max_idle=300,
            name="learning",
        )
        self._opened: asyncio.Lock | None = None
        self._checking: asyncio.Task | None = None

    @classmethod
    def from_settings(cls, settings) -> Database:
        """The runtime-role pool of a service (shared.settings.ServiceSettings)."""
        return cls(settings.runtime_database_url(), pool_size=settings.db_pool_size,
                   max_overflow=settings.db_max_overflow,
                   statement_timeout_seconds=settings.db_statement_timeout_seconds)

    async def _open_pool(self) -> AsyncConnectionPool:
        if self.pool.closed:
            if self._opened is None:
                self._opened = asyncio.Lock()
            async with self._opened:
                if self.pool.closed:
                    await self.pool.open(wait=False)
        return self.pool

    @asynccontextmanager
    async def transaction(self, context=None) -> AsyncIterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises (or is cancelled)."""
        async with self._connection(context) as connection:
            await connection.execute("BEGIN")
            session = Session(connection)
            try:
                yield session
                await connection.execute(session._commit_statement())
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    await connection.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def autocommit(self, context=None) -> AsyncIterator[Session]:
        """A session whose statements each commit on their own (for one-statement reads)."""
        async with self._connection(context) as connection:
            yield Session(connection, transaction=False)

    @asynccontextmanager
    async def _connection(self, context) -> AsyncIterator[psycopg.AsyncConnection]:
        pool = await self._open_pool()
        timeout = deadline_seconds(context) if context is not None else None
        connection = await pool.getconn(timeout=POOL_WAIT_SECONDS if timeout is None
                                        else max(0.001, min(timeout, POOL_WAIT_SECONDS)))
        try:
            yield connection
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
