"""SQLAlchemy Core tables of learning_evidence (the DDL itself is in migrations/versions).

Append-only (runtime role: INSERT + SELECT; triggers stop UPDATE/DELETE/TRUNCATE even for the owner):
training_evidence, certificates, certificate_status_events, signing_keys, evidence_checkpoints.
Mutable helpers, kept minimal: evidence_chain_heads (one row per tenant, the lock that serializes the
tenant's chain appends and remembers its head), outbox, idempotency_keys.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from shared.idempotency import idempotency_table
from shared.outbox import outbox_table

metadata = MetaData()

APPEND_ONLY_TABLES = ("training_evidence", "certificates", "certificate_status_events", "signing_keys",
                      "evidence_checkpoints")

training_evidence = Table(
    "training_evidence",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("evidence_id", UUID(as_uuid=False), nullable=False),
    Column("session_id", UUID(as_uuid=False), nullable=False),
    Column("employee_id", UUID(as_uuid=False), nullable=False),
    Column("schema_version", Integer, nullable=False),
    # Copy of evidence.session.status, so the outcome filter is an index condition (verified vs the body).
    Column("session_status", Text, nullable=False),
    # The exact RFC 8785 bytes that content_hash covers (jsonb would reorder keys and renormalize numbers).
    Column("canonical_json", LargeBinary, nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("chain_sequence", BigInteger, nullable=False),
    Column("previous_hash", Text, nullable=False),
    Column("chain_hash", Text, nullable=False),
    Column("generated_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("tenant_id", "evidence_id"),
    UniqueConstraint("tenant_id", "session_id", name="training_evidence_session_key"),
    UniqueConstraint("tenant_id", "chain_sequence", name="training_evidence_chain_key"),
    Index("training_evidence_generated_idx", "tenant_id", "generated_at", "evidence_id"),
    Index("training_evidence_status_idx", "tenant_id", "session_status", "generated_at", "evidence_id"),
    Index("training_evidence_employee_idx", "tenant_id", "employee_id", "generated_at", "evidence_id"),
)

evidence_chain_heads = Table(
    "evidence_chain_heads",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("last_sequence", BigInteger, nullable=False),
    Column("last_chain_hash", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    PrimaryKeyConstraint("tenant_id"),
)

# Signed chain heads (shared/checkpoints.py): the signed bytes, the signature and the columns they state.
evidence_checkpoints = Table(
    "evidence_checkpoints",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("head_hash", Text, nullable=False),
    Column("checkpoint_time", DateTime(timezone=True), nullable=False),
    Column("key_id", Text, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    PrimaryKeyConstraint("tenant_id", "sequence"),
)

certificates = Table(
    "certificates",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("certificate_id", UUID(as_uuid=False), nullable=False),
    Column("recipient_id", UUID(as_uuid=False), nullable=False),
    Column("subject_type", Text, nullable=False),  # "course" | "learning_path"
    Column("subject_id", UUID(as_uuid=False), nullable=False),
    Column("subject_version", Integer, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("signing_key_id", Text, nullable=False),
    Column("canonical_payload", LargeBinary, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    PrimaryKeyConstraint("tenant_id", "certificate_id"),
    UniqueConstraint("tenant_id", "recipient_id", "subject_type", "subject_id", "subject_version",
                     name="certificates_subject_key"),
    Index("certificates_issued_idx", "tenant_id", "issued_at", "certificate_id"),
    Index("certificates_recipient_idx", "tenant_id", "recipient_id", "issued_at", "certificate_id"),
    Index("certificates_subject_idx", "tenant_id", "subject_type", "subject_id", "issued_at", "certificate_id"),
    Index("certificates_expiry_idx", "tenant_id", "expires_at", postgresql_where=text("expires_at IS NOT NULL")),
)

certificate_status_events = Table(
    "certificate_status_events",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("event_id", UUID(as_uuid=False), nullable=False),
    Column("certificate_id", UUID(as_uuid=False), nullable=False),
    Column("status", Text, nullable=False),  # "active" | "revoked" | "expired"
    Column("event_time", DateTime(timezone=True), nullable=False),
    Column("actor_id", Text, nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    PrimaryKeyConstraint("tenant_id", "event_id"),
    # Each status is entered at most once: revoking twice or expiring twice cannot race past this.
    UniqueConstraint("tenant_id", "certificate_id", "status", name="certificate_status_events_once_key"),
    ForeignKeyConstraint(["tenant_id", "certificate_id"], ["certificates.tenant_id", "certificates.certificate_id"]),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("tenant_id", Text, nullable=False),
    Column("key_id", Text, nullable=False),
    Column("algorithm", Text, nullable=False),
    Column("public_key_pem", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    PrimaryKeyConstraint("tenant_id", "key_id"),
)

outbox = outbox_table(metadata)
idempotency_keys = idempotency_table(metadata)
