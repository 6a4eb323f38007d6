"""Initial schema of learning_evidence: training evidence chain, certificates, status events, keys.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

from shared.idempotency import create_idempotency_table
from shared.outbox import create_outbox_table

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen with this revision (its triggers). The list the service runs with is tables.APPEND_ONLY_TABLES:
# main.DEFINITION hands it to the migration runner, which grants the runtime role INSERT + SELECT only.
APPEND_ONLY = ("training_evidence", "certificates", "certificate_status_events", "signing_keys")

HEX64 = "~ '^[0-9a-f]{64}$'"


def upgrade() -> None:
    op.execute(f"""
        CREATE TABLE training_evidence (
            tenant_id       text        NOT NULL,
            evidence_id     uuid        NOT NULL,
            session_id      uuid        NOT NULL,
            employee_id     uuid        NOT NULL,
            schema_version  integer     NOT NULL CHECK (schema_version >= 1),
            session_status  text        NOT NULL CHECK (session_status IN ('passed', 'exhausted', 'abandoned')),
            canonical_json  bytea       NOT NULL,
            content_hash    text        NOT NULL CHECK (content_hash {HEX64}),
            chain_sequence  bigint      NOT NULL CHECK (chain_sequence >= 1),
            previous_hash   text        NOT NULL CHECK (previous_hash = '' OR previous_hash {HEX64}),
            chain_hash      text        NOT NULL CHECK (chain_hash {HEX64}),
            generated_at    timestamptz NOT NULL,
            CONSTRAINT training_evidence_pkey PRIMARY KEY (tenant_id, evidence_id),
            -- seed 002 enforced this "at application level"; here it is the database's job
            CONSTRAINT training_evidence_session_key UNIQUE (tenant_id, session_id),
            CONSTRAINT training_evidence_chain_key UNIQUE (tenant_id, chain_sequence)
        )""")
    # The seed's query patterns, natively: tenant list newest first (with generatedAt range), the outcome
    # filter, by employee newest first. Keyset pagination walks these backwards.
    op.execute("CREATE INDEX training_evidence_generated_idx ON training_evidence (tenant_id, generated_at, evidence_id)")
    op.execute("CREATE INDEX training_evidence_status_idx "
               "ON training_evidence (tenant_id, session_status, generated_at, evidence_id)")
    op.execute("CREATE INDEX training_evidence_employee_idx "
               "ON training_evidence (tenant_id, employee_id, generated_at, evidence_id)")

    # Mutable helper: one row per tenant, locked FOR UPDATE to serialize the tenant's chain appends.
    op.execute(f"""
        CREATE TABLE evidence_chain_heads (
            tenant_id        text        NOT NULL PRIMARY KEY,
            last_sequence    bigint      NOT NULL CHECK (last_sequence >= 0),
            last_chain_hash  text        NOT NULL CHECK (last_chain_hash = '' OR last_chain_hash {HEX64}),
            updated_at       timestamptz NOT NULL DEFAULT now()
        )""")

    op.execute("""
        CREATE TABLE certificates (
            tenant_id          text        NOT NULL,
            certificate_id     uuid        NOT NULL,
            recipient_id       uuid        NOT NULL,
            subject_type       text        NOT NULL CHECK (subject_type IN ('course', 'learning_path')),
            subject_id         uuid        NOT NULL,
            subject_version    integer     NOT NULL CHECK (subject_version >= 1),
            issued_at          timestamptz NOT NULL,
            expires_at         timestamptz CHECK (expires_at > issued_at),
            signing_key_id     text        NOT NULL,
            canonical_payload  bytea       NOT NULL,
            signature          bytea       NOT NULL CHECK (length(signature) = 64),
            created_at         timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT certificates_pkey PRIMARY KEY (tenant_id, certificate_id),
            -- idempotent issuance: one certificate per tenant, recipient and course/path version
            CONSTRAINT certificates_subject_key UNIQUE (tenant_id, recipient_id, subject_type, subject_id, subject_version)
        )""")
    op.execute("CREATE INDEX certificates_issued_idx ON certificates (tenant_id, issued_at, certificate_id)")
    op.execute("CREATE INDEX certificates_recipient_idx ON certificates (tenant_id, recipient_id, issued_at, certificate_id)")
    op.execute("CREATE INDEX certificates_subject_idx "
               "ON certificates (tenant_id, subject_type, subject_id, issued_at, certificate_id)")
    op.execute("CREATE INDEX certificates_expiry_idx ON certificates (tenant_id, expires_at) WHERE expires_at IS NOT NULL")

    op.execute("""
        CREATE TABLE certificate_status_events (
            tenant_id       text        NOT NULL,
            event_id        uuid        NOT NULL,
            certificate_id  uuid        NOT NULL,
            status          text        NOT NULL CHECK (status IN ('active', 'revoked', 'expired')),
            event_time      timestamptz NOT NULL,
            actor_id        text        NOT NULL,
            reason          text        NOT NULL DEFAULT '',
            recorded_at     timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT certificate_status_events_pkey PRIMARY KEY (tenant_id, event_id),
            -- each status is entered at most once (no double revocation, no double expiry)
            CONSTRAINT certificate_status_events_once_key UNIQUE (tenant_id, certificate_id, status),
            CONSTRAINT certificate_status_events_certificate_fkey FOREIGN KEY (tenant_id, certificate_id)
                REFERENCES certificates (tenant_id, certificate_id)
        )""")

    op.execute("""
        CREATE TABLE signing_keys (
            tenant_id       text        NOT NULL,
            key_id          text        NOT NULL,
            algorithm       text        NOT NULL,
            public_key_pem  text        NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT signing_keys_pkey PRIMARY KEY (tenant_id, key_id)
        )""")

    # Immutability even for the owner: row triggers stop UPDATE/DELETE, a statement trigger stops
    # TRUNCATE (row triggers never see it). Grants (shared.migrations) already stop the runtime role.
    op.execute("""
        CREATE FUNCTION reject_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'raise_exception', HINT = 'evidence and certificates are immutable records';
        END $$""")
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION reject_append_only_change()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change()")

    create_outbox_table(op)
    create_idempotency_table(op)


def downgrade() -> None:
    for table in ("signing_keys", "certificate_status_events", "certificates", "evidence_chain_heads",
                  "training_evidence", "outbox", "idempotency_keys"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP FUNCTION IF EXISTS reject_append_only_change()")
