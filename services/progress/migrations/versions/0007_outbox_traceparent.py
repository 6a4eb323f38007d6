"""Outbox rows keep the W3C traceparent of the request that wrote them (issue 12, observability).

Revision ID: 0007_outbox_traceparent
Revises: 0006_path_recommendations
Create Date: 2026-11-26

The relay sends it as `traceparent` metadata when it delivers the row, so the target's server span
continues the trace of the request that caused the message (shared/tracing.py). Nullable, no default:
PostgreSQL adds the column in its catalog only, without rewriting the outbox; rows written before it,
or outside any request, deliver in a trace of their own.
"""

from collections.abc import Sequence

from alembic import op

from shared.outbox import add_outbox_traceparent

revision: str = "0007_outbox_traceparent"
down_revision: str | Sequence[str] | None = "0006_path_recommendations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_outbox_traceparent(op)


def downgrade() -> None:
    op.drop_column("outbox", "traceparent")
