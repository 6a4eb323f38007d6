"""Alembic migrations per service, plus the runtime role's privileges.

Each service keeps its revisions in `services/<name>/migrations/` (an ordinary
Alembic script directory whose env.py calls `run_alembic_env`). `migrate()` runs
as the schema owner, then grants the service's runtime role exactly what it may
do: full DML on ordinary tables, but only SELECT and INSERT on append-only ones
(the triggers in those migrations stop even the owner; the grants stop the app
before it gets that far). TRUNCATE is never granted. Last, it puts the append-only
tables under the database's integrity guard (shared/guard.sql, installed by
provisioning): from then on the owner can no longer disable or drop their triggers,
change their owner or widen their grants.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url

from shared.db import sqlalchemy_url


def alembic_config(script_location: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    # Alembic's ini interpolation treats % specially; escape URL-encoded passwords.
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return config


def migrate(script_location: Path, owner_url: str, runtime_url: str = "", append_only_tables: tuple[str, ...] = ()) -> None:
    command.upgrade(alembic_config(script_location, owner_url), "head")
    app_role = make_url(runtime_url).username if runtime_url else None
    owner_role = make_url(owner_url).username
    if app_role and app_role != owner_role:
        grant_runtime_privileges(owner_url, app_role, append_only_tables)
    guard_append_only_tables(owner_url, append_only_tables)


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def grant_runtime_privileges(owner_url: str, app_role: str, append_only_tables: tuple[str, ...]) -> None:
    role = _quoted(app_role)
    engine = create_engine(sqlalchemy_url(owner_url))
    try:
        with engine.begin() as conn:
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
            conn.execute(text(f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {role}"))
            # UPDATE and DELETE table by table: even a momentary grant on a guarded table is refused by the guard.
            tables = conn.execute(text("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                                       "AND relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY relname")).scalars()
            for table in tables:
                if table not in append_only_tables and table != "alembic_version":
                    conn.execute(text(f"GRANT UPDATE, DELETE ON {_quoted(table)} TO {role}"))
            conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
            conn.execute(text(f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {role}"))
            conn.execute(text(f"REVOKE ALL ON alembic_version FROM {role}"))
            for table in append_only_tables:
                conn.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM {role}'))
    finally:
        engine.dispose()


def guard_append_only_tables(owner_url: str, append_only_tables: tuple[str, ...]) -> None:
    """Put the tables (as the owner, who may only add to the guard) under the database's integrity guard."""
    if not append_only_tables:
        return
    engine = create_engine(sqlalchemy_url(owner_url))
    try:
        with engine.begin() as conn:
            if conn.execute(text("SELECT to_regprocedure('learning_guard.protect(regclass)')")).scalar() is None:
                # Refuse rather than leave the append-only tables at the owner's mercy.
                raise RuntimeError(
                    f"database {make_url(owner_url).database} has no integrity guard: install shared/guard.sql "
                    "as a superuser (shared.provision does) before migrating")
            for table in append_only_tables:
                conn.execute(text("SELECT learning_guard.protect(CAST(:table AS regclass))"),
                             {"table": _quoted(table)})
    finally:
        engine.dispose()


def run_alembic_env(target_metadata: MetaData | None = None) -> None:
    """Body of every service's migrations/env.py (online mode only: we always have a database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
