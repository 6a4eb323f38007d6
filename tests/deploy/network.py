"""Who may open a connection to whom under a set of NetworkPolicies: the Kubernetes rules, for the subset the
manifests use (matchLabels selectors, namespaceSelector, ipBlock, numeric ports).

A pod selected by no policy of a type (Ingress or Egress) is open in that direction; a selected pod allows
only what the union of its selecting policies' rules allows. A connection needs the source's egress and the
destination's ingress. Addresses outside the cluster are `External` and only ipBlock peers match them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pod:
    name: str
    namespace: str
    labels: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class External:
    ip: str


Endpoint = Pod | External


class Cluster:
    def __init__(self, policies: list[dict], namespaces: dict[str, dict[str, str]]) -> None:
        self.policies = [p for p in policies if p["kind"] == "NetworkPolicy"]
        # Every namespace carries its name as a label, as Kubernetes sets it.
        self.namespaces = {name: {"kubernetes.io/metadata.name": name, **labels} for name, labels in namespaces.items()}

    def allows(self, source: Endpoint, destination: Endpoint, port: int, protocol: str = "TCP") -> bool:
        return (self._direction(source, destination, port, protocol, "Egress")
                and self._direction(destination, source, port, protocol, "Ingress"))

    def _direction(self, pod: Endpoint, peer: Endpoint, port: int, protocol: str, kind: str) -> bool:
        if isinstance(pod, External):
            return True  # not governed by the cluster's policies
        selecting = [p for p in self.policies if p["metadata"]["namespace"] == pod.namespace
                     and kind in _types(p) and _selects(p["spec"]["podSelector"], pod.labels)]
        if not selecting:
            return True
        rules_field, peers_field = ("egress", "to") if kind == "Egress" else ("ingress", "from")
        return any(self._peer_in(rule.get(peers_field), peer, policy["metadata"]["namespace"])
                   and _port_in(rule.get("ports"), port, protocol)
                   for policy in selecting for rule in policy["spec"].get(rules_field) or [])

    def _peer_in(self, peers: list[dict] | None, endpoint: Endpoint, policy_namespace: str) -> bool:
        if not peers:
            return True  # no `to`/`from`: every peer
        return any(self._matches(peer, endpoint, policy_namespace) for peer in peers)

    def _matches(self, peer: dict, endpoint: Endpoint, policy_namespace: str) -> bool:
        if "ipBlock" in peer:
            if not isinstance(endpoint, External):
                return False  # pod traffic is matched by selectors (ipBlock is meant for cluster-external IPs)
            ip = ipaddress.ip_address(endpoint.ip)
            block = peer["ipBlock"]
            return (ip in ipaddress.ip_network(block["cidr"])
                    and not any(ip in ipaddress.ip_network(c) for c in block.get("except", [])))
        if isinstance(endpoint, External):
            return False
        if "namespaceSelector" in peer:
            in_namespace = _selects(peer["namespaceSelector"], self.namespaces[endpoint.namespace])
        else:
            in_namespace = endpoint.namespace == policy_namespace
        return in_namespace and _selects(peer.get("podSelector", {}), endpoint.labels)


def _types(policy: dict) -> list[str]:
    spec = policy["spec"]
    return spec.get("policyTypes") or (["Ingress"] + (["Egress"] if "egress" in spec else []))


def _selects(selector: dict, labels: dict[str, str]) -> bool:
    if set(selector) - {"matchLabels"}:
        raise NotImplementedError(f"selector {selector}")
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def _port_in(ports: list[dict] | None, port: int, protocol: str) -> bool:
    if not ports:
        return True
    for entry in ports:
        if not isinstance(entry.get("port", 0), int):
            raise NotImplementedError("named ports")
        low = entry.get("port")
        if entry.get("protocol", "TCP") == protocol and (low is None or low <= port <= entry.get("endPort", low)):
            return True
    return False
