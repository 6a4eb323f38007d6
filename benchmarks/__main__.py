"""`make bench`: run every benchmarks/bench_*.py module against a real PostgreSQL.

Each module exposes `run(admin_url: str) -> None` and prints its own lines; every
figure is reported next to a baseline measured in the same process tree (a bare
gRPC call, a raw psycopg insert), because absolute times on a shared machine mean
little. BENCH_ARGS="audit" runs only modules whose name contains "audit".
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import tempfile
from pathlib import Path

from shared.devdb import admin_database


def main(selected: list[str]) -> None:
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    names = [n for n in names if not selected or any(s in n for s in selected)]
    with tempfile.TemporaryDirectory(prefix="learning-bench-pg-") as directory:
        with admin_database("LEARNING_BENCH_DATABASE_URL", Path(directory) / "pgdata") as admin_url:
            for name in names:
                print(f"== {name}", flush=True)
                importlib.import_module(f"benchmarks.{name}").run(admin_url)


if __name__ == "__main__":
    main(sys.argv[1:])
