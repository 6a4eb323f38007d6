from learning.assessment.v1 import assessment_resources_pb2 as _assessment_resources_pb2
from learning.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StartTrainingSessionRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "employee_id", "course", "policy")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    employee_id: str
    course: _common_pb2.CourseVersionRef
    policy: _assessment_resources_pb2.TrainingPolicy
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., policy: _Optional[_Union[_assessment_resources_pb2.TrainingPolicy, _Mapping]] = ...) -> None: ...

class StartTrainingSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: _assessment_resources_pb2.TrainingSession
    def __init__(self, session: _Optional[_Union[_assessment_resources_pb2.TrainingSession, _Mapping]] = ...) -> None: ...

class GetTrainingSessionRequest(_message.Message):
    __slots__ = ("tenant_id", "session_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    session_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class GetTrainingSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: _assessment_resources_pb2.TrainingSession
    def __init__(self, session: _Optional[_Union[_assessment_resources_pb2.TrainingSession, _Mapping]] = ...) -> None: ...

class ListTrainingSessionsRequest(_message.Message):
    __slots__ = ("tenant_id", "employee_id", "course", "status", "create_time", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    employee_id: str
    course: _common_pb2.CourseVersionRef
    status: _assessment_resources_pb2.TrainingSessionStatus
    create_time: _common_pb2.TimeRange
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., status: _Optional[_Union[_assessment_resources_pb2.TrainingSessionStatus, str]] = ..., create_time: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTrainingSessionsResponse(_message.Message):
    __slots__ = ("sessions", "next_page_token")
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sessions: _containers.RepeatedCompositeFieldContainer[_assessment_resources_pb2.TrainingSession]
    next_page_token: str
    def __init__(self, sessions: _Optional[_Iterable[_Union[_assessment_resources_pb2.TrainingSession, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SubmitTrainingAnswerRequest(_message.Message):
    __slots__ = ("tenant_id", "session_id", "item_id", "attempt_number", "selected_option", "free_text_response")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SELECTED_OPTION_FIELD_NUMBER: _ClassVar[int]
    FREE_TEXT_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    session_id: str
    item_id: str
    attempt_number: int
    selected_option: str
    free_text_response: str
    def __init__(self, tenant_id: _Optional[str] = ..., session_id: _Optional[str] = ..., item_id: _Optional[str] = ..., attempt_number: _Optional[int] = ..., selected_option: _Optional[str] = ..., free_text_response: _Optional[str] = ...) -> None: ...

class SubmitTrainingAnswerResponse(_message.Message):
    __slots__ = ("answer", "module")
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    MODULE_FIELD_NUMBER: _ClassVar[int]
    answer: _assessment_resources_pb2.TrainingAnswer
    module: _assessment_resources_pb2.TrainingModule
    def __init__(self, answer: _Optional[_Union[_assessment_resources_pb2.TrainingAnswer, _Mapping]] = ..., module: _Optional[_Union[_assessment_resources_pb2.TrainingModule, _Mapping]] = ...) -> None: ...

class EvaluateTrainingSessionRequest(_message.Message):
    __slots__ = ("tenant_id", "session_id", "attempt_number")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    session_id: str
    attempt_number: int
    def __init__(self, tenant_id: _Optional[str] = ..., session_id: _Optional[str] = ..., attempt_number: _Optional[int] = ...) -> None: ...

class EvaluateTrainingSessionResponse(_message.Message):
    __slots__ = ("session", "result")
    SESSION_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    session: _assessment_resources_pb2.TrainingSession
    result: _assessment_resources_pb2.AttemptResult
    def __init__(self, session: _Optional[_Union[_assessment_resources_pb2.TrainingSession, _Mapping]] = ..., result: _Optional[_Union[_assessment_resources_pb2.AttemptResult, _Mapping]] = ...) -> None: ...

class AbandonTrainingSessionRequest(_message.Message):
    __slots__ = ("tenant_id", "session_id", "reason")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    session_id: str
    reason: str
    def __init__(self, tenant_id: _Optional[str] = ..., session_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class AbandonTrainingSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: _assessment_resources_pb2.TrainingSession
    def __init__(self, session: _Optional[_Union[_assessment_resources_pb2.TrainingSession, _Mapping]] = ...) -> None: ...

class StartQuizAttemptRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "user_id", "course", "quiz_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    user_id: str
    course: _common_pb2.CourseVersionRef
    quiz_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., quiz_id: _Optional[str] = ...) -> None: ...

class StartQuizAttemptResponse(_message.Message):
    __slots__ = ("attempt",)
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    attempt: _assessment_resources_pb2.QuizAttempt
    def __init__(self, attempt: _Optional[_Union[_assessment_resources_pb2.QuizAttempt, _Mapping]] = ...) -> None: ...

class AnswerQuizQuestionRequest(_message.Message):
    __slots__ = ("tenant_id", "attempt_id", "question_id", "selected_options", "free_text_response")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    SELECTED_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    FREE_TEXT_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    attempt_id: str
    question_id: str
    selected_options: _containers.RepeatedScalarFieldContainer[str]
    free_text_response: str
    def __init__(self, tenant_id: _Optional[str] = ..., attempt_id: _Optional[str] = ..., question_id: _Optional[str] = ..., selected_options: _Optional[_Iterable[str]] = ..., free_text_response: _Optional[str] = ...) -> None: ...

class AnswerQuizQuestionResponse(_message.Message):
    __slots__ = ("attempt",)
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    attempt: _assessment_resources_pb2.QuizAttempt
    def __init__(self, attempt: _Optional[_Union[_assessment_resources_pb2.QuizAttempt, _Mapping]] = ...) -> None: ...

class SubmitQuizAttemptRequest(_message.Message):
    __slots__ = ("tenant_id", "attempt_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    attempt_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., attempt_id: _Optional[str] = ...) -> None: ...

class SubmitQuizAttemptResponse(_message.Message):
    __slots__ = ("attempt",)
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    attempt: _assessment_resources_pb2.QuizAttempt
    def __init__(self, attempt: _Optional[_Union[_assessment_resources_pb2.QuizAttempt, _Mapping]] = ...) -> None: ...

class GetQuizAttemptRequest(_message.Message):
    __slots__ = ("tenant_id", "attempt_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    attempt_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., attempt_id: _Optional[str] = ...) -> None: ...

class GetQuizAttemptResponse(_message.Message):
    __slots__ = ("attempt",)
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    attempt: _assessment_resources_pb2.QuizAttempt
    def __init__(self, attempt: _Optional[_Union[_assessment_resources_pb2.QuizAttempt, _Mapping]] = ...) -> None: ...

class ListQuizAttemptsRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "course", "quiz_id", "status", "start_time", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    course: _common_pb2.CourseVersionRef
    quiz_id: str
    status: _assessment_resources_pb2.QuizAttemptStatus
    start_time: _common_pb2.TimeRange
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., quiz_id: _Optional[str] = ..., status: _Optional[_Union[_assessment_resources_pb2.QuizAttemptStatus, str]] = ..., start_time: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListQuizAttemptsResponse(_message.Message):
    __slots__ = ("attempts", "next_page_token")
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    attempts: _containers.RepeatedCompositeFieldContainer[_assessment_resources_pb2.QuizAttempt]
    next_page_token: str
    def __init__(self, attempts: _Optional[_Iterable[_Union[_assessment_resources_pb2.QuizAttempt, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SubmitExerciseRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "user_id", "course", "exercise_id", "text", "attachments")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    EXERCISE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    user_id: str
    course: _common_pb2.CourseVersionRef
    exercise_id: str
    text: str
    attachments: _containers.RepeatedCompositeFieldContainer[_assessment_resources_pb2.EvidenceAttachment]
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., exercise_id: _Optional[str] = ..., text: _Optional[str] = ..., attachments: _Optional[_Iterable[_Union[_assessment_resources_pb2.EvidenceAttachment, _Mapping]]] = ...) -> None: ...

class SubmitExerciseResponse(_message.Message):
    __slots__ = ("submission",)
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    submission: _assessment_resources_pb2.ExerciseSubmission
    def __init__(self, submission: _Optional[_Union[_assessment_resources_pb2.ExerciseSubmission, _Mapping]] = ...) -> None: ...

class ReviewSubmissionRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "submission_id", "criterion_scores", "feedback", "decision")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERION_SCORES_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    submission_id: str
    criterion_scores: _containers.RepeatedCompositeFieldContainer[_assessment_resources_pb2.CriterionScore]
    feedback: str
    decision: _assessment_resources_pb2.ReviewDecision
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., submission_id: _Optional[str] = ..., criterion_scores: _Optional[_Iterable[_Union[_assessment_resources_pb2.CriterionScore, _Mapping]]] = ..., feedback: _Optional[str] = ..., decision: _Optional[_Union[_assessment_resources_pb2.ReviewDecision, str]] = ...) -> None: ...

class ReviewSubmissionResponse(_message.Message):
    __slots__ = ("submission",)
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    submission: _assessment_resources_pb2.ExerciseSubmission
    def __init__(self, submission: _Optional[_Union[_assessment_resources_pb2.ExerciseSubmission, _Mapping]] = ...) -> None: ...

class GetExerciseSubmissionRequest(_message.Message):
    __slots__ = ("tenant_id", "submission_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    submission_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., submission_id: _Optional[str] = ...) -> None: ...

class GetExerciseSubmissionResponse(_message.Message):
    __slots__ = ("submission",)
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    submission: _assessment_resources_pb2.ExerciseSubmission
    def __init__(self, submission: _Optional[_Union[_assessment_resources_pb2.ExerciseSubmission, _Mapping]] = ...) -> None: ...

class ListExerciseSubmissionsRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "course", "exercise_id", "status", "submit_time", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    EXERCISE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    course: _common_pb2.CourseVersionRef
    exercise_id: str
    status: _assessment_resources_pb2.SubmissionStatus
    submit_time: _common_pb2.TimeRange
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., exercise_id: _Optional[str] = ..., status: _Optional[_Union[_assessment_resources_pb2.SubmissionStatus, str]] = ..., submit_time: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListExerciseSubmissionsResponse(_message.Message):
    __slots__ = ("submissions", "next_page_token")
    SUBMISSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    submissions: _containers.RepeatedCompositeFieldContainer[_assessment_resources_pb2.ExerciseSubmission]
    next_page_token: str
    def __init__(self, submissions: _Optional[_Iterable[_Union[_assessment_resources_pb2.ExerciseSubmission, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateMaturityRubricRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "rubric_id", "rubric")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    rubric_id: str
    rubric: _assessment_resources_pb2.MaturityRubric
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., rubric_id: _Optional[str] = ..., rubric: _Optional[_Union[_assessment_resources_pb2.MaturityRubric, _Mapping]] = ...) -> None: ...

class CreateMaturityRubricResponse(_message.Message):
    __slots__ = ("rubric",)
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    rubric: _assessment_resources_pb2.MaturityRubric
    def __init__(self, rubric: _Optional[_Union[_assessment_resources_pb2.MaturityRubric, _Mapping]] = ...) -> None: ...

class UpdateMaturityRubricRequest(_message.Message):
    __slots__ = ("tenant_id", "rubric_id", "version", "rubric")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    rubric_id: str
    version: int
    rubric: _assessment_resources_pb2.MaturityRubric
    def __init__(self, tenant_id: _Optional[str] = ..., rubric_id: _Optional[str] = ..., version: _Optional[int] = ..., rubric: _Optional[_Union[_assessment_resources_pb2.MaturityRubric, _Mapping]] = ...) -> None: ...

class UpdateMaturityRubricResponse(_message.Message):
    __slots__ = ("rubric",)
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    rubric: _assessment_resources_pb2.MaturityRubric
    def __init__(self, rubric: _Optional[_Union[_assessment_resources_pb2.MaturityRubric, _Mapping]] = ...) -> None: ...

class PublishMaturityRubricRequest(_message.Message):
    __slots__ = ("tenant_id", "rubric_id", "version")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    rubric_id: str
    version: int
    def __init__(self, tenant_id: _Optional[str] = ..., rubric_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class PublishMaturityRubricResponse(_message.Message):
    __slots__ = ("rubric",)
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    rubric: _assessment_resources_pb2.MaturityRubric
    def __init__(self, rubric: _Optional[_Union[_assessment_resources_pb2.MaturityRubric, _Mapping]] = ...) -> None: ...

class GetMaturityRubricRequest(_message.Message):
    __slots__ = ("tenant_id", "rubric_id", "version")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    rubric_id: str
    version: int
    def __init__(self, tenant_id: _Optional[str] = ..., rubric_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetMaturityRubricResponse(_message.Message):
    __slots__ = ("rubric",)
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    rubric: _assessment_resources_pb2.MaturityRubric
    def __init__(self, rubric: _Optional[_Union[_assessment_resources_pb2.MaturityRubric, _Mapping]] = ...) -> None: ...

class ListMaturityRubricsRequest(_message.Message):
    __slots__ = ("tenant_id", "rubric_id", "state", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    rubric_id: str
    state: _assessment_resources_pb2.MaturityRubricState
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., rubric_id: _Optional[str] = ..., state: _Optional[_Union[_assessment_resources_pb2.MaturityRubricState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListMaturityRubricsResponse(_message.Message):
    __slots__ = ("rubrics", "next_page_token")
    RUBRICS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rubrics: _containers.RepeatedCompositeFieldContainer[_assessment_resources_pb2.MaturityRubric]
    next_page_token: str
    def __init__(self, rubrics: _Optional[_Iterable[_Union[_assessment_resources_pb2.MaturityRubric, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SubmitMaturityAssessmentRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "rubric_id", "rubric_version", "responses", "supersedes_assessment_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_VERSION_FIELD_NUMBER: _ClassVar[int]
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDES_ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    rubric_id: str
    rubric_version: int
    responses: _containers.RepeatedCompositeFieldContainer[_assessment_resources_pb2.MaturityResponse]
    supersedes_assessment_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., rubric_id: _Optional[str] = ..., rubric_version: _Optional[int] = ..., responses: _Optional[_Iterable[_Union[_assessment_resources_pb2.MaturityResponse, _Mapping]]] = ..., supersedes_assessment_id: _Optional[str] = ...) -> None: ...

class SubmitMaturityAssessmentResponse(_message.Message):
    __slots__ = ("assessment",)
    ASSESSMENT_FIELD_NUMBER: _ClassVar[int]
    assessment: _assessment_resources_pb2.MaturityAssessment
    def __init__(self, assessment: _Optional[_Union[_assessment_resources_pb2.MaturityAssessment, _Mapping]] = ...) -> None: ...

class GetMaturityAssessmentRequest(_message.Message):
    __slots__ = ("tenant_id", "assessment_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    assessment_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., assessment_id: _Optional[str] = ...) -> None: ...

class GetMaturityAssessmentResponse(_message.Message):
    __slots__ = ("assessment",)
    ASSESSMENT_FIELD_NUMBER: _ClassVar[int]
    assessment: _assessment_resources_pb2.MaturityAssessment
    def __init__(self, assessment: _Optional[_Union[_assessment_resources_pb2.MaturityAssessment, _Mapping]] = ...) -> None: ...

class ListMaturityAssessmentsRequest(_message.Message):
    __slots__ = ("tenant_id", "rubric_id", "maturity_level", "submit_time", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_ID_FIELD_NUMBER: _ClassVar[int]
    MATURITY_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    rubric_id: str
    maturity_level: int
    submit_time: _common_pb2.TimeRange
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., rubric_id: _Optional[str] = ..., maturity_level: _Optional[int] = ..., submit_time: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListMaturityAssessmentsResponse(_message.Message):
    __slots__ = ("assessments", "next_page_token")
    ASSESSMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    assessments: _containers.RepeatedCompositeFieldContainer[_assessment_resources_pb2.MaturityAssessment]
    next_page_token: str
    def __init__(self, assessments: _Optional[_Iterable[_Union[_assessment_resources_pb2.MaturityAssessment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
