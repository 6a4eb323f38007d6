"""request_id makes creates and publication safe to retry (AIP-155)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from learning.catalog.v1 import catalog_service_pb2 as svc
from tests.catalog.conftest import exercise_request, quiz_request
from tests.support.rpc import error_reason


def test_retry_returns_the_first_result(catalog, catalog_owner_sql):
    request = svc.CreateCourseRequest(tenant_id=catalog.tenant, request_id=str(uuid.uuid4()), title="Once")
    first = catalog.stub.CreateCourse(request, metadata=catalog.md)
    second = catalog.stub.CreateCourse(request, metadata=catalog.md)
    assert second == first
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM learning_courses WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [(1,)]


def test_retry_reports_the_current_state(catalog):
    request = svc.CreateCourseRequest(tenant_id=catalog.tenant, request_id=str(uuid.uuid4()), title="Once")
    first = catalog.stub.CreateCourse(request, metadata=catalog.md).course
    catalog.update(first.course_id, ["title"], title="Changed since")
    retried = catalog.stub.CreateCourse(request, metadata=catalog.md).course
    assert retried.course_id == first.course_id and retried.title == "Changed since"


def test_concurrent_duplicates_create_one_row(catalog, catalog_owner_sql):
    request = svc.CreateCourseRequest(tenant_id=catalog.tenant, request_id=str(uuid.uuid4()), title="Race")
    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(lambda _: catalog.stub.CreateCourse(request, metadata=catalog.md), range(10)))
    assert len({r.course.course_id for r in responses}) == 1
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM learning_courses WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [(1,)]
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM learning_course_versions WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [(1,)]


def test_reuse_with_a_different_request_is_already_exists(catalog, catalog_owner_sql):
    request_id = str(uuid.uuid4())
    catalog.stub.CreateCourse(svc.CreateCourseRequest(tenant_id=catalog.tenant, request_id=request_id, title="A"),
                              metadata=catalog.md)
    for call, request in [
        (catalog.stub.CreateCourse, svc.CreateCourseRequest(tenant_id=catalog.tenant, request_id=request_id, title="B")),
        (catalog.stub.CreateLearningPath, svc.CreateLearningPathRequest(tenant_id=catalog.tenant, request_id=request_id,
                                                                        title="A", owner_id=str(uuid.uuid4()))),
    ]:
        with pytest.raises(grpc.RpcError) as caught:
            call(request, metadata=catalog.md)
        assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
        assert error_reason(caught.value) == "ERROR_REASON_ALREADY_EXISTS"
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM learning_courses WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [(1,)]
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM learning_paths WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [(0,)]


def test_request_ids_are_scoped_per_tenant(catalog, catalog_stub, tokens):
    request_id = str(uuid.uuid4())
    other = f"t-{uuid.uuid4().hex[:12]}"
    mine = catalog.stub.CreateCourse(svc.CreateCourseRequest(tenant_id=catalog.tenant, request_id=request_id,
                                                             title="A"), metadata=catalog.md)
    theirs = catalog_stub.CreateCourse(svc.CreateCourseRequest(tenant_id=other, request_id=request_id, title="A"),
                               metadata=tokens.metadata(other, ["author"]))
    assert mine.course.course_id != theirs.course.course_id


def test_structure_creates_are_idempotent(catalog, catalog_owner_sql):
    course = catalog.course()
    module_request = svc.CreateModuleRequest(tenant_id=catalog.tenant, request_id=str(uuid.uuid4()),
                                             course_id=course.course_id, title="M")
    module = catalog.stub.CreateModule(module_request, metadata=catalog.md).module
    assert catalog.stub.CreateModule(module_request, metadata=catalog.md).module == module
    quiz = quiz_request(catalog.tenant, module.module_id, request_id=str(uuid.uuid4()))
    assert catalog.stub.CreateQuiz(quiz, metadata=catalog.md) == catalog.stub.CreateQuiz(quiz, metadata=catalog.md)
    exercise = exercise_request(catalog.tenant, module.module_id, request_id=str(uuid.uuid4()))
    assert (catalog.stub.CreatePracticalExercise(exercise, metadata=catalog.md)
            == catalog.stub.CreatePracticalExercise(exercise, metadata=catalog.md))
    lesson = svc.CreateLessonRequest(tenant_id=catalog.tenant, request_id=str(uuid.uuid4()),
                                     module_id=module.module_id, title="L",
                                     video={"media_uri": "https://x/y.mp4", "duration": {"seconds": 3}})
    assert catalog.stub.CreateLesson(lesson, metadata=catalog.md) == catalog.stub.CreateLesson(lesson,
                                                                                                 metadata=catalog.md)
    counts = catalog_owner_sql.execute("""SELECT (SELECT count(*) FROM learning_modules WHERE tenant_id = %(t)s),
                           (SELECT count(*) FROM learning_quizzes WHERE tenant_id = %(t)s),
                           (SELECT count(*) FROM learning_practical_exercises WHERE tenant_id = %(t)s),
                           (SELECT count(*) FROM learning_lessons WHERE tenant_id = %(t)s)""".replace("%(t)s", "%s"),
                 [catalog.tenant] * 4).fetchall()
    assert counts == [(1, 1, 1, 1)]


def test_publish_retry_returns_first_result_and_emits_one_event(catalog, catalog_owner_sql):
    course = catalog.course()
    module = catalog.module(course.course_id)
    catalog.exercise(module.module_id)
    request = svc.PublishCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id,
                                       request_id=str(uuid.uuid4()))
    first = catalog.stub.PublishCourse(request, metadata=catalog.md)
    retry = catalog.stub.PublishCourse(request, metadata=catalog.md)  # not NO_OPEN_DRAFT
    assert retry.published_version == first.published_version == 1
    assert retry.course == first.course
    # Without the request_id there is nothing left to publish.
    with pytest.raises(grpc.RpcError) as caught:
        catalog.publish(course.course_id)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM outbox WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [(1,)]


def test_failed_call_does_not_burn_its_request_id(catalog):
    course = catalog.course()
    request = svc.PublishCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id,
                                       request_id=str(uuid.uuid4()))
    with pytest.raises(grpc.RpcError) as caught:
        catalog.stub.PublishCourse(request, metadata=catalog.md)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION  # COURSE_EMPTY
    module = catalog.module(course.course_id)
    catalog.video_lesson(module.module_id)
    assert catalog.stub.PublishCourse(request, metadata=catalog.md).published_version == 1
