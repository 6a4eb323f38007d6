"""Malformed requests get the documented code with rich details, and nothing half-written stays."""

from __future__ import annotations

import uuid

import grpc
import pytest
from google.rpc import error_details_pb2

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as svc
from tests.catalog.conftest import exercise_request, interactive_content, quiz_request, video_content
from tests.support.rpc import error_reason, field_violations, status_details

STRUCTURE_TABLES = ("learning_courses", "learning_course_versions", "learning_modules", "learning_lessons",
                    "learning_video_lessons", "learning_interactive_lessons", "learning_quizzes",
                    "learning_quiz_questions", "learning_practical_exercises", "learning_paths",
                    "learning_path_steps", "outbox", "idempotency_keys")


def row_counts(connection, tenant):
    return {table: connection.execute(f"SELECT count(*) FROM {table} WHERE tenant_id = %s", (tenant,)).fetchone()[0]
            for table in STRUCTURE_TABLES}


def invalid(call, request, md) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, metadata=md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    assert error_reason(caught.value) == "ERROR_REASON_INVALID_FIELD"
    return field_violations(caught.value)


def test_empty_title_is_invalid_and_writes_nothing(catalog, catalog_owner_sql):
    violations = invalid(catalog.stub.CreateCourse,
                         svc.CreateCourseRequest(tenant_id=catalog.tenant, title="   ", request_id=str(uuid.uuid4())),
                         catalog.md)
    assert set(violations) == {"title"}
    assert all(count == 0 for count in row_counts(catalog_owner_sql, catalog.tenant).values())


def test_every_bad_field_is_reported_at_once(catalog):
    violations = invalid(catalog.stub.CreateCourse, svc.CreateCourseRequest(
        tenant_id=catalog.tenant, request_id="nope", title="x" * 201, description="d" * 5001,
        objectives=["ok", " ", *["o"] * 49], target_audience="a" * 501, metadata={"": "v", "k": "v" * 1025}),
        catalog.md)
    assert {"request_id", "title", "description", "objectives", "objectives[1]", "target_audience"} <= set(violations)
    assert any(field.startswith("metadata[") for field in violations)


def test_pass_threshold_out_of_range_is_invalid_and_writes_no_quiz(catalog, catalog_owner_sql):
    course = catalog.course()
    module = catalog.module(course.course_id)
    before, etag = row_counts(catalog_owner_sql, catalog.tenant), catalog.get(course.course_id).etag
    for threshold in (1.5, 0.0, -0.1, float("nan"), float("inf")):
        violations = invalid(catalog.stub.CreateQuiz, quiz_request(catalog.tenant, module.module_id,
                                                                   pass_threshold=threshold), catalog.md)
        assert set(violations) == {"pass_threshold"}, threshold
    assert row_counts(catalog_owner_sql, catalog.tenant) == before
    assert catalog.get(course.course_id).etag == etag


def test_quiz_question_violations_name_the_exact_field(catalog):
    course = catalog.course()
    module = catalog.module(course.course_id)
    request = quiz_request(catalog.tenant, module.module_id, scoring_policy=0, max_attempts=0, questions=[
        res.QuizQuestion(prompt="p", multiple_choice=res.MultipleChoice(
            options=[res.Option(key="a", text="A"), res.Option(key="a", text="dup"), res.Option(key="bad key", text="x")],
            correct_keys=["z", "a"])),
        res.QuizQuestion(prompt="", free_text=res.FreeText(rubric="", max_length=-3)),
        res.QuizQuestion(prompt="no kind"),
    ])
    violations = invalid(catalog.stub.CreateQuiz, request, catalog.md)
    assert {"scoring_policy", "max_attempts", "questions[0].multiple_choice.options[1].key",
            "questions[0].multiple_choice.options[2].key", "questions[0].multiple_choice.correct_keys[0]",
            "questions[1].prompt", "questions[1].free_text.rubric", "questions[1].free_text.max_length",
            "questions[2].kind"} <= set(violations)


def test_lesson_content_violations(catalog, catalog_owner_sql):
    course = catalog.course()
    module = catalog.module(course.course_id)
    base = dict(tenant_id=catalog.tenant, module_id=module.module_id, title="L")
    assert set(invalid(catalog.stub.CreateLesson, svc.CreateLessonRequest(**base), catalog.md)) == {"content"}
    bad_video = res.VideoContent(media_uri="not a uri", duration={"seconds": -1}, captions=[
        res.Caption(language_code="english!", uri="https://x/c.vtt", kind=res.CAPTION_KIND_CAPTIONS),
        res.Caption(language_code="en", uri="", kind=0)])
    violations = invalid(catalog.stub.CreateLesson, svc.CreateLessonRequest(
        **base, video=bad_video, completion_rule=res.LESSON_COMPLETION_RULE_COMPLETE_ALL_STEPS), catalog.md)
    assert {"video.media_uri", "video.duration", "video.captions[0].language_code", "video.captions[1].uri",
            "video.captions[1].kind", "completion_rule"} <= set(violations)
    no_duration = video_content()
    no_duration.ClearField("duration")
    assert "video.duration" in invalid(catalog.stub.CreateLesson, svc.CreateLessonRequest(**base, video=no_duration),
                                       catalog.md)
    scenario = interactive_content()
    scenario.entry_step_id = "nowhere"
    scenario.steps[0].choices[0].next_step_id = "missing"
    scenario.steps[1].step_id = "start"
    del scenario.steps[2]  # no terminal step left
    violations = invalid(catalog.stub.CreateLesson, svc.CreateLessonRequest(**base, interactive=scenario), catalog.md)
    assert {"interactive.entry_step_id", "interactive.steps[0].choices[0].next_step_id",
            "interactive.steps[1].step_id", "interactive.steps"} <= set(violations)
    assert catalog_owner_sql.execute(
        "SELECT count(*) FROM learning_lessons WHERE tenant_id = %s", (catalog.tenant,)).fetchall() == [(0,)]


def test_exercise_and_path_violations(catalog):
    course = catalog.course()
    module = catalog.module(course.course_id)
    request = exercise_request(catalog.tenant, module.module_id, prompt="", rubric=" ",
                               review_requirements=res.ReviewRequirements(reviewer_role="Mentor!", min_reviewers=11))
    assert {"prompt", "rubric", "review_requirements.reviewer_role", "review_requirements.min_reviewers"} <= set(
        invalid(catalog.stub.CreatePracticalExercise, request, catalog.md))
    missing = exercise_request(catalog.tenant, module.module_id)
    missing.ClearField("review_requirements")
    assert "review_requirements" in invalid(catalog.stub.CreatePracticalExercise, missing, catalog.md)
    course_id = str(uuid.uuid4())
    path = svc.CreateLearningPathRequest(tenant_id=catalog.tenant, title="p", steps=[
        res.LearningPathStep(course={"course_id": course_id, "version": 0}),
        res.LearningPathStep(course={"course_id": course_id, "version": 1}),
        res.LearningPathStep(course={"course_id": "nope", "version": 1}),
        res.LearningPathStep()])
    # The test tokens' sub is not a UUID, so an owner_id is required.
    violations = invalid(catalog.stub.CreateLearningPath, path, catalog.tokens.metadata(catalog.tenant, ["author"]))
    assert {"owner_id", "steps[0].course.version", "steps[1].course.course_id", "steps[2].course.course_id",
            "steps[3].course"} <= set(violations)


def test_update_mask_violations(catalog):
    course = catalog.course()
    for paths, field in (([], "update_mask"), (["*"], "update_mask.paths[0]"),
                         (["title", "status"], "update_mask.paths[1]")):
        request = svc.UpdateCourseRequest(tenant_id=catalog.tenant, course={"course_id": course.course_id, "title": "t"},
                                          update_mask={"paths": paths})
        assert field in invalid(catalog.stub.UpdateCourse, request, catalog.md)
    request = svc.UpdateCourseRequest(tenant_id=catalog.tenant, course={"course_id": course.course_id, "title": ""},
                                      update_mask={"paths": ["title"]})
    assert set(invalid(catalog.stub.UpdateCourse, request, catalog.md)) == {"course.title"}
    assert "course" in invalid(catalog.stub.UpdateCourse, svc.UpdateCourseRequest(
        tenant_id=catalog.tenant, update_mask={"paths": ["title"]}), catalog.md)
    assert catalog.get(course.course_id) == course


def test_ids_must_be_canonical_uuids(catalog):
    for bad in ("nope", "{%s}" % uuid.uuid4(), uuid.uuid4().hex, "urn:uuid:%s" % uuid.uuid4()):
        assert set(invalid(catalog.stub.GetCourse, svc.GetCourseRequest(tenant_id=catalog.tenant, course_id=bad),
                           catalog.md)) == {"course_id"}
    assert "version" in invalid(catalog.stub.GetCourseVersion, svc.GetCourseVersionRequest(
        tenant_id=catalog.tenant, course_id=str(uuid.uuid4()), version=-1), catalog.md)


def test_unknown_ids_are_not_found_with_resource_info(catalog, catalog_owner_sql):
    unknown = str(uuid.uuid4())
    calls = [
        (catalog.stub.GetCourse, svc.GetCourseRequest(tenant_id=catalog.tenant, course_id=unknown)),
        (catalog.stub.GetCourseVersion, svc.GetCourseVersionRequest(tenant_id=catalog.tenant, course_id=unknown)),
        (catalog.stub.ListCourseVersions, svc.ListCourseVersionsRequest(tenant_id=catalog.tenant, course_id=unknown)),
        (catalog.stub.PublishCourse, svc.PublishCourseRequest(tenant_id=catalog.tenant, course_id=unknown,
                                                              request_id=str(uuid.uuid4()))),
        (catalog.stub.ArchiveCourse, svc.ArchiveCourseRequest(tenant_id=catalog.tenant, course_id=unknown)),
        (catalog.stub.CreateModule, svc.CreateModuleRequest(tenant_id=catalog.tenant, course_id=unknown, title="m")),
        (catalog.stub.CreateLesson, svc.CreateLessonRequest(tenant_id=catalog.tenant, module_id=unknown, title="l",
                                                            video=video_content())),
        (catalog.stub.CreateQuiz, quiz_request(catalog.tenant, unknown, request_id=str(uuid.uuid4()))),
        (catalog.stub.CreatePracticalExercise, exercise_request(catalog.tenant, unknown)),
        (catalog.stub.GetLearningPath, svc.GetLearningPathRequest(tenant_id=catalog.tenant, learning_path_id=unknown)),
        (catalog.stub.PublishLearningPath, svc.PublishLearningPathRequest(tenant_id=catalog.tenant,
                                                                          learning_path_id=unknown)),
    ]
    for call, request in calls:
        with pytest.raises(grpc.RpcError) as caught:
            call(request, metadata=catalog.md)
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND, call
        assert error_reason(caught.value) == "ERROR_REASON_NOT_FOUND"
        assert any(isinstance(d, error_details_pb2.ResourceInfo) and unknown in d.resource_name
                   for d in status_details(caught.value))
    assert all(count == 0 for count in row_counts(catalog_owner_sql, catalog.tenant).values())


def test_failed_authoring_leaves_no_rows_behind(catalog, catalog_owner_sql):
    course = catalog.published_course()
    module_id = catalog.version(course.course_id).modules[0].module_id
    before = row_counts(catalog_owner_sql, catalog.tenant)
    for call, request in [
        (catalog.stub.CreateQuiz, quiz_request(catalog.tenant, module_id, request_id=str(uuid.uuid4()))),
        (catalog.stub.CreateLesson, svc.CreateLessonRequest(tenant_id=catalog.tenant, module_id=module_id, title="l",
                                                            interactive=interactive_content(),
                                                            request_id=str(uuid.uuid4()))),
    ]:
        with pytest.raises(grpc.RpcError) as caught:
            call(request, metadata=catalog.md)
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert row_counts(catalog_owner_sql, catalog.tenant) == before  # not even the idempotency keys stay


@pytest.mark.parametrize("payload", [b"\xff\xff\xff", b"\x1a\x01\xff", b"\x0a\x05abc"])
def test_unparsable_request_bytes_are_invalid_argument(catalog_channel, catalog, payload):
    """Corrupt wire format or bad UTF-8 from a foreign client is bad input, not UNKNOWN/INTERNAL."""
    raw = catalog_channel.unary_unary("/learning.catalog.v1.CatalogService/CreateCourse")
    with pytest.raises(grpc.RpcError) as caught:
        raw(payload, metadata=catalog.md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(caught.value)
    with pytest.raises(grpc.RpcError) as unauthenticated:
        raw(payload)
    assert unauthenticated.value.code() == grpc.StatusCode.UNAUTHENTICATED
