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

class ItemKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ITEM_KIND_UNSPECIFIED: _ClassVar[ItemKind]
    ITEM_KIND_LESSON: _ClassVar[ItemKind]
    ITEM_KIND_SCENARIO_STEP: _ClassVar[ItemKind]
    ITEM_KIND_QUIZ: _ClassVar[ItemKind]
    ITEM_KIND_PRACTICAL_EXERCISE: _ClassVar[ItemKind]
    ITEM_KIND_TRAINING_SESSION: _ClassVar[ItemKind]

class EventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_KIND_UNSPECIFIED: _ClassVar[EventKind]
    EVENT_KIND_STARTED: _ClassVar[EventKind]
    EVENT_KIND_VIEWED: _ClassVar[EventKind]
    EVENT_KIND_COMPLETED: _ClassVar[EventKind]
    EVENT_KIND_QUIZ_PASSED: _ClassVar[EventKind]
    EVENT_KIND_QUIZ_FAILED: _ClassVar[EventKind]
    EVENT_KIND_EXERCISE_APPROVED: _ClassVar[EventKind]
    EVENT_KIND_SESSION_PASSED: _ClassVar[EventKind]
    EVENT_KIND_SESSION_FAILED: _ClassVar[EventKind]

class ProgressState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROGRESS_STATE_UNSPECIFIED: _ClassVar[ProgressState]
    PROGRESS_STATE_NOT_STARTED: _ClassVar[ProgressState]
    PROGRESS_STATE_IN_PROGRESS: _ClassVar[ProgressState]
    PROGRESS_STATE_FAILED: _ClassVar[ProgressState]
    PROGRESS_STATE_COMPLETED: _ClassVar[ProgressState]
    PROGRESS_STATE_PASSED: _ClassVar[ProgressState]

class GuardrailResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GUARDRAIL_RESULT_UNSPECIFIED: _ClassVar[GuardrailResult]
    GUARDRAIL_RESULT_PASSED: _ClassVar[GuardrailResult]
    GUARDRAIL_RESULT_FLAGGED: _ClassVar[GuardrailResult]
    GUARDRAIL_RESULT_BLOCKED: _ClassVar[GuardrailResult]

class GapSeverity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GAP_SEVERITY_UNSPECIFIED: _ClassVar[GapSeverity]
    GAP_SEVERITY_LOW: _ClassVar[GapSeverity]
    GAP_SEVERITY_MEDIUM: _ClassVar[GapSeverity]
    GAP_SEVERITY_HIGH: _ClassVar[GapSeverity]
    GAP_SEVERITY_CRITICAL: _ClassVar[GapSeverity]

class GapStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GAP_STATUS_UNSPECIFIED: _ClassVar[GapStatus]
    GAP_STATUS_OPEN: _ClassVar[GapStatus]
    GAP_STATUS_ADDRESSED: _ClassVar[GapStatus]
    GAP_STATUS_DISMISSED: _ClassVar[GapStatus]

class RecommendationPriority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECOMMENDATION_PRIORITY_UNSPECIFIED: _ClassVar[RecommendationPriority]
    RECOMMENDATION_PRIORITY_LOW: _ClassVar[RecommendationPriority]
    RECOMMENDATION_PRIORITY_MEDIUM: _ClassVar[RecommendationPriority]
    RECOMMENDATION_PRIORITY_HIGH: _ClassVar[RecommendationPriority]

class RecommendationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECOMMENDATION_STATUS_UNSPECIFIED: _ClassVar[RecommendationStatus]
    RECOMMENDATION_STATUS_OPEN: _ClassVar[RecommendationStatus]
    RECOMMENDATION_STATUS_COMPLETED: _ClassVar[RecommendationStatus]
    RECOMMENDATION_STATUS_DISMISSED: _ClassVar[RecommendationStatus]

class LearningState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEARNING_STATE_UNSPECIFIED: _ClassVar[LearningState]
    LEARNING_STATE_NOT_STARTED: _ClassVar[LearningState]
    LEARNING_STATE_ACTIVE: _ClassVar[LearningState]
    LEARNING_STATE_DORMANT: _ClassVar[LearningState]
ITEM_KIND_UNSPECIFIED: ItemKind
ITEM_KIND_LESSON: ItemKind
ITEM_KIND_SCENARIO_STEP: ItemKind
ITEM_KIND_QUIZ: ItemKind
ITEM_KIND_PRACTICAL_EXERCISE: ItemKind
ITEM_KIND_TRAINING_SESSION: ItemKind
EVENT_KIND_UNSPECIFIED: EventKind
EVENT_KIND_STARTED: EventKind
EVENT_KIND_VIEWED: EventKind
EVENT_KIND_COMPLETED: EventKind
EVENT_KIND_QUIZ_PASSED: EventKind
EVENT_KIND_QUIZ_FAILED: EventKind
EVENT_KIND_EXERCISE_APPROVED: EventKind
EVENT_KIND_SESSION_PASSED: EventKind
EVENT_KIND_SESSION_FAILED: EventKind
PROGRESS_STATE_UNSPECIFIED: ProgressState
PROGRESS_STATE_NOT_STARTED: ProgressState
PROGRESS_STATE_IN_PROGRESS: ProgressState
PROGRESS_STATE_FAILED: ProgressState
PROGRESS_STATE_COMPLETED: ProgressState
PROGRESS_STATE_PASSED: ProgressState
GUARDRAIL_RESULT_UNSPECIFIED: GuardrailResult
GUARDRAIL_RESULT_PASSED: GuardrailResult
GUARDRAIL_RESULT_FLAGGED: GuardrailResult
GUARDRAIL_RESULT_BLOCKED: GuardrailResult
GAP_SEVERITY_UNSPECIFIED: GapSeverity
GAP_SEVERITY_LOW: GapSeverity
GAP_SEVERITY_MEDIUM: GapSeverity
GAP_SEVERITY_HIGH: GapSeverity
GAP_SEVERITY_CRITICAL: GapSeverity
GAP_STATUS_UNSPECIFIED: GapStatus
GAP_STATUS_OPEN: GapStatus
GAP_STATUS_ADDRESSED: GapStatus
GAP_STATUS_DISMISSED: GapStatus
RECOMMENDATION_PRIORITY_UNSPECIFIED: RecommendationPriority
RECOMMENDATION_PRIORITY_LOW: RecommendationPriority
RECOMMENDATION_PRIORITY_MEDIUM: RecommendationPriority
RECOMMENDATION_PRIORITY_HIGH: RecommendationPriority
RECOMMENDATION_STATUS_UNSPECIFIED: RecommendationStatus
RECOMMENDATION_STATUS_OPEN: RecommendationStatus
RECOMMENDATION_STATUS_COMPLETED: RecommendationStatus
RECOMMENDATION_STATUS_DISMISSED: RecommendationStatus
LEARNING_STATE_UNSPECIFIED: LearningState
LEARNING_STATE_NOT_STARTED: LearningState
LEARNING_STATE_ACTIVE: LearningState
LEARNING_STATE_DORMANT: LearningState

class ProgressEvent(_message.Message):
    __slots__ = ("event_id", "user_id", "course", "item_kind", "item_id", "step_id", "kind", "score", "occur_time", "learning_path")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    ITEM_KIND_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    user_id: str
    course: _common_pb2.CourseVersionRef
    item_kind: ItemKind
    item_id: str
    step_id: str
    kind: EventKind
    score: float
    occur_time: _timestamp_pb2.Timestamp
    learning_path: _common_pb2.LearningPathVersionRef
    def __init__(self, event_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., item_kind: _Optional[_Union[ItemKind, str]] = ..., item_id: _Optional[str] = ..., step_id: _Optional[str] = ..., kind: _Optional[_Union[EventKind, str]] = ..., score: _Optional[float] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., learning_path: _Optional[_Union[_common_pb2.LearningPathVersionRef, _Mapping]] = ...) -> None: ...

class ItemProgress(_message.Message):
    __slots__ = ("item_kind", "item_id", "step_id", "state", "best_score", "start_time", "complete_time")
    ITEM_KIND_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    BEST_SCORE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    item_kind: ItemKind
    item_id: str
    step_id: str
    state: ProgressState
    best_score: float
    start_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    def __init__(self, item_kind: _Optional[_Union[ItemKind, str]] = ..., item_id: _Optional[str] = ..., step_id: _Optional[str] = ..., state: _Optional[_Union[ProgressState, str]] = ..., best_score: _Optional[float] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CourseProgress(_message.Message):
    __slots__ = ("user_id", "course", "state", "percent_complete", "items", "start_time", "complete_time", "pass_time", "update_time", "upgraded_from_version", "structure_pending")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PERCENT_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    PASS_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPGRADED_FROM_VERSION_FIELD_NUMBER: _ClassVar[int]
    STRUCTURE_PENDING_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    course: _common_pb2.CourseVersionRef
    state: ProgressState
    percent_complete: int
    items: _containers.RepeatedCompositeFieldContainer[ItemProgress]
    start_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    pass_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    upgraded_from_version: int
    structure_pending: bool
    def __init__(self, user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., state: _Optional[_Union[ProgressState, str]] = ..., percent_complete: _Optional[int] = ..., items: _Optional[_Iterable[_Union[ItemProgress, _Mapping]]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pass_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., upgraded_from_version: _Optional[int] = ..., structure_pending: _Optional[bool] = ...) -> None: ...

class TutorSession(_message.Message):
    __slots__ = ("tutor_session_id", "user_id", "course", "lesson_id", "model_id", "start_time", "end_time", "prompt_ref", "response_ref", "confidence", "guardrail_result", "guardrail_categories", "summary", "record_time")
    TUTOR_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    LESSON_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PROMPT_REF_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_REF_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    GUARDRAIL_RESULT_FIELD_NUMBER: _ClassVar[int]
    GUARDRAIL_CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    RECORD_TIME_FIELD_NUMBER: _ClassVar[int]
    tutor_session_id: str
    user_id: str
    course: _common_pb2.CourseVersionRef
    lesson_id: str
    model_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    prompt_ref: str
    response_ref: str
    confidence: float
    guardrail_result: GuardrailResult
    guardrail_categories: _containers.RepeatedScalarFieldContainer[str]
    summary: str
    record_time: _timestamp_pb2.Timestamp
    def __init__(self, tutor_session_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., lesson_id: _Optional[str] = ..., model_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., prompt_ref: _Optional[str] = ..., response_ref: _Optional[str] = ..., confidence: _Optional[float] = ..., guardrail_result: _Optional[_Union[GuardrailResult, str]] = ..., guardrail_categories: _Optional[_Iterable[str]] = ..., summary: _Optional[str] = ..., record_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SourceReference(_message.Message):
    __slots__ = ("domain", "type", "id")
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    domain: str
    type: str
    id: str
    def __init__(self, domain: _Optional[str] = ..., type: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class KnowledgeGap(_message.Message):
    __slots__ = ("gap_id", "user_id", "topic_area", "severity", "evidence", "source", "status", "dismiss_reason", "create_time", "update_time")
    GAP_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TOPIC_AREA_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DISMISS_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    gap_id: str
    user_id: str
    topic_area: str
    severity: GapSeverity
    evidence: _containers.RepeatedCompositeFieldContainer[SourceReference]
    source: SourceReference
    status: GapStatus
    dismiss_reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, gap_id: _Optional[str] = ..., user_id: _Optional[str] = ..., topic_area: _Optional[str] = ..., severity: _Optional[_Union[GapSeverity, str]] = ..., evidence: _Optional[_Iterable[_Union[SourceReference, _Mapping]]] = ..., source: _Optional[_Union[SourceReference, _Mapping]] = ..., status: _Optional[_Union[GapStatus, str]] = ..., dismiss_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Recommendation(_message.Message):
    __slots__ = ("recommendation_id", "user_id", "course_id", "priority", "reason", "source", "gap_id", "status", "dismiss_reason", "automatic", "create_time", "update_time", "learning_path_id")
    RECOMMENDATION_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    GAP_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DISMISS_REASON_FIELD_NUMBER: _ClassVar[int]
    AUTOMATIC_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_ID_FIELD_NUMBER: _ClassVar[int]
    recommendation_id: str
    user_id: str
    course_id: str
    priority: RecommendationPriority
    reason: str
    source: SourceReference
    gap_id: str
    status: RecommendationStatus
    dismiss_reason: str
    automatic: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    learning_path_id: str
    def __init__(self, recommendation_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course_id: _Optional[str] = ..., priority: _Optional[_Union[RecommendationPriority, str]] = ..., reason: _Optional[str] = ..., source: _Optional[_Union[SourceReference, _Mapping]] = ..., gap_id: _Optional[str] = ..., status: _Optional[_Union[RecommendationStatus, str]] = ..., dismiss_reason: _Optional[str] = ..., automatic: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., learning_path_id: _Optional[str] = ...) -> None: ...

class OrganizationLearningProfile(_message.Message):
    __slots__ = ("tenant_id", "maturity_level", "maturity_score", "maturity_assessment", "maturity_assess_time", "learners_active", "learners_completed", "learners_certified", "learning_state", "update_time")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    MATURITY_LEVEL_FIELD_NUMBER: _ClassVar[int]
    MATURITY_SCORE_FIELD_NUMBER: _ClassVar[int]
    MATURITY_ASSESSMENT_FIELD_NUMBER: _ClassVar[int]
    MATURITY_ASSESS_TIME_FIELD_NUMBER: _ClassVar[int]
    LEARNERS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    LEARNERS_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    LEARNERS_CERTIFIED_FIELD_NUMBER: _ClassVar[int]
    LEARNING_STATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    maturity_level: int
    maturity_score: float
    maturity_assessment: SourceReference
    maturity_assess_time: _timestamp_pb2.Timestamp
    learners_active: int
    learners_completed: int
    learners_certified: int
    learning_state: LearningState
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., maturity_level: _Optional[int] = ..., maturity_score: _Optional[float] = ..., maturity_assessment: _Optional[_Union[SourceReference, _Mapping]] = ..., maturity_assess_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., learners_active: _Optional[int] = ..., learners_completed: _Optional[int] = ..., learners_certified: _Optional[int] = ..., learning_state: _Optional[_Union[LearningState, str]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PathStepProgress(_message.Message):
    __slots__ = ("position", "course", "required", "state", "percent_complete")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PERCENT_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    position: int
    course: _common_pb2.CourseVersionRef
    required: bool
    state: ProgressState
    percent_complete: int
    def __init__(self, position: _Optional[int] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., required: _Optional[bool] = ..., state: _Optional[_Union[ProgressState, str]] = ..., percent_complete: _Optional[int] = ...) -> None: ...

class PathProgress(_message.Message):
    __slots__ = ("user_id", "learning_path", "state", "percent_complete", "steps", "enrolled")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PERCENT_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    learning_path: _common_pb2.LearningPathVersionRef
    state: ProgressState
    percent_complete: int
    steps: _containers.RepeatedCompositeFieldContainer[PathStepProgress]
    enrolled: bool
    def __init__(self, user_id: _Optional[str] = ..., learning_path: _Optional[_Union[_common_pb2.LearningPathVersionRef, _Mapping]] = ..., state: _Optional[_Union[ProgressState, str]] = ..., percent_complete: _Optional[int] = ..., steps: _Optional[_Iterable[_Union[PathStepProgress, _Mapping]]] = ..., enrolled: _Optional[bool] = ...) -> None: ...
