"""AI tutor sessions (seed 000 learning_ai_tutor_sessions): append-only records with references, not text.

Revision ID: 0002_tutor_sessions
Revises: 0001_initial
Create Date: 2026-11-24
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0002_tutor_sessions"
down_revision: Union[str, Sequence[str], None] = "0001_initial"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DDL = """
CREATE TABLE learning_ai_tutor_sessions (
    tenant_id            text        NOT NULL,
    tutor_session_id     uuid        NOT NULL,
    user_id              uuid        NOT NULL,
    course_id            uuid        NOT NULL,
    version              integer     NOT NULL CHECK (version >= 1),
    lesson_id            uuid        NOT NULL,
    model_id             text        NOT NULL,
    started_at           timestamptz NOT NULL,
    ended_at             timestamptz NOT NULL CHECK (ended_at >= started_at),
    prompt_ref           text        NOT NULL,
    response_ref         text        NOT NULL,
    confidence           double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    guardrail_result     text        NOT NULL CHECK (guardrail_result IN ('passed', 'flagged', 'blocked')),
    guardrail_categories text[]      NOT NULL,
    summary              text        NOT NULL,
    content_hash         bytea       NOT NULL,
    recorded_at          timestamptz NOT NULL,
    recorded_by          text        NOT NULL,
    PRIMARY KEY (tenant_id, tutor_session_id)
);
CREATE INDEX learning_ai_tutor_sessions_started_idx
    ON learning_ai_tutor_sessions (tenant_id, started_at, tutor_session_id);
CREATE INDEX learning_ai_tutor_sessions_user_idx
    ON learning_ai_tutor_sessions (tenant_id, user_id, started_at, tutor_session_id);
CREATE INDEX learning_ai_tutor_sessions_lesson_idx
    ON learning_ai_tutor_sessions (tenant_id, lesson_id, started_at, tutor_session_id);
CREATE INDEX learning_ai_tutor_sessions_guardrail_idx
    ON learning_ai_tutor_sessions (tenant_id, guardrail_result, started_at, tutor_session_id);
CREATE TRIGGER learning_ai_tutor_sessions_no_update_delete BEFORE UPDATE OR DELETE ON learning_ai_tutor_sessions
    FOR EACH ROW EXECUTE FUNCTION progress_reject_change();
CREATE TRIGGER learning_ai_tutor_sessions_no_truncate BEFORE TRUNCATE ON learning_ai_tutor_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION progress_reject_change();
"""


def upgrade() -> None:
    op.execute(DDL)


def downgrade() -> None:
    op.execute("DROP TABLE learning_ai_tutor_sessions")
