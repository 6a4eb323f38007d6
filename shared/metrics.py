"""The Prometheus metrics of a service process (prometheus-client), and how they are recorded.

Recorded where the work happens, never by wrapping it again: the request path (shared/request_path.py)
counts each RPC once with `MethodMetrics`; the outbox relay sets the backlog figures it already queries and
counts deliveries; `PoolSampler` copies psycopg_pool's statistics every few seconds; the checkpoint signers
report their lag through `CheckpointLag`. Served over HTTP by shared/metrics_server.py.

Labels are closed sets only: gRPC service and method names (the methods a server registers), status code
names, outbox destinations (shared/routes.py), checkpoint logs ("audit", "evidence"). Never a tenant, a user
or an id: one series per tenant would grow without bound.

Every gauge says how it adds up over the worker processes of one service (<PREFIX>_WORKERS > 1, prometheus
multiprocess mode): in-flight RPCs and pool connections are summed, figures that one worker measures for the
whole service (backlog, checkpoint lag) take the largest.
"""

from __future__ import annotations

import time
from importlib import metadata

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# No `<counter>_created` series beside every counter and histogram: they double the series for a timestamp
# that the process start time already gives.
disable_created_metrics()

#: Seconds; from a cached read (~1 ms) to the longest deadline a client plausibly sets.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: How often sampled figures (pool statistics, checkpoint lag) are refreshed.
SAMPLE_SECONDS = 5.0
#: A checkpoint signer that completed no round for this long is behind, whatever its last round found.
STALLED_SECONDS = 15.0

# The names follow go-grpc-prometheus / grpc-ecosystem, so existing gRPC dashboards and alerts apply.
RPCS = Counter("grpc_server_handled_total", "RPCs completed, by method and status code",
               ["grpc_service", "grpc_method", "grpc_code"])
RPC_SECONDS = Histogram("grpc_server_handling_seconds", "Time from the start of an RPC to its status, by method",
                        ["grpc_service", "grpc_method"], buckets=LATENCY_BUCKETS)
IN_FLIGHT = Gauge("grpc_server_in_flight", "RPCs being served now, by method", ["grpc_service", "grpc_method"],
                  multiprocess_mode="livesum")

OUTBOX_PENDING = Gauge("learning_outbox_pending", "Outbox rows not yet delivered, by destination (sampled by the "
                       "relay every <PREFIX>_OUTBOX_BACKLOG_LOG_SECONDS)", ["destination"], multiprocess_mode="livemax")
OUTBOX_OLDEST_AGE = Gauge("learning_outbox_oldest_pending_age_seconds", "Age of the oldest undelivered outbox row, "
                          "by destination (0 when none is pending)", ["destination"], multiprocess_mode="livemax")
OUTBOX_DELIVERED = Counter("learning_outbox_delivered_total", "Outbox rows delivered, by destination",
                           ["destination"])
OUTBOX_FAILED = Counter("learning_outbox_delivery_failures_total", "Outbox rows whose delivery attempt failed, by "
                        "destination and gRPC status (ERROR: no status, e.g. the database)", ["destination", "code"])

POOL_CONNECTIONS = Gauge("learning_db_pool_connections", "Database connections of the pool, by state",
                         ["state"], multiprocess_mode="livesum")
POOL_MAX = Gauge("learning_db_pool_max_connections", "The most connections the pool may open",
                 multiprocess_mode="livesum")
POOL_WAITING = Gauge("learning_db_pool_waiting_requests", "Callers waiting for a pooled connection now",
                     multiprocess_mode="livesum")
POOL_WAITS = Counter("learning_db_pool_queued_requests", "Requests for a connection that had to wait")
POOL_WAIT_SECONDS = Counter("learning_db_pool_wait_seconds", "Time callers spent waiting for a connection")
POOL_ERRORS = Counter("learning_db_pool_request_errors", "Requests for a connection that failed (timed out)")
POOL_LOST = Counter("learning_db_pool_connections_lost", "Pooled connections found broken")

CHECKPOINT_LAG = Gauge("learning_checkpoint_age_seconds", "Longest time, over the tenants whose chain has entries "
                       "after their newest checkpoint, since that checkpoint (or since the signer last completed a "
                       "round, if longer); 0 when every chain head is signed", ["log"], multiprocess_mode="livemax")
CHECKPOINTS_SIGNED = Counter("learning_checkpoints_signed", "Checkpoints signed", ["log"])

SERVICE_INFO = Gauge("learning_service_info", "Always 1: the service and the version of the code it runs",
                     ["service", "version"], multiprocess_mode="max")


def code_label(error: BaseException) -> str:
    """The gRPC status name of a failed outbound call (or of the call error it wraps), else "ERROR"."""
    for candidate in (error, error.__cause__):
        code = getattr(candidate, "code", None)
        name = getattr(code() if callable(code) else None, "name", None)
        if isinstance(name, str):
            return name
    return "ERROR"


def record_service(service: str) -> None:
    try:
        version = metadata.version("learning-services")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        version = "unknown"
    SERVICE_INFO.labels(service, version).set(1)


class MethodMetrics:
    """The series of one RPC method, looked up once when the method is wrapped, not per call."""

    __slots__ = ("_codes", "_labels", "in_flight", "seconds")

    def __init__(self, method: str) -> None:
        service, _, name = method.lstrip("/").rpartition("/")
        self._labels = (service, name)
        self.in_flight = IN_FLIGHT.labels(service, name)
        self.seconds = RPC_SECONDS.labels(service, name)
        self._codes: dict[str, Counter] = {}

    def done(self, code: str, seconds: float) -> None:
        self.in_flight.dec()
        self.seconds.observe(seconds)
        counter = self._codes.get(code)
        if counter is None:  # at most one per status code (17)
            counter = self._codes[code] = RPCS.labels(*self._labels, code)
        counter.inc()


class PoolSampler:
    """Copies a psycopg_pool's get_stats() into the pool metrics; `sample()` every SAMPLE_SECONDS."""

    def __init__(self, pool) -> None:
        self._pool = pool
        self._seen: dict[str, float] = {}

    async def sample(self) -> None:
        stats = self._pool.get_stats()
        size, idle = stats.get("pool_size", 0), stats.get("pool_available", 0)
        POOL_CONNECTIONS.labels("in_use").set(max(size - idle, 0))
        POOL_CONNECTIONS.labels("idle").set(idle)
        POOL_MAX.set(stats.get("pool_max", 0))
        POOL_WAITING.set(stats.get("requests_waiting", 0))
        # get_stats() reports totals since the pool was made; the counters move by the difference.
        for key, counter, scale in (("requests_queued", POOL_WAITS, 1), ("requests_wait_ms", POOL_WAIT_SECONDS, 1e-3),
                                    ("requests_errors", POOL_ERRORS, 1), ("connections_lost", POOL_LOST, 1)):
            total = stats.get(key, 0)
            if total > self._seen.get(key, 0):
                counter.inc((total - self._seen.get(key, 0)) * scale)
            self._seen[key] = total


class CheckpointLag:
    """How far a checkpoint signer is behind, for `learning_checkpoint_age_seconds{log}`.

    The signer reports each completed round (`round_done`): for every tenant whose head was past its newest
    checkpoint and that the round did not sign, when that tenant's wait began (its newest checkpoint's time,
    or when a tenant without any checkpoint was first seen). `sample()` (every SAMPLE_SECONDS, apart from
    the signer's rounds) sets the gauge to the longest wait, or to the time since the last completed round
    once that exceeds STALLED_SECONDS: a signer whose rounds fail (database down) or stopped shows a growing
    lag, not the frozen figure of its last good round. Tenants are never labels: one series per log.
    """

    def __init__(self, log: str) -> None:
        self.log = log
        self._gauge = CHECKPOINT_LAG.labels(log)
        self._signed = CHECKPOINTS_SIGNED.labels(log)
        self._first_seen: dict[str, float] = {}  # tenants unsigned without any checkpoint: bounded by tenants
        self._waiting_since: float | None = None
        self._last_round = time.time()

    def round_done(self, waiting: dict[str, float | None], signed: int) -> None:
        """`waiting`: tenant -> epoch seconds of its newest checkpoint (None: it has none), for the tenants the
        round left unsigned; `signed`: checkpoints signed in the round."""
        now = time.time()
        self._first_seen = {tenant: self._first_seen.get(tenant, now) for tenant, at in waiting.items() if at is None}
        starts = [at if at is not None else self._first_seen[tenant] for tenant, at in waiting.items()]
        self._waiting_since = min(starts, default=None)
        self._last_round = now
        if signed:
            self._signed.inc(signed)

    async def sample(self) -> None:
        now = time.time()
        waited = now - self._waiting_since if self._waiting_since is not None else 0.0
        stalled = now - self._last_round  # rounds come every few seconds; longer means they fail or stopped
        self._gauge.set(max(waited, stalled if stalled > STALLED_SECONDS else 0.0, 0.0))
