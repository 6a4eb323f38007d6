"""`make run`: every service as its own process against a real PostgreSQL, for development.

1. PostgreSQL: LEARNING_DATABASE_URL (a superuser URL) if set, else the embedded
   PostgreSQL 18 under .learning/pgdata (stopped again on exit).
2. Each service gets its own database, two roles and the integrity guard (shared/provision.py);
   `python -m services.<name> migrate` runs for every service, as the owner role, before any starts.
   The serving processes get only the runtime role's URL: no owner URL, no superuser URL
   (service_environment strips them from what the launcher passes on; issue 11).
3. Development Ed25519 keys (shared/service_keys.py, kept across runs): the identity provider's pair
   (.learning/jwt-*.pem) signs a user token for tenant `demo` with every role but `service`, written to
   .learning/dev-token; each service gets its own private key (.learning/service-private/<name>.pem)
   and every service the map of their public keys (.learning/services/<name>.pem). The audit service
   signs its chain checkpoints with .learning/checkpoint-keys/audit.pem, evidence with
   .learning/checkpoint-keys/evidence.pem.
4. Services start on their default ports (shared/services.py; override with <PREFIX>_LISTEN_ADDRESS).
   Every service is told where every other one really listens (<PREFIX><OTHER>_ADDRESS), so moving
   one service rewires its clients and the relays that deliver to it. The launcher waits until each
   reports it is serving, prints the table and waits. Ctrl-C (or SIGTERM) stops every service
   gracefully, then PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from shared import embedded_pg
from shared.auth import ALL_ROLES, SERVICE, TokenMinter
from shared.provision import provision
from shared.service_keys import CHECKPOINT_SIGNERS, DevKeyFiles, ensure_dev_keys, ensure_dev_signing_keys
from shared.services import SERVICES

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".learning"
DEV_TENANT = "demo"
# Start order: targets of the outbox relays first, so the first deliveries find them up.
START_ORDER = ("audit", "evidence", "progress", "assessment", "catalog")


def available_services() -> list[str]:
    """Services present in this checkout, optionally narrowed by LEARNING_SERVICES=catalog,audit."""
    wanted = {s.strip() for s in os.environ.get("LEARNING_SERVICES", "").split(",") if s.strip()}
    return [name for name in START_ORDER
            if (ROOT / "services" / name / "main.py").exists() and (not wanted or name in wanted)]


def listen_addresses(environ: dict[str, str]) -> dict[str, str]:
    """Where each service will listen: <PREFIX>_LISTEN_ADDRESS if set, else its default address.
    Port 0 ("any free port") is resolved here, so the others can be told the real port in advance."""
    addresses = {}
    for name, info in SERVICES.items():
        address = environ.get(info.prefix + "LISTEN_ADDRESS") or info.default_address
        host, _, port = address.rpartition(":")
        if port == "0":
            address = f"{host}:{_free_port(host or '127.0.0.1')}"
        addresses[name] = address
    return addresses


def client_address(listen_address: str) -> str:
    """The address a client on this machine dials for a server listening on `listen_address`."""
    host, _, port = listen_address.rpartition(":")
    if host in ("", "0.0.0.0", "[::]", "::"):
        host = "127.0.0.1"
    return f"{host}:{port}"


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host.strip("[]"), 0))
        return s.getsockname()[1]


# The launcher's superuser URLs (LEARNING_DATABASE_URL, LEARNING_TEST_/BENCH_DATABASE_URL) and owner settings.
_SUPERUSER_VARIABLE = re.compile(r"LEARNING_(\w+_)?DATABASE_URL")
_OWNER_VARIABLE = re.compile(r"\w+_(MIGRATION_DATABASE_URL|MIGRATE_ON_START)")


def without_credentials(environ: dict[str, str], *, owner: bool, secrets: tuple[str, ...] = ()) -> dict[str, str]:
    """`environ` without superuser URLs, without owner settings if `owner`, without any value holding a secret."""
    return {key: value for key, value in environ.items()
            if not _SUPERUSER_VARIABLE.fullmatch(key) and not (owner and _OWNER_VARIABLE.fullmatch(key))
            and not any(secret in value for secret in secrets if secret)}


def migration_environment(name: str, urls, environ: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of `python -m services.<name> migrate`: the owner URL, and the runtime URL to grant its role."""
    prefix = SERVICES[name].prefix
    env = without_credentials(dict(os.environ if environ is None else environ), owner=False)
    env.setdefault(prefix + "DATABASE_URL", urls.runtime_url)
    env.setdefault(prefix + "MIGRATION_DATABASE_URL", urls.owner_url)
    return env


def migrate_all(databases: dict) -> None:
    """Every service's `migrate` step, in parallel, before any service starts; exits if one fails."""
    steps = {name: subprocess.Popen([sys.executable, "-m", f"services.{name}", "migrate"], cwd=ROOT,
                                    env=migration_environment(name, urls), stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
             for name, urls in databases.items()}
    outputs = {name: step.communicate()[0] for name, step in steps.items()}
    failed = [name for name, step in steps.items() if step.returncode != 0]
    for name in failed:
        print(f"[{name} migrate] exit code {steps[name].returncode}:\n{outputs[name]}", end="")
    if failed:
        raise SystemExit(f"migrations failed: {', '.join(failed)}")


def checkpoint_key_file(name: str) -> Path:
    """The development checkpoint key of `name` (shared.service_keys.ensure_dev_signing_keys keeps it across runs)."""
    return STATE / "checkpoint-keys" / f"{name}.pem"


def service_environment(name: str, urls, keys: DevKeyFiles, addresses: dict[str, str],
                        environ: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of a serving process: its runtime URL and nothing stronger (no owner, no superuser URL)."""
    prefix = SERVICES[name].prefix
    env = without_credentials(dict(os.environ if environ is None else environ), owner=True,
                              secrets=(urls.owner_url,))
    defaults = {
        "DATABASE_URL": urls.runtime_url,
        "JWT_PRIVATE_KEY_FILE": str(keys.private_key_of(name)),  # its own identity, no other service's
        "JWT_PUBLIC_KEY_FILE": str(keys.idp_public),
        "SERVICE_PUBLIC_KEYS_DIR": str(keys.service_public_dir),
    }
    if name in CHECKPOINT_SIGNERS:
        defaults["CHECKPOINT_SIGNING_KEY_FILE"] = str(checkpoint_key_file(name))
    for key, value in defaults.items():
        env.setdefault(prefix + key, value)
    env[prefix + "LISTEN_ADDRESS"] = addresses[name]
    for other in SERVICES:  # where this service's relays and clients find the others
        env.setdefault(f"{prefix}{other.upper()}_ADDRESS", client_address(addresses[other]))
    return env


def dev_user_id() -> str:
    """A stable development user id (kept in .learning/dev-user-id across runs)."""
    path = STATE / "dev-user-id"
    if not path.exists():
        path.write_text(str(uuid.uuid4()) + "\n")
    return path.read_text().strip()


def spawn(name: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", f"services.{name}"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )


def wait_until_serving(name: str, process: subprocess.Popen) -> str:
    """Read the service's stdout until its JSON "serving" line; then keep forwarding its output."""
    assert process.stdout is not None
    for line in process.stdout:
        try:
            event = json.loads(line)
        except ValueError:
            print(f"[{name}] {line}", end="")
            continue
        if event.get("event") == "serving":
            threading.Thread(target=_forward, args=(name, process), daemon=True).start()
            return event["address"]
    raise SystemExit(f"{name} did not start (exit code {process.wait()}); see its log above")


def _forward(name: str, process: subprocess.Popen) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        print(f"[{name}] {line}", end="")


def stop_all(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for name, process in processes.items():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop in time; killing it")
            process.kill()


def main() -> None:
    STATE.mkdir(exist_ok=True)
    embedded = None if os.environ.get("LEARNING_DATABASE_URL") else embedded_pg.start(STATE / "pgdata")
    admin_url = os.environ.get("LEARNING_DATABASE_URL") or embedded.url
    keys = ensure_dev_keys(STATE)
    ensure_dev_signing_keys(STATE)
    processes: dict[str, subprocess.Popen] = {}
    stop_requested = threading.Event()
    # Explicit handlers: a launcher started in the background inherits SIGINT as ignored.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop_requested.set())
    try:
        # Migrate every service first (its own step, as the owner), then start all at once as the runtime
        # roles; relays retry until their targets are up.
        databases = {name: provision(admin_url, name) for name in available_services()}
        migrate_all(databases)
        addresses = listen_addresses(dict(os.environ))
        for name, urls in databases.items():
            processes[name] = spawn(name, service_environment(name, urls, keys, addresses))
        rows = [(name, wait_until_serving(name, process), databases[name].database)
                for name, process in processes.items()]
        minter = TokenMinter(keys.idp_private.read_text(), issuer="learning-dev", audience="learning")
        # The subject is a user id, as an identity provider would issue it (RPCs that default an owner or
        # recipient to the caller need a UUID there).
        token = minter.mint(subject=dev_user_id(), tenant_id=DEV_TENANT, roles=sorted(ALL_ROLES - {SERVICE}),
                            ttl_seconds=30 * 24 * 3600)
        (STATE / "dev-token").write_text(token + "\n")
        print("\nLearning services are running:")
        for name, address, database in rows:
            print(f"  {name:<11} {address:<18} database {database}")
        print(f"\nDatabase: {'LEARNING_DATABASE_URL' if os.environ.get('LEARNING_DATABASE_URL') else 'embedded PostgreSQL in .learning/pgdata'}")
        print("Development token (tenant 'demo', every user role): .learning/dev-token")
        if "catalog" in processes:
            print("Try: grpcurl -plaintext -H \"authorization: Bearer $(cat .learning/dev-token)\" "
                  f"-d '{{\"tenant_id\":\"demo\"}}' {client_address(addresses['catalog'])} "
                  "learning.catalog.v1.CatalogService/ListCourses")
        print("Press Ctrl-C to stop.\n", flush=True)
        while not stop_requested.is_set():
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with code {process.returncode}; stopping everything")
                    stop_requested.set()
            stop_requested.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping services...", flush=True)
        stop_all(processes)
        if embedded is not None:
            embedded.stop()
        print("Stopped.")


if __name__ == "__main__":
    main()
