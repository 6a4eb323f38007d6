"""The log is append-only in PostgreSQL itself, and VerifyAuditLog detects what a superuser changes."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from learning.audit.v1 import audit_service_pb2 as pb
from shared.db import libpq_url
from tests.audit.conftest import count_rows, make_event, owner_connection

STATEMENTS = [
    "UPDATE learning_audit_log SET actor_id = 'mallory' WHERE tenant_id = %(t)s",
    "DELETE FROM learning_audit_log WHERE tenant_id = %(t)s",
    "TRUNCATE learning_audit_log",
    "UPDATE audit_event_ids SET sequence = sequence + 1000 WHERE tenant_id = %(t)s",
    "DELETE FROM audit_event_ids WHERE tenant_id = %(t)s",
    "TRUNCATE audit_event_ids",
]


def partitions(audit_db) -> list[str]:
    with owner_connection(audit_db) as conn:
        return [row[0] for row in conn.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'learning_audit_log'::regclass")]


@pytest.fixture
def recorded(audit_stub, all_tenants_service_md, tenant):
    audit_stub.RecordEvents(pb.RecordEventsRequest(events=[make_event(tenant) for _ in range(3)]),
                            metadata=all_tenants_service_md)
    return tenant


def verify(audit_stub, auditor_md, tenant, **kwargs):
    return audit_stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant, **kwargs), metadata=auditor_md)


@pytest.mark.parametrize("statement", STATEMENTS)
def test_runtime_role_may_not_change_or_remove_records(audit_db, recorded, statement):
    with psycopg.connect(libpq_url(audit_db.runtime_url)) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute(statement, {"t": recorded})
    assert count_rows(audit_db, recorded) == 3


def test_runtime_role_cannot_reach_partitions_directly(audit_db, recorded):
    for partition in partitions(audit_db)[:3] + ["audit_partitions.learning_audit_log_default"]:
        for statement in (f"DELETE FROM {partition}", f"TRUNCATE {partition}", f"UPDATE {partition} SET actor_id = 'x'"):
            with psycopg.connect(libpq_url(audit_db.runtime_url)) as conn, pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
    assert count_rows(audit_db, recorded) == 3


@pytest.mark.parametrize("statement", STATEMENTS)
def test_triggers_stop_even_the_owner(audit_db, recorded, statement):
    with owner_connection(audit_db) as conn, pytest.raises(errors.RaiseException, match="append-only"):
        conn.execute(statement, {"t": recorded})
    assert count_rows(audit_db, recorded) == 3


def test_triggers_stop_the_owner_on_every_partition(audit_db, recorded):
    names = partitions(audit_db)
    assert len(names) > 12 and "audit_partitions.learning_audit_log_default" in names
    for partition in names:  # statement triggers are not inherited: each partition has its own
        with owner_connection(audit_db) as conn, pytest.raises(errors.RaiseException, match="append-only"):
            conn.execute(f"TRUNCATE {partition}")
    with owner_connection(audit_db) as conn:
        holding = conn.execute("SELECT DISTINCT tableoid::regclass::text FROM learning_audit_log WHERE tenant_id = %s",
                               (recorded,)).fetchone()[0]
    assert holding.startswith("audit_partitions.")
    for statement in (f"DELETE FROM {holding}", f"UPDATE {holding} SET actor_id = 'x'"):  # cloned row triggers
        with owner_connection(audit_db) as conn, pytest.raises(errors.RaiseException, match="append-only"):
            conn.execute(statement)
    assert count_rows(audit_db, recorded) == 3


def test_chain_head_only_moves_forward(audit_db, recorded):
    with owner_connection(audit_db) as conn, pytest.raises(errors.RaiseException):
        conn.execute("UPDATE audit_chain_heads SET last_sequence = 0 WHERE tenant_id = %s", (recorded,))
    with owner_connection(audit_db) as conn, pytest.raises(errors.RaiseException):
        conn.execute("DELETE FROM audit_chain_heads WHERE tenant_id = %s", (recorded,))
    with owner_connection(audit_db) as conn, pytest.raises(errors.RaiseException):
        conn.execute("TRUNCATE audit_chain_heads")


def superuser(admin_url, audit_db) -> psycopg.Connection:
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(database=audit_db.database).render_as_string(hide_password=False)
    return psycopg.connect(libpq_url(url), autocommit=True)


def test_changed_payload_is_named_content_changed(audit_stub, all_tenants_service_md, auditor_md, admin_url, audit_db,
                                                  tenant):
    events = [make_event(tenant, payload={"score": 0.5 + i}) for i in range(6)]
    audit_stub.RecordEvents(pb.RecordEventsRequest(events=events), metadata=all_tenants_service_md)
    assert verify(audit_stub, auditor_md, tenant).valid
    with superuser(admin_url, audit_db) as conn:
        conn.execute("SET session_replication_role = replica")  # as a superuser would, bypassing triggers
        conn.execute("UPDATE learning_audit_log SET payload = jsonb_set(payload, '{score}', '99') "
                     "WHERE tenant_id = %s AND sequence = 4", (tenant,))
    verdict = verify(audit_stub, auditor_md, tenant)
    assert not verdict.valid
    assert verdict.first_failure.kind == pb.VERIFICATION_FAILURE_KIND_CONTENT_CHANGED
    assert (verdict.first_failure.sequence, verdict.first_failure.event_id) == (4, events[3].event_id)
    # The hash pass accepts all six (the hashed bytes are intact); the content check, on every event of so
    # short a chain, finds the served columns differ at the fourth.
    assert (verdict.events_checked, verdict.events_content_checked) == (6, 4)
    # A range before the change still verifies.
    assert verify(audit_stub, auditor_md, tenant, from_sequence=1, to_sequence=3).valid


def test_rewritten_hash_breaks_the_next_link(audit_stub, all_tenants_service_md, auditor_md, admin_url, audit_db,
                                             tenant):
    events = [make_event(tenant) for _ in range(4)]
    audit_stub.RecordEvents(pb.RecordEventsRequest(events=events), metadata=all_tenants_service_md)
    with superuser(admin_url, audit_db) as conn:
        conn.execute("ALTER TABLE learning_audit_log DISABLE TRIGGER USER")
        try:
            conn.execute("UPDATE learning_audit_log SET event_hash = repeat('0', 64), canonical = 'x' "
                         "WHERE tenant_id = %s AND sequence = 2", (tenant,))
        finally:
            conn.execute("ALTER TABLE learning_audit_log ENABLE TRIGGER USER")
    failure = verify(audit_stub, auditor_md, tenant).first_failure
    assert (failure.sequence, failure.kind) == (2, pb.VERIFICATION_FAILURE_KIND_CONTENT_CHANGED)
    assert verify(audit_stub, auditor_md, tenant, from_sequence=3).first_failure.kind == \
        pb.VERIFICATION_FAILURE_KIND_LINK_BROKEN


def test_deleted_row_is_named_as_a_gap(audit_stub, all_tenants_service_md, auditor_md, admin_url, audit_db, tenant):
    events = [make_event(tenant) for _ in range(6)]
    audit_stub.RecordEvents(pb.RecordEventsRequest(events=events), metadata=all_tenants_service_md)
    with superuser(admin_url, audit_db) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM learning_audit_log WHERE tenant_id = %s AND sequence = 3", (tenant,))
    verdict = verify(audit_stub, auditor_md, tenant)
    assert not verdict.valid
    assert verdict.first_failure.kind == pb.VERIFICATION_FAILURE_KIND_SEQUENCE_GAP
    assert verdict.first_failure.sequence == 3
    assert verdict.first_failure.event_id == events[3].event_id  # the first event after the gap


def test_deleted_newest_row_is_caught_by_the_chain_head(audit_stub, all_tenants_service_md, auditor_md, admin_url,
                                                        audit_db, tenant):
    audit_stub.RecordEvents(pb.RecordEventsRequest(events=[make_event(tenant) for _ in range(3)]),
                            metadata=all_tenants_service_md)
    with superuser(admin_url, audit_db) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM learning_audit_log WHERE tenant_id = %s AND sequence = 3", (tenant,))
    failure = verify(audit_stub, auditor_md, tenant).first_failure
    assert (failure.sequence, failure.kind) == (3, pb.VERIFICATION_FAILURE_KIND_SEQUENCE_GAP)


def test_verification_streams_in_batches(audit_stub, all_tenants_service_md, auditor_md, tenant):
    # More events than one verification batch (2000): the keyset continues across batches.
    for _ in range(3):
        audit_stub.RecordEvents(pb.RecordEventsRequest(events=[make_event(tenant) for _ in range(1000)]),
                                metadata=all_tenants_service_md)
    verdict = verify(audit_stub, auditor_md, tenant)
    assert verdict.valid and verdict.events_checked == 3000
    ranged = verify(audit_stub, auditor_md, tenant, from_sequence=1990, to_sequence=2010)
    assert ranged.valid and ranged.events_checked == 21
