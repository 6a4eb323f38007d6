"""`make run`: every service as its own process against a real PostgreSQL, for development.

1. PostgreSQL: LEARNING_DATABASE_URL (a superuser URL) if set, else the embedded
   PostgreSQL 18 under .learning/pgdata (stopped again on exit).
2. Each service gets its own database and two roles (shared/provision.py); the
   service migrates itself at start-up as the owner role and then serves as the runtime role.
3. A development Ed25519 key pair (.learning/jwt-*.pem) signs a token for tenant
   `demo` with every role, written to .learning/dev-token.
4. Services start on their default ports (override with <PREFIX>_LISTEN_ADDRESS);
   the launcher waits until each reports it is serving, prints the table and waits.
   Ctrl-C (or SIGTERM) stops every service gracefully, then PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from shared import embedded_pg
from shared.auth import ALL_ROLES, TokenMinter, ensure_dev_keys
from shared.provision import provision

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".learning"
SERVICES = {"audit": 50055, "evidence": 50054, "catalog": 50051, "progress": 50052, "assessment": 50053}
DEV_TENANT = "demo"


def available_services() -> list[str]:
    """Services present in this checkout, optionally narrowed by LEARNING_SERVICES=catalog,audit."""
    wanted = {s.strip() for s in os.environ.get("LEARNING_SERVICES", "").split(",") if s.strip()}
    return [name for name in SERVICES
            if (ROOT / "services" / name / "main.py").exists() and (not wanted or name in wanted)]


def service_environment(name: str, urls, keys: tuple[Path, Path]) -> dict[str, str]:
    prefix = name.upper() + "_"
    env = dict(os.environ)
    defaults = {
        "DATABASE_URL": urls.runtime_url,
        "MIGRATION_DATABASE_URL": urls.owner_url,
        "LISTEN_ADDRESS": f"127.0.0.1:{SERVICES[name]}",
        "JWT_PRIVATE_KEY_FILE": str(keys[0]),
        "JWT_PUBLIC_KEY_FILE": str(keys[1]),
        "MIGRATE_ON_START": "true",
    }
    for other, port in SERVICES.items():  # where this service's relay finds the others
        defaults[f"{other.upper()}_ADDRESS"] = f"127.0.0.1:{port}"
    for key, value in defaults.items():
        env.setdefault(prefix + key, value)
    return env


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
    processes: dict[str, subprocess.Popen] = {}
    stop_requested = threading.Event()
    # Explicit handlers: a launcher started in the background inherits SIGINT as ignored.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop_requested.set())
    try:
        # Start all services at once (each migrates itself); relays retry until their targets are up.
        databases = {name: provision(admin_url, name) for name in available_services()}
        for name, urls in databases.items():
            processes[name] = spawn(name, service_environment(name, urls, keys))
        rows = [(name, wait_until_serving(name, process), databases[name].database)
                for name, process in processes.items()]
        minter = TokenMinter(keys[0].read_text(), issuer="learning-dev", audience="learning")
        token = minter.mint(subject="dev-user", tenant_id=DEV_TENANT, roles=sorted(ALL_ROLES),
                            ttl_seconds=30 * 24 * 3600)
        (STATE / "dev-token").write_text(token + "\n")
        print("\nLearning services are running:")
        for name, address, database in rows:
            print(f"  {name:<11} {address:<18} database {database}")
        print(f"\nDatabase: {'LEARNING_DATABASE_URL' if os.environ.get('LEARNING_DATABASE_URL') else 'embedded PostgreSQL in .learning/pgdata'}")
        print("Development token (tenant 'demo', all roles): .learning/dev-token")
        print("Try: grpcurl -plaintext -H \"authorization: Bearer $(cat .learning/dev-token)\" "
              "-d '{\"tenant_id\":\"demo\"}' 127.0.0.1:50051 learning.catalog.v1.CatalogService/ListCourses")
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
