"""Validation and normalization of every catalog request, before anything touches the database.

Each function collects all field violations (paths are request-relative proto field
names, e.g. "questions[2].multiple_choice.correct_keys[0]") and raises one
INVALID_ARGUMENT, or returns a typed input whose fields are named as they are stored
(trimmed text, lower-case ids, defaults applied). tenant_id is checked by
shared.auth.authorize before validation. Limits are the ones documented in
catalog_resources.proto / catalog_service.proto.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as svc
from services.catalog.convert import (
    CAPTION_KINDS,
    COMPLETION_RULES,
    COURSE_STATUS_FILTER,
    PATH_STATUS_FILTER,
    SCORING_POLICIES,
)
from services.catalog.domain import (
    DEFAULT_FREE_TEXT_MAX_LENGTH,
    CompletionRule,
    CourseStatus,
    PathStatus,
    ScoringPolicy,
)
from shared.validation import Violations, canonical_uuid

KEY_64 = re.compile(r"[A-Za-z0-9_-]{1,64}")
KEY_32 = re.compile(r"[A-Za-z0-9_-]{1,32}")
ROLE = re.compile(r"[a-z0-9_-]{1,64}")
# BCP 47 shape (language, then subtags); registry membership is not checked.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]+")
MAX_URI = 2048
MAX_DURATION_SECONDS = 315_576_000_000  # google.protobuf.Duration's range
COURSE_FIELDS = ("title", "description", "objectives", "target_audience", "metadata")


def _uri(v: Violations, value: str, field: str, *, required: bool) -> str:
    value = value.strip()
    if not value:
        v.check(not required, field, "is required")
    elif len(value) > MAX_URI:
        v.add(field, f"must be at most {MAX_URI} characters")
    else:
        v.check(ABSOLUTE_URI.fullmatch(value) is not None, field, "must be an absolute URI")
    return value


# ---------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CourseInput:
    """CreateCourse: version 1's descriptive fields (learning_course_versions)."""

    request_id: str
    title: str
    description: str
    objectives: list[str]
    target_audience: str
    metadata: dict[str, str]


@dataclass(frozen=True)
class CourseUpdate:
    """UpdateCourse: the learning_course_versions columns named by update_mask, validated."""

    course_id: str
    etag: str
    changes: dict[str, object]


@dataclass(frozen=True)
class PublishInput:
    request_id: str
    course_id: str
    etag: str


@dataclass(frozen=True)
class VersionRequest:
    course_id: str
    version: int  # 0: the latest published version


def _course_fields(v: Violations, source, prefix: str, names=COURSE_FIELDS) -> dict[str, object]:
    values: dict[str, object] = {}
    if "title" in names:
        values["title"] = v.trimmed(source.title, prefix + "title", max_len=200)
    if "description" in names:
        values["description"] = v.trimmed(source.description, prefix + "description", required=False, max_len=5000)
    if "objectives" in names:
        objectives = list(source.objectives)
        values["objectives"] = [v.trimmed(text, f"{prefix}objectives[{i}]", max_len=500)
                                for i, text in enumerate(objectives[:50])]
        v.check(len(objectives) <= 50, prefix + "objectives", "must have at most 50 entries")
    if "target_audience" in names:
        values["target_audience"] = v.trimmed(source.target_audience, prefix + "target_audience",
                                              required=False, max_len=500)
    if "metadata" in names:
        metadata = dict(source.metadata)
        v.check(len(metadata) <= 50, prefix + "metadata", "must have at most 50 entries")
        for key, value in sorted(metadata.items())[:50]:
            v.check(1 <= len(key) <= 64 and "\x00" not in key, f"{prefix}metadata[{key[:64]!r}]",
                    "keys must be 1-64 characters without NUL")
            v.text(value, f"{prefix}metadata[{key[:64]!r}]", required=False, max_len=1024)
        values["metadata"] = metadata
    return values


def create_course(request: svc.CreateCourseRequest) -> CourseInput:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    fields = _course_fields(v, request, "")
    v.raise_if_any()
    return CourseInput(request_id=request_id, **fields)


def update_course(request: svc.UpdateCourseRequest) -> CourseUpdate:
    v = Violations()
    course_id = ""
    if v.check(request.HasField("course"), "course", "is required"):
        course_id = v.uuid(request.course.course_id, "course.course_id")
    paths = list(request.update_mask.paths)
    v.check(bool(paths), "update_mask", "must name at least one field")
    for i, path in enumerate(paths):
        v.check(path in COURSE_FIELDS, f"update_mask.paths[{i}]",
                f"must be one of: {', '.join(COURSE_FIELDS)}")
    changes = _course_fields(v, request.course, "course.", names={p for p in paths if p in COURSE_FIELDS})
    v.check(len(request.etag) <= 200, "etag", "is not an etag issued by this service")
    v.raise_if_any()
    return CourseUpdate(course_id=course_id, etag=request.etag, changes=changes)


def publish_course(request: svc.PublishCourseRequest) -> PublishInput:
    v = Violations()
    publish = PublishInput(request_id=v.uuid(request.request_id, "request_id", required=False),
                           course_id=v.uuid(request.course_id, "course_id"), etag=request.etag)
    v.raise_if_any()
    return publish


def get_course_version(request: svc.GetCourseVersionRequest) -> VersionRequest:
    v = Violations()
    course_id = v.uuid(request.course_id, "course_id")
    v.check(request.version >= 0, "version", "must be 0 (latest published) or a version number >= 1")
    v.raise_if_any()
    return VersionRequest(course_id=course_id, version=request.version)


def list_courses(request: svc.ListCoursesRequest) -> CourseStatus | None:
    """The status filter (None: every status)."""
    v = Violations()
    v.page_size(request.page_size)
    v.enum(request.status, "status", COURSE_STATUS_FILTER, required=False)
    v.raise_if_any()
    return COURSE_STATUS_FILTER.get(request.status)


def list_course_versions(request: svc.ListCourseVersionsRequest) -> str:
    """The course whose versions are listed."""
    v = Violations()
    v.page_size(request.page_size)
    course_id = v.uuid(request.course_id, "course_id")
    v.raise_if_any()
    return course_id


def list_learning_paths(request: svc.ListLearningPathsRequest) -> PathStatus | None:
    """The status filter (None: every status)."""
    v = Violations()
    v.page_size(request.page_size)
    v.enum(request.status, "status", PATH_STATUS_FILTER, required=False)
    v.raise_if_any()
    return PATH_STATUS_FILTER.get(request.status)


# ---------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ModuleInput:
    request_id: str
    course_id: str
    title: str
    description: str
    topic_area: str


@dataclass(frozen=True)
class CaptionInput:
    language_code: str
    uri: str
    kind: int  # CaptionKind number, as stored in learning_video_lessons.captions


@dataclass(frozen=True)
class VideoInput:
    """learning_video_lessons columns."""

    media_uri: str
    duration_seconds: int
    duration_nanos: int
    transcript_uri: str
    captions: list[CaptionInput]


@dataclass(frozen=True)
class ChoiceInput:
    choice_key: str
    text: str
    next_step_id: str
    correct: bool  # an answer key, confidential like MultipleChoice.correct_keys (convert.py)


@dataclass(frozen=True)
class StepInput:
    step_id: str
    prompt: str
    choices: list[ChoiceInput]


@dataclass(frozen=True)
class InteractiveInput:
    """learning_interactive_lessons columns."""

    entry_step_id: str
    steps: list[StepInput]


@dataclass(frozen=True)
class LessonInput:
    """learning_lessons columns plus the content row of its kind (exactly one of video, interactive)."""

    request_id: str
    module_id: str
    title: str
    objective: str
    completion_rule: CompletionRule
    content_type: str  # "video" | "interactive"
    video: VideoInput | None
    interactive: InteractiveInput | None


@dataclass(frozen=True)
class OptionInput:
    key: str
    text: str


@dataclass(frozen=True)
class QuestionInput:
    """learning_quiz_questions columns (position is the index in QuizInput.questions)."""

    prompt: str
    kind: str  # "multiple_choice" | "free_text"
    options: list[OptionInput]
    correct_keys: list[str]
    rubric: str
    max_length: int


@dataclass(frozen=True)
class QuizInput:
    request_id: str
    module_id: str
    title: str
    pass_threshold: float
    scoring_policy: ScoringPolicy
    max_attempts: int
    questions: list[QuestionInput]


@dataclass(frozen=True)
class ExerciseInput:
    request_id: str
    module_id: str
    title: str
    prompt: str
    rubric: str
    reviewer_role: str
    min_reviewers: int
    requires_evidence_upload: bool


def create_module(request: svc.CreateModuleRequest) -> ModuleInput:
    v = Violations()
    module = ModuleInput(request_id=v.uuid(request.request_id, "request_id", required=False),
                         course_id=v.uuid(request.course_id, "course_id"),
                         title=v.trimmed(request.title, "title", max_len=200),
                         description=v.trimmed(request.description, "description", required=False, max_len=5000),
                         topic_area=v.trimmed(request.topic_area, "topic_area", required=False, max_len=200))
    v.raise_if_any()
    return module


def _video(v: Violations, video: res.VideoContent) -> VideoInput:
    p = "video."
    duration = video.duration
    seconds, nanos = duration.seconds, duration.nanos
    if v.check(video.HasField("duration"), p + "duration", "is required"):
        v.check(0 <= seconds <= MAX_DURATION_SECONDS and 0 <= nanos <= 999_999_999 and (seconds or nanos),
                p + "duration", "must be positive")
    captions, seen = [], set()
    for i, caption in enumerate(video.captions):
        cp = f"{p}captions[{i}]."
        v.pattern(caption.language_code, cp + "language_code", LANGUAGE_TAG, "must be a BCP 47 language tag")
        uri = _uri(v, caption.uri, cp + "uri", required=True)
        v.enum(caption.kind, cp + "kind", CAPTION_KINDS)
        identity = (caption.language_code.lower(), caption.kind)
        v.check(identity not in seen, f"{p}captions[{i}]", "duplicates another caption's (language_code, kind)")
        seen.add(identity)
        captions.append(CaptionInput(language_code=caption.language_code, uri=uri, kind=int(caption.kind)))
    return VideoInput(media_uri=_uri(v, video.media_uri, p + "media_uri", required=True),
                      duration_seconds=seconds, duration_nanos=nanos,
                      transcript_uri=_uri(v, video.transcript_uri, p + "transcript_uri", required=False),
                      captions=captions)


def _interactive(v: Violations, content: res.InteractiveContent) -> InteractiveInput:
    p = "interactive."
    steps = list(content.steps)
    if not v.check(1 <= len(steps) <= 200, p + "steps", "must have 1-200 steps"):
        return InteractiveInput(entry_step_id="", steps=[])
    step_ids = [step.step_id for step in steps]
    stored, seen_steps = [], set()
    for i, step in enumerate(steps):
        sp = f"{p}steps[{i}]."
        if v.pattern(step.step_id, sp + "step_id", KEY_64, "must be 1-64 characters of [A-Za-z0-9_-]"):
            v.check(step.step_id not in seen_steps, sp + "step_id", "duplicates another step's id")
        seen_steps.add(step.step_id)
        prompt = v.trimmed(step.prompt, sp + "prompt", max_len=5000)
        v.check(len(step.choices) <= 20, sp + "choices", "must have at most 20 choices")
        choices, seen_keys = [], set()
        for j, choice in enumerate(step.choices[:20]):
            chp = f"{sp}choices[{j}]."
            if v.pattern(choice.choice_key, chp + "choice_key", KEY_64, "must be 1-64 characters of [A-Za-z0-9_-]"):
                v.check(choice.choice_key not in seen_keys, chp + "choice_key", "duplicates another choice's key")
            seen_keys.add(choice.choice_key)
            text = v.trimmed(choice.text, chp + "text", max_len=1000)
            if v.required(choice.next_step_id, chp + "next_step_id"):
                v.check(choice.next_step_id in step_ids, chp + "next_step_id", "must name a step of this lesson")
            choices.append(ChoiceInput(choice_key=choice.choice_key, text=text, next_step_id=choice.next_step_id,
                                       correct=choice.correct))
        stored.append(StepInput(step_id=step.step_id, prompt=prompt, choices=choices))
    v.check(any(not step.choices for step in steps), p + "steps", "at least one step must be terminal (no choices)")
    if v.required(content.entry_step_id, p + "entry_step_id"):
        v.check(content.entry_step_id in step_ids, p + "entry_step_id", "must name a step of this lesson")
    return InteractiveInput(entry_step_id=content.entry_step_id, steps=stored)


def create_lesson(request: svc.CreateLessonRequest) -> LessonInput:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    module_id = v.uuid(request.module_id, "module_id")
    title = v.trimmed(request.title, "title", max_len=200)
    objective = v.trimmed(request.objective, "objective", required=False, max_len=1000)
    kind = request.WhichOneof("content")
    video = interactive = None
    if kind == "video":
        video = _video(v, request.video)
        default = CompletionRule.VIEW
    elif kind == "interactive":
        interactive = _interactive(v, request.interactive)
        default = CompletionRule.COMPLETE_ALL_STEPS
    else:
        v.add("content", "exactly one of video or interactive is required")
        default = CompletionRule.VIEW
    rule = default
    if v.enum(request.completion_rule, "completion_rule", COMPLETION_RULES, required=False):
        rule = COMPLETION_RULES.get(request.completion_rule, default)
    v.check(not (kind == "video" and rule is CompletionRule.COMPLETE_ALL_STEPS), "completion_rule",
            "COMPLETE_ALL_STEPS applies to interactive content only")
    v.raise_if_any()
    return LessonInput(request_id=request_id, module_id=module_id, title=title, objective=objective,
                       completion_rule=rule, content_type=kind, video=video, interactive=interactive)


def _question(v: Violations, question: res.QuizQuestion, p: str) -> QuestionInput:
    prompt = v.trimmed(question.prompt, p + "prompt", max_len=5000)
    options: list[OptionInput] = []
    correct_keys: list[str] = []
    rubric, max_length = "", 0
    kind = question.WhichOneof("kind")
    if kind == "multiple_choice":
        mc, mp = question.multiple_choice, p + "multiple_choice."
        v.check(2 <= len(mc.options) <= 20, mp + "options", "must have 2-20 options")
        keys = set()
        for i, option in enumerate(mc.options[:20]):
            if v.pattern(option.key, f"{mp}options[{i}].key", KEY_32, "must be 1-32 characters of [A-Za-z0-9_-]"):
                v.check(option.key not in keys, f"{mp}options[{i}].key", "duplicates another option's key")
            keys.add(option.key)
            options.append(OptionInput(key=option.key,
                                       text=v.trimmed(option.text, f"{mp}options[{i}].text", max_len=1000)))
        v.check(len(mc.correct_keys) >= 1, mp + "correct_keys", "must name at least one correct option")
        for i, key in enumerate(mc.correct_keys[:20]):
            v.check(key in keys, f"{mp}correct_keys[{i}]", "must name an option key")
        v.check(len(set(mc.correct_keys)) == len(mc.correct_keys), mp + "correct_keys", "must be distinct")
        correct_keys = list(mc.correct_keys)
    elif kind == "free_text":
        ft, fp = question.free_text, p + "free_text."
        rubric = v.trimmed(ft.rubric, fp + "rubric", max_len=5000)
        v.check(0 <= ft.max_length <= 20000, fp + "max_length", "must be 1-20000 (0 means the default 4000)")
        max_length = ft.max_length or DEFAULT_FREE_TEXT_MAX_LENGTH
    else:
        v.add(p + "kind", "exactly one of multiple_choice or free_text is required")
    return QuestionInput(prompt=prompt, kind=kind or "", options=options, correct_keys=correct_keys,
                         rubric=rubric, max_length=max_length)


def create_quiz(request: svc.CreateQuizRequest) -> QuizInput:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    module_id = v.uuid(request.module_id, "module_id")
    threshold = request.pass_threshold
    v.check(math.isfinite(threshold) and 0 < threshold <= 1, "pass_threshold", "must satisfy 0 < pass_threshold <= 1")
    v.enum(request.scoring_policy, "scoring_policy", SCORING_POLICIES)
    v.check(1 <= request.max_attempts <= 100, "max_attempts", "must be 1-100")
    v.check(1 <= len(request.questions) <= 200, "questions", "must have 1-200 questions")
    questions = [_question(v, q, f"questions[{i}].") for i, q in enumerate(request.questions[:200])]
    title = v.trimmed(request.title, "title", max_len=200)
    v.raise_if_any()
    return QuizInput(request_id=request_id, module_id=module_id, title=title, pass_threshold=threshold,
                     scoring_policy=SCORING_POLICIES[request.scoring_policy], max_attempts=request.max_attempts,
                     questions=questions)


def create_exercise(request: svc.CreatePracticalExerciseRequest) -> ExerciseInput:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    module_id = v.uuid(request.module_id, "module_id")
    title = v.trimmed(request.title, "title", max_len=200)
    prompt = v.trimmed(request.prompt, "prompt", max_len=10000)
    rubric = v.trimmed(request.rubric, "rubric", max_len=10000)
    review = request.review_requirements
    if v.check(request.HasField("review_requirements"), "review_requirements", "is required"):
        v.pattern(review.reviewer_role, "review_requirements.reviewer_role", ROLE,
                  "must be 1-64 characters of [a-z0-9_-]")
        v.check(1 <= review.min_reviewers <= 10, "review_requirements.min_reviewers", "must be 1-10")
    v.raise_if_any()
    return ExerciseInput(request_id=request_id, module_id=module_id, title=title, prompt=prompt, rubric=rubric,
                         reviewer_role=review.reviewer_role, min_reviewers=review.min_reviewers,
                         requires_evidence_upload=review.requires_evidence_upload)


# ---------------------------------------------------------------------------
# Learning paths
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PathStepInput:
    """learning_path_steps columns."""

    position: int
    course_id: str
    course_version: int
    required: bool


@dataclass(frozen=True)
class PathInput:
    """learning_paths columns, and its steps in order."""

    request_id: str
    title: str
    goal: str
    audience: str
    owner_id: str
    steps: list[PathStepInput]


def create_path(request: svc.CreateLearningPathRequest, caller: str) -> PathInput:
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id", required=False)
    title = v.trimmed(request.title, "title", max_len=200)
    goal = v.trimmed(request.goal, "goal", required=False, max_len=2000)
    audience = v.trimmed(request.audience, "audience", required=False, max_len=500)
    if request.owner_id:
        owner_id = v.uuid(request.owner_id, "owner_id")
    else:  # the caller owns the path, if its sub claim is a user id
        owner_id = canonical_uuid(caller)
        v.check(bool(owner_id), "owner_id", "is required when the caller's sub claim is not a UUID")
    v.check(len(request.steps) <= 200, "steps", "must have at most 200 steps")
    steps, seen = [], set()
    for i, step in enumerate(request.steps[:200]):
        p = f"steps[{i}].course"
        if not v.check(step.HasField("course"), p, "is required"):
            continue
        course_id = v.uuid(step.course.course_id, p + ".course_id")
        v.check(step.course.version >= 1, p + ".version", "must be an explicit version >= 1")
        identity = course_id or step.course.course_id.lower()  # a malformed id still repeats as typed
        v.check(identity not in seen, p + ".course_id", "the course already appears in another step")
        seen.add(identity)
        steps.append(PathStepInput(position=i + 1, course_id=course_id, course_version=step.course.version,
                                   required=step.required))
    v.raise_if_any()
    return PathInput(request_id=request_id, title=title, goal=goal, audience=audience, owner_id=owner_id,
                     steps=steps)
