"""An ALREADY_EXISTS whose ErrorInfo carries metadata (the contract names its keys).

shared.errors builds ErrorInfo without metadata; this subclass adds it without changing shared code.
"""

from __future__ import annotations

from google.rpc import error_details_pb2, status_pb2

from shared.errors import AlreadyExists


class AlreadyExistsWithMetadata(AlreadyExists):
    def __init__(self, resource_type: str, resource_name: str, message: str, metadata: dict[str, str]) -> None:
        super().__init__(resource_type, resource_name, message)
        self.metadata = metadata

    def to_status_proto(self) -> status_pb2.Status:
        status = super().to_status_proto()
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                info.metadata.update(self.metadata)
                detail.Pack(info)
        return status
