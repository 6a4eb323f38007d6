"""The deploy artefacts, read once: the rendered Kustomize base and production overlay, and docker-compose.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.deploy.kustomize import render

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = {"base": K8S / "base", "production": K8S / "overlays" / "production"}


@pytest.fixture(scope="session", params=sorted(OVERLAYS))
def rendered(request) -> tuple[str, list[dict]]:
    """(name, resources) of the base and of every overlay."""
    return request.param, render(OVERLAYS[request.param])


@pytest.fixture(scope="session")
def base() -> list[dict]:
    return render(OVERLAYS["base"])


@pytest.fixture(scope="session")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def find(resources: list[dict], kind: str, name: str) -> dict:
    matches = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def container(resource: dict) -> dict:
    containers = resource["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]
