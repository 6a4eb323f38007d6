"""The pluggable scorer with a REAL external scorer process (learning.scoring.v1): while it is down a free-text
answer stays PENDING (never 0) and the session cannot be evaluated; once it serves, the background retry
scores the answer with the external score and rationale, and new answers are scored within the call.

This test runs its own assessment server on its own database: the suite's shared server (built-in scorer)
would otherwise score the pending answer first.
"""

from __future__ import annotations

import time
import uuid

import grpc
import psycopg
import pytest

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.assessment.v1 import assessment_service_pb2 as svc
from learning.assessment.v1 import assessment_service_pb2_grpc as svc_grpc
from learning.evidence.v1 import evidence_service_pb2 as ev_svc
from services.assessment import main as assessment_main
from shared import provision
from shared.db import libpq_url
from shared.migrations import migrate
from tests.assessment.conftest import Assessment, publish_course, queued
from tests.catalog.conftest import Catalog
from tests.support.processes import ServiceProcess, free_port
from tests.support.servers import ServerThread


@pytest.fixture
def scored_externally(admin_url, assessment_settings):
    """(assessment stub, scorer port): an assessment server whose scorer is an external process not started yet."""
    database = provision.provision(admin_url, "assessment", suffix=f"_x{uuid.uuid4().hex[:8]}")
    definition = assessment_main.DEFINITION
    migrate(definition.migrations, database.owner_url, database.runtime_url, definition.append_only_tables)
    port = free_port()
    settings = assessment_settings.model_copy(update={
        "database_url": database.runtime_url, "migration_database_url": database.owner_url,
        "scorer_address": f"127.0.0.1:{port}", "scorer_timeout_seconds": 2.0, "pending_retry_seconds": 0.2})
    try:
        with ServerThread(lambda: assessment_main.build(settings)) as host, \
                grpc.insecure_channel(host.address) as channel:
            yield svc_grpc.AssessmentServiceStub(channel), port, database
    finally:
        provision.drop(admin_url, database.database)


def _free_text_item(session: res.TrainingSession, item_id: str) -> res.TrainingItem:
    return next(i for m in session.modules for i in m.quiz_questions if i.item_id == item_id)


def test_pending_until_the_external_scorer_answers(scored_externally, catalog_stub, tokens, tenant):
    stub, port, _ = scored_externally
    course = publish_course(Catalog(catalog_stub, tokens, tenant))
    a = Assessment(stub, tokens, tenant)
    session = stub.StartTrainingSession(svc.StartTrainingSessionRequest(
        tenant_id=tenant, employee_id=a.learner, course=course.ref, policy=a.policy()), metadata=a.learner_md).session
    for item_id, fields in course.correct.items():
        stub.SubmitTrainingAnswer(svc.SubmitTrainingAnswerRequest(
            tenant_id=tenant, session_id=session.session_id, item_id=item_id, **fields), metadata=a.learner_md)

    def current() -> res.TrainingSession:
        return stub.GetTrainingSession(svc.GetTrainingSessionRequest(tenant_id=tenant, session_id=session.session_id),
                                       metadata=a.learner_md).session

    pending = _free_text_item(current(), course.free_text).answer
    assert pending.status == res.ANSWER_STATUS_PENDING and pending.score == 0.0 and not pending.scorer
    with pytest.raises(grpc.RpcError) as error:
        stub.EvaluateTrainingSession(svc.EvaluateTrainingSessionRequest(
            tenant_id=tenant, session_id=session.session_id), metadata=a.learner_md)
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION and "pending" in error.value.details()

    with ServiceProcess.module("tests.support.external_scorer", {}, "--port", str(port), "--score", "0.75") as scorer:
        scorer.start()
        deadline = time.monotonic() + 60
        while (answer := _free_text_item(current(), course.free_text).answer).status != res.ANSWER_STATUS_SCORED:
            assert time.monotonic() < deadline, "the pending answer was never scored"
            time.sleep(0.2)
        assert answer.score == 0.75 and answer.scorer == "test-llm-scorer/1"
        assert answer.rationale == "external review against: Mentions personal gain."
        assert [e["event"] for e in scorer.events].count("scored") == 1
        result = stub.EvaluateTrainingSession(svc.EvaluateTrainingSessionRequest(
            tenant_id=tenant, session_id=session.session_id), metadata=a.learner_md).result
        assert result.module_results[0].score == pytest.approx((1 + 1 + 0.75) / 3)
        scorer.stop()


def test_an_abandoned_session_waits_for_its_pending_answer_before_its_evidence(scored_externally, catalog_stub,
                                                                               tokens, tenant):
    """Evidence carries only scored answers (AnswerEvidence.score is never null): a session abandoned while an
    answer is pending sends its evidence once the scorer has scored it, with that answer in it."""
    stub, port, database = scored_externally
    course = publish_course(Catalog(catalog_stub, tokens, tenant))
    a = Assessment(stub, tokens, tenant)
    session = stub.StartTrainingSession(svc.StartTrainingSessionRequest(
        tenant_id=tenant, employee_id=a.learner, course=course.ref, policy=a.policy()), metadata=a.learner_md).session
    stub.SubmitTrainingAnswer(svc.SubmitTrainingAnswerRequest(
        tenant_id=tenant, session_id=session.session_id, item_id=course.free_text,
        free_text_response="I would disclose it."), metadata=a.learner_md)
    stub.AbandonTrainingSession(svc.AbandonTrainingSessionRequest(tenant_id=tenant, session_id=session.session_id),
                                metadata=a.learner_md)
    with psycopg.connect(libpq_url(database.owner_url), autocommit=True) as sql:
        def evidence():
            return queued(sql, tenant, "evidence.training_evidence", ev_svc.RecordTrainingEvidenceRequest)

        assert evidence() == []  # the pending answer is not evidence yet
        with ServiceProcess.module("tests.support.external_scorer", {}, "--port", str(port), "--score", "0.5") as scorer:
            scorer.start()
            deadline = time.monotonic() + 60
            while not (requests := evidence()):
                assert time.monotonic() < deadline, "the abandoned session's evidence was never sent"
                time.sleep(0.2)
            scorer.stop()
    [request] = requests
    [question] = request.evidence.modules[0].quiz_questions
    assert (question.question_id, question.employee_answer.score) == (course.free_text, 0.5)
    assert not request.evidence.outcome.HasField("aggregate_score")
