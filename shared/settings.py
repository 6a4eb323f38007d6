"""Typed configuration from the environment, one prefix per service.

Every service subclasses `ServiceSettings` and sets its own `env_prefix`
(CATALOG_, AUDIT_, ...), so one process environment can hold the settings of
all services without clashes and ops configure each service on its own.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.service_keys import from_directory, from_json
from shared.services import SERVICES, default_address


class ServiceSettings(BaseSettings):
    """Settings every service understands. Subclasses add their own fields."""

    model_config = SettingsConfigDict(env_prefix="LEARNING_", extra="ignore", frozen=True)

    #: host:port to listen on; port 0 picks a free port (printed at start-up).
    listen_address: str = "127.0.0.1:0"
    #: Runtime database URL (the service's least-privileged role).
    database_url: str = ""
    #: Owner URL, for the `migrate` command only (defaults to database_url there); a serving process
    #: refuses to start with it set (shared/serving_credentials.py).
    migration_database_url: str = ""
    #: Serving never migrates (issue 11: no owner credentials in a serving process); true is refused at
    #: start with a pointer to `python -m services.<name> migrate`. Kept so old configurations fail loudly.
    migrate_on_start: bool = False
    db_pool_size: int = 10
    db_max_overflow: int = 10
    #: Longest any one statement may run (PostgreSQL statement_timeout, per connection). RPCs are
    #: bounded tighter by their deadline (shared/db.py); this bounds work without a caller.
    db_statement_timeout_seconds: float = Field(default=60.0, gt=0)

    #: PEM public key(s) that sign accepted JWTs, inline or via *_FILE.
    jwt_public_key: str = ""
    jwt_public_key_file: Path | None = None
    #: PEM Ed25519 private key this service signs its own outbound service tokens with (its identity: the
    #: public half must be listed under this service's name in every other service's service key map).
    jwt_private_key: str = ""
    jwt_private_key_file: Path | None = None
    #: The services whose tokens this one accepts: a directory of <service>.pem public keys, or the same
    #: map inline as a JSON object {"<service>": "<PEM>"} (shared/service_keys.py).
    service_public_keys_dir: Path | None = None
    service_public_keys: str = ""
    jwt_issuer: str = "learning-dev"
    jwt_audience: str = "learning"

    #: Worker processes serving the listen address together (SO_REUSEPORT; see shared/workers.py).
    #: One Python process uses one core: set this to the cores the service may use.
    workers: int = Field(default=1, ge=1, le=64)
    #: Set by the supervisor of N workers, never by hand: this process is worker i and shares its port.
    worker_index: int | None = Field(default=None, ge=0)

    #: host:port of the HTTP /metrics (Prometheus) of this service; unset: its default port from
    #: shared/services.py (gRPC port + 1000); "" turns it off. One per service, however many workers
    #: (shared/metrics_server.py).
    metrics_address: str | None = None

    #: Seconds granted to in-flight RPCs on SIGTERM/SIGINT before they are cancelled.
    shutdown_grace_seconds: float = 10.0
    log_level: str = "INFO"

    #: Outbox relay tuning (see shared/outbox_relay.py).
    outbox_batch_size: int = Field(default=100, ge=1, le=1000)
    outbox_poll_seconds: float = Field(default=0.5, gt=0)
    outbox_max_backoff_seconds: float = Field(default=30.0, gt=0)
    #: Seconds a claimed outbox batch stays reserved for the relay that claimed it; after a crash
    #: mid-delivery another relay retries it once this lease runs out.
    outbox_lease_seconds: float = Field(default=60.0, gt=0)
    #: Deadline of one delivery RPC made by the outbox relay.
    outbox_delivery_timeout_seconds: float = Field(default=15.0, gt=0)
    #: How often the relay logs its backlog (pending rows, age of the oldest) per destination.
    outbox_backlog_log_seconds: float = Field(default=30.0, gt=0)

    #: Run the outbox relay inside this process (turn off only where another replica or a test delivers).
    outbox_relay_enabled: bool = True
    #: Where this service finds the others (its outbox routes and clients), defaults from shared/services.py.
    catalog_address: str = default_address("catalog")
    progress_address: str = default_address("progress")
    assessment_address: str = default_address("assessment")
    evidence_address: str = default_address("evidence")
    audit_address: str = default_address("audit")
    #: Lifetime of the service tokens this service mints for its outbound calls (re-minted before expiry).
    service_token_ttl_seconds: int = Field(default=300, ge=30)

    @property
    def service_name(self) -> str:
        """`catalog` for CATALOG_ settings: the service's name, and the subject of its own tokens."""
        return str(self.model_config.get("env_prefix", "")).rstrip("_").lower() or "service"

    def metrics_listen_address(self) -> str:
        """Where /metrics is served: the setting, else the service's default; "" when turned off."""
        if self.metrics_address is not None:
            return self.metrics_address
        info = SERVICES.get(self.service_name)
        return info.default_metrics_address if info is not None else ""

    def address_of(self, service: str) -> str:
        """host:port where `service` listens, as configured for this service (<PREFIX><SERVICE>_ADDRESS)."""
        return getattr(self, f"{service}_address")

    def runtime_database_url(self) -> str:
        if not self.database_url:
            raise RuntimeError(f"{self.model_config['env_prefix']}DATABASE_URL is not set")
        return self.database_url

    def owner_database_url(self) -> str:
        return self.migration_database_url or self.runtime_database_url()

    def public_key_pem(self) -> str:
        if self.jwt_public_key_file:
            return self.jwt_public_key_file.read_text()
        return self.jwt_public_key

    def service_key_map(self) -> dict[str, list[str]]:
        """Service name -> trusted public keys (PEM); both settings merge, the directory's keys first."""
        keys = from_directory(self.service_public_keys_dir) if self.service_public_keys_dir else {}
        for name, pems in (from_json(self.service_public_keys) if self.service_public_keys.strip() else {}).items():
            keys[name] = [*keys.get(name, []), *pems]
        return keys

    def private_key_pem(self) -> str:
        if self.jwt_private_key_file:
            return self.jwt_private_key_file.read_text()
        return self.jwt_private_key
