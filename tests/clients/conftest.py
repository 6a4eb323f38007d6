"""The project's npm packages (package.json) for the tests that run other languages' tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("@bufbuild/buf", "@grpc/grpc-js", "@grpc/proto-loader", "protobufjs")


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """node_modules with package.json's packages; installed here when one is missing (a fresh clone that ran
    `make test` without `make lint`). Skips, saying why, only where node or npm is absent."""
    npm = shutil.which("npm")
    if not shutil.which("node") or not npm:
        pytest.skip("node and npm are not installed: the Node client and buf curl tests need them (e.g. apt-get "
                    "install nodejs npm); every other test runs without them")
    modules = ROOT / "node_modules"
    if any(not (modules / package / "package.json").exists() for package in PACKAGES):
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=ROOT, check=True, timeout=300)
    return modules
