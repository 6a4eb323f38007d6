"""Server interceptors, outermost first: request logging, error mapping, authentication.

They wrap unary-unary and unary-stream handlers (every learning RPC has one of
those shapes); health and reflection are left unauthenticated so probes and
generic tools work without a token.
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
from grpc_status import rpc_status
import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from shared.auth import TokenVerifier, reset_current_principal, set_current_principal
from shared.errors import Aborted, DomainError, FieldViolation, InvalidArgument
from shared.logging import log_fields, request_id_var

log = logging.getLogger("learning.rpc")

UNAUTHENTICATED_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)

Behavior = Callable[..., Awaitable]
Wrapper = Callable[[Behavior, str], Behavior]


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


def _wrap(handler: grpc.RpcMethodHandler | None, method: str, wrapper: Wrapper, *,
          tolerant: bool = False) -> grpc.RpcMethodHandler | None:
    """Return `handler` with its behavior wrapped; other handler shapes pass through.

    `tolerant` swaps in a deserializer that turns unparsable bytes into UndecodableRequest.
    """
    if handler is None:
        return None
    deserializer = _tolerant(handler.request_deserializer) if tolerant else handler.request_deserializer
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            wrapper(handler.unary_unary, method),
            request_deserializer=deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            _wrap_stream(handler.unary_stream, method, wrapper),
            request_deserializer=deserializer,
            response_serializer=handler.response_serializer,
        )
    return handler


def _wrap_stream(behavior, method: str, wrapper: Wrapper):
    # A server-streaming behavior may be an async generator; drive it into context.write.
    async def drain(request, context):
        result = behavior(request, context)
        if hasattr(result, "__aiter__"):
            async for item in result:
                await context.write(item)
        else:
            await result

    return wrapper(drain, method)


_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/-]{1,128}")


def _client_request_id(value) -> str | None:
    """The caller's x-request-id if it is a sane token; anything else is replaced, never logged."""
    return value if isinstance(value, str) and _REQUEST_ID.fullmatch(value) else None


class LoggingInterceptor(grpc.aio.ServerInterceptor):
    """Gives every call a request id (client's x-request-id or a new one) and logs its outcome."""

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)

        def wrapper(behavior: Behavior, method: str) -> Behavior:
            async def logged(request, context):
                metadata = dict(context.invocation_metadata() or ())
                request_id = _client_request_id(metadata.get("x-request-id")) or str(uuid.uuid4())
                token = request_id_var.set(request_id)
                await context.send_initial_metadata((("x-request-id", request_id),))
                started = time.perf_counter()
                code = grpc.StatusCode.OK
                try:
                    return await behavior(request, context)
                except asyncio.CancelledError:
                    code = grpc.StatusCode.CANCELLED
                    raise
                except BaseException:
                    code = context.code() or grpc.StatusCode.UNKNOWN
                    raise
                finally:
                    level = logging.DEBUG if method.startswith(UNAUTHENTICATED_PREFIXES) else logging.INFO
                    log_fields(log, level, "rpc", method=method, code=getattr(code, "name", str(code)),
                               millis=round((time.perf_counter() - started) * 1000, 2))
                    request_id_var.reset(token)

            return logged

        return _wrap(handler, details.method, wrapper)


class ErrorInterceptor(grpc.aio.ServerInterceptor):
    """Maps DomainError to its status with rich details; anything unexpected becomes INTERNAL.

    Unexpected errors are logged with their stack but the client only gets a
    generic message: internals never leak through error strings.
    """

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)

        def wrapper(behavior: Behavior, method: str) -> Behavior:
            async def mapped(request, context):
                try:
                    return await behavior(request, context)
                except DomainError as error:
                    await _abort(context, error)
                except DBAPIError as error:
                    mapped_error = _database_error(error)
                    if mapped_error is None:
                        log.exception("database error in %s", method)
                        await context.abort(grpc.StatusCode.INTERNAL, "internal error")
                    elif isinstance(mapped_error, DomainError):
                        await _abort(context, mapped_error)
                    else:
                        await context.abort(*mapped_error)
                except SQLAlchemyTimeoutError:  # no pooled connection freed up in time: overload, retryable
                    await context.abort(grpc.StatusCode.UNAVAILABLE, "database connections exhausted; retry")
                except (asyncio.CancelledError, grpc.aio.AbortError):
                    raise
                except Exception:
                    log.exception("unhandled error in %s", method)
                    await context.abort(grpc.StatusCode.INTERNAL, "internal error")

            return mapped

        return _wrap(handler, details.method, wrapper)


async def _abort(context, error: DomainError) -> None:
    status = rpc_status.to_status(error.to_status_proto())
    await context.abort(status.code, status.details, status.trailing_metadata)


def _database_error(error: DBAPIError):
    """Translate the PostgreSQL errors a client can act on; None means a real fault."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate == "57014":  # query_canceled: our SET LOCAL statement_timeout from the deadline
        return (grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded while waiting for the database")
    if sqlstate in ("40001", "40P01"):  # serialization failure, deadlock: safe to retry
        return Aborted("concurrent update conflict; retry the request")
    if sqlstate in ("08000", "08001", "08003", "08006", "57P01", "57P03"):
        return (grpc.StatusCode.UNAVAILABLE, "database unavailable")
    # No SQLSTATE at all: the server could not be reached (refused, reset, DNS); retryable.
    if error.connection_invalidated or (sqlstate is None and isinstance(error.orig, psycopg.OperationalError)):
        return (grpc.StatusCode.UNAVAILABLE, "database unavailable")
    return None


class AuthInterceptor(grpc.aio.ServerInterceptor):
    """Verifies the bearer token and exposes the caller through shared.auth.current_principal()."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self._verifier = verifier

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)
        if details.method.startswith(UNAUTHENTICATED_PREFIXES):
            return handler

        def wrapper(behavior: Behavior, method: str) -> Behavior:
            async def authenticated(request, context):
                metadata = dict(context.invocation_metadata() or ())
                principal = self._verifier.verify(metadata.get("authorization"))
                if isinstance(request, UndecodableRequest):  # checked after the token: auth errors come first
                    raise InvalidArgument([FieldViolation("", "the request message could not be parsed "
                                                              f"({request.message_error})")])
                token = set_current_principal(principal)
                try:
                    return await behavior(request, context)
                finally:
                    reset_current_principal(token)

            return authenticated

        return _wrap(handler, details.method, wrapper, tolerant=True)
