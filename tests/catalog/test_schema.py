"""The catalog schema keeps the data rules: tenant-first keys (Citus-ready) and seed 000 indexes."""

from __future__ import annotations

import uuid

import psycopg
from alembic import command

from services.catalog.main import DEFINITION
from shared import provision as provisioning
from shared.db import libpq_url
from shared.migrations import alembic_config, migrate

TABLES = {"learning_courses", "learning_course_versions", "learning_modules", "learning_lessons",
          "learning_video_lessons", "learning_interactive_lessons", "learning_quizzes", "learning_quiz_questions",
          "learning_practical_exercises", "learning_paths", "learning_path_steps", "outbox", "idempotency_keys"}


def test_every_table_is_tenant_scoped_with_tenant_first_keys(catalog_owner_sql):
    tables = {name for (name,) in catalog_owner_sql.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()}
    assert TABLES <= tables
    for table in TABLES:
        assert catalog_owner_sql.execute("""SELECT is_nullable, data_type FROM information_schema.columns
                      WHERE table_name = %s AND column_name = 'tenant_id'""", (table,)).fetchall() \
            == [("NO", "text")], table
    keys = catalog_owner_sql.execute("""
        SELECT c.conrelid::regclass::text, c.conname, c.contype, a.attname
        FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype IN ('p', 'u', 'f') AND c.connamespace = 'public'::regnamespace""").fetchall()
    assert {table for table, *_ in keys} >= TABLES
    assert [(table, name) for table, name, _, first in keys
            if first != "tenant_id" and table != "alembic_version"] == []


def test_seed_indexes_exist(catalog_owner_sql):
    indexes = {(table, definition.split(" USING btree ")[1])
               for table, definition in catalog_owner_sql.execute(
                   "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'").fetchall()}
    expected = {
        ("learning_courses", "(tenant_id, created_at, course_id)"),
        ("learning_courses", "(tenant_id, status, created_at, course_id)"),
        ("learning_courses", "(tenant_id, updated_at)"),
        ("learning_modules", "(tenant_id, module_id)"),
        ("learning_lessons", "(tenant_id, lesson_id)"),
        ("learning_quizzes", "(tenant_id, quiz_id)"),
        ("learning_paths", "(tenant_id, created_at, learning_path_id)"),
        ("learning_paths", "(tenant_id, status, created_at, learning_path_id)"),
        ("learning_paths", "(tenant_id, updated_at)"),
        ("learning_path_steps", "(tenant_id, course_id, course_version)"),
    }
    assert expected <= indexes


def test_runtime_role_cannot_truncate_or_migrate(catalog_db):
    import psycopg
    import pytest

    from shared.db import libpq_url

    with psycopg.connect(libpq_url(catalog_db.runtime_url)) as conn:
        for statement in ("TRUNCATE learning_courses", "DROP TABLE learning_paths", "DELETE FROM alembic_version"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                with conn.transaction():
                    conn.execute(statement)


def test_the_size_budget_migration_backfills_existing_versions(admin_url):
    """0002 adds structure_bytes: versions authored before it get their size estimated, published or not."""

    database = provisioning.provision(admin_url, "catalog", suffix=f"_m{uuid.uuid4().hex[:8]}")
    try:
        config = alembic_config(DEFINITION.migrations, database.owner_url)
        command.upgrade(config, "0001_initial")
        tenant, course_id, module_id = "t-backfill", str(uuid.uuid4()), str(uuid.uuid4())
        with psycopg.connect(libpq_url(database.owner_url), autocommit=True) as conn:
            conn.execute("INSERT INTO learning_courses VALUES (%s, %s, 'published', 2, 1, 2, 1, now(), now(), now(), NULL)",
                         (tenant, course_id))
            for version in (1, 2):
                conn.execute("INSERT INTO learning_course_versions (tenant_id, course_id, version, state, title, "
                             "description, objectives, target_audience, metadata, published_by, created_at, "
                             "updated_at) VALUES (%s, %s, %s, 'draft', 'T', '', '{}', '', '{}', '', now(), now())",
                             (tenant, course_id, version))
                conn.execute("INSERT INTO learning_modules VALUES (%s, %s, %s, %s, 1, 'Module', %s, now(), now())",
                             (tenant, course_id, version, module_id, "d" * 1000))
            conn.execute("UPDATE learning_course_versions SET state = 'published' WHERE version = 1")
        migrate(DEFINITION.migrations, database.owner_url, database.runtime_url, DEFINITION.append_only_tables)
        with psycopg.connect(libpq_url(database.owner_url)) as conn:
            sizes = dict(conn.execute("SELECT version, structure_bytes FROM learning_course_versions").fetchall())
        assert sizes[1] > 1000 and sizes[2] > 1000  # at least the module's description, published one included
    finally:
        provisioning.drop(admin_url, database.database)
