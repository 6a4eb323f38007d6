"""Course versions count the bytes of their structure, so none grows past what GetCourseVersion can return.

Revision ID: 0002_version_size_budget
Revises: 0001_initial
Create Date: 2026-11-24

`structure_bytes` is the encoded size of the version's modules, lessons, quizzes and exercises as
GetCourseVersion returns them (services/catalog/domain.py, MAX_VERSION_STRUCTURE_BYTES). Existing
versions are backfilled with the size of their structure rows as JSON, which is larger than their
protobuf encoding, so the estimate errs on the safe side. Published versions are immutable by
trigger; the backfill sets bookkeeping, not content, so the trigger is paused for it.
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0002_version_size_budget"
down_revision: Union[str, Sequence[str], None] = "0001_initial"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STRUCTURE_TABLES = ("learning_modules", "learning_lessons", "learning_video_lessons", "learning_interactive_lessons",
                    "learning_quizzes", "learning_quiz_questions", "learning_practical_exercises")


def upgrade() -> None:
    op.execute("ALTER TABLE learning_course_versions "
               "ADD COLUMN structure_bytes bigint NOT NULL DEFAULT 0 CHECK (structure_bytes >= 0)")
    sizes = " UNION ALL ".join(
        f"SELECT tenant_id, course_id, version, octet_length(row_to_json(t)::text) AS bytes FROM {table} t"
        for table in STRUCTURE_TABLES)
    op.execute("ALTER TABLE learning_course_versions DISABLE TRIGGER learning_course_versions_immutable")
    op.execute(f"""
        UPDATE learning_course_versions v SET structure_bytes = s.bytes
        FROM (SELECT tenant_id, course_id, version, sum(bytes) AS bytes FROM ({sizes}) rows
              GROUP BY tenant_id, course_id, version) s
        WHERE v.tenant_id = s.tenant_id AND v.course_id = s.course_id AND v.version = s.version""")
    op.execute("ALTER TABLE learning_course_versions ENABLE TRIGGER learning_course_versions_immutable")


def downgrade() -> None:
    op.execute("ALTER TABLE learning_course_versions DROP COLUMN structure_bytes")
