"""Closed-loop gRPC load for the benchmarks: N calls in flight, latencies per kind, CPU of the server.

`drive(address, calls, seconds, in_flight)` keeps `in_flight` calls outstanding for `seconds` (after
a warm-up) from this process, over CHANNELS grpc.aio channels of their own connection each (the
kernel spreads a service's worker processes over connections, not calls); every call is a `Call`
(kind, method, request, metadata) picked in turn from `calls`, so a mix such as 4 reads to 1 write
is a list of five. `Result.merge` adds up rounds. The server's CPU time (its process and every child, from /proc) is sampled around
the measured window, so CPU milliseconds per RPC count the service alone, not this client.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from shared.clients import MAX_MESSAGE_BYTES


@dataclass(frozen=True)
class Call:
    kind: str
    method: str  # full method name, "/package.Service/Method"
    request: object  # a message, or bytes for an untyped method
    serialize: Callable | None = None
    deserialize: Callable | None = None
    metadata: tuple = ()
    # Makes a fresh request per call (e.g. unique request ids); None reuses `request`.
    fresh: Callable[[], object] | None = None


@dataclass
class Result:
    seconds: float
    cpu_seconds: float  # the server's process tree
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    client_cpu_seconds: float = 0.0  # this process
    machine_busy_seconds: float = 0.0  # all cores, from /proc/stat
    machine_seconds: float = 0.0  # all cores' wall time

    def merge(self, other: Result) -> Result:
        return Result(self.seconds + other.seconds, self.cpu_seconds + other.cpu_seconds,
                      {k: [*self.latencies.get(k, []), *other.latencies.get(k, [])]
                       for k in {*self.latencies, *other.latencies}},
                      {k: self.errors.get(k, 0) + other.errors.get(k, 0) for k in {*self.errors, *other.errors}},
                      self.client_cpu_seconds + other.client_cpu_seconds,
                      self.machine_busy_seconds + other.machine_busy_seconds,
                      self.machine_seconds + other.machine_seconds)

    @property
    def client_cpu_ms_per_rpc(self) -> float:
        return 1000 * self.client_cpu_seconds / max(1, self.count)

    @property
    def machine_busy(self) -> float:
        """Share of the machine's cores busy during the measurement (server, client, PostgreSQL, others)."""
        return self.machine_busy_seconds / self.machine_seconds if self.machine_seconds else float("nan")

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    @property
    def cpu_ms_per_rpc(self) -> float:
        return 1000 * self.cpu_seconds / max(1, self.count)

    def percentile(self, kind: str | None, q: float) -> float:
        values = sorted(v for k, vs in self.latencies.items() if kind in (None, k) for v in vs)
        if not values:
            return float("nan")
        return 1000 * values[min(len(values) - 1, int(q * len(values)))]

    def median(self, kind: str | None = None) -> float:
        values = [v for k, vs in self.latencies.items() if kind in (None, k) for v in vs]
        return 1000 * statistics.median(values) if values else float("nan")


_TICKS = os.sysconf("SC_CLK_TCK")
CHANNELS = 4


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of all cores since boot, from the first line of /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / _TICKS, sum(values) / _TICKS


def process_tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and all its descendants, from /proc (Linux)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICKS
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(times.get(p, 0.0) for p in tree)


async def _drive(address: str, calls: Sequence[Call], seconds: float, warmup: float, in_flight: int,
                 server_pid: int) -> Result:
    # A local subchannel pool per channel: each channel is a connection of its own.
    options = [("grpc.max_receive_message_length", MAX_MESSAGE_BYTES), ("grpc.use_local_subchannel_pool", 1)]
    channels = [grpc.aio.insecure_channel(address, options=options) for _ in range(CHANNELS)]
    try:
        stubs = [[channel.unary_unary(c.method, request_serializer=c.serialize, response_deserializer=c.deserialize)
                  for c in calls] for channel in channels]
        result = Result(seconds=seconds, cpu_seconds=0.0)
        measuring = False
        stop_at = time.perf_counter() + warmup + seconds
        turn = 0

        async def worker(callables) -> None:
            nonlocal turn
            while time.perf_counter() < stop_at:
                index = turn % len(calls)
                turn += 1
                call = calls[index]
                request = call.fresh() if call.fresh else call.request
                started = time.perf_counter()
                try:
                    await callables[index](request, metadata=call.metadata, timeout=30)
                except grpc.aio.AioRpcError as error:
                    if measuring:
                        key = f"{call.kind}:{error.code().name}"
                        result.errors[key] = result.errors.get(key, 0) + 1
                    continue
                if measuring:
                    result.latencies.setdefault(call.kind, []).append(time.perf_counter() - started)

        tasks = [asyncio.create_task(worker(stubs[i % CHANNELS])) for i in range(in_flight)]
        await asyncio.sleep(warmup)
        measuring, cpu_before, started = True, process_tree_cpu_seconds(server_pid), time.perf_counter()
        client_before, (busy_before, total_before) = time.process_time(), machine_cpu_seconds()
        await asyncio.sleep(seconds)
        measuring = False
        result.seconds = time.perf_counter() - started
        result.cpu_seconds = process_tree_cpu_seconds(server_pid) - cpu_before
        result.client_cpu_seconds = time.process_time() - client_before
        busy_after, total_after = machine_cpu_seconds()
        result.machine_busy_seconds, result.machine_seconds = busy_after - busy_before, total_after - total_before
        await asyncio.gather(*tasks)
        return result
    finally:
        for channel in channels:
            await channel.close()


def median_ms(call, repeats: int) -> float:
    """Median wall time in milliseconds of `repeats` sequential calls, after one warm-up call."""
    call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def drive(address: str, calls: Sequence[Call], *, seconds: float, warmup: float = 1.0, in_flight: int = 64,
          server_pid: int) -> Result:
    return asyncio.run(_drive(address, calls, seconds, warmup, in_flight, server_pid))
