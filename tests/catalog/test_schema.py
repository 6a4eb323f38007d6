"""The catalog schema keeps the data rules: tenant-first keys (Citus-ready) and seed 000 indexes."""

from __future__ import annotations

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
