"""Server reflection in both protocol versions: grpc.reflection.v1 (what grpcurl, buf curl and Postman ask
first) and v1alpha (older clients).

grpcio-reflection ships only v1alpha. The v1 protocol is the same messages under a new package, so the
v1alpha servicer serves it unchanged on the v1 method path. Two things make v1 a first-class service
rather than a hidden path:
- it is in the listed names, so `list` shows it (it used to show v1alpha alone);
- its descriptor is in the default pool (v1alpha's, renamed), so a client that resolves every listed
  service (`grpcurl describe`, Postman) finds it instead of failing on a name it was just given.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_reflection.v1alpha import reflection, reflection_pb2

REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"
_V1_FILE = "grpc/reflection/v1/reflection.proto"  # the upstream file name, as other servers report it


def _register_v1_descriptor() -> None:
    """Adds the v1 reflection file to the default pool, once (a grpcio-reflection that ships v1 wins)."""
    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(_V1_FILE)
        return
    except KeyError:
        pass
    file = descriptor_pb2.FileDescriptorProto()
    reflection_pb2.DESCRIPTOR.CopyToProto(file)
    file.name, file.package = _V1_FILE, "grpc.reflection.v1"
    file.options.Clear()  # v1alpha's options say deprecated and name v1alpha's Java/Go packages
    for message in file.message_type:
        for field in message.field:
            if field.type_name:  # message fields only (scalars have none)
                field.type_name = field.type_name.replace(".grpc.reflection.v1alpha.", ".grpc.reflection.v1.")
    for method in file.service[0].method:
        method.input_type = method.input_type.replace(".v1alpha.", ".v1.")
        method.output_type = method.output_type.replace(".v1alpha.", ".v1.")
    pool.AddSerializedFile(file.SerializeToString())  # what generated _pb2 modules call


def enable_reflection(service_names: Sequence[str], server: grpc.aio.Server) -> None:
    """Reflection over `service_names` plus health and both reflection services, on both versions."""
    _register_v1_descriptor()
    listed = [*service_names, REFLECTION_V1, reflection.SERVICE_NAME]
    reflection.enable_server_reflection(listed, server)
    servicer = reflection.aio.ReflectionServicer(listed)
    handler = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
    )
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(REFLECTION_V1, {"ServerReflectionInfo": handler}),)
    )
