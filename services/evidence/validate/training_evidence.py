"""RecordTrainingEvidence (seed 002's evidence body, strictly) and the evidence read requests.

Violations are named by proto path (e.g. `evidence.modules[2].quiz_questions[0].employee_answer.score`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from google.protobuf import unknown_fields
from google.protobuf.message import Message

from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence.convert.training_evidence import RESPONSE_TYPE, SESSION_STATUS
from services.evidence.domain import CURRENT_SCHEMA_VERSION, EvidenceFilter
from shared.pagination import page_size
from shared.timeutil import EARLIEST_RECORDED_SECONDS, MAX_TIMESTAMP_SECONDS, truncate_millis
from shared.validation import Violations

# Bounds the seed leaves open; chosen so a realistic body fits comfortably in one 8 MiB message.
MAX_FREE_TEXT = 2000          # seed: free-text answers at most 2,000 characters
MAX_ITEM_ID = 128             # contract: scenario/question ids
MAX_SHORT_TEXT = 500          # titles, topic areas, weak areas, option text keys
MAX_LONG_TEXT = 10_000        # narratives, question text, rationales, option text
MAX_MODULES = 100
MAX_ITEMS_PER_MODULE = 200
MAX_OPTIONS = 50
# A record must come back whole in every read: Get/Record answer with the body, Export with its canonical
# JSON, and a default client accepts 4 MiB. 2 MiB of canonical JSON leaves room for both (a realistic
# five-module session is about 12 kB).
MAX_CANONICAL_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class RecordInput:
    tenant_id: str
    session_id: str
    employee_id: str
    schema_version: int
    #: The body to canonicalize and hash, its session ids already in lower case.
    evidence: pb.EvidenceBody
    #: Whether `evidence` already is what the canonical form keeps of it (every time at millisecond precision,
    #: no negative zero, nothing undeclared inside a timestamp): then it is the stored body as is, and
    #: convert.from_canonical(convert.to_canonical(evidence)) would rebuild an equal message.
    stored_form: bool = False


@dataclass(frozen=True)
class ListInput:
    limit: int
    filters: EvidenceFilter


def record(request: spb.RecordTrainingEvidenceRequest) -> RecordInput:
    v, stored_form = Violations(), False
    session_id = v.uuid(request.session_id, "session_id")
    employee_id = v.uuid(request.employee_id, "employee_id")
    v.check(request.schema_version in (0, CURRENT_SCHEMA_VERSION), "schema_version",
            f"must be 0 (current) or {CURRENT_SCHEMA_VERSION}")
    if not request.HasField("evidence"):
        v.add("evidence", "is required")
    elif request.evidence.ByteSize() > MAX_CANONICAL_BYTES:  # cheap bound before the body is walked
        v.add("evidence", f"is too large: at most {MAX_CANONICAL_BYTES} bytes")
    else:
        checked = _Body(v, request.tenant_id, session_id, employee_id)
        checked.body(request.evidence)
        stored_form = checked.stored_form
    v.raise_if_any()
    return RecordInput(tenant_id=request.tenant_id, session_id=session_id, employee_id=employee_id,
                       schema_version=request.schema_version or CURRENT_SCHEMA_VERSION,
                       evidence=_with_session_ids(request.evidence, session_id, employee_id),
                       stored_form=stored_form)


def canonical_size(canonical: bytes) -> None:
    """The stored canonical JSON must fit every read of the record (MAX_CANONICAL_BYTES)."""
    v = Violations()
    v.check(len(canonical) <= MAX_CANONICAL_BYTES, "evidence",
            f"is too large: its canonical JSON is {len(canonical)} bytes, at most {MAX_CANONICAL_BYTES}")
    v.raise_if_any()


def _with_session_ids(body: pb.EvidenceBody, session_id: str, employee_id: str) -> pb.EvidenceBody:
    """The body with its ids in their one spelling, so the hashed bytes carry what the columns store."""
    if (body.session.session_id, body.session.employee_id) == (session_id, employee_id):
        return body  # the usual case: no copy of a large body
    copy = pb.EvidenceBody()
    copy.CopyFrom(body)
    copy.session.session_id, copy.session.employee_id = session_id, employee_id
    return copy


def list_request(request: spb.ListTrainingEvidenceRequest) -> ListInput:
    v = Violations()
    v.page_size(request.page_size)
    employee_id = v.uuid(request.employee_id, "employee_id", required=False)
    start, end = v.time_range(request, "generate_time_range")
    statuses = set()
    for i, status in enumerate(request.statuses):
        if v.check(status in SESSION_STATUS, f"statuses[{i}]", "must be PASSED, EXHAUSTED or ABANDONED"):
            statuses.add(SESSION_STATUS[status])
    v.raise_if_any()
    return ListInput(limit=page_size(request.page_size), filters=EvidenceFilter(
        employee_id=employee_id or None, start=start, end=end, statuses=tuple(sorted(statuses))))


# ------------------------------------------------------------------------------------ the evidence body

class _Body:
    """The rules of one evidence body; `v` collects the violations. The request's ids are given in their
    lower-case spelling ("" when invalid), so the body's ids are compared in that spelling too.

    Every valid request walks the whole body (a five-module session has ~70 timestamps, ~60 items and ~160
    options), so a rule that holds costs no more than its test: a field's path is only spelled out (`p` is
    its owner's path, `name` its own) when the rule fails, and the shared rule then describes the violation.
    """

    def __init__(self, v: Violations, tenant_id: str, session_id: str, employee_id: str) -> None:
        self.v = v
        self.tenant_id, self.session_id, self.employee_id = tenant_id, session_id, employee_id
        #: RecordInput.stored_form: nothing seen so far that the canonical form would change.
        self.stored_form = True

    def unknown(self, message: Message, path: str) -> None:
        # Fields this contract does not define (e.g. an option's "correct" flag sent by a newer or
        # careless client) would be silently dropped from the hash; refuse them instead.
        if len(unknown_fields.UnknownFieldSet(message)):
            self.v.add(path, "carries fields this contract does not define (never send "
                       "correctness or other undeclared data)")

    def text(self, value: str, p: str, name: str, max_len: int, *, required: bool = True) -> None:
        # The shared text rule (no NUL either): a body must be something every service and client that
        # receives it (audit payloads, PostgreSQL text, JSON tooling) accepts too.
        if (value.strip() or not required) and len(value) <= max_len and "\x00" not in value:
            return
        self.v.text(value, f"{p}.{name}", required=required, max_len=max_len)

    def timestamp(self, owner: Message, name: str, p: str, *, required: bool = True) -> bool:
        if not owner.HasField(name):
            if required:
                self.v.add(f"{p}.{name}", "is required")
            return False
        value = getattr(owner, name)
        seconds, nanos = value.seconds, value.nanos
        # shared.validation's recorded_time, tested here without building a datetime
        if EARLIEST_RECORDED_SECONDS <= seconds <= MAX_TIMESTAMP_SECONDS and 0 <= nanos <= 999_999_999:
            if nanos % 1_000_000 or len(unknown_fields.UnknownFieldSet(value)):
                self.stored_form = False  # kept at millisecond precision, and only seconds and nanos
            return True
        return self.v.recorded_time(value, f"{p}.{name}") is not None

    def fraction(self, value: float, p: str, name: str) -> bool:
        if 0.0 <= value <= 1.0:  # NaN and the infinities fail this too, as in shared.validation
            if value == 0.0 and math.copysign(1.0, value) < 0.0:
                self.stored_form = False  # -0.0 is kept as 0
            return True
        return self.v.fraction(value, f"{p}.{name}")

    def body(self, body: pb.EvidenceBody) -> None:
        self.unknown(body, "evidence")
        status = body.session.status if body.HasField("session") else None
        if body.HasField("session"):
            self.session(body.session, body)
        else:
            self.v.add("evidence.session", "is required")
        if body.HasField("policy_attestation"):
            self.policy(body.policy_attestation)
        else:
            self.v.add("evidence.policy_attestation", "is required")
        self.modules(body.modules)
        if body.HasField("outcome"):
            self.outcome(body.outcome, body, status)
        else:
            self.v.add("evidence.outcome", "is required")

    def session(self, s: pb.SessionSummary, body: pb.EvidenceBody) -> None:
        v, p = self.v, "evidence.session"
        self.unknown(s, p)
        session_id = v.uuid(s.session_id, f"{p}.session_id")
        if session_id:
            v.check(session_id == self.session_id, f"{p}.session_id", "must equal the request's session_id")
        employee_id = v.uuid(s.employee_id, f"{p}.employee_id")
        if employee_id:
            v.check(employee_id == self.employee_id, f"{p}.employee_id", "must equal the request's employee_id")
        v.check(s.tenant_id == self.tenant_id, f"{p}.tenant_id", "must equal the request's tenant_id")
        max_attempts = body.policy_attestation.max_attempts if body.HasField("policy_attestation") else 0
        if v.check(s.attempt_number >= 1, f"{p}.attempt_number", "must be at least 1") and max_attempts >= 1:
            v.check(s.attempt_number <= max_attempts, f"{p}.attempt_number",
                    "must not exceed policy_attestation.max_attempts")
        if v.check(s.total_attempts >= 1, f"{p}.total_attempts", "must be at least 1"):
            v.check(s.total_attempts == s.attempt_number, f"{p}.total_attempts",
                    "must equal attempt_number at the terminal state")
        v.check(s.status in SESSION_STATUS, f"{p}.status", "must be PASSED, EXHAUSTED or ABANDONED")
        created_ok = self.timestamp(s, "create_time", p)
        abandoned = s.status == pb.SESSION_STATUS_ABANDONED
        if not s.HasField("completed_time"):
            v.check(abandoned or s.status not in SESSION_STATUS, f"{p}.completed_time",
                    "is required unless the session is ABANDONED")
        elif self.timestamp(s, "completed_time", p) and created_ok:
            # Compared as hashed: at millisecond precision.
            v.check(truncate_millis(s.completed_time) >= truncate_millis(s.create_time), f"{p}.completed_time",
                    "must not be before create_time")

    def policy(self, a: pb.PolicyAttestation) -> None:
        v, p = self.v, "evidence.policy_attestation"
        self.unknown(a, p)
        self.text(a.config_hash, p, "config_hash", 256)
        self.text(a.role_profile_id, p, "role_profile_id", MAX_ITEM_ID)
        v.check(a.role_profile_version >= 1, f"{p}.role_profile_version", "must be at least 1")
        self.text(a.app_version, p, "app_version", 64)
        self.fraction(a.pass_threshold, p, "pass_threshold")
        v.check(a.max_attempts >= 1, f"{p}.max_attempts", "must be at least 1")

    def modules(self, modules) -> None:
        v = self.v
        if not v.check(len(modules) <= MAX_MODULES, "evidence.modules", f"must have at most {MAX_MODULES} items"):
            return
        previous = -1
        for i, m in enumerate(modules):
            p = f"evidence.modules[{i}]"
            self.unknown(m, p)
            index = m.module_index
            if index < 0:
                v.add(f"{p}.module_index", "must not be negative")
            else:
                if index <= previous:
                    v.add(f"{p}.module_index", "must be unique and in ascending order")
                previous = max(previous, index)
            self.text(m.title, p, "title", MAX_SHORT_TEXT)
            self.text(m.topic_area, p, "topic_area", MAX_SHORT_TEXT)
            if m.HasField("module_score"):
                self.fraction(m.module_score, p, "module_score")
            self.timestamp(m, "completed_time", p, required=False)
            for kind, items, id_field, text_field in (
                ("scenarios", m.scenarios, "scenario_id", "narrative"),
                ("quiz_questions", m.quiz_questions, "question_id", "question_text"),
            ):
                if len(items) > MAX_ITEMS_PER_MODULE:
                    v.add(f"{p}.{kind}", f"must have at most {MAX_ITEMS_PER_MODULE} items")
                    continue
                for j, item in enumerate(items):
                    self.item(item, f"{p}.{kind}[{j}]", id_field, text_field)

    def item(self, item, p: str, id_field: str, text_field: str) -> None:
        self.unknown(item, p)
        self.text(getattr(item, id_field), p, id_field, MAX_ITEM_ID)
        self.text(getattr(item, text_field), p, text_field, MAX_LONG_TEXT)
        kind = item.response_type
        if kind not in RESPONSE_TYPE:
            self.v.add(f"{p}.response_type", "must be MULTIPLE_CHOICE or FREE_TEXT")
        keys = self.options(item.options, p, kind)
        if not item.HasField("employee_answer"):
            self.v.add(f"{p}.employee_answer", "is required")
            return
        self.answer(item.employee_answer, f"{p}.employee_answer", kind, keys)

    def options(self, options, item_path: str, kind: int) -> set[str]:
        v = self.v
        if kind == pb.RESPONSE_TYPE_FREE_TEXT:
            if len(options):
                v.add(f"{item_path}.options", "must be empty for FREE_TEXT items")
            return set()
        if kind == pb.RESPONSE_TYPE_MULTIPLE_CHOICE and not len(options):
            v.add(f"{item_path}.options", "is required for MULTIPLE_CHOICE items")
            return set()
        if len(options) > MAX_OPTIONS:
            v.add(f"{item_path}.options", f"must have at most {MAX_OPTIONS} items")
            return set()
        keys: set[str] = set()
        for k, option in enumerate(options):
            key, text = option.key, option.text
            if (key.strip() and len(key) <= 64 and "\x00" not in key and key not in keys and text.strip()
                    and len(text) <= MAX_LONG_TEXT and "\x00" not in text
                    and not len(unknown_fields.UnknownFieldSet(option))):
                keys.add(key)
                continue
            op = f"{item_path}.options[{k}]"
            self.unknown(option, op)
            self.text(key, op, "key", 64)
            v.check(key not in keys, f"{op}.key", "must be unique within the item")
            keys.add(key)
            self.text(text, op, "text", MAX_LONG_TEXT)
        return keys

    def answer(self, a: pb.AnswerEvidence, p: str, kind: int, keys: set[str]) -> None:
        v = self.v
        self.unknown(a, p)
        if kind == pb.RESPONSE_TYPE_MULTIPLE_CHOICE:
            if not a.HasField("selected_option"):
                v.add(f"{p}.selected_option", "is required for MULTIPLE_CHOICE")
            elif a.selected_option not in keys:
                v.add(f"{p}.selected_option", "must be one of the item's option keys")
            if a.HasField("free_text_response"):
                v.add(f"{p}.free_text_response", "must be unset for MULTIPLE_CHOICE")
            if a.HasField("llm_rationale"):
                v.add(f"{p}.llm_rationale", "is allowed only for FREE_TEXT")
        elif kind == pb.RESPONSE_TYPE_FREE_TEXT:
            if a.HasField("selected_option"):
                v.add(f"{p}.selected_option", "must be unset for FREE_TEXT")
            if a.HasField("free_text_response"):
                self.text(a.free_text_response, p, "free_text_response", MAX_FREE_TEXT, required=False)
            else:
                v.add(f"{p}.free_text_response", "is required for FREE_TEXT")
            if a.HasField("llm_rationale"):
                self.text(a.llm_rationale, p, "llm_rationale", MAX_LONG_TEXT, required=False)
        self.fraction(a.score, p, "score")
        self.timestamp(a, "submit_time", p)

    def outcome(self, o: pb.OutcomeSummary, body: pb.EvidenceBody, status: int | None) -> None:
        v, p = self.v, "evidence.outcome"
        self.unknown(o, p)
        abandoned = status == pb.SESSION_STATUS_ABANDONED
        if o.HasField("aggregate_score"):
            self.fraction(o.aggregate_score, p, "aggregate_score")
        elif status in SESSION_STATUS:
            v.check(abandoned, f"{p}.aggregate_score", "is required unless the session is ABANDONED")
        if status == pb.SESSION_STATUS_PASSED:
            v.check(o.HasField("passed") and o.passed, f"{p}.passed", "must be true for a PASSED session")
        elif status == pb.SESSION_STATUS_EXHAUSTED:
            v.check(o.HasField("passed") and not o.passed, f"{p}.passed", "must be false for an EXHAUSTED session")
        elif abandoned:
            v.check(not (o.HasField("passed") and o.passed), f"{p}.passed",
                    "must be unset or false for an ABANDONED session")
        if self.fraction(o.pass_threshold, p, "pass_threshold") and body.HasField("policy_attestation"):
            v.check(o.pass_threshold == body.policy_attestation.pass_threshold, f"{p}.pass_threshold",
                    "must equal policy_attestation.pass_threshold")
        if o.HasField("weak_areas"):
            self.unknown(o.weak_areas, f"{p}.weak_areas")
            areas = o.weak_areas.topic_areas
            if v.check(len(areas) <= MAX_MODULES, f"{p}.weak_areas.topic_areas",
                       f"must have at most {MAX_MODULES} items"):
                for i, area in enumerate(areas):
                    self.text(area, f"{p}.weak_areas", f"topic_areas[{i}]", MAX_SHORT_TEXT)
                v.check(len(set(areas)) == len(areas), f"{p}.weak_areas.topic_areas", "must not contain duplicates")
        self.module_scores(o.module_scores, body.modules, f"{p}.module_scores")

    def module_scores(self, scores, modules, p: str) -> None:
        v = self.v
        if not v.check(len(scores) == len(modules), p, "must have one entry per element of evidence.modules"):
            return
        for i, (score, module) in enumerate(zip(scores, modules, strict=True)):
            sp = f"{p}[{i}]"
            self.unknown(score, sp)
            v.check(score.module_index == module.module_index, f"{sp}.module_index",
                    f"must equal evidence.modules[{i}].module_index")
            v.check(score.title == module.title, f"{sp}.title", f"must equal evidence.modules[{i}].title")
            if score.HasField("score"):
                self.fraction(score.score, sp, "score")
            same = score.HasField("score") == module.HasField("module_score") and (
                not score.HasField("score") or score.score == module.module_score)
            v.check(same, f"{sp}.score", f"must equal evidence.modules[{i}].module_score (both null or equal)")
