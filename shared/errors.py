"""Domain errors and their mapping to gRPC status codes with google.rpc rich details.

Domain and store code raise these; the request path (shared/request_path.py)
turns them into a status with the matching details message, so servicers never
build statuses by hand and clients in any language get the same shape:
  - ErrorInfo (reason from learning.common.v1.ErrorReason, domain "learning") always;
  - BadRequest.field_violations for INVALID_ARGUMENT;
  - PreconditionFailure.violations for FAILED_PRECONDITION;
  - ResourceInfo for NOT_FOUND / ALREADY_EXISTS.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

ERROR_DOMAIN = "learning"


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class DomainError(Exception):
    """Base of all errors a client is meant to see. Anything else is INTERNAL.

    `metadata` goes into ErrorInfo.metadata: the keys a contract promises on that error
    (e.g. "certificate_id" of an ALREADY_EXISTS), so clients need not parse messages.
    """

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL
    reason: str = "ERROR_REASON_UNSPECIFIED"

    def __init__(self, message: str, *, metadata: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.metadata = dict(metadata or {})

    def details(self) -> list:
        return []

    def to_status_proto(self) -> status_pb2.Status:
        status = status_pb2.Status(code=self.code.value[0], message=self.message)
        info = error_details_pb2.ErrorInfo(reason=self.reason, domain=ERROR_DOMAIN, metadata=self.metadata)
        for detail in [info, *self.details()]:
            packed = any_pb2.Any()
            packed.Pack(detail)
            status.details.append(packed)
        return status


# A client's default limit for all response headers and trailers is 8 KiB (grpc-core), and the details
# ride in one trailer: a request with thousands of bad fields must not produce an answer the client
# cannot even read. The first violations are reported; ErrorInfo.metadata "violation_count" says how
# many there were in all.
MAX_REPORTED_VIOLATIONS = 50
MAX_REPORTED_TEXT = 200


class InvalidArgument(DomainError):
    code = grpc.StatusCode.INVALID_ARGUMENT
    reason = "ERROR_REASON_INVALID_FIELD"

    def __init__(self, violations: list[FieldViolation], message: str | None = None) -> None:
        self.violations = violations
        summary = "; ".join(f"{v.field}: {v.description}" for v in violations[:5])[:1000]
        more = len(violations) - MAX_REPORTED_VIOLATIONS
        metadata = {"violation_count": str(len(violations))} if more > 0 else None
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(message or f"invalid request: {summary}{suffix}", metadata=metadata)

    def details(self) -> list:
        return [
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=v.field[:MAX_REPORTED_TEXT],
                                                                description=v.description[:MAX_REPORTED_TEXT])
                    for v in self.violations[:MAX_REPORTED_VIOLATIONS]
                ]
            )
        ]


class _ResourceError(DomainError):
    def __init__(self, resource_type: str, resource_name: str, message: str, *,
                 metadata: dict[str, str] | None = None) -> None:
        self.resource_type = resource_type
        self.resource_name = resource_name
        super().__init__(message, metadata=metadata)

    def details(self) -> list:
        return [error_details_pb2.ResourceInfo(resource_type=self.resource_type, resource_name=self.resource_name)]


class NotFound(_ResourceError):
    code = grpc.StatusCode.NOT_FOUND
    reason = "ERROR_REASON_NOT_FOUND"

    def __init__(self, resource_type: str, resource_name: str) -> None:
        super().__init__(resource_type, resource_name, f"{resource_type} {resource_name!r} not found")


class AlreadyExists(_ResourceError):
    code = grpc.StatusCode.ALREADY_EXISTS
    reason = "ERROR_REASON_ALREADY_EXISTS"

    def __init__(self, resource_type: str, resource_name: str, message: str | None = None, *,
                 metadata: dict[str, str] | None = None) -> None:
        super().__init__(resource_type, resource_name, message or f"{resource_type} {resource_name!r} already exists",
                         metadata=metadata)


@dataclass(frozen=True)
class PreconditionViolation:
    type: str
    subject: str
    description: str


class FailedPrecondition(DomainError):
    """An illegal state change. One violation by default; pass `violations` to report several
    problems at once (e.g. one per offending step), as PreconditionFailure allows."""

    code = grpc.StatusCode.FAILED_PRECONDITION
    reason = "ERROR_REASON_FAILED_PRECONDITION"

    def __init__(self, message: str, *, violation_type: str = "STATE", subject: str = "",
                 violations: list[PreconditionViolation] | None = None) -> None:
        self.violation_type = violation_type
        self.subject = subject
        self.violations = violations or [PreconditionViolation(violation_type, subject, message)]
        super().__init__(message)

    def details(self) -> list:
        return [
            error_details_pb2.PreconditionFailure(
                violations=[
                    error_details_pb2.PreconditionFailure.Violation(
                        type=v.type, subject=v.subject, description=v.description
                    )
                    for v in self.violations
                ]
            )
        ]


class PermissionDenied(DomainError):
    code = grpc.StatusCode.PERMISSION_DENIED
    reason = "ERROR_REASON_PERMISSION_DENIED"


class Unauthenticated(DomainError):
    code = grpc.StatusCode.UNAUTHENTICATED
    reason = "ERROR_REASON_UNAUTHENTICATED"


class Aborted(DomainError):
    code = grpc.StatusCode.ABORTED
    reason = "ERROR_REASON_ABORTED"


class Unavailable(DomainError):
    """A service this one depends on does not answer right now; the caller may retry."""

    code = grpc.StatusCode.UNAVAILABLE
    reason = "ERROR_REASON_DEPENDENCY_UNAVAILABLE"


assert code_pb2.INVALID_ARGUMENT == grpc.StatusCode.INVALID_ARGUMENT.value[0]
