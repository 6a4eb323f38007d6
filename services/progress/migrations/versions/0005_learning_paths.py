"""Learning path enrollments and the catalog's published path versions.

Revision ID: 0005_learning_paths
Revises: 0004_organization_profiles
Create Date: 2026-11-24

A learner is enrolled in a path version by an event that names it; the enrollment remembers the
path's state and whether its certificate was requested (once). path_structures keeps what the catalog
said about each published path version (they never change).
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0005_learning_paths"
down_revision: Union[str, Sequence[str], None] = "0004_organization_profiles"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DDL = """
CREATE TABLE learning_path_enrollments (
    tenant_id                text        NOT NULL,
    user_id                  uuid        NOT NULL,
    learning_path_id         uuid        NOT NULL,
    version                  integer     NOT NULL CHECK (version >= 1),
    state                    smallint    NOT NULL,
    enrolled_at              timestamptz NOT NULL,
    passed_at                timestamptz,
    certificate_requested_at timestamptz,
    updated_at               timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, learning_path_id, version)
);
CREATE INDEX learning_path_enrollments_path_idx
    ON learning_path_enrollments (tenant_id, learning_path_id, version, user_id);

CREATE TABLE path_structures (
    tenant_id        text        NOT NULL,
    learning_path_id uuid        NOT NULL,
    version          integer     NOT NULL,
    steps            jsonb       NOT NULL,
    fetched_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, learning_path_id, version)
);
"""


def upgrade() -> None:
    op.execute(DDL)


def downgrade() -> None:
    op.execute("DROP TABLE path_structures, learning_path_enrollments")
