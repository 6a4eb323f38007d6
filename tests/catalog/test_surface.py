"""Every catalog RPC on its happy path, and the documented defaults and outputs."""

from __future__ import annotations

import uuid

import grpc
import pytest
from google.rpc import error_details_pb2

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as svc
from learning.common.v1 import common_pb2
from tests.support.rpc import status_details


def test_create_course_trims_text_and_returns_a_draft(catalog):
    course = catalog.course("  Intro  ", description=" d ", objectives=[" one ", "two"], target_audience=" all ",
                            metadata={"k": "v"})
    assert uuid.UUID(course.course_id) and course.course_id == course.course_id.lower()
    assert (course.title, course.description, list(course.objectives), course.target_audience) == (
        "Intro", "d", ["one", "two"], "all")
    assert dict(course.metadata) == {"k": "v"}
    assert course.tenant_id == catalog.tenant
    assert course.status == res.COURSE_STATUS_DRAFT
    assert (course.latest_version, course.draft_version, course.published_version) == (1, 1, 0)
    assert course.HasField("create_time") and course.HasField("update_time")
    assert not course.HasField("publish_time") and not course.HasField("archive_time")
    assert course.etag
    assert catalog.get(course.course_id) == course


def test_get_course_accepts_upper_case_ids_and_returns_lower_case(catalog):
    course = catalog.course()
    assert catalog.get(course.course_id.upper()).course_id == course.course_id


def test_update_course_replaces_only_masked_fields(catalog):
    course = catalog.course("T", description="keep", objectives=["a"], metadata={"x": "1"})
    updated = catalog.update(course.course_id, ["objectives", "metadata"], objectives=["b", "c"], metadata={"y": "2"},
                             title="ignored because not in the mask")
    assert updated.title == "T" and updated.description == "keep"
    assert list(updated.objectives) == ["b", "c"] and dict(updated.metadata) == {"y": "2"}
    assert updated.draft_version == 1 and updated.etag != course.etag


def test_publish_sets_course_and_version_outputs(catalog):
    course = catalog.course()
    module = catalog.module(course.course_id)
    catalog.quiz(module.module_id)
    published = catalog.publish(course.course_id)
    assert published.published_version == 1
    assert (published.course.status, published.course.draft_version, published.course.published_version) == (
        res.COURSE_STATUS_PUBLISHED, 0, 1)
    assert published.course.HasField("publish_time")
    version = catalog.version(course.course_id, 1)
    assert version.state == res.COURSE_VERSION_STATE_PUBLISHED
    assert version.published_by == catalog.subject
    assert version.HasField("publish_time")


def test_structure_positions_and_defaults(catalog):
    course = catalog.course()
    first, second = catalog.module(course.course_id, "A"), catalog.module(course.course_id, "B", description="b")
    assert (first.position, second.position) == (1, 2) and second.description == "b"
    assert first.course_id == course.course_id and first.version == 1
    video = catalog.video_lesson(first.module_id)
    scenario = catalog.interactive_lesson(first.module_id)
    assert (video.position, scenario.position) == (1, 2)
    assert video.completion_rule == res.LESSON_COMPLETION_RULE_VIEW
    assert video.content_type == res.LESSON_CONTENT_TYPE_VIDEO and video.status == res.LESSON_STATUS_DRAFT
    assert scenario.completion_rule == res.LESSON_COMPLETION_RULE_COMPLETE_ALL_STEPS
    assert scenario.content_type == res.LESSON_CONTENT_TYPE_INTERACTIVE
    assert video.video.duration.seconds == 315 and video.video.duration.nanos == 500
    assert [c.language_code for c in video.video.captions] == ["en", "de-CH"]
    quiz = catalog.quiz(second.module_id)
    assert quiz.position == 1 and [q.position for q in quiz.questions] == [1, 2]
    assert quiz.questions[1].free_text.max_length == 4000  # effective default
    assert list(quiz.questions[0].multiple_choice.correct_keys) == ["a", "c"]
    assert quiz.pass_threshold == pytest.approx(0.8) and quiz.max_attempts == 3
    exercise = catalog.exercise(second.module_id)
    assert exercise.position == 1 and exercise.review_requirements.reviewer_role == "mentor"
    second_exercise = catalog.exercise(second.module_id, "Another")
    assert second_exercise.position == 2
    tree = catalog.version(course.course_id, 1)
    assert [m.title for m in tree.modules] == ["A", "B"]
    assert tree.modules[0].lessons == [video, scenario]
    assert tree.modules[1].quizzes == [quiz]
    assert list(tree.modules[1].practical_exercises) == [exercise, second_exercise]


def test_list_courses_filters_by_status_in_creation_order(catalog):
    draft = catalog.course("draft")
    published = catalog.published_course("published")
    archived = catalog.course("archived")
    catalog.stub.ArchiveCourse(svc.ArchiveCourseRequest(tenant_id=catalog.tenant, course_id=archived.course_id),
                               metadata=catalog.md)

    def ids(status=res.COURSE_STATUS_UNSPECIFIED):
        response = catalog.stub.ListCourses(svc.ListCoursesRequest(tenant_id=catalog.tenant, status=status),
                                            metadata=catalog.md)
        assert response.next_page_token == ""
        return [c.course_id for c in response.courses]

    assert ids() == [draft.course_id, published.course_id, archived.course_id]
    assert ids(res.COURSE_STATUS_DRAFT) == [draft.course_id]
    assert ids(res.COURSE_STATUS_PUBLISHED) == [published.course_id]
    assert ids(res.COURSE_STATUS_ARCHIVED) == [archived.course_id]


def test_list_course_versions_pages_newest_first(catalog):
    course = catalog.published_course()
    for i in range(3):
        catalog.update(course.course_id, ["title"], title=f"v{i + 2}")
        catalog.publish(course.course_id)
    seen, token = [], ""
    while True:
        page = catalog.stub.ListCourseVersions(svc.ListCourseVersionsRequest(
            tenant_id=catalog.tenant, course_id=course.course_id, page_size=3, page_token=token), metadata=catalog.md)
        seen += [v.version for v in page.course_versions]
        token = page.next_page_token
        if not token:
            break
    assert seen == [4, 3, 2, 1]


def path_request(catalog, steps, **kw):
    return svc.CreateLearningPathRequest(
        tenant_id=catalog.tenant, title=kw.pop("title", "Buyer path"), goal="Become a buyer", audience="new staff",
        steps=[res.LearningPathStep(course=common_pb2.CourseVersionRef(course_id=c, version=v), required=r)
               for c, v, r in steps], **kw)


def test_learning_path_lifecycle(catalog):
    first, second = catalog.published_course("one"), catalog.published_course("two")
    created = catalog.stub.CreateLearningPath(
        path_request(catalog, [(first.course_id, 1, True), (second.course_id, 1, False)]), metadata=catalog.md
    ).learning_path
    assert created.status == res.LEARNING_PATH_STATUS_DRAFT and created.version == 1
    assert created.owner_id == catalog.subject  # defaults to the caller's sub
    assert [(s.position, s.course.course_id, s.required) for s in created.steps] == [
        (1, first.course_id, True), (2, second.course_id, False)]
    get = svc.GetLearningPathRequest(tenant_id=catalog.tenant, learning_path_id=created.learning_path_id)
    assert catalog.stub.GetLearningPath(get, metadata=catalog.md).learning_path == created
    publish = svc.PublishLearningPathRequest(tenant_id=catalog.tenant, learning_path_id=created.learning_path_id)
    published = catalog.stub.PublishLearningPath(publish, metadata=catalog.md).learning_path
    assert published.status == res.LEARNING_PATH_STATUS_PUBLISHED and published.HasField("publish_time")
    # Publishing again returns it unchanged.
    assert catalog.stub.PublishLearningPath(publish, metadata=catalog.md).learning_path == published
    listed = catalog.stub.ListLearningPaths(svc.ListLearningPathsRequest(
        tenant_id=catalog.tenant, status=res.LEARNING_PATH_STATUS_PUBLISHED), metadata=catalog.md)
    assert list(listed.learning_paths) == [published]
    drafts = catalog.stub.ListLearningPaths(svc.ListLearningPathsRequest(
        tenant_id=catalog.tenant, status=res.LEARNING_PATH_STATUS_DRAFT), metadata=catalog.md)
    assert list(drafts.learning_paths) == []


def test_learning_path_publication_preconditions(catalog):
    owner = str(uuid.uuid4())
    draft_course = catalog.course()
    archived = catalog.published_course("archived")
    catalog.stub.ArchiveCourse(svc.ArchiveCourseRequest(tenant_id=catalog.tenant, course_id=archived.course_id),
                               metadata=catalog.md)
    good = catalog.published_course("good")
    missing = str(uuid.uuid4())
    path = catalog.stub.CreateLearningPath(path_request(
        catalog, [(good.course_id, 1, True), (draft_course.course_id, 1, True), (archived.course_id, 1, True),
                  (missing, 1, True), (good.course_id.upper(), 2, True)][:4], owner_id=owner),
        metadata=catalog.md).learning_path
    assert path.owner_id == owner
    publish = svc.PublishLearningPathRequest(tenant_id=catalog.tenant, learning_path_id=path.learning_path_id)
    with pytest.raises(grpc.RpcError) as caught:
        catalog.stub.PublishLearningPath(publish, metadata=catalog.md)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    violations = [(v.type, v.subject) for d in status_details(caught.value)
                  if isinstance(d, error_details_pb2.PreconditionFailure) for v in d.violations]
    assert violations == [("COURSE_VERSION_NOT_PUBLISHED", f"courses/{c}/versions/1")
                          for c in (draft_course.course_id, archived.course_id, missing)]

    empty = catalog.stub.CreateLearningPath(path_request(catalog, [], owner_id=owner), metadata=catalog.md)
    with pytest.raises(grpc.RpcError) as caught:
        catalog.stub.PublishLearningPath(svc.PublishLearningPathRequest(
            tenant_id=catalog.tenant, learning_path_id=empty.learning_path.learning_path_id), metadata=catalog.md)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert [v.type for d in status_details(caught.value) if isinstance(d, error_details_pb2.PreconditionFailure)
            for v in d.violations] == ["LEARNING_PATH_EMPTY"]
