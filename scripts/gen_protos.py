"""Generate the Python stubs (messages, .pyi type stubs, gRPC stubs and their .pyi) from protos/.

    python scripts/gen_protos.py [OUT_DIR]      (default: gen/)

The output is an ordinary package tree (`learning.catalog.v1.catalog_service_pb2`, ...)
that pyproject.toml installs; every directory gets an __init__.py. The test
tests/test_generated_code.py regenerates into a temporary directory and fails if
the committed files differ, so stale stubs never land.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grpc_tools

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"


def generate(out: Path) -> None:
    target = out / "learning"
    if target.exists():
        shutil.rmtree(target)
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    subprocess.run(
        [
            sys.executable, "-m", "grpc_tools.protoc",
            f"-I{PROTOS}", f"-I{well_known}",
            f"--python_out={out}", f"--pyi_out={out}",
            f"--plugin=protoc-gen-mypy_grpc={Path(sys.executable).parent / 'protoc-gen-mypy_grpc'}",
            f"--grpc_python_out={out}", f"--mypy_grpc_out={out}",
            *files,
        ],
        check=True,
        cwd=PROTOS,
    )
    for directory in [target, *[p for p in target.rglob("*") if p.is_dir()]]:
        (directory / "__init__.py").touch()
    (target / "py.typed").touch()


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "gen")
