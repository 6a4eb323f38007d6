"""Tables of the progress database as the queries see them (DDL: migrations/versions/0001_initial.py).

Seed 000's `learning_user_progress` ("user progress by course, path, lesson, quiz, or exercise") is two
tables here: `learning_user_progress` holds one row per learner and course version (its state, percent,
times), `learning_user_item_progress` one row per learner, version and item. Both are folds of
`progress_events`, the append-only history every state is recomputed from. `course_structures` keeps
what the catalog said about each published version (they never change), so reads and recomputation
work while the catalog is down.
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
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from shared.idempotency import idempotency_table
from shared.outbox import outbox_table

metadata = MetaData()
APPEND_ONLY_TABLES: tuple[str, ...] = ("progress_events", "learning_ai_tutor_sessions")
ID = PG_UUID(as_uuid=False)  # uuid column, read back as a lower-case string


def _time(name: str, nullable: bool = False) -> Column:
    return Column(name, DateTime(timezone=True), nullable=nullable)


progress_events = Table(
    "progress_events", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("event_id", ID, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("item_kind", Text, nullable=False),
    Column("item_id", ID, nullable=False),
    Column("step_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("score", Float, nullable=False),
    _time("occur_time"),
    # SHA-256 of the event's content: the same event_id with other content is a conflict, not a duplicate.
    Column("content_hash", LargeBinary, nullable=False),
    _time("recorded_at"),
    Column("recorded_by", Text, nullable=False),
    PrimaryKeyConstraint("tenant_id", "event_id"),
    Index("progress_events_learner_idx", "tenant_id", "user_id", "course_id", "version"),
)

course_progress = Table(
    "learning_user_progress", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("state", SmallInteger, nullable=False),  # domain.State
    Column("percent_complete", SmallInteger, nullable=False),
    _time("started_at"), _time("completed_at", True), _time("passed_at", True), _time("updated_at"),
    Column("upgraded_from_version", Integer, nullable=False, server_default=text("0")),
    # The catalog could not give the version's structure yet: state and percent wait for it.
    Column("structure_pending", Boolean, nullable=False),
    # Set in the transaction that queued the certificate request (once per learner and version).
    _time("certificate_requested_at", True),
    PrimaryKeyConstraint("tenant_id", "user_id", "course_id", "version"),
    Index("learning_user_progress_started_idx", "tenant_id", "started_at", "course_id", "version", "user_id"),
    Index("learning_user_progress_user_idx", "tenant_id", "user_id", "started_at", "course_id", "version"),
    Index("learning_user_progress_course_idx", "tenant_id", "course_id", "started_at", "version", "user_id"),
    Index("learning_user_progress_state_idx", "tenant_id", "state", "started_at", "course_id", "version",
          "user_id"),
    Index("learning_user_progress_updated_idx", "tenant_id", "updated_at"),
    Index("learning_user_progress_pending_idx", "tenant_id", "course_id", "version",
          postgresql_where=text("structure_pending")),
    Index("learning_user_progress_completed_idx", "tenant_id", "user_id", postgresql_where=text("state >= 3")),
)

item_progress = Table(
    "learning_user_item_progress", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("item_kind", Text, nullable=False),
    Column("item_id", ID, nullable=False),
    Column("step_id", Text, nullable=False),
    # Bit set of domain.Mark: only ever OR-ed, so the order of events does not matter.
    Column("marks", SmallInteger, nullable=False),
    Column("best_score", Float, nullable=False),
    # The first time of each mark (LEAST of the events' occur_time): also order-insensitive.
    _time("started_at"), _time("viewed_at", True), _time("completed_at", True), _time("passed_at", True),
    _time("failed_at", True), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "user_id", "course_id", "version", "item_kind", "item_id", "step_id"),
    ForeignKeyConstraint(["tenant_id", "user_id", "course_id", "version"],
                         [f"learning_user_progress.{c}" for c in ("tenant_id", "user_id", "course_id", "version")],
                         name="learning_user_item_progress_tenant_id_user_id_course_id_version_fkey"),
    Index("learning_user_item_progress_item_idx", "tenant_id", "item_id"),
)

course_structures = Table(
    "course_structures", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("structure", JSONB, nullable=False),  # domain.Structure as JSON
    _time("fetched_at"),
    PrimaryKeyConstraint("tenant_id", "course_id", "version"),
)

tutor_sessions = Table(
    "learning_ai_tutor_sessions", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("tutor_session_id", ID, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("course_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("lesson_id", ID, nullable=False),
    Column("model_id", Text, nullable=False),
    _time("started_at"), _time("ended_at"),
    Column("prompt_ref", Text, nullable=False),
    Column("response_ref", Text, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("guardrail_result", Text, nullable=False),  # domain.GuardrailResult
    Column("guardrail_categories", ARRAY(Text), nullable=False),
    Column("summary", Text, nullable=False),
    Column("content_hash", LargeBinary, nullable=False),
    _time("recorded_at"),
    Column("recorded_by", Text, nullable=False),
    PrimaryKeyConstraint("tenant_id", "tutor_session_id"),
    Index("learning_ai_tutor_sessions_started_idx", "tenant_id", "started_at", "tutor_session_id"),
    Index("learning_ai_tutor_sessions_user_idx", "tenant_id", "user_id", "started_at", "tutor_session_id"),
    Index("learning_ai_tutor_sessions_lesson_idx", "tenant_id", "lesson_id", "started_at", "tutor_session_id"),
    Index("learning_ai_tutor_sessions_guardrail_idx", "tenant_id", "guardrail_result", "started_at",
          "tutor_session_id"),
)

knowledge_gaps = Table(
    "learning_knowledge_gaps", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("gap_id", ID, nullable=False),
    Column("subject", Text, nullable=False),  # the user id, or "organization"
    Column("user_id", ID),
    Column("topic_area", Text, nullable=False),
    Column("severity", SmallInteger, nullable=False),  # domain.Severity
    Column("evidence", JSONB, nullable=False),  # [[domain, type, id], ...]
    Column("source_domain", Text, nullable=False),
    Column("source_type", Text, nullable=False),
    Column("source_id", Text, nullable=False),
    Column("status", Text, nullable=False),  # domain.GapStatus
    Column("dismiss_reason", Text, nullable=False),
    _time("created_at"), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "gap_id"),
    Index("learning_knowledge_gaps_one_open_idx", "tenant_id", "subject", "topic_area", "source_domain",
          "source_type", "source_id", unique=True, postgresql_where=text("status = 'open'")),
    Index("learning_knowledge_gaps_created_idx", "tenant_id", "created_at", "gap_id"),
    Index("learning_knowledge_gaps_subject_idx", "tenant_id", "subject", "created_at", "gap_id"),
    Index("learning_knowledge_gaps_status_idx", "tenant_id", "status", "created_at", "gap_id"),
    Index("learning_knowledge_gaps_source_idx", "tenant_id", "source_domain", "source_type", "source_id"),
    Index("learning_knowledge_gaps_updated_idx", "tenant_id", "updated_at"),
)

recommendations = Table(
    "learning_recommendations", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("recommendation_id", ID, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("course_id", ID),  # exactly one of course_id and learning_path_id
    Column("learning_path_id", ID),
    Column("priority", SmallInteger, nullable=False),  # domain.Priority
    Column("reason", Text, nullable=False),
    Column("source_domain", Text, nullable=False),
    Column("source_type", Text, nullable=False),
    Column("source_id", Text, nullable=False),
    Column("gap_id", ID),
    Column("status", Text, nullable=False),  # domain.RecommendationStatus
    Column("dismiss_reason", Text, nullable=False),
    Column("automatic", Boolean, nullable=False),
    _time("created_at"), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "recommendation_id"),
    Index("learning_recommendations_user_idx", "tenant_id", "user_id", "created_at", "recommendation_id"),
    Index("learning_recommendations_status_idx", "tenant_id", "status", "created_at", "recommendation_id"),
    Index("learning_recommendations_created_idx", "tenant_id", "created_at", "recommendation_id"),
    Index("learning_recommendations_open_course_idx", "tenant_id", "user_id", "course_id",
          postgresql_where=text("status = 'open'")),
    Index("learning_recommendations_open_path_idx", "tenant_id", "user_id", "learning_path_id",
          postgresql_where=text("status = 'open'")),
    Index("learning_recommendations_source_idx", "tenant_id", "source_domain", "source_type", "source_id"),
    Index("learning_recommendations_gap_idx", "tenant_id", "gap_id"),
    Index("learning_recommendations_automatic_idx", "tenant_id", "gap_id", "course_id", unique=True,
          postgresql_where=text("automatic")),
    Index("learning_recommendations_updated_idx", "tenant_id", "updated_at"),
)

organization_profiles = Table(
    "organization_learning_profiles", metadata,
    Column("tenant_id", Text, primary_key=True),
    Column("maturity_level", SmallInteger, nullable=False),
    Column("maturity_score", Float, nullable=False),
    Column("assessment_domain", Text, nullable=False),
    Column("assessment_type", Text, nullable=False),
    Column("assessment_id", Text, nullable=False),
    _time("assessed_at"), _time("created_at"), _time("updated_at"),
    Index("organization_learning_profiles_maturity_idx", "maturity_level"),
    Index("organization_learning_profiles_updated_idx", "updated_at"),
)

path_enrollments = Table(
    "learning_path_enrollments", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("user_id", ID, nullable=False),
    Column("learning_path_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("state", SmallInteger, nullable=False),  # domain.State
    _time("enrolled_at"), _time("passed_at", True), _time("certificate_requested_at", True), _time("updated_at"),
    PrimaryKeyConstraint("tenant_id", "user_id", "learning_path_id", "version"),
    Index("learning_path_enrollments_path_idx", "tenant_id", "learning_path_id", "version", "user_id"),
)

path_structures = Table(
    "path_structures", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("learning_path_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("steps", JSONB, nullable=False),  # [[course_id, version, required], ...]
    _time("fetched_at"),
    PrimaryKeyConstraint("tenant_id", "learning_path_id", "version"),
)

outbox = outbox_table(metadata)
idempotency_keys = idempotency_table(metadata)
