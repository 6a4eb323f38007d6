"""Request checks of the progress service: every field, all violations at once, typed inputs out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from learning.progress.v1 import progress_service_pb2 as svc
from services.progress import domain
from services.progress.convert import (
    EVENT_KINDS,
    GAP_STATUSES,
    GUARDRAIL_RESULTS,
    ITEM_KINDS,
    PRIORITIES,
    RECOMMENDATION_STATUSES,
    SEVERITIES,
    STATES,
)
from shared.timeutil import utcnow
from shared.validation import Violations

STEP_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
CATEGORY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")
MAX_CATEGORIES = 20
MAX_FUTURE = timedelta(minutes=5)  # clock skew between a learner's device and us


def record_events(request: svc.RecordProgressEventsRequest) -> list[domain.Event]:
    v = Violations()
    v.check(1 <= len(request.events) <= domain.MAX_EVENTS, "events", f"must hold 1-{domain.MAX_EVENTS} events")
    latest = utcnow() + MAX_FUTURE
    events: list[domain.Event] = []
    seen: dict[str, domain.Event] = {}
    for index, e in enumerate(request.events[:domain.MAX_EVENTS]):
        p = f"events[{index}]."
        event_id = v.uuid(e.event_id, p + "event_id")
        user_id = v.uuid(e.user_id, p + "user_id")
        course_id = v.uuid(e.course.course_id, p + "course.course_id")
        v.check(e.course.version >= 1, p + "course.version", "must be at least 1")
        item_ok = v.enum(e.item_kind, p + "item_kind", ITEM_KINDS)
        item_id = v.uuid(e.item_id, p + "item_id")
        kind_ok = v.enum(e.kind, p + "kind", EVENT_KINDS)
        item_kind = ITEM_KINDS.get(e.item_kind)
        kind = EVENT_KINDS.get(e.kind)
        if item_ok and item_kind == domain.ItemKind.SCENARIO_STEP:
            v.check(1 <= len(e.step_id) <= 64 and set(e.step_id) <= STEP_ID_CHARS, p + "step_id",
                    "must be 1-64 characters of [A-Za-z0-9_-] for a scenario step")
        else:
            v.check(not e.step_id, p + "step_id", "must be empty unless item_kind is SCENARIO_STEP")
        if item_ok and kind_ok:
            v.check(item_kind in domain.ALLOWED_ITEMS[kind], p + "kind",
                    f"{e.DESCRIPTOR.fields_by_name['kind'].enum_type.values_by_number[e.kind].name} "
                    f"is not an event of a {item_kind.value} item")
        if kind_ok and kind in domain.SCORED:
            v.fraction(e.score, p + "score")
        elif kind_ok:
            v.check(e.score == 0, p + "score", "must be unset: only quiz and session outcomes carry a score")
        occurred = v.recorded_time(e.occur_time, p + "occur_time") if v.required(
            e.HasField("occur_time"), p + "occur_time") else None
        if occurred is not None:
            v.check(occurred <= latest, p + "occur_time", "must not be more than 5 minutes in the future")
        path = None
        if e.HasField("learning_path"):
            path_id = v.uuid(e.learning_path.learning_path_id, p + "learning_path.learning_path_id")
            v.check(e.learning_path.version >= 1, p + "learning_path.version", "must be at least 1")
            path = domain.PathKey(user_id, path_id, e.learning_path.version)
        if not v.items:
            new = domain.Event(event_id, domain.CourseKey(user_id, course_id, e.course.version),
                               domain.ItemKey(item_kind, item_id, e.step_id), kind, float(e.score), occurred, path)
            if event_id not in seen:  # the same event twice in a batch counts once, like a redelivery
                seen[event_id] = new
                events.append(new)
            else:
                v.check(seen[event_id] == new, p + "event_id", "appears twice in the batch with different content")
    v.raise_if_any()
    return events


def course_progress(request: svc.GetCourseProgressRequest) -> domain.CourseKey:
    v = Violations()
    user_id = v.uuid(request.user_id, "user_id")
    course_id = v.uuid(request.course.course_id, "course.course_id")
    v.check(request.course.version >= 1, "course.version", "must be at least 1")
    v.raise_if_any()
    return domain.CourseKey(user_id, course_id, request.course.version)


@dataclass(frozen=True)
class ListFilters:
    user_id: str | None
    course_id: str | None
    state: domain.State | None


def list_progress(request: svc.ListUserProgressRequest) -> ListFilters:
    v = Violations()
    user_id = v.uuid(request.user_id, "user_id", required=False) or None
    course_id = v.uuid(request.course_id, "course_id", required=False) or None
    v.enum(request.state, "state", STATES, required=False)
    v.page_size(request.page_size)
    v.raise_if_any()
    return ListFilters(user_id, course_id, STATES.get(request.state) if request.state else None)


@dataclass(frozen=True)
class Upgrade:
    user_id: str
    course_id: str
    from_version: int
    to_version: int


def upgrade(request: svc.UpgradeCourseProgressRequest) -> Upgrade:
    v = Violations()
    user_id = v.uuid(request.user_id, "user_id")
    course_id = v.uuid(request.course_id, "course_id")
    v.check(request.from_version >= 1, "from_version", "must be at least 1")
    v.check(request.to_version > request.from_version, "to_version", "must be greater than from_version")
    v.raise_if_any()
    return Upgrade(user_id, course_id, request.from_version, request.to_version)


def tutor_session(request: svc.RecordTutorSessionRequest) -> domain.TutorSession:
    v = Violations()
    t, p = request.tutor_session, "tutor_session."
    latest = utcnow() + MAX_FUTURE
    session_id = v.uuid(t.tutor_session_id, p + "tutor_session_id")
    user_id = v.uuid(t.user_id, p + "user_id")
    course_id = v.uuid(t.course.course_id, p + "course.course_id")
    v.check(t.course.version >= 1, p + "course.version", "must be at least 1")
    lesson_id = v.uuid(t.lesson_id, p + "lesson_id")
    v.text(t.model_id, p + "model_id", max_len=200)
    times = {}
    for name in ("start_time", "end_time"):
        if v.required(t.HasField(name), p + name):
            moment = v.recorded_time(getattr(t, name), p + name)
            if moment is not None and v.check(moment <= latest, p + name, "must not be in the future"):
                times[name] = moment
    if len(times) == 2:
        v.check(times["end_time"] >= times["start_time"], p + "end_time", "must not be before start_time")
    v.text(t.prompt_ref, p + "prompt_ref", max_len=2048)
    v.text(t.response_ref, p + "response_ref", max_len=2048)
    v.fraction(t.confidence, p + "confidence")
    result_ok = v.enum(t.guardrail_result, p + "guardrail_result", GUARDRAIL_RESULTS)
    categories = list(t.guardrail_categories)
    v.check(len(categories) <= MAX_CATEGORIES, p + "guardrail_categories", f"at most {MAX_CATEGORIES} categories")
    for index, category in enumerate(categories[:MAX_CATEGORIES]):
        v.check(1 <= len(category) <= 64 and set(category) <= CATEGORY_CHARS, f"{p}guardrail_categories[{index}]",
                "must be 1-64 characters of [a-z0-9_.-]")
    result = GUARDRAIL_RESULTS.get(t.guardrail_result)
    if result_ok:
        if result == domain.GuardrailResult.PASSED:
            v.check(not categories, p + "guardrail_categories", "must be empty when the result is PASSED")
        else:
            v.check(bool(categories), p + "guardrail_categories", "must name what fired when FLAGGED or BLOCKED")
    v.text(t.summary, p + "summary", required=False, max_len=2000)
    v.raise_if_any()
    return domain.TutorSession(session_id, user_id, course_id, t.course.version, lesson_id, t.model_id,
                               times["start_time"], times["end_time"], t.prompt_ref, t.response_ref,
                               float(t.confidence), result, tuple(categories), t.summary)


@dataclass(frozen=True)
class TutorFilters:
    user_id: str | None
    lesson_id: str | None
    guardrail_result: domain.GuardrailResult | None
    started_from: object
    started_before: object


def list_tutor_sessions(request: svc.ListTutorSessionsRequest) -> TutorFilters:
    v = Violations()
    user_id = v.uuid(request.user_id, "user_id", required=False) or None
    lesson_id = v.uuid(request.lesson_id, "lesson_id", required=False) or None
    v.enum(request.guardrail_result, "guardrail_result", GUARDRAIL_RESULTS, required=False)
    start, end = v.time_range(request, "start_time_range")
    v.page_size(request.page_size)
    v.raise_if_any()
    return TutorFilters(user_id, lesson_id, GUARDRAIL_RESULTS.get(request.guardrail_result), start, end)


SOURCE_NAME = re.compile(r"[a-z0-9_.-]{1,64}")
SOURCE_ID = re.compile(r"[A-Za-z0-9_.:/-]{1,128}")


def _source(v: Violations, ref, field: str, *, required: bool = True) -> domain.SourceRef | None:
    """A cross-domain reference; with required=False an all-empty one means "none"."""
    if not required and not (ref.domain or ref.type or ref.id):
        return None
    ok = v.pattern(ref.domain, field + ".domain", SOURCE_NAME, "must be 1-64 characters of [a-z0-9_.-]")
    ok &= v.pattern(ref.type, field + ".type", SOURCE_NAME, "must be 1-64 characters of [a-z0-9_.-]")
    ok &= v.pattern(ref.id, field + ".id", SOURCE_ID, "must be 1-128 characters of [A-Za-z0-9_.:/-]")
    return domain.SourceRef(ref.domain, ref.type, ref.id) if ok else None


def record_gaps(request: svc.RecordKnowledgeGapsRequest) -> list[domain.Gap]:
    v = Violations()
    v.check(1 <= len(request.gaps) <= domain.MAX_GAPS, "gaps", f"must hold 1-{domain.MAX_GAPS} gaps")
    gaps = []
    for index, g in enumerate(request.gaps[:domain.MAX_GAPS]):
        p = f"gaps[{index}]."
        user_id = v.uuid(g.user_id, p + "user_id", required=False) or None
        v.text(g.topic_area, p + "topic_area", max_len=200)
        v.enum(g.severity, p + "severity", SEVERITIES)
        v.check(len(g.evidence) <= domain.MAX_EVIDENCE, p + "evidence", f"at most {domain.MAX_EVIDENCE} references")
        evidence = [_source(v, ref, f"{p}evidence[{i}]") for i, ref in enumerate(g.evidence[:domain.MAX_EVIDENCE])]
        trigger = _source(v, g.source, p + "source") if v.required(g.HasField("source"), p + "source") else None
        if not v.items:
            gaps.append(domain.Gap(user_id, domain.normalize_topic(g.topic_area), SEVERITIES[g.severity],
                                   tuple(evidence), trigger))
    v.raise_if_any()
    return gaps


@dataclass(frozen=True)
class GapFilters:
    subject: str | None  # a user id, "organization", or None for any
    status: str | None
    severity: int | None
    source: domain.SourceRef | None


def list_gaps(request: svc.ListKnowledgeGapsRequest) -> GapFilters:
    v = Violations()
    user_id = v.uuid(request.user_id, "user_id", required=False) or None
    v.check(not (user_id and request.organization_only), "organization_only", "cannot be combined with user_id")
    v.enum(request.status, "status", GAP_STATUSES, required=False)
    v.enum(request.severity, "severity", SEVERITIES, required=False)
    trigger = _partial_source(v, request, "source")
    v.page_size(request.page_size)
    v.raise_if_any()
    subject = user_id or (domain.ORGANIZATION if request.organization_only else None)
    status = GAP_STATUSES[request.status].value if request.status else None
    return GapFilters(subject, status, int(SEVERITIES[request.severity]) if request.severity else None, trigger)


def _partial_source(v: Violations, request, field: str) -> domain.SourceRef | None:
    """A source filter: any of its parts may be empty (matches everything)."""
    if not request.HasField(field):
        return None
    ref = getattr(request, field)
    for part, regex in (("domain", SOURCE_NAME), ("type", SOURCE_NAME), ("id", SOURCE_ID)):
        value = getattr(ref, part)
        if value:
            v.pattern(value, f"{field}.{part}", regex, "has characters a source reference never has")
    return domain.SourceRef(ref.domain, ref.type, ref.id)


def dismissal(request, id_field: str) -> tuple[str, str]:
    v = Violations()
    subject_id = v.uuid(getattr(request, id_field), id_field)
    reason = v.trimmed(request.reason, "reason", max_len=1000)
    v.raise_if_any()
    return subject_id, reason


def create_recommendation(request: svc.CreateRecommendationRequest) -> domain.NewRecommendation:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    r, p = request.recommendation, "recommendation."
    user_id = v.uuid(r.user_id, p + "user_id")
    course_id = v.uuid(r.course_id, p + "course_id", required=False) or None
    path_id = v.uuid(r.learning_path_id, p + "learning_path_id", required=False) or None
    v.check((course_id is None) != (path_id is None), p + "course_id",
            "exactly one of course_id and learning_path_id is required")
    v.enum(r.priority, p + "priority", PRIORITIES)
    reason = v.trimmed(r.reason, p + "reason", max_len=1000)
    trigger = _source(v, r.source, p + "source") if v.required(r.HasField("source"), p + "source") else None
    gap_id = v.uuid(r.gap_id, p + "gap_id", required=False) or None
    v.raise_if_any()
    return domain.NewRecommendation(user_id, course_id, PRIORITIES[r.priority], reason, trigger, gap_id, request_id,
                                    path_id)


@dataclass(frozen=True)
class RecommendationFilters:
    user_id: str | None
    status: str | None
    priority: int | None
    source: domain.SourceRef | None


def list_recommendations(request: svc.ListRecommendationsRequest) -> RecommendationFilters:
    v = Violations()
    user_id = v.uuid(request.user_id, "user_id", required=False) or None
    v.enum(request.status, "status", RECOMMENDATION_STATUSES, required=False)
    v.enum(request.priority, "priority", PRIORITIES, required=False)
    trigger = _partial_source(v, request, "source")
    v.page_size(request.page_size)
    v.raise_if_any()
    return RecommendationFilters(user_id, RECOMMENDATION_STATUSES[request.status].value if request.status else None,
                                 int(PRIORITIES[request.priority]) if request.priority else None, trigger)


def maturity_result(request: svc.RecordMaturityResultRequest) -> domain.MaturityResult:
    v = Violations()
    assessment = _source(v, request.assessment, "assessment") if v.required(
        request.HasField("assessment"), "assessment") else None
    v.check(1 <= request.maturity_level <= 5, "maturity_level", "must be 1-5")
    v.fraction(request.maturity_score, "maturity_score")
    assessed = None
    if v.required(request.HasField("assess_time"), "assess_time"):
        assessed = v.recorded_time(request.assess_time, "assess_time")
        if assessed is not None:
            v.check(assessed <= utcnow() + MAX_FUTURE, "assess_time", "must not be in the future")
    v.raise_if_any()
    return domain.MaturityResult(assessment, request.maturity_level, float(request.maturity_score), assessed)


def path_progress(request: svc.GetPathProgressRequest) -> domain.PathKey:
    v = Violations()
    user_id = v.uuid(request.user_id, "user_id")
    path_id = v.uuid(request.learning_path.learning_path_id, "learning_path.learning_path_id")
    v.check(request.learning_path.version >= 1, "learning_path.version", "must be at least 1")
    v.raise_if_any()
    return domain.PathKey(user_id, path_id, request.learning_path.version)
