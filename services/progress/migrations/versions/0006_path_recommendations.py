"""Recommendations of learning paths: a recommendation targets a course or a learning path.

Revision ID: 0006_path_recommendations
Revises: 0005_learning_paths
Create Date: 2026-11-24
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0006_path_recommendations"
down_revision: Union[str, Sequence[str], None] = "0005_learning_paths"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute("""
        ALTER TABLE learning_recommendations ALTER COLUMN course_id DROP NOT NULL;
        ALTER TABLE learning_recommendations ADD COLUMN learning_path_id uuid;
        ALTER TABLE learning_recommendations ADD CONSTRAINT learning_recommendations_one_target
            CHECK ((course_id IS NULL) <> (learning_path_id IS NULL));
        CREATE INDEX learning_recommendations_open_path_idx
            ON learning_recommendations (tenant_id, user_id, learning_path_id) WHERE status = 'open';
    """)


def downgrade() -> None:
    op.execute("""
        DROP INDEX learning_recommendations_open_path_idx;
        ALTER TABLE learning_recommendations DROP CONSTRAINT learning_recommendations_one_target;
        DELETE FROM learning_recommendations WHERE course_id IS NULL;
        ALTER TABLE learning_recommendations DROP COLUMN learning_path_id;
        ALTER TABLE learning_recommendations ALTER COLUMN course_id SET NOT NULL;
    """)
