"""Who may call what: the role sets of the progress RPCs and the "own progress only" rule of learners."""

from __future__ import annotations

from shared.auth import ADMIN, AUDITOR, LEARNER, REVIEWER, SERVICE, Principal
from shared.errors import PermissionDenied

RECORD_ROLES = frozenset({LEARNER, SERVICE, ADMIN})
READ_ROLES = frozenset({LEARNER, REVIEWER, AUDITOR, ADMIN, SERVICE})
UPGRADE_ROLES = frozenset({LEARNER, ADMIN, SERVICE})
TUTOR_RECORD_ROLES = frozenset({SERVICE, ADMIN})
GAP_RECORD_ROLES = frozenset({SERVICE, ADMIN})
CURATOR_ROLES = frozenset({REVIEWER, ADMIN, SERVICE})  # dismiss gaps, recommend courses
RECOMMENDATION_DISMISS_ROLES = frozenset({LEARNER, REVIEWER, ADMIN, SERVICE})
MATURITY_ROLES = frozenset({SERVICE, ADMIN})
PROFILE_ROLES = frozenset({REVIEWER, AUDITOR, ADMIN, SERVICE})


def only_learner(principal: Principal) -> bool:
    """A caller whose only standing is being a learner: it sees and records its own progress only."""
    return not principal.has_any({SERVICE, ADMIN, REVIEWER, AUDITOR})


def own(principal: Principal, user_id: str) -> None:
    if only_learner(principal) and user_id != principal.subject:
        raise PermissionDenied("a learner may only see and change its own progress")
