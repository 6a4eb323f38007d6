"""Catalog schema: courses, versions, structure snapshots, learning paths, outbox, idempotency keys.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23

Keys start with tenant_id everywhere (Citus-ready). Structure rows are keyed by
(tenant_id, course_id, version, element id): ids are stable across versions and each
version owns its own snapshot rows. Indexes follow seed 000 "Indexing Considerations"
(tenant, course, path, lesson, status, created_at/updated_at) and the List queries.
"""
from typing import Sequence, Union

from alembic import op

from shared.idempotency import create_idempotency_table
from shared.outbox import create_outbox_table

# revision identifiers, used by Alembic.
revision: str = "0001_initial"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = (
    "learning_path_steps", "learning_paths", "learning_practical_exercises", "learning_quiz_questions",
    "learning_quizzes", "learning_interactive_lessons", "learning_video_lessons", "learning_lessons",
    "learning_modules", "learning_course_versions", "learning_courses",
)

DDL = """
CREATE TABLE learning_courses (
    tenant_id         text        NOT NULL,
    course_id         uuid        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    latest_version    integer     NOT NULL CHECK (latest_version >= 1),
    published_version integer     NOT NULL CHECK (published_version >= 0),
    draft_version     integer     NOT NULL CHECK (draft_version >= 0),
    revision          bigint      NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    published_at      timestamptz,
    archived_at       timestamptz,
    PRIMARY KEY (tenant_id, course_id)
);
CREATE INDEX learning_courses_created_idx ON learning_courses (tenant_id, created_at, course_id);
CREATE INDEX learning_courses_status_idx ON learning_courses (tenant_id, status, created_at, course_id);
CREATE INDEX learning_courses_updated_idx ON learning_courses (tenant_id, updated_at);

CREATE TABLE learning_course_versions (
    tenant_id       text        NOT NULL,
    course_id       uuid        NOT NULL,
    version         integer     NOT NULL CHECK (version >= 1),
    state           text        NOT NULL CHECK (state IN ('draft', 'published')),
    title           text        NOT NULL,
    description     text        NOT NULL,
    objectives      text[]      NOT NULL,
    target_audience text        NOT NULL,
    metadata        jsonb       NOT NULL,
    published_by    text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    published_at    timestamptz,
    PRIMARY KEY (tenant_id, course_id, version),
    FOREIGN KEY (tenant_id, course_id) REFERENCES learning_courses (tenant_id, course_id)
);
CREATE INDEX learning_course_versions_state_idx ON learning_course_versions (tenant_id, state, updated_at);

CREATE TABLE learning_modules (
    tenant_id   text        NOT NULL,
    course_id   uuid        NOT NULL,
    version     integer     NOT NULL,
    module_id   uuid        NOT NULL,
    position    integer     NOT NULL CHECK (position >= 1),
    title       text        NOT NULL,
    description text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, course_id, version, module_id),
    UNIQUE (tenant_id, course_id, version, position),
    FOREIGN KEY (tenant_id, course_id, version) REFERENCES learning_course_versions (tenant_id, course_id, version)
);
CREATE INDEX learning_modules_module_idx ON learning_modules (tenant_id, module_id);

CREATE TABLE learning_lessons (
    tenant_id       text        NOT NULL,
    course_id       uuid        NOT NULL,
    version         integer     NOT NULL,
    lesson_id       uuid        NOT NULL,
    module_id       uuid        NOT NULL,
    position        integer     NOT NULL CHECK (position >= 1),
    title           text        NOT NULL,
    objective       text        NOT NULL,
    completion_rule text        NOT NULL CHECK (completion_rule IN ('view', 'complete_all_steps', 'pass_quiz')),
    content_type    text        NOT NULL CHECK (content_type IN ('video', 'interactive')),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, course_id, version, lesson_id),
    UNIQUE (tenant_id, course_id, version, module_id, position),
    FOREIGN KEY (tenant_id, course_id, version, module_id)
        REFERENCES learning_modules (tenant_id, course_id, version, module_id)
);
CREATE INDEX learning_lessons_lesson_idx ON learning_lessons (tenant_id, lesson_id);

CREATE TABLE learning_video_lessons (
    tenant_id        text    NOT NULL,
    course_id        uuid    NOT NULL,
    version          integer NOT NULL,
    lesson_id        uuid    NOT NULL,
    media_uri        text    NOT NULL,
    duration_seconds bigint  NOT NULL,
    duration_nanos   integer NOT NULL,
    transcript_uri   text    NOT NULL,
    captions         jsonb   NOT NULL,
    PRIMARY KEY (tenant_id, course_id, version, lesson_id),
    FOREIGN KEY (tenant_id, course_id, version, lesson_id)
        REFERENCES learning_lessons (tenant_id, course_id, version, lesson_id)
);

CREATE TABLE learning_interactive_lessons (
    tenant_id     text    NOT NULL,
    course_id     uuid    NOT NULL,
    version       integer NOT NULL,
    lesson_id     uuid    NOT NULL,
    entry_step_id text    NOT NULL,
    steps         jsonb   NOT NULL,
    PRIMARY KEY (tenant_id, course_id, version, lesson_id),
    FOREIGN KEY (tenant_id, course_id, version, lesson_id)
        REFERENCES learning_lessons (tenant_id, course_id, version, lesson_id)
);

CREATE TABLE learning_quizzes (
    tenant_id      text             NOT NULL,
    course_id      uuid             NOT NULL,
    version        integer          NOT NULL,
    quiz_id        uuid             NOT NULL,
    module_id      uuid             NOT NULL,
    position       integer          NOT NULL CHECK (position >= 1),
    title          text             NOT NULL,
    pass_threshold double precision NOT NULL CHECK (pass_threshold > 0 AND pass_threshold <= 1),
    scoring_policy text             NOT NULL,
    max_attempts   integer          NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
    created_at     timestamptz      NOT NULL,
    updated_at     timestamptz      NOT NULL,
    PRIMARY KEY (tenant_id, course_id, version, quiz_id),
    UNIQUE (tenant_id, course_id, version, module_id, position),
    FOREIGN KEY (tenant_id, course_id, version, module_id)
        REFERENCES learning_modules (tenant_id, course_id, version, module_id)
);
CREATE INDEX learning_quizzes_quiz_idx ON learning_quizzes (tenant_id, quiz_id);

CREATE TABLE learning_quiz_questions (
    tenant_id    text    NOT NULL,
    course_id    uuid    NOT NULL,
    version      integer NOT NULL,
    question_id  uuid    NOT NULL,
    quiz_id      uuid    NOT NULL,
    position     integer NOT NULL CHECK (position >= 1),
    prompt       text    NOT NULL,
    kind         text    NOT NULL CHECK (kind IN ('multiple_choice', 'free_text')),
    options      jsonb   NOT NULL,
    correct_keys text[]  NOT NULL,
    rubric       text    NOT NULL,
    max_length   integer NOT NULL,
    PRIMARY KEY (tenant_id, course_id, version, question_id),
    UNIQUE (tenant_id, course_id, version, quiz_id, position),
    FOREIGN KEY (tenant_id, course_id, version, quiz_id)
        REFERENCES learning_quizzes (tenant_id, course_id, version, quiz_id)
);

CREATE TABLE learning_practical_exercises (
    tenant_id                text        NOT NULL,
    course_id                uuid        NOT NULL,
    version                  integer     NOT NULL,
    exercise_id              uuid        NOT NULL,
    module_id                uuid        NOT NULL,
    position                 integer     NOT NULL CHECK (position >= 1),
    title                    text        NOT NULL,
    prompt                   text        NOT NULL,
    rubric                   text        NOT NULL,
    reviewer_role            text        NOT NULL,
    min_reviewers            integer     NOT NULL CHECK (min_reviewers BETWEEN 1 AND 10),
    requires_evidence_upload boolean     NOT NULL,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, course_id, version, exercise_id),
    UNIQUE (tenant_id, course_id, version, module_id, position),
    FOREIGN KEY (tenant_id, course_id, version, module_id)
        REFERENCES learning_modules (tenant_id, course_id, version, module_id)
);
CREATE INDEX learning_practical_exercises_exercise_idx ON learning_practical_exercises (tenant_id, exercise_id);

CREATE TABLE learning_paths (
    tenant_id        text        NOT NULL,
    learning_path_id uuid        NOT NULL,
    version          integer     NOT NULL CHECK (version >= 1),
    status           text        NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    title            text        NOT NULL,
    goal             text        NOT NULL,
    audience         text        NOT NULL,
    owner_id         uuid        NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    published_at     timestamptz,
    PRIMARY KEY (tenant_id, learning_path_id)
);
CREATE INDEX learning_paths_created_idx ON learning_paths (tenant_id, created_at, learning_path_id);
CREATE INDEX learning_paths_status_idx ON learning_paths (tenant_id, status, created_at, learning_path_id);
CREATE INDEX learning_paths_updated_idx ON learning_paths (tenant_id, updated_at);
CREATE INDEX learning_paths_owner_idx ON learning_paths (tenant_id, owner_id);

CREATE TABLE learning_path_steps (
    tenant_id        text    NOT NULL,
    learning_path_id uuid    NOT NULL,
    position         integer NOT NULL CHECK (position >= 1),
    course_id        uuid    NOT NULL,
    course_version   integer NOT NULL CHECK (course_version >= 1),
    required         boolean NOT NULL,
    PRIMARY KEY (tenant_id, learning_path_id, position),
    UNIQUE (tenant_id, learning_path_id, course_id),
    FOREIGN KEY (tenant_id, learning_path_id) REFERENCES learning_paths (tenant_id, learning_path_id)
);
-- "Which paths use this course version?" (cross-domain references, seed 000).
CREATE INDEX learning_path_steps_course_idx ON learning_path_steps (tenant_id, course_id, course_version);
"""


# Defence in depth for "a published version never changes": even a buggy release or a
# hand-written statement cannot alter, add to or remove from a published version.
IMMUTABLE_PUBLISHED_VERSIONS = """
CREATE FUNCTION learning_version_is_published(p_tenant text, p_course uuid, p_version integer)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM learning_course_versions v
                   WHERE v.tenant_id = p_tenant AND v.course_id = p_course AND v.version = p_version
                     AND v.state = 'published')
$$;

CREATE FUNCTION learning_reject_published_structure_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE')
       AND learning_version_is_published(OLD.tenant_id, OLD.course_id, OLD.version) THEN
        RAISE EXCEPTION '% on %: course % version % is published and immutable',
            TG_OP, TG_TABLE_NAME, OLD.course_id, OLD.version;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE')
       AND learning_version_is_published(NEW.tenant_id, NEW.course_id, NEW.version) THEN
        RAISE EXCEPTION '% on %: course % version % is published and immutable',
            TG_OP, TG_TABLE_NAME, NEW.course_id, NEW.version;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION learning_reject_published_version_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION '% on learning_course_versions: course % version % is published and immutable',
            TG_OP, OLD.course_id, OLD.version;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER learning_course_versions_immutable BEFORE UPDATE OR DELETE ON learning_course_versions
    FOR EACH ROW EXECUTE FUNCTION learning_reject_published_version_change();
"""

STRUCTURE_TABLES = ("learning_modules", "learning_lessons", "learning_video_lessons", "learning_interactive_lessons",
                    "learning_quizzes", "learning_quiz_questions", "learning_practical_exercises")


def upgrade() -> None:
    op.execute(DDL)
    op.execute(IMMUTABLE_PUBLISHED_VERSIONS)
    for table in STRUCTURE_TABLES:
        op.execute(f"CREATE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION learning_reject_published_structure_change()")
    create_outbox_table(op)
    create_idempotency_table(op)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS outbox, idempotency_keys")
    for table in TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP FUNCTION IF EXISTS learning_reject_published_structure_change(), "
               "learning_reject_published_version_change(), learning_version_is_published(text, uuid, integer)")
