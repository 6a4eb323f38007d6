"""Authentication (bearer JWT), roles and tenant isolation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

import grpc
import jwt
import pytest

from learning.catalog.v1 import catalog_service_pb2 as svc
from shared.auth import TokenMinter
from tests.catalog.conftest import quiz_request
from tests.conftest import AUDIENCE, ISSUER
from tests.support.rpc import error_reason


def bearer(token: str):
    return (("authorization", f"Bearer {token}"),)


def claims(tenant: str, **overrides) -> dict:
    now = int(time.time())
    values = {"sub": "user-1", "tenant_id": tenant, "roles": ["author"], "iss": ISSUER, "aud": AUDIENCE,
              "iat": now, "exp": now + 600}
    values.update(overrides)
    return values


def hs256_with_public_key(payload: dict, public_pem: str) -> str:
    """The classic key-confusion forgery (PyJWT refuses to build it, so it is built by hand)."""
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(payload).encode())
    signature = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)


def bad_credentials(tokens, tenant):
    wrong_audience = TokenMinter(tokens.private_pem, issuer=ISSUER, audience="someone-else")
    wrong_issuer = TokenMinter(tokens.private_pem, issuer="evil", audience=AUDIENCE)
    from shared.auth import generate_keypair

    foreign_key = TokenMinter(generate_keypair()[0], issuer=ISSUER, audience=AUDIENCE)
    return {
        "no token": (),
        "garbage": bearer("garbage"),
        "not bearer": (("authorization", "Basic dXNlcjpwdw=="),),
        "expired": bearer(tokens.token(tenant, ["author"], ttl=-120)),
        "alg none": bearer(jwt.encode(claims(tenant), None, algorithm="none")),
        "hmac with public key": bearer(hs256_with_public_key(claims(tenant), tokens.public_pem)),
        "wrong audience": bearer(wrong_audience.mint(subject="u", tenant_id=tenant, roles=["author"])),
        "wrong issuer": bearer(wrong_issuer.mint(subject="u", tenant_id=tenant, roles=["author"])),
        "foreign signing key": bearer(foreign_key.mint(subject="u", tenant_id=tenant, roles=["author"])),
    }


@pytest.mark.parametrize("case", ["no token", "garbage", "not bearer", "expired", "alg none",
                                  "hmac with public key", "wrong audience", "wrong issuer", "foreign signing key"])
def test_bad_credentials_are_unauthenticated(catalog_stub, tokens, tenant, catalog_owner_sql, case):
    metadata = bad_credentials(tokens, tenant)[case]
    with pytest.raises(grpc.RpcError) as caught:
        catalog_stub.CreateCourse(svc.CreateCourseRequest(tenant_id=tenant, title="x"), metadata=metadata)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(caught.value) == "ERROR_REASON_UNAUTHENTICATED"
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM learning_courses WHERE tenant_id = %s", (tenant,)).fetchall() == [(0,)]


def test_unauthenticated_comes_before_validation(catalog_stub):
    with pytest.raises(grpc.RpcError) as caught:
        catalog_stub.GetCourse(svc.GetCourseRequest(tenant_id="", course_id="not-a-uuid"))
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_learner_cannot_author_but_can_read(catalog, tokens, catalog_owner_sql):
    course = catalog.published_course()
    learner = tokens.metadata(catalog.tenant, ["learner"])
    attempts = [
        (catalog.stub.CreateCourse, svc.CreateCourseRequest(tenant_id=catalog.tenant, title="x")),
        (catalog.stub.UpdateCourse, svc.UpdateCourseRequest(tenant_id=catalog.tenant)),
        (catalog.stub.PublishCourse, svc.PublishCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id)),
        (catalog.stub.ArchiveCourse, svc.ArchiveCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id)),
        (catalog.stub.CreateModule, svc.CreateModuleRequest(tenant_id=catalog.tenant, course_id=course.course_id,
                                                            title="x")),
        (catalog.stub.CreateLesson, svc.CreateLessonRequest(tenant_id=catalog.tenant)),
        (catalog.stub.CreateQuiz, svc.CreateQuizRequest(tenant_id=catalog.tenant)),
        (catalog.stub.CreatePracticalExercise, svc.CreatePracticalExerciseRequest(tenant_id=catalog.tenant)),
        (catalog.stub.CreateLearningPath, svc.CreateLearningPathRequest(tenant_id=catalog.tenant, title="x")),
        (catalog.stub.PublishLearningPath, svc.PublishLearningPathRequest(tenant_id=catalog.tenant)),
    ]
    for call, request in attempts:
        with pytest.raises(grpc.RpcError) as caught:
            call(request, metadata=learner)
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED, call
        assert error_reason(caught.value) == "ERROR_REASON_PERMISSION_DENIED"
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM learning_courses WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [(1,)]
    assert catalog.stub.GetCourse(svc.GetCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id),
                                  metadata=learner).course.course_id == course.course_id
    listed = catalog.stub.ListCourses(svc.ListCoursesRequest(tenant_id=catalog.tenant), metadata=learner)
    assert [c.course_id for c in listed.courses] == [course.course_id]


def test_roles_outside_the_contract_cannot_read(catalog, tokens):
    course = catalog.course()
    with pytest.raises(grpc.RpcError) as caught:
        catalog.stub.GetCourse(svc.GetCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id),
                               metadata=tokens.metadata(catalog.tenant, []))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_answer_keys_are_hidden_from_learners(catalog, tokens):
    course = catalog.course()
    module = catalog.module(course.course_id)
    catalog.quiz(module.module_id)
    catalog.publish(course.course_id)
    learner_view = catalog.version(course.course_id, 1, metadata=tokens.metadata(catalog.tenant, ["learner"]))
    author_view = catalog.version(course.course_id, 1)
    service_view = catalog.version(course.course_id, 1, metadata=tokens.metadata("*", ["service"], "progress"))
    learner_questions = learner_view.modules[0].quizzes[0].questions
    assert list(learner_questions[0].multiple_choice.correct_keys) == []
    assert [o.key for o in learner_questions[0].multiple_choice.options] == ["a", "b", "c"]
    assert learner_questions[1].free_text.rubric == ""
    assert learner_questions[1].free_text.max_length == 4000
    for view in (author_view, service_view):
        questions = view.modules[0].quizzes[0].questions
        assert list(questions[0].multiple_choice.correct_keys) == ["a", "c"]
        assert questions[1].free_text.rubric == "Mentions personal gain and disclosure"
    assert b"Mentions personal gain" not in learner_view.SerializeToString()


def test_other_tenant_gets_permission_denied_or_not_found(catalog, catalog_stub, tokens, catalog_owner_sql):
    course = catalog.published_course()
    module_id = catalog.version(course.course_id).modules[0].module_id
    other_tenant = f"t-{uuid.uuid4().hex[:12]}"
    intruder = tokens.metadata(other_tenant, ["author", "admin"])
    # Naming the victim's tenant: refused before any lookup.
    with pytest.raises(grpc.RpcError) as caught:
        catalog_stub.GetCourse(svc.GetCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id),
                               metadata=intruder)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as missing:
        catalog_stub.GetCourse(svc.GetCourseRequest(tenant_id=catalog.tenant, course_id=str(uuid.uuid4())),
                               metadata=intruder)
    assert missing.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert missing.value.details() == caught.value.details()  # existence is not revealed
    # Using the victim's ids inside its own tenant: simply not found.
    own = other_tenant
    calls = [
        (catalog_stub.GetCourse, svc.GetCourseRequest(tenant_id=own, course_id=course.course_id)),
        (catalog_stub.GetCourseVersion,
         svc.GetCourseVersionRequest(tenant_id=own, course_id=course.course_id, version=1)),
        (catalog_stub.ListCourseVersions, svc.ListCourseVersionsRequest(tenant_id=own, course_id=course.course_id)),
        (catalog_stub.UpdateCourse, svc.UpdateCourseRequest(tenant_id=own,
                                                            course={"course_id": course.course_id, "title": "x"},
                                                            update_mask={"paths": ["title"]})),
        (catalog_stub.PublishCourse, svc.PublishCourseRequest(tenant_id=own, course_id=course.course_id)),
        (catalog_stub.ArchiveCourse, svc.ArchiveCourseRequest(tenant_id=own, course_id=course.course_id)),
        (catalog_stub.CreateModule, svc.CreateModuleRequest(tenant_id=own, course_id=course.course_id, title="x")),
        (catalog_stub.CreateQuiz, quiz_request(own, module_id)),
    ]
    for call, request in calls:
        with pytest.raises(grpc.RpcError) as caught:
            call(request, metadata=tokens.metadata(own, ["author"]))
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND, call
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM learning_courses WHERE tenant_id = %s", (own,)).fetchall() == [(0,)]
    assert catalog.get(course.course_id).etag == course.etag
    # The other tenant's lists never include the victim's rows.
    listed = catalog_stub.ListCourses(svc.ListCoursesRequest(tenant_id=own), metadata=tokens.metadata(own, ["learner"]))
    assert list(listed.courses) == []


def test_service_token_for_all_tenants_may_author(catalog, tokens):
    service = tokens.metadata("*", ["service"], subject="assessment")
    created = catalog.stub.CreateCourse(svc.CreateCourseRequest(tenant_id=catalog.tenant, title="by service"),
                                        metadata=service)
    assert created.course.tenant_id == catalog.tenant
    # "*" without the service role is not a wildcard.
    with pytest.raises(grpc.RpcError) as caught:
        catalog.stub.GetCourse(svc.GetCourseRequest(tenant_id=catalog.tenant, course_id=created.course.course_id),
                               metadata=tokens.metadata("*", ["admin"]))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize("role", ["reviewer", "auditor"])
def test_every_role_may_read_as_the_contract_says(catalog, tokens, role):
    # The reads are documented "Roles: any"; reviewers and auditors used to get PERMISSION_DENIED.
    course = catalog.published_course()
    path = catalog.stub.CreateLearningPath(svc.CreateLearningPathRequest(
        tenant_id=catalog.tenant, title="Path", owner_id=str(uuid.uuid4()),
        steps=[{"course": {"course_id": course.course_id, "version": 1}}]), metadata=catalog.md).learning_path
    md = tokens.metadata(catalog.tenant, [role])
    t, cid = catalog.tenant, course.course_id
    assert catalog.stub.GetCourse(svc.GetCourseRequest(tenant_id=t, course_id=cid), metadata=md).course.course_id == cid
    assert [c.course_id for c in catalog.stub.ListCourses(svc.ListCoursesRequest(tenant_id=t), metadata=md).courses] \
        == [cid]
    version = catalog.version(cid, 1, metadata=md)
    assert version.version == 1
    assert list(version.modules[0].lessons) and not version.modules[0].quizzes  # no answer keys to hide here
    assert [v.version for v in catalog.stub.ListCourseVersions(
        svc.ListCourseVersionsRequest(tenant_id=t, course_id=cid), metadata=md).course_versions] == [1]
    assert catalog.stub.GetLearningPath(svc.GetLearningPathRequest(tenant_id=t, learning_path_id=path.learning_path_id),
                                        metadata=md).learning_path.learning_path_id == path.learning_path_id
    paths = catalog.stub.ListLearningPaths(svc.ListLearningPathsRequest(tenant_id=t), metadata=md).learning_paths
    assert [p.learning_path_id for p in paths] == [path.learning_path_id]
    with pytest.raises(grpc.RpcError) as caught:  # reading is all they may do
        catalog.stub.CreateCourse(svc.CreateCourseRequest(tenant_id=t, title="x"), metadata=md)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
