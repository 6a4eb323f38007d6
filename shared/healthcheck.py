"""`python -m shared.healthcheck HOST:PORT [SERVICE]`: exit 0 when the server reports SERVING.

For container health checks (docker-compose, exec probes); Kubernetes can also
use its native gRPC probe against the same grpc.health.v1 endpoint.
"""

from __future__ import annotations

import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def check(address: str, service: str = "", timeout: float = 3.0) -> bool:
    with grpc.insecure_channel(address) as channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=timeout
            )
        except grpc.RpcError:
            return False
    return response.status == health_pb2.HealthCheckResponse.SERVING


if __name__ == "__main__":
    sys.exit(0 if check(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "") else 1)
