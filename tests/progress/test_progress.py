"""ProgressService against real PostgreSQL and the real catalog server."""

from __future__ import annotations

import uuid

import grpc
import pytest

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_service_pb2 as evidence_pb
from learning.progress.v1 import progress_resources_pb2 as res
from learning.progress.v1 import progress_service_pb2 as svc
from tests.progress.conftest import completing_events, event
from tests.support.rpc import error_reason, field_violations, status_details


def test_a_learner_progresses_and_a_service_passes_the_course_which_queues_one_certificate(
        progress, course, progress_owner_sql):
    p = progress
    lesson = event(p.learner, course.course_id, course.version, res.ITEM_KIND_LESSON, course.video,
                   res.EVENT_KIND_VIEWED)
    assert p.record([lesson], metadata=p.learner_md).recorded_count == 1
    started = p.get(course.course_id, course.version, metadata=p.learner_md)
    assert started.state == res.PROGRESS_STATE_IN_PROGRESS and started.percent_complete == 25
    assert [i.state for i in started.items][:4] == [res.PROGRESS_STATE_COMPLETED, res.PROGRESS_STATE_NOT_STARTED,
                                                     res.PROGRESS_STATE_NOT_STARTED, res.PROGRESS_STATE_NOT_STARTED]
    answer = p.record(completing_events(p.learner, course))
    passed = p.get(course.course_id, course.version)
    assert (passed.state, passed.percent_complete) == (res.PROGRESS_STATE_PASSED, 100)
    assert answer.recorded_count == 4 and passed.HasField("pass_time") and not passed.structure_pending
    queued = progress_owner_sql.execute(
        "SELECT count(*) FROM outbox WHERE tenant_id = %s AND destination = 'evidence.certificates'",
        (p.tenant,)).fetchone()[0]
    assert queued == 1
    p.record(completing_events(p.learner, course))  # passing again queues nothing more
    assert progress_owner_sql.execute("SELECT count(*) FROM outbox WHERE tenant_id = %s",
                                      (p.tenant,)).fetchone()[0] == 1


def test_redelivered_events_count_once_and_a_reused_event_id_is_already_exists(progress, course):
    p = progress
    first = event(p.learner, course.course_id, course.version, res.ITEM_KIND_LESSON, course.video,
                  res.EVENT_KIND_STARTED)
    assert p.record([first]).recorded_count == 1
    again = p.record([first])
    assert (again.recorded_count, again.duplicate_count) == (0, 1)
    reused = event(p.learner, course.course_id, course.version, res.ITEM_KIND_LESSON, course.scenario,
                   res.EVENT_KIND_STARTED, event_id=first.event_id)
    fresh = event(p.learner, course.course_id, course.version, res.ITEM_KIND_LESSON, course.scenario,
                  res.EVENT_KIND_COMPLETED)
    with pytest.raises(grpc.RpcError) as caught:
        p.record([fresh, reused])
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert p.get(course.course_id, course.version).items[1].state == res.PROGRESS_STATE_NOT_STARTED  # all or none


def test_learners_record_only_their_own_lesson_events(progress, course, tokens):
    p = progress
    scored = event(p.learner, course.course_id, course.version, res.ITEM_KIND_QUIZ, course.quiz,
                   res.EVENT_KIND_QUIZ_PASSED, score=1.0)
    someone_else = event(str(uuid.uuid4()), course.course_id, course.version, res.ITEM_KIND_LESSON, course.video,
                         res.EVENT_KIND_VIEWED)
    for events in ([scored], [someone_else]):
        with pytest.raises(grpc.RpcError) as caught:
            p.record(events, metadata=p.learner_md)
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as caught:  # nor does an admin record a scored outcome
        p.record([scored], metadata=tokens.metadata(p.tenant, ["admin"]))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    other_tenant = tokens.metadata("t-other", ["service"], subject="assessment")
    with pytest.raises(grpc.RpcError) as caught:
        p.record([someone_else], metadata=other_tenant)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as caught:  # reading another learner's progress
        p.get(course.course_id, course.version, user_id=someone_else.user_id, metadata=p.learner_md)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_bad_events_are_invalid_argument_with_every_violation_and_nothing_is_written(progress, course):
    p = progress
    good = event(p.learner, course.course_id, course.version, res.ITEM_KIND_LESSON, course.video,
                 res.EVENT_KIND_VIEWED)
    bad = event(p.learner, course.course_id, course.version, res.ITEM_KIND_QUIZ, "not-a-uuid",
                res.EVENT_KIND_VIEWED, score=2.0)
    bad.occur_time.seconds = 10
    unscored = event(p.learner, course.course_id, course.version, res.ITEM_KIND_QUIZ, course.quiz,
                     res.EVENT_KIND_QUIZ_PASSED, score=float("nan"))
    with pytest.raises(grpc.RpcError) as caught:
        p.record([good, bad, unscored])
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {"events[1].item_id", "events[1].kind", "events[1].score", "events[1].occur_time",
            "events[2].score"} <= set(field_violations(caught.value))
    assert p.get(course.course_id, course.version).state == res.PROGRESS_STATE_NOT_STARTED


def test_items_and_versions_the_catalog_does_not_have_are_failed_precondition(progress, course, catalog):
    p = progress
    stray = event(p.learner, course.course_id, course.version, res.ITEM_KIND_LESSON, str(uuid.uuid4()),
                  res.EVENT_KIND_VIEWED)
    draft = catalog.course("Draft only")
    unpublished = event(p.learner, draft.course_id, 1, res.ITEM_KIND_LESSON, str(uuid.uuid4()),
                        res.EVENT_KIND_VIEWED)
    for events, violation in (([stray], "ITEM_NOT_IN_VERSION"), ([unpublished], "COURSE_VERSION_NOT_PUBLISHED")):
        with pytest.raises(grpc.RpcError) as caught:
            p.record(events)
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert any(getattr(d, "violations", None) and d.violations[0].type == violation
                   for d in status_details(caught.value))


def test_progress_stays_pinned_to_its_version_and_upgrades_carry_shared_items_over(progress, course, catalog):
    p = progress
    p.record(completing_events(p.learner, course)[:2])  # both lessons of version 1
    catalog.update(course.course_id, ["title"], title="Ethics in procurement, 2nd edition")
    module = catalog.version(course.course_id, 2).modules[0]
    extra = catalog.video_lesson(module.module_id, title="New lesson")
    catalog.publish(course.course_id)
    v1 = p.get(course.course_id, 1)
    assert v1.percent_complete == 50 and v1.state == res.PROGRESS_STATE_IN_PROGRESS  # untouched by version 2
    upgraded = p.stub.UpgradeCourseProgress(svc.UpgradeCourseProgressRequest(
        tenant_id=p.tenant, user_id=p.learner, course_id=course.course_id, from_version=1, to_version=2),
        metadata=p.learner_md)
    assert upgraded.carried_over_count == 2
    assert upgraded.progress.upgraded_from_version == 1 and upgraded.progress.percent_complete == 40
    states = {i.item_id: i.state for i in upgraded.progress.items}
    assert states[course.video] == res.PROGRESS_STATE_COMPLETED and states[extra.lesson_id] == \
        res.PROGRESS_STATE_NOT_STARTED
    assert p.get(course.course_id, 1).percent_complete == 50  # the old version stays readable as it was
    listed = p.stub.ListUserProgress(svc.ListUserProgressRequest(tenant_id=p.tenant, user_id=p.learner),
                                     metadata=p.learner_md).progress
    assert sorted(x.course.version for x in listed) == [1, 2]


def test_list_user_progress_pages_and_filters(progress, course):
    p = progress
    learners = [str(uuid.uuid4()) for _ in range(5)]
    for index, learner in enumerate(learners):
        events = completing_events(learner, course)[: 1 + index % 4]
        p.record(events)
    seen, token = [], ""
    while True:
        page = p.stub.ListUserProgress(svc.ListUserProgressRequest(tenant_id=p.tenant, course_id=course.course_id,
                                                                   page_size=2, page_token=token),
                                       metadata=p.service_md)
        seen += [x.user_id for x in page.progress]
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == sorted(learners)
    in_progress = p.stub.ListUserProgress(svc.ListUserProgressRequest(
        tenant_id=p.tenant, state=res.PROGRESS_STATE_IN_PROGRESS), metadata=p.service_md).progress
    assert len(in_progress) == 4  # the fourth learner recorded all four completing events: PASSED
    passed = p.stub.ListUserProgress(svc.ListUserProgressRequest(
        tenant_id=p.tenant, state=res.PROGRESS_STATE_PASSED), metadata=p.service_md).progress
    assert [x.user_id for x in passed] == [learners[3]]
    with pytest.raises(grpc.RpcError) as caught:  # a learner lists only its own
        p.stub.ListUserProgress(svc.ListUserProgressRequest(tenant_id=p.tenant), metadata=p.learner_md)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.ListUserProgress(svc.ListUserProgressRequest(tenant_id=p.tenant, page_token="forged"),
                                metadata=p.service_md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT and error_reason(caught.value)


def test_get_course_progress_of_an_untouched_version_is_not_started(progress, course):
    untouched = progress.get(course.course_id, course.version)
    assert untouched.state == res.PROGRESS_STATE_NOT_STARTED and len(untouched.items) == 4
    assert untouched.course == common_pb2.CourseVersionRef(course_id=course.course_id, version=course.version)


def _tutor(user_id: str, course, **changes) -> res.TutorSession:
    from datetime import timedelta

    from shared.timeutil import to_timestamp, utcnow

    values = dict(tutor_session_id=str(uuid.uuid4()), user_id=user_id,
                  course=common_pb2.CourseVersionRef(course_id=course.course_id, version=course.version),
                  lesson_id=course.video, model_id="tutor-2026-10", start_time=to_timestamp(utcnow() - timedelta(minutes=9)),
                  end_time=to_timestamp(utcnow() - timedelta(minutes=2)), prompt_ref="s3://tutor/prompts/1",
                  response_ref="s3://tutor/responses/1", confidence=0.82,
                  guardrail_result=res.GUARDRAIL_RESULT_FLAGGED, guardrail_categories=["pricing.advice"],
                  summary="Explained the three-quote rule.")
    values.update(changes)
    return res.TutorSession(**values)


def test_tutor_sessions_are_recorded_once_audited_and_listed_per_learner(progress, course, progress_owner_sql):
    p = progress
    session = _tutor(p.learner, course)
    recorded = p.stub.RecordTutorSession(svc.RecordTutorSessionRequest(tenant_id=p.tenant, tutor_session=session),
                                         metadata=p.service_md)
    assert recorded.created and recorded.tutor_session.HasField("record_time")
    again = p.stub.RecordTutorSession(svc.RecordTutorSessionRequest(tenant_id=p.tenant, tutor_session=session),
                                      metadata=p.service_md)
    assert not again.created and again.tutor_session == recorded.tutor_session
    changed = res.TutorSession()
    changed.CopyFrom(session)
    changed.summary = "Something else"
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.RecordTutorSession(svc.RecordTutorSessionRequest(tenant_id=p.tenant, tutor_session=changed),
                                  metadata=p.service_md)
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    audited = progress_owner_sql.execute(
        "SELECT count(*) FROM outbox WHERE tenant_id = %s AND destination = 'audit'", (p.tenant,)).fetchone()[0]
    assert audited == 1
    other = str(uuid.uuid4())
    p.stub.RecordTutorSession(svc.RecordTutorSessionRequest(tenant_id=p.tenant, tutor_session=_tutor(
        other, course, guardrail_result=res.GUARDRAIL_RESULT_PASSED, guardrail_categories=[])), metadata=p.service_md)
    mine = p.stub.ListTutorSessions(svc.ListTutorSessionsRequest(tenant_id=p.tenant, user_id=p.learner),
                                    metadata=p.learner_md).tutor_sessions
    assert [s.tutor_session_id for s in mine] == [session.tutor_session_id]
    flagged = p.stub.ListTutorSessions(svc.ListTutorSessionsRequest(
        tenant_id=p.tenant, guardrail_result=res.GUARDRAIL_RESULT_FLAGGED, lesson_id=course.video),
        metadata=p.service_md).tutor_sessions
    assert [s.user_id for s in flagged] == [p.learner]
    with pytest.raises(grpc.RpcError) as caught:  # another learner's session does not exist for a learner
        p.stub.GetTutorSession(svc.GetTutorSessionRequest(tenant_id=p.tenant, tutor_session_id=session.tutor_session_id),
                               metadata=p.tokens.metadata(p.tenant, ["learner"], subject=other))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as caught:  # learners do not record tutor sessions
        p.stub.RecordTutorSession(svc.RecordTutorSessionRequest(tenant_id=p.tenant, tutor_session=_tutor(
            p.learner, course)), metadata=p.learner_md)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_bad_tutor_sessions_are_invalid_argument(progress, course):
    p = progress
    bad = _tutor(p.learner, course, confidence=1.5, guardrail_result=res.GUARDRAIL_RESULT_BLOCKED,
                 guardrail_categories=[], summary="x" * 2001, prompt_ref="", model_id="")
    bad.end_time.seconds = bad.start_time.seconds - 60
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.RecordTutorSession(svc.RecordTutorSessionRequest(tenant_id=p.tenant, tutor_session=bad),
                                  metadata=p.service_md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {"tutor_session.confidence", "tutor_session.guardrail_categories", "tutor_session.summary",
            "tutor_session.prompt_ref", "tutor_session.model_id", "tutor_session.end_time"} <= set(
        field_violations(caught.value))


def test_a_learning_path_follows_its_steps_and_is_certified_once_when_every_required_step_passes(
        progress, catalog, progress_owner_sql):
    from learning.catalog.v1 import catalog_resources_pb2 as cat
    from learning.catalog.v1 import catalog_service_pb2 as csvc
    from tests.progress.conftest import publish_course

    p = progress
    first, second, optional = publish_course(catalog), publish_course(catalog), publish_course(catalog)
    steps = [cat.LearningPathStep(course=common_pb2.CourseVersionRef(course_id=c.course_id, version=c.version),
                                  required=required)
             for c, required in ((first, True), (second, True), (optional, False))]
    path = catalog.stub.CreateLearningPath(csvc.CreateLearningPathRequest(
        tenant_id=p.tenant, title="Buyer track", goal="Buy well", owner_id=str(uuid.uuid4()), steps=steps),
        metadata=catalog.md).learning_path
    path = catalog.stub.PublishLearningPath(csvc.PublishLearningPathRequest(
        tenant_id=p.tenant, learning_path_id=path.learning_path_id), metadata=catalog.md).learning_path
    ref = common_pb2.LearningPathVersionRef(learning_path_id=path.learning_path_id, version=path.version)

    def path_progress():
        return p.stub.GetPathProgress(svc.GetPathProgressRequest(tenant_id=p.tenant, user_id=p.learner,
                                                                 learning_path=ref), metadata=p.learner_md).progress

    assert path_progress().state == res.PROGRESS_STATE_NOT_STARTED and not path_progress().enrolled
    recommended = p.stub.CreateRecommendation(svc.CreateRecommendationRequest(
        tenant_id=p.tenant, recommendation=res.Recommendation(
            user_id=p.learner, learning_path_id=path.learning_path_id, priority=res.RECOMMENDATION_PRIORITY_HIGH,
            reason="The buyer track", source=res.SourceReference(domain="people", type="manager_request", id="m-1"))),
        metadata=p.service_md).recommendation
    in_path = completing_events(p.learner, first)
    for e in in_path:
        e.learning_path.CopyFrom(ref)
    p.record(in_path)
    halfway = path_progress()
    assert (halfway.state, halfway.percent_complete, halfway.enrolled) == (res.PROGRESS_STATE_IN_PROGRESS, 50, True)
    assert [s.state for s in halfway.steps] == [res.PROGRESS_STATE_PASSED, res.PROGRESS_STATE_NOT_STARTED,
                                                 res.PROGRESS_STATE_NOT_STARTED]
    p.record(completing_events(p.learner, second))  # no path ref needed once enrolled
    done = path_progress()
    assert (done.state, done.percent_complete) == (res.PROGRESS_STATE_PASSED, 100)  # the optional step is optional
    p.record(completing_events(p.learner, second))

    def certificates(kind: str) -> int:
        return sum(1 for (message,) in progress_owner_sql.execute(
            "SELECT message FROM outbox WHERE tenant_id = %s AND destination = 'evidence.certificates'", (p.tenant,))
            if evidence_pb.IssueCertificateRequest.FromString(bytes(message)).WhichOneof("subject") == kind)

    assert (certificates("course"), certificates("learning_path")) == (2, 1)
    mine = p.stub.ListRecommendations(svc.ListRecommendationsRequest(tenant_id=p.tenant, user_id=p.learner),
                                      metadata=p.learner_md).recommendations
    assert [(r.recommendation_id, r.status) for r in mine] == [(recommended.recommendation_id,
                                                                 res.RECOMMENDATION_STATUS_COMPLETED)]


def test_the_stored_progress_is_the_same_for_any_order_and_duplicates_of_the_events(progress, course):
    """The database fold (OR of marks, max score, earliest times) agrees with domain.fold: the same
    events delivered in different orders and batches, some twice, give the same stored progress."""
    import random

    p = progress
    chance = random.Random(20261124)
    learners = [str(uuid.uuid4()) for _ in range(3)]
    template = [
        (res.ITEM_KIND_LESSON, course.video, res.EVENT_KIND_STARTED, 0.0, 300),
        (res.ITEM_KIND_LESSON, course.video, res.EVENT_KIND_VIEWED, 0.0, 250),
        (res.ITEM_KIND_QUIZ, course.quiz, res.EVENT_KIND_QUIZ_FAILED, 0.3, 200),
        (res.ITEM_KIND_QUIZ, course.quiz, res.EVENT_KIND_QUIZ_PASSED, 0.85, 150),
        (res.ITEM_KIND_QUIZ, course.quiz, res.EVENT_KIND_QUIZ_FAILED, 0.5, 100),  # a late failure
        (res.ITEM_KIND_LESSON, course.scenario, res.EVENT_KIND_COMPLETED, 0.0, 50),
    ]
    seen = []
    for learner in learners:
        events = [event(learner, course.course_id, course.version, kind, item, what, score=score, seconds_ago=ago)
                  for kind, item, what, score, ago in template]
        order = events + chance.sample(events, 3)  # three duplicates
        chance.shuffle(order)
        cut = chance.randint(1, len(order) - 1)
        for batch in (order[:cut], order[cut:]):
            p.record(batch)
        got = p.get(course.course_id, course.version, user_id=learner)
        seen.append([(i.item_id, i.state, round(i.best_score, 6)) for i in got.items] + [got.state, got.percent_complete])
    assert seen[0] == seen[1] == seen[2]
    assert seen[0][2][1:] == (res.PROGRESS_STATE_PASSED, 0.85)  # the quiz stays passed with its best score
