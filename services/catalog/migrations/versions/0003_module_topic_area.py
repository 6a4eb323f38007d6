"""Modules name the topic area they cover (Module.topic_area).

Revision ID: 0003_module_topic_area
Revises: 0002_version_size_budget
Create Date: 2026-11-25

`topic_area` is optional text (at most 200 characters, checked by validation like the other texts);
modules authored before it, published ones included, read as '' (no topic area). Adding a column with
a constant default rewrites no row and fires no row trigger, so published versions stay untouched and
their size budget (structure_bytes) is unchanged: an empty string adds nothing to the encoded Module.

BranchChoice.correct needs no migration: it is stored in learning_interactive_lessons.steps (JSONB),
and choices stored without the key read as false.
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0003_module_topic_area"
down_revision: Union[str, Sequence[str], None] = "0002_version_size_budget"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute("ALTER TABLE learning_modules ADD COLUMN topic_area text NOT NULL DEFAULT ''")


def downgrade() -> None:
    op.execute("ALTER TABLE learning_modules DROP COLUMN topic_area")
