import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from learning.common.v1 import common_pb2 as _common_pb2
from learning.progress.v1 import progress_resources_pb2 as _progress_resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RecordProgressEventsRequest(_message.Message):
    __slots__ = ("tenant_id", "events")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    events: _containers.RepeatedCompositeFieldContainer[_progress_resources_pb2.ProgressEvent]
    def __init__(self, tenant_id: _Optional[str] = ..., events: _Optional[_Iterable[_Union[_progress_resources_pb2.ProgressEvent, _Mapping]]] = ...) -> None: ...

class RecordProgressEventsResponse(_message.Message):
    __slots__ = ("recorded_count", "duplicate_count")
    RECORDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_COUNT_FIELD_NUMBER: _ClassVar[int]
    recorded_count: int
    duplicate_count: int
    def __init__(self, recorded_count: _Optional[int] = ..., duplicate_count: _Optional[int] = ...) -> None: ...

class GetCourseProgressRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "course")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    course: _common_pb2.CourseVersionRef
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ...) -> None: ...

class GetCourseProgressResponse(_message.Message):
    __slots__ = ("progress",)
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    progress: _progress_resources_pb2.CourseProgress
    def __init__(self, progress: _Optional[_Union[_progress_resources_pb2.CourseProgress, _Mapping]] = ...) -> None: ...

class ListUserProgressRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "course_id", "state", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    course_id: str
    state: _progress_resources_pb2.ProgressState
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course_id: _Optional[str] = ..., state: _Optional[_Union[_progress_resources_pb2.ProgressState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListUserProgressResponse(_message.Message):
    __slots__ = ("progress", "next_page_token")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    progress: _containers.RepeatedCompositeFieldContainer[_progress_resources_pb2.CourseProgress]
    next_page_token: str
    def __init__(self, progress: _Optional[_Iterable[_Union[_progress_resources_pb2.CourseProgress, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpgradeCourseProgressRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "course_id", "from_version", "to_version")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_VERSION_FIELD_NUMBER: _ClassVar[int]
    TO_VERSION_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    course_id: str
    from_version: int
    to_version: int
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., course_id: _Optional[str] = ..., from_version: _Optional[int] = ..., to_version: _Optional[int] = ...) -> None: ...

class UpgradeCourseProgressResponse(_message.Message):
    __slots__ = ("progress", "carried_over_count")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    CARRIED_OVER_COUNT_FIELD_NUMBER: _ClassVar[int]
    progress: _progress_resources_pb2.CourseProgress
    carried_over_count: int
    def __init__(self, progress: _Optional[_Union[_progress_resources_pb2.CourseProgress, _Mapping]] = ..., carried_over_count: _Optional[int] = ...) -> None: ...

class RecordTutorSessionRequest(_message.Message):
    __slots__ = ("tenant_id", "tutor_session")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TUTOR_SESSION_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    tutor_session: _progress_resources_pb2.TutorSession
    def __init__(self, tenant_id: _Optional[str] = ..., tutor_session: _Optional[_Union[_progress_resources_pb2.TutorSession, _Mapping]] = ...) -> None: ...

class RecordTutorSessionResponse(_message.Message):
    __slots__ = ("tutor_session", "created")
    TUTOR_SESSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    tutor_session: _progress_resources_pb2.TutorSession
    created: bool
    def __init__(self, tutor_session: _Optional[_Union[_progress_resources_pb2.TutorSession, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetTutorSessionRequest(_message.Message):
    __slots__ = ("tenant_id", "tutor_session_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TUTOR_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    tutor_session_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., tutor_session_id: _Optional[str] = ...) -> None: ...

class GetTutorSessionResponse(_message.Message):
    __slots__ = ("tutor_session",)
    TUTOR_SESSION_FIELD_NUMBER: _ClassVar[int]
    tutor_session: _progress_resources_pb2.TutorSession
    def __init__(self, tutor_session: _Optional[_Union[_progress_resources_pb2.TutorSession, _Mapping]] = ...) -> None: ...

class ListTutorSessionsRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "lesson_id", "guardrail_result", "start_time_range", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LESSON_ID_FIELD_NUMBER: _ClassVar[int]
    GUARDRAIL_RESULT_FIELD_NUMBER: _ClassVar[int]
    START_TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    lesson_id: str
    guardrail_result: _progress_resources_pb2.GuardrailResult
    start_time_range: _common_pb2.TimeRange
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., lesson_id: _Optional[str] = ..., guardrail_result: _Optional[_Union[_progress_resources_pb2.GuardrailResult, str]] = ..., start_time_range: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTutorSessionsResponse(_message.Message):
    __slots__ = ("tutor_sessions", "next_page_token")
    TUTOR_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tutor_sessions: _containers.RepeatedCompositeFieldContainer[_progress_resources_pb2.TutorSession]
    next_page_token: str
    def __init__(self, tutor_sessions: _Optional[_Iterable[_Union[_progress_resources_pb2.TutorSession, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RecordKnowledgeGapsRequest(_message.Message):
    __slots__ = ("tenant_id", "gaps")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    GAPS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    gaps: _containers.RepeatedCompositeFieldContainer[_progress_resources_pb2.KnowledgeGap]
    def __init__(self, tenant_id: _Optional[str] = ..., gaps: _Optional[_Iterable[_Union[_progress_resources_pb2.KnowledgeGap, _Mapping]]] = ...) -> None: ...

class RecordKnowledgeGapsResponse(_message.Message):
    __slots__ = ("gaps", "recommendations")
    GAPS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    gaps: _containers.RepeatedCompositeFieldContainer[_progress_resources_pb2.KnowledgeGap]
    recommendations: _containers.RepeatedCompositeFieldContainer[_progress_resources_pb2.Recommendation]
    def __init__(self, gaps: _Optional[_Iterable[_Union[_progress_resources_pb2.KnowledgeGap, _Mapping]]] = ..., recommendations: _Optional[_Iterable[_Union[_progress_resources_pb2.Recommendation, _Mapping]]] = ...) -> None: ...

class ListKnowledgeGapsRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "organization_only", "status", "severity", "source", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ONLY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    organization_only: bool
    status: _progress_resources_pb2.GapStatus
    severity: _progress_resources_pb2.GapSeverity
    source: _progress_resources_pb2.SourceReference
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., organization_only: _Optional[bool] = ..., status: _Optional[_Union[_progress_resources_pb2.GapStatus, str]] = ..., severity: _Optional[_Union[_progress_resources_pb2.GapSeverity, str]] = ..., source: _Optional[_Union[_progress_resources_pb2.SourceReference, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListKnowledgeGapsResponse(_message.Message):
    __slots__ = ("gaps", "next_page_token")
    GAPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    gaps: _containers.RepeatedCompositeFieldContainer[_progress_resources_pb2.KnowledgeGap]
    next_page_token: str
    def __init__(self, gaps: _Optional[_Iterable[_Union[_progress_resources_pb2.KnowledgeGap, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DismissKnowledgeGapRequest(_message.Message):
    __slots__ = ("tenant_id", "gap_id", "reason")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    GAP_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    gap_id: str
    reason: str
    def __init__(self, tenant_id: _Optional[str] = ..., gap_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DismissKnowledgeGapResponse(_message.Message):
    __slots__ = ("gap",)
    GAP_FIELD_NUMBER: _ClassVar[int]
    gap: _progress_resources_pb2.KnowledgeGap
    def __init__(self, gap: _Optional[_Union[_progress_resources_pb2.KnowledgeGap, _Mapping]] = ...) -> None: ...

class CreateRecommendationRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "recommendation")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATION_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    recommendation: _progress_resources_pb2.Recommendation
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., recommendation: _Optional[_Union[_progress_resources_pb2.Recommendation, _Mapping]] = ...) -> None: ...

class CreateRecommendationResponse(_message.Message):
    __slots__ = ("recommendation",)
    RECOMMENDATION_FIELD_NUMBER: _ClassVar[int]
    recommendation: _progress_resources_pb2.Recommendation
    def __init__(self, recommendation: _Optional[_Union[_progress_resources_pb2.Recommendation, _Mapping]] = ...) -> None: ...

class DismissRecommendationRequest(_message.Message):
    __slots__ = ("tenant_id", "recommendation_id", "reason")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    recommendation_id: str
    reason: str
    def __init__(self, tenant_id: _Optional[str] = ..., recommendation_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DismissRecommendationResponse(_message.Message):
    __slots__ = ("recommendation",)
    RECOMMENDATION_FIELD_NUMBER: _ClassVar[int]
    recommendation: _progress_resources_pb2.Recommendation
    def __init__(self, recommendation: _Optional[_Union[_progress_resources_pb2.Recommendation, _Mapping]] = ...) -> None: ...

class ListRecommendationsRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "status", "priority", "source", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    status: _progress_resources_pb2.RecommendationStatus
    priority: _progress_resources_pb2.RecommendationPriority
    source: _progress_resources_pb2.SourceReference
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., status: _Optional[_Union[_progress_resources_pb2.RecommendationStatus, str]] = ..., priority: _Optional[_Union[_progress_resources_pb2.RecommendationPriority, str]] = ..., source: _Optional[_Union[_progress_resources_pb2.SourceReference, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRecommendationsResponse(_message.Message):
    __slots__ = ("recommendations", "next_page_token")
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    recommendations: _containers.RepeatedCompositeFieldContainer[_progress_resources_pb2.Recommendation]
    next_page_token: str
    def __init__(self, recommendations: _Optional[_Iterable[_Union[_progress_resources_pb2.Recommendation, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RecordMaturityResultRequest(_message.Message):
    __slots__ = ("tenant_id", "assessment", "maturity_level", "maturity_score", "assess_time")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_FIELD_NUMBER: _ClassVar[int]
    MATURITY_LEVEL_FIELD_NUMBER: _ClassVar[int]
    MATURITY_SCORE_FIELD_NUMBER: _ClassVar[int]
    ASSESS_TIME_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    assessment: _progress_resources_pb2.SourceReference
    maturity_level: int
    maturity_score: float
    assess_time: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., assessment: _Optional[_Union[_progress_resources_pb2.SourceReference, _Mapping]] = ..., maturity_level: _Optional[int] = ..., maturity_score: _Optional[float] = ..., assess_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordMaturityResultResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _progress_resources_pb2.OrganizationLearningProfile
    def __init__(self, profile: _Optional[_Union[_progress_resources_pb2.OrganizationLearningProfile, _Mapping]] = ...) -> None: ...

class GetOrganizationLearningProfileRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetOrganizationLearningProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: _progress_resources_pb2.OrganizationLearningProfile
    def __init__(self, profile: _Optional[_Union[_progress_resources_pb2.OrganizationLearningProfile, _Mapping]] = ...) -> None: ...

class ListOrganizationLearningProfilesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListOrganizationLearningProfilesResponse(_message.Message):
    __slots__ = ("profiles", "next_page_token")
    PROFILES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    profiles: _containers.RepeatedCompositeFieldContainer[_progress_resources_pb2.OrganizationLearningProfile]
    next_page_token: str
    def __init__(self, profiles: _Optional[_Iterable[_Union[_progress_resources_pb2.OrganizationLearningProfile, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetPathProgressRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "learning_path")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    learning_path: _common_pb2.LearningPathVersionRef
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., learning_path: _Optional[_Union[_common_pb2.LearningPathVersionRef, _Mapping]] = ...) -> None: ...

class GetPathProgressResponse(_message.Message):
    __slots__ = ("progress",)
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    progress: _progress_resources_pb2.PathProgress
    def __init__(self, progress: _Optional[_Union[_progress_resources_pb2.PathProgress, _Mapping]] = ...) -> None: ...
