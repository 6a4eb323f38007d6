"""The append-only, hash-chained, time-partitioned audit log.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23

Tables
------
learning_audit_log  (append-only; partitioned by RANGE (occur_time))
    One row per event with its chain fields (sequence, previous_hash, event_hash) and `canonical`,
    the exact RFC 8785 bytes that event_hash is the SHA-256 of.
    Primary key (tenant_id, occur_time, sequence): it starts with tenant_id (Citus-ready), contains the
    partition key (PostgreSQL requires that of every unique key on a partitioned table) and is also the
    "tenant, newest first" index of ListAuditEvents (scanned backwards).

audit_event_ids  (append-only; NOT partitioned)
    Idempotency and uniqueness. A unique key on the partitioned log would have to include occur_time,
    so "event_id is unique per tenant" and "sequence is unique per tenant" cannot be declared there.
    This small table (tenant_id, event_id, sequence, occur_time) declares both:
      PRIMARY KEY (tenant_id, event_id)  -> a redelivered event is recognised and never stored twice;
      UNIQUE (tenant_id, sequence)       -> the chain can never fork, even if the locking below failed.
    It also maps an event_id to its occur_time, so GetAuditEvent reads exactly one partition.
    Dropping an old log partition leaves its ids here (about 80 bytes per event): a very late
    redelivery of a purged event is still recognised as a duplicate.

audit_chain_heads  (the ONLY mutable table)
    One row per tenant: last_sequence and last_hash. RecordEvents locks the tenants' rows
    (INSERT .. ON CONFLICT DO UPDATE, i.e. a row lock) before appending, so concurrent appends for
    one tenant serialize and the chain never forks; different tenants never wait for each other.
    Triggers let the head only move forward and forbid DELETE/TRUNCATE. VerifyAuditLog also checks
    the chain's tail against the head, so removing the newest events is detected too.

Append-only enforcement
-----------------------
- The runtime role gets INSERT and SELECT only on learning_audit_log and audit_event_ids
  (ServiceDefinition.append_only_tables; shared.migrations.grant_runtime_privileges).
- Partitions live in schema `audit_partitions`, on which the runtime role has no privilege at all:
  it reaches rows only through the parent (PostgreSQL checks privileges on the parent only), and
  cannot UPDATE/DELETE/TRUNCATE a partition directly.
- Triggers reject UPDATE, DELETE (row-level, defined on the parent and therefore cloned onto every
  partition) and TRUNCATE (statement-level BEFORE TRUNCATE: on the parent, and on every partition,
  because statement triggers are not inherited and TRUNCATE can name a partition directly),
  even for the owner.

Partitions and retention (operations)
-------------------------------------
Monthly partitions `audit_partitions.learning_audit_log_YYYY_MM` are created from 12 months before
to 36 months after the migration, plus `audit_partitions.learning_audit_log_default` for anything
outside them (e.g. a very old event delivered late). Keep the DEFAULT partition empty: PostgreSQL
refuses to create a partition whose range already has rows in DEFAULT.
  - Add partitions ahead (e.g. yearly, as the owner role; idempotent):
        SELECT learning_audit_create_partitions(date '2030-01-01', 12);
    The function also installs the TRUNCATE trigger on each new partition; do not create partitions
    by hand without it.
  - Retention (as the owner role), after archiving the partition (pg_dump -t) if required:
        ALTER TABLE learning_audit_log DETACH PARTITION audit_partitions.learning_audit_log_2025_01;
        DROP TABLE audit_partitions.learning_audit_log_2025_01;
    Verification of a tenant then starts at its first retained sequence (VerifyAuditLog from_sequence).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONTHS_BEFORE = 12
MONTHS_AHEAD = 36

REJECT_FUNCTION = """
CREATE FUNCTION learning_audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: the audit log is append-only', TG_OP, TG_TABLE_NAME
        USING HINT = 'Audit records are never changed or removed; retention detaches whole partitions.';
END
$$
"""

HEAD_FORWARD_FUNCTION = """
CREATE FUNCTION learning_audit_head_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.tenant_id <> OLD.tenant_id OR NEW.last_sequence < OLD.last_sequence THEN
        RAISE EXCEPTION 'audit chain head of tenant % may only move forward', OLD.tenant_id;
    END IF;
    RETURN NEW;
END
$$
"""

PARTITION_FUNCTION = """
CREATE FUNCTION learning_audit_create_partitions(first_month date, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month_start date;
    partition_name text;
    created integer := 0;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        month_start := (date_trunc('month', first_month) + make_interval(months => i))::date;
        partition_name := format('learning_audit_log_%s', to_char(month_start, 'YYYY_MM'));
        CONTINUE WHEN to_regclass(format('audit_partitions.%I', partition_name)) IS NOT NULL;
        EXECUTE format(
            'CREATE TABLE audit_partitions.%I PARTITION OF public.learning_audit_log FOR VALUES FROM (%L) TO (%L)',
            partition_name,
            to_char(month_start, 'YYYY-MM-DD') || ' 00:00:00+00',
            to_char((month_start + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00');
        EXECUTE format(
            'CREATE TRIGGER learning_audit_log_no_truncate BEFORE TRUNCATE ON audit_partitions.%I '
            'FOR EACH STATEMENT EXECUTE FUNCTION learning_audit_reject_change()', partition_name);
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$
"""


def upgrade() -> None:
    op.execute("CREATE SCHEMA audit_partitions")
    op.execute(REJECT_FUNCTION)
    op.execute(HEAD_FORWARD_FUNCTION)
    op.execute(
        """
        CREATE TABLE learning_audit_log (
            tenant_id      text        NOT NULL,
            occur_time     timestamptz NOT NULL,
            sequence       bigint      NOT NULL CHECK (sequence > 0),
            event_id       uuid        NOT NULL,
            actor_id       text        NOT NULL,
            action         text        NOT NULL,
            subject_type   text        NOT NULL,
            subject_id     text        NOT NULL,
            source_service text        NOT NULL,
            payload        jsonb       NOT NULL,
            previous_hash  text        NOT NULL,
            event_hash     text        NOT NULL,
            canonical      bytea       NOT NULL,
            record_time    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, occur_time, sequence)
        ) PARTITION BY RANGE (occur_time)
        """
    )
    # Indexes follow ListAuditEvents' filters; each ends with the sort key (occur_time, sequence) so a
    # filtered page is one backward index range scan per partition, keyset-continued, never sorted.
    op.execute("CREATE INDEX learning_audit_log_sequence_idx ON learning_audit_log (tenant_id, sequence)")
    op.execute("CREATE INDEX learning_audit_log_actor_idx ON learning_audit_log "
               "(tenant_id, actor_id, occur_time, sequence)")
    op.execute("CREATE INDEX learning_audit_log_subject_idx ON learning_audit_log "
               "(tenant_id, subject_type, subject_id, occur_time, sequence)")
    op.execute("CREATE INDEX learning_audit_log_action_idx ON learning_audit_log "
               "(tenant_id, action, occur_time, sequence)")
    op.execute("CREATE TABLE audit_partitions.learning_audit_log_default PARTITION OF learning_audit_log DEFAULT")
    op.execute(PARTITION_FUNCTION)
    op.execute(
        f"SELECT learning_audit_create_partitions("
        f"(date_trunc('month', now()) - interval '{MONTHS_BEFORE} months')::date, {MONTHS_BEFORE + MONTHS_AHEAD})"
    )

    op.execute(
        """
        CREATE TABLE audit_event_ids (
            tenant_id  text        NOT NULL,
            event_id   uuid        NOT NULL,
            sequence   bigint      NOT NULL,
            occur_time timestamptz NOT NULL,
            PRIMARY KEY (tenant_id, event_id),
            CONSTRAINT audit_event_ids_sequence_key UNIQUE (tenant_id, sequence)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE audit_chain_heads (
            tenant_id     text        NOT NULL PRIMARY KEY,
            last_sequence bigint      NOT NULL DEFAULT 0,
            last_hash     text        NOT NULL DEFAULT '',
            updated_at    timestamptz NOT NULL DEFAULT now()
        )
        """
    )

    for table in ("learning_audit_log", "audit_event_ids"):
        op.execute(f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION learning_audit_reject_change()")
    for table in ("learning_audit_log", "audit_partitions.learning_audit_log_default", "audit_event_ids",
                  "audit_chain_heads"):
        op.execute(f"CREATE TRIGGER learning_audit_log_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION learning_audit_reject_change()")
    op.execute("CREATE TRIGGER audit_chain_heads_no_delete BEFORE DELETE ON audit_chain_heads "
               "FOR EACH ROW EXECUTE FUNCTION learning_audit_reject_change()")
    op.execute("CREATE TRIGGER audit_chain_heads_forward BEFORE UPDATE ON audit_chain_heads "
               "FOR EACH ROW EXECUTE FUNCTION learning_audit_head_moves_forward()")


def downgrade() -> None:
    # Destroys the audit log: only for development databases.
    op.execute("DROP TABLE learning_audit_log, audit_event_ids, audit_chain_heads")
    op.execute("DROP SCHEMA audit_partitions CASCADE")
    op.execute("DROP FUNCTION learning_audit_create_partitions(date, integer), "
               "learning_audit_head_moves_forward(), learning_audit_reject_change()")

