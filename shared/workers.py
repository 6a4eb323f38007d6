"""N worker processes serving one port: how one Python service uses every core.

A Python process runs its handlers on one core (the GIL), so `<PREFIX>_WORKERS=N` (N > 1) makes
`python -m services.<name> serve` a small supervisor, the pattern gRPC documents for Python
(examples/python/multiprocessing):

- it reserves the port (a socket bound with SO_REUSEPORT, never listening, kept open so that no
  other program takes the port while the workers run; port 0 picks a free one);
- it starts N copies of the service (`<PREFIX>_WORKERS=1`, `<PREFIX>_WORKER_INDEX=i`, the reserved
  address) that each bind the same port with SO_REUSEPORT (shared.server does, given a worker index); the kernel spreads incoming connections
  over them (per connection: one HTTP/2 connection stays with one worker, so a client needs several
  channels to load several workers);
- only worker 0 runs the outbox relay (the others would only compete for the same rows);
- it serves the service's one /metrics, adding up what the workers record (prometheus multiprocess
  mode, shared/metrics_server.py); the workers serve none of their own;
- it prints one "serving" line when every worker serves, forwards SIGTERM/SIGINT to them and waits
  for their graceful shutdown;
- if a worker dies on its own, the others are stopped and the supervisor exits with status 1, so
  the process manager (Kubernetes, compose, systemd) restarts the whole service, visibly.

Migrations ran before (shared.entrypoint), once, in the supervisor.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Iterator

from shared.metrics_server import MULTIPROCESS_VARIABLE, MetricsServer, worker_directory

log = logging.getLogger("learning.workers")


@contextlib.contextmanager
def reserve_port(listen_address: str) -> Iterator[str]:
    """Bind `host:port` with SO_REUSEPORT (port 0: a free one) and hold it; yields the concrete address."""
    host, _, port = listen_address.rpartition(":")
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host.strip("[]"), int(port)))
        yield f"{host}:{sock.getsockname()[1]}"
    finally:
        sock.close()


async def supervise(name: str, prefix: str, listen_address: str, count: int, metrics_address: str = "") -> int:
    """Run `count` workers of service `name` on `listen_address` until a signal; returns the exit status.
    With a `metrics_address`, serve their metrics there."""
    with contextlib.ExitStack() as stack:
        address = stack.enter_context(reserve_port(listen_address))
        metrics_env, announce = {f"{prefix}METRICS_ADDRESS": ""}, {}
        if metrics_address:
            directory = stack.enter_context(worker_directory())
            metrics = MetricsServer(metrics_address, directory, setting=f"{prefix}METRICS_ADDRESS")
            stack.callback(metrics.close)
            metrics_env[MULTIPROCESS_VARIABLE] = directory
            announce["metrics"] = metrics.address
        return await _run(name, prefix, address, count, metrics_env, announce)


async def _run(name: str, prefix: str, address: str, count: int, extra_env: dict[str, str], announce: dict) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    workers = [await _spawn(name, prefix, address, index, extra_env) for index in range(count)]
    try:
        await asyncio.gather(*(_serving(worker) for worker in workers))
    except RuntimeError as error:
        log.error("%s", error)
        await _stop_all(workers)
        return 1
    print(json.dumps({"event": "serving", "service": name, "address": address, "workers": count, **announce}),
          flush=True)
    exited = [asyncio.create_task(worker.wait()) for worker in workers]
    stopping = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopping, *exited], return_when=asyncio.FIRST_COMPLETED)
    status = 0
    if stopping not in done:
        crashed = next(index for index, task in enumerate(exited) if task in done)
        log.error("worker %d of %s exited with %s; stopping the others", crashed, name,
                  workers[crashed].returncode)
        status = 1
    stopping.cancel()
    await _stop_all(workers)
    print(json.dumps({"event": "stopped", "service": name}), flush=True)
    return status


async def _spawn(name: str, prefix: str, address: str, index: int,
                 extra_env: dict[str, str]) -> asyncio.subprocess.Process:
    env = {**os.environ, f"{prefix}WORKERS": "1", f"{prefix}WORKER_INDEX": str(index),
           f"{prefix}LISTEN_ADDRESS": address, f"{prefix}MIGRATE_ON_START": "false", **extra_env}
    if index > 0:
        env[f"{prefix}OUTBOX_RELAY_ENABLED"] = "false"
    return await asyncio.create_subprocess_exec(sys.executable, "-m", f"services.{name}", "serve", env=env,
                                                stdout=asyncio.subprocess.PIPE)


async def _serving(worker: asyncio.subprocess.Process) -> None:
    """Wait for the worker's "serving" line, then keep draining its stdout."""
    assert worker.stdout is not None
    while line := await worker.stdout.readline():
        if line.startswith(b"{") and json.loads(line).get("event") == "serving":
            asyncio.get_running_loop().create_task(_drain(worker.stdout))
            return
    raise RuntimeError(f"a worker exited with {await worker.wait()} before serving")


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass


async def _stop_all(workers: list[asyncio.subprocess.Process]) -> None:
    for worker in workers:
        if worker.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                worker.send_signal(signal.SIGTERM)
    await asyncio.gather(*(worker.wait() for worker in workers))
