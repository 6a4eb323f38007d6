"""The whole journey across five REAL service processes (catalog, progress, assessment, evidence, audit), each
on its own freshly migrated database, knowing the others only by address.

An author publishes a course; a learner records lesson progress, starts a training session, fails the first
attempt and passes the second. Then, through the outboxes only:
  * evidence holds one record whose body matches the session field by field (rebuilt here from the session
    as GetTrainingSession shows it, independently of the service's own conversion) and whose contentHash is
    recomputed with hashlib over rfc8785;
  * progress shows the course PASSED; a certificate was issued once and verifies offline (Ed25519);
  * the first attempt's weak areas are knowledge gaps with a recommendation (a course tagged with them);
  * the audit log holds every event exactly once, and VerifyAuditLog and VerifyEvidenceChain pass.
A second journey runs with audit and evidence down: nothing is lost, and everything arrives once after they
return.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
import uuid
from collections import Counter
from contextlib import ExitStack

import grpc
import pytest
import rfc8785
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from learning.assessment.v1 import assessment_resources_pb2 as ares
from learning.assessment.v1 import assessment_service_pb2 as asvc
from learning.assessment.v1 import assessment_service_pb2_grpc as agrpc
from learning.audit.v1 import audit_service_pb2 as audit_pb
from learning.audit.v1 import audit_service_pb2_grpc as audit_grpc
from learning.catalog.v1 import catalog_resources_pb2 as cat
from learning.catalog.v1 import catalog_service_pb2 as cat_svc
from learning.catalog.v1 import catalog_service_pb2_grpc as cat_grpc
from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_service_pb2 as ev_pb
from learning.evidence.v1 import evidence_service_pb2_grpc as ev_grpc
from learning.progress.v1 import progress_resources_pb2 as pres
from learning.progress.v1 import progress_service_pb2 as psvc
from learning.progress.v1 import progress_service_pb2_grpc as pgrpc
from shared import provision as provisioning
from shared.migrations import migrate
from shared.timeutil import format_millis
from tests.catalog.conftest import Catalog
from tests.support.processes import ServiceProcess, free_port, service_env

SERVICES = ("audit", "evidence", "catalog", "progress", "assessment")  # start order: each one's targets first
RUBRIC = "Mentions personal gain.\nExplains disclosure to the compliance officer."
GOOD_TEXT = "Personal gain from a purchase decision is a conflict; disclose it to the compliance officer."


@pytest.fixture(scope="module")
def system(admin_url, tokens):
    suffix = f"_j{uuid.uuid4().hex[:8]}"
    databases, processes = {}, {}
    addresses = {f"{name}_address": f"127.0.0.1:{free_port()}" for name in SERVICES}
    try:
        for name in SERVICES:
            definition = importlib.import_module(f"services.{name}.main").DEFINITION
            databases[name] = provisioning.provision(admin_url, name, suffix=suffix)
            migrate(definition.migrations, databases[name].owner_url, databases[name].runtime_url,
                    definition.append_only_tables)
            env = service_env(name, databases[name], tokens, listen_address=addresses[f"{name}_address"],
                              outbox_poll_seconds="0.1",
                              **{k: v for k, v in addresses.items() if k != f"{name}_address"})
            processes[name] = ServiceProcess.service(name, env)
            processes[name].start()
        yield processes
    finally:
        for process in reversed(list(processes.values())):
            process.__exit__(None, None, None)
        for database in databases.values():
            provisioning.drop(admin_url, database.database)


class Clients:
    def __init__(self, system, tokens, tenant: str, stack: ExitStack) -> None:
        def channel(name):
            return stack.enter_context(grpc.insecure_channel(system[name].address))

        self.tenant, self.tokens = tenant, tokens
        self.catalog = Catalog(cat_grpc.CatalogServiceStub(channel("catalog")), tokens, tenant)
        self.progress = pgrpc.ProgressServiceStub(channel("progress"))
        self.assessment = agrpc.AssessmentServiceStub(channel("assessment"))
        self.evidence = ev_grpc.EvidenceServiceStub(channel("evidence"))
        self.audit = audit_grpc.AuditServiceStub(channel("audit"))
        self.learner = str(uuid.uuid4())
        self.learner_md = tokens.metadata(tenant, ["learner"], subject=self.learner)
        self.auditor_md = tokens.metadata(tenant, ["auditor"], subject=str(uuid.uuid4()))


def _eventually(probe, limit_seconds: float = 60.0):
    """Poll `probe` until it returns something truthy (bounded; not a timing assertion)."""
    give_up = time.monotonic() + limit_seconds
    while not (found := probe()) and time.monotonic() < give_up:
        time.sleep(0.2)
    return found


def publish_course(c: Clients) -> dict:
    """Module "Gifts" (topic ethics): a scenario lesson and a quiz (single choice + free text); module
    "Negotiation" (topic negotiation): a video lesson and a quiz (single choice). Plus a refresher course
    tagged with both topics, which progress recommends for the gaps."""
    catalog = c.catalog
    course = catalog.course("Supplier ethics")
    gifts = catalog.module(course.course_id, title="Gifts", topic_area="ethics")
    negotiation = catalog.module(course.course_id, title="Negotiation", topic_area="negotiation")
    scenario = catalog.stub.CreateLesson(cat_svc.CreateLessonRequest(
        tenant_id=c.tenant, module_id=gifts.module_id, title="Tickets",
        completion_rule=cat.LESSON_COMPLETION_RULE_COMPLETE_ALL_STEPS,
        interactive=cat.InteractiveContent(entry_step_id="start", steps=[
            cat.ScenarioStep(step_id="start", prompt="A supplier offers you tickets during a tender.", choices=[
                cat.BranchChoice(choice_key="accept", text="Accept", next_step_id="end"),
                cat.BranchChoice(choice_key="decline", text="Decline and report", next_step_id="end", correct=True)]),
            cat.ScenarioStep(step_id="end", prompt="Done.")])), metadata=catalog.md).lesson
    video = catalog.video_lesson(negotiation.module_id)
    single = cat.QuizQuestion(prompt="Disclose?", multiple_choice=cat.MultipleChoice(
        options=[cat.Option(key="a", text="Yes"), cat.Option(key="b", text="No")], correct_keys=["a"]))
    q0 = catalog.quiz(gifts.module_id, questions=[single, cat.QuizQuestion(
        prompt="Explain a conflict of interest.", free_text=cat.FreeText(rubric=RUBRIC))])
    q1 = catalog.quiz(negotiation.module_id, questions=[single])
    version = catalog.publish(course.course_id).published_version
    refresher = catalog.course("Ethics refresher", metadata={"topic_areas": "ethics, negotiation"})
    refresher_module = catalog.module(refresher.course_id)
    catalog.video_lesson(refresher_module.module_id)
    catalog.publish(refresher.course_id)
    item = f"{scenario.lesson_id}/start"
    return {
        "course_id": course.course_id, "version": version, "scenario": scenario.lesson_id, "video": video.lesson_id,
        "refresher": refresher.course_id,
        "right": {item: {"selected_option": "decline"}, q0.questions[0].question_id: {"selected_option": "a"},
                  q0.questions[1].question_id: {"free_text_response": GOOD_TEXT},
                  q1.questions[0].question_id: {"selected_option": "a"}},
        "wrong": {item: {"selected_option": "accept"}, q0.questions[0].question_id: {"selected_option": "b"},
                  q0.questions[1].question_id: {"free_text_response": "No idea."},
                  q1.questions[0].question_id: {"selected_option": "b"}},
    }


def take_the_training(c: Clients, course: dict) -> ares.TrainingSession:
    """Lessons recorded by the learner's portal, then a session failed once and passed at the second attempt."""
    ref = common_pb2.CourseVersionRef(course_id=course["course_id"], version=course["version"])
    now = {"seconds": int(time.time()) - 5}
    c.progress.RecordProgressEvents(psvc.RecordProgressEventsRequest(tenant_id=c.tenant, events=[
        pres.ProgressEvent(event_id=str(uuid.uuid4()), user_id=c.learner, course=ref, item_kind=pres.ITEM_KIND_LESSON,
                           item_id=course["scenario"], kind=pres.EVENT_KIND_COMPLETED, occur_time=now),
        pres.ProgressEvent(event_id=str(uuid.uuid4()), user_id=c.learner, course=ref, item_kind=pres.ITEM_KIND_LESSON,
                           item_id=course["video"], kind=pres.EVENT_KIND_VIEWED, occur_time=now)]),
        metadata=c.learner_md)
    session = c.assessment.StartTrainingSession(asvc.StartTrainingSessionRequest(
        tenant_id=c.tenant, request_id=str(uuid.uuid4()), employee_id=c.learner, course=ref,
        policy=ares.TrainingPolicy(pass_threshold=0.7, max_attempts=3, role_profile_id="category-buyer",
                                   role_profile_version=2, app_version="2.1.0")), metadata=c.learner_md).session
    for attempt, answers in ((1, course["wrong"]), (2, course["right"])):
        for item_id, fields in answers.items():
            c.assessment.SubmitTrainingAnswer(asvc.SubmitTrainingAnswerRequest(
                tenant_id=c.tenant, session_id=session.session_id, item_id=item_id, attempt_number=attempt,
                **fields), metadata=c.learner_md)
        c.assessment.EvaluateTrainingSession(asvc.EvaluateTrainingSessionRequest(
            tenant_id=c.tenant, session_id=session.session_id, attempt_number=attempt), metadata=c.learner_md)
    return c.assessment.GetTrainingSession(asvc.GetTrainingSessionRequest(
        tenant_id=c.tenant, session_id=session.session_id), metadata=c.learner_md).session


def expected_body(session: ares.TrainingSession) -> dict:
    """Seed 002's evidence body, written out from the session as the assessment service shows it."""
    def item(i: ares.TrainingItem, id_key: str, text_key: str) -> dict:
        mc = i.answer_format == ares.ANSWER_FORMAT_MULTIPLE_CHOICE
        answer = {"score": i.answer.score, "submittedAt": format_millis(i.answer.submit_time)}
        if mc:
            answer["selectedOption"] = i.answer.selected_option
        else:
            answer["freeTextResponse"] = i.answer.free_text_response
            if i.answer.rationale:
                answer["llmRationale"] = i.answer.rationale
        body = {id_key: i.item_id, text_key: i.prompt, "responseType": "multiple-choice" if mc else "free-text",
                "employeeAnswer": answer}
        if mc:
            body["options"] = [{"key": o.key, "text": o.text} for o in i.options]
        return body

    last = session.attempts[-1]
    return {
        "session": {"sessionId": session.session_id, "employeeId": session.employee_id, "tenantId": session.tenant_id,
                    "attemptNumber": session.attempt_number, "totalAttempts": session.attempt_number,
                    "status": "passed", "createdAt": format_millis(session.create_time),
                    "completedAt": format_millis(session.completed_time)},
        "policyAttestation": {"configHash": session.config_hash, "roleProfileId": session.policy.role_profile_id,
                              "roleProfileVersion": session.policy.role_profile_version,
                              "appVersion": session.policy.app_version,
                              "passThreshold": session.policy.pass_threshold,
                              "maxAttempts": session.policy.max_attempts},
        "modules": [{"moduleIndex": m.module_index, "title": m.title, "topicArea": m.topic_area,
                     "moduleScore": m.module_score, "completedAt": format_millis(m.completed_time),
                     "scenarios": [item(i, "scenarioId", "narrative") for i in m.scenarios],
                     "quizQuestions": [item(i, "questionId", "questionText") for i in m.quiz_questions]}
                    for m in session.modules],
        "outcome": {"aggregateScore": last.aggregate_score, "passed": last.passed,
                    "passThreshold": session.policy.pass_threshold, "weakAreas": None,
                    "moduleScores": [{"moduleIndex": r.module_index, "title": r.title, "score": r.score}
                                     for r in last.module_results]},
    }


def check_the_outcome(c: Clients, course: dict, session: ares.TrainingSession) -> None:
    assert session.status == ares.TRAINING_SESSION_STATUS_PASSED and session.attempt_number == 2
    assert list(session.attempts[0].weak_areas) == ["ethics", "negotiation"]
    # evidence: one record, the body field by field, the hash recomputed here
    record = _eventually(lambda: _evidence_of(c, session.session_id)).training_evidence
    export = c.evidence.ExportTrainingEvidence(ev_pb.ExportTrainingEvidenceRequest(
        tenant_id=c.tenant, evidence_id=record.evidence_id), metadata=c.auditor_md)
    expected = expected_body(session)
    assert json.loads(export.canonical_json) == expected
    assert hashlib.sha256(rfc8785.dumps(expected)).hexdigest() == record.content_hash == export.content_hash
    assert hashlib.sha256(export.canonical_json).hexdigest() == record.content_hash
    listed = c.evidence.ListTrainingEvidence(ev_pb.ListTrainingEvidenceRequest(tenant_id=c.tenant),
                                             metadata=c.auditor_md).training_evidence
    assert [e.session_id for e in listed] == [session.session_id]
    # progress: the course passed, a certificate issued once that verifies offline
    ref = common_pb2.CourseVersionRef(course_id=course["course_id"], version=course["version"])
    passed = _eventually(lambda: c.progress.GetCourseProgress(psvc.GetCourseProgressRequest(
        tenant_id=c.tenant, user_id=c.learner, course=ref), metadata=c.auditor_md).progress.state
        == pres.PROGRESS_STATE_PASSED)
    assert passed
    certificates = _eventually(lambda: list(c.evidence.ListCertificates(ev_pb.ListCertificatesRequest(
        tenant_id=c.tenant, recipient_id=c.learner), metadata=c.auditor_md).certificates))
    assert len(certificates) == 1
    certificate = certificates[0]
    keys = {k.key_id: k.public_key_pem for k in c.evidence.GetSigningKeys(ev_pb.GetSigningKeysRequest(
        tenant_id=c.tenant), metadata=c.auditor_md).signing_keys}
    load_pem_public_key(keys[certificate.signing_key_id].encode()).verify(certificate.signature,
                                                                          certificate.canonical_payload)
    assert json.loads(certificate.canonical_payload)["course"] == {"courseId": course["course_id"],
                                                                   "version": course["version"]}
    # the first attempt's weak areas: gaps, and a recommendation of the refresher course
    gaps = _eventually(lambda: list(c.progress.ListKnowledgeGaps(psvc.ListKnowledgeGapsRequest(
        tenant_id=c.tenant, user_id=c.learner), metadata=c.auditor_md).gaps))
    assert sorted(g.topic_area for g in gaps) == ["ethics", "negotiation"]
    assert {g.source.id for g in gaps} == {session.session_id}
    recommendations = _eventually(lambda: list(c.progress.ListRecommendations(psvc.ListRecommendationsRequest(
        tenant_id=c.tenant, user_id=c.learner), metadata=c.auditor_md).recommendations))
    assert {r.course_id for r in recommendations} == {course["refresher"]}
    # the audit log: every event once, and both chains verify
    expected_events = Counter({("course.published", "catalog"): 2, ("quiz.scored", "assessment"): 2,
                               ("certificate.issued", "evidence"): 1})
    _eventually(lambda: _audit_counts(c) >= expected_events)
    time.sleep(1)  # a duplicate would have been delivered by now (relays poll every 0.1 s)
    counts = _audit_counts(c)
    assert all(counts[key] == n for key, n in expected_events.items()), counts
    assert all(n == 1 for (action, _), n in _audit_subject_counts(c).items()), "an event was recorded twice"
    assert c.audit.VerifyAuditLog(audit_pb.VerifyAuditLogRequest(tenant_id=c.tenant), metadata=c.auditor_md).valid
    chain = c.evidence.VerifyEvidenceChain(ev_pb.VerifyEvidenceChainRequest(tenant_id=c.tenant),
                                           metadata=c.auditor_md)
    assert chain.valid and chain.records_checked == 1


def _evidence_of(c: Clients, session_id: str):
    try:
        return c.evidence.GetTrainingEvidenceBySession(ev_pb.GetTrainingEvidenceBySessionRequest(
            tenant_id=c.tenant, session_id=session_id), metadata=c.auditor_md)
    except grpc.RpcError as error:
        if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.UNAVAILABLE):
            return None
        raise


def _audit_events(c: Clients) -> list:
    events, token = [], ""
    while True:
        page = c.audit.ListAuditEvents(audit_pb.ListAuditEventsRequest(tenant_id=c.tenant, page_size=500,
                                                                       page_token=token), metadata=c.auditor_md)
        events += page.events
        token = page.next_page_token
        if not token:
            return events


def _audit_counts(c: Clients) -> Counter:
    return Counter((e.action, e.source_service) for e in _audit_events(c))


def _audit_subject_counts(c: Clients) -> Counter:
    return Counter((e.action, e.subject_id + str(dict(e.payload).get("attempt_number", ""))) for e in _audit_events(c))


def test_the_whole_journey(system, tokens, tenant):
    with ExitStack() as stack:
        c = Clients(system, tokens, tenant, stack)
        course = publish_course(c)
        session = take_the_training(c, course)
        check_the_outcome(c, course, session)


def test_the_journey_with_audit_and_evidence_down(system, tokens, tenant):
    with ExitStack() as stack:
        c = Clients(system, tokens, tenant, stack)
        course = publish_course(c)
        system["audit"].stop()
        system["evidence"].stop()
        try:
            session = take_the_training(c, course)
            time.sleep(1)  # the relays try, fail and keep everything queued
        finally:
            system["evidence"].start()
            system["audit"].start()
        check_the_outcome(c, course, session)


def test_quizzes_reviews_and_maturity_reach_progress_and_audit(system, tokens, tenant):
    """The other assessments through the outboxes: a passed quiz attempt and an approved exercise show in the
    learner's progress, a maturity assessment in the organization's profile and its weak dimension as an
    organization gap; the audit log holds each of their events once."""
    from tests.assessment.conftest import GOOD_FREE_TEXT, Assessment
    from tests.assessment.conftest import publish_course as publish_assessed_course
    from tests.assessment.test_maturity import MIXED, responses, rubric_content

    with ExitStack() as stack:
        c = Clients(system, tokens, tenant, stack)
        course = publish_assessed_course(c.catalog)
        a = Assessment(c.assessment, tokens, tenant)
        attempt = c.assessment.StartQuizAttempt(asvc.StartQuizAttemptRequest(
            tenant_id=tenant, user_id=a.learner, course=course.ref, quiz_id=course.quiz_ids[0]),
            metadata=a.learner_md).attempt
        for question_id, answer in ((course.single_choice[0], {"selected_options": ["a"]}),
                                    (course.free_text, {"free_text_response": GOOD_FREE_TEXT})):
            c.assessment.AnswerQuizQuestion(asvc.AnswerQuizQuestionRequest(
                tenant_id=tenant, attempt_id=attempt.attempt_id, question_id=question_id, **answer),
                metadata=a.learner_md)
        scored = c.assessment.SubmitQuizAttempt(asvc.SubmitQuizAttemptRequest(
            tenant_id=tenant, attempt_id=attempt.attempt_id), metadata=a.learner_md).attempt
        assert scored.status == ares.QUIZ_ATTEMPT_STATUS_PASSED
        submission = c.assessment.SubmitExercise(asvc.SubmitExerciseRequest(
            tenant_id=tenant, user_id=a.learner, course=course.ref, exercise_id=course.exercise_id,
            text="An RFP with scope, criteria and a timeline.", attachments=[ares.EvidenceAttachment(
                uri="https://files.example.com/rfp.pdf", media_type="application/pdf", sha256="a" * 64)]),
            metadata=a.learner_md).submission
        for _ in range(2):
            c.assessment.ReviewSubmission(asvc.ReviewSubmissionRequest(
                tenant_id=tenant, submission_id=submission.submission_id, decision=ares.REVIEW_DECISION_APPROVED),
                metadata=a.mentor_md()[1])
        rubric = c.assessment.CreateMaturityRubric(asvc.CreateMaturityRubricRequest(
            tenant_id=tenant, rubric=rubric_content()), metadata=a.author_md).rubric
        c.assessment.PublishMaturityRubric(asvc.PublishMaturityRubricRequest(
            tenant_id=tenant, rubric_id=rubric.rubric_id, version=rubric.version), metadata=a.author_md)
        assessed = c.assessment.SubmitMaturityAssessment(asvc.SubmitMaturityAssessmentRequest(
            tenant_id=tenant, rubric_id=rubric.rubric_id, rubric_version=rubric.version,
            responses=responses(MIXED)), metadata=a.admin_md).assessment
        assert assessed.maturity_level == 2

        def items():
            progress = c.progress.GetCourseProgress(psvc.GetCourseProgressRequest(
                tenant_id=tenant, user_id=a.learner, course=course.ref), metadata=c.auditor_md).progress
            done = {i.item_id: i.state for i in progress.items}
            return done if done.get(course.quiz_ids[0]) == pres.PROGRESS_STATE_PASSED \
                and done.get(course.exercise_id) == pres.PROGRESS_STATE_PASSED else None

        assert _eventually(items), "the quiz pass and the exercise approval never reached progress"
        profile = _eventually(lambda: (p := c.progress.GetOrganizationLearningProfile(
            psvc.GetOrganizationLearningProfileRequest(tenant_id=tenant), metadata=c.auditor_md).profile)
            .maturity_level and p)
        assert profile.maturity_level == 2 and profile.maturity_assessment.id == assessed.assessment_id
        gaps = _eventually(lambda: list(c.progress.ListKnowledgeGaps(psvc.ListKnowledgeGapsRequest(
            tenant_id=tenant, organization_only=True), metadata=c.auditor_md).gaps))
        assert sorted(g.topic_area for g in gaps) == ["contract management", "supplier risk"]
        expected = Counter({("quiz.scored", "assessment"): 1, ("exercise.reviewed", "assessment"): 2,
                            ("maturity_rubric.published", "assessment"): 1,
                            ("maturity_assessment.scored", "assessment"): 1})
        _eventually(lambda: _audit_counts(c) >= expected)
        time.sleep(1)  # a duplicate would have been delivered by now
        counts = _audit_counts(c)
        assert all(counts[key] == n for key, n in expected.items()), counts
        assert c.audit.VerifyAuditLog(audit_pb.VerifyAuditLogRequest(tenant_id=tenant), metadata=c.auditor_md).valid


def test_one_trace_follows_an_evaluated_session_to_evidence_progress_and_audit(system, tokens, tenant):
    """The client's W3C traceparent on EvaluateTrainingSession travels through three outboxes: assessment ->
    evidence (the evidence record), progress (the result) and audit; progress -> evidence (the certificate the
    passed course earns); evidence -> audit (certificate.issued). Every one of those calls is served in the
    client's trace: the JSON log line of each, in each process, carries its trace id."""
    trace_id = uuid.uuid4().hex
    traceparent = f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"
    with ExitStack() as stack:
        c = Clients(system, tokens, tenant, stack)
        course = publish_course(c)
        ref = common_pb2.CourseVersionRef(course_id=course["course_id"], version=course["version"])
        c.progress.RecordProgressEvents(psvc.RecordProgressEventsRequest(tenant_id=c.tenant, events=[
            pres.ProgressEvent(event_id=str(uuid.uuid4()), user_id=c.learner, course=ref,
                               item_kind=pres.ITEM_KIND_LESSON, item_id=lesson, kind=kind,
                               occur_time={"seconds": int(time.time()) - 5})
            for lesson, kind in ((course["scenario"], pres.EVENT_KIND_COMPLETED),
                                 (course["video"], pres.EVENT_KIND_VIEWED))]), metadata=c.learner_md)
        session = c.assessment.StartTrainingSession(asvc.StartTrainingSessionRequest(
            tenant_id=c.tenant, request_id=str(uuid.uuid4()), employee_id=c.learner, course=ref,
            policy=ares.TrainingPolicy(pass_threshold=0.7, max_attempts=3, role_profile_id="category-buyer",
                                       role_profile_version=2, app_version="2.1.0")), metadata=c.learner_md).session
        for item_id, fields in course["right"].items():
            c.assessment.SubmitTrainingAnswer(asvc.SubmitTrainingAnswerRequest(
                tenant_id=c.tenant, session_id=session.session_id, item_id=item_id, attempt_number=1, **fields),
                metadata=c.learner_md)
        evaluated = c.assessment.EvaluateTrainingSession(asvc.EvaluateTrainingSessionRequest(
            tenant_id=c.tenant, session_id=session.session_id, attempt_number=1),
            metadata=(*c.learner_md, ("traceparent", traceparent))).session
        assert evaluated.status == ares.TRAINING_SESSION_STATUS_PASSED
    served = {("assessment", "EvaluateTrainingSession"), ("evidence", "RecordTrainingEvidence"),
              ("progress", "RecordProgressEvents"), ("audit", "RecordEvents"), ("evidence", "IssueCertificate")}

    def in_the_trace():
        seen = {(name, line["method"].rsplit("/", 1)[1]) for name in {n for n, _ in served}
                for line in system[name].logs()
                if line.get("message") == "rpc" and line.get("trace_id") == trace_id and line.get("code") == "OK"}
        return served <= seen or None

    assert _eventually(in_the_trace), f"calls served in trace {trace_id}: missing some of {served}"
