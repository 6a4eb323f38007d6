"""Signed checkpoints of each tenant's evidence chain (issue 11).

Revision ID: 0002_checkpoints
Revises: 0001_initial
Create Date: 2026-11-24

A checkpoint row stores exactly what was signed (the RFC 8785 payload and its Ed25519 signature) beside
the columns it states, so verification checks the signature over the stored bytes and that the columns
say the same. The table is append-only like the chain it vouches for (grants + the triggers of 0001's
reject_append_only_change); the primary key (tenant_id, sequence) means one checkpoint per position,
however many replicas sign.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_checkpoints"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HEX64 = "~ '^[0-9a-f]{64}$'"


def upgrade() -> None:
    op.execute(f"""
        CREATE TABLE evidence_checkpoints (
            tenant_id        text        NOT NULL,
            sequence         bigint      NOT NULL CHECK (sequence >= 1),
            head_hash        text        NOT NULL CHECK (head_hash {HEX64}),
            checkpoint_time  timestamptz NOT NULL,
            key_id           text        NOT NULL,
            payload          bytea       NOT NULL,
            signature        bytea       NOT NULL CHECK (length(signature) = 64),
            created_at       timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT evidence_checkpoints_pkey PRIMARY KEY (tenant_id, sequence)
        )""")
    op.execute("CREATE TRIGGER evidence_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON evidence_checkpoints "
               "FOR EACH ROW EXECUTE FUNCTION reject_append_only_change()")
    op.execute("CREATE TRIGGER evidence_checkpoints_no_truncate BEFORE TRUNCATE ON evidence_checkpoints "
               "FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change()")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS evidence_checkpoints")
