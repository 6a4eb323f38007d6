"""A serving process holds no owner or superuser credentials (issue 11): checked before it serves.

A compromised service process should be able to do no more than its runtime role allows: append to
the append-only tables, never change them or switch their guards off. So `serve` refuses to start
when its configuration carries the owner URL (<PREFIX>_MIGRATION_DATABASE_URL, which only the
`migrate` step needs) or asks it to migrate (<PREFIX>_MIGRATE_ON_START), and when the role of
<PREFIX>_DATABASE_URL is a superuser or the database's owner (say, the owner URL pasted there).
The last check needs the database; if it is not reachable yet the process serves anyway (the
health watch reports NOT_SERVING until it is) and the check is skipped, with a warning.
"""

from __future__ import annotations

import logging

import psycopg

from shared.db import libpq_url
from shared.settings import ServiceSettings

log = logging.getLogger("learning.credentials")

ROLE_QUERY = """
SELECT r.rolsuper, pg_has_role(current_user, d.datdba, 'MEMBER')
FROM pg_roles r, pg_database d
WHERE r.rolname = current_user AND d.datname = current_database()
"""


def configuration_problems(settings: ServiceSettings) -> list[str]:
    prefix = str(settings.model_config.get("env_prefix", ""))
    problems = []
    if settings.migration_database_url:
        problems.append(f"{prefix}MIGRATION_DATABASE_URL (the owner role) is set; only "
                        f"`python -m services.{settings.service_name} migrate` may have it")
    if settings.migrate_on_start:
        problems.append(f"{prefix}MIGRATE_ON_START is true; a serving process never migrates: run "
                        f"`python -m services.{settings.service_name} migrate` first, as its own step")
    return problems


def role_problem(database_url: str, connect_timeout: int = 5) -> str | None:
    """Why the role of `database_url` is too strong to serve with, or None (also when unreachable)."""
    try:
        with psycopg.connect(libpq_url(database_url), connect_timeout=connect_timeout) as conn:
            row = conn.execute(ROLE_QUERY).fetchone()
    except psycopg.OperationalError as error:
        log.warning("could not check the runtime role's privileges (database unreachable): %s", error)
        return None
    if row is None:
        return None
    superuser, owner = row
    if superuser:
        return "the role of DATABASE_URL is a superuser"
    if owner:
        return "the role of DATABASE_URL owns the database (it is the migration role)"
    return None


def refuse_owner_credentials(settings: ServiceSettings) -> None:
    """Exit with a configuration error if this serving process holds more than the runtime role."""
    problems = configuration_problems(settings)
    if not problems and (problem := role_problem(settings.runtime_database_url())):
        problems.append(problem)
    if problems:
        raise SystemExit(f"{settings.service_name}: refusing to serve with owner credentials: " + "; ".join(problems))
