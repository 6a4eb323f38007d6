"""Helpers both halves of the servicer share: authorization, millisecond clock, page tokens, learner scoping."""

from __future__ import annotations

from datetime import datetime

from services.evidence import store
from services.evidence.ids import Violations, is_canonical_uuid
from shared.auth import ADMIN, AUDITOR, LEARNER, SERVICE, Principal, current_principal
from shared.pagination import PageToken, filter_fingerprint
from shared.timeutil import utcnow

PRIVILEGED_READERS = frozenset({AUDITOR, ADMIN, SERVICE})


def authorize(tenant_id: str, roles: frozenset[str]) -> Principal:
    """The caller, if it may act for `tenant_id` with one of `roles`; then the tenant id's own shape
    (a service token for every tenant could otherwise pass any string on to PostgreSQL)."""
    principal = current_principal()
    principal.authorize(tenant_id, roles)
    v = Violations()
    v.tenant(tenant_id)
    v.raise_if_any()
    return principal


def now_millis() -> datetime:
    now = utcnow()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def evidence_list_fingerprint(tenant_id: str, filters: store.EvidenceFilter) -> str:
    """What a ListTrainingEvidence page token is bound to (the filters of the call that issued it)."""
    return filter_fingerprint("evidence", tenant_id, filters.employee_id, filters.start, filters.end, filters.statuses)


def learner_only(principal: Principal) -> bool:
    """A learner sees only its own certificates; any privileged role lifts that restriction."""
    return LEARNER in principal.roles and not principal.has_any(PRIVILEGED_READERS)


def decode_key(token: str, filters: str) -> tuple[datetime, str] | None:
    key = PageToken.decode(token, filters, 2)
    if key is None:
        return None
    try:
        moment = datetime.fromisoformat(key[0])
        valid = moment.tzinfo is not None and is_canonical_uuid(key[1])
    except (TypeError, ValueError):
        valid = False
    if not valid:
        v = Violations()
        v.add("page_token", "is not a token issued by this service")
        v.raise_if_any()
    return moment, key[1]


def next_token(rows, limit: int, time_column: str, id_column: str, filters: str) -> str:
    if len(rows) <= limit:
        return ""
    last = rows[limit - 1]
    return PageToken([getattr(last, time_column).isoformat(), str(getattr(last, id_column))], filters).encode()


