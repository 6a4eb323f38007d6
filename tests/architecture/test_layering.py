"""The service skeleton (docs/architecture.md, "The shape of a service") is enforced, not just written down.

Every module's imports are read with `ast` (nothing is imported or executed) and checked against the
layer rules; a violation names the importing file, its line and the import. The same rules would be
a handful of lines in import-linter, but they depend on how this repository names its layers, so
they are stated here, where a newcomer finds them next to the skeleton they protect.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shared.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
SKELETON = ("api", "validate", "domain", "tables", "store", "convert", "main")

# layer -> layers of the same service it must not import
FORBIDDEN_SIBLINGS: dict[str, set[str]] = {
    "domain": {"api", "validate", "tables", "store", "convert", "main"},
    "store": {"api", "validate", "convert", "main"},
    "convert": {"api", "validate", "store", "tables", "main"},
    "validate": {"api", "store", "tables", "main"},
    "tables": {"api", "validate", "domain", "store", "convert", "main"},
    "api": {"tables", "main"},
}
# layer -> third-party/top-level packages it must not import (I/O and wire formats stay out of the core)
FORBIDDEN_PACKAGES: dict[str, set[str]] = {
    "domain": {"sqlalchemy", "psycopg", "grpc", "learning"},   # plain data and rules: no I/O, no protos
    "validate": {"sqlalchemy", "psycopg"},                     # no I/O
    "convert": {"sqlalchemy.ext", "psycopg"},                  # no queries
    "api": {"sqlalchemy", "psycopg"},                          # no SQL, no Table objects
}


def _imports(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in `path`, relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.append((node.lineno, base))
            # `from services.x import store` imports the module services.x.store
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _layer(path: Path, service_dir: Path) -> str | None:
    """The skeleton layer of a module: api.py or api/<resource>.py are both 'api'."""
    first = path.relative_to(service_dir).parts[0]
    name = first.removesuffix(".py")
    return name if name in SKELETON else None


def _service_modules(root: Path):
    for service_dir in sorted((root / "services").iterdir()):
        if (service_dir / "__init__.py").exists():
            for path in sorted(service_dir.rglob("*.py")):
                if "migrations" not in path.parts:
                    yield service_dir, path


def layering_violations(root: Path = ROOT) -> list[str]:
    problems = []
    for service_dir, path in _service_modules(root):
        service = service_dir.name
        layer = _layer(path, service_dir)
        where = path.relative_to(root)
        for line, module in _imports(path, root):
            parts = module.split(".")
            if parts[0] == "services" and len(parts) > 1 and parts[1] != service:
                problems.append(f"{where}:{line} imports {module}: a service never imports another service")
            if layer is None:
                continue
            if parts[:2] == ["services", service] and len(parts) > 2 and parts[2] in FORBIDDEN_SIBLINGS.get(layer, ()):
                problems.append(f"{where}:{line} imports {module}: {layer} must not import {parts[2]}")
            for package in FORBIDDEN_PACKAGES.get(layer, ()):
                if module == package or module.startswith(package + "."):
                    problems.append(f"{where}:{line} imports {module}: {layer} must not import {package}")
    for path in sorted((root / "shared").rglob("*.py")):
        for line, module in _imports(path, root):
            if module == "services" or module.startswith("services."):
                problems.append(f"{path.relative_to(root)}:{line} imports {module}: shared imports no service")
    return sorted(set(problems))


def test_layers_import_only_what_the_skeleton_allows():
    problems = layering_violations()
    assert not problems, "layering violations:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("service", sorted(name for name in SERVICES if (ROOT / "services" / name).exists()))
def test_every_service_has_the_skeleton(service):
    service_dir = ROOT / "services" / service
    missing = [layer for layer in SKELETON
               if not (service_dir / f"{layer}.py").exists() and not (service_dir / layer / "__init__.py").exists()]
    missing += [extra for extra in ("__main__.py", "README.md", "migrations/env.py")
                if not (service_dir / extra).exists()]
    assert not missing, f"services/{service} lacks {missing} (docs/architecture.md, 'The shape of a service')"


def test_a_deliberate_violation_is_caught(tmp_path):
    """The checker itself: a domain module importing its store, a store importing the servicer,
    a service importing another, and shared importing a service are all named."""
    (tmp_path / "services" / "alpha").mkdir(parents=True)
    (tmp_path / "shared").mkdir()
    (tmp_path / "services" / "alpha" / "__init__.py").write_text("")
    (tmp_path / "services" / "alpha" / "domain.py").write_text("from services.alpha import store\nimport grpc\n")
    (tmp_path / "services" / "alpha" / "store.py").write_text("from services.alpha.api import Api\n")
    (tmp_path / "services" / "alpha" / "convert.py").write_text("from . import validate\n")
    (tmp_path / "services" / "alpha" / "api.py").write_text("from services.beta import store\nimport sqlalchemy\n")
    (tmp_path / "shared" / "thing.py").write_text("import services.alpha.domain\n")
    problems = "\n".join(layering_violations(tmp_path))
    for expected in ("domain.py:1 imports services.alpha.store: domain must not import store",
                     "domain.py:2 imports grpc: domain must not import grpc",
                     "store.py:1 imports services.alpha.api: store must not import api",
                     "convert.py:1 imports services.alpha.validate: convert must not import validate",
                     "api.py:1 imports services.beta.store: a service never imports another service",
                     "api.py:2 imports sqlalchemy: api must not import sqlalchemy",
                     "thing.py:1 imports services.alpha.domain: shared imports no service"):
        assert expected in problems, problems
