"""Helpers to inspect gRPC errors and their google.rpc rich details in tests."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status


def status_details(error: grpc.RpcError) -> list:
    """Unpack every detail message (ErrorInfo, BadRequest, ...) of a failed call."""
    status = rpc_status.from_call(error)
    if status is None:
        return []
    unpacked = []
    for detail in status.details:
        for cls in (error_details_pb2.BadRequest, error_details_pb2.ErrorInfo, error_details_pb2.PreconditionFailure,
                    error_details_pb2.ResourceInfo):
            if detail.Is(cls.DESCRIPTOR):
                message = cls()
                detail.Unpack(message)
                unpacked.append(message)
    return unpacked


def field_violations(error: grpc.RpcError) -> dict[str, str]:
    """field -> description of the BadRequest detail (empty when there is none)."""
    return {
        v.field: v.description
        for d in status_details(error)
        if isinstance(d, error_details_pb2.BadRequest)
        for v in d.field_violations
    }


def error_reason(error: grpc.RpcError) -> str:
    return next((d.reason for d in status_details(error) if isinstance(d, error_details_pb2.ErrorInfo)), "")
