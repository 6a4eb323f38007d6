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

    @property
    def metrics_port(self) -> int:
        """The HTTP port of the service's Prometheus /metrics: its gRPC port + 1000 (catalog 51051, ...)."""
        return self.port + 1000

    @property
    def default_metrics_address(self) -> str:
        return f"127.0.0.1:{self.metrics_port}"

    @property
    def grpc_service(self) -> str:
        """Full name of the service's v1 gRPC service, e.g. learning.catalog.v1.CatalogService: the name its
        readiness is reported under (grpc.health.v1), asked by compose's healthcheck and Kubernetes probes."""
        return f"learning.{self.name}.v1.{self.name.capitalize()}Service"


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


# Who calls whom: (caller, callee), every RPC between services (docs/architecture.md draws them). The
# Kubernetes NetworkPolicies (scripts/gen_k8s.py) allow exactly these, and compose gives each service the
# addresses of its callees only; tests/deploy checks both against this set.
EDGES: frozenset[tuple[str, str]] = frozenset({
    ("catalog", "audit"),
    ("assessment", "catalog"), ("assessment", "evidence"), ("assessment", "progress"), ("assessment", "audit"),
    ("progress", "catalog"), ("progress", "evidence"), ("progress", "audit"),
    ("evidence", "audit"),
})


def callees(name: str) -> list[str]:
    """The services `name` calls, in the table's order."""
    return [other for other in SERVICES if (name, other) in EDGES]


def default_address(name: str) -> str:
    return SERVICES[name].default_address
