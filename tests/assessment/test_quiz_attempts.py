"""Quiz attempts against real PostgreSQL, the real catalog server and the real assessment server.

Scoring failures (external scorer down, catalog down) are exercised on a second assessment server built from
the service's own pieces with a scorer and a catalog client the test can switch off; its background scorer
is driven by the test (score_pending on the server's loop), so every step is deterministic."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.assessment.v1 import assessment_service_pb2 as svc
from learning.assessment.v1 import assessment_service_pb2_grpc
from learning.audit.v1 import audit_service_pb2
from learning.catalog.v1 import catalog_resources_pb2 as cat
from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as progress_res
from learning.progress.v1 import progress_service_pb2 as progress_svc
from services.assessment import main, tables
from services.assessment.api import AssessmentApi, quiz_attempts
from services.assessment.catalog_content import CatalogContent, CatalogUnavailable
from services.assessment.domain import quiz_attempts as domain
from services.assessment.scoring import Scorer
from shared.clients import service_channel
from shared.db import Database
from shared.server import ServiceHost
from shared.timeutil import to_timestamp
from shared.unit_of_work import UnitsOfWork
from tests.assessment.conftest import GOOD_FREE_TEXT, publish_course
from tests.support.rpc import field_violations, status_details
from tests.support.servers import ServerThread

HIGHEST = cat.QUIZ_SCORING_POLICY_HIGHEST_ATTEMPT
LATEST = cat.QUIZ_SCORING_POLICY_LATEST_ATTEMPT
AVERAGE = cat.QUIZ_SCORING_POLICY_AVERAGE_ATTEMPTS


def _start(a, course, quiz_id, md=None, user_id=None, **kw) -> res.QuizAttempt:
    return a.stub.StartQuizAttempt(svc.StartQuizAttemptRequest(
        tenant_id=a.tenant, user_id=user_id or a.learner, course=course.ref, quiz_id=quiz_id, **kw),
        metadata=md or a.learner_md).attempt


def _answer(a, attempt_id, question_id, md=None, **kw) -> res.QuizAttempt:
    return a.stub.AnswerQuizQuestion(svc.AnswerQuizQuestionRequest(
        tenant_id=a.tenant, attempt_id=attempt_id, question_id=question_id, **kw), metadata=md or a.learner_md).attempt


def _submit(a, attempt_id, md=None) -> res.QuizAttempt:
    return a.stub.SubmitQuizAttempt(svc.SubmitQuizAttemptRequest(tenant_id=a.tenant, attempt_id=attempt_id),
                                    metadata=md or a.learner_md).attempt


def _get(a, attempt_id, md=None) -> res.QuizAttempt:
    return a.stub.GetQuizAttempt(svc.GetQuizAttemptRequest(tenant_id=a.tenant, attempt_id=attempt_id),
                                 metadata=md or a.learner_md).attempt


def _list(a, md=None, **kw) -> svc.ListQuizAttemptsResponse:
    return a.stub.ListQuizAttempts(svc.ListQuizAttemptsRequest(tenant_id=a.tenant, **kw), metadata=md or a.admin_md)


def _error(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def _violation_types(error) -> list[str]:
    return [v.type for d in status_details(error) if hasattr(d, "violations") for v in d.violations]


def _outbox(sql, tenant: str, destination: str) -> list[bytes]:
    return [bytes(row[0]) for row in sql.execute(
        "SELECT message FROM outbox WHERE tenant_id = %s AND destination = %s ORDER BY position",
        (tenant, destination))]


def _scored_events(sql, tenant: str) -> tuple[list[audit_service_pb2.AuditEvent], list[progress_res.ProgressEvent]]:
    audits = [audit_service_pb2.AuditEvent.FromString(m) for m in _outbox(sql, tenant, "audit")]
    progress = [e for m in _outbox(sql, tenant, "progress.events")
                for e in progress_svc.RecordProgressEventsRequest.FromString(m).events]
    return [e for e in audits if e.action == "quiz.scored"], progress


def _pass(a, course, quiz: int = 0, md=None, user_id=None) -> res.QuizAttempt:
    """Start, answer every question right, submit (the course fixture's quizzes)."""
    attempt = _start(a, course, course.quiz_ids[quiz], md=md, user_id=user_id)
    if quiz == 0:
        _answer(a, attempt.attempt_id, course.single_choice[0], md=md, selected_options=["a"])
        _answer(a, attempt.attempt_id, course.free_text, md=md, free_text_response=GOOD_FREE_TEXT)
    else:
        _answer(a, attempt.attempt_id, course.single_choice[1], md=md, selected_options=["a"])
        _answer(a, attempt.attempt_id, course.multi_choice, md=md, selected_options=["c", "a"])
    return _submit(a, attempt.attempt_id, md=md)


# -------------------------------------------------------------------------------------------------------
# Start, answer, submit
# -------------------------------------------------------------------------------------------------------

def test_an_attempt_shows_its_questions_without_keys_and_passes_with_one_scored_event(
        assessment, course, assessment_owner_sql):
    a = assessment
    started = _start(a, course, course.quiz_ids[0])
    assert (started.status, started.attempt_number, started.max_attempts) == (
        res.QUIZ_ATTEMPT_STATUS_IN_PROGRESS, 1, 3)
    assert started.pass_threshold == pytest.approx(0.8) and started.user_id == a.learner
    assert started.result_policy == res.QUIZ_RESULT_POLICY_HIGHEST_ATTEMPT
    assert not started.HasField("score") and not started.HasField("quiz_result")
    assert not started.HasField("submit_time") and started.HasField("start_time")
    single, free = started.questions
    assert (single.question_id, free.question_id) == (course.single_choice[0], course.free_text)
    assert single.answer_format == res.ANSWER_FORMAT_MULTIPLE_CHOICE and single.max_length == 0
    assert [(o.key, o.text) for o in single.options] == [("a", "Right"), ("b", "Wrong")]
    assert free.answer_format == res.ANSWER_FORMAT_FREE_TEXT and free.max_length == 1500 and not free.options
    assert b"Mentions personal gain" not in started.SerializeToString()  # never the rubric

    answered = _answer(a, started.attempt_id, course.single_choice[0], selected_options=["b"])
    answered = _answer(a, started.attempt_id, course.single_choice[0], selected_options=["a"])  # changed
    answered = _answer(a, started.attempt_id, course.free_text, free_text_response=GOOD_FREE_TEXT)
    given = {q.question_id: q.answer for q in answered.questions}
    assert list(given[course.single_choice[0]].selected_options) == ["a"]
    assert given[course.free_text].free_text_response == GOOD_FREE_TEXT
    assert {answer.status for answer in given.values()} == {res.ANSWER_STATUS_PENDING}  # scored at submission
    assert not _scored_events(assessment_owner_sql, a.tenant)[0]

    submitted = _submit(a, started.attempt_id)
    assert submitted.status == res.QUIZ_ATTEMPT_STATUS_PASSED
    assert (submitted.score, submitted.quiz_result) == (pytest.approx(1.0), pytest.approx(1.0))
    assert submitted.HasField("submit_time") and submitted.HasField("score_time")
    free_answer = submitted.questions[1].answer
    assert (free_answer.status, free_answer.score) == (res.ANSWER_STATUS_SCORED, pytest.approx(1.0))
    assert free_answer.rationale.startswith("2 of 2 rubric criteria met")
    assert submitted.questions[0].answer.status == res.ANSWER_STATUS_SCORED

    again = _submit(a, started.attempt_id)  # submitting a submitted attempt changes nothing
    assert again == submitted == _get(a, started.attempt_id)
    audits, progress = _scored_events(assessment_owner_sql, a.tenant)
    assert len(audits) == 1 and len(progress) == 1
    audit = audits[0]
    assert (audit.subject_type, audit.subject_id, audit.actor_id, audit.source_service) == (
        "quiz_attempt", started.attempt_id, a.learner, "assessment")
    assert audit.event_id == domain.scored_event_id(a.tenant, started.attempt_id)
    payload = dict(audit.payload)
    assert payload == {"user_id": a.learner, "course_id": course.course_id, "version": course.version,
                       "quiz_id": course.quiz_ids[0], "attempt_number": 1, "score": 1.0, "passed": True,
                       "quiz_result": 1.0, "result_policy": "highest"}
    event = progress[0]
    assert (event.user_id, event.course.course_id, event.course.version, event.item_kind, event.item_id,
            event.kind, event.score) == (a.learner, course.course_id, course.version, progress_res.ITEM_KIND_QUIZ,
                                         course.quiz_ids[0], progress_res.EVENT_KIND_QUIZ_PASSED, 1.0)
    assert event.occur_time == submitted.score_time and event.event_id != audit.event_id


def test_unanswered_questions_score_zero_and_a_failed_attempt_sends_quiz_failed(
        assessment, course, assessment_owner_sql):
    a = assessment
    attempt = _start(a, course, course.quiz_ids[1])
    _answer(a, attempt.attempt_id, course.single_choice[1], selected_options=["a"])  # right; the multi one left out
    failed = _submit(a, attempt.attempt_id)
    assert failed.status == res.QUIZ_ATTEMPT_STATUS_FAILED
    assert (failed.score, failed.quiz_result) == (pytest.approx(0.5), pytest.approx(0.5))
    assert failed.questions[0].answer.score == 1.0 and not failed.questions[1].HasField("answer")
    audits, progress = _scored_events(assessment_owner_sql, a.tenant)
    assert [dict(e.payload)["passed"] for e in audits] == [False]
    assert [(e.kind, e.score) for e in progress] == [(progress_res.EVENT_KIND_QUIZ_FAILED, 0.5)]

    second = _start(a, course, course.quiz_ids[1])
    assert second.attempt_number == 2 and second.attempt_id != attempt.attempt_id
    _answer(a, second.attempt_id, course.single_choice[1], selected_options=["a"])
    _answer(a, second.attempt_id, course.multi_choice, selected_options=["a"])  # one of the two keys: wrong
    assert _submit(a, second.attempt_id).score == 0.5
    third = _start(a, course, course.quiz_ids[1])
    _answer(a, third.attempt_id, course.single_choice[1], selected_options=["a"])
    _answer(a, third.attempt_id, course.multi_choice, selected_options=["c", "a"])  # the exact set
    assert _submit(a, third.attempt_id).status == res.QUIZ_ATTEMPT_STATUS_PASSED


def test_starting_again_returns_the_open_attempt_and_request_ids_make_retries_safe(assessment, course):
    a = assessment
    request_id = str(uuid.uuid4())
    first = _start(a, course, course.quiz_ids[0], request_id=request_id)
    _answer(a, first.attempt_id, course.single_choice[0], selected_options=["a"])
    reopened = _start(a, course, course.quiz_ids[0])
    assert reopened.attempt_id == first.attempt_id and reopened.questions[0].answer.selected_options == ["a"]
    assert _start(a, course, course.quiz_ids[0], request_id=request_id) == first  # the first answer, replayed
    reused = _error(lambda: _start(a, course, course.quiz_ids[1], request_id=request_id))
    assert reused.code() == grpc.StatusCode.ALREADY_EXISTS
    other_quiz = _start(a, course, course.quiz_ids[1])  # one open attempt per quiz, not per learner
    assert other_quiz.attempt_id != first.attempt_id and other_quiz.attempt_number == 1


def test_attempts_stop_at_the_quizs_max_attempts(assessment, catalog):
    a = assessment
    course = publish_course(catalog, max_attempts=2)
    for number in (1, 2):
        assert _pass(a, course).attempt_number == number  # a passed learner may try again
    error = _error(lambda: _start(a, course, course.quiz_ids[0]))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert _violation_types(error) == ["MAX_ATTEMPTS_REACHED"]
    assert _start(a, course, course.quiz_ids[1]).attempt_number == 1  # another quiz counts on its own


def test_concurrent_starts_create_one_attempt(assessment, course, assessment_owner_sql):
    a = assessment
    barrier = threading.Barrier(8)

    def start(_):
        barrier.wait()
        return _start(a, course, course.quiz_ids[0]).attempt_id

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(start, range(8)))
    assert len(ids) == 1
    assert assessment_owner_sql.execute("SELECT count(*) FROM learning_quiz_attempts WHERE tenant_id = %s",
                                        (a.tenant,)).fetchone()[0] == 1


def _policy_course(catalog, policy) -> tuple[str, str, list[str], int]:
    """A course with one quiz of two single-choice questions (right key "a") under `policy`."""
    course = catalog.course(f"Policy {policy}")
    module = catalog.module(course.course_id, title="Only module")
    question = cat.QuizQuestion(prompt="Pick a", multiple_choice=cat.MultipleChoice(
        options=[cat.Option(key="a", text="A"), cat.Option(key="b", text="B")], correct_keys=["a"]))
    quiz = catalog.quiz(module.module_id, scoring_policy=policy, pass_threshold=0.8, max_attempts=5,
                        questions=[question, question])
    version = catalog.publish(course.course_id).published_version
    return course.course_id, quiz.quiz_id, [q.question_id for q in quiz.questions], version


@pytest.mark.parametrize(("policy", "result", "kind"), [
    (HIGHEST, 1.0, progress_res.EVENT_KIND_QUIZ_PASSED),
    (LATEST, 0.5, progress_res.EVENT_KIND_QUIZ_FAILED),
    (AVERAGE, 0.75, progress_res.EVENT_KIND_QUIZ_FAILED),
])
def test_the_quiz_result_follows_the_quizs_policy(assessment, catalog, assessment_owner_sql, policy, result, kind):
    a = assessment
    course_id, quiz_id, questions, version = _policy_course(catalog, policy)
    ref = common_pb2.CourseVersionRef(course_id=course_id, version=version)

    def attempt(right: int) -> res.QuizAttempt:
        started = a.stub.StartQuizAttempt(svc.StartQuizAttemptRequest(
            tenant_id=a.tenant, user_id=a.learner, course=ref, quiz_id=quiz_id), metadata=a.learner_md).attempt
        for index, question_id in enumerate(questions):
            _answer(a, started.attempt_id, question_id, selected_options=["a" if index < right else "b"])
        return _submit(a, started.attempt_id)

    first, second = attempt(2), attempt(1)
    assert (first.score, first.quiz_result, first.status) == (1.0, 1.0, res.QUIZ_ATTEMPT_STATUS_PASSED)
    assert (second.score, second.status) == (0.5, res.QUIZ_ATTEMPT_STATUS_FAILED)
    assert second.quiz_result == pytest.approx(result)
    assert second.result_policy == {HIGHEST: res.QUIZ_RESULT_POLICY_HIGHEST_ATTEMPT,
                                    LATEST: res.QUIZ_RESULT_POLICY_LATEST_ATTEMPT,
                                    AVERAGE: res.QUIZ_RESULT_POLICY_AVERAGE_ATTEMPTS}[policy]
    audits, progress = _scored_events(assessment_owner_sql, a.tenant)
    assert [dict(e.payload)["quiz_result"] for e in audits] == [1.0, pytest.approx(result)]
    assert [(e.kind, e.score) for e in progress] == [(progress_res.EVENT_KIND_QUIZ_PASSED, 1.0),
                                                     (kind, pytest.approx(result))]


# -------------------------------------------------------------------------------------------------------
# Who may do what
# -------------------------------------------------------------------------------------------------------

def test_a_learner_cannot_see_or_change_another_learners_attempt(assessment, course, tokens):
    a = assessment
    attempt = _start(a, course, course.quiz_ids[0])
    other, other_md = a.other_learner_md()
    for call in (lambda: _get(a, attempt.attempt_id, md=other_md),
                 lambda: _answer(a, attempt.attempt_id, course.single_choice[0], md=other_md,
                                 selected_options=["a"]),
                 lambda: _submit(a, attempt.attempt_id, md=other_md)):
        assert _error(call).code() == grpc.StatusCode.NOT_FOUND
    assert _get(a, attempt.attempt_id).questions[0].HasField("answer") is False  # nothing was changed
    for md in (other_md, a.learner_md):  # learners list with their own user_id only
        assert _error(lambda md=md: _list(a, md=md, user_id=a.learner if md is other_md else "")).code() == \
            grpc.StatusCode.PERMISSION_DENIED
    assert _error(lambda: _start(a, course, course.quiz_ids[0], md=other_md)).code() == \
        grpc.StatusCode.PERMISSION_DENIED  # a learner starts only for itself
    assert [x.attempt_id for x in _list(a, md=a.learner_md, user_id=a.learner).attempts] == [attempt.attempt_id]
    assert _error(lambda: _get(a, str(uuid.uuid4()))).code() == grpc.StatusCode.NOT_FOUND
    reviewer = tokens.metadata(a.tenant, ["reviewer"], subject=str(uuid.uuid4()))
    for md in (a.auditor_md, reviewer, a.service_md, a.admin_md):
        assert _get(a, attempt.attempt_id, md=md).attempt_id == attempt.attempt_id
    other_tenant = tokens.metadata("t-elsewhere", ["admin"])
    assert _error(lambda: _get(a, attempt.attempt_id, md=other_tenant)).code() == grpc.StatusCode.PERMISSION_DENIED


def test_only_learners_admins_and_services_take_part(assessment, course):
    a = assessment
    attempt = _start(a, course, course.quiz_ids[0])
    for md in (a.auditor_md, a.author_md):
        assert _error(lambda md=md: _start(a, course, course.quiz_ids[1], md=md)).code() == \
            grpc.StatusCode.PERMISSION_DENIED
        assert _error(lambda md=md: _submit(a, attempt.attempt_id, md=md)).code() == \
            grpc.StatusCode.PERMISSION_DENIED
    assert _error(lambda: _list(a, md=a.author_md)).code() == grpc.StatusCode.PERMISSION_DENIED
    by_admin = _start(a, course, course.quiz_ids[1], md=a.admin_md)  # an admin starts for a learner
    assert by_admin.user_id == a.learner
    _answer(a, by_admin.attempt_id, course.single_choice[1], md=a.service_md, selected_options=["a"])
    assert _submit(a, by_admin.attempt_id, md=a.admin_md).status == res.QUIZ_ATTEMPT_STATUS_FAILED
    assert _get(a, by_admin.attempt_id).status == res.QUIZ_ATTEMPT_STATUS_FAILED  # the learner's own


# -------------------------------------------------------------------------------------------------------
# Bad input and illegal states
# -------------------------------------------------------------------------------------------------------

def test_bad_starts_are_invalid_argument_or_failed_precondition(assessment, course):
    a = assessment
    bad = _error(lambda: a.stub.StartQuizAttempt(svc.StartQuizAttemptRequest(
        tenant_id=a.tenant, request_id="nope", user_id="someone", course=common_pb2.CourseVersionRef(
            course_id="x", version=0), quiz_id=""), metadata=a.admin_md))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(bad)) == {"request_id", "user_id", "course.course_id", "course.version", "quiz_id"}
    missing = _error(lambda: _start(a, course, str(uuid.uuid4())))
    assert missing.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert _violation_types(missing) == ["QUIZ_NOT_IN_VERSION"]
    unpublished = common_pb2.CourseVersionRef(course_id=course.course_id, version=course.version + 5)
    error = _error(lambda: a.stub.StartQuizAttempt(svc.StartQuizAttemptRequest(
        tenant_id=a.tenant, user_id=a.learner, course=unpublished, quiz_id=course.quiz_ids[0]),
        metadata=a.learner_md))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert _violation_types(error) == ["COURSE_VERSION_NOT_PUBLISHED"]


def test_bad_answers_name_their_fields_and_submitted_attempts_take_no_answers(assessment, course):
    a = assessment
    attempt = _start(a, course, course.quiz_ids[1]).attempt_id
    single, multi = course.single_choice[1], course.multi_choice
    cases = [
        (dict(question_id=single, selected_options=["z"]), {"selected_options[0]"}),
        (dict(question_id=multi, selected_options=["a", "c", "a"]), {"selected_options[2]"}),
        (dict(question_id=multi, selected_options=[f"k{i}" for i in range(21)]), {"selected_options"}),
        (dict(question_id=multi, selected_options=["a", ""]), {"selected_options[1]"}),
        (dict(question_id=single), {"selected_options"}),
        (dict(question_id=single, free_text_response="A"), {"free_text_response", "selected_options"}),
        (dict(question_id=single, selected_options=["a"], free_text_response="A"), {"free_text_response"}),
        (dict(question_id=course.free_text, selected_options=["a"]), {"question_id"}),  # not in this quiz
        (dict(question_id="q-1", selected_options=["a"]), {"question_id"}),
    ]
    for fields, expected in cases:
        error = _error(lambda fields=fields: _answer(a, attempt, **fields))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, fields
        assert set(field_violations(error)) == expected, fields
    assert _error(lambda: _answer(a, "nope", single, selected_options=["a"])).code() == \
        grpc.StatusCode.INVALID_ARGUMENT
    assert not any(q.HasField("answer") for q in _get(a, attempt).questions)  # nothing was stored

    free_attempt = _start(a, course, course.quiz_ids[0]).attempt_id
    for text, field in (("x" * 1501, "free_text_response"), ("   ", "free_text_response")):
        error = _error(lambda text=text: _answer(a, free_attempt, course.free_text, free_text_response=text))
        assert set(field_violations(error)) == {field}
    error = _error(lambda: _answer(a, free_attempt, course.free_text, selected_options=["a"]))
    assert set(field_violations(error)) == {"selected_options", "free_text_response"}
    assert _answer(a, free_attempt, course.free_text, free_text_response="y" * 1500).questions[1].HasField("answer")

    _submit(a, attempt)
    closed = _error(lambda: _answer(a, attempt, single, selected_options=["a"]))
    assert closed.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert _violation_types(closed) == ["ATTEMPT_NOT_IN_PROGRESS"]
    for call in (lambda: _get(a, "x"), lambda: _submit(a, "")):
        error = _error(call)
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and set(field_violations(error)) == {"attempt_id"}


# -------------------------------------------------------------------------------------------------------
# Lists
# -------------------------------------------------------------------------------------------------------

def test_list_filters_and_pages_newest_first_without_questions(assessment, course):
    a = assessment
    other, other_md = a.other_learner_md()
    passed = _pass(a, course, quiz=0)
    failed_attempt = _start(a, course, course.quiz_ids[1])
    failed = _submit(a, failed_attempt.attempt_id)
    open_one = _start(a, course, course.quiz_ids[0])
    others = _start(a, course, course.quiz_ids[0], md=other_md, user_id=other)
    newest_first = [others.attempt_id, open_one.attempt_id, failed.attempt_id, passed.attempt_id]

    everything = _list(a).attempts
    assert [x.attempt_id for x in everything] == newest_first
    assert all(not x.questions for x in everything) and everything[3].score == 1.0
    ids = lambda **kw: [x.attempt_id for x in _list(a, **kw).attempts]  # noqa: E731
    assert ids(user_id=a.learner) == newest_first[1:]
    assert ids(quiz_id=course.quiz_ids[1]) == [failed.attempt_id]
    assert ids(status=res.QUIZ_ATTEMPT_STATUS_IN_PROGRESS) == [others.attempt_id, open_one.attempt_id]
    assert ids(status=res.QUIZ_ATTEMPT_STATUS_PASSED, user_id=a.learner) == [passed.attempt_id]
    assert ids(course=common_pb2.CourseVersionRef(course_id=course.course_id)) == newest_first
    assert ids(course=course.ref) == newest_first
    assert ids(course=common_pb2.CourseVersionRef(course_id=course.course_id, version=course.version + 1)) == []
    assert ids(course=common_pb2.CourseVersionRef(course_id=str(uuid.uuid4()))) == []
    since = common_pb2.TimeRange(start_time=open_one.start_time)
    assert ids(start_time=since) == newest_first[:2]
    assert ids(start_time=common_pb2.TimeRange(end_time=open_one.start_time)) == newest_first[2:]

    seen, token = [], ""
    while True:
        page = _list(a, page_size=1, page_token=token)
        seen += [x.attempt_id for x in page.attempts]
        token = page.next_page_token
        if not token:
            break
    assert seen == newest_first
    first = _list(a, page_size=2)
    assert _list(a, page_size=2, page_token=first.next_page_token).attempts[0].attempt_id == newest_first[2]
    for kw, field in ((dict(page_token=first.next_page_token, user_id=a.learner), "page_token"),
                      (dict(page_token="garbage"), "page_token"), (dict(status=99), "status"),
                      (dict(page_size=-1), "page_size"), (dict(user_id="me"), "user_id"),
                      (dict(quiz_id="q"), "quiz_id"),
                      (dict(course=common_pb2.CourseVersionRef(version=2)), "course.course_id"),
                      (dict(start_time=common_pb2.TimeRange(start_time=to_timestamp(datetime.now(UTC)),
                                                            end_time=to_timestamp(datetime(2020, 1, 1, tzinfo=UTC)))),
                       "start_time")):
        error = _error(lambda kw=kw: _list(a, **kw))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and field in field_violations(error), kw


# -------------------------------------------------------------------------------------------------------
# Scoring that has to wait: the scorer or the catalog fails
# -------------------------------------------------------------------------------------------------------

class FlakyScorer(Scorer):
    """The built-in rubric scorer, failing (None) the next `failures` times it is asked."""

    def __init__(self) -> None:
        super().__init__(None, timeout_seconds=1.0)
        self.failures = 0
        self.calls = 0

    async def score_free_text(self, **kw):
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            return None
        return await super().score_free_text(**kw)


class SwitchableCatalog(CatalogContent):
    """The real catalog client; while `down`, it answers as an unreachable catalog does."""

    down = False

    async def get(self, tenant_id, course_id, version):
        if self.down:
            raise CatalogUnavailable("the catalog is switched off by the test")
        return await super().get(tenant_id, course_id, version)


class ScoringServer:
    """A second assessment server (same database) whose scorer and catalog the test controls. Its first wait
    before a retry is long, so no background scorer picks its pending answers before the test makes them due."""

    RETRY_SECONDS = 30.0

    def __init__(self, settings) -> None:
        self.settings, self.scorer, self.api = settings, FlakyScorer(), None

    async def build(self) -> ServiceHost:
        database = Database.from_settings(self.settings)
        work = UnitsOfWork(database, service="assessment", outbox=tables.outbox,
                           idempotency_keys=tables.idempotency_keys)
        self.catalog = SwitchableCatalog(service_channel(self.settings, self.settings.catalog_address))
        self.api = AssessmentApi(work, self.catalog, self.scorer, retry_seconds=self.RETRY_SECONDS)
        return ServiceHost.from_settings(
            self.settings, name="assessment", service_names=[main.SERVICE_FULL_NAME], database=database,
            register=lambda server: assessment_service_pb2_grpc.add_AssessmentServiceServicer_to_server(
                self.api, server))


@pytest.fixture(scope="module")
def scoring(assessment_settings):
    server = ScoringServer(assessment_settings)
    thread = ServerThread(server.build)
    with thread as host, grpc.insecure_channel(host.address) as channel:
        server.thread, server.stub = thread, assessment_service_pb2_grpc.AssessmentServiceStub(channel)
        yield server


def _due_now(sql, attempt_id: str) -> None:
    sql.execute("UPDATE learning_quiz_answers SET next_try_at = now() - interval '1 second' "
                "WHERE attempt_id = %s AND status = 'pending'", (attempt_id,))


def _pending(sql, attempt_id: str) -> dict[str, tuple]:
    return {str(row[0]): (row[1], row[2]) for row in sql.execute(
        "SELECT question_id, scoring_failures, next_try_at FROM learning_quiz_answers "
        "WHERE attempt_id = %s AND status = 'pending'", (attempt_id,))}


def test_a_failed_scorer_leaves_the_answer_pending_and_the_background_scores_it_later(
        assessment, course, scoring, assessment_owner_sql):
    a = assessment
    a.stub = scoring.stub  # the same calls, on the server with the switchable scorer
    attempt = _start(a, course, course.quiz_ids[0]).attempt_id
    _answer(a, attempt, course.single_choice[0], selected_options=["a"])
    _answer(a, attempt, course.free_text, free_text_response=GOOD_FREE_TEXT)
    scoring.scorer.failures = 2
    submitted = _submit(a, attempt)
    assert submitted.status == res.QUIZ_ATTEMPT_STATUS_SCORING and not submitted.HasField("score")
    assert submitted.HasField("submit_time") and not submitted.HasField("score_time")
    choice, free = (q.answer for q in submitted.questions)
    assert (choice.status, choice.score) == (res.ANSWER_STATUS_SCORED, 1.0)
    assert (free.status, free.score, free.rationale) == (res.ANSWER_STATUS_PENDING, 0.0, "")  # never a 0 score
    assert _submit(a, attempt) == submitted  # submitted already: unchanged
    failures, next_try = _pending(assessment_owner_sql, attempt)[course.free_text]
    assert failures == 1 and next_try > datetime.now(UTC) + timedelta(seconds=20)
    assert _scored_events(assessment_owner_sql, a.tenant) == ([], [])

    _due_now(assessment_owner_sql, attempt)
    scoring.thread.run(quiz_attempts.score_pending(scoring.api))  # the scorer fails again: doubled wait
    failures, next_try = _pending(assessment_owner_sql, attempt)[course.free_text]
    assert failures == 2 and next_try > datetime.now(UTC) + timedelta(seconds=50)
    assert _get(a, attempt).status == res.QUIZ_ATTEMPT_STATUS_SCORING

    _due_now(assessment_owner_sql, attempt)
    assert scoring.thread.run(quiz_attempts.score_pending(scoring.api)) >= 1
    scored = _get(a, attempt)
    assert (scored.status, scored.score, scored.quiz_result) == (res.QUIZ_ATTEMPT_STATUS_PASSED, 1.0, 1.0)
    assert scored.questions[1].answer.status == res.ANSWER_STATUS_SCORED
    assert scored.questions[1].answer.rationale.startswith("2 of 2")
    assert scoring.scorer.calls == 3 and not _pending(assessment_owner_sql, attempt)
    audits, progress = _scored_events(assessment_owner_sql, a.tenant)
    assert [(e.subject_id, e.actor_id) for e in audits] == [(attempt, domain.BACKGROUND_ACTOR)]
    assert [(e.kind, e.score) for e in progress] == [(progress_res.EVENT_KIND_QUIZ_PASSED, 1.0)]
    scoring.thread.run(quiz_attempts.score_pending(scoring.api))  # nothing of it is left to score
    assert _get(a, attempt) == scored and len(_scored_events(assessment_owner_sql, a.tenant)[0]) == 1


def test_with_the_catalog_down_even_multiple_choice_waits_and_is_never_scored_zero(
        assessment, course, scoring, assessment_owner_sql):
    a = assessment
    a.stub = scoring.stub
    attempt = _start(a, course, course.quiz_ids[1]).attempt_id
    _answer(a, attempt, course.single_choice[1], selected_options=["a"])
    _answer(a, attempt, course.multi_choice, selected_options=["a", "c"])
    scoring.catalog.down = True
    try:
        submitted = _submit(a, attempt)
        assert submitted.status == res.QUIZ_ATTEMPT_STATUS_SCORING
        assert [q.answer.status for q in submitted.questions] == [res.ANSWER_STATUS_PENDING] * 2
        _due_now(assessment_owner_sql, attempt)
        scoring.thread.run(quiz_attempts.score_pending(scoring.api))
        assert {failures for failures, _ in _pending(assessment_owner_sql, attempt).values()} == {2}
    finally:
        scoring.catalog.down = False
    _due_now(assessment_owner_sql, attempt)
    assert scoring.thread.run(quiz_attempts.score_pending(scoring.api)) >= 2
    scored = _get(a, attempt)
    assert (scored.status, scored.score) == (res.QUIZ_ATTEMPT_STATUS_PASSED, 1.0)
    assert len(_scored_events(assessment_owner_sql, a.tenant)[0]) == 1


# -------------------------------------------------------------------------------------------------------
# Rules without a database
# -------------------------------------------------------------------------------------------------------

def test_quiz_results_by_policy_and_retry_waits():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    scored = [domain.ScoredAttempt(1, t0, 0.9), domain.ScoredAttempt(2, t0 + timedelta(hours=1), 0.3),
              domain.ScoredAttempt(3, t0 + timedelta(minutes=5), 0.6)]
    assert domain.quiz_result(domain.HIGHEST, scored) == 0.9
    assert domain.quiz_result(domain.LATEST, scored) == 0.3  # by score time, not by number
    assert domain.quiz_result(domain.AVERAGE, scored) == pytest.approx(0.6)
    assert domain.attempt_score(["q1", "q2", "q3", "q4", "q5"], {"q1": 1, "q2": 1, "q3": 1, "q4": 1}) == 0.8
    assert domain.passes(0.8, 0.8) and domain.passes(0.7999999999999999, 0.8) and not domain.passes(0.79, 0.8)
    waits = [(domain.next_try_at(t0, 5, failures) - t0).total_seconds() for failures in (1, 2, 3, 10, 1000)]
    assert waits == [5, 10, 20, 300, 300]
