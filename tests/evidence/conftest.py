"""Evidence test fixtures: one in-process evidence server per session, stubs, DB access, builders."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from learning.evidence.v1 import evidence_service_pb2_grpc
from services.evidence.main import DEFINITION, Settings, build
from shared.auth import ADMIN, AUDITOR, SERVICE
from shared.db import libpq_url
from tests.support.servers import ServerThread

MIGRATIONS = DEFINITION.migrations
APPEND_ONLY = DEFINITION.append_only_tables


@pytest.fixture(scope="session")
def evidence_db(provision_service):
    return provision_service("evidence", MIGRATIONS, APPEND_ONLY)


@pytest.fixture(scope="session")
def certificate_key() -> Ed25519PrivateKey:
    """The certificate signing key the test server is configured with (tests forge with it on purpose)."""
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def evidence_server(evidence_db, tokens, certificate_key):
    pem = certificate_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    settings = Settings(database_url=evidence_db.runtime_url, migration_database_url=evidence_db.owner_url,
                        listen_address="127.0.0.1:0", migrate_on_start=False, outbox_relay_enabled=False,
                        certificate_signing_key=pem, **tokens.settings_env())
    with ServerThread(lambda: build(settings)) as host:
        yield host


@pytest.fixture(scope="session")
def evidence_stub(evidence_server) -> Iterator[evidence_service_pb2_grpc.EvidenceServiceStub]:
    with grpc.insecure_channel(evidence_server.address) as channel:
        yield evidence_service_pb2_grpc.EvidenceServiceStub(channel)


@pytest.fixture
def owner_sql(evidence_db) -> Iterator[psycopg.Connection]:
    """The schema owner (triggers apply to it)."""
    with psycopg.connect(libpq_url(evidence_db.owner_url), autocommit=True) as conn:
        yield conn


@pytest.fixture
def runtime_sql(evidence_db) -> Iterator[psycopg.Connection]:
    """The service's runtime role (INSERT + SELECT only on append-only tables)."""
    with psycopg.connect(libpq_url(evidence_db.runtime_url), autocommit=True) as conn:
        yield conn


@pytest.fixture
def superuser_sql(admin_url, evidence_db) -> Iterator[psycopg.Connection]:
    """A superuser on the evidence database: the only way to tamper (triggers bypassed on purpose)."""
    from sqlalchemy.engine import make_url

    url = make_url(libpq_url(admin_url)).set(database=evidence_db.database).render_as_string(False)
    with psycopg.connect(url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def service_md(tokens, tenant):
    return tokens.metadata(tenant, [SERVICE], subject="assessment")


@pytest.fixture
def auditor_md(tokens, tenant):
    return tokens.metadata(tenant, [AUDITOR], subject="auditor-1")


@pytest.fixture
def admin_md(tokens, tenant):
    return tokens.metadata(tenant, [ADMIN], subject="admin-1")
