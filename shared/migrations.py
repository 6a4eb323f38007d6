"""Alembic migrations per service, plus the runtime role's privileges.

Each service keeps its revisions in `services/<name>/migrations/` (an ordinary
Alembic script directory whose env.py calls `run_alembic_env`). `migrate()` runs
as the schema owner, then grants the service's runtime role exactly what it may
do: full DML on ordinary tables, but only SELECT and INSERT on append-only ones
(the triggers in those migrations stop even the owner; the grants stop the app
before it gets that far). TRUNCATE is never granted.
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


def grant_runtime_privileges(owner_url: str, app_role: str, append_only_tables: tuple[str, ...]) -> None:
    role = '"' + app_role.replace('"', '""') + '"'
    engine = create_engine(sqlalchemy_url(owner_url))
    try:
        with engine.begin() as conn:
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"))
            conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
            conn.execute(text(f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {role}"))
            conn.execute(text(f"REVOKE ALL ON alembic_version FROM {role}"))
            for table in append_only_tables:
                conn.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM {role}'))
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
