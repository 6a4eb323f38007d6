"""Who may call what: the role sets of the assessment RPCs and the "own records only" rule of learners."""

from __future__ import annotations

from shared.auth import ADMIN, AUDITOR, AUTHOR, LEARNER, REVIEWER, SERVICE, Principal
from shared.errors import NotFound, PermissionDenied

#: Take part: start, answer, evaluate, abandon sessions; start, answer, submit quiz attempts; submit exercises.
PARTICIPATE_ROLES = frozenset({LEARNER, ADMIN, SERVICE})
READ_ROLES = frozenset({LEARNER, REVIEWER, AUDITOR, ADMIN, SERVICE})
RUBRIC_WRITE_ROLES = frozenset({ADMIN, AUTHOR})
RUBRIC_READ_ROLES = frozenset({REVIEWER, AUDITOR, ADMIN, AUTHOR, SERVICE})
MATURITY_SUBMIT_ROLES = frozenset({ADMIN, SERVICE})
MATURITY_READ_ROLES = frozenset({REVIEWER, AUDITOR, ADMIN, SERVICE})


def only_learner(principal: Principal) -> bool:
    """A caller whose only standing is being a learner: it sees and acts on its own records only."""
    return not principal.has_any({SERVICE, ADMIN, REVIEWER, AUDITOR})


def acts_for(principal: Principal, user_id: str) -> None:
    """A learner may start or submit only for itself (admins and services for anyone)."""
    if not principal.has_any({SERVICE, ADMIN}) and user_id != principal.subject:
        raise PermissionDenied("a learner may only act for itself: the user id must be its own")


def visible(principal: Principal, owner_id: str, kind: str, resource_id: str) -> None:
    """Another learner's record behaves as if it did not exist."""
    if only_learner(principal) and owner_id != principal.subject:
        raise NotFound(kind, resource_id)


def may_change(principal: Principal, owner_id: str, kind: str, resource_id: str) -> None:
    """Answering, evaluating, abandoning: the owner, an admin or a service."""
    if not principal.has_any({SERVICE, ADMIN}) and owner_id != principal.subject:
        raise NotFound(kind, resource_id)
