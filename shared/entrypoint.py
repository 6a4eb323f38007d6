"""The command line every service shares: `python -m services.<name> [serve|migrate]`.

    serve    (default) serve until SIGTERM/SIGINT with the runtime role only; with <PREFIX>_WORKERS=N > 1,
             N worker processes on the same port (shared/workers.py). Refuses to start with owner
             credentials (shared/serving_credentials.py): migrating is the separate step below.
             Also serves /metrics on <PREFIX>_METRICS_ADDRESS (shared/metrics_server.py) and sets up
             tracing (shared/tracing.py).
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

from shared import tracing
from shared.logging import configure_logging
from shared.metrics_server import MetricsServer
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
        sys.exit(asyncio.run(supervise(definition.name, prefix, settings.listen_address, settings.workers,
                                       settings.metrics_listen_address())))
    asyncio.run(_serve(definition, settings))


async def _serve(definition: ServiceDefinition, settings: ServiceSettings) -> None:
    tracing.configure(definition.name)
    # Before the service is built: a metrics port already taken fails the start, like the gRPC port.
    address = settings.metrics_listen_address()
    prefix = str(settings.model_config.get("env_prefix", ""))
    metrics = MetricsServer(address, setting=f"{prefix}METRICS_ADDRESS") if address else None
    try:
        host = await definition.build(settings)
        if metrics is not None:
            host.announce["metrics"] = metrics.address
        await host.run_until_signalled()
    finally:
        if metrics is not None:
            metrics.close()
        tracing.shutdown()
