"""Tables of the assessment database as the queries see them (DDL: migrations/versions/0001_initial.py).

Four resources, each with its seed 000 table (or seed 002's TrainingSession):
  * training_sessions (+ training_answers per attempt and item, training_attempt_results per evaluated
    attempt, append-only): the frozen content shown to the employee lives in `content` (jsonb, never
    with answer keys or rubrics: scoring reads those from the catalog's published version);
  * learning_quiz_attempts (+ learning_quiz_answers);
  * learning_exercise_submissions (+ learning_exercise_reviews, append-only);
  * maturity_rubrics (published versions immutable, enforced by a trigger) and
    procurement_maturity_assessments (append-only: re-scoring is a new row).
Every key starts with tenant_id (Citus-ready).
"""

from __future__ import annotations

from sqlalchemy import (
    ARRAY,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
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
APPEND_ONLY_TABLES: tuple[str, ...] = (
    "training_attempt_results", "learning_exercise_reviews", "procurement_maturity_assessments")
ID = PG_UUID(as_uuid=False)  # uuid column, read back as a lower-case string


def _time(name: str, nullable: bool = False) -> Column:
    return Column(name, DateTime(timezone=True), nullable=nullable)


def _scoring_columns() -> list[Column]:
    """How an answer's scoring stands: 'pending' answers are retried in the background."""
    return [
        Column("status", Text, nullable=False),  # 'pending' | 'scored'
        Column("score", Float, nullable=True),
        Column("rationale", Text, nullable=True),
        Column("scorer", Text, nullable=True),
        _time("scored_at", True),
        Column("scoring_failures", Integer, nullable=False, server_default=text("0")),
        _time("next_try_at", True),
    ]


# --------------------------------------------------------------------------------------------------------
# Training sessions (seed 002)
# --------------------------------------------------------------------------------------------------------

training_sessions = Table(
    "training_sessions", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("session_id", ID, nullable=False),
    Column("employee_id", ID, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("course_version", Integer, nullable=False),
    Column("pass_threshold", Float, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("role_profile_id", Text, nullable=False),
    Column("role_profile_version", Integer, nullable=False),
    Column("app_version", Text, nullable=False),
    Column("config_hash", Text, nullable=False),
    Column("status", Text, nullable=False),  # 'in_progress' | 'passed' | 'exhausted' | 'abandoned'
    Column("attempt_number", Integer, nullable=False),
    Column("content", JSONB, nullable=False),  # the frozen modules (domain.sessions.Module as JSON)
    Column("item_count", Integer, nullable=False),
    Column("abandon_reason", Text, nullable=False, server_default=text("''")),
    _time("created_at"), _time("updated_at"), _time("completed_at", True),
    # Set in the transaction that queued the training evidence (once per session).
    _time("evidence_requested_at", True),
    PrimaryKeyConstraint("tenant_id", "session_id"),
    Index("training_sessions_employee_idx", "tenant_id", "employee_id", "created_at", "session_id"),
    Index("training_sessions_course_idx", "tenant_id", "course_id", "course_version", "created_at", "session_id"),
    Index("training_sessions_status_idx", "tenant_id", "status", "created_at", "session_id"),
    Index("training_sessions_created_idx", "tenant_id", "created_at", "session_id"),
    Index("training_sessions_updated_idx", "tenant_id", "updated_at"),
)

training_answers = Table(
    "training_answers", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("session_id", ID, nullable=False),
    Column("attempt_number", Integer, nullable=False),
    Column("item_id", Text, nullable=False),
    Column("module_index", Integer, nullable=False),
    Column("selected_option", Text, nullable=True),
    Column("free_text_response", Text, nullable=True),
    _time("submitted_at"),
    *_scoring_columns(),
    PrimaryKeyConstraint("tenant_id", "session_id", "attempt_number", "item_id"),
    ForeignKeyConstraint(["tenant_id", "session_id"], ["training_sessions.tenant_id", "training_sessions.session_id"],
                         name="training_answers_tenant_id_session_id_fkey"),
    Index("training_answers_pending_idx", "next_try_at", postgresql_where=text("status = 'pending'")),
)

training_attempt_results = Table(
    "training_attempt_results", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("session_id", ID, nullable=False),
    Column("attempt_number", Integer, nullable=False),
    Column("aggregate_score", Float, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("weak_areas", ARRAY(Text), nullable=False),
    Column("module_results", JSONB, nullable=False),  # [{module_index, title, topic_area, score, completed_at}]
    _time("evaluated_at"),
    PrimaryKeyConstraint("tenant_id", "session_id", "attempt_number"),
    ForeignKeyConstraint(["tenant_id", "session_id"], ["training_sessions.tenant_id", "training_sessions.session_id"],
                         name="training_attempt_results_tenant_id_session_id_fkey"),
)

# --------------------------------------------------------------------------------------------------------
# Quiz attempts (seed 000 learning_quiz_attempts)
# --------------------------------------------------------------------------------------------------------

quiz_attempts = Table(
    "learning_quiz_attempts", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("attempt_id", ID, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("course_version", Integer, nullable=False),
    Column("quiz_id", ID, nullable=False),
    Column("attempt_number", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("pass_threshold", Float, nullable=False),
    Column("result_policy", Text, nullable=False),  # 'highest' | 'latest' | 'average'
    Column("status", Text, nullable=False),  # 'in_progress' | 'scoring' | 'passed' | 'failed'
    Column("questions", JSONB, nullable=False),  # the questions as shown: [{question_id, prompt, ...}]
    Column("score", Float, nullable=True),
    Column("quiz_result", Float, nullable=True),
    _time("started_at"), _time("submitted_at", True), _time("scored_at", True), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "attempt_id"),
    UniqueConstraint("tenant_id", "user_id", "course_id", "course_version", "quiz_id", "attempt_number",
                     name="learning_quiz_attempts_number_key"),
    Index("learning_quiz_attempts_open_idx", "tenant_id", "user_id", "course_id", "course_version", "quiz_id",
          unique=True, postgresql_where=text("status = 'in_progress'")),
    Index("learning_quiz_attempts_user_idx", "tenant_id", "user_id", "started_at", "attempt_id"),
    Index("learning_quiz_attempts_course_idx", "tenant_id", "course_id", "course_version", "started_at", "attempt_id"),
    Index("learning_quiz_attempts_quiz_idx", "tenant_id", "quiz_id", "started_at", "attempt_id"),
    Index("learning_quiz_attempts_status_idx", "tenant_id", "status", "started_at", "attempt_id"),
    Index("learning_quiz_attempts_started_idx", "tenant_id", "started_at", "attempt_id"),
    Index("learning_quiz_attempts_updated_idx", "tenant_id", "updated_at"),
)

quiz_answers = Table(
    "learning_quiz_answers", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("attempt_id", ID, nullable=False),
    Column("question_id", ID, nullable=False),
    Column("selected_options", ARRAY(Text), nullable=False),
    Column("free_text_response", Text, nullable=True),
    _time("answered_at"),
    *_scoring_columns(),
    PrimaryKeyConstraint("tenant_id", "attempt_id", "question_id"),
    ForeignKeyConstraint(["tenant_id", "attempt_id"], ["learning_quiz_attempts.tenant_id",
                                                       "learning_quiz_attempts.attempt_id"],
                         name="learning_quiz_answers_tenant_id_attempt_id_fkey"),
    Index("learning_quiz_answers_pending_idx", "next_try_at", postgresql_where=text("status = 'pending'")),
)

# --------------------------------------------------------------------------------------------------------
# Exercise submissions (seed 000 learning_exercise_submissions)
# --------------------------------------------------------------------------------------------------------

exercise_submissions = Table(
    "learning_exercise_submissions", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("submission_id", ID, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("course_version", Integer, nullable=False),
    Column("exercise_id", ID, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("attachments", JSONB, nullable=False),  # [{uri, media_type, sha256, title}]
    Column("status", Text, nullable=False),  # 'in_review' | 'approved' | 'changes_requested' | 'rejected'
    Column("reviewer_role", Text, nullable=False),
    Column("required_approvals", Integer, nullable=False),
    _time("submitted_at"), _time("decided_at", True), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "submission_id"),
    UniqueConstraint("tenant_id", "user_id", "course_id", "course_version", "exercise_id", "revision",
                     name="learning_exercise_submissions_revision_key"),
    Index("learning_exercise_submissions_user_idx", "tenant_id", "user_id", "submitted_at", "submission_id"),
    Index("learning_exercise_submissions_course_idx", "tenant_id", "course_id", "course_version", "submitted_at",
          "submission_id"),
    Index("learning_exercise_submissions_exercise_idx", "tenant_id", "exercise_id", "submitted_at", "submission_id"),
    Index("learning_exercise_submissions_status_idx", "tenant_id", "status", "submitted_at", "submission_id"),
    Index("learning_exercise_submissions_submitted_idx", "tenant_id", "submitted_at", "submission_id"),
    Index("learning_exercise_submissions_updated_idx", "tenant_id", "updated_at"),
)

exercise_reviews = Table(
    "learning_exercise_reviews", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("submission_id", ID, nullable=False),
    Column("review_id", ID, nullable=False),
    Column("reviewer_id", Text, nullable=False),
    Column("criterion_scores", JSONB, nullable=False),  # [{criterion, score}]
    Column("score", Float, nullable=False),
    Column("feedback", Text, nullable=False),
    Column("decision", Text, nullable=False),  # 'approved' | 'changes_requested' | 'rejected'
    _time("reviewed_at"),
    PrimaryKeyConstraint("tenant_id", "submission_id", "review_id"),
    UniqueConstraint("tenant_id", "submission_id", "reviewer_id", name="learning_exercise_reviews_reviewer_key"),
    ForeignKeyConstraint(["tenant_id", "submission_id"], ["learning_exercise_submissions.tenant_id",
                                                          "learning_exercise_submissions.submission_id"],
                         name="learning_exercise_reviews_tenant_id_submission_id_fkey"),
)

# --------------------------------------------------------------------------------------------------------
# Procurement maturity (seed 000 procurement_maturity_assessments)
# --------------------------------------------------------------------------------------------------------

maturity_rubrics = Table(
    "maturity_rubrics", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("rubric_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("state", Text, nullable=False),  # 'draft' | 'published'
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("dimensions", JSONB, nullable=False),  # [{dimension_key, title, topic_area, weight, questions: [...]}]
    Column("level_thresholds", JSONB, nullable=False),  # [{level, min_score}]
    Column("gap_threshold", Float, nullable=False),
    _time("created_at"), _time("updated_at"), _time("published_at", True),
    Column("published_by", Text, nullable=False, server_default=text("''")),
    PrimaryKeyConstraint("tenant_id", "rubric_id", "version"),
    Index("maturity_rubrics_one_draft_idx", "tenant_id", "rubric_id", unique=True,
          postgresql_where=text("state = 'draft'")),
    Index("maturity_rubrics_created_idx", "tenant_id", "created_at", "rubric_id", "version"),
)

maturity_assessments = Table(
    "procurement_maturity_assessments", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("assessment_id", ID, nullable=False),
    Column("rubric_id", ID, nullable=False),
    Column("rubric_version", Integer, nullable=False),
    Column("assessor_id", Text, nullable=False),
    Column("responses", JSONB, nullable=False),  # [{question_key, rating, note}]
    Column("dimension_scores", JSONB, nullable=False),  # [{dimension_key, title, topic_area, score, weak}]
    Column("total_score", Float, nullable=False),
    Column("maturity_level", SmallInteger, nullable=False),
    Column("supersedes_assessment_id", ID, nullable=True),
    _time("submitted_at"),
    PrimaryKeyConstraint("tenant_id", "assessment_id"),
    ForeignKeyConstraint(["tenant_id", "rubric_id", "rubric_version"],
                         ["maturity_rubrics.tenant_id", "maturity_rubrics.rubric_id", "maturity_rubrics.version"],
                         name="procurement_maturity_assessments_rubric_fkey"),
    Index("procurement_maturity_assessments_submitted_idx", "tenant_id", "submitted_at", "assessment_id"),
    Index("procurement_maturity_assessments_level_idx", "tenant_id", "maturity_level", "submitted_at",
          "assessment_id"),
    Index("procurement_maturity_assessments_rubric_idx", "tenant_id", "rubric_id", "submitted_at", "assessment_id"),
)

outbox = outbox_table(metadata)
idempotency_keys = idempotency_table(metadata)
