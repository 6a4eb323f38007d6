"""Server reflection as current tools use it: grpc.reflection.v1 first (grpcurl, buf curl, Postman).

Every service lists its learning service, health and both reflection versions, and every listed name
resolves to a descriptor: `grpcurl describe` resolves all of them and fails on the first that does not.
"""

from __future__ import annotations

from types import SimpleNamespace

import grpc
import pytest
from google.protobuf import descriptor_pool
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from shared.services import SERVICES

V1_METHOD = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"


def _v1_database(channel: grpc.Channel) -> ProtoReflectionDescriptorDatabase:
    """grpcio-reflection's client database, speaking v1: the messages are the same, the method path is v1's."""
    database = ProtoReflectionDescriptorDatabase(channel)
    database._stub = SimpleNamespace(ServerReflectionInfo=channel.stream_stream(
        V1_METHOD, request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString))
    return database


@pytest.mark.parametrize("name", list(SERVICES))
def test_v1_reflection_lists_and_resolves_every_service(request, name):
    server = request.getfixturevalue(f"{name}_server")
    learning_service = f"learning.{name}.v1.{name.capitalize()}Service"
    with grpc.insecure_channel(server.address) as channel:
        database = _v1_database(channel)
        listed = set(database.get_services())
        assert listed == {learning_service, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                          "grpc.reflection.v1alpha.ServerReflection"}
        pool = descriptor_pool.DescriptorPool(database)
        for service in listed:
            assert pool.FindServiceByName(service).methods, service
        v1 = pool.FindServiceByName("grpc.reflection.v1.ServerReflection").methods_by_name["ServerReflectionInfo"]
        assert v1.input_type.full_name == "grpc.reflection.v1.ServerReflectionRequest"
        assert pool.FindFileContainingSymbol(learning_service).name == f"learning/{name}/v1/{name}_service.proto"
