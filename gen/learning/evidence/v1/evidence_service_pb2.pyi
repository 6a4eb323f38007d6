import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from learning.common.v1 import common_pb2 as _common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as _evidence_resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetEvidenceCheckpointRequest(_message.Message):
    __slots__ = ("tenant_id", "sequence")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    sequence: int
    def __init__(self, tenant_id: _Optional[str] = ..., sequence: _Optional[int] = ...) -> None: ...

class GetEvidenceCheckpointResponse(_message.Message):
    __slots__ = ("checkpoint",)
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    checkpoint: _common_pb2.Checkpoint
    def __init__(self, checkpoint: _Optional[_Union[_common_pb2.Checkpoint, _Mapping]] = ...) -> None: ...

class ListEvidenceCheckpointsRequest(_message.Message):
    __slots__ = ("tenant_id", "after_sequence", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    after_sequence: int
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., after_sequence: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListEvidenceCheckpointsResponse(_message.Message):
    __slots__ = ("checkpoints", "next_page_token")
    CHECKPOINTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    checkpoints: _containers.RepeatedCompositeFieldContainer[_common_pb2.Checkpoint]
    next_page_token: str
    def __init__(self, checkpoints: _Optional[_Iterable[_Union[_common_pb2.Checkpoint, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetEvidenceCheckpointKeysRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetEvidenceCheckpointKeysResponse(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[_common_pb2.CheckpointKey]
    def __init__(self, keys: _Optional[_Iterable[_Union[_common_pb2.CheckpointKey, _Mapping]]] = ...) -> None: ...

class ExportEvidenceRecordsRequest(_message.Message):
    __slots__ = ("tenant_id", "from_sequence", "to_sequence", "generate_time_range")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TO_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    GENERATE_TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    from_sequence: int
    to_sequence: int
    generate_time_range: _common_pb2.TimeRange
    def __init__(self, tenant_id: _Optional[str] = ..., from_sequence: _Optional[int] = ..., to_sequence: _Optional[int] = ..., generate_time_range: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ...) -> None: ...

class ExportEvidenceRecordsResponse(_message.Message):
    __slots__ = ("evidence_id", "chain_sequence", "canonical_json", "content_hash", "previous_hash", "chain_hash")
    EVIDENCE_ID_FIELD_NUMBER: _ClassVar[int]
    CHAIN_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_JSON_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_HASH_FIELD_NUMBER: _ClassVar[int]
    CHAIN_HASH_FIELD_NUMBER: _ClassVar[int]
    evidence_id: str
    chain_sequence: int
    canonical_json: bytes
    content_hash: str
    previous_hash: str
    chain_hash: str
    def __init__(self, evidence_id: _Optional[str] = ..., chain_sequence: _Optional[int] = ..., canonical_json: _Optional[bytes] = ..., content_hash: _Optional[str] = ..., previous_hash: _Optional[str] = ..., chain_hash: _Optional[str] = ...) -> None: ...

class RecordTrainingEvidenceRequest(_message.Message):
    __slots__ = ("tenant_id", "session_id", "employee_id", "schema_version", "evidence")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    session_id: str
    employee_id: str
    schema_version: int
    evidence: _evidence_resources_pb2.EvidenceBody
    def __init__(self, tenant_id: _Optional[str] = ..., session_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., schema_version: _Optional[int] = ..., evidence: _Optional[_Union[_evidence_resources_pb2.EvidenceBody, _Mapping]] = ...) -> None: ...

class RecordTrainingEvidenceResponse(_message.Message):
    __slots__ = ("training_evidence", "created")
    TRAINING_EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    training_evidence: _evidence_resources_pb2.TrainingEvidence
    created: bool
    def __init__(self, training_evidence: _Optional[_Union[_evidence_resources_pb2.TrainingEvidence, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetTrainingEvidenceRequest(_message.Message):
    __slots__ = ("tenant_id", "evidence_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    evidence_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., evidence_id: _Optional[str] = ...) -> None: ...

class GetTrainingEvidenceResponse(_message.Message):
    __slots__ = ("training_evidence",)
    TRAINING_EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    training_evidence: _evidence_resources_pb2.TrainingEvidence
    def __init__(self, training_evidence: _Optional[_Union[_evidence_resources_pb2.TrainingEvidence, _Mapping]] = ...) -> None: ...

class GetTrainingEvidenceBySessionRequest(_message.Message):
    __slots__ = ("tenant_id", "session_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    session_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class GetTrainingEvidenceBySessionResponse(_message.Message):
    __slots__ = ("training_evidence",)
    TRAINING_EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    training_evidence: _evidence_resources_pb2.TrainingEvidence
    def __init__(self, training_evidence: _Optional[_Union[_evidence_resources_pb2.TrainingEvidence, _Mapping]] = ...) -> None: ...

class ListTrainingEvidenceRequest(_message.Message):
    __slots__ = ("tenant_id", "page_size", "page_token", "employee_id", "generate_time_range", "statuses")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    GENERATE_TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page_size: int
    page_token: str
    employee_id: str
    generate_time_range: _common_pb2.TimeRange
    statuses: _containers.RepeatedScalarFieldContainer[_evidence_resources_pb2.SessionStatus]
    def __init__(self, tenant_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., employee_id: _Optional[str] = ..., generate_time_range: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., statuses: _Optional[_Iterable[_Union[_evidence_resources_pb2.SessionStatus, str]]] = ...) -> None: ...

class ListTrainingEvidenceResponse(_message.Message):
    __slots__ = ("training_evidence", "next_page_token")
    TRAINING_EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    training_evidence: _containers.RepeatedCompositeFieldContainer[_evidence_resources_pb2.TrainingEvidence]
    next_page_token: str
    def __init__(self, training_evidence: _Optional[_Iterable[_Union[_evidence_resources_pb2.TrainingEvidence, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ExportTrainingEvidenceRequest(_message.Message):
    __slots__ = ("tenant_id", "evidence_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    evidence_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., evidence_id: _Optional[str] = ...) -> None: ...

class ExportTrainingEvidenceResponse(_message.Message):
    __slots__ = ("evidence_id", "session_id", "schema_version", "canonical_json", "content_hash", "chain_sequence", "previous_hash", "chain_hash", "generate_time")
    EVIDENCE_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_JSON_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    CHAIN_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_HASH_FIELD_NUMBER: _ClassVar[int]
    CHAIN_HASH_FIELD_NUMBER: _ClassVar[int]
    GENERATE_TIME_FIELD_NUMBER: _ClassVar[int]
    evidence_id: str
    session_id: str
    schema_version: int
    canonical_json: bytes
    content_hash: str
    chain_sequence: int
    previous_hash: str
    chain_hash: str
    generate_time: _timestamp_pb2.Timestamp
    def __init__(self, evidence_id: _Optional[str] = ..., session_id: _Optional[str] = ..., schema_version: _Optional[int] = ..., canonical_json: _Optional[bytes] = ..., content_hash: _Optional[str] = ..., chain_sequence: _Optional[int] = ..., previous_hash: _Optional[str] = ..., chain_hash: _Optional[str] = ..., generate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VerifyTrainingEvidenceRequest(_message.Message):
    __slots__ = ("tenant_id", "evidence_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    evidence_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., evidence_id: _Optional[str] = ...) -> None: ...

class VerifyTrainingEvidenceResponse(_message.Message):
    __slots__ = ("evidence_id", "valid", "problems")
    EVIDENCE_ID_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    evidence_id: str
    valid: bool
    problems: _containers.RepeatedCompositeFieldContainer[_evidence_resources_pb2.EvidenceProblem]
    def __init__(self, evidence_id: _Optional[str] = ..., valid: _Optional[bool] = ..., problems: _Optional[_Iterable[_Union[_evidence_resources_pb2.EvidenceProblem, _Mapping]]] = ...) -> None: ...

class VerifyEvidenceChainRequest(_message.Message):
    __slots__ = ("tenant_id", "from_sequence", "to_sequence", "full_content_check")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TO_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    FULL_CONTENT_CHECK_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    from_sequence: int
    to_sequence: int
    full_content_check: bool
    def __init__(self, tenant_id: _Optional[str] = ..., from_sequence: _Optional[int] = ..., to_sequence: _Optional[int] = ..., full_content_check: _Optional[bool] = ...) -> None: ...

class VerifyEvidenceChainResponse(_message.Message):
    __slots__ = ("valid", "records_checked", "first_failure", "head_chain_hash", "head_sequence", "checkpoints_checked", "records_content_checked")
    VALID_FIELD_NUMBER: _ClassVar[int]
    RECORDS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    FIRST_FAILURE_FIELD_NUMBER: _ClassVar[int]
    HEAD_CHAIN_HASH_FIELD_NUMBER: _ClassVar[int]
    HEAD_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINTS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    RECORDS_CONTENT_CHECKED_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    records_checked: int
    first_failure: _evidence_resources_pb2.EvidenceProblem
    head_chain_hash: str
    head_sequence: int
    checkpoints_checked: int
    records_content_checked: int
    def __init__(self, valid: _Optional[bool] = ..., records_checked: _Optional[int] = ..., first_failure: _Optional[_Union[_evidence_resources_pb2.EvidenceProblem, _Mapping]] = ..., head_chain_hash: _Optional[str] = ..., head_sequence: _Optional[int] = ..., checkpoints_checked: _Optional[int] = ..., records_content_checked: _Optional[int] = ...) -> None: ...

class IssueCertificateRequest(_message.Message):
    __slots__ = ("tenant_id", "request_id", "recipient_id", "course", "learning_path", "issue_time", "expire_time")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_FIELD_NUMBER: _ClassVar[int]
    ISSUE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    request_id: str
    recipient_id: str
    course: _common_pb2.CourseVersionRef
    learning_path: _common_pb2.LearningPathVersionRef
    issue_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., request_id: _Optional[str] = ..., recipient_id: _Optional[str] = ..., course: _Optional[_Union[_common_pb2.CourseVersionRef, _Mapping]] = ..., learning_path: _Optional[_Union[_common_pb2.LearningPathVersionRef, _Mapping]] = ..., issue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class IssueCertificateResponse(_message.Message):
    __slots__ = ("certificate", "created")
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    certificate: _evidence_resources_pb2.Certificate
    created: bool
    def __init__(self, certificate: _Optional[_Union[_evidence_resources_pb2.Certificate, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetCertificateRequest(_message.Message):
    __slots__ = ("tenant_id", "certificate_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    certificate_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., certificate_id: _Optional[str] = ...) -> None: ...

class GetCertificateResponse(_message.Message):
    __slots__ = ("certificate",)
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    certificate: _evidence_resources_pb2.Certificate
    def __init__(self, certificate: _Optional[_Union[_evidence_resources_pb2.Certificate, _Mapping]] = ...) -> None: ...

class ListCertificatesRequest(_message.Message):
    __slots__ = ("tenant_id", "page_size", "page_token", "recipient_id", "course_id", "learning_path_id", "status")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LEARNING_PATH_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page_size: int
    page_token: str
    recipient_id: str
    course_id: str
    learning_path_id: str
    status: _evidence_resources_pb2.CertificateStatus
    def __init__(self, tenant_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., recipient_id: _Optional[str] = ..., course_id: _Optional[str] = ..., learning_path_id: _Optional[str] = ..., status: _Optional[_Union[_evidence_resources_pb2.CertificateStatus, str]] = ...) -> None: ...

class ListCertificatesResponse(_message.Message):
    __slots__ = ("certificates", "next_page_token")
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    certificates: _containers.RepeatedCompositeFieldContainer[_evidence_resources_pb2.Certificate]
    next_page_token: str
    def __init__(self, certificates: _Optional[_Iterable[_Union[_evidence_resources_pb2.Certificate, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RevokeCertificateRequest(_message.Message):
    __slots__ = ("tenant_id", "certificate_id", "reason", "request_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    certificate_id: str
    reason: str
    request_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., certificate_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RevokeCertificateResponse(_message.Message):
    __slots__ = ("certificate",)
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    certificate: _evidence_resources_pb2.Certificate
    def __init__(self, certificate: _Optional[_Union[_evidence_resources_pb2.Certificate, _Mapping]] = ...) -> None: ...

class ExpireDueCertificatesRequest(_message.Message):
    __slots__ = ("tenant_id", "as_of")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    as_of: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExpireDueCertificatesResponse(_message.Message):
    __slots__ = ("expired_count",)
    EXPIRED_COUNT_FIELD_NUMBER: _ClassVar[int]
    expired_count: int
    def __init__(self, expired_count: _Optional[int] = ...) -> None: ...

class PresentedCertificate(_message.Message):
    __slots__ = ("canonical_payload", "signature")
    CANONICAL_PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    canonical_payload: bytes
    signature: bytes
    def __init__(self, canonical_payload: _Optional[bytes] = ..., signature: _Optional[bytes] = ...) -> None: ...

class VerifyCertificateRequest(_message.Message):
    __slots__ = ("tenant_id", "certificate_id", "presented")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    PRESENTED_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    certificate_id: str
    presented: PresentedCertificate
    def __init__(self, tenant_id: _Optional[str] = ..., certificate_id: _Optional[str] = ..., presented: _Optional[_Union[PresentedCertificate, _Mapping]] = ...) -> None: ...

class VerifyCertificateResponse(_message.Message):
    __slots__ = ("certificate_id", "valid", "status", "reason")
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    valid: bool
    status: _evidence_resources_pb2.CertificateStatus
    reason: str
    def __init__(self, certificate_id: _Optional[str] = ..., valid: _Optional[bool] = ..., status: _Optional[_Union[_evidence_resources_pb2.CertificateStatus, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class GetSigningKeysRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetSigningKeysResponse(_message.Message):
    __slots__ = ("signing_keys",)
    SIGNING_KEYS_FIELD_NUMBER: _ClassVar[int]
    signing_keys: _containers.RepeatedCompositeFieldContainer[_evidence_resources_pb2.SigningKey]
    def __init__(self, signing_keys: _Optional[_Iterable[_Union[_evidence_resources_pb2.SigningKey, _Mapping]]] = ...) -> None: ...
