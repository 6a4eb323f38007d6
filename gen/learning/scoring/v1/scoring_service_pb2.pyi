from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ScoreFreeTextRequest(_message.Message):
    __slots__ = ("tenant_id", "answer_id", "item_id", "prompt", "rubric", "answer_text", "language_code")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    ANSWER_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_FIELD_NUMBER: _ClassVar[int]
    ANSWER_TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    answer_id: str
    item_id: str
    prompt: str
    rubric: str
    answer_text: str
    language_code: str
    def __init__(self, tenant_id: _Optional[str] = ..., answer_id: _Optional[str] = ..., item_id: _Optional[str] = ..., prompt: _Optional[str] = ..., rubric: _Optional[str] = ..., answer_text: _Optional[str] = ..., language_code: _Optional[str] = ...) -> None: ...

class ScoreFreeTextResponse(_message.Message):
    __slots__ = ("score", "rationale", "scorer")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    SCORER_FIELD_NUMBER: _ClassVar[int]
    score: float
    rationale: str
    scorer: str
    def __init__(self, score: _Optional[float] = ..., rationale: _Optional[str] = ..., scorer: _Optional[str] = ...) -> None: ...
