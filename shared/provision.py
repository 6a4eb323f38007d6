"""Create a service's database and roles on a PostgreSQL server (development, tests, first install).

For service `catalog` on admin URL postgresql://admin@host/postgres this creates:
  - role `learning_catalog_owner` (LOGIN), owner of database `learning_catalog`,
    used only by migrations;
  - role `learning_catalog` (LOGIN), the runtime role, granted privileges by
    shared.migrations.migrate() after each upgrade;
  - in that database, the integrity guard (shared/guard.sql: an event trigger, which only a superuser
    can create) that refuses the owner any DDL weakening the append-only tables.
Re-running is safe: existing roles get their password reset, nothing is dropped.
In production ops create the same objects with their own tooling (the guard: `psql -d <database>
-f shared/guard.sql` as a superuser) and hand the migrate step the owner URL, the service only the
runtime URL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from shared.db import libpq_url

GUARD_SQL = Path(__file__).with_name("guard.sql")


@dataclass(frozen=True)
class ServiceDatabase:
    database: str
    owner_url: str
    runtime_url: str


def provision(admin_url: str, service: str, *, suffix: str = "") -> ServiceDatabase:
    database = f"learning_{service}{suffix}"
    owner, runtime = f"{database}_owner", database
    owner_password, runtime_password = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        for role, password in ((owner, owner_password), (runtime, runtime_password)):
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(
                sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
            )
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(owner)))
        # Nobody but the two roles may connect: "only the audit service has credentials for its database".
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)))
        conn.execute(
            sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(sql.Identifier(database), sql.Identifier(runtime))
        )
    base = make_url(admin_url)
    install_guard(base.set(database=database).render_as_string(False))
    return ServiceDatabase(
        database=database,
        owner_url=base.set(username=owner, password=owner_password, database=database).render_as_string(False),
        runtime_url=base.set(username=runtime, password=runtime_password, database=database).render_as_string(False),
    )


def install_guard(database_admin_url: str) -> None:
    """Install (or refresh) the integrity guard in the database of `database_admin_url`, a superuser URL."""
    with psycopg.connect(libpq_url(database_admin_url), autocommit=True) as conn:
        conn.execute(GUARD_SQL.read_text())  # no parameters: sent as one simple query, all statements


def drop(admin_url: str, database: str) -> None:
    """Remove a provisioned database and its roles (tests clean up with this)."""
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
        for role in (f"{database}_owner", database):
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
