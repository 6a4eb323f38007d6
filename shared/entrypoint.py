"""The command line every service shares: `python -m services.<name> [serve|migrate]`.

    serve    (default) serve until SIGTERM/SIGINT with the runtime role only; with <PREFIX>_WORKERS=N > 1,
             N worker processes on the same port (shared/workers.py). Refuses to start with owner
             credentials (shared/serving_credentials.py): migrating is the separate step below.
    migrate  apply the service's Alembic migrations as the owner role (<PREFIX>_MIGRATION_DATABASE_URL),
             grant the runtime role (<PREFIX>_DATABASE_URL) and put the append-only tables under the
             database's integrity guard, then exit
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from shared.logging import configure_logging
from shared.migrations import migrate
from shared.server import ServiceHost
from shared.serving_credentials import refuse_owner_credentials
from shared.settings import ServiceSettings
from shared.workers import supervise


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    settings_type: type[ServiceSettings]
    build: Callable[[ServiceSettings], Awaitable[ServiceHost]]
    migrations: Path
    append_only_tables: tuple[str, ...] = ()

    def migrate(self, settings: ServiceSettings) -> None:
        migrate(self.migrations, settings.owner_database_url(), settings.runtime_database_url(),
                self.append_only_tables)


def main(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m services.{definition.name}")
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "migrate"])
    args = parser.parse_args(argv)
    settings = definition.settings_type()
    configure_logging(settings.log_level)
    if args.command == "migrate":
        definition.migrate(settings)
        return
    refuse_owner_credentials(settings)
    if settings.workers > 1:
        prefix = str(settings.model_config.get("env_prefix", ""))
        sys.exit(asyncio.run(supervise(definition.name, prefix, settings.listen_address, settings.workers)))
    asyncio.run(_serve(definition, settings))


async def _serve(definition: ServiceDefinition, settings: ServiceSettings) -> None:
    host = await definition.build(settings)
    await host.run_until_signalled()
