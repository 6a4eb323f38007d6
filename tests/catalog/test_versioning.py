"""Published versions are frozen; drafts open by UpdateCourse; archived courses accept nothing."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as svc
from tests.catalog.conftest import exercise_request, quiz_request, video_content
from tests.support.rpc import error_reason, status_details


def precondition(error: grpc.RpcError) -> list[tuple[str, str]]:
    return [(v.type, v.subject) for d in status_details(error)
            if isinstance(d, error_details_pb2.PreconditionFailure) for v in d.violations]


def expect(code: grpc.StatusCode, call, *args, **kwargs) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kwargs)
    assert caught.value.code() == code, caught.value.details()
    return caught.value


def test_authoring_a_published_version_is_no_open_draft(catalog):
    course = catalog.published_course()
    module_id = catalog.version(course.course_id).modules[0].module_id
    subject = f"courses/{course.course_id}"
    md = catalog.md
    calls = [
        (catalog.stub.CreateModule, svc.CreateModuleRequest(tenant_id=catalog.tenant, course_id=course.course_id,
                                                            title="More")),
        (catalog.stub.CreateLesson, svc.CreateLessonRequest(tenant_id=catalog.tenant, module_id=module_id,
                                                            title="More", video=video_content())),
        (catalog.stub.CreateQuiz, quiz_request(catalog.tenant, module_id)),
        (catalog.stub.CreatePracticalExercise, exercise_request(catalog.tenant, module_id)),
        (catalog.stub.PublishCourse, svc.PublishCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id)),
    ]
    before = catalog.version(course.course_id, 1)
    for call, request in calls:
        error = expect(grpc.StatusCode.FAILED_PRECONDITION, call, request, metadata=md)
        assert precondition(error) == [("NO_OPEN_DRAFT", subject)]
        assert error_reason(error) == "ERROR_REASON_FAILED_PRECONDITION"
    assert catalog.version(course.course_id, 1) == before
    assert catalog.get(course.course_id).etag == course.etag  # refused calls changed nothing


def test_update_of_published_course_opens_a_new_draft_and_keeps_the_published_one(catalog):
    course = catalog.published_course("Original")
    updated = catalog.update(course.course_id, ["title"], title="Revised")
    assert (updated.latest_version, updated.draft_version, updated.published_version) == (2, 2, 1)
    assert updated.status == res.COURSE_STATUS_PUBLISHED and updated.title == "Revised"
    assert catalog.version(course.course_id, 1).title == "Original"
    # A second update changes the same draft in place.
    again = catalog.update(course.course_id, ["description"], description="now with text")
    assert (again.latest_version, again.draft_version) == (2, 2)
    assert catalog.version(course.course_id, 2).title == "Revised"
    assert catalog.version(course.course_id, 2).description == "now with text"
    versions = catalog.stub.ListCourseVersions(
        svc.ListCourseVersionsRequest(tenant_id=catalog.tenant, course_id=course.course_id), metadata=catalog.md)
    assert [(v.version, v.state) for v in versions.course_versions] == [
        (2, res.COURSE_VERSION_STATE_DRAFT), (1, res.COURSE_VERSION_STATE_PUBLISHED)]
    assert all(not v.modules for v in versions.course_versions)


def test_publishing_an_empty_course_is_course_empty(catalog, catalog_owner_sql):
    course = catalog.course()
    error = expect(grpc.StatusCode.FAILED_PRECONDITION, catalog.publish, course.course_id)
    assert precondition(error) == [("COURSE_EMPTY", f"courses/{course.course_id}/versions/1")]
    catalog.module(course.course_id)  # a module without content is still empty
    error = expect(grpc.StatusCode.FAILED_PRECONDITION, catalog.publish, course.course_id)
    assert precondition(error)[0][0] == "COURSE_EMPTY"
    assert catalog_owner_sql.execute(
        "SELECT state FROM learning_course_versions WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [("draft",)]
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM outbox WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [(0,)]


def test_pass_quiz_lesson_needs_a_quiz_in_its_module(catalog):
    course = catalog.course()
    module = catalog.module(course.course_id)
    lesson = catalog.video_lesson(module.module_id, completion_rule=res.LESSON_COMPLETION_RULE_PASS_QUIZ)
    error = expect(grpc.StatusCode.FAILED_PRECONDITION, catalog.publish, course.course_id)
    assert precondition(error) == [("QUIZ_REQUIRED", f"lessons/{lesson.lesson_id}")]
    catalog.quiz(module.module_id)
    assert catalog.publish(course.course_id).published_version == 1


def test_archived_course_refuses_every_change_but_stays_readable(catalog):
    course = catalog.published_course()
    v1 = catalog.version(course.course_id, 1)
    archived = catalog.stub.ArchiveCourse(svc.ArchiveCourseRequest(tenant_id=catalog.tenant,
                                                                   course_id=course.course_id), metadata=catalog.md)
    assert archived.course.status == res.COURSE_STATUS_ARCHIVED and archived.course.HasField("archive_time")
    subject = f"courses/{course.course_id}"
    error = expect(grpc.StatusCode.FAILED_PRECONDITION, catalog.update, course.course_id, ["title"], title="x")
    assert precondition(error) == [("COURSE_ARCHIVED", subject)]
    error = expect(grpc.StatusCode.FAILED_PRECONDITION, catalog.module, course.course_id)
    assert precondition(error) == [("COURSE_ARCHIVED", subject)]
    error = expect(grpc.StatusCode.FAILED_PRECONDITION, catalog.video_lesson, v1.modules[0].module_id)
    assert precondition(error) == [("COURSE_ARCHIVED", subject)]
    error = expect(grpc.StatusCode.FAILED_PRECONDITION, catalog.publish, course.course_id)
    assert precondition(error) == [("COURSE_ARCHIVED", subject)]
    # Archiving again returns it unchanged, even with a stale etag.
    again = catalog.stub.ArchiveCourse(svc.ArchiveCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id,
                                                                etag="stale"), metadata=catalog.md)
    assert again.course == archived.course
    assert catalog.version(course.course_id, 1) == v1
    assert catalog.version(course.course_id, 0) == v1


def test_archived_draft_stays_readable_but_frozen(catalog):
    course = catalog.published_course()
    catalog.update(course.course_id, ["title"], title="Draft two")
    catalog.stub.ArchiveCourse(svc.ArchiveCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id),
                               metadata=catalog.md)
    assert catalog.version(course.course_id, 2).title == "Draft two"
    assert catalog.get(course.course_id).draft_version == 2
    expect(grpc.StatusCode.FAILED_PRECONDITION, catalog.update, course.course_id, ["title"], title="Draft three")


def test_stale_etag_is_aborted_and_current_etag_succeeds(catalog):
    course = catalog.course()
    catalog.update(course.course_id, ["title"], title="Someone else")
    error = expect(grpc.StatusCode.ABORTED, catalog.update, course.course_id, ["title"], etag=course.etag,
                   title="Mine")
    assert error_reason(error) == "ERROR_REASON_ABORTED"
    current = catalog.get(course.course_id)
    assert current.title == "Someone else"
    mine = catalog.update(course.course_id, ["title"], etag=current.etag, title="Mine")
    assert mine.title == "Mine" and mine.etag != current.etag
    # Structure added to the draft changes the etag too, so a reviewed draft is not published blindly.
    module = catalog.module(course.course_id)
    catalog.video_lesson(module.module_id)
    expect(grpc.StatusCode.ABORTED, catalog.publish, course.course_id, etag=mine.etag)
    expect(grpc.StatusCode.ABORTED, catalog.stub.ArchiveCourse,
           svc.ArchiveCourseRequest(tenant_id=catalog.tenant, course_id=course.course_id, etag=mine.etag),
           metadata=catalog.md)
    assert catalog.publish(course.course_id, etag=catalog.get(course.course_id).etag).published_version == 1


def test_concurrent_updates_with_the_same_etag_let_exactly_one_win(catalog):
    from concurrent.futures import ThreadPoolExecutor

    course = catalog.course()

    def attempt(i):
        try:
            catalog.update(course.course_id, ["title"], etag=course.etag, title=f"writer {i}")
            return "ok"
        except grpc.RpcError as error:
            return error.code()

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} == {grpc.StatusCode.ABORTED}


def test_version_zero_of_a_never_published_course_is_not_found(catalog):
    course = catalog.course()
    expect(grpc.StatusCode.NOT_FOUND, catalog.version, course.course_id, 0)
    assert catalog.version(course.course_id, 1).state == res.COURSE_VERSION_STATE_DRAFT
    expect(grpc.StatusCode.NOT_FOUND, catalog.version, course.course_id, 2)


def test_database_itself_refuses_to_change_a_published_version(catalog, catalog_db):
    """Defence in depth: triggers keep published versions frozen even for direct SQL as the owner."""
    import psycopg

    from shared.db import libpq_url

    course = catalog.published_course()
    statements = [
        "UPDATE learning_lessons SET title = 'hacked' WHERE tenant_id = %s",
        "DELETE FROM learning_video_lessons WHERE tenant_id = %s",
        "UPDATE learning_course_versions SET title = 'hacked' WHERE tenant_id = %s",
        "DELETE FROM learning_modules WHERE tenant_id = %s",
        """INSERT INTO learning_modules (tenant_id, course_id, version, module_id, position, title, description,
                                         created_at, updated_at)
           SELECT tenant_id, course_id, version, gen_random_uuid(), 99, 'x', '', now(), now()
           FROM learning_course_versions WHERE tenant_id = %s""",
    ]
    with psycopg.connect(libpq_url(catalog_db.owner_url)) as conn:
        for statement in statements:
            with pytest.raises(psycopg.errors.RaiseException, match="published and immutable"):
                with conn.transaction():
                    conn.execute(statement, (catalog.tenant,))
    assert catalog.version(course.course_id, 1).modules[0].lessons[0].title == "Video lesson"
