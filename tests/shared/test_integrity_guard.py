"""The owner role cannot switch the append-only guards off (issue 11; shared/guard.sql, installed by provisioning).

Every attack runs as the schema owner, against every append-only table of every service, on the session's
real service databases (migrated under the guard by provision_service, as `make run` does). A refused
statement is rolled back, so the databases the other tests use stay as they were; each test also checks
that nothing was left weaker (learning_guard.violations() empty).
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from shared import provision as provisioning
from shared.db import libpq_url
from shared.migrations import migrate
from shared.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
GUARDED = [(name, table) for name in SERVICES if (ROOT / "services" / name / "tables.py").exists()
           for table in importlib.import_module(f"services.{name}.tables").APPEND_ONLY_TABLES]


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(libpq_url(url), autocommit=True)


def superuser_url(admin_url: str, database: str) -> str:
    return make_url(libpq_url(admin_url)).set(database=database).render_as_string(hide_password=False)


@pytest.fixture
def guarded(request, service_table, admin_url) -> Iterator[tuple]:
    """(owner connection, superuser connection, database, table) for one service's append-only table."""
    name, table = service_table
    database = request.getfixturevalue(f"{name}_db")
    with connect(database.owner_url) as owner, connect(superuser_url(admin_url, database.database)) as superuser:
        yield owner, superuser, database, table
        assert superuser.execute("SELECT * FROM learning_guard.violations()").fetchall() == []


def pytest_generate_tests(metafunc):
    if "service_table" in metafunc.fixturenames:
        metafunc.parametrize("service_table", GUARDED, ids=[f"{name}.{table}" for name, table in GUARDED])


def row_trigger(conn: psycopg.Connection, table: str) -> tuple[str, str, str]:
    """(name, definition, function) of a row-level guard trigger of `table` (every append-only table has one)."""
    return conn.execute(
        "SELECT tgname, pg_get_triggerdef(oid), tgfoid::regprocedure::text FROM pg_trigger "
        "WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgtype & 1 = 1 ORDER BY tgname LIMIT 1",
        (table,)).fetchone()


def refused(conn: psycopg.Connection, statement) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(statement)
    assert "refused" in str(caught.value), str(caught.value)
    return str(caught.value)


def trigger_states(conn: psycopg.Connection, table: str) -> list[tuple[str, str]]:
    return conn.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
                        "ORDER BY tgname", (table,)).fetchall()


def test_the_owner_cannot_disable_drop_rename_or_redefine_a_guard_trigger(guarded):
    owner, _, _, table = guarded
    before = trigger_states(owner, table)
    assert before and all(enabled == "O" for _, enabled in before)
    trigger, definition, function = row_trigger(owner, table)
    t, trg = sql.Identifier(table), sql.Identifier(trigger)
    assert "disabled" in refused(owner, sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(t))
    refused(owner, sql.SQL("ALTER TABLE {} DISABLE TRIGGER {}").format(t, trg))
    refused(owner, sql.SQL("ALTER TABLE {} ENABLE REPLICA TRIGGER {}").format(t, trg))  # replica mode skips it
    assert "dropped" in refused(owner, sql.SQL("DROP TRIGGER {} ON {}").format(trg, t))
    refused(owner, sql.SQL("ALTER TRIGGER {} ON {} RENAME TO tampered").format(trg, t))
    # Same name, same function, but a WHEN that never holds: the trigger would exist and never fire.
    never = definition.replace("CREATE TRIGGER", "CREATE OR REPLACE TRIGGER", 1).replace(
        " EXECUTE FUNCTION", " WHEN (false) EXECUTE FUNCTION", 1)
    assert "redefined" in refused(owner, never)
    # The trigger untouched, its function a no-op: the owner's function, so the owner may replace it.
    no_op = f"CREATE OR REPLACE FUNCTION {function} RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"
    assert "function" in refused(owner, no_op)
    refused(owner, sql.SQL("DROP FUNCTION {} CASCADE").format(sql.SQL(function)))
    assert trigger_states(owner, table) == before


def test_an_update_after_a_refused_disable_still_fails(guarded):
    owner, _, _, table = guarded
    refused(owner, sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(sql.Identifier(table)))
    # TRUNCATE's statement trigger fires whether or not there are rows; UPDATE and DELETE: see the next test.
    with pytest.raises(psycopg.errors.RaiseException):
        owner.execute(sql.SQL("TRUNCATE {} CASCADE").format(sql.Identifier(table)))


@pytest.mark.parametrize("service, table, insert", [
    ("audit", "learning_audit_log",
     "INSERT INTO learning_audit_log (tenant_id, occur_time, sequence, event_id, actor_id, action, subject_type, "
     "subject_id, source_service, payload, previous_hash, event_hash, canonical) VALUES "
     "(%(tenant)s, now(), 1, gen_random_uuid(), 'a', 'course.published', 'course', 'c', 'catalog', '{}', '', "
     "repeat('a', 64), 'x')"),
    ("evidence", "training_evidence",
     "INSERT INTO training_evidence (tenant_id, evidence_id, session_id, employee_id, schema_version, "
     "session_status, canonical_json, content_hash, chain_sequence, previous_hash, chain_hash, generated_at) VALUES "
     "(%(tenant)s, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 1, 'passed', '{}', repeat('a', 64), 1, "
     "'', repeat('b', 64), now())"),
])
def test_the_issues_attack_fails_the_owner_disables_then_updates(request, service, table, insert):
    """The issue's report: DISABLE TRIGGER USER as the owner, then UPDATE succeeded. Now both fail."""
    database = request.getfixturevalue(f"{service}_db")
    tenant = f"t-{uuid.uuid4().hex[:12]}"
    with connect(database.owner_url) as owner:
        owner.execute(insert, {"tenant": tenant})  # a row of a fresh tenant, so the row triggers have one
        refused(owner, sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(sql.Identifier(table)))
        with owner.transaction(), pytest.raises(psycopg.errors.RaiseException):  # still append-only
            owner.execute(sql.SQL("UPDATE {} SET tenant_id = tenant_id WHERE tenant_id = %s").format(
                sql.Identifier(table)), (tenant,))
        with pytest.raises(psycopg.errors.RaiseException):
            owner.execute(sql.SQL("DELETE FROM {} WHERE tenant_id = %s").format(sql.Identifier(table)), (tenant,))
        # Nor in one transaction: the refused ALTER aborts it before the UPDATE runs.
        with pytest.raises(psycopg.errors.InsufficientPrivilege), owner.transaction():
            owner.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(sql.Identifier(table)))
            owner.execute(sql.SQL("UPDATE {} SET tenant_id = tenant_id WHERE tenant_id = %s").format(
                sql.Identifier(table)), (tenant,))


def test_the_owner_cannot_change_owner_or_widen_grants(guarded):
    owner, superuser, database, table = guarded
    runtime = sql.Identifier(make_url(database.runtime_url).username)
    t = sql.Identifier(table)
    for privilege in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "ALL"):
        assert "holds" in refused(owner, sql.SQL(f"GRANT {privilege} ON {{}} TO {{}}").format(t, runtime))
    column = owner.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1",
                           (table,)).fetchone()[0]
    refused(owner, sql.SQL("GRANT UPDATE ({}) ON {} TO {}").format(sql.Identifier(column), t, runtime))
    refused(owner, sql.SQL("GRANT UPDATE ON {} TO PUBLIC").format(t))
    # Ownership: PostgreSQL already requires membership in the new owner (and its CREATE on the schema); give
    # the owner both, so it is the guard that refuses.
    accomplice = f"accomplice_{uuid.uuid4().hex[:8]}"
    owner_role = make_url(database.owner_url).username
    superuser.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(accomplice)))
    try:
        superuser.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(accomplice), sql.Identifier(owner_role)))
        superuser.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(accomplice)))
        assert "owner changed" in refused(owner, sql.SQL("ALTER TABLE {} OWNER TO {}").format(
            t, sql.Identifier(accomplice)))
    finally:
        superuser.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(accomplice)))
        superuser.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(accomplice)))
    privileges = owner.execute(
        "SELECT privilege_type::text FROM information_schema.role_table_grants WHERE table_name = %s AND grantee = %s",
        (table, make_url(database.runtime_url).username)).fetchall()
    assert sorted(privileges) == [("INSERT",), ("SELECT",)]


def test_the_owner_cannot_drop_rewrite_or_hide_the_rows(guarded):
    owner, _, _, table = guarded
    t = sql.Identifier(table)
    column, kind = owner.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                                 "WHERE attrelid = %s::regclass AND attnum = 1", (table,)).fetchone()
    c = sql.Identifier(column)
    refused(owner, sql.SQL("DROP TABLE {} CASCADE").format(t))
    refused(owner, sql.SQL("ALTER TABLE {} DROP COLUMN {} CASCADE").format(t, c))
    # ALTER COLUMN .. TYPE .. USING rewrites every row without firing a row trigger: an UPDATE in disguise.
    refused(owner, sql.SQL("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING CASE WHEN random() >= 0 THEN {} END").format(
        t, c, sql.SQL(kind), c))
    refused(owner, sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t))  # would hide rows from readers
    refused(owner, sql.SQL("ALTER TABLE {} RENAME TO tampered").format(t))


def test_the_guard_is_not_the_owners_to_change(audit_db):
    """The registry, the baseline and the event triggers belong to the superuser who installed them."""
    with connect(audit_db.owner_url) as owner:
        for statement in ("DELETE FROM learning_guard.guarded_tables",
                          "UPDATE learning_guard.guard_triggers SET definition = ''",
                          "SELECT learning_guard.rebaseline()",
                          "ALTER EVENT TRIGGER learning_guard_ddl_command_end DISABLE",
                          "DROP EVENT TRIGGER learning_guard_ddl_command_end",
                          "DROP SCHEMA learning_guard CASCADE",
                          "CREATE OR REPLACE FUNCTION learning_guard.violations() RETURNS TABLE (relation text, "
                          "problem text) LANGUAGE sql AS 'SELECT NULL::text, NULL::text WHERE false'",
                          "SET session_replication_role = replica"):  # replica mode would skip the triggers
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                owner.execute(statement)
        assert owner.execute("SELECT count(*) FROM learning_guard.guarded_tables").fetchone()[0] > 0
        assert owner.execute("SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'learning_guard%' "
                             "AND evtenabled = 'O'").fetchone()[0] == 3


def test_a_superuser_still_can_and_a_weakened_guard_blocks_the_owner_until_restored(audit_db, admin_url):
    """By design a superuser bypasses the guard (the signed checkpoints catch what it does to the rows).
    A guard trigger a superuser leaves disabled is reported, and the owner's DDL is refused meanwhile."""
    with connect(superuser_url(admin_url, audit_db.database)) as superuser, connect(audit_db.owner_url) as owner:
        superuser.execute("ALTER TABLE audit_event_ids DISABLE TRIGGER USER")
        try:
            problems = superuser.execute("SELECT relation, problem FROM learning_guard.violations()").fetchall()
            assert ("public.audit_event_ids", "guard trigger audit_event_ids_no_update_delete is disabled") in problems
            refused(owner, "CREATE TABLE scratch_while_weakened (id int)")
        finally:
            superuser.execute("ALTER TABLE audit_event_ids ENABLE TRIGGER USER")
        assert superuser.execute("SELECT * FROM learning_guard.violations()").fetchall() == []


@contextmanager
def fresh_database(admin_url: str, name: str) -> Iterator[provisioning.ServiceDatabase]:
    """A service database of this test's own, provisioned and migrated as `make run` does, dropped after."""
    database = provisioning.provision(admin_url, name, suffix=f"_g{uuid.uuid4().hex[:8]}")
    try:
        tables = importlib.import_module(f"services.{name}.tables")
        migrate(ROOT / "services" / name / "migrations", database.owner_url, database.runtime_url,
                tables.APPEND_ONLY_TABLES)
        yield database
    finally:
        provisioning.drop(admin_url, database.database)


def test_migrations_still_work_under_the_guard(admin_url):
    """The owner keeps what migrations need: new tables, columns, indexes, partitions, re-running migrate."""
    with fresh_database(admin_url, "progress") as database, connect(database.owner_url) as owner:
        owner.execute("CREATE TABLE scratch (id int)")
        owner.execute("ALTER TABLE scratch ADD COLUMN note text DEFAULT 'x'")
        owner.execute("ALTER TABLE scratch ALTER COLUMN id TYPE bigint USING id + 1")  # not guarded: may rewrite
        owner.execute("DROP TABLE scratch")
        owner.execute("ALTER TABLE progress_events ADD COLUMN note text")  # adds, rewrites nothing: allowed
        owner.execute("CREATE INDEX scratch_idx ON progress_events (tenant_id)")
        owner.execute("DROP INDEX scratch_idx")
        assert "note" in refused(owner, "ALTER TABLE progress_events DROP COLUMN note")
        tables = importlib.import_module("services.progress.tables")
        migrate(ROOT / "services" / "progress" / "migrations", database.owner_url, database.runtime_url,
                tables.APPEND_ONLY_TABLES)  # again, at head: grants and guard are idempotent
    with fresh_database(admin_url, "audit") as database, connect(database.owner_url) as owner:
        # The yearly partition job (services/audit/migrations 0001): new partitions join the guard.
        year = datetime.now(UTC).year + 20
        assert owner.execute("SELECT learning_audit_create_partitions(%s, 1)",
                             (datetime(year, 1, 1).date(),)).fetchone()[0] == 1
        partition = f"audit_partitions.learning_audit_log_{year}_01"
        triggers = owner.execute("SELECT trigger_name FROM learning_guard.guard_triggers WHERE relid = %s::regclass "
                                 "ORDER BY 1", (partition,)).fetchall()
        assert triggers == [("learning_audit_log_no_truncate",), ("learning_audit_log_no_update_delete",)]
        refused(owner, f"ALTER TABLE learning_audit_log DETACH PARTITION {partition}")  # drops the cloned trigger
        refused(owner, f"DROP TABLE {partition}")


def test_migrate_refuses_a_database_without_the_guard(admin_url):
    """Without the guard the owner could switch the triggers off again: migrating there is an error."""
    from services.progress import tables

    database = provisioning.provision(admin_url, "guardless", suffix=f"_t{uuid.uuid4().hex[:8]}")
    try:
        with connect(superuser_url(admin_url, database.database)) as superuser:
            superuser.execute("DROP SCHEMA learning_guard CASCADE")
        with pytest.raises(RuntimeError, match="no integrity guard"):
            migrate(ROOT / "services" / "progress" / "migrations", database.owner_url, database.runtime_url,
                    tables.APPEND_ONLY_TABLES)
        provisioning.install_guard(superuser_url(admin_url, database.database))  # provisioning again repairs it
        migrate(ROOT / "services" / "progress" / "migrations", database.owner_url, database.runtime_url,
                tables.APPEND_ONLY_TABLES)
        with connect(database.owner_url) as owner:
            refused(owner, "ALTER TABLE progress_events DISABLE TRIGGER USER")
            guarded = owner.execute("SELECT count(*) FROM learning_guard.guard_triggers").fetchone()[0]
        provisioning.install_guard(superuser_url(admin_url, database.database))  # `make run` re-provisions each start
        with connect(database.owner_url) as owner:
            assert owner.execute("SELECT count(*) FROM learning_guard.guard_triggers").fetchone()[0] == guarded
            refused(owner, "DROP TRIGGER progress_events_no_update_delete ON progress_events")
    finally:
        provisioning.drop(admin_url, database.database)
