"""Organization learning profiles (seed 000 organization_learning_profiles): the latest maturity result.

Revision ID: 0004_organization_profiles
Revises: 0003_gaps_and_recommendations
Create Date: 2026-11-24

The progress summary of a profile is computed from learning_user_progress when it is read, never
stored, so it cannot drift; the index on (tenant_id, updated_at) serves its "active" count.
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0004_organization_profiles"
down_revision: Union[str, Sequence[str], None] = "0003_gaps_and_recommendations"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DDL = """
CREATE TABLE organization_learning_profiles (
    tenant_id         text        NOT NULL PRIMARY KEY,
    maturity_level    smallint    NOT NULL CHECK (maturity_level BETWEEN 1 AND 5),
    maturity_score    double precision NOT NULL CHECK (maturity_score >= 0 AND maturity_score <= 1),
    assessment_domain text        NOT NULL,
    assessment_type   text        NOT NULL,
    assessment_id     text        NOT NULL,
    assessed_at       timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX organization_learning_profiles_maturity_idx ON organization_learning_profiles (maturity_level);
CREATE INDEX organization_learning_profiles_updated_idx ON organization_learning_profiles (updated_at);
CREATE INDEX learning_user_progress_completed_idx ON learning_user_progress (tenant_id, user_id)
    WHERE state >= 3;
"""


def upgrade() -> None:
    op.execute(DDL)


def downgrade() -> None:
    op.execute("DROP INDEX learning_user_progress_completed_idx")
    op.execute("DROP TABLE organization_learning_profiles")
