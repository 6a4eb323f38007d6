"""Quiz attempt rows -> protos, and the progress event a scored attempt sends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as progress_res
from learning.progress.v1 import progress_service_pb2 as progress_svc
from services.assessment.domain import content
from services.assessment.domain import quiz_attempts as domain
from shared.sql import Row
from shared.timeutil import to_timestamp

STATUS_PROTO = {domain.IN_PROGRESS: res.QUIZ_ATTEMPT_STATUS_IN_PROGRESS,
                domain.SCORING: res.QUIZ_ATTEMPT_STATUS_SCORING, domain.PASSED: res.QUIZ_ATTEMPT_STATUS_PASSED,
                domain.FAILED: res.QUIZ_ATTEMPT_STATUS_FAILED}
POLICY_PROTO = {domain.HIGHEST: res.QUIZ_RESULT_POLICY_HIGHEST_ATTEMPT,
                domain.LATEST: res.QUIZ_RESULT_POLICY_LATEST_ATTEMPT,
                domain.AVERAGE: res.QUIZ_RESULT_POLICY_AVERAGE_ATTEMPTS}
FORMAT_PROTO = {content.MULTIPLE_CHOICE: res.ANSWER_FORMAT_MULTIPLE_CHOICE,
                content.FREE_TEXT: res.ANSWER_FORMAT_FREE_TEXT}
ANSWER_STATUS_PROTO = {domain.ANSWER_PENDING: res.ANSWER_STATUS_PENDING, domain.ANSWER_SCORED: res.ANSWER_STATUS_SCORED}


def attempt(row: Row, answers: Sequence[Row] | None = None) -> res.QuizAttempt:
    """The attempt; with `answers` (its answer rows) also its questions, each with its answer. Lists pass none."""
    message = res.QuizAttempt(
        attempt_id=row.attempt_id, tenant_id=row.tenant_id, user_id=row.user_id,
        course=common_pb2.CourseVersionRef(course_id=row.course_id, version=row.course_version),
        quiz_id=row.quiz_id, attempt_number=row.attempt_number, max_attempts=row.max_attempts,
        status=STATUS_PROTO[row.status], pass_threshold=row.pass_threshold,
        result_policy=POLICY_PROTO[row.result_policy], start_time=to_timestamp(row.started_at),
        submit_time=to_timestamp(row.submitted_at), score_time=to_timestamp(row.scored_at),
        update_time=to_timestamp(row.updated_at))
    if row.score is not None:
        message.score = row.score
    if row.quiz_result is not None:
        message.quiz_result = row.quiz_result
    if answers is not None:
        given = {a.question_id: a for a in answers}
        message.questions.extend(question(q, given.get(q.question_id)) for q in domain.frozen_questions(row.questions))
    return message


def question(shown: domain.ShownQuestion, answer_row: Row | None) -> res.QuizAttemptQuestion:
    message = res.QuizAttemptQuestion(
        question_id=shown.question_id, prompt=shown.prompt, answer_format=FORMAT_PROTO[shown.format],
        options=[res.ChoiceOption(key=o.key, text=o.text) for o in shown.options], max_length=shown.max_length)
    if answer_row is not None:
        message.answer.CopyFrom(answer(answer_row))
    return message


def answer(row: Row) -> res.QuizAnswer:
    return res.QuizAnswer(selected_options=row.selected_options, free_text_response=row.free_text_response or "",
                          status=ANSWER_STATUS_PROTO[row.status], score=row.score or 0.0,
                          rationale=row.rationale or "", answer_time=to_timestamp(row.answered_at))


def progress_event(row: Row, *, quiz_passed: bool, event_id: str,
                   occur_time: datetime) -> progress_svc.RecordProgressEventsRequest:
    """QUIZ_PASSED / QUIZ_FAILED for the learner's quiz result after `row` (a finished attempt) was scored."""
    return progress_svc.RecordProgressEventsRequest(tenant_id=row.tenant_id, events=[progress_res.ProgressEvent(
        event_id=event_id, user_id=row.user_id,
        course=common_pb2.CourseVersionRef(course_id=row.course_id, version=row.course_version),
        item_kind=progress_res.ITEM_KIND_QUIZ, item_id=row.quiz_id,
        kind=progress_res.EVENT_KIND_QUIZ_PASSED if quiz_passed else progress_res.EVENT_KIND_QUIZ_FAILED,
        score=row.quiz_result, occur_time=to_timestamp(occur_time))])
