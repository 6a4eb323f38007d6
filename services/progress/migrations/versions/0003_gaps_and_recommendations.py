"""Knowledge gaps and recommendations (seed 000 learning_knowledge_gaps, learning_recommendations).

Revision ID: 0003_gaps_and_recommendations
Revises: 0002_tutor_sessions
Create Date: 2026-11-24

One open gap per tenant, subject (a learner, or 'organization'), topic area and source trigger: a
partial unique index. Recommendations index their status (seed 000 recommendation_status), their
learner's open ones by course (completion), and both tables their cross-domain source references.
CreateRecommendation's request_id needs the idempotency table.
"""
from typing import Sequence, Union

from alembic import op

from shared.idempotency import create_idempotency_table

revision: str = "0003_gaps_and_recommendations"
down_revision: Union[str, Sequence[str], None] = "0002_tutor_sessions"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DDL = """
CREATE TABLE learning_knowledge_gaps (
    tenant_id      text        NOT NULL,
    gap_id         uuid        NOT NULL,
    subject        text        NOT NULL,
    user_id        uuid,
    topic_area     text        NOT NULL,
    severity       smallint    NOT NULL CHECK (severity BETWEEN 1 AND 4),
    evidence       jsonb       NOT NULL,
    source_domain  text        NOT NULL,
    source_type    text        NOT NULL,
    source_id      text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('open', 'addressed', 'dismissed')),
    dismiss_reason text        NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, gap_id),
    CHECK ((user_id IS NULL) = (subject = 'organization'))
);
CREATE UNIQUE INDEX learning_knowledge_gaps_one_open_idx
    ON learning_knowledge_gaps (tenant_id, subject, topic_area, source_domain, source_type, source_id)
    WHERE status = 'open';
CREATE INDEX learning_knowledge_gaps_created_idx ON learning_knowledge_gaps (tenant_id, created_at, gap_id);
CREATE INDEX learning_knowledge_gaps_subject_idx
    ON learning_knowledge_gaps (tenant_id, subject, created_at, gap_id);
CREATE INDEX learning_knowledge_gaps_status_idx ON learning_knowledge_gaps (tenant_id, status, created_at, gap_id);
CREATE INDEX learning_knowledge_gaps_source_idx
    ON learning_knowledge_gaps (tenant_id, source_domain, source_type, source_id);
CREATE INDEX learning_knowledge_gaps_updated_idx ON learning_knowledge_gaps (tenant_id, updated_at);

CREATE TABLE learning_recommendations (
    tenant_id         text        NOT NULL,
    recommendation_id uuid        NOT NULL,
    user_id           uuid        NOT NULL,
    course_id         uuid        NOT NULL,
    priority          smallint    NOT NULL CHECK (priority BETWEEN 1 AND 3),
    reason            text        NOT NULL,
    source_domain     text        NOT NULL,
    source_type       text        NOT NULL,
    source_id         text        NOT NULL,
    gap_id            uuid,
    status            text        NOT NULL CHECK (status IN ('open', 'completed', 'dismissed')),
    dismiss_reason    text        NOT NULL,
    automatic         boolean     NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, recommendation_id)
);
CREATE INDEX learning_recommendations_user_idx
    ON learning_recommendations (tenant_id, user_id, created_at, recommendation_id);
CREATE INDEX learning_recommendations_status_idx
    ON learning_recommendations (tenant_id, status, created_at, recommendation_id);
CREATE INDEX learning_recommendations_created_idx
    ON learning_recommendations (tenant_id, created_at, recommendation_id);
CREATE INDEX learning_recommendations_open_course_idx
    ON learning_recommendations (tenant_id, user_id, course_id) WHERE status = 'open';
CREATE INDEX learning_recommendations_source_idx
    ON learning_recommendations (tenant_id, source_domain, source_type, source_id);
CREATE INDEX learning_recommendations_gap_idx ON learning_recommendations (tenant_id, gap_id);
CREATE UNIQUE INDEX learning_recommendations_automatic_idx
    ON learning_recommendations (tenant_id, gap_id, course_id) WHERE automatic;
CREATE INDEX learning_recommendations_updated_idx ON learning_recommendations (tenant_id, updated_at);
"""


def upgrade() -> None:
    op.execute(DDL)
    create_idempotency_table(op)


def downgrade() -> None:
    op.execute("DROP TABLE learning_recommendations, learning_knowledge_gaps, idempotency_keys")
