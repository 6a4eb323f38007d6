"""Signed checkpoints of each tenant's chain (issue 11).

Revision ID: 0002_checkpoints
Revises: 0001_initial
Create Date: 2026-11-24

audit_checkpoints  (append-only)
    One row per signed checkpoint: "events 1..sequence of this tenant end in head_hash", signed with the
    Ed25519 key from the service's configuration (AUDIT_CHECKPOINT_SIGNING_KEY; shared/checkpoints.py).
    `payload` holds the exact signed bytes, `signature` the 64-byte signature over them; the other
    columns are the payload decoded, for queries. Primary key (tenant_id, sequence): at most one
    checkpoint per position, so replicas that sign the same head at once keep the first
    (INSERT .. ON CONFLICT DO NOTHING). The key is not in the database: a row an administrator writes
    without the private key fails verification (CHECKPOINT_INVALID).
    Same guards as the log: INSERT and SELECT only for the runtime role, triggers against UPDATE, DELETE
    and TRUNCATE even for the owner.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_checkpoints"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE audit_checkpoints (
            tenant_id       text        NOT NULL,
            sequence        bigint      NOT NULL CHECK (sequence > 0),
            head_hash       text        NOT NULL,
            checkpoint_time timestamptz NOT NULL,
            key_id          text        NOT NULL,
            payload         bytea       NOT NULL,
            signature       bytea       NOT NULL,
            PRIMARY KEY (tenant_id, sequence)
        )
        """
    )
    op.execute("CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints "
               "FOR EACH ROW EXECUTE FUNCTION learning_audit_reject_change()")
    op.execute("CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints "
               "FOR EACH STATEMENT EXECUTE FUNCTION learning_audit_reject_change()")


def downgrade() -> None:
    # Destroys the signed checkpoints: only for development databases.
    op.execute("DROP TABLE audit_checkpoints")
