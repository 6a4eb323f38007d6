"""Hostile input found from outside (issue "shared request path", part 2), fixed once in shared/ and
checked here against the real services: every answer stays small, typed and INVALID_ARGUMENT-shaped."""

from __future__ import annotations

import base64
import uuid

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from learning.assessment.v1 import assessment_service_pb2 as assessment_pb
from learning.audit.v1 import audit_service_pb2 as audit_pb
from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as catalog_pb
from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_service_pb2 as evidence_pb
from learning.progress.v1 import progress_service_pb2 as progress_pb
from tests.audit.conftest import make_event
from tests.evidence import builders
from tests.support.rpc import field_violations, status_details

DEFAULT_CLIENT_METADATA_LIMIT = 8 * 1024
DEFAULT_CLIENT_MESSAGE_LIMIT = 4 * 1024 * 1024
NESTED_JSON_TOKEN = base64.urlsafe_b64encode(b"[" * 50_000 + b"]" * 50_000).decode().rstrip("=")


def _invalid(call, request, metadata) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, metadata=metadata)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    return caught.value


def _trailer_bytes(error: grpc.RpcError) -> int:
    return sum(len(value) for key, value in error.trailing_metadata() or () if key == "grpc-status-details-bin")


def test_a_deeply_nested_page_token_is_invalid_on_every_list(catalog_stub, evidence_stub, audit_stub, progress_stub,
                                                             assessment_stub, tokens, tenant):
    md = tokens.metadata(tenant, ["admin", "auditor"], subject=str(uuid.uuid4()))
    course_id = str(uuid.uuid4())
    lists = [
        (catalog_stub.ListCourses, catalog_pb.ListCoursesRequest(tenant_id=tenant)),
        (catalog_stub.ListLearningPaths, catalog_pb.ListLearningPathsRequest(tenant_id=tenant)),
        (catalog_stub.ListCourseVersions, catalog_pb.ListCourseVersionsRequest(tenant_id=tenant, course_id=course_id)),
        (evidence_stub.ListTrainingEvidence, evidence_pb.ListTrainingEvidenceRequest(tenant_id=tenant)),
        (evidence_stub.ListCertificates, evidence_pb.ListCertificatesRequest(tenant_id=tenant)),
        (evidence_stub.ListEvidenceCheckpoints, evidence_pb.ListEvidenceCheckpointsRequest(tenant_id=tenant)),
        (audit_stub.ListAuditEvents, audit_pb.ListAuditEventsRequest(tenant_id=tenant)),
        (progress_stub.ListUserProgress, progress_pb.ListUserProgressRequest(tenant_id=tenant)),
        (progress_stub.ListTutorSessions, progress_pb.ListTutorSessionsRequest(tenant_id=tenant)),
        (progress_stub.ListKnowledgeGaps, progress_pb.ListKnowledgeGapsRequest(tenant_id=tenant)),
        (progress_stub.ListRecommendations, progress_pb.ListRecommendationsRequest(tenant_id=tenant)),
        (assessment_stub.ListTrainingSessions, assessment_pb.ListTrainingSessionsRequest(tenant_id=tenant)),
        (assessment_stub.ListQuizAttempts, assessment_pb.ListQuizAttemptsRequest(tenant_id=tenant)),
        (assessment_stub.ListExerciseSubmissions, assessment_pb.ListExerciseSubmissionsRequest(tenant_id=tenant)),
        (assessment_stub.ListMaturityRubrics, assessment_pb.ListMaturityRubricsRequest(tenant_id=tenant)),
        (assessment_stub.ListMaturityAssessments, assessment_pb.ListMaturityAssessmentsRequest(tenant_id=tenant)),
    ]
    for call, request in lists:
        request.page_token = NESTED_JSON_TOKEN
        error = _invalid(call, request, md)
        assert "page_token" in field_violations(error), (call, field_violations(error))


def test_error_details_stay_under_the_default_client_limit(catalog_stub, author_md, tenant):
    course = catalog_stub.CreateCourse(catalog_pb.CreateCourseRequest(tenant_id=tenant, title="C"),
                                       metadata=author_md).course
    module = catalog_stub.CreateModule(catalog_pb.CreateModuleRequest(tenant_id=tenant, course_id=course.course_id,
                                                                      title="M"), metadata=author_md).module
    request = catalog_pb.CreateQuizRequest(
        tenant_id=tenant, module_id=module.module_id, title="Quiz", pass_threshold=0.8, max_attempts=3,
        scoring_policy=res.QUIZ_SCORING_POLICY_HIGHEST_ATTEMPT,
        questions=[res.QuizQuestion(prompt="") for _ in range(100)])  # 200 violations
    error = _invalid(catalog_stub.CreateQuiz, request, author_md)
    status = rpc_status.from_call(error)
    bad_request = error_details_pb2.BadRequest()
    info = error_details_pb2.ErrorInfo()
    for detail in status.details:
        detail.Unpack(bad_request) if detail.Is(bad_request.DESCRIPTOR) else detail.Unpack(info)
    assert len(bad_request.field_violations) == 50
    assert int(info.metadata["violation_count"]) == 200
    assert _trailer_bytes(error) < DEFAULT_CLIENT_METADATA_LIMIT


def test_an_oversized_audit_batch_is_refused_whole_with_one_violation(audit_stub, all_tenants_service_md):
    request = audit_pb.RecordEventsRequest(events=[audit_pb.AuditEvent() for _ in range(50_000)])
    error = _invalid(audit_stub.RecordEvents, request, all_tenants_service_md)
    assert list(field_violations(error)) == ["events"]
    assert _trailer_bytes(error) < DEFAULT_CLIENT_METADATA_LIMIT


def test_oversized_headers_and_tokens_are_refused_before_authentication(catalog_stub, tenant):
    request = catalog_pb.ListCoursesRequest(tenant_id=tenant)
    with pytest.raises(grpc.RpcError) as caught:  # 1 MiB header: refused by the transport
        catalog_stub.ListCourses(request, metadata=(("x-padding", "a" * 1024 * 1024),))
    assert caught.value.code() in (grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.INTERNAL,
                                   grpc.StatusCode.UNAVAILABLE), caught.value
    with pytest.raises(grpc.RpcError) as caught:  # a 10 kB "token": never decoded
        catalog_stub.ListCourses(request, metadata=(("authorization", "Bearer " + "a" * 10_000),))
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "at most" in caught.value.details()


def test_names_are_matched_whole(audit_stub, all_tenants_service_md, tenant):
    error = _invalid(audit_stub.RecordEvents, audit_pb.RecordEventsRequest(
        events=[make_event(tenant, action="course.published\n")]), all_tenants_service_md)
    assert "events[0].action" in field_violations(error)
    error = _invalid(audit_stub.RecordEvents, audit_pb.RecordEventsRequest(
        events=[make_event(tenant, source_service="catalog\n")]), all_tenants_service_md)
    assert "events[0].source_service" in field_violations(error)


def test_nul_is_refused_in_evidence_as_everywhere(evidence_stub, service_md, tenant):
    request = builders.request(tenant)
    request.evidence.modules[0].title = "Supplier\x00risk"
    request.evidence.outcome.module_scores[0].title = "Supplier\x00risk"
    error = _invalid(evidence_stub.RecordTrainingEvidence, request, service_md)
    assert field_violations(error)["evidence.modules[0].title"] == "must not contain NUL characters"


def test_recorded_times_follow_one_rule(evidence_stub, admin_md, tenant):
    request = evidence_pb.IssueCertificateRequest(
        tenant_id=tenant, request_id=str(uuid.uuid4()), recipient_id=str(uuid.uuid4()),
        course=common_pb2.CourseVersionRef(course_id=str(uuid.uuid4()), version=1),
        issue_time=Timestamp(seconds=-62135596800))  # year 1: the audit log would refuse its events for ever
    error = _invalid(evidence_stub.IssueCertificate, request, admin_md)
    assert field_violations(error)["issue_time"] == "must be after 1970-01-02"


def test_evidence_is_refused_when_a_read_could_not_return_it(evidence_stub, service_md, tenant):
    request = builders.request(tenant, modules=1, questions=1)
    question = request.evidence.modules[0].quiz_questions[0]
    # Within every per-field limit, but 200 x 10,000 control characters canonicalize to ~12 MB of JSON.
    for _ in range(199):
        extra = request.evidence.modules[0].quiz_questions.add()
        extra.CopyFrom(question)
        extra.question_id = str(uuid.uuid4())
    for item in request.evidence.modules[0].quiz_questions:
        item.question_text = "\x01" * 10_000
    error = _invalid(evidence_stub.RecordTrainingEvidence, request, service_md)
    assert "evidence" in field_violations(error)


def test_list_pages_stop_before_a_default_client_limit(audit_stub, all_tenants_service_md, auditor_md, tenant):
    big = {"blob": "x" * 60_000}
    for _ in range(3):
        audit_stub.RecordEvents(audit_pb.RecordEventsRequest(
            events=[make_event(tenant, payload=big) for _ in range(40)]), metadata=all_tenants_service_md)
    seen, token, pages = 0, "", 0
    while True:
        response = audit_stub.ListAuditEvents(audit_pb.ListAuditEventsRequest(
            tenant_id=tenant, page_size=500, page_token=token), metadata=auditor_md)
        assert response.ByteSize() < DEFAULT_CLIENT_MESSAGE_LIMIT
        seen, token, pages = seen + len(response.events), response.next_page_token, pages + 1
        if not token:
            break
    assert seen == 120 and pages >= 3


def _raw_http2_call(address: str, authorization: bytes) -> list[tuple[bytes, bytes]]:
    """One GetCourse over raw HTTP/2 with `authorization` as sent (grpc clients refuse non-ASCII values)."""
    import socket

    import h2.config
    import h2.connection
    import h2.events

    host, port = address.rsplit(":", 1)
    connection = h2.connection.H2Connection(h2.config.H2Configuration(
        client_side=True, header_encoding=None, validate_outbound_headers=False, normalize_outbound_headers=False))
    connection.initiate_connection()
    stream = connection.get_next_available_stream_id()
    connection.send_headers(stream, [(b":method", b"POST"), (b":scheme", b"http"),
                                     (b":path", b"/learning.catalog.v1.CatalogService/GetCourse"),
                                     (b":authority", address.encode()), (b"content-type", b"application/grpc"),
                                     (b"te", b"trailers"), (b"authorization", authorization)])
    connection.send_data(stream, b"\x00\x00\x00\x00\x00", end_stream=True)  # an empty GetCourseRequest
    headers: list[tuple[bytes, bytes]] = []
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(connection.data_to_send())
        while True:
            data = sock.recv(65535)
            if not data:
                break
            events = connection.receive_data(data)
            sock.sendall(connection.data_to_send())
            headers += [h for e in events if isinstance(e, (h2.events.ResponseReceived, h2.events.TrailersReceived))
                        for h in e.headers]
            if any(isinstance(e, h2.events.StreamEnded) for e in events):
                break
    return headers


def test_no_log_line_carries_a_credential(catalog_db, tokens, tenant):
    """gRPC's Cython layer logs an undecodable header whole; our log formatter redacts it."""
    from tests.support.processes import ServiceProcess, service_env

    token = tokens.token(tenant, ["learner"])
    secret = token.split(".")[2]  # the signature: the part that must never leave the process
    env = service_env("catalog", catalog_db, tokens, LOG_LEVEL="INFO")
    with ServiceProcess.service("catalog", env) as catalog:
        catalog.start()
        headers = _raw_http2_call(catalog.address, b"Bearer " + token.encode() + b"\xe9")
        assert (b"grpc-status", b"16") in headers  # UNAUTHENTICATED, the call itself is answered
        catalog.stop()
        logs = catalog.stderr_tail(10_000)
    assert "Invalid encoding" in logs and "[redacted]" in logs  # the line gRPC wrote is still there
    assert secret not in logs and token.split(".")[0] not in logs


def _big_scenario(steps: int) -> res.InteractiveContent:
    """A scenario of `steps` steps with 5,000-character prompts, chained, the last one terminal."""
    return res.InteractiveContent(entry_step_id="s0", steps=[
        res.ScenarioStep(step_id=f"s{i}", prompt=f"{i} " + "x" * 4990,
                         choices=[res.BranchChoice(choice_key="next", text="Next", next_step_id=f"s{i + 1}")]
                         if i + 1 < steps else [])
        for i in range(steps)])


def test_no_course_version_grows_past_what_get_course_version_can_return(catalog_stub, author_md, tenant):
    """Each lesson is valid on its own (200 steps of 5,000 characters, ~1 MB); the version refuses the
    one that would make GetCourseVersion exceed a default client's 4 MiB."""
    course = catalog_stub.CreateCourse(catalog_pb.CreateCourseRequest(tenant_id=tenant, title="Big"),
                                       metadata=author_md).course
    module = catalog_stub.CreateModule(catalog_pb.CreateModuleRequest(tenant_id=tenant, course_id=course.course_id,
                                                                      title="M"), metadata=author_md).module
    accepted = 0
    for index in range(5):
        request = catalog_pb.CreateLessonRequest(tenant_id=tenant, module_id=module.module_id, title=f"L{index}",
                                                 interactive=_big_scenario(200))
        try:
            catalog_stub.CreateLesson(request, metadata=author_md, timeout=60)
            accepted += 1
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
            failure = [d for d in status_details(error) if isinstance(d, error_details_pb2.PreconditionFailure)][0]
            assert failure.violations[0].type == "VERSION_TOO_LARGE"
            break
    assert accepted == 3  # the fourth ~1 MB lesson did not fit the 3 MiB budget
    version = catalog_stub.GetCourseVersion(catalog_pb.GetCourseVersionRequest(
        tenant_id=tenant, course_id=course.course_id, version=1), metadata=author_md, timeout=60)
    assert len(version.course_version.modules[0].lessons) == 3  # nothing of the refused lesson was written
    assert version.ByteSize() < DEFAULT_CLIENT_MESSAGE_LIMIT
