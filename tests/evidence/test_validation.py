"""Strict validation of evidence bodies: INVALID_ARGUMENT naming proto paths, never INTERNAL, nothing stored."""

from __future__ import annotations

import hashlib
import json
import math
import uuid

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from tests.evidence import builders
from tests.support.rpc import field_violations

Q = "evidence.modules[1].quiz_questions[2]"  # a multiple-choice question of builders.request()
F = "evidence.modules[1].quiz_questions[0]"  # a free-text question


def _copy(req):
    out = spb.RecordTrainingEvidenceRequest()
    out.CopyFrom(req)
    return out


def _q(req, module=1, question=2):
    return req.evidence.modules[module].quiz_questions[question]


def _set_completed_none(r):
    r.evidence.session.ClearField("completed_time")


def _with_correct_flag(r):
    # An option carrying an undeclared field (tag 3, as a "correct: true" bool would be sent).
    option = _q(r).options[1]
    option.MergeFromString(option.SerializeToString() + bytes([0x18, 0x01]))


# (mutation, field path that must be named)
MUTATIONS = [
    (lambda r: setattr(_q(r).employee_answer, "score", 1.5), f"{Q}.employee_answer.score"),
    (lambda r: setattr(_q(r).employee_answer, "score", -0.1), f"{Q}.employee_answer.score"),
    (lambda r: setattr(_q(r).employee_answer, "score", math.nan), f"{Q}.employee_answer.score"),
    (lambda r: setattr(_q(r).employee_answer, "score", math.inf), f"{Q}.employee_answer.score"),
    (lambda r: setattr(r.evidence.session, "attempt_number", 0), "evidence.session.attempt_number"),
    (lambda r: setattr(r.evidence.session, "attempt_number", 4), "evidence.session.attempt_number"),
    (lambda r: setattr(r.evidence.session, "total_attempts", 2), "evidence.session.total_attempts"),
    (lambda r: setattr(r.evidence.session, "status", pb.SESSION_STATUS_UNSPECIFIED), "evidence.session.status"),
    (_set_completed_none, "evidence.session.completed_time"),
    (lambda r: setattr(_q(r, 1, 0).employee_answer, "free_text_response", "x" * 2001),
     f"{F}.employee_answer.free_text_response"),
    (lambda r: _q(r, 1, 0).employee_answer.ClearField("free_text_response"), f"{F}.employee_answer.free_text_response"),
    (lambda r: setattr(_q(r).employee_answer, "selected_option", "z"), f"{Q}.employee_answer.selected_option"),
    (lambda r: _q(r).employee_answer.ClearField("selected_option"), f"{Q}.employee_answer.selected_option"),
    (lambda r: setattr(_q(r).employee_answer, "llm_rationale", "why"), f"{Q}.employee_answer.llm_rationale"),
    (lambda r: _q(r).ClearField("options"), f"{Q}.options"),
    (lambda r: _q(r, 1, 0).options.add(key="a", text="A"), f"{F}.options"),
    (lambda r: setattr(_q(r).options[1], "key", "a"), f"{Q}.options[1].key"),
    (_with_correct_flag, f"{Q}.options[1]"),
    (lambda r: setattr(_q(r), "response_type", pb.RESPONSE_TYPE_UNSPECIFIED), f"{Q}.response_type"),
    (lambda r: setattr(_q(r), "question_id", ""), f"{Q}.question_id"),
    (lambda r: setattr(_q(r), "question_id", "q" * 129), f"{Q}.question_id"),
    (lambda r: _q(r).employee_answer.ClearField("submit_time"), f"{Q}.employee_answer.submit_time"),
    (lambda r: _q(r).employee_answer.submit_time.CopyFrom(Timestamp(seconds=10**12)), f"{Q}.employee_answer.submit_time"),
    (lambda r: setattr(r.evidence.modules[1], "module_score", 2.0), "evidence.modules[1].module_score"),
    (lambda r: setattr(r.evidence.modules[1], "module_index", 0), "evidence.modules[1].module_index"),
    (lambda r: setattr(r.evidence.modules[0], "title", " "), "evidence.modules[0].title"),
    (lambda r: setattr(r.evidence.outcome, "passed", False), "evidence.outcome.passed"),
    (lambda r: r.evidence.outcome.ClearField("aggregate_score"), "evidence.outcome.aggregate_score"),
    (lambda r: setattr(r.evidence.outcome, "pass_threshold", 0.5), "evidence.outcome.pass_threshold"),
    (lambda r: setattr(r.evidence.policy_attestation, "pass_threshold", 1.01), "evidence.policy_attestation.pass_threshold"),
    (lambda r: setattr(r.evidence.policy_attestation, "max_attempts", 0), "evidence.policy_attestation.max_attempts"),
    (lambda r: setattr(r.evidence.policy_attestation, "role_profile_version", 0),
     "evidence.policy_attestation.role_profile_version"),
    (lambda r: r.evidence.outcome.module_scores[0].ClearField("score"), "evidence.outcome.module_scores[0].score"),
    (lambda r: r.evidence.outcome.module_scores.pop(), "evidence.outcome.module_scores"),
    (lambda r: r.evidence.outcome.weak_areas.topic_areas.extend(["a", "a"]), "evidence.outcome.weak_areas.topic_areas"),
    (lambda r: setattr(r.evidence.session, "session_id", str(uuid.uuid4())), "evidence.session.session_id"),
    (lambda r: setattr(r.evidence.session, "tenant_id", "other"), "evidence.session.tenant_id"),
    (lambda r: setattr(r, "session_id", "not-a-uuid"), "session_id"),
    (lambda r: setattr(r, "employee_id", "urn:uuid:" + r.employee_id), "employee_id"),
    (lambda r: setattr(r, "schema_version", 2), "schema_version"),
    (lambda r: r.evidence.ClearField("policy_attestation"), "evidence.policy_attestation"),
    (lambda r: r.ClearField("evidence"), "evidence"),
    (lambda r: r.evidence.session.completed_time.CopyFrom(builders.ts(-10)), "evidence.session.completed_time"),
]


def _stored_rows(owner_sql, tenant):
    return owner_sql.execute(
        "SELECT (SELECT count(*) FROM training_evidence WHERE tenant_id = %(t)s)"
        " + (SELECT count(*) FROM evidence_chain_heads WHERE tenant_id = %(t)s)"
        " + (SELECT count(*) FROM outbox WHERE tenant_id = %(t)s)", {"t": tenant}).fetchone()[0]


def _assert_rejected(stub, md, req, field):
    with pytest.raises(grpc.RpcError) as caught:
        stub.RecordTrainingEvidence(req, metadata=md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    violations = field_violations(caught.value)
    assert field in violations, violations


@pytest.mark.parametrize("index", range(len(MUTATIONS)))
def test_each_rule_is_named_by_its_proto_path(evidence_stub, service_md, tenant, evidence_owner_sql, index):
    mutate, field = MUTATIONS[index]
    req = builders.request(tenant)
    mutate(req)
    _assert_rejected(evidence_stub, service_md, req, field)
    assert _stored_rows(evidence_owner_sql, tenant) == 0


def test_all_violations_are_reported_at_once(evidence_stub, service_md, tenant):
    req = builders.request(tenant)
    chosen = [MUTATIONS[i] for i in (0, 4, 10, 25, 30)]
    for mutate, _ in chosen:
        mutate(req)
    with pytest.raises(grpc.RpcError) as caught:
        evidence_stub.RecordTrainingEvidence(req, metadata=service_md)
    assert {field for _, field in chosen} <= set(field_violations(caught.value))


def test_upper_case_ids_are_accepted_and_stored_in_lower_case(evidence_stub, service_md, auditor_md, tenant,
                                                                evidence_owner_sql):
    """The one UUID rule: any case in; lower case in the columns, the answer and the hashed bytes."""
    employee, session = str(uuid.uuid4()), str(uuid.uuid4())
    req = builders.request(tenant, session_id=session.upper(), employee_id=employee.upper())
    assert req.evidence.session.employee_id == employee.upper()  # the body carries the same spelling
    req.session_id = session  # the request and its body may differ in case only
    stored = evidence_stub.RecordTrainingEvidence(req, metadata=service_md)
    assert stored.created
    record = stored.training_evidence
    assert (record.session_id, record.employee_id) == (session, employee)
    assert (record.evidence.session.session_id, record.evidence.session.employee_id) == (session, employee)
    exported = evidence_stub.ExportTrainingEvidence(
        spb.ExportTrainingEvidenceRequest(tenant_id=tenant, evidence_id=record.evidence_id), metadata=auditor_md)
    document = json.loads(exported.canonical_json)
    assert (document["session"]["sessionId"], document["session"]["employeeId"]) == (session, employee)
    assert employee.upper().encode() not in exported.canonical_json
    assert hashlib.sha256(exported.canonical_json).hexdigest() == record.content_hash
    row = evidence_owner_sql.execute("SELECT employee_id::text, canonical_json FROM training_evidence "
                                     "WHERE tenant_id = %s", (tenant,)).fetchone()
    assert row[0] == employee and bytes(row[1]) == exported.canonical_json
    # the same evidence spelled in lower case is the same record
    lower = builders.request(tenant, session_id=session, employee_id=employee)
    again = evidence_stub.RecordTrainingEvidence(lower, metadata=service_md)
    assert not again.created and again.training_evidence == record


def test_abandoned_sessions_may_leave_outcome_null(evidence_stub, service_md, tenant):
    req = builders.request(tenant, status=pb.SESSION_STATUS_ABANDONED)
    assert evidence_stub.RecordTrainingEvidence(req, metadata=service_md).created


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_invalid_bodies_are_invalid_argument_and_leave_nothing(evidence_stub, tokens, evidence_owner_sql,
                                                                          data):
    tenant = f"t-{uuid.uuid4().hex[:12]}"
    md = tokens.metadata(tenant, ["service"], subject="assessment")
    req = builders.request(tenant, modules=2, questions=3)
    chosen = data.draw(st.lists(st.sampled_from(range(len(MUTATIONS))), min_size=1, max_size=4, unique=True))
    # Arbitrary values in the places the seed bounds, on top of the rule breakers.
    bad_score = data.draw(st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=1.0000001), st.just(math.nan)))
    module = data.draw(st.integers(0, 1))
    question = data.draw(st.integers(0, 2))
    req.evidence.modules[module].quiz_questions[question].employee_answer.score = bad_score
    req.evidence.modules[module].quiz_questions[question].question_text = data.draw(st.text(max_size=50))
    req.evidence.modules[module].title = data.draw(st.text(max_size=20))
    for index in chosen:
        try:
            MUTATIONS[index][0](req)
        except (IndexError, ValueError):
            pass  # a previous mutation removed what this one edits
    with pytest.raises(grpc.RpcError) as caught:
        evidence_stub.RecordTrainingEvidence(req, metadata=md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    assert field_violations(caught.value)
    assert _stored_rows(evidence_owner_sql, tenant) == 0
