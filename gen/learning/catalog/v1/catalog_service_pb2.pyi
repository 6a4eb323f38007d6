from google.protobuf import field_mask_pb2 as _field_mask_pb2
from learning.catalog.v1 import catalog_resources_pb2 as _catalog_resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateCourseRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "title", "description", "objectives", "target_audience", "metadata")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVES_FIELD_NUMBER: _ClassVar[int]
    TARGET_AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    title: str
    description: str
    objectives: _containers.RepeatedScalarFieldContainer[str]
    target_audience: str
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., objectives: _Optional[_Iterable[str]] = ..., target_audience: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CreateCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: _catalog_resources_pb2.Course
    def __init__(self, course: _Optional[_Union[_catalog_resources_pb2.Course, _Mapping]] = ...) -> None: ...

class GetCourseRequest(_message.Message):
    __slots__ = ("tenant_id", "course_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    course_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., course_id: _Optional[str] = ...) -> None: ...

class GetCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: _catalog_resources_pb2.Course
    def __init__(self, course: _Optional[_Union[_catalog_resources_pb2.Course, _Mapping]] = ...) -> None: ...

class ListCoursesRequest(_message.Message):
    __slots__ = ("tenant_id", "page_size", "page_token", "status")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page_size: int
    page_token: str
    status: _catalog_resources_pb2.CourseStatus
    def __init__(self, tenant_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_catalog_resources_pb2.CourseStatus, str]] = ...) -> None: ...

class ListCoursesResponse(_message.Message):
    __slots__ = ("courses", "next_page_token")
    COURSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    courses: _containers.RepeatedCompositeFieldContainer[_catalog_resources_pb2.Course]
    next_page_token: str
    def __init__(self, courses: _Optional[_Iterable[_Union[_catalog_resources_pb2.Course, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateCourseRequest(_message.Message):
    __slots__ = ("tenant_id", "course", "update_mask", "etag")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    course: _catalog_resources_pb2.Course
    update_mask: _field_mask_pb2.FieldMask
    etag: str
    def __init__(self, tenant_id: _Optional[str] = ..., course: _Optional[_Union[_catalog_resources_pb2.Course, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class UpdateCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: _catalog_resources_pb2.Course
    def __init__(self, course: _Optional[_Union[_catalog_resources_pb2.Course, _Mapping]] = ...) -> None: ...

class PublishCourseRequest(_message.Message):
    __slots__ = ("tenant_id", "course_id", "request_id", "etag")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    course_id: str
    request_id: str
    etag: str
    def __init__(self, tenant_id: _Optional[str] = ..., course_id: _Optional[str] = ..., request_id: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class PublishCourseResponse(_message.Message):
    __slots__ = ("course", "published_version")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_VERSION_FIELD_NUMBER: _ClassVar[int]
    course: _catalog_resources_pb2.Course
    published_version: int
    def __init__(self, course: _Optional[_Union[_catalog_resources_pb2.Course, _Mapping]] = ..., published_version: _Optional[int] = ...) -> None: ...

class ArchiveCourseRequest(_message.Message):
    __slots__ = ("tenant_id", "course_id", "etag")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    course_id: str
    etag: str
    def __init__(self, tenant_id: _Optional[str] = ..., course_id: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ArchiveCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: _catalog_resources_pb2.Course
    def __init__(self, course: _Optional[_Union[_catalog_resources_pb2.Course, _Mapping]] = ...) -> None: ...

class CreateModuleRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "course_id", "title", "description", "topic_area")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TOPIC_AREA_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    course_id: str
    title: str
    description: str
    topic_area: str
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., course_id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., topic_area: _Optional[str] = ...) -> None: ...

class CreateModuleResponse(_message.Message):
    __slots__ = ("module",)
    MODULE_FIELD_NUMBER: _ClassVar[int]
    module: _catalog_resources_pb2.Module
    def __init__(self, module: _Optional[_Union[_catalog_resources_pb2.Module, _Mapping]] = ...) -> None: ...

class CreateLessonRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "module_id", "title", "objective", "completion_rule", "video", "interactive")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_RULE_FIELD_NUMBER: _ClassVar[int]
    VIDEO_FIELD_NUMBER: _ClassVar[int]
    INTERACTIVE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    module_id: str
    title: str
    objective: str
    completion_rule: _catalog_resources_pb2.LessonCompletionRule
    video: _catalog_resources_pb2.VideoContent
    interactive: _catalog_resources_pb2.InteractiveContent
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., module_id: _Optional[str] = ..., title: _Optional[str] = ..., objective: _Optional[str] = ..., completion_rule: _Optional[_Union[_catalog_resources_pb2.LessonCompletionRule, str]] = ..., video: _Optional[_Union[_catalog_resources_pb2.VideoContent, _Mapping]] = ..., interactive: _Optional[_Union[_catalog_resources_pb2.InteractiveContent, _Mapping]] = ...) -> None: ...

class CreateLessonResponse(_message.Message):
    __slots__ = ("lesson",)
    LESSON_FIELD_NUMBER: _ClassVar[int]
    lesson: _catalog_resources_pb2.Lesson
    def __init__(self, lesson: _Optional[_Union[_catalog_resources_pb2.Lesson, _Mapping]] = ...) -> None: ...

class CreateQuizRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "module_id", "title", "pass_threshold", "scoring_policy", "max_attempts", "questions")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PASS_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    SCORING_POLICY_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    module_id: str
    title: str
    pass_threshold: float
    scoring_policy: _catalog_resources_pb2.QuizScoringPolicy
    max_attempts: int
    questions: _containers.RepeatedCompositeFieldContainer[_catalog_resources_pb2.QuizQuestion]
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., module_id: _Optional[str] = ..., title: _Optional[str] = ..., pass_threshold: _Optional[float] = ..., scoring_policy: _Optional[_Union[_catalog_resources_pb2.QuizScoringPolicy, str]] = ..., max_attempts: _Optional[int] = ..., questions: _Optional[_Iterable[_Union[_catalog_resources_pb2.QuizQuestion, _Mapping]]] = ...) -> None: ...

class CreateQuizResponse(_message.Message):
    __slots__ = ("quiz",)
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    quiz: _catalog_resources_pb2.Quiz
    def __init__(self, quiz: _Optional[_Union[_catalog_resources_pb2.Quiz, _Mapping]] = ...) -> None: ...

class CreatePracticalExerciseRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "module_id", "title", "prompt", "rubric", "review_requirements")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    REVIEW_REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    module_id: str
    title: str
    prompt: str
    rubric: str
    review_requirements: _catalog_resources_pb2.ReviewRequirements
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., module_id: _Optional[str] = ..., title: _Optional[str] = ..., prompt: _Optional[str] = ..., rubric: _Optional[str] = ..., review_requirements: _Optional[_Union[_catalog_resources_pb2.ReviewRequirements, _Mapping]] = ...) -> None: ...

class CreatePracticalExerciseResponse(_message.Message):
    __slots__ = ("practical_exercise",)
    PRACTICAL_EXERCISE_FIELD_NUMBER: _ClassVar[int]
    practical_exercise: _catalog_resources_pb2.PracticalExercise
    def __init__(self, practical_exercise: _Optional[_Union[_catalog_resources_pb2.PracticalExercise, _Mapping]] = ...) -> None: ...

class GetCourseVersionRequest(_message.Message):
    __slots__ = ("tenant_id", "course_id", "version")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    course_id: str
    version: int
    def __init__(self, tenant_id: _Optional[str] = ..., course_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetCourseVersionResponse(_message.Message):
    __slots__ = ("course_version",)
    COURSE_VERSION_FIELD_NUMBER: _ClassVar[int]
    course_version: _catalog_resources_pb2.CourseVersion
    def __init__(self, course_version: _Optional[_Union[_catalog_resources_pb2.CourseVersion, _Mapping]] = ...) -> None: ...

class ListCourseVersionsRequest(_message.Message):
    __slots__ = ("tenant_id", "course_id", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    course_id: str
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., course_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCourseVersionsResponse(_message.Message):
    __slots__ = ("course_versions", "next_page_token")
    COURSE_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    course_versions: _containers.RepeatedCompositeFieldContainer[_catalog_resources_pb2.CourseVersion]
    next_page_token: str
    def __init__(self, course_versions: _Optional[_Iterable[_Union[_catalog_resources_pb2.CourseVersion, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateLearningPathRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "title", "goal", "audience", "owner_id", "steps")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    GOAL_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    title: str
    goal: str
    audience: str
    owner_id: str
    steps: _containers.RepeatedCompositeFieldContainer[_catalog_resources_pb2.LearningPathStep]
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., title: _Optional[str] = ..., goal: _Optional[str] = ..., audience: _Optional[str] = ..., owner_id: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[_catalog_resources_pb2.LearningPathStep, _Mapping]]] = ...) -> None: ...

class CreateLearningPathResponse(_message.Message):
    __slots__ = ("learning_path",)
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    learning_path: _catalog_resources_pb2.LearningPath
    def __init__(self, learning_path: _Optional[_Union[_catalog_resources_pb2.LearningPath, _Mapping]] = ...) -> None: ...

class GetLearningPathRequest(_message.Message):
    __slots__ = ("tenant_id", "learning_path_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    learning_path_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., learning_path_id: _Optional[str] = ...) -> None: ...

class GetLearningPathResponse(_message.Message):
    __slots__ = ("learning_path",)
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    learning_path: _catalog_resources_pb2.LearningPath
    def __init__(self, learning_path: _Optional[_Union[_catalog_resources_pb2.LearningPath, _Mapping]] = ...) -> None: ...

class ListLearningPathsRequest(_message.Message):
    __slots__ = ("tenant_id", "page_size", "page_token", "status")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page_size: int
    page_token: str
    status: _catalog_resources_pb2.LearningPathStatus
    def __init__(self, tenant_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_catalog_resources_pb2.LearningPathStatus, str]] = ...) -> None: ...

class ListLearningPathsResponse(_message.Message):
    __slots__ = ("learning_paths", "next_page_token")
    LEARNING_PATHS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    learning_paths: _containers.RepeatedCompositeFieldContainer[_catalog_resources_pb2.LearningPath]
    next_page_token: str
    def __init__(self, learning_paths: _Optional[_Iterable[_Union[_catalog_resources_pb2.LearningPath, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PublishLearningPathRequest(_message.Message):
    __slots__ = ("tenant_id", "learning_path_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    learning_path_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., learning_path_id: _Optional[str] = ...) -> None: ...

class PublishLearningPathResponse(_message.Message):
    __slots__ = ("learning_path",)
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    learning_path: _catalog_resources_pb2.LearningPath
    def __init__(self, learning_path: _Optional[_Union[_catalog_resources_pb2.LearningPath, _Mapping]] = ...) -> None: ...
