"""Seed 002's evidence body: strict validation, and the proto <-> canonical JSON mapping.

The mapping is the contract's (evidence_resources.proto file comment): camelCase keys, "Nullable"
fields always present (null when unset), "Omitted when unset" keys left out, timestamps as
"YYYY-MM-DDTHH:MM:SS.sssZ" truncated to milliseconds, enums as their seed strings. `to_canonical`
and `from_canonical` are exact inverses over valid bodies, which is what makes Get/List round-trip
to the hashed bytes.

Validation collects every violation, named by proto path (e.g.
`evidence.modules[2].quiz_questions[0].employee_answer.score`), before anything reaches the database.
"""

from __future__ import annotations

import calendar
import math
from datetime import UTC, datetime

from google.protobuf import unknown_fields
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence.ids import Violations
from shared.timeutil import valid_timestamp  # 0001..9999 only, so 4-digit years; api modules use it too

CURRENT_SCHEMA_VERSION = 1

STATUS_NAMES = {pb.SESSION_STATUS_PASSED: "passed", pb.SESSION_STATUS_EXHAUSTED: "exhausted",
                pb.SESSION_STATUS_ABANDONED: "abandoned"}
STATUS_VALUES = {name: value for value, name in STATUS_NAMES.items()}
RESPONSE_NAMES = {pb.RESPONSE_TYPE_MULTIPLE_CHOICE: "multiple-choice", pb.RESPONSE_TYPE_FREE_TEXT: "free-text"}
RESPONSE_VALUES = {name: value for value, name in RESPONSE_NAMES.items()}

# Bounds the seed leaves open; chosen so a realistic body fits comfortably in one 8 MiB message.
MAX_FREE_TEXT = 2000          # seed: free-text answers at most 2,000 characters
MAX_ITEM_ID = 128             # contract: scenario/question ids
MAX_SHORT_TEXT = 500          # titles, topic areas, weak areas, option text keys
MAX_LONG_TEXT = 10_000        # narratives, question text, rationales, option text
MAX_MODULES = 100
MAX_ITEMS_PER_MODULE = 200
MAX_OPTIONS = 50


# ---------------------------------------------------------------------------------------------- times

def truncate_millis(ts: Timestamp) -> tuple[int, int]:
    """(seconds, millis), truncated towards the past (nanos are never negative in a valid Timestamp)."""
    return ts.seconds, ts.nanos // 1_000_000


def format_timestamp(ts: Timestamp) -> str:
    seconds, millis = truncate_millis(ts)
    t = datetime.fromtimestamp(seconds, UTC)
    return (f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
            f".{millis:03d}Z")


def parse_timestamp(text: str) -> Timestamp:
    """Inverse of format_timestamp (raises ValueError for anything else)."""
    if len(text) != 24 or text[4] != "-" or text[10] != "T" or text[19] != "." or text[23] != "Z":
        raise ValueError(f"not a canonical timestamp: {text!r}")
    parts = (int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), int(text[17:19]))
    seconds = calendar.timegm(parts + (0, 0, 0))
    return Timestamp(seconds=seconds, nanos=int(text[20:23]) * 1_000_000)


def millis_datetime(ts: Timestamp) -> datetime:
    seconds, millis = truncate_millis(ts)
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=millis * 1000)


def _sort_key(ts: Timestamp) -> tuple[int, int]:
    return truncate_millis(ts)


# ------------------------------------------------------------------------------------------ validation

class _Checker:
    """Validation of one RecordTrainingEvidence request; `v` collects the violations."""

    def __init__(self, v: Violations) -> None:
        self.v = v

    def unknown(self, message: Message, path: str) -> None:
        # Fields this contract does not define (e.g. an option's "correct" flag sent by a newer or
        # careless client) would be silently dropped from the hash; refuse them instead.
        if len(unknown_fields.UnknownFieldSet(message)):
            self.v.add(path, "carries fields this contract does not define (never send "
                       "correctness or other undeclared data)")

    def text(self, value: str, path: str, max_len: int, *, required: bool = True) -> None:
        if required and not value.strip():
            self.v.add(path, "is required and must not be blank")
        elif len(value) > max_len:
            self.v.add(path, f"must be at most {max_len} characters")

    def fraction(self, value: float, path: str) -> None:
        self.v.check(math.isfinite(value) and 0.0 <= value <= 1.0, path, "must be between 0.0 and 1.0")

    def timestamp(self, owner: Message, field: str, path: str, *, required: bool = True) -> bool:
        if not owner.HasField(field):
            if required:
                self.v.add(path, "is required")
            return False
        return self.v.check(valid_timestamp(getattr(owner, field)), path, "is not a valid timestamp")

    # -- body ---------------------------------------------------------------------------------------

    def request(self, request: spb.RecordTrainingEvidenceRequest) -> None:
        v = self.v
        v.tenant(request.tenant_id)
        v.uuid(request.session_id, "session_id")
        v.uuid(request.employee_id, "employee_id")
        v.check(request.schema_version in (0, CURRENT_SCHEMA_VERSION), "schema_version",
                f"must be 0 (current) or {CURRENT_SCHEMA_VERSION}")
        if not request.HasField("evidence"):
            v.add("evidence", "is required")
            return
        self.body(request.evidence, request)

    def body(self, body: pb.EvidenceBody, request: spb.RecordTrainingEvidenceRequest) -> None:
        self.unknown(body, "evidence")
        status = body.session.status if body.HasField("session") else None
        if body.HasField("session"):
            self.session(body.session, request, body)
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

    def session(self, s: pb.SessionSummary, request, body: pb.EvidenceBody) -> None:
        v, p = self.v, "evidence.session"
        self.unknown(s, p)
        if v.uuid(s.session_id, f"{p}.session_id"):
            v.check(s.session_id == request.session_id, f"{p}.session_id", "must equal the request's session_id")
        if v.uuid(s.employee_id, f"{p}.employee_id"):
            v.check(s.employee_id == request.employee_id, f"{p}.employee_id",
                    "must equal the request's employee_id")
        v.check(s.tenant_id == request.tenant_id, f"{p}.tenant_id", "must equal the request's tenant_id")
        max_attempts = body.policy_attestation.max_attempts if body.HasField("policy_attestation") else 0
        if v.check(s.attempt_number >= 1, f"{p}.attempt_number", "must be at least 1") and max_attempts >= 1:
            v.check(s.attempt_number <= max_attempts, f"{p}.attempt_number",
                    "must not exceed policy_attestation.max_attempts")
        if v.check(s.total_attempts >= 1, f"{p}.total_attempts", "must be at least 1"):
            v.check(s.total_attempts == s.attempt_number, f"{p}.total_attempts",
                    "must equal attempt_number at the terminal state")
        v.check(s.status in STATUS_NAMES, f"{p}.status", "must be PASSED, EXHAUSTED or ABANDONED")
        created_ok = self.timestamp(s, "create_time", f"{p}.create_time")
        abandoned = s.status == pb.SESSION_STATUS_ABANDONED
        if not s.HasField("completed_time"):
            v.check(abandoned or s.status not in STATUS_NAMES, f"{p}.completed_time",
                    "is required unless the session is ABANDONED")
        elif self.timestamp(s, "completed_time", f"{p}.completed_time") and created_ok:
            v.check(_sort_key(s.completed_time) >= _sort_key(s.create_time), f"{p}.completed_time",
                    "must not be before create_time")

    def policy(self, a: pb.PolicyAttestation) -> None:
        v, p = self.v, "evidence.policy_attestation"
        self.unknown(a, p)
        self.text(a.config_hash, f"{p}.config_hash", 256)
        self.text(a.role_profile_id, f"{p}.role_profile_id", MAX_ITEM_ID)
        v.check(a.role_profile_version >= 1, f"{p}.role_profile_version", "must be at least 1")
        self.text(a.app_version, f"{p}.app_version", 64)
        self.fraction(a.pass_threshold, f"{p}.pass_threshold")
        v.check(a.max_attempts >= 1, f"{p}.max_attempts", "must be at least 1")

    def modules(self, modules) -> None:
        if not self.v.check(len(modules) <= MAX_MODULES, "evidence.modules", f"must have at most {MAX_MODULES} items"):
            return
        previous = -1
        for i, m in enumerate(modules):
            p = f"evidence.modules[{i}]"
            self.unknown(m, p)
            if self.v.check(m.module_index >= 0, f"{p}.module_index", "must not be negative"):
                self.v.check(m.module_index > previous, f"{p}.module_index",
                             "must be unique and in ascending order")
                previous = max(previous, m.module_index)
            self.text(m.title, f"{p}.title", MAX_SHORT_TEXT)
            self.text(m.topic_area, f"{p}.topic_area", MAX_SHORT_TEXT)
            if m.HasField("module_score"):
                self.fraction(m.module_score, f"{p}.module_score")
            self.timestamp(m, "completed_time", f"{p}.completed_time", required=False)
            for kind, items, id_field, text_field in (
                ("scenarios", m.scenarios, "scenario_id", "narrative"),
                ("quiz_questions", m.quiz_questions, "question_id", "question_text"),
            ):
                if self.v.check(len(items) <= MAX_ITEMS_PER_MODULE, f"{p}.{kind}",
                                f"must have at most {MAX_ITEMS_PER_MODULE} items"):
                    for j, item in enumerate(items):
                        self.item(item, f"{p}.{kind}[{j}]", id_field, text_field)

    def item(self, item, p: str, id_field: str, text_field: str) -> None:
        v = self.v
        self.unknown(item, p)
        self.text(getattr(item, id_field), f"{p}.{id_field}", MAX_ITEM_ID)
        self.text(getattr(item, text_field), f"{p}.{text_field}", MAX_LONG_TEXT)
        kind = item.response_type
        v.check(kind in RESPONSE_NAMES, f"{p}.response_type", "must be MULTIPLE_CHOICE or FREE_TEXT")
        keys = self.options(item.options, f"{p}.options", kind)
        if not item.HasField("employee_answer"):
            v.add(f"{p}.employee_answer", "is required")
            return
        self.answer(item.employee_answer, f"{p}.employee_answer", kind, keys)

    def options(self, options, p: str, kind: int) -> set[str]:
        v = self.v
        if kind == pb.RESPONSE_TYPE_FREE_TEXT:
            v.check(len(options) == 0, p, "must be empty for FREE_TEXT items")
            return set()
        if kind == pb.RESPONSE_TYPE_MULTIPLE_CHOICE and not v.check(len(options) > 0, p,
                                                                     "is required for MULTIPLE_CHOICE items"):
            return set()
        if not v.check(len(options) <= MAX_OPTIONS, p, f"must have at most {MAX_OPTIONS} items"):
            return set()
        keys: set[str] = set()
        for k, option in enumerate(options):
            op = f"{p}[{k}]"
            self.unknown(option, op)
            self.text(option.key, f"{op}.key", 64)
            v.check(option.key not in keys, f"{op}.key", "must be unique within the item")
            keys.add(option.key)
            self.text(option.text, f"{op}.text", MAX_LONG_TEXT)
        return keys

    def answer(self, a: pb.AnswerEvidence, p: str, kind: int, keys: set[str]) -> None:
        v = self.v
        self.unknown(a, p)
        if kind == pb.RESPONSE_TYPE_MULTIPLE_CHOICE:
            if v.check(a.HasField("selected_option"), f"{p}.selected_option", "is required for MULTIPLE_CHOICE"):
                v.check(a.selected_option in keys, f"{p}.selected_option", "must be one of the item's option keys")
            v.check(not a.HasField("free_text_response"), f"{p}.free_text_response",
                    "must be unset for MULTIPLE_CHOICE")
            v.check(not a.HasField("llm_rationale"), f"{p}.llm_rationale", "is allowed only for FREE_TEXT")
        elif kind == pb.RESPONSE_TYPE_FREE_TEXT:
            v.check(not a.HasField("selected_option"), f"{p}.selected_option", "must be unset for FREE_TEXT")
            if v.check(a.HasField("free_text_response"), f"{p}.free_text_response", "is required for FREE_TEXT"):
                self.text(a.free_text_response, f"{p}.free_text_response", MAX_FREE_TEXT, required=False)
            if a.HasField("llm_rationale"):
                self.text(a.llm_rationale, f"{p}.llm_rationale", MAX_LONG_TEXT, required=False)
        self.fraction(a.score, f"{p}.score")
        self.timestamp(a, "submit_time", f"{p}.submit_time")

    def outcome(self, o: pb.OutcomeSummary, body: pb.EvidenceBody, status: int | None) -> None:
        v, p = self.v, "evidence.outcome"
        self.unknown(o, p)
        abandoned = status == pb.SESSION_STATUS_ABANDONED
        if o.HasField("aggregate_score"):
            self.fraction(o.aggregate_score, f"{p}.aggregate_score")
        elif status in STATUS_NAMES:
            v.check(abandoned, f"{p}.aggregate_score", "is required unless the session is ABANDONED")
        if status == pb.SESSION_STATUS_PASSED:
            v.check(o.HasField("passed") and o.passed, f"{p}.passed", "must be true for a PASSED session")
        elif status == pb.SESSION_STATUS_EXHAUSTED:
            v.check(o.HasField("passed") and not o.passed, f"{p}.passed", "must be false for an EXHAUSTED session")
        elif abandoned:
            v.check(not (o.HasField("passed") and o.passed), f"{p}.passed",
                    "must be unset or false for an ABANDONED session")
        if self.v.check(math.isfinite(o.pass_threshold) and 0.0 <= o.pass_threshold <= 1.0,
                        f"{p}.pass_threshold", "must be between 0.0 and 1.0") and body.HasField("policy_attestation"):
            v.check(o.pass_threshold == body.policy_attestation.pass_threshold, f"{p}.pass_threshold",
                    "must equal policy_attestation.pass_threshold")
        if o.HasField("weak_areas"):
            self.unknown(o.weak_areas, f"{p}.weak_areas")
            areas = o.weak_areas.topic_areas
            if v.check(len(areas) <= MAX_MODULES, f"{p}.weak_areas.topic_areas", f"must have at most {MAX_MODULES} items"):
                for i, area in enumerate(areas):
                    self.text(area, f"{p}.weak_areas.topic_areas[{i}]", MAX_SHORT_TEXT)
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
                self.fraction(score.score, f"{sp}.score")
            same = score.HasField("score") == module.HasField("module_score") and (
                not score.HasField("score") or score.score == module.module_score)
            v.check(same, f"{sp}.score", f"must equal evidence.modules[{i}].module_score (both null or equal)")


def validate_record_request(request: spb.RecordTrainingEvidenceRequest) -> None:
    """Raise INVALID_ARGUMENT naming every bad field of the request (nothing is stored)."""
    v = Violations()
    _Checker(v).request(request)
    v.raise_if_any()


# ------------------------------------------------------------------------------------ proto -> JSON

def _number(value: float) -> float | int:
    # RFC 8785 writes 1.0 as 1 and -0.0 as 0 anyway; normalizing here keeps dict equality simple.
    return 0 if value == 0 else value


def _answer(a: pb.AnswerEvidence) -> dict:
    out: dict = {"score": _number(a.score), "submittedAt": format_timestamp(a.submit_time)}
    if a.HasField("selected_option"):
        out["selectedOption"] = a.selected_option
    if a.HasField("free_text_response"):
        out["freeTextResponse"] = a.free_text_response
    if a.HasField("llm_rationale"):
        out["llmRationale"] = a.llm_rationale
    return out


def _item(item, id_key: str, id_field: str, text_key: str, text_field: str) -> dict:
    out = {
        id_key: getattr(item, id_field),
        text_key: getattr(item, text_field),
        "responseType": RESPONSE_NAMES[item.response_type],
        "employeeAnswer": _answer(item.employee_answer),
    }
    if item.response_type == pb.RESPONSE_TYPE_MULTIPLE_CHOICE:
        out["options"] = [{"key": o.key, "text": o.text} for o in item.options]
    return out


def _optional_time(message: Message, field: str) -> str | None:
    return format_timestamp(getattr(message, field)) if message.HasField(field) else None


def _optional_number(message: Message, field: str) -> float | int | None:
    return _number(getattr(message, field)) if message.HasField(field) else None


def to_canonical(body: pb.EvidenceBody) -> dict:
    """The seed-shaped JSON value of a validated body (the input of RFC 8785)."""
    s, a, o = body.session, body.policy_attestation, body.outcome
    return {
        "session": {
            "sessionId": s.session_id, "employeeId": s.employee_id, "tenantId": s.tenant_id,
            "attemptNumber": s.attempt_number, "totalAttempts": s.total_attempts,
            "status": STATUS_NAMES[s.status], "createdAt": format_timestamp(s.create_time),
            "completedAt": _optional_time(s, "completed_time"),
        },
        "policyAttestation": {
            "configHash": a.config_hash, "roleProfileId": a.role_profile_id,
            "roleProfileVersion": a.role_profile_version, "appVersion": a.app_version,
            "passThreshold": _number(a.pass_threshold), "maxAttempts": a.max_attempts,
        },
        "modules": [
            {
                "moduleIndex": m.module_index, "title": m.title, "topicArea": m.topic_area,
                "moduleScore": _optional_number(m, "module_score"),
                "scenarios": [_item(x, "scenarioId", "scenario_id", "narrative", "narrative") for x in m.scenarios],
                "quizQuestions": [_item(x, "questionId", "question_id", "questionText", "question_text")
                                  for x in m.quiz_questions],
                "completedAt": _optional_time(m, "completed_time"),
            }
            for m in body.modules
        ],
        "outcome": {
            "aggregateScore": _optional_number(o, "aggregate_score"),
            "passed": o.passed if o.HasField("passed") else None,
            "passThreshold": _number(o.pass_threshold),
            "weakAreas": list(o.weak_areas.topic_areas) if o.HasField("weak_areas") else None,
            "moduleScores": [
                {"moduleIndex": ms.module_index, "title": ms.title, "score": _optional_number(ms, "score")}
                for ms in o.module_scores
            ],
        },
    }


# ------------------------------------------------------------------------------------ JSON -> proto

def _set_time(message: Message, field: str, value: str | None) -> None:
    if value is not None:
        getattr(message, field).CopyFrom(parse_timestamp(value))


def _answer_from(d: dict) -> pb.AnswerEvidence:
    a = pb.AnswerEvidence(score=float(d["score"]))
    _set_time(a, "submit_time", d["submittedAt"])
    for key, field in (("selectedOption", "selected_option"), ("freeTextResponse", "free_text_response"),
                       ("llmRationale", "llm_rationale")):
        if key in d:
            setattr(a, field, d[key])
    return a


def _options(d: dict) -> list[pb.Option]:
    return [pb.Option(key=o["key"], text=o["text"]) for o in d.get("options", ())]


def from_canonical(d: dict) -> pb.EvidenceBody:
    """Rebuild the proto from a stored canonical JSON value (exact inverse of to_canonical)."""
    s, a, o = d["session"], d["policyAttestation"], d["outcome"]
    body = pb.EvidenceBody()
    session = body.session
    session.session_id, session.employee_id, session.tenant_id = s["sessionId"], s["employeeId"], s["tenantId"]
    session.attempt_number, session.total_attempts = s["attemptNumber"], s["totalAttempts"]
    session.status = STATUS_VALUES[s["status"]]
    _set_time(session, "create_time", s["createdAt"])
    _set_time(session, "completed_time", s["completedAt"])
    body.policy_attestation.CopyFrom(pb.PolicyAttestation(
        config_hash=a["configHash"], role_profile_id=a["roleProfileId"], role_profile_version=a["roleProfileVersion"],
        app_version=a["appVersion"], pass_threshold=float(a["passThreshold"]), max_attempts=a["maxAttempts"]))
    for m in d["modules"]:
        module = body.modules.add(module_index=m["moduleIndex"], title=m["title"], topic_area=m["topicArea"])
        if m["moduleScore"] is not None:
            module.module_score = float(m["moduleScore"])
        _set_time(module, "completed_time", m["completedAt"])
        for x in m["scenarios"]:
            module.scenarios.add(scenario_id=x["scenarioId"], narrative=x["narrative"],
                                 response_type=RESPONSE_VALUES[x["responseType"]], options=_options(x),
                                 employee_answer=_answer_from(x["employeeAnswer"]))
        for x in m["quizQuestions"]:
            module.quiz_questions.add(question_id=x["questionId"], question_text=x["questionText"],
                                      response_type=RESPONSE_VALUES[x["responseType"]], options=_options(x),
                                      employee_answer=_answer_from(x["employeeAnswer"]))
    outcome = body.outcome
    if o["aggregateScore"] is not None:
        outcome.aggregate_score = float(o["aggregateScore"])
    if o["passed"] is not None:
        outcome.passed = o["passed"]
    outcome.pass_threshold = float(o["passThreshold"])
    if o["weakAreas"] is not None:
        outcome.weak_areas.SetInParent()
        outcome.weak_areas.topic_areas.extend(o["weakAreas"])
    for ms in o["moduleScores"]:
        entry = outcome.module_scores.add(module_index=ms["moduleIndex"], title=ms["title"])
        if ms["score"] is not None:
            entry.score = float(ms["score"])
    return body
