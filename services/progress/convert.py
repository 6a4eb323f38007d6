"""Between the wire and the domain: enum maps, the catalog's version into a Structure, rows into protos."""

from __future__ import annotations

from learning.catalog.v1 import catalog_resources_pb2 as catalog
from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as res
from services.progress.domain import (
    CompletionRule,
    EventKind,
    GapStatus,
    GuardrailResult,
    ItemFold,
    ItemKey,
    ItemKind,
    LearningState,
    Lesson,
    Priority,
    ProgressSummary,
    Quiz,
    RecommendationStatus,
    Severity,
    State,
    Structure,
    Summary,
)
from shared.sql import Row
from shared.timeutil import to_timestamp

ITEM_KINDS = {res.ITEM_KIND_LESSON: ItemKind.LESSON, res.ITEM_KIND_SCENARIO_STEP: ItemKind.SCENARIO_STEP,
              res.ITEM_KIND_QUIZ: ItemKind.QUIZ, res.ITEM_KIND_PRACTICAL_EXERCISE: ItemKind.PRACTICAL_EXERCISE,
              res.ITEM_KIND_TRAINING_SESSION: ItemKind.TRAINING_SESSION}
ITEM_KIND_PROTO = {kind: number for number, kind in ITEM_KINDS.items()}
EVENT_KINDS = {res.EVENT_KIND_STARTED: EventKind.STARTED, res.EVENT_KIND_VIEWED: EventKind.VIEWED,
               res.EVENT_KIND_COMPLETED: EventKind.COMPLETED, res.EVENT_KIND_QUIZ_PASSED: EventKind.QUIZ_PASSED,
               res.EVENT_KIND_QUIZ_FAILED: EventKind.QUIZ_FAILED,
               res.EVENT_KIND_EXERCISE_APPROVED: EventKind.EXERCISE_APPROVED,
               res.EVENT_KIND_SESSION_PASSED: EventKind.SESSION_PASSED,
               res.EVENT_KIND_SESSION_FAILED: EventKind.SESSION_FAILED}
STATES = {res.PROGRESS_STATE_NOT_STARTED: State.NOT_STARTED, res.PROGRESS_STATE_IN_PROGRESS: State.IN_PROGRESS,
          res.PROGRESS_STATE_FAILED: State.FAILED, res.PROGRESS_STATE_COMPLETED: State.COMPLETED,
          res.PROGRESS_STATE_PASSED: State.PASSED}
STATE_PROTO = {state: number for number, state in STATES.items()}
GUARDRAIL_RESULTS = {res.GUARDRAIL_RESULT_PASSED: GuardrailResult.PASSED,
                     res.GUARDRAIL_RESULT_FLAGGED: GuardrailResult.FLAGGED,
                     res.GUARDRAIL_RESULT_BLOCKED: GuardrailResult.BLOCKED}
GUARDRAIL_PROTO = {result: number for number, result in GUARDRAIL_RESULTS.items()}
SEVERITIES = {res.GAP_SEVERITY_LOW: Severity.LOW, res.GAP_SEVERITY_MEDIUM: Severity.MEDIUM,
              res.GAP_SEVERITY_HIGH: Severity.HIGH, res.GAP_SEVERITY_CRITICAL: Severity.CRITICAL}
GAP_STATUSES = {res.GAP_STATUS_OPEN: GapStatus.OPEN, res.GAP_STATUS_ADDRESSED: GapStatus.ADDRESSED,
                res.GAP_STATUS_DISMISSED: GapStatus.DISMISSED}
GAP_STATUS_PROTO = {status: number for number, status in GAP_STATUSES.items()}
PRIORITIES = {res.RECOMMENDATION_PRIORITY_LOW: Priority.LOW, res.RECOMMENDATION_PRIORITY_MEDIUM: Priority.MEDIUM,
              res.RECOMMENDATION_PRIORITY_HIGH: Priority.HIGH}
RECOMMENDATION_STATUSES = {res.RECOMMENDATION_STATUS_OPEN: RecommendationStatus.OPEN,
                           res.RECOMMENDATION_STATUS_COMPLETED: RecommendationStatus.COMPLETED,
                           res.RECOMMENDATION_STATUS_DISMISSED: RecommendationStatus.DISMISSED}
RECOMMENDATION_STATUS_PROTO = {status: number for number, status in RECOMMENDATION_STATUSES.items()}
RULES = {catalog.LESSON_COMPLETION_RULE_VIEW: CompletionRule.VIEW,
         catalog.LESSON_COMPLETION_RULE_COMPLETE_ALL_STEPS: CompletionRule.COMPLETE_ALL_STEPS,
         catalog.LESSON_COMPLETION_RULE_PASS_QUIZ: CompletionRule.PASS_QUIZ}


def structure(version: catalog.CourseVersion) -> Structure:
    """What progress needs of a catalog CourseVersion: items in the version's order, lesson rules."""
    lessons, quizzes, exercises = [], [], []
    for module in version.modules:
        lessons += [Lesson(lesson.lesson_id, module.module_id, RULES[lesson.completion_rule])
                    for lesson in module.lessons]
        quizzes += [Quiz(quiz.quiz_id, module.module_id) for quiz in module.quizzes]
        exercises += [exercise.exercise_id for exercise in module.practical_exercises]
    return Structure(tuple(lessons), tuple(quizzes), tuple(exercises))


def _set_time(message, field: str, value) -> None:
    if value is not None:
        getattr(message, field).CopyFrom(to_timestamp(value))


def item(key: ItemKey, fold: ItemFold | None, done_at=None) -> res.ItemProgress:
    """One item's progress; `done_at` is when its completion rule was met (required items)."""
    message = res.ItemProgress(item_kind=ITEM_KIND_PROTO[key.item_kind], item_id=key.item_id, step_id=key.step_id)
    if fold is None:
        message.state = res.PROGRESS_STATE_NOT_STARTED
        return message
    state = fold.state
    if done_at is not None and state < State.COMPLETED:
        state = State.COMPLETED  # e.g. a VIEW-rule lesson that was viewed
    message.state = STATE_PROTO[state]
    message.best_score = fold.best_score
    _set_time(message, "start_time", fold.started_at)
    _set_time(message, "complete_time", done_at or fold.completed_at or fold.passed_at)
    return message


def course_progress(row: Row | None, key, structure_: Structure | None, items: dict[ItemKey, ItemFold],
                    summary: Summary | None) -> res.CourseProgress:
    """A learner's progress in a version: the stored course row (None: never started) and its items."""
    message = res.CourseProgress(user_id=key.user_id,
                                 course=common_pb2.CourseVersionRef(course_id=key.course_id, version=key.version))
    if row is None:
        message.state = res.PROGRESS_STATE_NOT_STARTED
    else:
        fill_course(message, row)
    if structure_ is not None:
        done = summary.done if summary is not None else {}
        required = structure_.required()
        required_set = set(required)
        message.items.extend(item(k, items.get(k), done.get(k)) for k in required)
        message.items.extend(item(k, fold) for k, fold in items.items() if k not in required_set)
    else:
        message.items.extend(item(k, fold) for k, fold in items.items())
    return message


def fill_course(message: res.CourseProgress, row: Row) -> res.CourseProgress:
    message.user_id = row.user_id
    message.course.course_id, message.course.version = row.course_id, row.version
    message.state = STATE_PROTO[State(row.state)]
    message.percent_complete = row.percent_complete
    message.upgraded_from_version = row.upgraded_from_version
    message.structure_pending = row.structure_pending
    for field, column in (("start_time", "started_at"), ("complete_time", "completed_at"),
                          ("pass_time", "passed_at"), ("update_time", "updated_at")):
        _set_time(message, field, getattr(row, column))
    return message


def course_summary(row: Row) -> res.CourseProgress:
    """A list entry: the course row without items."""
    return fill_course(res.CourseProgress(), row)


def tutor_session(row: Row) -> res.TutorSession:
    message = res.TutorSession(
        tutor_session_id=row.tutor_session_id, user_id=row.user_id,
        course=common_pb2.CourseVersionRef(course_id=row.course_id, version=row.version), lesson_id=row.lesson_id,
        model_id=row.model_id, prompt_ref=row.prompt_ref, response_ref=row.response_ref, confidence=row.confidence,
        guardrail_result=GUARDRAIL_PROTO[GuardrailResult(row.guardrail_result)],
        guardrail_categories=row.guardrail_categories, summary=row.summary)
    for field, column in (("start_time", "started_at"), ("end_time", "ended_at"), ("record_time", "recorded_at")):
        _set_time(message, field, getattr(row, column))
    return message


def source(domain_: str, type_: str, id_: str) -> res.SourceReference:
    return res.SourceReference(domain=domain_, type=type_, id=id_)


def gap(row: Row) -> res.KnowledgeGap:
    message = res.KnowledgeGap(
        gap_id=row.gap_id, user_id=row.user_id or "", topic_area=row.topic_area, severity=int(row.severity),
        evidence=[source(*ref) for ref in row.evidence], source=source(row.source_domain, row.source_type,
                                                                        row.source_id),
        status=GAP_STATUS_PROTO[GapStatus(row.status)], dismiss_reason=row.dismiss_reason)
    _set_time(message, "create_time", row.created_at)
    _set_time(message, "update_time", row.updated_at)
    return message


def recommendation(row: Row) -> res.Recommendation:
    message = res.Recommendation(
        recommendation_id=row.recommendation_id, user_id=row.user_id, course_id=row.course_id or "",
        learning_path_id=row.learning_path_id or "",
        priority=int(row.priority), reason=row.reason,
        source=source(row.source_domain, row.source_type, row.source_id), gap_id=row.gap_id or "",
        status=RECOMMENDATION_STATUS_PROTO[RecommendationStatus(row.status)], dismiss_reason=row.dismiss_reason,
        automatic=row.automatic)
    _set_time(message, "create_time", row.created_at)
    _set_time(message, "update_time", row.updated_at)
    return message


LEARNING_STATE_PROTO = {LearningState.NOT_STARTED: res.LEARNING_STATE_NOT_STARTED,
                        LearningState.ACTIVE: res.LEARNING_STATE_ACTIVE,
                        LearningState.DORMANT: res.LEARNING_STATE_DORMANT}


def organization_profile(tenant_id: str, row: Row | None, summary: ProgressSummary) -> res.OrganizationLearningProfile:
    message = res.OrganizationLearningProfile(
        tenant_id=tenant_id, learners_active=summary.learners_active, learners_completed=summary.learners_completed,
        learners_certified=summary.learners_certified, learning_state=LEARNING_STATE_PROTO[summary.learning_state])
    if row is not None:
        message.maturity_level, message.maturity_score = row.maturity_level, row.maturity_score
        message.maturity_assessment.CopyFrom(source(row.assessment_domain, row.assessment_type, row.assessment_id))
        _set_time(message, "maturity_assess_time", row.assessed_at)
        _set_time(message, "update_time", row.updated_at)
    return message


def path_progress(key, steps, states: dict, summary, enrolled: bool) -> res.PathProgress:
    message = res.PathProgress(user_id=key.user_id, learning_path=common_pb2.LearningPathVersionRef(
        learning_path_id=key.learning_path_id, version=key.version), state=STATE_PROTO[summary.state],
        percent_complete=summary.percent_complete, enrolled=enrolled)
    for position, step in enumerate(steps, start=1):
        row = states.get((step.course_id, step.version))
        message.steps.add(position=position, course=common_pb2.CourseVersionRef(course_id=step.course_id,
                                                                                 version=step.version),
                          required=step.required,
                          state=STATE_PROTO[State(row.state)] if row else res.PROGRESS_STATE_NOT_STARTED,
                          percent_complete=row.percent_complete if row else 0)
    return message
