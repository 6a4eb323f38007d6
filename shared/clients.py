"""Outbound gRPC channels from one learning service to another, authenticated as the service.

Every call carries `authorization: Bearer <service token>`: a JWT the calling service mints with
its own private key (<PREFIX>_JWT_PRIVATE_KEY(_FILE)), kid header = that key's id, subject = the
service's name, tenant_id "*", roles ["service"]. Tokens are short-lived
(settings.service_token_ttl_seconds) and re-minted a minute (or a fifth of their lifetime) before they
expire, so a long-running relay never sends an expired token. The receiving service verifies them with
the public key its service key map lists for this service (shared/auth.py, shared/service_keys.py).
Calls made inside a span (an RPC being served, an outbox delivery) also carry its W3C `traceparent`, so
the callee's span joins the caller's trace (shared/tracing.py).

    channel = service_channel(settings, settings.audit_address)
    stub = AuditServiceStub(channel)
"""

from __future__ import annotations

import threading
import time

import grpc

from shared.auth import ALL_TENANTS, SERVICE, TokenMinter
from shared.settings import ServiceSettings
from shared.tracing import current_traceparent

# The largest message a learning server or client sends or accepts (servers use it too).
MAX_MESSAGE_BYTES = 8 * 1024 * 1024


class ServiceTokens:
    """Mints and caches the service's own token; thread-safe, re-mints before expiry."""

    def __init__(self, minter: TokenMinter, subject: str, ttl_seconds: int = 300) -> None:
        self._minter = minter
        self._subject = subject
        self._ttl = ttl_seconds
        self._refresh_margin = min(60.0, ttl_seconds / 5)
        self._token = ""
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def current(self) -> str:
        with self._lock:
            if time.time() >= self._expires_at - self._refresh_margin:
                self._token = self._minter.mint(subject=self._subject, tenant_id=ALL_TENANTS,
                                                roles=[SERVICE], ttl_seconds=self._ttl)
                self._expires_at = time.time() + self._ttl
            return self._token


class ServiceTokenInterceptor(grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor):
    """Adds the service token, and the current trace context if any, to every outgoing call's metadata."""

    def __init__(self, tokens: ServiceTokens) -> None:
        self._tokens = tokens

    def _with_token(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = grpc.aio.Metadata(*(details.metadata or ()))
        metadata.add("authorization", f"Bearer {self._tokens.current()}")
        if traceparent := current_traceparent():
            metadata.add("traceparent", traceparent)
        return grpc.aio.ClientCallDetails(details.method, details.timeout, metadata, details.credentials,
                                          details.wait_for_ready)

    async def intercept_unary_unary(self, continuation, client_call_details, request):
        return await continuation(self._with_token(client_call_details), request)

    async def intercept_unary_stream(self, continuation, client_call_details, request):
        return await continuation(self._with_token(client_call_details), request)


def service_tokens(settings: ServiceSettings) -> ServiceTokens:
    private_pem = settings.private_key_pem()
    if not private_pem.strip():
        raise RuntimeError(
            f"no JWT private key configured (set {settings.model_config.get('env_prefix', '')}JWT_PRIVATE_KEY or _FILE): "
            "the service needs it to authenticate its outbound calls"
        )
    minter = TokenMinter.for_service(private_pem, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    # The subject must be the service's name: receivers refuse a token whose key belongs to another name.
    return ServiceTokens(minter, settings.service_name, settings.service_token_ttl_seconds)


def service_channel(settings: ServiceSettings, address: str) -> grpc.aio.Channel:
    """A grpc.aio channel to `address` whose calls carry this service's token. Create it on the event loop
    that will use it and close it (`await channel.close()`) when done."""
    return channel_with_tokens(address, service_tokens(settings))


def channel_with_tokens(address: str, tokens: ServiceTokens) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(
        address,
        interceptors=[ServiceTokenInterceptor(tokens)],
        options=[
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            # Reconnect quickly once a restarted target is back (the default backoff grows to 120 s).
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 5000),
        ],
    )
