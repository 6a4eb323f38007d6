"""Checkpoint reads, the record export and the chain verification range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from learning.evidence.v1 import evidence_service_pb2 as spb
from shared.pagination import page_size
from shared.validation import Violations


@dataclass(frozen=True)
class SequenceRange:
    first: int  # >= 1
    last: int   # 0: to the end


@dataclass(frozen=True)
class ExportInput:
    span: SequenceRange
    start: datetime | None
    end: datetime | None


def _range(v: Violations, first: int, last: int, first_field: str, last_field: str) -> SequenceRange:
    v.check(first >= 0, first_field, "must not be negative")
    v.check(last >= 0, last_field, "must not be negative (0: to the end)")
    v.check(last == 0 or last >= first, last_field, f"must not be below {first_field}")
    return SequenceRange(max(first, 1), max(last, 0))


def get(request: spb.GetEvidenceCheckpointRequest) -> int:
    """The checkpoint's sequence (0: the latest)."""
    v = Violations()
    v.check(request.sequence >= 0, "sequence", "must not be negative (0: the latest)")
    v.raise_if_any()
    return request.sequence


def list_request(request: spb.ListEvidenceCheckpointsRequest) -> tuple[int, int]:
    """(after_sequence, page size)."""
    v = Violations()
    v.check(request.after_sequence >= 0, "after_sequence", "must not be negative")
    v.page_size(request.page_size)
    v.raise_if_any()
    return request.after_sequence, page_size(request.page_size)


def export(request: spb.ExportEvidenceRecordsRequest) -> ExportInput:
    v = Violations()
    span = _range(v, request.from_sequence, request.to_sequence, "from_sequence", "to_sequence")
    start, end = v.time_range(request, "generate_time_range")
    v.raise_if_any()
    return ExportInput(span, start, end)


def verify_chain(request: spb.VerifyEvidenceChainRequest) -> SequenceRange:
    v = Violations()
    span = _range(v, request.from_sequence, request.to_sequence, "from_sequence", "to_sequence")
    v.raise_if_any()
    return span
