"""Training evidence -> protos, and seed 002's evidence body <-> canonical JSON.

The body mapping is the contract's (evidence_resources.proto file comment): camelCase keys, "Nullable"
fields always present (null when unset), "Omitted when unset" keys left out, timestamps as
"YYYY-MM-DDTHH:MM:SS.sssZ" truncated to milliseconds, enums as their seed strings. `to_canonical`
and `from_canonical` are exact inverses over valid bodies, which is what makes Get/List round-trip
to the hashed bytes. `canonical_bytes` is the record path's shortcut to `canonical_json(to_canonical(body))`:
the same bytes, written straight from the message.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence.domain import Link, NewEvidence, Problem, ProblemKind
from shared.canonical import canonical_json, fast_float, json_string
from shared.sql import Row
from shared.timeutil import format_millis, parse_millis, to_timestamp

# Enum values <-> the seed's strings (also the session_status column and the List filter).
SESSION_STATUS = {pb.SESSION_STATUS_PASSED: "passed", pb.SESSION_STATUS_EXHAUSTED: "exhausted",
                  pb.SESSION_STATUS_ABANDONED: "abandoned"}
SESSION_STATUS_VALUE = {name: value for value, name in SESSION_STATUS.items()}
RESPONSE_TYPE = {pb.RESPONSE_TYPE_MULTIPLE_CHOICE: "multiple-choice", pb.RESPONSE_TYPE_FREE_TEXT: "free-text"}
RESPONSE_TYPE_VALUE = {name: value for value, name in RESPONSE_TYPE.items()}
_SESSION_STATUS_JSON = {value: json_string(name) for value, name in SESSION_STATUS.items()}
_RESPONSE_TYPE_JSON = {value: json_string(name) for value, name in RESPONSE_TYPE.items()}
_str = json_string
PROBLEM_KIND = {ProblemKind.CONTENT_HASH_MISMATCH: pb.EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH,
                ProblemKind.CHAIN_LINK_BROKEN: pb.EVIDENCE_PROBLEM_KIND_CHAIN_LINK_BROKEN,
                ProblemKind.SEQUENCE_GAP: pb.EVIDENCE_PROBLEM_KIND_SEQUENCE_GAP,
                ProblemKind.CHAIN_HASH_MISMATCH: pb.EVIDENCE_PROBLEM_KIND_CHAIN_HASH_MISMATCH,
                ProblemKind.CHECKPOINT_MISMATCH: pb.EVIDENCE_PROBLEM_KIND_CHECKPOINT_MISMATCH,
                ProblemKind.TRUNCATED: pb.EVIDENCE_PROBLEM_KIND_TRUNCATED,
                ProblemKind.CHECKPOINT_INVALID: pb.EVIDENCE_PROBLEM_KIND_CHECKPOINT_INVALID}


# ------------------------------------------------------------------------------------------ records

def training_evidence(row: Row) -> pb.TrainingEvidence:
    """The stored record; the body is rebuilt from the stored canonical bytes (the hashed truth)."""
    return pb.TrainingEvidence(
        evidence_id=str(row.evidence_id), tenant_id=row.tenant_id, session_id=str(row.session_id),
        employee_id=str(row.employee_id), schema_version=row.schema_version,
        evidence=stored_body(row.canonical_json),
        content_hash=row.content_hash, generate_time=to_timestamp(row.generated_at),
        chain_sequence=row.chain_sequence, previous_hash=row.previous_hash, chain_hash=row.chain_hash)


def recorded(new: NewEvidence, link: Link, body: pb.EvidenceBody) -> spb.RecordTrainingEvidenceResponse:
    """RecordTrainingEvidence's answer for a record just appended: what was inserted (nothing is read back) and
    its stored body, copied once (a message passed to a constructor is copied, and this one is ~10 kB)."""
    response = spb.RecordTrainingEvidenceResponse(created=True)
    response.training_evidence.MergeFrom(pb.TrainingEvidence(
        evidence_id=new.evidence_id, tenant_id=new.tenant_id, session_id=new.session_id,
        employee_id=new.employee_id, schema_version=new.schema_version, content_hash=new.content_hash,
        generate_time=to_timestamp(new.generated_at),
        chain_sequence=link.chain_sequence, previous_hash=link.previous_hash, chain_hash=link.chain_hash))
    response.training_evidence.evidence.CopyFrom(body)
    return response


def export(row: Row) -> spb.ExportTrainingEvidenceResponse:
    return spb.ExportTrainingEvidenceResponse(
        evidence_id=str(row.evidence_id), session_id=str(row.session_id), schema_version=row.schema_version,
        canonical_json=bytes(row.canonical_json), content_hash=row.content_hash, chain_sequence=row.chain_sequence,
        previous_hash=row.previous_hash, chain_hash=row.chain_hash, generate_time=to_timestamp(row.generated_at))


def problem(p: Problem) -> pb.EvidenceProblem:
    return pb.EvidenceProblem(evidence_id=p.evidence_id, chain_sequence=p.chain_sequence,
                              kind=PROBLEM_KIND[p.kind], detail=p.detail)


# ------------------------------------------------------------------------------------ proto -> JSON

def _number(value: float) -> float | int:
    # RFC 8785 writes 1.0 as 1 and -0.0 as 0 anyway; normalizing here keeps dict equality simple, and an
    # integral score as an int keeps the body on shared.canonical's fast path (same bytes either way).
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _answer(a: pb.AnswerEvidence) -> dict:
    out: dict = {"score": _number(a.score), "submittedAt": format_millis(a.submit_time)}
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
        "responseType": RESPONSE_TYPE[item.response_type],
        "employeeAnswer": _answer(item.employee_answer),
    }
    if item.response_type == pb.RESPONSE_TYPE_MULTIPLE_CHOICE:
        out["options"] = [{"key": o.key, "text": o.text} for o in item.options]
    return out


def _optional_time(message: Message, field: str) -> str | None:
    return format_millis(getattr(message, field)) if message.HasField(field) else None


def _optional_number(message: Message, field: str) -> float | int | None:
    return _number(getattr(message, field)) if message.HasField(field) else None


def to_canonical(body: pb.EvidenceBody) -> dict:
    """The seed-shaped JSON value of a validated body (the input of RFC 8785)."""
    s, a, o = body.session, body.policy_attestation, body.outcome
    return {
        "session": {
            "sessionId": s.session_id, "employeeId": s.employee_id, "tenantId": s.tenant_id,
            "attemptNumber": s.attempt_number, "totalAttempts": s.total_attempts,
            "status": SESSION_STATUS[s.status], "createdAt": format_millis(s.create_time),
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


# --------------------------------------------------------------------------- proto -> canonical bytes

class _Reference(Exception):
    """A number whose canonical text Python does not write: the body takes the reference path."""


def _num(value: float) -> str:
    """The canonical text of a body's double, as `_number` and RFC 8785 write it."""
    if value.is_integer():
        if abs(value) < 2**53:
            return str(int(value))  # 1.0 -> 1, -0.0 -> 0
    elif fast_float(value):
        return repr(value)
    raise _Reference


@functools.lru_cache(maxsize=4096)
def _day(day: int) -> str:
    t = datetime.fromtimestamp(day * 86_400, UTC)
    return f'"{t.year:04d}-{t.month:02d}-{t.day:02d}T'


# The rest of a time as text, looked up rather than formatted (a body has ~70 times).
_CLOCK = [f"{hour:02d}:{minute:02d}:" for hour in range(24) for minute in range(60)]
_SECONDS = [f"{second:02d}." for second in range(60)]
_MILLIS = [f'{millis:03d}Z"' for millis in range(1000)]


def _time(ts: Timestamp) -> str:
    """format_millis, quoted (the date of each day computed once)."""
    day, second = divmod(ts.seconds, 86_400)
    minute, second = divmod(second, 60)
    millis = ts.nanos // 1_000_000
    if not 0 <= millis <= 999:  # not a valid Timestamp: written as format_millis writes it
        raise _Reference
    return f"{_day(day)}{_CLOCK[minute]}{_SECONDS[second]}{_MILLIS[millis]}"


def _answer_json(a: pb.AnswerEvidence) -> str:
    text = f'"freeTextResponse":{_str(a.free_text_response)},' if a.HasField("free_text_response") else ""
    if a.HasField("llm_rationale"):
        text += f'"llmRationale":{_str(a.llm_rationale)},'
    text += f'"score":{_num(a.score)},'
    if a.HasField("selected_option"):
        text += f'"selectedOption":{_str(a.selected_option)},'
    return f'{{{text}"submittedAt":{_time(a.submit_time)}}}'


def _options_json(item) -> str:
    if item.response_type != pb.RESPONSE_TYPE_MULTIPLE_CHOICE:
        return ""
    return '"options":[' + ",".join([f'{{"key":{_str(o.key)},"text":{_str(o.text)}}}' for o in item.options]) + "],"


def _scenario_json(x: pb.ScenarioEvidence) -> str:
    return (f'{{"employeeAnswer":{_answer_json(x.employee_answer)},"narrative":{_str(x.narrative)},'
            f'{_options_json(x)}"responseType":{_RESPONSE_TYPE_JSON[x.response_type]},'
            f'"scenarioId":{_str(x.scenario_id)}}}')


def _question_json(x: pb.QuizQuestionEvidence) -> str:
    return (f'{{"employeeAnswer":{_answer_json(x.employee_answer)},{_options_json(x)}'
            f'"questionId":{_str(x.question_id)},"questionText":{_str(x.question_text)},'
            f'"responseType":{_RESPONSE_TYPE_JSON[x.response_type]}}}')


def _module_json(m: pb.ModuleEvidence) -> str:
    return (f'{{"completedAt":{_time(m.completed_time) if m.HasField("completed_time") else "null"},'
            f'"moduleIndex":{m.module_index},'
            f'"moduleScore":{_num(m.module_score) if m.HasField("module_score") else "null"},'
            f'"quizQuestions":[{",".join([_question_json(x) for x in m.quiz_questions])}],'
            f'"scenarios":[{",".join([_scenario_json(x) for x in m.scenarios])}],'
            f'"title":{_str(m.title)},"topicArea":{_str(m.topic_area)}}}')


def _module_score_json(ms: pb.ModuleScore) -> str:
    return (f'{{"moduleIndex":{ms.module_index},"score":{_num(ms.score) if ms.HasField("score") else "null"},'
            f'"title":{_str(ms.title)}}}')


def _body_json(body: pb.EvidenceBody) -> str:
    s, a, o = body.session, body.policy_attestation, body.outcome
    passed = ("true" if o.passed else "false") if o.HasField("passed") else "null"
    weak = f'[{",".join([_str(w) for w in o.weak_areas.topic_areas])}]' if o.HasField("weak_areas") else "null"
    return (f'{{"modules":[{",".join([_module_json(m) for m in body.modules])}],'
            f'"outcome":{{"aggregateScore":{_num(o.aggregate_score) if o.HasField("aggregate_score") else "null"},'
            f'"moduleScores":[{",".join([_module_score_json(ms) for ms in o.module_scores])}],'
            f'"passThreshold":{_num(o.pass_threshold)},"passed":{passed},"weakAreas":{weak}}},'
            f'"policyAttestation":{{"appVersion":{_str(a.app_version)},"configHash":{_str(a.config_hash)},'
            f'"maxAttempts":{a.max_attempts},"passThreshold":{_num(a.pass_threshold)},'
            f'"roleProfileId":{_str(a.role_profile_id)},"roleProfileVersion":{a.role_profile_version}}},'
            f'"session":{{"attemptNumber":{s.attempt_number},'
            f'"completedAt":{_time(s.completed_time) if s.HasField("completed_time") else "null"},'
            f'"createdAt":{_time(s.create_time)},"employeeId":{_str(s.employee_id)},'
            f'"sessionId":{_str(s.session_id)},"status":{_SESSION_STATUS_JSON[s.status]},'
            f'"tenantId":{_str(s.tenant_id)},"totalAttempts":{s.total_attempts}}}}}')


def canonical_bytes(body: pb.EvidenceBody) -> bytes:
    """The RFC 8785 bytes of `to_canonical(body)` (what is hashed and stored), written straight from the message.

    The record path's hot spot: building the document and encoding it walked the body twice (~0.5 ms for a
    five-module session), this walks it once (~0.2 ms). Keys are written in RFC 8785 order (code point order;
    they are ASCII), strings with the escaping of shared.canonical's fast path, numbers as `_num` says; a
    number Python cannot write canonically (a score below 1e-4) sends the body to shared.canonical instead.
    tests/evidence/test_canonical_bytes.py holds it to `rfc8785` byte for byte over generated bodies."""
    try:
        return _body_json(body).encode()  # a message's strings are Unicode text (no lone surrogates)
    except _Reference:
        return canonical_json(to_canonical(body))


def stored_body(canonical: bytes) -> pb.EvidenceBody:
    """The body a record's stored canonical bytes say (what Get returns)."""
    return from_canonical(json.loads(canonical))


# ------------------------------------------------------------------------------------ JSON -> proto

def _set_time(message: Message, field: str, value: str | None) -> None:
    if value is not None:
        getattr(message, field).CopyFrom(parse_millis(value))


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
    session.status = SESSION_STATUS_VALUE[s["status"]]
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
                                 response_type=RESPONSE_TYPE_VALUE[x["responseType"]], options=_options(x),
                                 employee_answer=_answer_from(x["employeeAnswer"]))
        for x in m["quizQuestions"]:
            module.quiz_questions.add(question_id=x["questionId"], question_text=x["questionText"],
                                      response_type=RESPONSE_TYPE_VALUE[x["responseType"]], options=_options(x),
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
