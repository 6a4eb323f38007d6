import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from learning.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AnswerFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANSWER_FORMAT_UNSPECIFIED: _ClassVar[AnswerFormat]
    ANSWER_FORMAT_MULTIPLE_CHOICE: _ClassVar[AnswerFormat]
    ANSWER_FORMAT_FREE_TEXT: _ClassVar[AnswerFormat]

class AnswerStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANSWER_STATUS_UNSPECIFIED: _ClassVar[AnswerStatus]
    ANSWER_STATUS_PENDING: _ClassVar[AnswerStatus]
    ANSWER_STATUS_SCORED: _ClassVar[AnswerStatus]

class TrainingSessionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRAINING_SESSION_STATUS_UNSPECIFIED: _ClassVar[TrainingSessionStatus]
    TRAINING_SESSION_STATUS_IN_PROGRESS: _ClassVar[TrainingSessionStatus]
    TRAINING_SESSION_STATUS_PASSED: _ClassVar[TrainingSessionStatus]
    TRAINING_SESSION_STATUS_EXHAUSTED: _ClassVar[TrainingSessionStatus]
    TRAINING_SESSION_STATUS_ABANDONED: _ClassVar[TrainingSessionStatus]

class TrainingItemKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRAINING_ITEM_KIND_UNSPECIFIED: _ClassVar[TrainingItemKind]
    TRAINING_ITEM_KIND_SCENARIO: _ClassVar[TrainingItemKind]
    TRAINING_ITEM_KIND_QUIZ_QUESTION: _ClassVar[TrainingItemKind]

class TrainingModuleStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRAINING_MODULE_STATUS_UNSPECIFIED: _ClassVar[TrainingModuleStatus]
    TRAINING_MODULE_STATUS_NOT_STARTED: _ClassVar[TrainingModuleStatus]
    TRAINING_MODULE_STATUS_IN_PROGRESS: _ClassVar[TrainingModuleStatus]
    TRAINING_MODULE_STATUS_SCORED: _ClassVar[TrainingModuleStatus]

class QuizAttemptStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUIZ_ATTEMPT_STATUS_UNSPECIFIED: _ClassVar[QuizAttemptStatus]
    QUIZ_ATTEMPT_STATUS_IN_PROGRESS: _ClassVar[QuizAttemptStatus]
    QUIZ_ATTEMPT_STATUS_SCORING: _ClassVar[QuizAttemptStatus]
    QUIZ_ATTEMPT_STATUS_PASSED: _ClassVar[QuizAttemptStatus]
    QUIZ_ATTEMPT_STATUS_FAILED: _ClassVar[QuizAttemptStatus]

class QuizResultPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUIZ_RESULT_POLICY_UNSPECIFIED: _ClassVar[QuizResultPolicy]
    QUIZ_RESULT_POLICY_HIGHEST_ATTEMPT: _ClassVar[QuizResultPolicy]
    QUIZ_RESULT_POLICY_LATEST_ATTEMPT: _ClassVar[QuizResultPolicy]
    QUIZ_RESULT_POLICY_AVERAGE_ATTEMPTS: _ClassVar[QuizResultPolicy]

class SubmissionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUBMISSION_STATUS_UNSPECIFIED: _ClassVar[SubmissionStatus]
    SUBMISSION_STATUS_IN_REVIEW: _ClassVar[SubmissionStatus]
    SUBMISSION_STATUS_APPROVED: _ClassVar[SubmissionStatus]
    SUBMISSION_STATUS_CHANGES_REQUESTED: _ClassVar[SubmissionStatus]
    SUBMISSION_STATUS_REJECTED: _ClassVar[SubmissionStatus]

class ReviewDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_DECISION_UNSPECIFIED: _ClassVar[ReviewDecision]
    REVIEW_DECISION_APPROVED: _ClassVar[ReviewDecision]
    REVIEW_DECISION_CHANGES_REQUESTED: _ClassVar[ReviewDecision]
    REVIEW_DECISION_REJECTED: _ClassVar[ReviewDecision]

class MaturityRubricState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATURITY_RUBRIC_STATE_UNSPECIFIED: _ClassVar[MaturityRubricState]
    MATURITY_RUBRIC_STATE_DRAFT: _ClassVar[MaturityRubricState]
    MATURITY_RUBRIC_STATE_PUBLISHED: _ClassVar[MaturityRubricState]
ANSWER_FORMAT_UNSPECIFIED: AnswerFormat
ANSWER_FORMAT_MULTIPLE_CHOICE: AnswerFormat
ANSWER_FORMAT_FREE_TEXT: AnswerFormat
ANSWER_STATUS_UNSPECIFIED: AnswerStatus
ANSWER_STATUS_PENDING: AnswerStatus
ANSWER_STATUS_SCORED: AnswerStatus
TRAINING_SESSION_STATUS_UNSPECIFIED: TrainingSessionStatus
TRAINING_SESSION_STATUS_IN_PROGRESS: TrainingSessionStatus
TRAINING_SESSION_STATUS_PASSED: TrainingSessionStatus
TRAINING_SESSION_STATUS_EXHAUSTED: TrainingSessionStatus
TRAINING_SESSION_STATUS_ABANDONED: TrainingSessionStatus
TRAINING_ITEM_KIND_UNSPECIFIED: TrainingItemKind
TRAINING_ITEM_KIND_SCENARIO: TrainingItemKind
TRAINING_ITEM_KIND_QUIZ_QUESTION: TrainingItemKind
TRAINING_MODULE_STATUS_UNSPECIFIED: TrainingModuleStatus
TRAINING_MODULE_STATUS_NOT_STARTED: TrainingModuleStatus
TRAINING_MODULE_STATUS_IN_PROGRESS: TrainingModuleStatus
TRAINING_MODULE_STATUS_SCORED: TrainingModuleStatus
QUIZ_ATTEMPT_STATUS_UNSPECIFIED: QuizAttemptStatus
QUIZ_ATTEMPT_STATUS_IN_PROGRESS: QuizAttemptStatus
QUIZ_ATTEMPT_STATUS_SCORING: QuizAttemptStatus
QUIZ_ATTEMPT_STATUS_PASSED: QuizAttemptStatus
QUIZ_ATTEMPT_STATUS_FAILED: QuizAttemptStatus
QUIZ_RESULT_POLICY_UNSPECIFIED: QuizResultPolicy
QUIZ_RESULT_POLICY_HIGHEST_ATTEMPT: QuizResultPolicy
QUIZ_RESULT_POLICY_LATEST_ATTEMPT: QuizResultPolicy
QUIZ_RESULT_POLICY_AVERAGE_ATTEMPTS: QuizResultPolicy
SUBMISSION_STATUS_UNSPECIFIED: SubmissionStatus
SUBMISSION_STATUS_IN_REVIEW: SubmissionStatus
SUBMISSION_STATUS_APPROVED: SubmissionStatus
SUBMISSION_STATUS_CHANGES_REQUESTED: SubmissionStatus
SUBMISSION_STATUS_REJECTED: SubmissionStatus
REVIEW_DECISION_UNSPECIFIED: ReviewDecision
REVIEW_DECISION_APPROVED: ReviewDecision
REVIEW_DECISION_CHANGES_REQUESTED: ReviewDecision
REVIEW_DECISION_REJECTED: ReviewDecision
MATURITY_RUBRIC_STATE_UNSPECIFIED: MaturityRubricState
MATURITY_RUBRIC_STATE_DRAFT: MaturityRubricState
MATURITY_RUBRIC_STATE_PUBLISHED: MaturityRubricState

class ChoiceOption(_message.Message):
    __slots__ = ("key", "text")
    KEY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    key: str
    text: str
    def __init__(self, key: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class TrainingPolicy(_message.Message):
    __slots__ = ("pass_threshold", "max_attempts", "role_profile_id", "role_profile_version", "app_version")
    PASS_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    ROLE_PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_PROFILE_VERSION_FIELD_NUMBER: _ClassVar[int]
    APP_VERSION_FIELD_NUMBER: _ClassVar[int]
    pass_threshold: float
    max_attempts: int
    role_profile_id: str
    role_profile_version: int
    app_version: str
    def __init__(self, pass_threshold: _Optional[float] = ..., max_attempts: _Optional[int] = ..., role_profile_id: _Optional[str] = ..., role_profile_version: _Optional[int] = ..., app_version: _Optional[str] = ...) -> None: ...

class TrainingAnswer(_message.Message):
    __slots__ = ("attempt_number", "selected_option", "free_text_response", "status", "score", "rationale", "scorer", "submit_time", "score_time")
    ATTEMPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SELECTED_OPTION_FIELD_NUMBER: _ClassVar[int]
    FREE_TEXT_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    SCORER_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    SCORE_TIME_FIELD_NUMBER: _ClassVar[int]
    attempt_number: int
    selected_option: str
    free_text_response: str
    status: AnswerStatus
    score: float
    rationale: str
    scorer: str
    submit_time: _timestamp_pb2.Timestamp
    score_time: _timestamp_pb2.Timestamp
    def __init__(self, attempt_number: _Optional[int] = ..., selected_option: _Optional[str] = ..., free_text_response: _Optional[str] = ..., status: _Optional[_Union[AnswerStatus, str]] = ..., score: _Optional[float] = ..., rationale: _Optional[str] = ..., scorer: _Optional[str] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., score_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TrainingItem(_message.Message):
    __slots__ = ("item_id", "kind", "prompt", "answer_format", "options", "max_length", "answer")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FORMAT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    kind: TrainingItemKind
    prompt: str
    answer_format: AnswerFormat
    options: _containers.RepeatedCompositeFieldContainer[ChoiceOption]
    max_length: int
    answer: TrainingAnswer
    def __init__(self, item_id: _Optional[str] = ..., kind: _Optional[_Union[TrainingItemKind, str]] = ..., prompt: _Optional[str] = ..., answer_format: _Optional[_Union[AnswerFormat, str]] = ..., options: _Optional[_Iterable[_Union[ChoiceOption, _Mapping]]] = ..., max_length: _Optional[int] = ..., answer: _Optional[_Union[TrainingAnswer, _Mapping]] = ...) -> None: ...

class TrainingModule(_message.Message):
    __slots__ = ("module_index", "module_id", "title", "topic_area", "scenarios", "quiz_questions", "status", "module_score", "completed_time")
    MODULE_INDEX_FIELD_NUMBER: _ClassVar[int]
    MODULE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_AREA_FIELD_NUMBER: _ClassVar[int]
    SCENARIOS_FIELD_NUMBER: _ClassVar[int]
    QUIZ_QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MODULE_SCORE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_TIME_FIELD_NUMBER: _ClassVar[int]
    module_index: int
    module_id: str
    title: str
    topic_area: str
    scenarios: _containers.RepeatedCompositeFieldContainer[TrainingItem]
    quiz_questions: _containers.RepeatedCompositeFieldContainer[TrainingItem]
    status: TrainingModuleStatus
    module_score: float
    completed_time: _timestamp_pb2.Timestamp
    def __init__(self, module_index: _Optional[int] = ..., module_id: _Optional[str] = ..., title: _Optional[str] = ..., topic_area: _Optional[str] = ..., scenarios: _Optional[_Iterable[_Union[TrainingItem, _Mapping]]] = ..., quiz_questions: _Optional[_Iterable[_Union[TrainingItem, _Mapping]]] = ..., status: _Optional[_Union[TrainingModuleStatus, str]] = ..., module_score: _Optional[float] = ..., completed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ModuleResult(_message.Message):
    __slots__ = ("module_index", "title", "topic_area", "score")
    MODULE_INDEX_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_AREA_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    module_index: int
    title: str
    topic_area: str
    score: float
    def __init__(self, module_index: _Optional[int] = ..., title: _Optional[str] = ..., topic_area: _Optional[str] = ..., score: _Optional[float] = ...) -> None: ...

class AttemptResult(_message.Message):
    __slots__ = ("attempt_number", "aggregate_score", "passed", "weak_areas", "module_results", "evaluate_time")
    ATTEMPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_SCORE_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    WEAK_AREAS_FIELD_NUMBER: _ClassVar[int]
    MODULE_RESULTS_FIELD_NUMBER: _ClassVar[int]
    EVALUATE_TIME_FIELD_NUMBER: _ClassVar[int]
    attempt_number: int
    aggregate_score: float
    passed: bool
    weak_areas: _containers.RepeatedScalarFieldContainer[str]
    module_results: _containers.RepeatedCompositeFieldContainer[ModuleResult]
    evaluate_time: _timestamp_pb2.Timestamp
    def __init__(self, attempt_number: _Optional[int] = ..., aggregate_score: _Optional[float] = ..., passed: _Optional[bool] = ..., weak_areas: _Optional[_Iterable[str]] = ..., module_results: _Optional[_Iterable[_Union[ModuleResult, _Mapping]]] = ..., evaluate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TrainingSession(_message.Message):
    __slots__ = ("session_id", "tenant_id", "employee_id", "course", "policy", "config_hash", "status", "attempt_number", "modules", "attempts", "create_time", "update_time", "completed_time", "abandon_reason")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    CONFIG_HASH_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MODULES_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_TIME_FIELD_NUMBER: _ClassVar[int]
    ABANDON_REASON_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    tenant_id: str
    employee_id: str
    course: _common_pb2.CourseVersionRef
    policy: TrainingPolicy
    config_hash: str
    status: TrainingSessionStatus
    attempt_number: int
    modules: _containers.RepeatedCompositeFieldContainer[TrainingModule]
    attempts: _containers.RepeatedCompositeFieldContainer[AttemptResult]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    completed_time: _timestamp_pb2.Timestamp
    abandon_reason: str
    def __init__(self, session_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., policy: _Optional[_Union[TrainingPolicy, _Mapping]] = ..., config_hash: _Optional[str] = ..., status: _Optional[_Union[TrainingSessionStatus, str]] = ..., attempt_number: _Optional[int] = ..., modules: _Optional[_Iterable[_Union[TrainingModule, _Mapping]]] = ..., attempts: _Optional[_Iterable[_Union[AttemptResult, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., abandon_reason: _Optional[str] = ...) -> None: ...

class QuizAnswer(_message.Message):
    __slots__ = ("selected_options", "free_text_response", "status", "score", "rationale", "answer_time")
    SELECTED_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    FREE_TEXT_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    ANSWER_TIME_FIELD_NUMBER: _ClassVar[int]
    selected_options: _containers.RepeatedScalarFieldContainer[str]
    free_text_response: str
    status: AnswerStatus
    score: float
    rationale: str
    answer_time: _timestamp_pb2.Timestamp
    def __init__(self, selected_options: _Optional[_Iterable[str]] = ..., free_text_response: _Optional[str] = ..., status: _Optional[_Union[AnswerStatus, str]] = ..., score: _Optional[float] = ..., rationale: _Optional[str] = ..., answer_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class QuizAttemptQuestion(_message.Message):
    __slots__ = ("question_id", "prompt", "answer_format", "options", "max_length", "answer")
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FORMAT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    question_id: str
    prompt: str
    answer_format: AnswerFormat
    options: _containers.RepeatedCompositeFieldContainer[ChoiceOption]
    max_length: int
    answer: QuizAnswer
    def __init__(self, question_id: _Optional[str] = ..., prompt: _Optional[str] = ..., answer_format: _Optional[_Union[AnswerFormat, str]] = ..., options: _Optional[_Iterable[_Union[ChoiceOption, _Mapping]]] = ..., max_length: _Optional[int] = ..., answer: _Optional[_Union[QuizAnswer, _Mapping]] = ...) -> None: ...

class QuizAttempt(_message.Message):
    __slots__ = ("attempt_id", "tenant_id", "user_id", "course", "quiz_id", "attempt_number", "max_attempts", "status", "questions", "score", "pass_threshold", "result_policy", "quiz_result", "start_time", "submit_time", "score_time", "update_time")
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    PASS_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    RESULT_POLICY_FIELD_NUMBER: _ClassVar[int]
    QUIZ_RESULT_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    SCORE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    attempt_id: str
    tenant_id: str
    user_id: str
    course: _common_pb2.CourseVersionRef
    quiz_id: str
    attempt_number: int
    max_attempts: int
    status: QuizAttemptStatus
    questions: _containers.RepeatedCompositeFieldContainer[QuizAttemptQuestion]
    score: float
    pass_threshold: float
    result_policy: QuizResultPolicy
    quiz_result: float
    start_time: _timestamp_pb2.Timestamp
    submit_time: _timestamp_pb2.Timestamp
    score_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, attempt_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., quiz_id: _Optional[str] = ..., attempt_number: _Optional[int] = ..., max_attempts: _Optional[int] = ..., status: _Optional[_Union[QuizAttemptStatus, str]] = ..., questions: _Optional[_Iterable[_Union[QuizAttemptQuestion, _Mapping]]] = ..., score: _Optional[float] = ..., pass_threshold: _Optional[float] = ..., result_policy: _Optional[_Union[QuizResultPolicy, str]] = ..., quiz_result: _Optional[float] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., score_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EvidenceAttachment(_message.Message):
    __slots__ = ("uri", "media_type", "sha256", "title")
    URI_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    uri: str
    media_type: str
    sha256: str
    title: str
    def __init__(self, uri: _Optional[str] = ..., media_type: _Optional[str] = ..., sha256: _Optional[str] = ..., title: _Optional[str] = ...) -> None: ...

class CriterionScore(_message.Message):
    __slots__ = ("criterion", "score")
    CRITERION_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    criterion: str
    score: float
    def __init__(self, criterion: _Optional[str] = ..., score: _Optional[float] = ...) -> None: ...

class ExerciseReview(_message.Message):
    __slots__ = ("review_id", "reviewer_id", "criterion_scores", "score", "feedback", "decision", "review_time")
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERION_SCORES_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REVIEW_TIME_FIELD_NUMBER: _ClassVar[int]
    review_id: str
    reviewer_id: str
    criterion_scores: _containers.RepeatedCompositeFieldContainer[CriterionScore]
    score: float
    feedback: str
    decision: ReviewDecision
    review_time: _timestamp_pb2.Timestamp
    def __init__(self, review_id: _Optional[str] = ..., reviewer_id: _Optional[str] = ..., criterion_scores: _Optional[_Iterable[_Union[CriterionScore, _Mapping]]] = ..., score: _Optional[float] = ..., feedback: _Optional[str] = ..., decision: _Optional[_Union[ReviewDecision, str]] = ..., review_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExerciseSubmission(_message.Message):
    __slots__ = ("submission_id", "tenant_id", "user_id", "course", "exercise_id", "revision", "text", "attachments", "status", "reviews", "reviewer_role", "required_approvals", "submit_time", "decide_time", "update_time")
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    EXERCISE_ID_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_ROLE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_APPROVALS_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    submission_id: str
    tenant_id: str
    user_id: str
    course: _common_pb2.CourseVersionRef
    exercise_id: str
    revision: int
    text: str
    attachments: _containers.RepeatedCompositeFieldContainer[EvidenceAttachment]
    status: SubmissionStatus
    reviews: _containers.RepeatedCompositeFieldContainer[ExerciseReview]
    reviewer_role: str
    required_approvals: int
    submit_time: _timestamp_pb2.Timestamp
    decide_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, submission_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., exercise_id: _Optional[str] = ..., revision: _Optional[int] = ..., text: _Optional[str] = ..., attachments: _Optional[_Iterable[_Union[EvidenceAttachment, _Mapping]]] = ..., status: _Optional[_Union[SubmissionStatus, str]] = ..., reviews: _Optional[_Iterable[_Union[ExerciseReview, _Mapping]]] = ..., reviewer_role: _Optional[str] = ..., required_approvals: _Optional[int] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MaturityQuestion(_message.Message):
    __slots__ = ("question_key", "text", "weight")
    QUESTION_KEY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    question_key: str
    text: str
    weight: float
    def __init__(self, question_key: _Optional[str] = ..., text: _Optional[str] = ..., weight: _Optional[float] = ...) -> None: ...

class MaturityDimension(_message.Message):
    __slots__ = ("dimension_key", "title", "topic_area", "weight", "questions")
    DIMENSION_KEY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_AREA_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    dimension_key: str
    title: str
    topic_area: str
    weight: float
    questions: _containers.RepeatedCompositeFieldContainer[MaturityQuestion]
    def __init__(self, dimension_key: _Optional[str] = ..., title: _Optional[str] = ..., topic_area: _Optional[str] = ..., weight: _Optional[float] = ..., questions: _Optional[_Iterable[_Union[MaturityQuestion, _Mapping]]] = ...) -> None: ...

class MaturityLevelThreshold(_message.Message):
    __slots__ = ("level", "min_score")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    level: int
    min_score: float
    def __init__(self, level: _Optional[int] = ..., min_score: _Optional[float] = ...) -> None: ...

class MaturityRubric(_message.Message):
    __slots__ = ("rubric_id", "tenant_id", "version", "state", "title", "description", "dimensions", "level_thresholds", "gap_threshold", "create_time", "update_time", "publish_time", "published_by")
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    LEVEL_THRESHOLDS_FIELD_NUMBER: _ClassVar[int]
    GAP_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_BY_FIELD_NUMBER: _ClassVar[int]
    rubric_id: str
    tenant_id: str
    version: int
    state: MaturityRubricState
    title: str
    description: str
    dimensions: _containers.RepeatedCompositeFieldContainer[MaturityDimension]
    level_thresholds: _containers.RepeatedCompositeFieldContainer[MaturityLevelThreshold]
    gap_threshold: float
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    publish_time: _timestamp_pb2.Timestamp
    published_by: str
    def __init__(self, rubric_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., version: _Optional[int] = ..., state: _Optional[_Union[MaturityRubricState, str]] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., dimensions: _Optional[_Iterable[_Union[MaturityDimension, _Mapping]]] = ..., level_thresholds: _Optional[_Iterable[_Union[MaturityLevelThreshold, _Mapping]]] = ..., gap_threshold: _Optional[float] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., published_by: _Optional[str] = ...) -> None: ...

class MaturityResponse(_message.Message):
    __slots__ = ("question_key", "rating", "note")
    QUESTION_KEY_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    question_key: str
    rating: int
    note: str
    def __init__(self, question_key: _Optional[str] = ..., rating: _Optional[int] = ..., note: _Optional[str] = ...) -> None: ...

class DimensionScore(_message.Message):
    __slots__ = ("dimension_key", "title", "topic_area", "score", "weak")
    DIMENSION_KEY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_AREA_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    WEAK_FIELD_NUMBER: _ClassVar[int]
    dimension_key: str
    title: str
    topic_area: str
    score: float
    weak: bool
    def __init__(self, dimension_key: _Optional[str] = ..., title: _Optional[str] = ..., topic_area: _Optional[str] = ..., score: _Optional[float] = ..., weak: _Optional[bool] = ...) -> None: ...

class MaturityAssessment(_message.Message):
    __slots__ = ("assessment_id", "tenant_id", "rubric_id", "rubric_version", "assessor_id", "responses", "dimension_scores", "total_score", "maturity_level", "supersedes_assessment_id", "submit_time")
    ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_VERSION_FIELD_NUMBER: _ClassVar[int]
    ASSESSOR_ID_FIELD_NUMBER: _ClassVar[int]
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_SCORES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SCORE_FIELD_NUMBER: _ClassVar[int]
    MATURITY_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDES_ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    assessment_id: str
    tenant_id: str
    rubric_id: str
    rubric_version: int
    assessor_id: str
    responses: _containers.RepeatedCompositeFieldContainer[MaturityResponse]
    dimension_scores: _containers.RepeatedCompositeFieldContainer[DimensionScore]
    total_score: float
    maturity_level: int
    supersedes_assessment_id: str
    submit_time: _timestamp_pb2.Timestamp
    def __init__(self, assessment_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., rubric_id: _Optional[str] = ..., rubric_version: _Optional[int] = ..., assessor_id: _Optional[str] = ..., responses: _Optional[_Iterable[_Union[MaturityResponse, _Mapping]]] = ..., dimension_scores: _Optional[_Iterable[_Union[DimensionScore, _Mapping]]] = ..., total_score: _Optional[float] = ..., maturity_level: _Optional[int] = ..., supersedes_assessment_id: _Optional[str] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
