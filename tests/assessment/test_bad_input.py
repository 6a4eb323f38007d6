"""Generated bad input on the training-session RPCs (hypothesis): INVALID_ARGUMENT with field violations or a
clean FAILED_PRECONDITION / NOT_FOUND, never INTERNAL, and nothing half-written: the tenant's rows are exactly
what they were before the refused call."""

from __future__ import annotations

import grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.assessment.v1 import assessment_service_pb2 as svc
from learning.common.v1 import common_pb2
from tests.support.rpc import field_violations

REFUSALS = {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND,
            grpc.StatusCode.PERMISSION_DENIED}
TEXT = st.one_of(st.text(max_size=30), st.sampled_from(["", " ", "\x00", "a" * 2001, "x/y", "💥" * 40]))
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1.0, 1.0000001]))
INTS = st.one_of(st.integers(-(2**31), 2**31 - 1), st.sampled_from([0, -1, 1, 20, 21]))
TABLES = ("training_sessions", "training_answers", "training_attempt_results", "outbox", "idempotency_keys")
SETTINGS = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def snapshot(sql, tenant: str) -> dict[str, int]:
    return {table: sql.execute(f"SELECT count(*) FROM {table} WHERE tenant_id = %s", (tenant,)).fetchone()[0]
            for table in TABLES}


def refused(call) -> None:
    try:
        call()
    except grpc.RpcError as error:
        assert error.code() in REFUSALS, (error.code(), error.details())
        if error.code() == grpc.StatusCode.INVALID_ARGUMENT:
            assert field_violations(error), "INVALID_ARGUMENT without a field violation"
        return
    raise AssertionError("the bad request was accepted")


def test_bad_starts_write_nothing(assessment, course, assessment_owner_sql):
    a = assessment
    before = snapshot(assessment_owner_sql, a.tenant)

    @SETTINGS
    @given(threshold=NUMBERS, attempts=INTS, profile=TEXT, profile_version=INTS, app=TEXT, version=INTS,
           employee=st.sampled_from(["", "not-a-uuid", a.learner.upper()]))
    def run(threshold, attempts, profile, profile_version, app, version, employee):
        valid = (0 < threshold <= 1 and 1 <= attempts <= 20 and profile_version >= 1 and version == course.version
                 and employee != "" and employee != "not-a-uuid")
        if valid:
            return  # only invalid combinations are under test here
        request = svc.StartTrainingSessionRequest(
            tenant_id=a.tenant, employee_id=employee,
            course=common_pb2.CourseVersionRef(course_id=course.course_id, version=version),
            policy=res.TrainingPolicy(pass_threshold=threshold, max_attempts=attempts, role_profile_id=profile,
                                      role_profile_version=profile_version, app_version=app))
        refused(lambda: a.stub.StartTrainingSession(request, metadata=a.admin_md))
        assert snapshot(assessment_owner_sql, a.tenant) == before

    run()


def test_bad_answers_write_nothing(assessment, course, assessment_owner_sql):
    a = assessment
    session = a.stub.StartTrainingSession(svc.StartTrainingSessionRequest(
        tenant_id=a.tenant, employee_id=a.learner, course=course.ref, policy=a.policy()),
        metadata=a.learner_md).session
    before = snapshot(assessment_owner_sql, a.tenant)
    items = [course.scenario_item, course.free_text, *course.single_choice, course.multi_choice]

    @SETTINGS
    @given(item=st.one_of(st.sampled_from(items), TEXT), option=st.one_of(st.sampled_from(["c", "zz", ""]), TEXT),
           text=st.one_of(st.just(""), st.just("x" * 1501), st.text(alphabet="\x00ab", min_size=1, max_size=5)),
           attempt=st.sampled_from([-1, 2, 7]))
    def run(item, option, text, attempt):
        request = svc.SubmitTrainingAnswerRequest(tenant_id=a.tenant, session_id=session.session_id, item_id=item,
                                                  selected_option=option, free_text_response=text,
                                                  attempt_number=attempt)
        refused(lambda: a.stub.SubmitTrainingAnswer(request, metadata=a.learner_md))
        assert snapshot(assessment_owner_sql, a.tenant) == before

    run()
