"""docs/operations.md's Citus plan lists every table of every service (read from its tables.py) as distributed
by tenant_id, and says there are no reference tables: true only while every table leads its keys with
tenant_id, which is checked here too."""

from __future__ import annotations

import importlib
import re

from shared.services import SERVICES
from tests.deploy.conftest import ROOT


def _documented() -> dict[str, set[str]]:
    text = (ROOT / "docs" / "operations.md").read_text()
    header = text.index("| service | distributed tables (`tenant_id`) |")
    rows = re.findall(r"^\| (\w+) \| (.*) \|$", text[header:].split("\n\n", 1)[0], re.M)
    return {service: set(re.findall(r"`(\w+)`", tables)) for service, tables in rows if service in SERVICES}


def test_the_citus_plan_lists_every_table_of_every_service():
    documented = _documented()
    assert set(documented) == set(SERVICES)
    for name in SERVICES:
        tables = importlib.import_module(f"services.{name}.tables").metadata.tables
        assert documented[name] == set(tables), name


def test_every_table_can_be_distributed_by_tenant():
    """Citus needs the distribution column in every primary key, unique key and co-located foreign key."""
    for name in SERVICES:
        for table in importlib.import_module(f"services.{name}.tables").metadata.tables.values():
            assert table.primary_key.columns.keys()[0] == "tenant_id", table.name
            for constraint in table.constraints:
                columns = getattr(constraint, "columns", None)
                if columns is not None and len(columns) and constraint is not table.primary_key:
                    if constraint.__class__.__name__ in ("UniqueConstraint", "ForeignKeyConstraint"):
                        assert "tenant_id" in columns.keys(), f"{table.name}: {constraint.name}"
            for index in table.indexes:
                if index.unique:
                    assert "tenant_id" in [c.name for c in index.columns], f"{table.name}: {index.name}"
