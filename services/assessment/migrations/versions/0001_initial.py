"""Assessment schema: training sessions, quiz attempts, exercise submissions, maturity rubrics and assessments.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-24

Keys start with tenant_id everywhere (Citus-ready). training_attempt_results, learning_exercise_reviews
and procurement_maturity_assessments are append-only (triggers, and the runtime role gets INSERT and
SELECT only); a published maturity rubric version is immutable (trigger). Indexes follow seed 000
"Indexing Considerations" (user, course, organization, maturity level, created/updated time) and the
list filters (keyset order: time, then id).
"""
from typing import Sequence, Union

from alembic import op

from shared.idempotency import create_idempotency_table
from shared.outbox import create_outbox_table

revision: str = "0001_initial"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SCORING = """
    status            text        NOT NULL CHECK (status IN ('pending', 'scored')),
    score             double precision CHECK (score >= 0 AND score <= 1),
    rationale         text,
    scorer            text,
    scored_at         timestamptz,
    scoring_failures  integer     NOT NULL DEFAULT 0,
    next_try_at       timestamptz,
    CHECK ((status = 'scored') = (score IS NOT NULL AND scored_at IS NOT NULL))"""

DDL = f"""
CREATE TABLE training_sessions (
    tenant_id            text        NOT NULL,
    session_id           uuid        NOT NULL,
    employee_id          uuid        NOT NULL,
    course_id            uuid        NOT NULL,
    course_version       integer     NOT NULL CHECK (course_version >= 1),
    pass_threshold       double precision NOT NULL CHECK (pass_threshold > 0 AND pass_threshold <= 1),
    max_attempts         integer     NOT NULL CHECK (max_attempts BETWEEN 1 AND 20),
    role_profile_id      text        NOT NULL,
    role_profile_version integer     NOT NULL CHECK (role_profile_version >= 1),
    app_version          text        NOT NULL,
    config_hash          text        NOT NULL,
    status               text        NOT NULL CHECK (status IN ('in_progress', 'passed', 'exhausted', 'abandoned')),
    attempt_number       integer     NOT NULL CHECK (attempt_number >= 1 AND attempt_number <= max_attempts),
    content              jsonb       NOT NULL,
    item_count           integer     NOT NULL CHECK (item_count >= 1),
    abandon_reason       text        NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    completed_at         timestamptz,
    evidence_requested_at timestamptz,
    PRIMARY KEY (tenant_id, session_id)
);
CREATE INDEX training_sessions_employee_idx ON training_sessions (tenant_id, employee_id, created_at, session_id);
CREATE INDEX training_sessions_course_idx
    ON training_sessions (tenant_id, course_id, course_version, created_at, session_id);
CREATE INDEX training_sessions_status_idx ON training_sessions (tenant_id, status, created_at, session_id);
CREATE INDEX training_sessions_created_idx ON training_sessions (tenant_id, created_at, session_id);
CREATE INDEX training_sessions_updated_idx ON training_sessions (tenant_id, updated_at);

CREATE TABLE training_answers (
    tenant_id          text        NOT NULL,
    session_id         uuid        NOT NULL,
    attempt_number     integer     NOT NULL CHECK (attempt_number >= 1),
    item_id            text        NOT NULL,
    module_index       integer     NOT NULL CHECK (module_index >= 0),
    selected_option    text,
    free_text_response text        CHECK (char_length(free_text_response) <= 2000),
    submitted_at       timestamptz NOT NULL,
    {SCORING},
    CHECK ((selected_option IS NULL) <> (free_text_response IS NULL)),
    PRIMARY KEY (tenant_id, session_id, attempt_number, item_id),
    FOREIGN KEY (tenant_id, session_id) REFERENCES training_sessions (tenant_id, session_id)
);
CREATE INDEX training_answers_pending_idx ON training_answers (next_try_at) WHERE status = 'pending';

CREATE TABLE training_attempt_results (
    tenant_id       text        NOT NULL,
    session_id      uuid        NOT NULL,
    attempt_number  integer     NOT NULL CHECK (attempt_number >= 1),
    aggregate_score double precision NOT NULL CHECK (aggregate_score >= 0 AND aggregate_score <= 1),
    passed          boolean     NOT NULL,
    weak_areas      text[]      NOT NULL,
    module_results  jsonb       NOT NULL,
    evaluated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, session_id, attempt_number),
    FOREIGN KEY (tenant_id, session_id) REFERENCES training_sessions (tenant_id, session_id)
);

CREATE TABLE learning_quiz_attempts (
    tenant_id      text        NOT NULL,
    attempt_id     uuid        NOT NULL,
    user_id        uuid        NOT NULL,
    course_id      uuid        NOT NULL,
    course_version integer     NOT NULL CHECK (course_version >= 1),
    quiz_id        uuid        NOT NULL,
    attempt_number integer     NOT NULL CHECK (attempt_number >= 1 AND attempt_number <= max_attempts),
    max_attempts   integer     NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
    pass_threshold double precision NOT NULL CHECK (pass_threshold > 0 AND pass_threshold <= 1),
    result_policy  text        NOT NULL CHECK (result_policy IN ('highest', 'latest', 'average')),
    status         text        NOT NULL CHECK (status IN ('in_progress', 'scoring', 'passed', 'failed')),
    questions      jsonb       NOT NULL,
    score          double precision CHECK (score >= 0 AND score <= 1),
    quiz_result    double precision CHECK (quiz_result >= 0 AND quiz_result <= 1),
    started_at     timestamptz NOT NULL,
    submitted_at   timestamptz,
    scored_at      timestamptz,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, attempt_id),
    CONSTRAINT learning_quiz_attempts_number_key
        UNIQUE (tenant_id, user_id, course_id, course_version, quiz_id, attempt_number)
);
CREATE UNIQUE INDEX learning_quiz_attempts_open_idx
    ON learning_quiz_attempts (tenant_id, user_id, course_id, course_version, quiz_id) WHERE status = 'in_progress';
CREATE INDEX learning_quiz_attempts_user_idx ON learning_quiz_attempts (tenant_id, user_id, started_at, attempt_id);
CREATE INDEX learning_quiz_attempts_course_idx
    ON learning_quiz_attempts (tenant_id, course_id, course_version, started_at, attempt_id);
CREATE INDEX learning_quiz_attempts_quiz_idx ON learning_quiz_attempts (tenant_id, quiz_id, started_at, attempt_id);
CREATE INDEX learning_quiz_attempts_status_idx ON learning_quiz_attempts (tenant_id, status, started_at, attempt_id);
CREATE INDEX learning_quiz_attempts_started_idx ON learning_quiz_attempts (tenant_id, started_at, attempt_id);
CREATE INDEX learning_quiz_attempts_updated_idx ON learning_quiz_attempts (tenant_id, updated_at);

CREATE TABLE learning_quiz_answers (
    tenant_id          text        NOT NULL,
    attempt_id         uuid        NOT NULL,
    question_id        uuid        NOT NULL,
    selected_options   text[]      NOT NULL,
    free_text_response text,
    answered_at        timestamptz NOT NULL,
    {SCORING},
    PRIMARY KEY (tenant_id, attempt_id, question_id),
    FOREIGN KEY (tenant_id, attempt_id) REFERENCES learning_quiz_attempts (tenant_id, attempt_id)
);
CREATE INDEX learning_quiz_answers_pending_idx ON learning_quiz_answers (next_try_at) WHERE status = 'pending';

CREATE TABLE learning_exercise_submissions (
    tenant_id          text        NOT NULL,
    submission_id      uuid        NOT NULL,
    user_id            uuid        NOT NULL,
    course_id          uuid        NOT NULL,
    course_version     integer     NOT NULL CHECK (course_version >= 1),
    exercise_id        uuid        NOT NULL,
    revision           integer     NOT NULL CHECK (revision >= 1),
    text               text        NOT NULL,
    attachments        jsonb       NOT NULL,
    status             text        NOT NULL
        CHECK (status IN ('in_review', 'approved', 'changes_requested', 'rejected')),
    reviewer_role      text        NOT NULL,
    required_approvals integer     NOT NULL CHECK (required_approvals BETWEEN 1 AND 10),
    submitted_at       timestamptz NOT NULL,
    decided_at         timestamptz,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, submission_id),
    CONSTRAINT learning_exercise_submissions_revision_key
        UNIQUE (tenant_id, user_id, course_id, course_version, exercise_id, revision)
);
CREATE INDEX learning_exercise_submissions_user_idx
    ON learning_exercise_submissions (tenant_id, user_id, submitted_at, submission_id);
CREATE INDEX learning_exercise_submissions_course_idx
    ON learning_exercise_submissions (tenant_id, course_id, course_version, submitted_at, submission_id);
CREATE INDEX learning_exercise_submissions_exercise_idx
    ON learning_exercise_submissions (tenant_id, exercise_id, submitted_at, submission_id);
CREATE INDEX learning_exercise_submissions_status_idx
    ON learning_exercise_submissions (tenant_id, status, submitted_at, submission_id);
CREATE INDEX learning_exercise_submissions_submitted_idx
    ON learning_exercise_submissions (tenant_id, submitted_at, submission_id);
CREATE INDEX learning_exercise_submissions_updated_idx ON learning_exercise_submissions (tenant_id, updated_at);

CREATE TABLE learning_exercise_reviews (
    tenant_id        text        NOT NULL,
    submission_id    uuid        NOT NULL,
    review_id        uuid        NOT NULL,
    reviewer_id      text        NOT NULL,
    criterion_scores jsonb       NOT NULL,
    score            double precision NOT NULL CHECK (score >= 0 AND score <= 1),
    feedback         text        NOT NULL,
    decision         text        NOT NULL CHECK (decision IN ('approved', 'changes_requested', 'rejected')),
    reviewed_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, submission_id, review_id),
    CONSTRAINT learning_exercise_reviews_reviewer_key UNIQUE (tenant_id, submission_id, reviewer_id),
    FOREIGN KEY (tenant_id, submission_id) REFERENCES learning_exercise_submissions (tenant_id, submission_id)
);

CREATE TABLE maturity_rubrics (
    tenant_id        text        NOT NULL,
    rubric_id        uuid        NOT NULL,
    version          integer     NOT NULL CHECK (version >= 1),
    state            text        NOT NULL CHECK (state IN ('draft', 'published')),
    title            text        NOT NULL,
    description      text        NOT NULL,
    dimensions       jsonb       NOT NULL,
    level_thresholds jsonb       NOT NULL,
    gap_threshold    double precision NOT NULL CHECK (gap_threshold > 0 AND gap_threshold <= 1),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    published_at     timestamptz,
    published_by     text        NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, rubric_id, version)
);
CREATE UNIQUE INDEX maturity_rubrics_one_draft_idx ON maturity_rubrics (tenant_id, rubric_id) WHERE state = 'draft';
CREATE INDEX maturity_rubrics_created_idx ON maturity_rubrics (tenant_id, created_at, rubric_id, version);

CREATE TABLE procurement_maturity_assessments (
    tenant_id                text        NOT NULL,
    assessment_id            uuid        NOT NULL,
    rubric_id                uuid        NOT NULL,
    rubric_version           integer     NOT NULL,
    assessor_id              text        NOT NULL,
    responses                jsonb       NOT NULL,
    dimension_scores         jsonb       NOT NULL,
    total_score              double precision NOT NULL CHECK (total_score >= 0 AND total_score <= 1),
    maturity_level           smallint    NOT NULL CHECK (maturity_level BETWEEN 1 AND 5),
    supersedes_assessment_id uuid,
    submitted_at             timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, assessment_id),
    CONSTRAINT procurement_maturity_assessments_rubric_fkey FOREIGN KEY (tenant_id, rubric_id, rubric_version)
        REFERENCES maturity_rubrics (tenant_id, rubric_id, version)
);
CREATE INDEX procurement_maturity_assessments_submitted_idx
    ON procurement_maturity_assessments (tenant_id, submitted_at, assessment_id);
CREATE INDEX procurement_maturity_assessments_level_idx
    ON procurement_maturity_assessments (tenant_id, maturity_level, submitted_at, assessment_id);
CREATE INDEX procurement_maturity_assessments_rubric_idx
    ON procurement_maturity_assessments (tenant_id, rubric_id, submitted_at, assessment_id);

CREATE FUNCTION assessment_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on %: this table is append-only', TG_OP, TG_TABLE_NAME;
END
$$;
CREATE FUNCTION assessment_rubric_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION '% on maturity_rubrics: published rubric versions are immutable', TG_OP;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER maturity_rubrics_published_frozen BEFORE UPDATE OR DELETE ON maturity_rubrics
    FOR EACH ROW EXECUTE FUNCTION assessment_rubric_frozen();
CREATE TRIGGER maturity_rubrics_no_truncate BEFORE TRUNCATE ON maturity_rubrics
    FOR EACH STATEMENT EXECUTE FUNCTION assessment_reject_change();
"""

APPEND_ONLY = ("training_attempt_results", "learning_exercise_reviews", "procurement_maturity_assessments")


def upgrade() -> None:
    op.execute(DDL)
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION assessment_reject_change()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION assessment_reject_change()")
    create_outbox_table(op)
    create_idempotency_table(op)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS idempotency_keys, outbox, procurement_maturity_assessments, maturity_rubrics, "
               "learning_exercise_reviews, learning_exercise_submissions, learning_quiz_answers, "
               "learning_quiz_attempts, training_attempt_results, training_answers, training_sessions")
    op.execute("DROP FUNCTION IF EXISTS assessment_reject_change(), assessment_rubric_frozen()")
