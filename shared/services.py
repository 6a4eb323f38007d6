"""The one table of learning services: name, default port, settings prefix, database.

Settings (default listen address, where each relay finds its targets), `make run`
(scripts/run.py), docker-compose.yml and the docs all follow this table; a test checks that
compose and the docs agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceInfo:
    name: str
    port: int

    @property
    def prefix(self) -> str:
        """Environment prefix of the service's settings, e.g. CATALOG_."""
        return self.name.upper() + "_"

    @property
    def database(self) -> str:
        return f"learning_{self.name}"

    @property
    def default_address(self) -> str:
        return f"127.0.0.1:{self.port}"


SERVICES: dict[str, ServiceInfo] = {
    info.name: info
    for info in (
        ServiceInfo("catalog", 50051),
        ServiceInfo("progress", 50052),
        ServiceInfo("assessment", 50053),
        ServiceInfo("evidence", 50054),
        ServiceInfo("audit", 50055),
    )
}


def default_address(name: str) -> str:
    return SERVICES[name].default_address
