"""No serving process holds owner or superuser credentials (issue 11).

`make run` migrates each service as its own step (`python -m services.<name> migrate`, the owner URL) and
starts the serving processes with the runtime URL only; a serving process refuses owner credentials
(shared/serving_credentials.py). Checked on real processes, from /proc/<pid>/environ.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from scripts import run
from shared import provision as provisioning
from shared.db import libpq_url
from shared.healthcheck import check
from shared.service_keys import ensure_dev_keys
from shared.services import SERVICES
from shared.serving_credentials import configuration_problems, role_problem

ROOT = Path(__file__).resolve().parents[2]
URLS = provisioning.ServiceDatabase(database="x", owner_url="postgresql://x_owner:owner-secret@db/x",
                                    runtime_url="postgresql://x:runtime-secret@db/x")


def environ_of(pid: int) -> dict[str, str]:
    """What the kernel holds as the process's environment: what any reader of /proc (or a core dump) sees."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(entry.split("=", 1) for entry in raw.decode().split("\0") if "=" in entry)


def superuser_url(admin_url: str, database: str) -> str:
    return make_url(libpq_url(admin_url)).set(database=database).render_as_string(hide_password=False)


def test_the_serving_environment_make_run_builds_holds_only_the_runtime_url(tmp_path):
    operator_shell = {"LEARNING_DATABASE_URL": "postgresql://postgres:super-secret@db/postgres",
                      "LEARNING_TEST_DATABASE_URL": "postgresql://postgres@db/postgres",
                      "CATALOG_MIGRATION_DATABASE_URL": URLS.owner_url,
                      "AUDIT_MIGRATION_DATABASE_URL": "postgresql://o:other-secret@d/a",
                      "CATALOG_MIGRATE_ON_START": "true", "SOME_TOOL_DSN": URLS.owner_url, "HOME": "/home/dev"}
    addresses = run.listen_addresses({})
    env = run.service_environment("catalog", URLS, ensure_dev_keys(tmp_path), addresses, operator_shell)
    assert env["CATALOG_DATABASE_URL"] == URLS.runtime_url
    assert env["HOME"] == "/home/dev"  # the rest of the shell passes through
    for key, value in env.items():
        assert "secret" not in value.replace("runtime-secret", ""), key
        assert "MIGRATION_DATABASE_URL" not in key and "MIGRATE_ON_START" not in key and "LEARNING_" not in key
    migrating = run.migration_environment("catalog", URLS, operator_shell)
    assert migrating["CATALOG_MIGRATION_DATABASE_URL"] == URLS.owner_url  # the migrate step, and only it
    assert "LEARNING_DATABASE_URL" not in migrating and "LEARNING_TEST_DATABASE_URL" not in migrating


def test_make_run_migrates_first_and_no_serving_process_holds_owner_or_superuser_credentials(admin_url, tmp_path):
    """The launch sequence of `make run` (scripts/run.py), on two services, from a shell holding every secret."""
    names = ("catalog", "progress")
    suffix = f"_p{uuid.uuid4().hex[:8]}"
    databases = {name: provisioning.provision(admin_url, name, suffix=suffix) for name in names}
    processes: dict[str, subprocess.Popen] = {}
    try:
        run.migrate_all(databases)
        run.migrate_all(databases)  # at head already: a second run changes nothing and succeeds
        shell = {**os.environ, "LEARNING_DATABASE_URL": admin_url,
                 **{f"{SERVICES[name].prefix}LISTEN_ADDRESS": "127.0.0.1:0" for name in SERVICES},
                 **{f"{SERVICES[name].prefix}METRICS_ADDRESS": "127.0.0.1:0" for name in SERVICES},
                 **{f"{SERVICES[name].prefix}MIGRATION_DATABASE_URL": db.owner_url for name, db in databases.items()}}
        addresses = run.listen_addresses(shell)
        keys = ensure_dev_keys(tmp_path)
        for name, database in databases.items():
            processes[name] = run.spawn(name, run.service_environment(name, database, keys, addresses, shell))
        for name, process in processes.items():
            address = run.wait_until_serving(name, process)
            assert check(run.client_address(address)), name  # serving, with the runtime role alone
        secrets = {admin_url, make_url(admin_url).password}
        for database in databases.values():
            secrets |= {database.owner_url, make_url(database.owner_url).password}
        secrets -= {None, ""}
        for name, process in processes.items():
            seen = environ_of(process.pid)
            assert seen[f"{SERVICES[name].prefix}DATABASE_URL"] == databases[name].runtime_url
            leaked = [key for key, value in seen.items() if any(secret in value for secret in secrets)]
            assert leaked == [], f"{name} holds owner or superuser credentials in {leaked}"
            assert not [key for key in seen if key.endswith("MIGRATION_DATABASE_URL")
                        or (key.startswith("LEARNING_") and key.endswith("DATABASE_URL"))]
    finally:
        run.stop_all(processes)
        for database in databases.values():
            provisioning.drop(admin_url, database.database)


def test_serve_refuses_to_start_with_owner_credentials(audit_db):
    """A serving process given the owner URL exits at once with a configuration error, before it serves."""
    base = {key: value for key, value in os.environ.items() if not key.startswith("AUDIT_")}
    env = {**base, "AUDIT_DATABASE_URL": audit_db.runtime_url, "AUDIT_MIGRATION_DATABASE_URL": audit_db.owner_url,
           "AUDIT_LISTEN_ADDRESS": "127.0.0.1:0"}
    result = subprocess.run([sys.executable, "-m", "services.audit"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "refusing to serve with owner credentials" in result.stderr
    assert "AUDIT_MIGRATION_DATABASE_URL" in result.stderr and '"serving"' not in result.stdout


def test_the_configuration_and_role_checks(audit_db, admin_url):
    from services.audit.main import Settings

    def settings(**values):
        return Settings(_env_file=None, **values)

    assert configuration_problems(settings(database_url=audit_db.runtime_url)) == []
    problems = configuration_problems(settings(database_url=audit_db.runtime_url,
                                               migration_database_url=audit_db.owner_url, migrate_on_start=True))
    assert [p.split(" ")[0] for p in problems] == ["AUDIT_MIGRATION_DATABASE_URL", "AUDIT_MIGRATE_ON_START"]
    assert role_problem(audit_db.runtime_url) is None
    assert "owns the database" in role_problem(audit_db.owner_url)  # the owner URL pasted as DATABASE_URL
    assert "superuser" in role_problem(superuser_url(admin_url, audit_db.database))
    # Unreachable: nothing to judge; the process serves and its health watch reports NOT_SERVING meanwhile.
    assert role_problem("postgresql://nobody@127.0.0.1:1/x", connect_timeout=1) is None


def test_the_old_migrate_on_start_is_refused_not_ignored(audit_db):
    """A configuration that still expects the service to migrate itself learns it will not, at once."""
    base = {key: value for key, value in os.environ.items() if not key.startswith("AUDIT_")}
    env = {**base, "AUDIT_DATABASE_URL": audit_db.runtime_url, "AUDIT_MIGRATE_ON_START": "true"}
    result = subprocess.run([sys.executable, "-m", "services.audit"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and "a serving process never migrates" in result.stderr
