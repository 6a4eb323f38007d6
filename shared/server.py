"""grpc.aio server bootstrap shared by every service.

`ServiceHost` adds the request path (shared/request_path.py), grpc.health.v1 health (overall and per
service), server reflection, background tasks (the outbox relay), a database
liveness watch that flips health to NOT_SERVING while PostgreSQL is unreachable, the connection pool's
figures for /metrics (shared/metrics.py, sampled every few seconds),
and graceful shutdown: on SIGTERM/SIGINT health turns NOT_SERVING first, in-flight
RPCs get `shutdown_grace_seconds` to finish, then background tasks stop and pools close.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from shared import metrics
from shared.auth import TokenVerifier
from shared.background import every
from shared.clients import MAX_MESSAGE_BYTES
from shared.db import Database
from shared.reflection import enable_reflection
from shared.request_path import RequestPath

log = logging.getLogger("learning.server")

MAX_METADATA_BYTES = 16 * 1024
# The health name Kubernetes liveness probes ask for: SERVING from start until shutdown whatever PostgreSQL
# does, so a database outage takes pods out of rotation (readiness: "" and the service's name) without
# restarting them all.
LIVENESS = "liveness"

Background = Callable[[asyncio.Event], Awaitable[None]]  # runs until the event is set


class _Registrar:
    """The server as the generated `add_*Servicer_to_server` functions see it: their generic handlers
    are added, run through the request path; their "registered method" handlers are not added.

    Why not registered methods: for them, gRPC's core keeps one queue of waiting calls per method
    and the asyncio server takes calls from those queues in turn, so under load a method that is
    20 % of the traffic skips the line of the other 80 %. Measured (benchmarks/bench_request_path.py,
    80 % GetCourse / 20 % CreateCourse, 64 in flight): reads waited ~110 ms at the client against
    3.5 ms in the handler, writes ~11 ms. With generic handlers all calls wait in one FIFO queue, in
    arrival order, and reads and writes see the same queueing delay.
    """

    def __init__(self, server: grpc.aio.Server, path: RequestPath) -> None:
        self._server = server
        self._path = path

    def add_generic_rpc_handlers(self, handlers) -> None:
        self._server.add_generic_rpc_handlers(tuple(self._path.wrap(handler) for handler in handlers))

    def add_registered_method_handlers(self, service_name: str, handlers) -> None:
        pass  # the generic handler added alongside serves these methods


class ServiceHost:
    def __init__(
        self,
        *,
        name: str,
        service_names: Sequence[str],
        register: Callable[[grpc.aio.Server], None],
        verifier: TokenVerifier,
        database: Database,
        listen_address: str,
        background: Sequence[Background] = (),
        grace_seconds: float = 10.0,
        db_check_seconds: float = 5.0,
        share_port: bool = False,
    ) -> None:
        self.name = name
        self._service_names = list(service_names)
        self._database = database
        self._grace = grace_seconds
        self._db_check_seconds = db_check_seconds
        self._background = list(background)
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        #: More fields for the "serving" line (e.g. the /metrics address, shared/entrypoint.py).
        self.announce: dict[str, str] = {}
        self._background.append(every(metrics.SAMPLE_SECONDS, metrics.PoolSampler(database.pool).sample,
                                      "database pool figures"))
        metrics.record_service(name)
        self.server = grpc.aio.server(
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                # Request headers are small (a token, a request id, tracing): refuse big ones in the
                # transport, before any of them reaches Python (grpc's default is 8 KiB soft / 16 KiB hard).
                ("grpc.max_metadata_size", MAX_METADATA_BYTES),
                ("grpc.absolute_max_metadata_size", MAX_METADATA_BYTES),
                # Off unless this process is one of N workers on the same port (shared/workers.py): a
                # second copy started by mistake must fail to bind, not silently share the traffic.
                ("grpc.so_reuseport", 1 if share_port else 0),
            ],
        )
        registrar = _Registrar(self.server, RequestPath(verifier))
        register(registrar)
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, registrar)
        enable_reflection([*self._service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name],
                          self.server)
        self.port = self.server.add_insecure_port(listen_address)
        if self.port == 0:
            raise RuntimeError(f"could not bind {listen_address}")
        self.address = f"{listen_address.rsplit(':', 1)[0]}:{self.port}"

    @classmethod
    def from_settings(cls, settings, *, name: str, service_names: Sequence[str],
                      register: Callable[[grpc.aio.Server], None], database: Database,
                      background: Sequence[Background] = ()) -> ServiceHost:
        """The usual host of a service: address, token verifier and grace period from its settings."""
        verifier = TokenVerifier(settings.public_key_pem(), issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                                 service_keys=settings.service_key_map())
        return cls(name=name, service_names=service_names, register=register, verifier=verifier, database=database,
                   listen_address=settings.listen_address, background=background,
                   grace_seconds=settings.shutdown_grace_seconds, share_port=settings.worker_index is not None)

    async def start(self) -> None:
        await self.server.start()
        await self._set_health(health_pb2.HealthCheckResponse.SERVING, LIVENESS)
        self._tasks = [asyncio.create_task(task(self._stopping)) for task in self._background]
        self._tasks.append(asyncio.create_task(self._watch_database()))
        # One machine-readable line on stdout: `make run` and the tests wait for it.
        print(json.dumps({"event": "serving", "service": self.name, "address": self.address, **self.announce}),
              flush=True)

    async def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        await self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING, LIVENESS)
        await self.server.stop(self._grace)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._database.close()

    async def run_until_signalled(self) -> None:
        """Serve until SIGTERM or SIGINT, then shut down gracefully."""
        loop = asyncio.get_running_loop()
        stop_requested = asyncio.Event()
        # Handlers first: a SIGTERM right after the "serving" line must still shut down gracefully.
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop_requested.set)
        await self.start()
        await stop_requested.wait()
        log.info("shutting down %s", self.name)
        await self.stop()
        print(json.dumps({"event": "stopped", "service": self.name}), file=sys.stdout, flush=True)

    async def _set_health(self, status, *also: str) -> None:
        for service in ["", *self._service_names, *also]:
            await self.health.set(service, status)

    async def _watch_database(self) -> None:
        serving = True
        while not self._stopping.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._db_check_seconds)
                return
            ok = await self._database.ping()
            if ok != serving:
                serving = ok
                log.warning("database %s", "reachable again" if ok else "unreachable: NOT_SERVING")
                await self._set_health(
                    health_pb2.HealthCheckResponse.SERVING if ok else health_pb2.HealthCheckResponse.NOT_SERVING
                )

