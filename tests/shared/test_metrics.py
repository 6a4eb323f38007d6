"""The figures of shared/metrics.py that are computed rather than counted: checkpoint lag and pool statistics."""

from __future__ import annotations

import time

import grpc
import pytest
from prometheus_client import REGISTRY

from shared import metrics
from shared.metrics import CheckpointLag, MethodMetrics, PoolSampler
from shared.outbox_relay import PermanentDeliveryError


def _lag(log: str) -> float:
    return REGISTRY.get_sample_value("learning_checkpoint_age_seconds", {"log": log})


async def test_the_checkpoint_lag_is_the_longest_wait_of_an_unsigned_tenant():
    lag = CheckpointLag("lag-test")
    lag.round_done({}, signed=2)
    await lag.sample()
    assert _lag("lag-test") == 0.0  # every head signed
    lag.round_done({"acme": time.time() - 120, "globex": time.time() - 30}, signed=0)
    await lag.sample()
    assert 119 <= _lag("lag-test") < 130
    assert REGISTRY.get_sample_value("learning_checkpoints_signed_total", {"log": "lag-test"}) == 2


async def test_a_tenant_without_any_checkpoint_waits_from_when_it_was_first_seen():
    lag = CheckpointLag("first-seen-test")
    lag.round_done({"new": None}, signed=0)
    lag._first_seen["new"] -= 40  # seen 40 s ago, still unsigned (its chain does not verify, say)
    lag.round_done({"new": None}, signed=0)
    await lag.sample()
    assert 40 <= _lag("first-seen-test") < 50
    lag.round_done({}, signed=1)  # signed at last: forgotten
    assert lag._first_seen == {}


async def test_a_signer_whose_rounds_stopped_shows_a_growing_lag():
    lag = CheckpointLag("stalled-test")
    lag.round_done({}, signed=0)
    lag._last_round -= metrics.STALLED_SECONDS + 60  # no round completed since (database down, say)
    await lag.sample()
    assert _lag("stalled-test") >= metrics.STALLED_SECONDS + 60


class _Pool:
    def __init__(self, **stats) -> None:
        self.stats = stats

    def get_stats(self) -> dict:
        return dict(self.stats)


async def test_pool_statistics_become_gauges_and_counters_that_only_grow():
    def value(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0

    queued_before = value("learning_db_pool_queued_requests_total")
    pool = _Pool(pool_max=20, pool_size=5, pool_available=2, requests_waiting=3, requests_queued=4,
                 requests_wait_ms=1500)
    sampler = PoolSampler(pool)
    await sampler.sample()
    assert value("learning_db_pool_connections", state="in_use") == 3
    assert value("learning_db_pool_connections", state="idle") == 2
    assert value("learning_db_pool_max_connections") == 20 and value("learning_db_pool_waiting_requests") == 3
    assert value("learning_db_pool_queued_requests_total") - queued_before == 4
    pool.stats.update(requests_queued=6)
    await sampler.sample()
    assert value("learning_db_pool_queued_requests_total") - queued_before == 6
    assert value("learning_db_pool_wait_seconds_total") >= 1.5


def test_one_rpc_moves_its_methods_series():
    series = MethodMetrics("/test.v1.Probe/Call")
    labels = {"grpc_service": "test.v1.Probe", "grpc_method": "Call"}
    series.in_flight.inc()
    assert REGISTRY.get_sample_value("grpc_server_in_flight", labels) == 1
    series.done("NOT_FOUND", 0.003)
    assert REGISTRY.get_sample_value("grpc_server_in_flight", labels) == 0
    assert REGISTRY.get_sample_value("grpc_server_handled_total", {**labels, "grpc_code": "NOT_FOUND"}) == 1
    assert REGISTRY.get_sample_value("grpc_server_handling_seconds_bucket", {**labels, "le": "0.005"}) == 1
    assert REGISTRY.get_sample_value("grpc_server_handling_seconds_bucket", {**labels, "le": "0.0025"}) == 0


def _call_error(code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), "details")


def _refused() -> PermanentDeliveryError:
    try:
        raise PermanentDeliveryError("refused") from _call_error(grpc.StatusCode.INVALID_ARGUMENT)
    except PermanentDeliveryError as error:
        return error


@pytest.mark.parametrize("error, label", [
    (_call_error(grpc.StatusCode.UNAVAILABLE), "UNAVAILABLE"),  # the target is down
    (_refused(), "INVALID_ARGUMENT"),  # the relay's wrapper of a refusal: the call's own status
    (RuntimeError("no status"), "ERROR"),  # never the message: it would open the label set
])
def test_failed_deliveries_are_labelled_by_a_closed_set(error, label):
    assert metrics.code_label(error) == label
