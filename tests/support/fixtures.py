"""One fixture vocabulary for every service, built by one helper (tests/conftest.py calls it per service).

For a service `svc` (catalog, evidence, audit, ...):

    svc_db            session   its provisioned, migrated database (shared.provision.ServiceDatabase)
    svc_settings      session   its Settings: that database, a free port, test keys, relay off
    svc_server        session   the real service (main.build) serving in-process on its own loop thread
    svc_channel       session   a grpc channel to svc_server
    svc_stub          session   the generated <Svc>ServiceStub on that channel
    svc_owner_sql     function  psycopg connection (autocommit) as the schema owner (triggers apply)
    svc_runtime_sql   function  psycopg connection (autocommit) as the runtime role (least privilege)
    svc_superuser_sql function  psycopg connection (autocommit) as a superuser: tampering tests only

Call metadata is named by role and belongs to the test's fresh `tenant` (tests/conftest.py):
learner_md, author_md, reviewer_md, auditor_md, admin_md, service_md (a service token for that
tenant) and all_tenants_service_md (a "*" service token, what outbox relays send).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import grpc
import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy.engine import make_url

from shared.db import libpq_url
from tests.support.servers import ServerThread


def _pem(private_key) -> str:
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()


def _public_pem(private_key) -> str:
    return private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _connect(url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        yield connection


def service_fixtures(name: str) -> dict[str, object]:
    """The fixtures of service `name`, keyed by fixture name (for a conftest's globals())."""

    def main():
        return importlib.import_module(f"services.{name}.main")

    @pytest.fixture(scope="session", name=f"{name}_db")
    def db(provision_service):
        definition = main().DEFINITION
        return provision_service(name, definition.migrations, definition.append_only_tables)

    @pytest.fixture(scope="session", name=f"{name}_settings")
    def settings(request, tokens):
        database = request.getfixturevalue(f"{name}_db")
        extra = {}
        if name == "evidence":  # signs certificates with a key the tests know (they forge with it on purpose)
            extra["certificate_signing_key"] = _pem(request.getfixturevalue("certificate_key"))
            # Checkpoints: a real key; no background signer racing the tests (they sign when they mean to).
            extra["checkpoint_signing_key"] = _pem(request.getfixturevalue("evidence_checkpoint_key"))
            extra["checkpoint_signer_enabled"] = False
        if name == "audit":  # checkpoint keys the tests know (current, retired but trusted); no background
            # signer racing the tests: they sign when they mean to
            current, retired = request.getfixturevalue("audit_checkpoint_keys")
            extra["checkpoint_signing_key"] = _pem(current)
            extra["checkpoint_trusted_keys"] = _public_pem(retired)
            extra["checkpoint_signer_enabled"] = False
        if name in ("progress", "assessment"):  # read published course versions from the real catalog server
            extra["catalog_address"] = request.getfixturevalue("catalog_server").address
        if name == "assessment":  # no background scoring in the shared server: tests that retry pending answers
            extra["pending_retry_seconds"] = 3600.0  # run their own server, which nothing else races
        # No targets run beside these servers: outbox rows stay queued (delivery: tests/relay, tests/integration).
        return main().Settings(database_url=database.runtime_url,  # the runtime role only, as in production
                               listen_address="127.0.0.1:0", migrate_on_start=False, outbox_relay_enabled=False,
                               **tokens.settings_env(name), **extra)

    @pytest.fixture(scope="session", name=f"{name}_server")
    def server(request):
        settings_value = request.getfixturevalue(f"{name}_settings")
        with ServerThread(lambda: main().build(settings_value)) as host:
            yield host

    @pytest.fixture(scope="session", name=f"{name}_channel")
    def channel(request):
        with grpc.insecure_channel(request.getfixturevalue(f"{name}_server").address) as open_channel:
            yield open_channel

    @pytest.fixture(scope="session", name=f"{name}_stub")
    def stub(request):
        module = importlib.import_module(f"learning.{name}.v1.{name}_service_pb2_grpc")
        return getattr(module, f"{name.capitalize()}ServiceStub")(request.getfixturevalue(f"{name}_channel"))

    @pytest.fixture(name=f"{name}_owner_sql")
    def owner_sql(request):
        yield from _connect(request.getfixturevalue(f"{name}_db").owner_url)

    @pytest.fixture(name=f"{name}_runtime_sql")
    def runtime_sql(request):
        yield from _connect(request.getfixturevalue(f"{name}_db").runtime_url)

    @pytest.fixture(name=f"{name}_superuser_sql")
    def superuser_sql(request, admin_url):
        database = request.getfixturevalue(f"{name}_db").database
        yield from _connect(make_url(libpq_url(admin_url)).set(database=database).render_as_string(False))

    fixtures = (db, settings, server, channel, stub, owner_sql, runtime_sql, superuser_sql)
    return {f"_{name}_{index}": fixture for index, fixture in enumerate(fixtures)}
