"""deploy/k8s: generated from the service table, valid against the Kubernetes schemas (offline, strict), and
holding what the issue asks of every service: gRPC probes, runtime credentials only from Secrets, resources,
non-root read-only containers, autoscaling, disruption budgets, and a migration Job with the owner Secret."""

from __future__ import annotations

import json
import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml

from scripts import gen_k8s
from shared.server import LIVENESS
from shared.services import SERVICES
from tests.deploy.conftest import K8S, OVERLAYS, ROOT, container, find
from tests.deploy.kustomize import key, render

# The oldest Kubernetes the manifests promise to work on (gRPC probes are GA since 1.27), and the newest schema.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())


def test_the_base_is_the_generators_output():
    expected = gen_k8s.files()
    present = {path.name for path in (K8S / "base").iterdir()}
    assert present == set(expected), "deploy/k8s/base holds files the generator does not write (or misses some)"
    for name, content in expected.items():
        assert (K8S / "base" / name).read_text() == content, f"deploy/k8s/base/{name} is stale: run `make k8s`"


def test_every_manifest_is_valid_against_the_kubernetes_schemas(rendered):
    overlay, resources = rendered
    assert len(resources) == 3 + 7 * len(SERVICES)
    for resource in resources:
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(resource, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{overlay}: {resource['kind']}/{resource['metadata']['name']} on {version}: {error}")


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed: the renderer is not compared")
@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_the_renderer_agrees_with_kubectl(overlay):
    output = subprocess.run(["kubectl", "kustomize", str(OVERLAYS[overlay])], capture_output=True, text=True,
                            check=True, timeout=60).stdout
    theirs = {key(r): r for r in yaml.safe_load_all(output) if r}
    ours = {key(r): r for r in render(OVERLAYS[overlay])}
    assert ours.keys() == theirs.keys()
    for name, resource in ours.items():
        assert resource == theirs[name], name


def test_no_secret_is_written_into_the_manifests(rendered):
    _, resources = rendered
    assert not [r for r in resources if r["kind"] == "Secret"], "Secrets are created by operators, not committed"
    text = json.dumps(resources)
    assert "postgresql://" not in text and "PRIVATE KEY" not in text


@pytest.mark.parametrize("name", SERVICES)
def test_each_deployment_serves_with_runtime_credentials_and_its_own_keys(rendered, name):
    _, resources = rendered
    info, deployment = SERVICES[name], find(resources, "Deployment", name)
    pod, serving = deployment["spec"]["template"]["spec"], container(deployment)
    env = {e["name"]: e for e in serving["env"]}
    assert env[f"{info.prefix}DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": f"learning-{name}-database",
                                                                               "key": "url"}
    assert not [n for n in env if n.endswith("MIGRATION_DATABASE_URL") or n.endswith("MIGRATE_ON_START")]
    assert "-owner" not in json.dumps(deployment), "a serving pod must not be able to read the owner Secret"
    secrets = {source["secret"]["name"] for volume in pod["volumes"] if "projected" in volume
               for source in volume["projected"]["sources"]}
    own = {f"learning-{name}-identity", f"learning-{name}-checkpoint", f"learning-{name}-certificate"}
    private = {s for s in secrets if s.endswith(("-identity", "-checkpoint", "-certificate"))}
    assert f"learning-{name}-identity" in private and private <= own, "only its own private keys"
    assert {"learning-identity-provider", "learning-service-public-keys"} <= secrets
    # The keys land where the variables point (the same paths as compose's keys volume).
    paths = {item["path"] for volume in pod["volumes"] if "projected" in volume
             for source in volume["projected"]["sources"] for item in source["secret"]["items"]}
    for variable, path in gen_k8s.key_files(info).items():
        assert env[info.prefix + variable]["value"] == path
        assert path.removeprefix("/keys/") in paths or path == "/keys/services"
    assert {f"services/{other}.pem" for other in SERVICES} <= paths


@pytest.mark.parametrize("name", SERVICES)
def test_each_deployment_has_grpc_probes_resources_and_a_locked_down_container(rendered, name):
    _, resources = rendered
    info, deployment = SERVICES[name], find(resources, "Deployment", name)
    pod, serving = deployment["spec"]["template"]["spec"], container(deployment)
    assert serving["readinessProbe"]["grpc"] == {"port": info.port, "service": info.grpc_service}
    assert serving["livenessProbe"]["grpc"] == {"port": info.port, "service": LIVENESS}
    assert serving["startupProbe"]["grpc"] == {"port": info.port, "service": LIVENESS}
    assert {p["name"]: p["containerPort"] for p in serving["ports"]} == {"grpc": info.port,
                                                                        "metrics": info.metrics_port}
    for bound in ("requests", "limits"):
        assert set(serving["resources"][bound]) == {"cpu", "memory"}
    _assert_locked_down(pod, serving)
    assert pod["automountServiceAccountToken"] is False and pod["serviceAccountName"] == name
    assert "replicas" not in deployment["spec"], "the autoscaler owns the replica count"
    service = find(resources, "Service", name)
    assert service["spec"]["selector"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    assert {p["name"]: p["port"] for p in service["spec"]["ports"]} == {"grpc": info.port,
                                                                       "metrics": info.metrics_port}


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_scales_and_survives_disruptions(rendered, name):
    _, resources = rendered
    deployment = find(resources, "Deployment", name)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    autoscaler = find(resources, "HorizontalPodAutoscaler", name)
    assert autoscaler["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    assert 2 <= autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"]
    budget = find(resources, "PodDisruptionBudget", name)
    assert budget["spec"]["maxUnavailable"] == 1
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    # A rollout never goes below the current count: with maxUnavailable 0 a new pod is ready before one stops.
    assert deployment["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": 0}


@pytest.mark.parametrize("name", SERVICES)
def test_each_migration_job_alone_holds_the_owner_secret(rendered, name):
    _, resources = rendered
    info, job = SERVICES[name], find(resources, "Job", f"{name}-migrate")
    pod, migrate = job["spec"]["template"]["spec"], container(job)
    assert migrate["command"] == ["python", "-m", f"services.{name}", "migrate"]
    env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in migrate["env"]}
    assert env == {f"{info.prefix}DATABASE_URL": {"name": f"learning-{name}-database", "key": "url"},
                   f"{info.prefix}MIGRATION_DATABASE_URL": {"name": f"learning-{name}-database-owner", "key": "url"}}
    assert pod["restartPolicy"] == "Never"
    _assert_locked_down(pod, migrate)
    holders = [f"{r['kind']}/{r['metadata']['name']}" for r in resources
               if f"learning-{name}-database-owner" in json.dumps(r)]
    assert holders == [f"Job/{name}-migrate"]


def test_every_secret_the_manifests_reference_is_documented(base):
    """docs/operations.md tells operators which Secrets (and keys) to create before the first deploy."""
    referenced = set()
    for resource in base:
        text = json.dumps(resource)
        referenced |= {name for name in _secret_names(resource)}
        assert "secretRef" not in text.replace("secretKeyRef", ""), "no envFrom of whole Secrets"
    operations = (ROOT / "docs" / "operations.md").read_text()
    generic = {_generic(name) for name in referenced}  # learning-catalog-database -> learning-<name>-database
    missing = sorted(name for name in generic if f"`{name}`" not in operations)
    assert not missing, f"Secrets used but not documented in docs/operations.md: {missing}"


def test_the_production_overlay_pins_the_image_and_grows_the_pods(base):
    production = render(OVERLAYS["production"])
    for name in SERVICES:
        small, big = container(find(base, "Deployment", name)), container(find(production, "Deployment", name))
        assert small["image"] == gen_k8s.IMAGE and big["image"].endswith(":0.1.0") and "/" in big["image"]
        assert container(find(production, "Job", f"{name}-migrate"))["image"] == big["image"]
        assert _mebibytes(big["resources"]["limits"]["memory"]) > _mebibytes(small["resources"]["limits"]["memory"])
        assert (find(production, "HorizontalPodAutoscaler", name)["spec"]["minReplicas"]
                > find(base, "HorizontalPodAutoscaler", name)["spec"]["minReplicas"])
    issuer = find(production, "ConfigMap", "learning-jwt")["data"]["issuer"]
    assert issuer != find(base, "ConfigMap", "learning-jwt")["data"]["issuer"]


def _assert_locked_down(pod: dict, running: dict) -> None:
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == gen_k8s.UID
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    security = running["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    # The only writable path is /tmp, an emptyDir.
    writable = [m for m in running["volumeMounts"] if not m.get("readOnly")]
    assert [m["mountPath"] for m in writable] == ["/tmp"]


def _secret_names(node) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_secret_names(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set()
    if "secretKeyRef" in node:
        found.add(node["secretKeyRef"]["name"])
    if isinstance(node.get("secret"), dict) and "name" in node["secret"]:
        found.add(node["secret"]["name"])
    return found.union(*(_secret_names(value) for value in node.values()))


def _generic(secret: str) -> str:
    for name in SERVICES:
        secret = secret.replace(f"-{name}-", "-<name>-")
    return secret


def _mebibytes(quantity: str) -> int:
    return int(quantity[:-2]) * (1024 if quantity.endswith("Gi") else 1)
