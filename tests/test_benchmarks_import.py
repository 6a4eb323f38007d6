"""`make bench` is not part of `make test` (it takes minutes), but its modules must keep importing as the
services they measure change."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

BENCHMARKS = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).resolve().parents[1] / "benchmarks")]))


@pytest.mark.parametrize("name", BENCHMARKS)
def test_every_benchmark_module_imports(name):
    module = importlib.import_module(f"benchmarks.{name}")
    if name.startswith("bench_"):
        assert callable(module.run)
