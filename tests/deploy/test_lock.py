"""Reproducible installs: uv.lock matches pyproject.toml, its hashed pip export is current, and `make`, CI and
the image all install from it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import gen_k8s
from tests.deploy.conftest import ROOT

DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def _uv() -> str:
    uv = Path(sys.prefix) / "bin" / "uv"
    if uv.exists():
        return str(uv)
    found = shutil.which("uv")
    if found is None:
        pytest.skip("uv is not installed here (make fell back to pip): the lock cannot be re-checked")
    return found


def _without_header(text: str) -> list[str]:
    """The export minus its leading comment lines (they name the output file given on the command line)."""
    return [line for line in text.splitlines() if not line.startswith("#")]


def test_the_lock_matches_pyproject():
    done = subprocess.run([_uv(), "lock", "--check"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, f"uv.lock is stale: run `make lock`\n{done.stderr}"


def test_the_pip_export_is_the_lock(tmp_path):
    """requirements-dev.txt (pip's fallback in the Makefile) pins the same versions and hashes as uv.lock."""
    out = tmp_path / "requirements-dev.txt"
    subprocess.run([_uv(), "export", "--quiet", "--frozen", "--offline", "--extra", "dev", "--no-emit-project",
                    "--format", "requirements-txt", "-o", str(out)], cwd=ROOT, check=True, timeout=120)
    committed = (ROOT / "requirements-dev.txt").read_text()
    assert _without_header(committed) == _without_header(out.read_text()), "run `make lock`"
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==\S+ \\$", committed, re.M)
    assert "kubernetes-validate" in pins and "grpcio" in pins
    assert committed.count("--hash=sha256:") >= len(pins), "every pin carries its hashes"


def test_make_installs_from_the_lock():
    stamp = re.search(r"^\$\(STAMP\):(.*)\n((?:\t.*\n)+)", MAKEFILE, re.M)
    prerequisites, recipe = stamp.group(1).split(), stamp.group(2)
    assert {"pyproject.toml", "uv.lock", "requirements-dev.txt"} <= set(prerequisites)
    assert "sync --quiet --locked" in recipe and "--extra dev" in recipe
    assert "--require-hashes -r requirements-dev.txt" in recipe and "--no-deps -e ." in recipe
    assert "make install" in (ROOT / ".ci" / "run").read_text()


def test_the_image_builds_from_the_lock_as_a_non_root_user():
    stages = re.split(r"^FROM ", DOCKERFILE, flags=re.M)[1:]
    assert len(stages) == 2, "a build stage and a runtime stage"
    build, runtime = stages
    assert re.search(r"^COPY pyproject\.toml uv\.lock \./$", build, re.M)
    syncs = re.findall(r"^RUN uv sync (.*)$", build, re.M)
    assert syncs and all("--frozen" in s and "--no-dev" in s for s in syncs)
    assert "pip install ." not in DOCKERFILE and "requirements" not in DOCKERFILE
    uv_version = re.search(r"^UV_VERSION := (\S+)$", MAKEFILE, re.M).group(1)
    assert f"uv=={uv_version}" in build, "the image uses the uv release the Makefile pins"
    # The runtime stage gets the installed environment only, runs as the UID the manifests require, and
    # compiles no bytecode at run time (read-only root filesystem).
    assert re.findall(r"^COPY .*$", runtime, re.M) == ["COPY --from=build /opt/venv /opt/venv"]
    assert re.search(rf"^USER {gen_k8s.UID}:{gen_k8s.UID}$", runtime, re.M)
    assert "UV_COMPILE_BYTECODE=1" in build and "PYTHONDONTWRITEBYTECODE=1" in runtime
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "node_modules", ".learning"} <= set(ignored)
