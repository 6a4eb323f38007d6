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

class SessionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SESSION_STATUS_UNSPECIFIED: _ClassVar[SessionStatus]
    SESSION_STATUS_PASSED: _ClassVar[SessionStatus]
    SESSION_STATUS_EXHAUSTED: _ClassVar[SessionStatus]
    SESSION_STATUS_ABANDONED: _ClassVar[SessionStatus]

class ResponseType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESPONSE_TYPE_UNSPECIFIED: _ClassVar[ResponseType]
    RESPONSE_TYPE_MULTIPLE_CHOICE: _ClassVar[ResponseType]
    RESPONSE_TYPE_FREE_TEXT: _ClassVar[ResponseType]

class EvidenceProblemKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVIDENCE_PROBLEM_KIND_UNSPECIFIED: _ClassVar[EvidenceProblemKind]
    EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH: _ClassVar[EvidenceProblemKind]
    EVIDENCE_PROBLEM_KIND_CHAIN_LINK_BROKEN: _ClassVar[EvidenceProblemKind]
    EVIDENCE_PROBLEM_KIND_SEQUENCE_GAP: _ClassVar[EvidenceProblemKind]
    EVIDENCE_PROBLEM_KIND_CHAIN_HASH_MISMATCH: _ClassVar[EvidenceProblemKind]
    EVIDENCE_PROBLEM_KIND_CHECKPOINT_MISMATCH: _ClassVar[EvidenceProblemKind]
    EVIDENCE_PROBLEM_KIND_TRUNCATED: _ClassVar[EvidenceProblemKind]
    EVIDENCE_PROBLEM_KIND_CHECKPOINT_INVALID: _ClassVar[EvidenceProblemKind]

class CertificateStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CERTIFICATE_STATUS_UNSPECIFIED: _ClassVar[CertificateStatus]
    CERTIFICATE_STATUS_ACTIVE: _ClassVar[CertificateStatus]
    CERTIFICATE_STATUS_REVOKED: _ClassVar[CertificateStatus]
    CERTIFICATE_STATUS_EXPIRED: _ClassVar[CertificateStatus]
SESSION_STATUS_UNSPECIFIED: SessionStatus
SESSION_STATUS_PASSED: SessionStatus
SESSION_STATUS_EXHAUSTED: SessionStatus
SESSION_STATUS_ABANDONED: SessionStatus
RESPONSE_TYPE_UNSPECIFIED: ResponseType
RESPONSE_TYPE_MULTIPLE_CHOICE: ResponseType
RESPONSE_TYPE_FREE_TEXT: ResponseType
EVIDENCE_PROBLEM_KIND_UNSPECIFIED: EvidenceProblemKind
EVIDENCE_PROBLEM_KIND_CONTENT_HASH_MISMATCH: EvidenceProblemKind
EVIDENCE_PROBLEM_KIND_CHAIN_LINK_BROKEN: EvidenceProblemKind
EVIDENCE_PROBLEM_KIND_SEQUENCE_GAP: EvidenceProblemKind
EVIDENCE_PROBLEM_KIND_CHAIN_HASH_MISMATCH: EvidenceProblemKind
EVIDENCE_PROBLEM_KIND_CHECKPOINT_MISMATCH: EvidenceProblemKind
EVIDENCE_PROBLEM_KIND_TRUNCATED: EvidenceProblemKind
EVIDENCE_PROBLEM_KIND_CHECKPOINT_INVALID: EvidenceProblemKind
CERTIFICATE_STATUS_UNSPECIFIED: CertificateStatus
CERTIFICATE_STATUS_ACTIVE: CertificateStatus
CERTIFICATE_STATUS_REVOKED: CertificateStatus
CERTIFICATE_STATUS_EXPIRED: CertificateStatus

class TrainingEvidence(_message.Message):
    __slots__ = ("evidence_id", "tenant_id", "session_id", "employee_id", "schema_version", "evidence", "content_hash", "generate_time", "chain_sequence", "previous_hash", "chain_hash")
    EVIDENCE_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    GENERATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHAIN_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_HASH_FIELD_NUMBER: _ClassVar[int]
    CHAIN_HASH_FIELD_NUMBER: _ClassVar[int]
    evidence_id: str
    tenant_id: str
    session_id: str
    employee_id: str
    schema_version: int
    evidence: EvidenceBody
    content_hash: str
    generate_time: _timestamp_pb2.Timestamp
    chain_sequence: int
    previous_hash: str
    chain_hash: str
    def __init__(self, evidence_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., session_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., schema_version: _Optional[int] = ..., evidence: _Optional[_Union[EvidenceBody, _Mapping]] = ..., content_hash: _Optional[str] = ..., generate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., chain_sequence: _Optional[int] = ..., previous_hash: _Optional[str] = ..., chain_hash: _Optional[str] = ...) -> None: ...

class EvidenceBody(_message.Message):
    __slots__ = ("session", "policy_attestation", "modules", "outcome")
    SESSION_FIELD_NUMBER: _ClassVar[int]
    POLICY_ATTESTATION_FIELD_NUMBER: _ClassVar[int]
    MODULES_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    session: SessionSummary
    policy_attestation: PolicyAttestation
    modules: _containers.RepeatedCompositeFieldContainer[ModuleEvidence]
    outcome: OutcomeSummary
    def __init__(self, session: _Optional[_Union[SessionSummary, _Mapping]] = ..., policy_attestation: _Optional[_Union[PolicyAttestation, _Mapping]] = ..., modules: _Optional[_Iterable[_Union[ModuleEvidence, _Mapping]]] = ..., outcome: _Optional[_Union[OutcomeSummary, _Mapping]] = ...) -> None: ...

class SessionSummary(_message.Message):
    __slots__ = ("session_id", "employee_id", "tenant_id", "attempt_number", "total_attempts", "status", "create_time", "completed_time")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_TIME_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    employee_id: str
    tenant_id: str
    attempt_number: int
    total_attempts: int
    status: SessionStatus
    create_time: _timestamp_pb2.Timestamp
    completed_time: _timestamp_pb2.Timestamp
    def __init__(self, session_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., attempt_number: _Optional[int] = ..., total_attempts: _Optional[int] = ..., status: _Optional[_Union[SessionStatus, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PolicyAttestation(_message.Message):
    __slots__ = ("config_hash", "role_profile_id", "role_profile_version", "app_version", "pass_threshold", "max_attempts")
    CONFIG_HASH_FIELD_NUMBER: _ClassVar[int]
    ROLE_PROFILE_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_PROFILE_VERSION_FIELD_NUMBER: _ClassVar[int]
    APP_VERSION_FIELD_NUMBER: _ClassVar[int]
    PASS_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    config_hash: str
    role_profile_id: str
    role_profile_version: int
    app_version: str
    pass_threshold: float
    max_attempts: int
    def __init__(self, config_hash: _Optional[str] = ..., role_profile_id: _Optional[str] = ..., role_profile_version: _Optional[int] = ..., app_version: _Optional[str] = ..., pass_threshold: _Optional[float] = ..., max_attempts: _Optional[int] = ...) -> None: ...

class ModuleEvidence(_message.Message):
    __slots__ = ("module_index", "title", "topic_area", "module_score", "scenarios", "quiz_questions", "completed_time")
    MODULE_INDEX_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_AREA_FIELD_NUMBER: _ClassVar[int]
    MODULE_SCORE_FIELD_NUMBER: _ClassVar[int]
    SCENARIOS_FIELD_NUMBER: _ClassVar[int]
    QUIZ_QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_TIME_FIELD_NUMBER: _ClassVar[int]
    module_index: int
    title: str
    topic_area: str
    module_score: float
    scenarios: _containers.RepeatedCompositeFieldContainer[ScenarioEvidence]
    quiz_questions: _containers.RepeatedCompositeFieldContainer[QuizQuestionEvidence]
    completed_time: _timestamp_pb2.Timestamp
    def __init__(self, module_index: _Optional[int] = ..., title: _Optional[str] = ..., topic_area: _Optional[str] = ..., module_score: _Optional[float] = ..., scenarios: _Optional[_Iterable[_Union[ScenarioEvidence, _Mapping]]] = ..., quiz_questions: _Optional[_Iterable[_Union[QuizQuestionEvidence, _Mapping]]] = ..., completed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Option(_message.Message):
    __slots__ = ("key", "text")
    KEY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    key: str
    text: str
    def __init__(self, key: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class ScenarioEvidence(_message.Message):
    __slots__ = ("scenario_id", "narrative", "response_type", "options", "employee_answer")
    SCENARIO_ID_FIELD_NUMBER: _ClassVar[int]
    NARRATIVE_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ANSWER_FIELD_NUMBER: _ClassVar[int]
    scenario_id: str
    narrative: str
    response_type: ResponseType
    options: _containers.RepeatedCompositeFieldContainer[Option]
    employee_answer: AnswerEvidence
    def __init__(self, scenario_id: _Optional[str] = ..., narrative: _Optional[str] = ..., response_type: _Optional[_Union[ResponseType, str]] = ..., options: _Optional[_Iterable[_Union[Option, _Mapping]]] = ..., employee_answer: _Optional[_Union[AnswerEvidence, _Mapping]] = ...) -> None: ...

class QuizQuestionEvidence(_message.Message):
    __slots__ = ("question_id", "question_text", "response_type", "options", "employee_answer")
    QUESTION_ID_FIELD_NUMBER: _ClassVar[int]
    QUESTION_TEXT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ANSWER_FIELD_NUMBER: _ClassVar[int]
    question_id: str
    question_text: str
    response_type: ResponseType
    options: _containers.RepeatedCompositeFieldContainer[Option]
    employee_answer: AnswerEvidence
    def __init__(self, question_id: _Optional[str] = ..., question_text: _Optional[str] = ..., response_type: _Optional[_Union[ResponseType, str]] = ..., options: _Optional[_Iterable[_Union[Option, _Mapping]]] = ..., employee_answer: _Optional[_Union[AnswerEvidence, _Mapping]] = ...) -> None: ...

class AnswerEvidence(_message.Message):
    __slots__ = ("selected_option", "free_text_response", "score", "llm_rationale", "submit_time")
    SELECTED_OPTION_FIELD_NUMBER: _ClassVar[int]
    FREE_TEXT_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    LLM_RATIONALE_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    selected_option: str
    free_text_response: str
    score: float
    llm_rationale: str
    submit_time: _timestamp_pb2.Timestamp
    def __init__(self, selected_option: _Optional[str] = ..., free_text_response: _Optional[str] = ..., score: _Optional[float] = ..., llm_rationale: _Optional[str] = ..., submit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class OutcomeSummary(_message.Message):
    __slots__ = ("aggregate_score", "passed", "pass_threshold", "weak_areas", "module_scores")
    AGGREGATE_SCORE_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    PASS_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    WEAK_AREAS_FIELD_NUMBER: _ClassVar[int]
    MODULE_SCORES_FIELD_NUMBER: _ClassVar[int]
    aggregate_score: float
    passed: bool
    pass_threshold: float
    weak_areas: WeakAreas
    module_scores: _containers.RepeatedCompositeFieldContainer[ModuleScore]
    def __init__(self, aggregate_score: _Optional[float] = ..., passed: _Optional[bool] = ..., pass_threshold: _Optional[float] = ..., weak_areas: _Optional[_Union[WeakAreas, _Mapping]] = ..., module_scores: _Optional[_Iterable[_Union[ModuleScore, _Mapping]]] = ...) -> None: ...

class WeakAreas(_message.Message):
    __slots__ = ("topic_areas",)
    TOPIC_AREAS_FIELD_NUMBER: _ClassVar[int]
    topic_areas: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, topic_areas: _Optional[_Iterable[str]] = ...) -> None: ...

class ModuleScore(_message.Message):
    __slots__ = ("module_index", "title", "score")
    MODULE_INDEX_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    module_index: int
    title: str
    score: float
    def __init__(self, module_index: _Optional[int] = ..., title: _Optional[str] = ..., score: _Optional[float] = ...) -> None: ...

class EvidenceProblem(_message.Message):
    __slots__ = ("evidence_id", "chain_sequence", "kind", "detail")
    EVIDENCE_ID_FIELD_NUMBER: _ClassVar[int]
    CHAIN_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    evidence_id: str
    chain_sequence: int
    kind: EvidenceProblemKind
    detail: str
    def __init__(self, evidence_id: _Optional[str] = ..., chain_sequence: _Optional[int] = ..., kind: _Optional[_Union[EvidenceProblemKind, str]] = ..., detail: _Optional[str] = ...) -> None: ...

class Certificate(_message.Message):
    __slots__ = ("certificate_id", "tenant_id", "recipient_id", "course", "learning_path", "issue_time", "expire_time", "status", "history", "signature", "signing_key_id", "canonical_payload", "manual_award")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    ISSUE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    SIGNING_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    MANUAL_AWARD_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    tenant_id: str
    recipient_id: str
    course: _common_pb2.CourseVersionRef
    learning_path: _common_pb2.LearningPathVersionRef
    issue_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    status: CertificateStatus
    history: _containers.RepeatedCompositeFieldContainer[CertificateStatusEvent]
    signature: bytes
    signing_key_id: str
    canonical_payload: bytes
    manual_award: bool
    def __init__(self, certificate_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., recipient_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., learning_path: _Optional[_Union[_common_pb2.LearningPathVersionRef, _Mapping]] = ..., issue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[_Union[CertificateStatus, str]] = ..., history: _Optional[_Iterable[_Union[CertificateStatusEvent, _Mapping]]] = ..., signature: _Optional[bytes] = ..., signing_key_id: _Optional[str] = ..., canonical_payload: _Optional[bytes] = ..., manual_award: _Optional[bool] = ...) -> None: ...

class CertificateStatusEvent(_message.Message):
    __slots__ = ("status", "event_time", "actor_id", "reason")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    status: CertificateStatus
    event_time: _timestamp_pb2.Timestamp
    actor_id: str
    reason: str
    def __init__(self, status: _Optional[_Union[CertificateStatus, str]] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class SigningKey(_message.Message):
    __slots__ = ("key_id", "algorithm", "public_key_pem")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_PEM_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    algorithm: str
    public_key_pem: str
    def __init__(self, key_id: _Optional[str] = ..., algorithm: _Optional[str] = ..., public_key_pem: _Optional[str] = ...) -> None: ...
