"""One table of service names and ports (shared/services.py), followed by settings, `make run`,
docker-compose.yml and the docs; and `make run` wires every service to where the others really listen."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import yaml

from scripts import run
from shared.service_keys import DevKeyFiles
from shared.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
URLS = SimpleNamespace(runtime_url="postgresql://rt@db/x", owner_url="postgresql://own@db/x")
KEYS = DevKeyFiles(Path("jwt-private.pem"), Path("jwt-public.pem"), Path("services"), Path("service-private"))


def _present() -> list[str]:
    return [name for name in SERVICES if (ROOT / "services" / name / "main.py").exists()]


def test_settings_default_to_the_table():
    import importlib

    for name in _present():
        settings = importlib.import_module(f"services.{name}.main").Settings(_env_file=None)
        assert settings.listen_address == SERVICES[name].default_address
        assert settings.service_name == name
        for other, info in SERVICES.items():
            assert settings.address_of(other) == info.default_address


def test_compose_follows_the_table():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in _present():
        info, service = SERVICES[name], compose[name]
        env = service["environment"]
        assert service["ports"] == [f"{info.port}:{info.port}", f"{info.metrics_port}:{info.metrics_port}"]
        assert env[f"{info.prefix}LISTEN_ADDRESS"] == f"0.0.0.0:{info.port}"
        assert f"127.0.0.1:{info.port}" in service["healthcheck"]["test"]
        assert env[f"{info.prefix}DATABASE_URL"].endswith(f"/{info.database}")
        for key, value in env.items():
            match = re.fullmatch(rf"{info.prefix}([A-Z]+)_ADDRESS", key)
            if match and match.group(1) not in ("LISTEN", "METRICS"):
                other = match.group(1).lower()
                assert value == f"{other}:{SERVICES[other].port}", key


def test_docs_follow_the_table():
    architecture = (ROOT / "docs" / "architecture.md").read_text()
    readme = (ROOT / "README.md").read_text()
    for name, info in SERVICES.items():
        assert re.search(rf"^\| {name} \| {re.escape(info.default_address)} \| {info.database} \|", architecture,
                         re.M), f"docs/architecture.md: row of {name}"
        if name in _present():
            assert re.search(rf"^\| {name} \| {re.escape(info.default_address)} \|", readme, re.M), f"README: {name}"


def test_make_run_wires_every_service_to_where_the_others_really_listen():
    environ = {"AUDIT_LISTEN_ADDRESS": "127.0.0.1:6055", "EVIDENCE_LISTEN_ADDRESS": "0.0.0.0:6054",
               "CATALOG_LISTEN_ADDRESS": "127.0.0.1:0"}
    addresses = run.listen_addresses(environ)
    assert addresses["audit"] == "127.0.0.1:6055" and addresses["progress"] == "127.0.0.1:50052"
    catalog_port = int(addresses["catalog"].rsplit(":", 1)[1])
    assert catalog_port > 0  # "any free port" is resolved before the others are told where it is
    env = run.service_environment("catalog", URLS, KEYS, addresses, environ)
    assert env["CATALOG_AUDIT_ADDRESS"] == "127.0.0.1:6055"
    assert env["CATALOG_EVIDENCE_ADDRESS"] == "127.0.0.1:6054"  # a wildcard listener is dialled on loopback
    assert env["CATALOG_LISTEN_ADDRESS"] == f"127.0.0.1:{catalog_port}"
    evidence = run.service_environment("evidence", URLS, KEYS, addresses, environ)
    assert evidence["EVIDENCE_AUDIT_ADDRESS"] == "127.0.0.1:6055"
    assert evidence["EVIDENCE_CATALOG_ADDRESS"] == f"127.0.0.1:{catalog_port}"
    # An address the operator set explicitly wins.
    explicit = run.service_environment("catalog", URLS, KEYS, addresses, {**environ, "CATALOG_AUDIT_ADDRESS": "x:1"})
    assert explicit["CATALOG_AUDIT_ADDRESS"] == "x:1"


def test_the_development_token_names_a_uuid_user(tmp_path, monkeypatch):
    from shared.validation import is_uuid

    monkeypatch.setattr(run, "STATE", tmp_path)
    first = run.dev_user_id()
    assert is_uuid(first) and run.dev_user_id() == first
