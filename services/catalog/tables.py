"""SQLAlchemy Core tables of the catalog database, as migrations/versions/ builds them.

Indexes, unique keys and foreign keys carry the names the migration's DDL gave them (PostgreSQL
derives, and truncates to 63 characters, the names of unnamed UNIQUE and FOREIGN KEY clauses), so
tests/architecture/test_schema_drift.py can compare this file with the migrated database.

Every key starts with tenant_id (Citus-ready). Structure elements are snapshots per
course version: their primary key is (tenant_id, course_id, version, element id), so
the same element id appears once in every version that contains it and a published
version's rows are never touched again. Element status is not stored: it always
equals the state of its version (learning_course_versions.state).
"""

from __future__ import annotations

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from shared.idempotency import idempotency_table
from shared.outbox import outbox_table

metadata = MetaData()
APPEND_ONLY_TABLES: tuple[str, ...] = ()  # published versions are frozen by triggers, not by grants
outbox = outbox_table(metadata)
idempotency_keys = idempotency_table(metadata)

ID = PG_UUID(as_uuid=False)  # uuid column, read back as a lower-case string


def _time(name: str, nullable: bool = False) -> Column:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _version_key() -> list[Column]:
    return [Column("tenant_id", Text, nullable=False), Column("course_id", ID, nullable=False),
            Column("version", Integer, nullable=False)]


def _references(name: str, parent: str, *columns: str) -> ForeignKeyConstraint:
    """FOREIGN KEY (columns) REFERENCES parent (the same columns), as the migration declares it."""
    return ForeignKeyConstraint(list(columns), [f"{parent}.{column}" for column in columns], name=name)


courses = Table(
    "learning_courses", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("status", Text, nullable=False),  # draft | published | archived
    Column("latest_version", Integer, nullable=False),
    Column("published_version", Integer, nullable=False),
    Column("draft_version", Integer, nullable=False),
    Column("revision", BigInteger, nullable=False),  # etag source, +1 on every change
    _time("created_at"), _time("updated_at"), _time("published_at", True), _time("archived_at", True),
    PrimaryKeyConstraint("tenant_id", "course_id"),
    Index("learning_courses_created_idx", "tenant_id", "created_at", "course_id"),
    Index("learning_courses_status_idx", "tenant_id", "status", "created_at", "course_id"),
    Index("learning_courses_updated_idx", "tenant_id", "updated_at"),
)

course_versions = Table(
    "learning_course_versions", metadata,
    *_version_key(),
    Column("state", Text, nullable=False),  # draft | published
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("objectives", ARRAY(Text), nullable=False),
    Column("target_audience", Text, nullable=False),
    Column("metadata", JSONB, nullable=False),
    Column("published_by", Text, nullable=False),
    _time("created_at"), _time("updated_at"), _time("published_at", True),
    # Encoded size of the structure as GetCourseVersion returns it (domain.MAX_VERSION_STRUCTURE_BYTES).
    Column("structure_bytes", BigInteger, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("tenant_id", "course_id", "version"),
    _references("learning_course_versions_tenant_id_course_id_fkey", "learning_courses", "tenant_id", "course_id"),
    Index("learning_course_versions_state_idx", "tenant_id", "state", "updated_at"),
)

modules = Table(
    "learning_modules", metadata,
    *_version_key(),
    Column("module_id", ID, nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    _time("created_at"), _time("updated_at"),
    Column("topic_area", Text, nullable=False, server_default=text("''")),  # migration 0003; '' = none
    PrimaryKeyConstraint("tenant_id", "course_id", "version", "module_id"),
    UniqueConstraint("tenant_id", "course_id", "version", "position",
                     name="learning_modules_tenant_id_course_id_version_position_key"),
    _references("learning_modules_tenant_id_course_id_version_fkey",
                "learning_course_versions", "tenant_id", "course_id", "version"),
    Index("learning_modules_module_idx", "tenant_id", "module_id"),
)

lessons = Table(
    "learning_lessons", metadata,
    *_version_key(),
    Column("lesson_id", ID, nullable=False),
    Column("module_id", ID, nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("objective", Text, nullable=False),
    Column("completion_rule", Text, nullable=False),  # view | complete_all_steps | pass_quiz
    Column("content_type", Text, nullable=False),  # video | interactive
    _time("created_at"), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "course_id", "version", "lesson_id"),
    UniqueConstraint("tenant_id", "course_id", "version", "module_id", "position",
                     name="learning_lessons_tenant_id_course_id_version_module_id_posi_key"),
    _references("learning_lessons_tenant_id_course_id_version_module_id_fkey",
                "learning_modules", "tenant_id", "course_id", "version", "module_id"),
    Index("learning_lessons_lesson_idx", "tenant_id", "lesson_id"),
)

video_lessons = Table(
    "learning_video_lessons", metadata,
    *_version_key(),
    Column("lesson_id", ID, nullable=False),
    Column("media_uri", Text, nullable=False),
    Column("duration_seconds", BigInteger, nullable=False),
    Column("duration_nanos", Integer, nullable=False),
    Column("transcript_uri", Text, nullable=False),
    Column("captions", JSONB, nullable=False),  # [{language_code, uri, kind}]
    PrimaryKeyConstraint("tenant_id", "course_id", "version", "lesson_id"),
    _references("learning_video_lessons_tenant_id_course_id_version_lesson__fkey",
                "learning_lessons", "tenant_id", "course_id", "version", "lesson_id"),
)

interactive_lessons = Table(
    "learning_interactive_lessons", metadata,
    *_version_key(),
    Column("lesson_id", ID, nullable=False),
    Column("entry_step_id", Text, nullable=False),
    # [{step_id, prompt, choices: [{choice_key, text, next_step_id, correct}]}]; "correct" (an answer key) is
    # missing from choices stored before it existed and then reads as false (convert.choice).
    Column("steps", JSONB, nullable=False),
    PrimaryKeyConstraint("tenant_id", "course_id", "version", "lesson_id"),
    _references("learning_interactive_lessons_tenant_id_course_id_version_l_fkey",
                "learning_lessons", "tenant_id", "course_id", "version", "lesson_id"),
)

quizzes = Table(
    "learning_quizzes", metadata,
    *_version_key(),
    Column("quiz_id", ID, nullable=False),
    Column("module_id", ID, nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("pass_threshold", Float, nullable=False),
    Column("scoring_policy", Text, nullable=False),  # highest_attempt | latest_attempt | average_attempts
    Column("max_attempts", Integer, nullable=False),
    _time("created_at"), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "course_id", "version", "quiz_id"),
    UniqueConstraint("tenant_id", "course_id", "version", "module_id", "position",
                     name="learning_quizzes_tenant_id_course_id_version_module_id_posi_key"),
    _references("learning_quizzes_tenant_id_course_id_version_module_id_fkey",
                "learning_modules", "tenant_id", "course_id", "version", "module_id"),
    Index("learning_quizzes_quiz_idx", "tenant_id", "quiz_id"),
)

quiz_questions = Table(
    "learning_quiz_questions", metadata,
    *_version_key(),
    Column("question_id", ID, nullable=False),
    Column("quiz_id", ID, nullable=False),
    Column("position", Integer, nullable=False),
    Column("prompt", Text, nullable=False),
    Column("kind", Text, nullable=False),  # multiple_choice | free_text
    Column("options", JSONB, nullable=False),  # [{key, text}] for multiple choice, [] otherwise
    Column("correct_keys", ARRAY(Text), nullable=False),
    Column("rubric", Text, nullable=False),
    Column("max_length", Integer, nullable=False),
    PrimaryKeyConstraint("tenant_id", "course_id", "version", "question_id"),
    UniqueConstraint("tenant_id", "course_id", "version", "quiz_id", "position",
                     name="learning_quiz_questions_tenant_id_course_id_version_quiz_id_key"),
    _references("learning_quiz_questions_tenant_id_course_id_version_quiz_i_fkey",
                "learning_quizzes", "tenant_id", "course_id", "version", "quiz_id"),
)

practical_exercises = Table(
    "learning_practical_exercises", metadata,
    *_version_key(),
    Column("exercise_id", ID, nullable=False),
    Column("module_id", ID, nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("prompt", Text, nullable=False),
    Column("rubric", Text, nullable=False),
    Column("reviewer_role", Text, nullable=False),
    Column("min_reviewers", Integer, nullable=False),
    Column("requires_evidence_upload", Boolean, nullable=False),
    _time("created_at"), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "course_id", "version", "exercise_id"),
    UniqueConstraint("tenant_id", "course_id", "version", "module_id", "position",
                     name="learning_practical_exercises_tenant_id_course_id_version_mo_key"),
    _references("learning_practical_exercises_tenant_id_course_id_version_m_fkey",
                "learning_modules", "tenant_id", "course_id", "version", "module_id"),
    Index("learning_practical_exercises_exercise_idx", "tenant_id", "exercise_id"),
)

learning_paths = Table(
    "learning_paths", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("learning_path_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", Text, nullable=False),  # draft | published | archived
    Column("title", Text, nullable=False),
    Column("goal", Text, nullable=False),
    Column("audience", Text, nullable=False),
    Column("owner_id", ID, nullable=False),
    _time("created_at"), _time("updated_at"), _time("published_at", True),
    PrimaryKeyConstraint("tenant_id", "learning_path_id"),
    Index("learning_paths_created_idx", "tenant_id", "created_at", "learning_path_id"),
    Index("learning_paths_status_idx", "tenant_id", "status", "created_at", "learning_path_id"),
    Index("learning_paths_updated_idx", "tenant_id", "updated_at"),
    Index("learning_paths_owner_idx", "tenant_id", "owner_id"),
)

learning_path_steps = Table(
    "learning_path_steps", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("learning_path_id", ID, nullable=False),
    Column("position", Integer, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("course_version", Integer, nullable=False),
    Column("required", Boolean, nullable=False),
    PrimaryKeyConstraint("tenant_id", "learning_path_id", "position"),
    UniqueConstraint("tenant_id", "learning_path_id", "course_id",
                     name="learning_path_steps_tenant_id_learning_path_id_course_id_key"),
    _references("learning_path_steps_tenant_id_learning_path_id_fkey",
                "learning_paths", "tenant_id", "learning_path_id"),
    # "Which paths use this course version?" (cross-domain references).
    Index("learning_path_steps_course_idx", "tenant_id", "course_id", "course_version"),
)

# Structure tables copied into a new draft version, parents before children (foreign keys).
STRUCTURE_TABLES = (modules, lessons, video_lessons, interactive_lessons, quizzes, quiz_questions,
                    practical_exercises)
