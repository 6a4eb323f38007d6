"""The NetworkPolicies allow exactly the architecture's edges (shared/services.py EDGES, drawn in
docs/architecture.md), clients to every service, monitoring to the metrics ports, DNS and PostgreSQL: each
connection is judged by the Kubernetes rules (tests/deploy/network.py) on the rendered manifests."""

from __future__ import annotations

import re

import pytest

from scripts import gen_k8s
from shared.services import EDGES, SERVICES
from tests.deploy.conftest import ROOT
from tests.deploy.network import Cluster, External, Pod

DATABASE = External("10.20.3.4")  # inside the production overlay's database range
ELSEWHERE = External("203.0.113.9")
NAMESPACES = {"learning": {}, "web": {}, "monitoring": {}, "kube-system": {}}
DNS = Pod("coredns", "kube-system", {"k8s-app": "kube-dns"})
CLIENT = Pod("gateway", "web", gen_k8s.CLIENT_LABEL)
UNLABELLED = Pod("curious", "web", {})
NEIGHBOUR = Pod("neighbour", "learning", {"app": "something-else"})  # same namespace, not a learning client
SCRAPER = Pod("prometheus", "monitoring", {"app": "prometheus"})


def server(name: str) -> Pod:
    return Pod(name, "learning", gen_k8s.labels(name, "server"))


def migration(name: str) -> Pod:
    return Pod(f"{name}-migrate", "learning", gen_k8s.labels(name, "migration"))


@pytest.fixture(scope="module")
def cluster(rendered) -> tuple[str, Cluster]:
    overlay, resources = rendered
    return overlay, Cluster(resources, NAMESPACES)


def test_services_reach_each_other_exactly_along_the_edges(cluster):
    _, net = cluster
    for caller in SERVICES:
        for callee, info in SERVICES.items():
            if caller != callee:
                expected = (caller, callee) in EDGES
                assert net.allows(server(caller), server(callee), info.port) is expected, f"{caller} -> {callee}"
                assert not net.allows(server(caller), server(callee), info.metrics_port)


def test_clients_reach_every_service_and_nothing_else_does(cluster):
    _, net = cluster
    for name, info in SERVICES.items():
        assert net.allows(CLIENT, server(name), info.port)
        assert not net.allows(CLIENT, server(name), info.metrics_port)
        for stranger in (UNLABELLED, NEIGHBOUR, SCRAPER):
            assert not net.allows(stranger, server(name), info.port), f"{stranger.name} -> {name}"
        assert net.allows(SCRAPER, server(name), info.metrics_port)
        assert not net.allows(server(name), ELSEWHERE, 443), "no egress to the internet"


def test_every_pod_resolves_names_and_reaches_postgresql_and_migrations_nothing_more(cluster):
    overlay, net = cluster
    for name, info in SERVICES.items():
        for pod in (server(name), migration(name)):
            assert net.allows(pod, DNS, 53, "UDP") and net.allows(pod, DNS, 53, "TCP")
            assert net.allows(pod, DATABASE, 5432)
            # The production overlay narrows PostgreSQL to the database's address range.
            assert net.allows(pod, ELSEWHERE, 5432) is (overlay == "base")
        for other, other_info in SERVICES.items():
            assert not net.allows(migration(name), server(other), other_info.port)
        assert not net.allows(CLIENT, migration(name), info.port)


def test_the_architecture_doc_lists_the_same_edges():
    """docs/architecture.md's edge sentence is read, not trusted: it must name the EDGES of shared/services.py."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    sentence = re.search(r"^Edges \(.*?(?=\n\n)", text, re.M | re.S).group(0)
    pairs = set()
    for caller, callee in re.findall(r"(\w+)→(\w+)", sentence):
        pairs.add((caller, callee))
    assert pairs == set(EDGES)
