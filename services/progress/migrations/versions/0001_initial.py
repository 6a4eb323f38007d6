"""Progress schema: the event history, per-course and per-item progress, cached course structures, outbox.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-24

Keys start with tenant_id everywhere (Citus-ready). progress_events is append-only (triggers, and the
runtime role gets INSERT and SELECT only). Indexes follow seed 000 "Indexing Considerations" (user,
course, lesson/item, created/updated time) and ListUserProgress' filters.
"""
from typing import Sequence, Union

from alembic import op

from shared.outbox import create_outbox_table

revision: str = "0001_initial"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ITEM_KINDS = "('lesson', 'scenario_step', 'quiz', 'practical_exercise', 'training_session')"

DDL = f"""
CREATE TABLE progress_events (
    tenant_id    text        NOT NULL,
    event_id     uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    course_id    uuid        NOT NULL,
    version      integer     NOT NULL CHECK (version >= 1),
    item_kind    text        NOT NULL CHECK (item_kind IN {ITEM_KINDS}),
    item_id      uuid        NOT NULL,
    step_id      text        NOT NULL,
    kind         text        NOT NULL,
    score        double precision NOT NULL CHECK (score >= 0 AND score <= 1),
    occur_time   timestamptz NOT NULL,
    content_hash bytea       NOT NULL,
    recorded_at  timestamptz NOT NULL,
    recorded_by  text        NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX progress_events_learner_idx ON progress_events (tenant_id, user_id, course_id, version);

CREATE TABLE learning_user_progress (
    tenant_id                text        NOT NULL,
    user_id                  uuid        NOT NULL,
    course_id                uuid        NOT NULL,
    version                  integer     NOT NULL CHECK (version >= 1),
    state                    smallint    NOT NULL,
    percent_complete         smallint    NOT NULL CHECK (percent_complete BETWEEN 0 AND 100),
    started_at               timestamptz NOT NULL,
    completed_at             timestamptz,
    passed_at                timestamptz,
    updated_at               timestamptz NOT NULL,
    upgraded_from_version    integer     NOT NULL DEFAULT 0,
    structure_pending        boolean     NOT NULL,
    certificate_requested_at timestamptz,
    PRIMARY KEY (tenant_id, user_id, course_id, version)
);
CREATE INDEX learning_user_progress_started_idx
    ON learning_user_progress (tenant_id, started_at, course_id, version, user_id);
CREATE INDEX learning_user_progress_user_idx
    ON learning_user_progress (tenant_id, user_id, started_at, course_id, version);
CREATE INDEX learning_user_progress_course_idx
    ON learning_user_progress (tenant_id, course_id, started_at, version, user_id);
CREATE INDEX learning_user_progress_state_idx
    ON learning_user_progress (tenant_id, state, started_at, course_id, version, user_id);
CREATE INDEX learning_user_progress_updated_idx ON learning_user_progress (tenant_id, updated_at);
CREATE INDEX learning_user_progress_pending_idx ON learning_user_progress (tenant_id, course_id, version)
    WHERE structure_pending;

CREATE TABLE learning_user_item_progress (
    tenant_id    text        NOT NULL,
    user_id      uuid        NOT NULL,
    course_id    uuid        NOT NULL,
    version      integer     NOT NULL,
    item_kind    text        NOT NULL CHECK (item_kind IN {ITEM_KINDS}),
    item_id      uuid        NOT NULL,
    step_id      text        NOT NULL,
    marks        smallint    NOT NULL,
    best_score   double precision NOT NULL,
    started_at   timestamptz NOT NULL,
    viewed_at    timestamptz,
    completed_at timestamptz,
    passed_at    timestamptz,
    failed_at    timestamptz,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, course_id, version, item_kind, item_id, step_id),
    FOREIGN KEY (tenant_id, user_id, course_id, version)
        REFERENCES learning_user_progress (tenant_id, user_id, course_id, version)
);
CREATE INDEX learning_user_item_progress_item_idx ON learning_user_item_progress (tenant_id, item_id);

CREATE TABLE course_structures (
    tenant_id  text        NOT NULL,
    course_id  uuid        NOT NULL,
    version    integer     NOT NULL,
    structure  jsonb       NOT NULL,
    fetched_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, course_id, version)
);

CREATE FUNCTION progress_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on %: progress events are append-only', TG_OP, TG_TABLE_NAME;
END
$$;
CREATE TRIGGER progress_events_no_update_delete BEFORE UPDATE OR DELETE ON progress_events
    FOR EACH ROW EXECUTE FUNCTION progress_reject_change();
CREATE TRIGGER progress_events_no_truncate BEFORE TRUNCATE ON progress_events
    FOR EACH STATEMENT EXECUTE FUNCTION progress_reject_change();
"""


def upgrade() -> None:
    op.execute(DDL)
    create_outbox_table(op)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS outbox, course_structures, learning_user_item_progress, "
               "learning_user_progress, progress_events")
    op.execute("DROP FUNCTION IF EXISTS progress_reject_change()")
