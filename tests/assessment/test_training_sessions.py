"""Training sessions end to end against the real catalog and assessment servers (real PostgreSQL): freezing,
answers and their scoring, attempts, terminal states, what the outbox carries, access rules."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
import rfc8785
from google.rpc import error_details_pb2, status_pb2

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.assessment.v1 import assessment_service_pb2 as svc
from learning.audit.v1 import audit_service_pb2
from learning.evidence.v1 import evidence_service_pb2 as ev_svc
from learning.progress.v1 import progress_resources_pb2 as progress_res
from learning.progress.v1 import progress_service_pb2 as progress_svc
from tests.assessment.conftest import Assessment, PublishedCourse, queued


def start(a: Assessment, course: PublishedCourse, **policy) -> res.TrainingSession:
    return a.stub.StartTrainingSession(svc.StartTrainingSessionRequest(
        tenant_id=a.tenant, employee_id=a.learner, course=course.ref, policy=a.policy(**policy)),
        metadata=a.learner_md).session


def answer(a: Assessment, session_id: str, item_id: str, md=None, **fields) -> svc.SubmitTrainingAnswerResponse:
    return a.stub.SubmitTrainingAnswer(svc.SubmitTrainingAnswerRequest(
        tenant_id=a.tenant, session_id=session_id, item_id=item_id, **fields), metadata=md or a.learner_md)


def answer_all(a: Assessment, session_id: str, answers: dict[str, dict]) -> None:
    for item_id, fields in answers.items():
        answer(a, session_id, item_id, **fields)


def evaluate(a: Assessment, session_id: str, **kw) -> svc.EvaluateTrainingSessionResponse:
    return a.stub.EvaluateTrainingSession(svc.EvaluateTrainingSessionRequest(
        tenant_id=a.tenant, session_id=session_id, **kw), metadata=a.learner_md)


def details(error: grpc.RpcError, kind):
    status = status_pb2.Status.FromString(dict(error.trailing_metadata())["grpc-status-details-bin"])
    for detail in status.details:
        if detail.Is(kind.DESCRIPTOR):
            found = kind()
            detail.Unpack(found)
            return found
    raise AssertionError(f"no {kind.__name__} in the error details")


def evidence_requests(sql, tenant) -> list[ev_svc.RecordTrainingEvidenceRequest]:
    return queued(sql, tenant, "evidence.training_evidence", ev_svc.RecordTrainingEvidenceRequest)


def test_start_freezes_what_the_learner_sees_without_answer_keys(assessment, course, catalog):
    session = start(assessment, course)
    assert session.status == res.TRAINING_SESSION_STATUS_IN_PROGRESS and session.attempt_number == 1
    expected_hash = hashlib.sha256(rfc8785.dumps({"appVersion": "1.4.2", "maxAttempts": 2, "passThreshold": 0.8,
                                                   "roleProfileId": "buyer", "roleProfileVersion": 3})).hexdigest()
    assert session.config_hash == expected_hash
    m0, m1 = session.modules
    assert (m0.module_index, m0.title, m0.topic_area) == (0, "Gifts", "ethics")
    assert (m1.module_index, m1.topic_area) == (1, "negotiation")
    assert [i.item_id for i in m0.scenarios] == [course.scenario_item]
    assert [o.key for o in m0.scenarios[0].options] == ["accept", "decline"]
    assert [i.item_id for i in m0.quiz_questions] == [course.single_choice[0], course.free_text]
    assert m0.quiz_questions[1].answer_format == res.ANSWER_FORMAT_FREE_TEXT
    assert m0.quiz_questions[1].max_length == 1500
    # "select all that apply" is not a seed 002 item: only the single-choice question of module 1 is asked
    assert [i.item_id for i in m1.quiz_questions] == [course.single_choice[1]]
    wire = session.SerializeToString()
    assert b"compliance officer" not in wire and b"correct" not in wire  # no rubric, no answer key
    # a later catalog change (a new version) does not alter the session
    catalog.update(course.course_id, ["title"], title="Supplier ethics, revised")
    got = assessment.stub.GetTrainingSession(svc.GetTrainingSessionRequest(
        tenant_id=assessment.tenant, session_id=session.session_id), metadata=assessment.learner_md).session
    assert list(got.modules) == list(session.modules)


def test_answers_are_scored_and_final(assessment, course):
    session = start(assessment, course)
    mc = answer(assessment, session.session_id, course.single_choice[0], selected_option="a")
    assert mc.answer.status == res.ANSWER_STATUS_SCORED and mc.answer.score == 1.0 and mc.answer.scorer
    assert mc.module.status == res.TRAINING_MODULE_STATUS_IN_PROGRESS
    scenario = answer(assessment, session.session_id, course.scenario_item, selected_option="accept")
    assert scenario.answer.score == 0.0
    text = answer(assessment, session.session_id, course.free_text, **course.correct[course.free_text])
    assert text.answer.score == 1.0 and "2 of 2" in text.answer.rationale and text.answer.scorer == "rubric/1"
    assert text.module.status == res.TRAINING_MODULE_STATUS_SCORED
    assert text.module.module_score == pytest.approx(2 / 3)
    again = answer(assessment, session.session_id, course.single_choice[0], selected_option="a")
    assert again.answer == mc.answer  # a retry gets the stored answer
    with pytest.raises(grpc.RpcError) as error:
        answer(assessment, session.session_id, course.single_choice[0], selected_option="b")
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert details(error.value, error_details_pb2.PreconditionFailure).violations[0].type == "ALREADY_ANSWERED"


@pytest.mark.parametrize(("fields", "field"), [
    ({"item_id": "nope", "selected_option": "a"}, "item_id"),
    ({"selected_option": "z"}, "selected_option"),
    ({"free_text_response": "text for a choice"}, "selected_option"),
    ({}, "selected_option"),
    ({"selected_option": "a", "free_text_response": "both"}, "free_text_response"),
    ({"selected_option": "a", "attempt_number": -1}, "attempt_number"),
])
def test_bad_answers_are_invalid_argument(assessment, course, fields, field):
    session = start(assessment, course)
    fields = {"item_id": course.single_choice[0], **fields}
    with pytest.raises(grpc.RpcError) as error:
        answer(assessment, session.session_id, **fields)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in [v.field for v in details(error.value, error_details_pb2.BadRequest).field_violations]


def test_free_text_longer_than_the_item_allows_is_refused(assessment, course):
    session = start(assessment, course)
    with pytest.raises(grpc.RpcError) as error:
        answer(assessment, session.session_id, course.free_text, free_text_response="x" * 1501)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_evaluation_needs_every_item_answered(assessment, course):
    session = start(assessment, course)
    answer(assessment, session.session_id, course.single_choice[0], selected_option="a")
    with pytest.raises(grpc.RpcError) as error:
        evaluate(assessment, session.session_id)
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    violations = details(error.value, error_details_pb2.PreconditionFailure).violations
    assert {v.type for v in violations} == {"ITEM_UNANSWERED"} and len(violations) == 3


def test_fail_then_pass_sends_outcomes_gaps_and_one_evidence(assessment, course, assessment_owner_sql, evidence_stub,
                                                              tokens):
    a = assessment
    session = start(a, course)
    answer_all(a, session.session_id, course.wrong)
    first = evaluate(a, session.session_id, attempt_number=1)
    assert not first.result.passed and first.result.aggregate_score == 0.0
    assert list(first.result.weak_areas) == ["ethics", "negotiation"]
    assert first.session.status == res.TRAINING_SESSION_STATUS_IN_PROGRESS and first.session.attempt_number == 2
    assert all(not i.HasField("answer") for m in first.session.modules for i in m.scenarios)  # fresh answers
    gaps = queued(assessment_owner_sql, a.tenant, "progress.knowledge_gaps", progress_svc.RecordKnowledgeGapsRequest)
    assert [(g.user_id, g.topic_area) for g in gaps[0].gaps] == [(a.learner, "ethics"), (a.learner, "negotiation")]
    assert gaps[0].gaps[0].source.id == session.session_id
    with pytest.raises(grpc.RpcError) as error:  # a retried evaluation of attempt 1 is refused, not re-run
        evaluate(a, session.session_id, attempt_number=1)
    assert details(error.value, error_details_pb2.PreconditionFailure).violations[0].type == "ATTEMPT_MISMATCH"

    answer_all(a, session.session_id, course.correct)
    second = evaluate(a, session.session_id)
    assert second.result.passed and second.result.aggregate_score == 1.0
    assert second.session.status == res.TRAINING_SESSION_STATUS_PASSED and second.session.HasField("completed_time")
    assert [r.attempt_number for r in second.session.attempts] == [1, 2]

    audit = queued(assessment_owner_sql, a.tenant, "audit", audit_service_pb2.AuditEvent)
    assert [(e.action, e.payload["attempt_number"], e.payload["passed"]) for e in audit] == [
        ("quiz.scored", 1, False), ("quiz.scored", 2, True)]
    assert {e.source_service for e in audit} == {"assessment"}
    progress = queued(assessment_owner_sql, a.tenant, "progress.events", progress_svc.RecordProgressEventsRequest)
    assert [(r.events[0].kind, r.events[0].score) for r in progress] == [
        (progress_res.EVENT_KIND_SESSION_FAILED, 0.0), (progress_res.EVENT_KIND_SESSION_PASSED, 1.0)]
    [request] = evidence_requests(assessment_owner_sql, a.tenant)
    body = request.evidence
    assert (body.session.session_id, body.session.employee_id, body.session.attempt_number,
            body.session.total_attempts) == (session.session_id, a.learner, 2, 2)
    assert body.policy_attestation.config_hash == session.config_hash
    assert body.outcome.passed and body.outcome.aggregate_score == 1.0 and not body.outcome.HasField("weak_areas")
    assert [m.module_score for m in body.modules] == [1.0, 1.0]
    free = body.modules[0].quiz_questions[1]
    assert free.employee_answer.free_text_response == course.correct[course.free_text]["free_text_response"]
    assert free.employee_answer.llm_rationale and not free.options
    assert [o.key for o in body.modules[0].scenarios[0].options] == ["accept", "decline"]
    record_in_evidence(evidence_stub, tokens, request)


def record_in_evidence(evidence_stub, tokens, request) -> None:
    """The queued request is what the real evidence service accepts (the relay delivers exactly it)."""
    recorded = evidence_stub.RecordTrainingEvidence(request, metadata=tokens.metadata(
        request.tenant_id, ["service"], subject="assessment"))
    assert recorded.created and recorded.training_evidence.session_id == request.session_id


def test_exhausted_evidence_has_the_outcome_and_weak_areas(assessment, course, assessment_owner_sql, evidence_stub,
                                                           tokens):
    session = start(assessment, course, max_attempts=1)
    answer_all(assessment, session.session_id, {**course.correct, course.single_choice[1]: {"selected_option": "b"}})
    result = evaluate(assessment, session.session_id)
    assert result.session.status == res.TRAINING_SESSION_STATUS_EXHAUSTED
    [request] = evidence_requests(assessment_owner_sql, assessment.tenant)
    outcome = request.evidence.outcome
    assert outcome.HasField("aggregate_score") and outcome.aggregate_score == 0.5
    assert outcome.HasField("passed") and not outcome.passed
    assert list(outcome.weak_areas.topic_areas) == ["negotiation"]
    assert request.evidence.session.HasField("completed_time")
    assert [s.score for s in outcome.module_scores] == [1.0, 0.0]
    record_in_evidence(evidence_stub, tokens, request)


def test_abandoned_evidence_has_seed_002_nulls(assessment, course, assessment_owner_sql, evidence_stub, tokens):
    session = start(assessment, course)
    answer(assessment, session.session_id, course.single_choice[0], selected_option="a")
    abandoned = assessment.stub.AbandonTrainingSession(svc.AbandonTrainingSessionRequest(
        tenant_id=assessment.tenant, session_id=session.session_id, reason="left the company"),
        metadata=assessment.learner_md).session
    assert abandoned.status == res.TRAINING_SESSION_STATUS_ABANDONED and abandoned.abandon_reason
    [request] = evidence_requests(assessment_owner_sql, assessment.tenant)
    body = request.evidence
    assert not body.session.HasField("completed_time")
    assert not body.outcome.HasField("aggregate_score") and not body.outcome.HasField("passed")
    assert not body.outcome.HasField("weak_areas")
    assert [m.HasField("module_score") for m in body.modules] == [False, False]
    assert [m.HasField("completed_time") for m in body.modules] == [False, False]
    assert [s.HasField("score") for s in body.outcome.module_scores] == [False, False]
    assert [q.question_id for q in body.modules[0].quiz_questions] == [course.single_choice[0]]  # answered only
    assert not body.modules[0].scenarios and not body.modules[1].quiz_questions
    record_in_evidence(evidence_stub, tokens, request)
    with pytest.raises(grpc.RpcError) as error:
        answer(assessment, session.session_id, course.scenario_item, selected_option="decline")
    assert details(error.value, error_details_pb2.PreconditionFailure).violations[0].type == "SESSION_NOT_IN_PROGRESS"


def test_concurrent_answers_are_all_kept(assessment, course):
    session = start(assessment, course)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda item: answer(assessment, session.session_id, item, **course.correct[item]),
                      course.correct))
    result = evaluate(assessment, session.session_id)
    assert result.result.passed and result.result.aggregate_score == 1.0


def test_concurrent_evaluations_evaluate_once(assessment, course, assessment_owner_sql):
    session = start(assessment, course)
    answer_all(assessment, session.session_id, course.wrong)

    def attempt(_):
        try:
            return evaluate(assessment, session.session_id).result.attempt_number
        except grpc.RpcError as error:
            return error.code()

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(attempt, range(4)))
    assert outcomes.count(1) == 1 and outcomes.count(grpc.StatusCode.FAILED_PRECONDITION) == 3
    assert len(queued(assessment_owner_sql, assessment.tenant, "audit", audit_service_pb2.AuditEvent)) == 1


def test_access_rules(assessment, course):
    a = assessment
    other, other_md = a.other_learner_md()
    with pytest.raises(grpc.RpcError) as error:  # a learner starts only its own sessions
        a.stub.StartTrainingSession(svc.StartTrainingSessionRequest(
            tenant_id=a.tenant, employee_id=other, course=course.ref, policy=a.policy()), metadata=a.learner_md)
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    session = start(a, course)
    for call in (lambda: a.stub.GetTrainingSession(svc.GetTrainingSessionRequest(
                     tenant_id=a.tenant, session_id=session.session_id), metadata=other_md),
                 lambda: answer(a, session.session_id, course.single_choice[0], md=other_md, selected_option="a")):
        with pytest.raises(grpc.RpcError) as error:
            call()
        assert error.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as error:  # an auditor reads, never answers
        answer(a, session.session_id, course.single_choice[0], md=a.auditor_md, selected_option="a")
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert a.stub.GetTrainingSession(svc.GetTrainingSessionRequest(
        tenant_id=a.tenant, session_id=session.session_id), metadata=a.auditor_md).session.session_id
    with pytest.raises(grpc.RpcError) as error:
        a.stub.ListTrainingSessions(svc.ListTrainingSessionsRequest(tenant_id=a.tenant), metadata=a.learner_md)
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    other_tenant = a.tokens.metadata("another-tenant", ["admin"], subject=other)
    with pytest.raises(grpc.RpcError) as error:
        a.stub.GetTrainingSession(svc.GetTrainingSessionRequest(
            tenant_id=a.tenant, session_id=session.session_id), metadata=other_tenant)
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_start_refuses_unpublished_versions_and_bad_policies(assessment, course, catalog):
    a = assessment
    draft = catalog.course("Draft only")
    with pytest.raises(grpc.RpcError) as error:
        a.stub.StartTrainingSession(svc.StartTrainingSessionRequest(
            tenant_id=a.tenant, employee_id=a.learner, policy=a.policy(),
            course={"course_id": draft.course_id, "version": 1}), metadata=a.learner_md)
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as error:
        a.stub.StartTrainingSession(svc.StartTrainingSessionRequest(
            tenant_id=a.tenant, employee_id=a.learner, course=course.ref,
            policy=a.policy(pass_threshold=0, max_attempts=21, role_profile_id="", app_version="x y")),
            metadata=a.learner_md)
    fields = {v.field for v in details(error.value, error_details_pb2.BadRequest).field_violations}
    assert fields == {"policy.pass_threshold", "policy.max_attempts", "policy.role_profile_id", "policy.app_version"}
    # a version with nothing to assess (a video only)
    only_video = catalog.published_course("Watch only")
    with pytest.raises(grpc.RpcError) as error:
        a.stub.StartTrainingSession(svc.StartTrainingSessionRequest(
            tenant_id=a.tenant, employee_id=a.learner, policy=a.policy(),
            course={"course_id": only_video.course_id, "version": 1}), metadata=a.learner_md)
    assert details(error.value, error_details_pb2.PreconditionFailure).violations[0].type == "NOTHING_TO_ASSESS"


def test_start_is_idempotent_on_request_id(assessment, course):
    a = assessment
    request = svc.StartTrainingSessionRequest(tenant_id=a.tenant, request_id="7d4f8f64-3c2a-4a7e-9d55-0b1c2d3e4f50",
                                              employee_id=a.learner, course=course.ref, policy=a.policy())
    first = a.stub.StartTrainingSession(request, metadata=a.learner_md).session
    again = a.stub.StartTrainingSession(request, metadata=a.learner_md).session
    assert first.session_id == again.session_id


def test_list_filters_and_pages(assessment, course):
    a = assessment
    ids = [start(a, course).session_id for _ in range(3)]
    a.stub.AbandonTrainingSession(svc.AbandonTrainingSessionRequest(tenant_id=a.tenant, session_id=ids[0]),
                                  metadata=a.learner_md)
    seen, token = [], ""
    while True:
        page = a.stub.ListTrainingSessions(svc.ListTrainingSessionsRequest(
            tenant_id=a.tenant, employee_id=a.learner, page_size=2, page_token=token), metadata=a.learner_md)
        seen += [s.session_id for s in page.sessions]
        assert all(not s.modules for s in page.sessions)
        token = page.next_page_token
        if not token:
            break
    assert seen == list(reversed(ids))
    abandoned = a.stub.ListTrainingSessions(svc.ListTrainingSessionsRequest(
        tenant_id=a.tenant, status=res.TRAINING_SESSION_STATUS_ABANDONED, course=course.ref),
        metadata=a.admin_md).sessions
    assert [s.session_id for s in abandoned] == [ids[0]]

