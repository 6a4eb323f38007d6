"""Training sessions -> protos: the session as its RPCs return it, and the seed 002 evidence request."""

from __future__ import annotations

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as ev
from learning.evidence.v1 import evidence_service_pb2 as ev_svc
from services.assessment.domain import content
from services.assessment.domain import training_sessions as domain
from shared.timeutil import to_timestamp

STATUSES = {domain.IN_PROGRESS: res.TRAINING_SESSION_STATUS_IN_PROGRESS, domain.PASSED: res.TRAINING_SESSION_STATUS_PASSED,
            domain.EXHAUSTED: res.TRAINING_SESSION_STATUS_EXHAUSTED,
            domain.ABANDONED: res.TRAINING_SESSION_STATUS_ABANDONED}
MODULE_STATUSES = {"not_started": res.TRAINING_MODULE_STATUS_NOT_STARTED,
                   "in_progress": res.TRAINING_MODULE_STATUS_IN_PROGRESS, "scored": res.TRAINING_MODULE_STATUS_SCORED}
FORMATS = {content.MULTIPLE_CHOICE: res.ANSWER_FORMAT_MULTIPLE_CHOICE, content.FREE_TEXT: res.ANSWER_FORMAT_FREE_TEXT}
KINDS = {domain.SCENARIO: res.TRAINING_ITEM_KIND_SCENARIO, domain.QUIZ_QUESTION: res.TRAINING_ITEM_KIND_QUIZ_QUESTION}
EVIDENCE_STATUSES = {domain.PASSED: ev.SESSION_STATUS_PASSED, domain.EXHAUSTED: ev.SESSION_STATUS_EXHAUSTED,
                     domain.ABANDONED: ev.SESSION_STATUS_ABANDONED}
EVIDENCE_FORMATS = {content.MULTIPLE_CHOICE: ev.RESPONSE_TYPE_MULTIPLE_CHOICE,
                    content.FREE_TEXT: ev.RESPONSE_TYPE_FREE_TEXT}


def policy(value: domain.Policy) -> res.TrainingPolicy:
    return res.TrainingPolicy(pass_threshold=value.pass_threshold, max_attempts=value.max_attempts,
                              role_profile_id=value.role_profile_id, role_profile_version=value.role_profile_version,
                              app_version=value.app_version)


def answer(attempt_number: int, value: domain.Answer) -> res.TrainingAnswer:
    message = res.TrainingAnswer(
        attempt_number=attempt_number, selected_option=value.selected_option or "",
        free_text_response=value.free_text_response or "",
        status=res.ANSWER_STATUS_SCORED if value.status == domain.SCORED else res.ANSWER_STATUS_PENDING,
        score=value.score or 0.0, rationale=value.rationale or "", scorer=value.scorer or "",
        submit_time=to_timestamp(value.submitted_at))
    if value.scored_at is not None:
        message.score_time.CopyFrom(to_timestamp(value.scored_at))
    return message


def _item(item: domain.Item, attempt_number: int, answers: dict[str, domain.Answer]) -> res.TrainingItem:
    message = res.TrainingItem(item_id=item.item_id, kind=KINDS[item.kind], prompt=item.prompt,
                               answer_format=FORMATS[item.format],
                               options=[res.ChoiceOption(key=o.key, text=o.text) for o in item.options],
                               max_length=item.max_length)
    if item.item_id in answers:
        message.answer.CopyFrom(answer(attempt_number, answers[item.item_id]))
    return message


def module(value: domain.Module, attempt_number: int, answers: dict[str, domain.Answer]) -> res.TrainingModule:
    state = domain.module_state(value, answers)
    message = res.TrainingModule(
        module_index=value.module_index, module_id=value.module_id, title=value.title, topic_area=value.topic_area,
        scenarios=[_item(i, attempt_number, answers) for i in value.scenarios],
        quiz_questions=[_item(i, attempt_number, answers) for i in value.quiz_questions],
        status=MODULE_STATUSES[state.status])
    if state.score is not None:
        message.module_score = state.score
        message.completed_time.CopyFrom(to_timestamp(state.completed_at))
    return message


def attempt_result(value: domain.AttemptResult) -> res.AttemptResult:
    return res.AttemptResult(
        attempt_number=value.attempt_number, aggregate_score=value.aggregate_score, passed=value.passed,
        weak_areas=value.weak_areas, evaluate_time=to_timestamp(value.evaluated_at),
        module_results=[res.ModuleResult(module_index=m.module_index, title=m.title, topic_area=m.topic_area,
                                         score=m.score) for m in value.module_results])


def session(value: domain.Session, *, updated_at, abandon_reason: str, results: list[domain.AttemptResult],
            answers: dict[str, domain.Answer] | None) -> res.TrainingSession:
    """`answers` of the current attempt; None leaves modules out (lists)."""
    message = res.TrainingSession(
        session_id=value.session_id, tenant_id=value.tenant_id, employee_id=value.employee_id,
        course=common_pb2.CourseVersionRef(course_id=value.course_id, version=value.course_version),
        policy=policy(value.policy), config_hash=value.config_hash, status=STATUSES[value.status],
        attempt_number=value.attempt_number, attempts=[attempt_result(r) for r in results],
        create_time=to_timestamp(value.created_at), update_time=to_timestamp(updated_at),
        abandon_reason=abandon_reason)
    if answers is not None:
        message.modules.extend(module(m, value.attempt_number, answers) for m in value.modules)
    if value.completed_at is not None:
        message.completed_time.CopyFrom(to_timestamp(value.completed_at))
    return message


# --------------------------------------------------------------------------------------------------------
# Seed 002 evidence (learning.evidence.v1), field by field from the session
# --------------------------------------------------------------------------------------------------------

def _answer_evidence(item: domain.Item, value: domain.Answer) -> ev.AnswerEvidence:
    message = ev.AnswerEvidence(score=value.score or 0.0, submit_time=to_timestamp(value.submitted_at))
    if item.format == content.MULTIPLE_CHOICE:
        message.selected_option = value.selected_option or ""
    else:
        message.free_text_response = value.free_text_response or ""
        if value.rationale:
            message.llm_rationale = value.rationale
    return message


def _options(item: domain.Item) -> list[ev.Option]:
    return [ev.Option(key=o.key, text=o.text) for o in item.options] if item.format == content.MULTIPLE_CHOICE else []


def evidence_request(value: domain.Evidence) -> ev_svc.RecordTrainingEvidenceRequest:
    s = value.session
    summary = ev.SessionSummary(session_id=s.session_id, employee_id=s.employee_id, tenant_id=s.tenant_id,
                                attempt_number=s.attempt_number, total_attempts=s.attempt_number,
                                status=EVIDENCE_STATUSES[value.status], create_time=to_timestamp(s.created_at))
    if value.completed_at is not None:
        summary.completed_time.CopyFrom(to_timestamp(value.completed_at))
    attestation = ev.PolicyAttestation(
        config_hash=s.config_hash, role_profile_id=s.policy.role_profile_id,
        role_profile_version=s.policy.role_profile_version, app_version=s.policy.app_version,
        pass_threshold=s.policy.pass_threshold, max_attempts=s.policy.max_attempts)
    modules, scores = [], []
    for m in value.modules:
        module_message = ev.ModuleEvidence(
            module_index=m.module.module_index, title=m.module.title, topic_area=m.module.topic_area,
            scenarios=[ev.ScenarioEvidence(scenario_id=e.item.item_id, narrative=e.item.prompt,
                                           response_type=EVIDENCE_FORMATS[e.item.format], options=_options(e.item),
                                           employee_answer=_answer_evidence(e.item, e.answer))
                       for e in m.scenarios],
            quiz_questions=[ev.QuizQuestionEvidence(question_id=e.item.item_id, question_text=e.item.prompt,
                                                    response_type=EVIDENCE_FORMATS[e.item.format],
                                                    options=_options(e.item),
                                                    employee_answer=_answer_evidence(e.item, e.answer))
                            for e in m.quiz_questions])
        score_message = ev.ModuleScore(module_index=m.module.module_index, title=m.module.title)
        if m.score is not None:
            module_message.module_score = m.score
            score_message.score = m.score
            module_message.completed_time.CopyFrom(to_timestamp(m.completed_at))
        modules.append(module_message)
        scores.append(score_message)
    outcome = ev.OutcomeSummary(pass_threshold=s.policy.pass_threshold, module_scores=scores)
    if value.aggregate_score is not None:
        outcome.aggregate_score = value.aggregate_score
    if value.passed is not None:
        outcome.passed = value.passed
    if value.weak_areas is not None:
        outcome.weak_areas.CopyFrom(ev.WeakAreas(topic_areas=value.weak_areas))
    return ev_svc.RecordTrainingEvidenceRequest(
        tenant_id=s.tenant_id, session_id=s.session_id, employee_id=s.employee_id, schema_version=1,
        evidence=ev.EvidenceBody(session=summary, policy_attestation=attestation, modules=modules, outcome=outcome))
