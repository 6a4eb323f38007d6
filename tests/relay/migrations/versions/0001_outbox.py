"""Test-only database of the emitter (tests/relay/emitter.py): just an outbox.

Revision ID: 0001_outbox
Revises:
Create Date: 2026-11-23
"""

from alembic import op

from shared.outbox import create_outbox_table

revision = "0001_outbox"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_table(op)


def downgrade() -> None:
    op.drop_table("outbox")
