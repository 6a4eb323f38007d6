"""SQLAlchemy Core tables of the catalog database (DDL lives in migrations/versions/).

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
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from shared.idempotency import idempotency_table
from shared.outbox import outbox_table

metadata = MetaData()
outbox = outbox_table(metadata)
idempotency_keys = idempotency_table(metadata)

ID = PG_UUID(as_uuid=False)  # uuid column, read back as a lower-case string


def _time(name: str, nullable: bool = False) -> Column:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _version_key() -> list[Column]:
    return [Column("tenant_id", Text, nullable=False), Column("course_id", ID, nullable=False),
            Column("version", Integer, nullable=False)]


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
    PrimaryKeyConstraint("tenant_id", "course_id", "version"),
)

modules = Table(
    "learning_modules", metadata,
    *_version_key(),
    Column("module_id", ID, nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    _time("created_at"), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "course_id", "version", "module_id"),
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
)

interactive_lessons = Table(
    "learning_interactive_lessons", metadata,
    *_version_key(),
    Column("lesson_id", ID, nullable=False),
    Column("entry_step_id", Text, nullable=False),
    Column("steps", JSONB, nullable=False),  # [{step_id, prompt, choices: [{choice_key, text, next_step_id}]}]
    PrimaryKeyConstraint("tenant_id", "course_id", "version", "lesson_id"),
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
)

# Structure tables copied into a new draft version, parents before children (foreign keys).
STRUCTURE_TABLES = (modules, lessons, video_lessons, interactive_lessons, quizzes, quiz_questions,
                    practical_exercises)
