import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from learning.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CourseStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COURSE_STATUS_UNSPECIFIED: _ClassVar[CourseStatus]
    COURSE_STATUS_DRAFT: _ClassVar[CourseStatus]
    COURSE_STATUS_PUBLISHED: _ClassVar[CourseStatus]
    COURSE_STATUS_ARCHIVED: _ClassVar[CourseStatus]

class CourseVersionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COURSE_VERSION_STATE_UNSPECIFIED: _ClassVar[CourseVersionState]
    COURSE_VERSION_STATE_DRAFT: _ClassVar[CourseVersionState]
    COURSE_VERSION_STATE_PUBLISHED: _ClassVar[CourseVersionState]

class LessonContentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LESSON_CONTENT_TYPE_UNSPECIFIED: _ClassVar[LessonContentType]
    LESSON_CONTENT_TYPE_VIDEO: _ClassVar[LessonContentType]
    LESSON_CONTENT_TYPE_INTERACTIVE: _ClassVar[LessonContentType]

class LessonCompletionRule(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LESSON_COMPLETION_RULE_UNSPECIFIED: _ClassVar[LessonCompletionRule]
    LESSON_COMPLETION_RULE_VIEW: _ClassVar[LessonCompletionRule]
    LESSON_COMPLETION_RULE_COMPLETE_ALL_STEPS: _ClassVar[LessonCompletionRule]
    LESSON_COMPLETION_RULE_PASS_QUIZ: _ClassVar[LessonCompletionRule]

class LessonStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LESSON_STATUS_UNSPECIFIED: _ClassVar[LessonStatus]
    LESSON_STATUS_DRAFT: _ClassVar[LessonStatus]
    LESSON_STATUS_PUBLISHED: _ClassVar[LessonStatus]

class CaptionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAPTION_KIND_UNSPECIFIED: _ClassVar[CaptionKind]
    CAPTION_KIND_SUBTITLES: _ClassVar[CaptionKind]
    CAPTION_KIND_CAPTIONS: _ClassVar[CaptionKind]
    CAPTION_KIND_DESCRIPTIONS: _ClassVar[CaptionKind]

class QuizScoringPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUIZ_SCORING_POLICY_UNSPECIFIED: _ClassVar[QuizScoringPolicy]
    QUIZ_SCORING_POLICY_HIGHEST_ATTEMPT: _ClassVar[QuizScoringPolicy]
    QUIZ_SCORING_POLICY_LATEST_ATTEMPT: _ClassVar[QuizScoringPolicy]
    QUIZ_SCORING_POLICY_AVERAGE_ATTEMPTS: _ClassVar[QuizScoringPolicy]

class LearningPathStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEARNING_PATH_STATUS_UNSPECIFIED: _ClassVar[LearningPathStatus]
    LEARNING_PATH_STATUS_DRAFT: _ClassVar[LearningPathStatus]
    LEARNING_PATH_STATUS_PUBLISHED: _ClassVar[LearningPathStatus]
    LEARNING_PATH_STATUS_ARCHIVED: _ClassVar[LearningPathStatus]
COURSE_STATUS_UNSPECIFIED: CourseStatus
COURSE_STATUS_DRAFT: CourseStatus
COURSE_STATUS_PUBLISHED: CourseStatus
COURSE_STATUS_ARCHIVED: CourseStatus
COURSE_VERSION_STATE_UNSPECIFIED: CourseVersionState
COURSE_VERSION_STATE_DRAFT: CourseVersionState
COURSE_VERSION_STATE_PUBLISHED: CourseVersionState
LESSON_CONTENT_TYPE_UNSPECIFIED: LessonContentType
LESSON_CONTENT_TYPE_VIDEO: LessonContentType
LESSON_CONTENT_TYPE_INTERACTIVE: LessonContentType
LESSON_COMPLETION_RULE_UNSPECIFIED: LessonCompletionRule
LESSON_COMPLETION_RULE_VIEW: LessonCompletionRule
LESSON_COMPLETION_RULE_COMPLETE_ALL_STEPS: LessonCompletionRule
LESSON_COMPLETION_RULE_PASS_QUIZ: LessonCompletionRule
LESSON_STATUS_UNSPECIFIED: LessonStatus
LESSON_STATUS_DRAFT: LessonStatus
LESSON_STATUS_PUBLISHED: LessonStatus
CAPTION_KIND_UNSPECIFIED: CaptionKind
CAPTION_KIND_SUBTITLES: CaptionKind
CAPTION_KIND_CAPTIONS: CaptionKind
CAPTION_KIND_DESCRIPTIONS: CaptionKind
QUIZ_SCORING_POLICY_UNSPECIFIED: QuizScoringPolicy
QUIZ_SCORING_POLICY_HIGHEST_ATTEMPT: QuizScoringPolicy
QUIZ_SCORING_POLICY_LATEST_ATTEMPT: QuizScoringPolicy
QUIZ_SCORING_POLICY_AVERAGE_ATTEMPTS: QuizScoringPolicy
LEARNING_PATH_STATUS_UNSPECIFIED: LearningPathStatus
LEARNING_PATH_STATUS_DRAFT: LearningPathStatus
LEARNING_PATH_STATUS_PUBLISHED: LearningPathStatus
LEARNING_PATH_STATUS_ARCHIVED: LearningPathStatus

class Course(_message.Message):
    __slots__ = ("course_id", "tenant_id", "title", "description", "objectives", "target_audience", "metadata", "status", "latest_version", "published_version", "draft_version", "create_time", "update_time", "publish_time", "archive_time", "etag")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVES_FIELD_NUMBER: _ClassVar[int]
    TARGET_AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LATEST_VERSION_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_VERSION_FIELD_NUMBER: _ClassVar[int]
    DRAFT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    tenant_id: str
    title: str
    description: str
    objectives: _containers.RepeatedScalarFieldContainer[str]
    target_audience: str
    metadata: _containers.ScalarMap[str, str]
    status: CourseStatus
    latest_version: int
    published_version: int
    draft_version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    publish_time: _timestamp_pb2.Timestamp
    archive_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, course_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., objectives: _Optional[_Iterable[str]] = ..., target_audience: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., status: _Optional[_Union[CourseStatus, str]] = ..., latest_version: _Optional[int] = ..., published_version: _Optional[int] = ..., draft_version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., archive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class CourseVersion(_message.Message):
    __slots__ = ("course_id", "tenant_id", "version", "state", "title", "description", "objectives", "target_audience", "metadata", "create_time", "publish_time", "published_by", "modules")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVES_FIELD_NUMBER: _ClassVar[int]
    TARGET_AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_BY_FIELD_NUMBER: _ClassVar[int]
    MODULES_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    tenant_id: str
    version: int
    state: CourseVersionState
    title: str
    description: str
    objectives: _containers.RepeatedScalarFieldContainer[str]
    target_audience: str
    metadata: _containers.ScalarMap[str, str]
    create_time: _timestamp_pb2.Timestamp
    publish_time: _timestamp_pb2.Timestamp
    published_by: str
    modules: _containers.RepeatedCompositeFieldContainer[Module]
    def __init__(self, course_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., version: _Optional[int] = ..., state: _Optional[_Union[CourseVersionState, str]] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., objectives: _Optional[_Iterable[str]] = ..., target_audience: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., published_by: _Optional[str] = ..., modules: _Optional[_Iterable[_Union[Module, _Mapping]]] = ...) -> None: ...

class Module(_message.Message):
    __slots__ = ("module_id", "course_id", "version", "position", "title", "description", "lessons", "quizzes", "practical_exercises", "topic_area")
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LESSONS_FIELD_NUMBER: _ClassVar[int]
    QUIZZES_FIELD_NUMBER: _ClassVar[int]
    PRACTICAL_EXERCISES_FIELD_NUMBER: _ClassVar[int]
    TOPIC_AREA_FIELD_NUMBER: _ClassVar[int]
    module_id: str
    course_id: str
    version: int
    position: int
    title: str
    description: str
    lessons: _containers.RepeatedCompositeFieldContainer[Lesson]
    quizzes: _containers.RepeatedCompositeFieldContainer[Quiz]
    practical_exercises: _containers.RepeatedCompositeFieldContainer[PracticalExercise]
    topic_area: str
    def __init__(self, module_id: _Optional[str] = ..., course_id: _Optional[str] = ..., version: _Optional[int] = ..., position: _Optional[int] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., lessons: _Optional[_Iterable[_Union[Lesson, _Mapping]]] = ..., quizzes: _Optional[_Iterable[_Union[Quiz, _Mapping]]] = ..., practical_exercises: _Optional[_Iterable[_Union[PracticalExercise, _Mapping]]] = ..., topic_area: _Optional[str] = ...) -> None: ...

class Lesson(_message.Message):
    __slots__ = ("lesson_id", "module_id", "course_id", "version", "position", "title", "objective", "completion_rule", "status", "content_type", "video", "interactive")
    LESSON_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_RULE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    VIDEO_FIELD_NUMBER: _ClassVar[int]
    INTERACTIVE_FIELD_NUMBER: _ClassVar[int]
    lesson_id: str
    module_id: str
    course_id: str
    version: int
    position: int
    title: str
    objective: str
    completion_rule: LessonCompletionRule
    status: LessonStatus
    content_type: LessonContentType
    video: VideoContent
    interactive: InteractiveContent
    def __init__(self, lesson_id: _Optional[str] = ..., module_id: _Optional[str] = ..., course_id: _Optional[str] = ..., version: _Optional[int] = ..., position: _Optional[int] = ..., title: _Optional[str] = ..., objective: _Optional[str] = ..., completion_rule: _Optional[_Union[LessonCompletionRule, str]] = ..., status: _Optional[_Union[LessonStatus, str]] = ..., content_type: _Optional[_Union[LessonContentType, str]] = ..., video: _Optional[_Union[VideoContent, _Mapping]] = ..., interactive: _Optional[_Union[InteractiveContent, _Mapping]] = ...) -> None: ...

class VideoContent(_message.Message):
    __slots__ = ("media_uri", "duration", "transcript_uri", "captions")
    MEDIA_URI_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    TRANSCRIPT_URI_FIELD_NUMBER: _ClassVar[int]
    CAPTIONS_FIELD_NUMBER: _ClassVar[int]
    media_uri: str
    duration: _duration_pb2.Duration
    transcript_uri: str
    captions: _containers.RepeatedCompositeFieldContainer[Caption]
    def __init__(self, media_uri: _Optional[str] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., transcript_uri: _Optional[str] = ..., captions: _Optional[_Iterable[_Union[Caption, _Mapping]]] = ...) -> None: ...

class Caption(_message.Message):
    __slots__ = ("language_code", "uri", "kind")
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    URI_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    language_code: str
    uri: str
    kind: CaptionKind
    def __init__(self, language_code: _Optional[str] = ..., uri: _Optional[str] = ..., kind: _Optional[_Union[CaptionKind, str]] = ...) -> None: ...

class InteractiveContent(_message.Message):
    __slots__ = ("steps", "entry_step_id")
    STEPS_FIELD_NUMBER: _ClassVar[int]
    ENTRY_STEP_ID_FIELD_NUMBER: _ClassVar[int]
    steps: _containers.RepeatedCompositeFieldContainer[ScenarioStep]
    entry_step_id: str
    def __init__(self, steps: _Optional[_Iterable[_Union[ScenarioStep, _Mapping]]] = ..., entry_step_id: _Optional[str] = ...) -> None: ...

class ScenarioStep(_message.Message):
    __slots__ = ("step_id", "prompt", "choices")
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    prompt: str
    choices: _containers.RepeatedCompositeFieldContainer[BranchChoice]
    def __init__(self, step_id: _Optional[str] = ..., prompt: _Optional[str] = ..., choices: _Optional[_Iterable[_Union[BranchChoice, _Mapping]]] = ...) -> None: ...

class BranchChoice(_message.Message):
    __slots__ = ("choice_key", "text", "next_step_id", "correct")
    CHOICE_KEY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_ID_FIELD_NUMBER: _ClassVar[int]
    CORRECT_FIELD_NUMBER: _ClassVar[int]
    choice_key: str
    text: str
    next_step_id: str
    correct: bool
    def __init__(self, choice_key: _Optional[str] = ..., text: _Optional[str] = ..., next_step_id: _Optional[str] = ..., correct: _Optional[bool] = ...) -> None: ...

class Quiz(_message.Message):
    __slots__ = ("quiz_id", "module_id", "course_id", "version", "position", "title", "pass_threshold", "scoring_policy", "max_attempts", "questions")
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PASS_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    SCORING_POLICY_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    quiz_id: str
    module_id: str
    course_id: str
    version: int
    position: int
    title: str
    pass_threshold: float
    scoring_policy: QuizScoringPolicy
    max_attempts: int
    questions: _containers.RepeatedCompositeFieldContainer[QuizQuestion]
    def __init__(self, quiz_id: _Optional[str] = ..., module_id: _Optional[str] = ..., course_id: _Optional[str] = ..., version: _Optional[int] = ..., position: _Optional[int] = ..., title: _Optional[str] = ..., pass_threshold: _Optional[float] = ..., scoring_policy: _Optional[_Union[QuizScoringPolicy, str]] = ..., max_attempts: _Optional[int] = ..., questions: _Optional[_Iterable[_Union[QuizQuestion, _Mapping]]] = ...) -> None: ...

class QuizQuestion(_message.Message):
    __slots__ = ("question_id", "position", "prompt", "multiple_choice", "free_text")
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    MULTIPLE_CHOICE_FIELD_NUMBER: _ClassVar[int]
    FREE_TEXT_FIELD_NUMBER: _ClassVar[int]
    question_id: str
    position: int
    prompt: str
    multiple_choice: MultipleChoice
    free_text: FreeText
    def __init__(self, question_id: _Optional[str] = ..., position: _Optional[int] = ..., prompt: _Optional[str] = ..., multiple_choice: _Optional[_Union[MultipleChoice, _Mapping]] = ..., free_text: _Optional[_Union[FreeText, _Mapping]] = ...) -> None: ...

class MultipleChoice(_message.Message):
    __slots__ = ("options", "correct_keys")
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    CORRECT_KEYS_FIELD_NUMBER: _ClassVar[int]
    options: _containers.RepeatedCompositeFieldContainer[Option]
    correct_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, options: _Optional[_Iterable[_Union[Option, _Mapping]]] = ..., correct_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class Option(_message.Message):
    __slots__ = ("key", "text")
    KEY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    key: str
    text: str
    def __init__(self, key: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class FreeText(_message.Message):
    __slots__ = ("rubric", "max_length")
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    rubric: str
    max_length: int
    def __init__(self, rubric: _Optional[str] = ..., max_length: _Optional[int] = ...) -> None: ...

class PracticalExercise(_message.Message):
    __slots__ = ("exercise_id", "module_id", "course_id", "version", "position", "title", "prompt", "rubric", "review_requirements")
    EXERCISE_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    REVIEW_REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    exercise_id: str
    module_id: str
    course_id: str
    version: int
    position: int
    title: str
    prompt: str
    rubric: str
    review_requirements: ReviewRequirements
    def __init__(self, exercise_id: _Optional[str] = ..., module_id: _Optional[str] = ..., course_id: _Optional[str] = ..., version: _Optional[int] = ..., position: _Optional[int] = ..., title: _Optional[str] = ..., prompt: _Optional[str] = ..., rubric: _Optional[str] = ..., review_requirements: _Optional[_Union[ReviewRequirements, _Mapping]] = ...) -> None: ...

class ReviewRequirements(_message.Message):
    __slots__ = ("reviewer_role", "min_reviewers", "requires_evidence_upload")
    REVIEWER_ROLE_FIELD_NUMBER: _ClassVar[int]
    MIN_REVIEWERS_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_EVIDENCE_UPLOAD_FIELD_NUMBER: _ClassVar[int]
    reviewer_role: str
    min_reviewers: int
    requires_evidence_upload: bool
    def __init__(self, reviewer_role: _Optional[str] = ..., min_reviewers: _Optional[int] = ..., requires_evidence_upload: _Optional[bool] = ...) -> None: ...

class LearningPath(_message.Message):
    __slots__ = ("learning_path_id", "tenant_id", "title", "goal", "audience", "owner_id", "status", "version", "steps", "create_time", "update_time", "publish_time")
    LEARNING_PATH_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    GOAL_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    learning_path_id: str
    tenant_id: str
    title: str
    goal: str
    audience: str
    owner_id: str
    status: LearningPathStatus
    version: int
    steps: _containers.RepeatedCompositeFieldContainer[LearningPathStep]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    publish_time: _timestamp_pb2.Timestamp
    def __init__(self, learning_path_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., title: _Optional[str] = ..., goal: _Optional[str] = ..., audience: _Optional[str] = ..., owner_id: _Optional[str] = ..., status: _Optional[_Union[LearningPathStatus, str]] = ..., version: _Optional[int] = ..., steps: _Optional[_Iterable[_Union[LearningPathStep, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LearningPathStep(_message.Message):
    __slots__ = ("position", "course", "required")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    position: int
    course: _common_pb2.CourseVersionRef
    required: bool
    def __init__(self, position: _Optional[int] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., required: _Optional[bool] = ...) -> None: ...
