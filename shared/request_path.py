"""The request path of every service: each method's handler wrapped once, at registration.

`RequestPath.wrap(generic_handler)` wraps the handlers a service registers; per call, in this order:
  1. request id: the client's `x-request-id` if it is a sane token, else a new one; sent back in the
     trailing metadata (with the status, so it costs no extra send) and carried by every log line of
     the call (shared.logging);
  2. authentication: the bearer token is verified (shared.auth.TokenVerifier, which caches tokens it
     has verified until they expire) and the caller is exposed through shared.auth.current_principal();
     health and reflection stay unauthenticated so probes and generic tools work without a token;
  3. the handler runs;
  4. error mapping: shared.errors.DomainError becomes its status with rich details, the PostgreSQL
     errors a client can act on become UNAVAILABLE / ABORTED / DEADLINE_EXCEEDED, anything else is
     logged with its stack and answered INTERNAL with a generic message;
  5. one log line: method, status code, milliseconds;
  6. metrics and a trace span (shared/metrics.py, shared/tracing.py): the method's series are looked up
     once, when the method is wrapped; per call, the in-flight gauge, the latency histogram and the
     status-code counter move (a few microseconds), and a SERVER span continues the client's W3C
     `traceparent` (or starts a trace) and stays current for the handler, the outbox rows it writes and
     the log lines of the call. Health and reflection calls are counted but not traced.

Why not grpc interceptors: grpc.aio runs every interceptor's `intercept_service` coroutine on every
call, and the three interceptors this replaced built new handler objects per call, which together
cost more than the work of a small read. Here the wrapped handler of each method is built the first
time the method is called and looked up after; grpc itself runs no interceptor at all.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import grpc
import psycopg
from grpc_status import rpc_status
from psycopg_pool import PoolTimeout

from shared.auth import TokenVerifier, reset_current_principal, set_current_principal
from shared.errors import Aborted, DomainError, FieldViolation, InvalidArgument
from shared.logging import request_id_var
from shared.metrics import MethodMetrics
from shared.tracing import ServerSpan

log = logging.getLogger("learning.rpc")

UNAUTHENTICATED_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)

Behavior = Callable[..., Awaitable]


@dataclass(frozen=True)
class UndecodableRequest:
    """Stands in for a request whose bytes did not parse (corrupt wire format, bad UTF-8).

    grpc would otherwise fail the call inside its own deserialization with UNKNOWN and
    the parser's message; instead the call proceeds to authentication and is then
    answered INVALID_ARGUMENT, like any other bad input.
    """

    message_error: str


def _tolerant(deserialize):
    if deserialize is None:
        return None

    def parse(data: bytes):
        try:
            return deserialize(data)
        except Exception as error:  # noqa: BLE001 - DecodeError and whatever a parser raises
            return UndecodableRequest(type(error).__name__)

    return parse


_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/-]{1,128}")


def _client_request_id(value) -> str | None:
    """The caller's x-request-id if it is a sane token; anything else is replaced, never logged."""
    return value if isinstance(value, str) and _REQUEST_ID.fullmatch(value) else None


class RequestPath:
    """Request id, authentication, error mapping and the per-call log line, for every RPC."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self._verifier = verifier

    def wrap(self, generic_handler: grpc.GenericRpcHandler) -> grpc.GenericRpcHandler:
        """`generic_handler` with every method it serves run through this request path."""
        return _WrappedGenericHandler(generic_handler, self)

    def wrap_method(self, handler: grpc.RpcMethodHandler, method: str) -> grpc.RpcMethodHandler:
        """`handler` with its behavior run by `_serve`; other handler shapes pass through."""
        open_method = method.startswith(UNAUTHENTICATED_PREFIXES)
        # Unparsable request bytes reach authentication, then become INVALID_ARGUMENT.
        deserializer = handler.request_deserializer if open_method else _tolerant(handler.request_deserializer)
        if handler.unary_unary:
            behavior = handler.unary_unary
            factory = grpc.unary_unary_rpc_method_handler
        elif handler.unary_stream:
            behavior = _drain(handler.unary_stream)
            factory = grpc.unary_stream_rpc_method_handler
        else:
            return handler
        level = logging.DEBUG if open_method else logging.INFO
        stats = MethodMetrics(method)
        service, _, name = method.lstrip("/").rpartition("/")
        traced = None if open_method else {"rpc.system": "grpc", "rpc.service": service, "rpc.method": name}

        async def serve(request, context):
            return await self._serve(behavior, request, context, method, open_method, level, stats, traced)

        return factory(serve, request_deserializer=deserializer, response_serializer=handler.response_serializer)

    async def _serve(self, behavior: Behavior, request, context, method: str, open_method: bool, level: int,
                     stats: MethodMetrics, traced: dict | None):
        authorization = client_request_id = traceparent = None
        for key, value in context.invocation_metadata() or ():
            if key == "authorization":
                authorization = value
            elif key == "x-request-id":
                client_request_id = value
            elif key == "traceparent":
                traceparent = value
        request_id = _client_request_id(client_request_id) or str(uuid.uuid4())
        request_id_token = request_id_var.set(request_id)
        principal_token = None
        span = ServerSpan(method, traceparent, traced) if traced is not None else None
        stats.in_flight.inc()
        started = time.perf_counter()
        code = "OK"
        try:
            context.set_trailing_metadata((("x-request-id", request_id),))
            if not open_method:
                principal = self._verifier.verify(authorization)
                if isinstance(request, UndecodableRequest):  # checked after the token: auth errors come first
                    raise InvalidArgument([FieldViolation("", "the request message could not be parsed "
                                                              f"({request.message_error})")])
                principal_token = set_current_principal(principal)
            return await behavior(request, context)
        except DomainError as error:
            code = error.code.name
            await _abort(context, error, request_id)
        except PoolTimeout:  # no pooled connection freed up in time: overload, retryable
            code = "UNAVAILABLE"
            await context.abort(grpc.StatusCode.UNAVAILABLE, "database connections exhausted; retry")
        except psycopg.Error as error:
            mapped = _database_error(error)
            if mapped is None:
                log.exception("database error in %s", method)
                mapped = (grpc.StatusCode.INTERNAL, "internal error")
            if isinstance(mapped, DomainError):
                code = mapped.code.name
                await _abort(context, mapped, request_id)
            else:
                code = mapped[0].name
                await context.abort(*mapped)
        except asyncio.CancelledError:
            code = "CANCELLED"
            raise
        except grpc.aio.AbortError:  # the handler aborted the call itself
            code = getattr(context.code(), "name", "UNKNOWN")
            raise
        except Exception:
            code = "INTERNAL"
            log.exception("unhandled error in %s", method)
            await context.abort(grpc.StatusCode.INTERNAL, "internal error")
        finally:
            seconds = time.perf_counter() - started
            stats.done(code, seconds)
            if log.isEnabledFor(level):
                log.log(level, "rpc", extra={"fields": {"method": method, "code": code,
                                                        "millis": round(seconds * 1000, 2)}})
            if span is not None:  # after the log line, which carries the span's trace id
                span.end(code)
            if principal_token is not None:
                reset_current_principal(principal_token)
            request_id_var.reset(request_id_token)


class _WrappedGenericHandler(grpc.GenericRpcHandler):
    def __init__(self, inner: grpc.GenericRpcHandler, path: RequestPath) -> None:
        self._inner = inner
        self._path = path
        # method name -> wrapped handler; only methods that exist are stored, so it stays as small
        # as the service's method table.
        self._wrapped: dict[str, grpc.RpcMethodHandler] = {}

    def service(self, handler_call_details):
        method = handler_call_details.method
        wrapped = self._wrapped.get(method)
        if wrapped is None:
            handler = self._inner.service(handler_call_details)
            if handler is None:
                return None
            wrapped = self._wrapped.setdefault(method, self._path.wrap_method(handler, method))
        return wrapped


def _drain(behavior: Behavior) -> Behavior:
    """A server-streaming behavior may be an async generator; drive it into context.write."""
    async def drain(request, context):
        result = behavior(request, context)
        if hasattr(result, "__aiter__"):
            async for item in result:
                await context.write(item)
        else:
            await result

    return drain


async def _abort(context, error: DomainError, request_id: str) -> None:
    status = rpc_status.to_status(error.to_status_proto())
    await context.abort(status.code, status.details, (*status.trailing_metadata, ("x-request-id", request_id)))


def _database_error(error: psycopg.Error):
    """Translate the PostgreSQL errors a client can act on; None means a real fault."""
    sqlstate = error.sqlstate
    if sqlstate == "57014":  # query_canceled: the per-connection statement_timeout ran out
        return (grpc.StatusCode.DEADLINE_EXCEEDED, "the database statement took too long")
    if sqlstate in ("40001", "40P01"):  # serialization failure, deadlock: safe to retry
        return Aborted("concurrent update conflict; retry the request")
    if sqlstate in ("08000", "08001", "08003", "08006", "57P01", "57P03"):
        return (grpc.StatusCode.UNAVAILABLE, "database unavailable")
    # No SQLSTATE at all: the server could not be reached (refused, reset, DNS); retryable.
    if sqlstate is None and isinstance(error, psycopg.OperationalError):
        return (grpc.StatusCode.UNAVAILABLE, "database unavailable")
    return None
