"""IssueCertificate, RevokeCertificate, ListCertificates, VerifyCertificate, ExpireDueCertificates,
GetCertificate: requests -> typed inputs.

Requests that are fingerprinted for request_id idempotency are returned with their ids in lower case
too, so a retry that spells an id in another case is still the same request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence.convert.certificates import STATUS_FILTER
from services.evidence.domain import CertificateFilter, Subject
from shared.pagination import page_size
from shared.timeutil import millis_datetime
from shared.validation import Violations

MAX_REASON = 1000


@dataclass(frozen=True)
class IssueInput:
    request_id: str
    recipient_id: str
    subject: Subject
    issued_at: datetime
    expires_at: datetime | None
    #: The request in its canonical spelling: what request_id idempotency fingerprints.
    request: spb.IssueCertificateRequest


@dataclass(frozen=True)
class RevokeInput:
    request_id: str
    certificate_id: str
    reason: str
    request: spb.RevokeCertificateRequest


@dataclass(frozen=True)
class ListInput:
    limit: int
    filters: CertificateFilter


@dataclass(frozen=True)
class VerifyInput:
    certificate_id: str  # "" when a presented certificate is to be verified
    payload: bytes
    signature: bytes


def issue(request: spb.IssueCertificateRequest, now: datetime) -> IssueInput:
    """`now` (milliseconds) is the default issue_time and the latest one allowed."""
    v = Violations()
    request_id = v.uuid(request.request_id, "request_id")
    recipient_id = v.uuid(request.recipient_id, "recipient_id")
    kind = request.WhichOneof("subject")
    subject = Subject("course", "", 0)
    if kind is None:
        v.add("subject", "one of course or learning_path is required")
    elif kind == "course":
        subject = Subject("course", v.uuid(request.course.course_id, "course.course_id"), request.course.version)
        v.check(request.course.version >= 1, "course.version", "must be at least 1")
    else:
        path = request.learning_path
        subject = Subject("learning_path", v.uuid(path.learning_path_id, "learning_path.learning_path_id"),
                          path.version)
        v.check(path.version >= 1, "learning_path.version", "must be at least 1")
    issued_at, expires_at = now, None
    if request.HasField("issue_time") and v.recorded_time(request.issue_time, "issue_time"):
        issued_at = millis_datetime(request.issue_time)
        v.check(issued_at <= now, "issue_time", "must not be in the future")
    if request.HasField("expire_time") and v.recorded_time(request.expire_time, "expire_time"):
        expires_at = millis_datetime(request.expire_time)
        v.check(expires_at > issued_at, "expire_time", "must be after issue_time")
    v.raise_if_any()
    canonical = _copy(request)
    canonical.request_id, canonical.recipient_id = request_id, recipient_id
    if kind == "course":
        canonical.course.course_id = subject.subject_id
    else:
        canonical.learning_path.learning_path_id = subject.subject_id
    return IssueInput(request_id=request_id, recipient_id=recipient_id, subject=subject, issued_at=issued_at,
                      expires_at=expires_at, request=canonical)


def revoke(request: spb.RevokeCertificateRequest) -> RevokeInput:
    v = Violations()
    certificate_id = v.uuid(request.certificate_id, "certificate_id")
    v.text(request.reason, "reason", max_len=MAX_REASON)
    request_id = v.uuid(request.request_id, "request_id")
    v.raise_if_any()
    canonical = _copy(request)
    canonical.certificate_id, canonical.request_id = certificate_id, request_id
    return RevokeInput(request_id=request_id, certificate_id=certificate_id, reason=request.reason,
                       request=canonical)


def list_request(request: spb.ListCertificatesRequest) -> ListInput:
    v = Violations()
    v.page_size(request.page_size)
    recipient_id = v.uuid(request.recipient_id, "recipient_id", required=False)
    course_id = v.uuid(request.course_id, "course_id", required=False)
    learning_path_id = v.uuid(request.learning_path_id, "learning_path_id", required=False)
    v.check(not (request.course_id and request.learning_path_id), "learning_path_id",
            "must not be set together with course_id")
    v.check(request.status in (0, *STATUS_FILTER), "status", "is not a known certificate status")
    v.raise_if_any()
    subject_type = "course" if course_id else "learning_path" if learning_path_id else None
    return ListInput(limit=page_size(request.page_size), filters=CertificateFilter(
        recipient_id=recipient_id or None, subject_type=subject_type, subject_id=course_id or learning_path_id or None,
        status=STATUS_FILTER.get(request.status)))


def verify(request: spb.VerifyCertificateRequest) -> VerifyInput:
    v = Violations()
    target = request.WhichOneof("target")
    certificate = ""
    if target is None:
        v.add("target", "one of certificate_id or presented is required")
    elif target == "certificate_id":
        certificate = v.uuid(request.certificate_id, "certificate_id")
    else:
        v.check(bool(request.presented.canonical_payload), "presented.canonical_payload", "is required")
        v.check(bool(request.presented.signature), "presented.signature", "is required")
    v.raise_if_any()
    return VerifyInput(certificate_id=certificate, payload=request.presented.canonical_payload,
                       signature=request.presented.signature)


def expire(request: spb.ExpireDueCertificatesRequest, now: datetime) -> datetime:
    """as_of: unset means now; never in the future."""
    v = Violations()
    as_of = now
    if request.HasField("as_of"):
        as_of = v.timestamp(request.as_of, "as_of") or now
        v.check(as_of <= now, "as_of", "must not be in the future")
    v.raise_if_any()
    return as_of


def _copy(request):
    copy = type(request)()
    copy.CopyFrom(request)
    return copy
