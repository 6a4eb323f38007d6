"""SQLAlchemy 2 async engine and transactions on psycopg 3.

One engine per process. `Database.transaction(context)` is the only way services touch
the database: it opens a session, begins a transaction, bounds every statement by
the caller's remaining gRPC deadline, read from the servicer context (so an abandoned RPC
never holds locks longer than its caller waits), and commits or rolls back as a unit, so
nothing half-written survives an error.

    async with self.db.transaction(context) as session:
        row = await store.get_course(session, tenant_id, course_id)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def sqlalchemy_url(url: str) -> str:
    """Accept plain libpq URLs (postgresql://) and pick the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same URL without the SQLAlchemy driver suffix, for psycopg.connect()."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, max_overflow: int = 10) -> None:
        self.engine: AsyncEngine = create_async_engine(
            sqlalchemy_url(url),
            pool_pre_ping=True,  # a restarted PostgreSQL must not surface as errors on stale connections
            # Errors are logged with their stack (shared.interceptors); without this the message would carry
            # the statement's bound values: learners' answers, employee ids, signed payloads.
            hide_parameters=True,
            pool_size=pool_size,
            max_overflow=max_overflow,
        )
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings) -> Database:
        """The runtime-role engine of a service (shared.settings.ServiceSettings)."""
        return cls(settings.runtime_database_url(), pool_size=settings.db_pool_size,
                   max_overflow=settings.db_max_overflow)

    @asynccontextmanager
    async def transaction(self, context=None, *, timeout_seconds: float | None = None) -> AsyncIterator[AsyncSession]:
        """One transaction; with a gRPC servicer `context`, bounded by the caller's remaining deadline
        (background work such as the outbox relay passes `timeout_seconds` or nothing)."""
        if context is not None and timeout_seconds is None:
            timeout_seconds = deadline_seconds(context)
        async with self._sessions() as session, session.begin():
            if timeout_seconds is not None:
                millis = max(1, int(timeout_seconds * 1000))
                await session.execute(text(f"SET LOCAL statement_timeout = {millis}"))
            yield session

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not serving"
            return False

    async def close(self) -> None:
        await self.engine.dispose()


def deadline_seconds(context) -> float | None:
    """Seconds left before the caller's deadline, or None when it set none."""
    remaining = context.time_remaining()
    return remaining if remaining is not None and remaining < 1e6 else None
