"""Each service's `tables.py` says exactly what its migrations build (alembic's autogenerate compare).

The servicers query through `tables.py`; the database is built by `migrations/`. If the two drift
(a column type, a nullability, an index or a unique key declared in one place only), queries and
plans quietly stop matching what reviewers read. `compare_metadata` reports any difference as a list
of operations; the test fails naming them. Objects that Table metadata cannot describe (partitions
in their own schema, the audit log's partition function) are outside the comparison on purpose.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine

from shared.db import sqlalchemy_url
from shared.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
SERVICES_WITH_TABLES = sorted(name for name in SERVICES if (ROOT / "services" / name / "tables.py").exists())


def _include(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and name == "alembic_version")


def drift(owner_url: str, metadata: MetaData) -> list:
    engine = create_engine(sqlalchemy_url(owner_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "compare_server_default": False, "include_object": _include})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def describe(difference) -> str:
    """One line per difference: the operation autogenerate would emit and what it is about."""
    if isinstance(difference, tuple):
        operation, subject = difference[0], difference[1]
        table = getattr(getattr(subject, "table", None), "name", "")
        name = getattr(subject, "name", None) or subject
        return f"{operation} {name}" + (f" on {table}" if table else "")
    return str(difference)  # modify_* operations come as lists of tuples


@pytest.mark.parametrize("service", SERVICES_WITH_TABLES)
def test_tables_match_the_migrated_database(service, provision_service):
    tables = importlib.import_module(f"services.{service}.tables")
    database = provision_service(service, ROOT / "services" / service / "migrations", tables.APPEND_ONLY_TABLES)
    differences = drift(database.owner_url, tables.metadata)
    assert not differences, f"services/{service}/tables.py differs from its migrations:\n" + "\n".join(
        f"  {describe(difference)}" for difference in differences)


def test_a_deliberate_drift_is_reported(provision_service):
    """The check itself: a column and an index missing from the metadata are both named."""
    tables = importlib.import_module("services.catalog.tables")
    database = provision_service("catalog", ROOT / "services" / "catalog" / "migrations", tables.APPEND_ONLY_TABLES)
    trimmed = MetaData()
    for table in tables.metadata.tables.values():
        copy = table.to_metadata(trimmed)
        if table.name == "learning_courses":
            copy._columns.remove(copy.c.archived_at)
            for index in list(copy.indexes):
                copy.indexes.discard(index)
    text = "\n".join(str(d) for d in drift(database.owner_url, trimmed))
    assert "archived_at" in text and "remove_index" in text, text
