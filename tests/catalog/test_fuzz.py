"""Property tests: hypothesis-generated bad input is INVALID_ARGUMENT with field violations,
and no generated input, good or bad, ever yields INTERNAL or UNKNOWN."""

from __future__ import annotations

import math
import uuid

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as svc
from tests.support.rpc import field_violations

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NEVER = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}

blank = st.text(alphabet=" \t\n\u00a0\u2003", max_size=5)
too_long = st.integers(201, 400).map(lambda n: "x" * n)
with_nul = st.text(min_size=0, max_size=10).map(lambda s: s + "\x00")
bad_title = st.one_of(blank, too_long, with_nul)
any_text = st.text(max_size=300)
not_uuid = st.one_of(st.text(max_size=40).filter(lambda s: s and len(s) != 36), st.just(uuid.uuid4().hex))


def call(stub_method, request, md):
    """(code, field violations) of a call; asserts the code is never INTERNAL/UNKNOWN."""
    try:
        stub_method(request, metadata=md)
    except grpc.RpcError as error:
        assert error.code() not in NEVER, error.details()
        return error.code(), field_violations(error)
    return grpc.StatusCode.OK, {}


@pytest.fixture
def module_id(catalog):
    course = catalog.course()
    return catalog.module(course.course_id).module_id


@FUZZ
@given(title=bad_title, description=any_text, objectives=st.lists(any_text, max_size=3))
def test_bad_course_titles_are_invalid_argument(catalog, title, description, objectives):
    code, violations = call(catalog.stub.CreateCourse, svc.CreateCourseRequest(
        tenant_id=catalog.tenant, title=title, description=description, objectives=objectives), catalog.md)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "title" in violations


@FUZZ
@given(title=any_text, description=any_text, objectives=st.lists(any_text, max_size=60),
       audience=any_text, metadata=st.dictionaries(st.text(max_size=70), st.text(max_size=30), max_size=5),
       request_id=st.one_of(st.just(""), st.builds(lambda: str(uuid.uuid4())), st.text(max_size=10)))
def test_arbitrary_courses_are_created_or_rejected_field_by_field(catalog, title, description, objectives, audience,
                                                                  metadata, request_id):
    code, violations = call(catalog.stub.CreateCourse, svc.CreateCourseRequest(
        tenant_id=catalog.tenant, title=title, description=description, objectives=objectives,
        target_audience=audience, metadata=metadata, request_id=request_id), catalog.md)
    assert code in (grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        assert violations
    else:
        assert title.strip() and len(title.strip()) <= 200 and len(objectives) <= 50


@FUZZ
@given(threshold=st.one_of(st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not 0 < x <= 1),
                           st.just(1.5)),
       attempts=st.integers(-2**31, 2**31 - 1))
def test_bad_thresholds_are_invalid_argument(catalog, module_id, threshold, attempts):
    from tests.catalog.conftest import quiz_request

    code, violations = call(catalog.stub.CreateQuiz, quiz_request(catalog.tenant, module_id, pass_threshold=threshold,
                                                                  max_attempts=attempts), catalog.md)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "pass_threshold" in violations
    assert ("max_attempts" in violations) == (not 1 <= attempts <= 100)


options = st.lists(st.builds(res.Option, key=st.text(max_size=40), text=st.text(max_size=30)), max_size=22)
questions = st.lists(st.one_of(
    st.builds(lambda p, o, k: res.QuizQuestion(prompt=p, multiple_choice=res.MultipleChoice(options=o,
                                                                                          correct_keys=k)),
              st.text(max_size=30), options, st.lists(st.text(max_size=5), max_size=4)),
    st.builds(lambda p, r, m: res.QuizQuestion(prompt=p, free_text=res.FreeText(rubric=r, max_length=m)),
              st.text(max_size=30), st.text(max_size=30), st.integers(-5, 30000)),
    st.builds(res.QuizQuestion, prompt=st.text(max_size=10)),
), max_size=4)


@FUZZ
@given(title=any_text, threshold=st.floats(), policy=st.integers(-3, 6), attempts=st.integers(-5, 150),
       qs=questions)
def test_arbitrary_quizzes_never_fail_internally(catalog, module_id, title, threshold, policy, attempts, qs):
    request = svc.CreateQuizRequest(tenant_id=catalog.tenant, module_id=module_id, title=title,
                                    pass_threshold=threshold, scoring_policy=policy, max_attempts=attempts,
                                    questions=qs)
    code, violations = call(catalog.stub.CreateQuiz, request, catalog.md)
    assert code in (grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        assert violations
    else:
        assert math.isfinite(threshold) and 0 < threshold <= 1 and 1 <= attempts <= 100 and qs


steps = st.lists(st.builds(
    lambda sid, prompt, choices: res.ScenarioStep(step_id=sid, prompt=prompt, choices=choices),
    st.sampled_from(["a", "b", "c", "", "bad id"]), st.text(max_size=20),
    st.lists(st.builds(res.BranchChoice, choice_key=st.sampled_from(["x", "y", ""]), text=st.text(max_size=10),
                       next_step_id=st.sampled_from(["a", "b", "zz", ""]), correct=st.booleans()),
             max_size=3)), max_size=4)


@FUZZ
@given(title=any_text, entry=st.sampled_from(["a", "b", "", "q"]), scenario=steps,
       media=st.text(max_size=30), seconds=st.integers(-10, 10), nanos=st.integers(-10, 10),
       rule=st.integers(-1, 5), use_video=st.booleans())
def test_arbitrary_lessons_never_fail_internally(catalog, module_id, title, entry, scenario, media, seconds, nanos,
                                                 rule, use_video):
    request = svc.CreateLessonRequest(tenant_id=catalog.tenant, module_id=module_id, title=title,
                                      completion_rule=rule)
    if use_video:
        request.video.media_uri = media
        request.video.duration.seconds, request.video.duration.nanos = seconds, nanos
    else:
        request.interactive.entry_step_id = entry
        request.interactive.steps.extend(scenario)
    code, violations = call(catalog.stub.CreateLesson, request, catalog.md)
    assert code in (grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT)
    assert code == grpc.StatusCode.OK or violations


@FUZZ
@given(course_id=not_uuid, version=st.integers(-2**31, -1), page_size=st.integers(-2**31, -1),
       token=st.text(max_size=60))
def test_bad_ids_and_paging_are_invalid_argument(catalog, course_id, version, page_size, token):
    code, violations = call(catalog.stub.GetCourseVersion, svc.GetCourseVersionRequest(
        tenant_id=catalog.tenant, course_id=course_id, version=version), catalog.md)
    assert code == grpc.StatusCode.INVALID_ARGUMENT and {"course_id", "version"} <= set(violations)
    code, violations = call(catalog.stub.ListCourses, svc.ListCoursesRequest(
        tenant_id=catalog.tenant, page_size=page_size, page_token=token), catalog.md)
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "page_size" in violations
    code, violations = call(catalog.stub.ListLearningPaths, svc.ListLearningPathsRequest(
        tenant_id=catalog.tenant, page_token=token or "x"), catalog.md)
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in violations
