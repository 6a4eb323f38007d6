"""UUIDs in one spelling only: lowercase 8-4-4-4-12 hex.

Ids end up inside hashed evidence bodies and signed certificate payloads as strings, and in uuid
columns that PostgreSQL normalizes to lowercase; accepting other spellings ("{...}", uppercase,
"urn:uuid:") would let the hashed text and the stored column disagree, or reach PostgreSQL as input
it rejects. So this service's Violations.uuid accepts only the canonical form.
"""

from __future__ import annotations

import uuid

from shared import validation


def is_canonical_uuid(value: str) -> bool:
    if len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


class Violations(validation.Violations):
    def uuid(self, value: str, field: str, *, required: bool = True) -> bool:
        if not value:
            return self.check(not required, field, "is required")
        return self.check(is_canonical_uuid(value), field, "must be a UUID in canonical form (lowercase 8-4-4-4-12)")
