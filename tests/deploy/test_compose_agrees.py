"""docker-compose.yml and the Kubernetes base say the same of every service: command, image, ports, environment
variable names (and every value that is not a credential), readiness check, the migrate step; serving
containers get no owner URL in either; and every variable they set is a real setting of the service."""

from __future__ import annotations

import importlib
import re

import pytest

from scripts import gen_k8s
from shared.services import SERVICES, callees
from tests.deploy.conftest import container, find

SECONDS = re.compile(r"(\d+)s")


def _k8s_env(base: list[dict], name: str) -> dict[str, dict]:
    return {e["name"]: e for e in container(find(base, "Deployment", name))["env"]}


@pytest.mark.parametrize("name", SERVICES)
def test_compose_and_kubernetes_set_the_same_variables(base, compose, name):
    info, service = SERVICES[name], compose[name]
    k8s, env = _k8s_env(base, name), service["environment"]
    assert set(env) == set(k8s), f"{name}: only compose {set(env) - set(k8s)}, only k8s {set(k8s) - set(env)}"
    settings = find(base, "ConfigMap", "learning-jwt")["data"]
    for variable, entry in k8s.items():
        if "value" in entry:
            assert str(env[variable]) == entry["value"], variable
        elif "configMapKeyRef" in entry["valueFrom"]:
            assert str(env[variable]) == settings[entry["valueFrom"]["configMapKeyRef"]["key"]], variable
        else:  # a credential: a Secret in Kubernetes, a development value in compose
            assert variable == f"{info.prefix}DATABASE_URL"
            assert env[variable].endswith(f"/{info.database}") and "_owner" not in env[variable]
    # Each service is told where its callees are, and only those (shared/services.py EDGES).
    addresses = {v for v in env if v.endswith("_ADDRESS") and v not in (f"{info.prefix}LISTEN_ADDRESS",
                                                                           f"{info.prefix}METRICS_ADDRESS")}
    assert addresses == {f"{info.prefix}{other.upper()}_ADDRESS" for other in callees(name)}


@pytest.mark.parametrize("name", SERVICES)
def test_compose_and_kubernetes_run_ports_and_probe_alike(base, compose, name):
    info, service = SERVICES[name], compose[name]
    serving = container(find(base, "Deployment", name))
    assert service["command"] == serving["command"] == ["python", "-m", f"services.{name}"]
    assert compose[name].get("image", compose["keys"]["image"]) == gen_k8s.IMAGE
    published = [int(mapping.split(":")[1]) for mapping in service["ports"]]
    assert published == [p["containerPort"] for p in serving["ports"]] == [info.port, info.metrics_port]
    # compose's healthcheck asks exactly what the readiness probe asks, as often.
    probe = serving["readinessProbe"]
    assert service["healthcheck"]["test"] == ["CMD", "python", "-m", "shared.healthcheck",
                                              f"127.0.0.1:{probe['grpc']['port']}", probe["grpc"]["service"]]
    assert int(SECONDS.fullmatch(service["healthcheck"]["interval"]).group(1)) == probe["periodSeconds"]


def test_serving_containers_get_no_owner_credentials_in_either(base, compose):
    for name in SERVICES:
        env = compose[name]["environment"]
        assert not [v for v in env if "MIGRATION" in v or "MIGRATE" in v], name
        assert not [v for v in env.values() if "_owner" in str(v)], name
    owner_holders = {r["metadata"]["name"] for r in base if "-database-owner" in str(r)}
    assert owner_holders == {f"{name}-migrate" for name in SERVICES}


def test_the_migrate_step_is_the_same_in_both(base, compose):
    migrate = compose["migrate"]
    loop = re.search(r"for s in ([\w ]+); do python -m services\.\$\$s migrate", " ".join(migrate["command"]))
    assert set(loop.group(1).split()) == set(SERVICES)
    for name, info in SERVICES.items():
        job = container(find(base, "Job", f"{name}-migrate"))
        ours = {v for v in migrate["environment"] if v.startswith(info.prefix)}
        assert ours == {e["name"] for e in job["env"]}, name
        assert "_owner" in migrate["environment"][f"{info.prefix}MIGRATION_DATABASE_URL"]


@pytest.mark.parametrize("name", SERVICES)
def test_every_variable_is_a_setting_of_the_service(compose, name):
    """A misspelt variable would be ignored silently (settings ignore unknown names): each must be a field."""
    settings_type = importlib.import_module(f"services.{name}.main").Settings
    prefix = SERVICES[name].prefix
    for variable in compose[name]["environment"]:
        assert variable.removeprefix(prefix).lower() in settings_type.model_fields, variable


@pytest.mark.parametrize("name", SERVICES)
def test_the_probed_name_is_the_service_each_main_registers(name):
    """Readiness asks grpc.health.v1 for ServiceInfo.grpc_service: the v1 service each main.py serves."""
    full_name = SERVICES[name].grpc_service
    generated = importlib.import_module(f"learning.{name}.v1.{name}_service_pb2")
    assert full_name in {s.full_name for s in generated.DESCRIPTOR.services_by_name.values()}
    main = importlib.import_module(f"services.{name}.main")
    assert full_name in [value for value in vars(main).values() if isinstance(value, str)]
