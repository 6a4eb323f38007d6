"""Database rows and domain values -> catalog protos, and the enum maps between protos and domain.

Answer keys (MultipleChoice.correct_keys, FreeText.rubric, BranchChoice.correct) are copied only when
`reveal_answers` is true: the servicer decides from the caller's roles, and this
module is the single place where they could leak, so it is the single place that
leaves them out.
"""

from __future__ import annotations

from collections import defaultdict

from google.protobuf.duration_pb2 import Duration

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.common.v1 import common_pb2
from services.catalog.domain import (
    CompletionRule,
    CourseStatus,
    PathStatus,
    ScoringPolicy,
    VersionSnapshot,
    VersionState,
    course_etag,
)
from shared.sql import Row
from shared.timeutil import to_timestamp

COURSE_STATUS = {CourseStatus.DRAFT: res.COURSE_STATUS_DRAFT, CourseStatus.PUBLISHED: res.COURSE_STATUS_PUBLISHED,
                 CourseStatus.ARCHIVED: res.COURSE_STATUS_ARCHIVED}
COURSE_STATUS_FILTER = {number: status for status, number in COURSE_STATUS.items()}
VERSION_STATE = {VersionState.DRAFT: res.COURSE_VERSION_STATE_DRAFT,
                 VersionState.PUBLISHED: res.COURSE_VERSION_STATE_PUBLISHED}
LESSON_STATUS = {VersionState.DRAFT: res.LESSON_STATUS_DRAFT, VersionState.PUBLISHED: res.LESSON_STATUS_PUBLISHED}
PATH_STATUS = {PathStatus.DRAFT: res.LEARNING_PATH_STATUS_DRAFT, PathStatus.PUBLISHED: res.LEARNING_PATH_STATUS_PUBLISHED,
               PathStatus.ARCHIVED: res.LEARNING_PATH_STATUS_ARCHIVED}
PATH_STATUS_FILTER = {number: status for status, number in PATH_STATUS.items()}
COMPLETION_RULES = {
    res.LESSON_COMPLETION_RULE_VIEW: CompletionRule.VIEW,
    res.LESSON_COMPLETION_RULE_COMPLETE_ALL_STEPS: CompletionRule.COMPLETE_ALL_STEPS,
    res.LESSON_COMPLETION_RULE_PASS_QUIZ: CompletionRule.PASS_QUIZ,
}
RULE_NUMBER = {rule: number for number, rule in COMPLETION_RULES.items()}
SCORING_POLICIES = {
    res.QUIZ_SCORING_POLICY_HIGHEST_ATTEMPT: ScoringPolicy.HIGHEST_ATTEMPT,
    res.QUIZ_SCORING_POLICY_LATEST_ATTEMPT: ScoringPolicy.LATEST_ATTEMPT,
    res.QUIZ_SCORING_POLICY_AVERAGE_ATTEMPTS: ScoringPolicy.AVERAGE_ATTEMPTS,
}
POLICY_NUMBER = {policy: number for number, policy in SCORING_POLICIES.items()}
CONTENT_TYPE = {"video": res.LESSON_CONTENT_TYPE_VIDEO, "interactive": res.LESSON_CONTENT_TYPE_INTERACTIVE}
# Captions are stored with their proto number (video_lessons.captions), so this only names the known ones.
CAPTION_KINDS = {res.CAPTION_KIND_SUBTITLES: "subtitles", res.CAPTION_KIND_CAPTIONS: "captions",
                 res.CAPTION_KIND_DESCRIPTIONS: "descriptions"}


def _set_time(message, field: str, value) -> None:
    if value is not None:
        getattr(message, field).CopyFrom(to_timestamp(value))


def course(row: Row) -> res.Course:
    message = res.Course(
        course_id=row.course_id, tenant_id=row.tenant_id, title=row.title, description=row.description,
        objectives=row.objectives, target_audience=row.target_audience, metadata=row.metadata,
        status=COURSE_STATUS[CourseStatus(row.status)], latest_version=row.latest_version,
        published_version=row.published_version, draft_version=row.draft_version,
        etag=course_etag(row.course_id, row.revision))
    for field, column in (("create_time", "created_at"), ("update_time", "updated_at"),
                          ("publish_time", "published_at"), ("archive_time", "archived_at")):
        _set_time(message, field, getattr(row, column))
    return message


def version_summary(row: Row) -> res.CourseVersion:
    message = res.CourseVersion(
        course_id=row.course_id, tenant_id=row.tenant_id, version=row.version,
        state=VERSION_STATE[VersionState(row.state)], title=row.title, description=row.description,
        objectives=row.objectives, target_audience=row.target_audience, metadata=row.metadata,
        published_by=row.published_by)
    _set_time(message, "create_time", row.created_at)
    _set_time(message, "publish_time", row.published_at)
    return message


def module(row: Row) -> res.Module:
    return res.Module(module_id=row.module_id, course_id=row.course_id, version=row.version, position=row.position,
                      title=row.title, description=row.description, topic_area=row.topic_area)


def choice(stored: dict, reveal_answers: bool) -> res.BranchChoice:
    """One stored choice of an interactive lesson's `steps`; choices stored before `correct` existed lack it."""
    return res.BranchChoice(choice_key=stored["choice_key"], text=stored["text"],
                            next_step_id=stored["next_step_id"],
                            correct=bool(stored.get("correct", False)) if reveal_answers else False)


def lesson(row: Row, state: VersionState, video: Row | None, interactive: Row | None,
           reveal_answers: bool) -> res.Lesson:
    message = res.Lesson(
        lesson_id=row.lesson_id, module_id=row.module_id, course_id=row.course_id, version=row.version,
        position=row.position, title=row.title, objective=row.objective,
        completion_rule=RULE_NUMBER[row.completion_rule], status=LESSON_STATUS[state],
        content_type=CONTENT_TYPE[row.content_type])
    if video is not None:
        message.video.CopyFrom(res.VideoContent(
            media_uri=video.media_uri, duration=Duration(seconds=video.duration_seconds, nanos=video.duration_nanos),
            transcript_uri=video.transcript_uri,
            captions=[res.Caption(**caption) for caption in video.captions]))
    if interactive is not None:
        message.interactive.CopyFrom(res.InteractiveContent(
            entry_step_id=interactive.entry_step_id,
            steps=[res.ScenarioStep(step_id=s["step_id"], prompt=s["prompt"],
                                    choices=[choice(c, reveal_answers) for c in s["choices"]])
                   for s in interactive.steps]))
    return message


def question(row: Row, reveal_answers: bool) -> res.QuizQuestion:
    message = res.QuizQuestion(question_id=row.question_id, position=row.position, prompt=row.prompt)
    if row.kind == "multiple_choice":
        message.multiple_choice.CopyFrom(res.MultipleChoice(
            options=[res.Option(**option) for option in row.options],
            correct_keys=row.correct_keys if reveal_answers else []))
    else:
        message.free_text.CopyFrom(res.FreeText(rubric=row.rubric if reveal_answers else "",
                                                max_length=row.max_length))
    return message


def quiz(row: Row, questions: list[Row], reveal_answers: bool) -> res.Quiz:
    return res.Quiz(
        quiz_id=row.quiz_id, module_id=row.module_id, course_id=row.course_id, version=row.version,
        position=row.position, title=row.title, pass_threshold=row.pass_threshold,
        scoring_policy=POLICY_NUMBER[row.scoring_policy], max_attempts=row.max_attempts,
        questions=[question(q, reveal_answers) for q in questions])


def exercise(row: Row) -> res.PracticalExercise:
    return res.PracticalExercise(
        exercise_id=row.exercise_id, module_id=row.module_id, course_id=row.course_id, version=row.version,
        position=row.position, title=row.title, prompt=row.prompt, rubric=row.rubric,
        review_requirements=res.ReviewRequirements(reviewer_role=row.reviewer_role, min_reviewers=row.min_reviewers,
                                                   requires_evidence_upload=row.requires_evidence_upload))


def course_version(snapshot: VersionSnapshot, reveal_answers: bool) -> res.CourseVersion:
    message = version_summary(snapshot.version)
    state = VersionState(snapshot.version.state)
    by_module: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in snapshot.lessons:
        by_module[row.module_id]["lessons"].append(
            lesson(row, state, snapshot.videos.get(row.lesson_id), snapshot.interactives.get(row.lesson_id),
                   reveal_answers))
    questions: dict[str, list[Row]] = defaultdict(list)
    for row in snapshot.questions:
        questions[row.quiz_id].append(row)
    for row in snapshot.quizzes:
        by_module[row.module_id]["quizzes"].append(quiz(row, questions[row.quiz_id], reveal_answers))
    for row in snapshot.exercises:
        by_module[row.module_id]["practical_exercises"].append(exercise(row))
    for row in snapshot.modules:
        item = module(row)
        contents = by_module[row.module_id]
        item.lessons.extend(contents["lessons"])
        item.quizzes.extend(contents["quizzes"])
        item.practical_exercises.extend(contents["practical_exercises"])
        message.modules.append(item)
    return message


def learning_path(row: Row, steps: list[Row]) -> res.LearningPath:
    message = res.LearningPath(
        learning_path_id=row.learning_path_id, tenant_id=row.tenant_id, title=row.title, goal=row.goal,
        audience=row.audience, owner_id=row.owner_id, status=PATH_STATUS[PathStatus(row.status)],
        version=row.version,
        steps=[res.LearningPathStep(position=s.position, required=s.required,
                                    course=common_pb2.CourseVersionRef(course_id=s.course_id, version=s.course_version))
               for s in steps])
    _set_time(message, "create_time", row.created_at)
    _set_time(message, "update_time", row.updated_at)
    _set_time(message, "publish_time", row.published_at)
    return message
