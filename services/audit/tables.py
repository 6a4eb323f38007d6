"""Tables of the audit database as the queries see them (DDL: migrations/versions/).

learning_audit_log, audit_event_ids and audit_checkpoints are append-only (INSERT and SELECT for the runtime role,
triggers against everything else); audit_chain_heads is the only table whose rows change.
The log's monthly partitions (schema audit_partitions) and its partition function are built by the
migration only: Table metadata cannot describe them.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()
# audit_chain_heads is deliberately absent: appending moves the head forward (UPDATE).
APPEND_ONLY_TABLES: tuple[str, ...] = ("learning_audit_log", "audit_event_ids", "audit_checkpoints")


def _time(name: str) -> Column:
    return Column(name, DateTime(timezone=True), nullable=False)


audit_log = Table(
    "learning_audit_log", metadata,
    Column("tenant_id", Text, nullable=False),
    _time("occur_time"),
    Column("sequence", BigInteger, CheckConstraint("sequence > 0"), nullable=False),
    Column("event_id", Uuid(as_uuid=False), nullable=False),
    Column("actor_id", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("subject_type", Text, nullable=False),
    Column("subject_id", Text, nullable=False),
    Column("source_service", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("previous_hash", Text, nullable=False),
    Column("event_hash", Text, nullable=False),
    Column("canonical", LargeBinary, nullable=False),  # the exact bytes event_hash is the SHA-256 of
    Column("record_time", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Also the "tenant, newest first" index of ListAuditEvents (scanned backwards); it holds the
    # partition key, as every unique key of a partitioned table must.
    PrimaryKeyConstraint("tenant_id", "occur_time", "sequence"),
    # ListAuditEvents' filters, each ending with the sort key: one backward range scan per partition.
    Index("learning_audit_log_sequence_idx", "tenant_id", "sequence"),
    Index("learning_audit_log_actor_idx", "tenant_id", "actor_id", "occur_time", "sequence"),
    Index("learning_audit_log_subject_idx", "tenant_id", "subject_type", "subject_id", "occur_time", "sequence"),
    Index("learning_audit_log_action_idx", "tenant_id", "action", "occur_time", "sequence"),
    postgresql_partition_by="RANGE (occur_time)",
)

# Uniqueness the partitioned log cannot declare (its unique keys must contain occur_time): one row
# per event id (redeliveries are recognised) and per sequence (the chain never forks). It also maps
# an event id to its occur_time, so GetAuditEvent reads one partition.
event_ids = Table(
    "audit_event_ids", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("event_id", Uuid(as_uuid=False), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    _time("occur_time"),
    PrimaryKeyConstraint("tenant_id", "event_id"),
    UniqueConstraint("tenant_id", "sequence", name="audit_event_ids_sequence_key"),
)

chain_heads = Table(
    "audit_chain_heads", metadata,
    Column("tenant_id", Text, nullable=False, primary_key=True),
    Column("last_sequence", BigInteger, nullable=False, server_default="0"),
    Column("last_hash", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Signed chain heads (migrations/versions/0002_checkpoints.py): `payload` is the exact signed bytes
# (shared.checkpoints.payload), the other columns are what it says, for queries.
checkpoints = Table(
    "audit_checkpoints", metadata,
    Column("tenant_id", Text, nullable=False),
    Column("sequence", BigInteger, CheckConstraint("sequence > 0"), nullable=False),
    Column("head_hash", Text, nullable=False),
    _time("checkpoint_time"),
    Column("key_id", Text, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    PrimaryKeyConstraint("tenant_id", "sequence"),
)
