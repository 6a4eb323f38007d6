import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from learning.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class VerificationFailureKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERIFICATION_FAILURE_KIND_UNSPECIFIED: _ClassVar[VerificationFailureKind]
    VERIFICATION_FAILURE_KIND_CONTENT_CHANGED: _ClassVar[VerificationFailureKind]
    VERIFICATION_FAILURE_KIND_LINK_BROKEN: _ClassVar[VerificationFailureKind]
    VERIFICATION_FAILURE_KIND_SEQUENCE_GAP: _ClassVar[VerificationFailureKind]
    VERIFICATION_FAILURE_KIND_CHECKPOINT_MISMATCH: _ClassVar[VerificationFailureKind]
    VERIFICATION_FAILURE_KIND_TRUNCATED: _ClassVar[VerificationFailureKind]
    VERIFICATION_FAILURE_KIND_CHECKPOINT_INVALID: _ClassVar[VerificationFailureKind]
VERIFICATION_FAILURE_KIND_UNSPECIFIED: VerificationFailureKind
VERIFICATION_FAILURE_KIND_CONTENT_CHANGED: VerificationFailureKind
VERIFICATION_FAILURE_KIND_LINK_BROKEN: VerificationFailureKind
VERIFICATION_FAILURE_KIND_SEQUENCE_GAP: VerificationFailureKind
VERIFICATION_FAILURE_KIND_CHECKPOINT_MISMATCH: VerificationFailureKind
VERIFICATION_FAILURE_KIND_TRUNCATED: VerificationFailureKind
VERIFICATION_FAILURE_KIND_CHECKPOINT_INVALID: VerificationFailureKind

class AuditEvent(_message.Message):
    __slots__ = ("event_id", "tenant_id", "actor_id", "action", "subject_type", "subject_id", "occur_time", "source_service", "payload", "sequence", "previous_hash", "event_hash", "record_time")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SERVICE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_HASH_FIELD_NUMBER: _ClassVar[int]
    EVENT_HASH_FIELD_NUMBER: _ClassVar[int]
    RECORD_TIME_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    tenant_id: str
    actor_id: str
    action: str
    subject_type: str
    subject_id: str
    occur_time: _timestamp_pb2.Timestamp
    source_service: str
    payload: _struct_pb2.Struct
    sequence: int
    previous_hash: str
    event_hash: str
    record_time: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., action: _Optional[str] = ..., subject_type: _Optional[str] = ..., subject_id: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source_service: _Optional[str] = ..., payload: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., sequence: _Optional[int] = ..., previous_hash: _Optional[str] = ..., event_hash: _Optional[str] = ..., record_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordEventsRequest(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[AuditEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[AuditEvent, _Mapping]]] = ...) -> None: ...

class RecordEventsResponse(_message.Message):
    __slots__ = ("recorded_count", "duplicate_count")
    RECORDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_COUNT_FIELD_NUMBER: _ClassVar[int]
    recorded_count: int
    duplicate_count: int
    def __init__(self, recorded_count: _Optional[int] = ..., duplicate_count: _Optional[int] = ...) -> None: ...

class GetAuditEventRequest(_message.Message):
    __slots__ = ("tenant_id", "event_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    event_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., event_id: _Optional[str] = ...) -> None: ...

class GetAuditEventResponse(_message.Message):
    __slots__ = ("event",)
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: AuditEvent
    def __init__(self, event: _Optional[_Union[AuditEvent, _Mapping]] = ...) -> None: ...

class ListAuditEventsRequest(_message.Message):
    __slots__ = ("tenant_id", "page_size", "page_token", "actor_id", "action", "subject_type", "subject_id", "source_service", "occur_time_range", "after_sequence")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SERVICE_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page_size: int
    page_token: str
    actor_id: str
    action: str
    subject_type: str
    subject_id: str
    source_service: str
    occur_time_range: _common_pb2.TimeRange
    after_sequence: int
    def __init__(self, tenant_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., actor_id: _Optional[str] = ..., action: _Optional[str] = ..., subject_type: _Optional[str] = ..., subject_id: _Optional[str] = ..., source_service: _Optional[str] = ..., occur_time_range: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class ListAuditEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[AuditEvent]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[AuditEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class VerifyAuditLogRequest(_message.Message):
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

class VerifyAuditLogResponse(_message.Message):
    __slots__ = ("valid", "events_checked", "first_failure", "head_sequence", "head_hash", "checkpoints_checked", "events_content_checked")
    VALID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    FIRST_FAILURE_FIELD_NUMBER: _ClassVar[int]
    HEAD_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    HEAD_HASH_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINTS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    EVENTS_CONTENT_CHECKED_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    events_checked: int
    first_failure: VerificationFailure
    head_sequence: int
    head_hash: str
    checkpoints_checked: int
    events_content_checked: int
    def __init__(self, valid: _Optional[bool] = ..., events_checked: _Optional[int] = ..., first_failure: _Optional[_Union[VerificationFailure, _Mapping]] = ..., head_sequence: _Optional[int] = ..., head_hash: _Optional[str] = ..., checkpoints_checked: _Optional[int] = ..., events_content_checked: _Optional[int] = ...) -> None: ...

class GetAuditCheckpointRequest(_message.Message):
    __slots__ = ("tenant_id", "sequence")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    sequence: int
    def __init__(self, tenant_id: _Optional[str] = ..., sequence: _Optional[int] = ...) -> None: ...

class GetAuditCheckpointResponse(_message.Message):
    __slots__ = ("checkpoint",)
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    checkpoint: _common_pb2.Checkpoint
    def __init__(self, checkpoint: _Optional[_Union[_common_pb2.Checkpoint, _Mapping]] = ...) -> None: ...

class ListAuditCheckpointsRequest(_message.Message):
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

class ListAuditCheckpointsResponse(_message.Message):
    __slots__ = ("checkpoints", "next_page_token")
    CHECKPOINTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    checkpoints: _containers.RepeatedCompositeFieldContainer[_common_pb2.Checkpoint]
    next_page_token: str
    def __init__(self, checkpoints: _Optional[_Iterable[_Union[_common_pb2.Checkpoint, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetAuditCheckpointKeysRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetAuditCheckpointKeysResponse(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[_common_pb2.CheckpointKey]
    def __init__(self, keys: _Optional[_Iterable[_Union[_common_pb2.CheckpointKey, _Mapping]]] = ...) -> None: ...

class ExportAuditRecordsRequest(_message.Message):
    __slots__ = ("tenant_id", "from_sequence", "to_sequence", "record_time_range")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TO_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    RECORD_TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    from_sequence: int
    to_sequence: int
    record_time_range: _common_pb2.TimeRange
    def __init__(self, tenant_id: _Optional[str] = ..., from_sequence: _Optional[int] = ..., to_sequence: _Optional[int] = ..., record_time_range: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ...) -> None: ...

class ExportAuditRecordsResponse(_message.Message):
    __slots__ = ("sequence", "event_id", "canonical_json", "event_hash", "previous_hash")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_JSON_FIELD_NUMBER: _ClassVar[int]
    EVENT_HASH_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_HASH_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    event_id: str
    canonical_json: bytes
    event_hash: str
    previous_hash: str
    def __init__(self, sequence: _Optional[int] = ..., event_id: _Optional[str] = ..., canonical_json: _Optional[bytes] = ..., event_hash: _Optional[str] = ..., previous_hash: _Optional[str] = ...) -> None: ...

class VerificationFailure(_message.Message):
    __slots__ = ("sequence", "event_id", "kind", "detail")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    event_id: str
    kind: VerificationFailureKind
    detail: str
    def __init__(self, sequence: _Optional[int] = ..., event_id: _Optional[str] = ..., kind: _Optional[_Union[VerificationFailureKind, str]] = ..., detail: _Optional[str] = ...) -> None: ...
