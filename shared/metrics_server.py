"""The HTTP `/metrics` of a service, on <PREFIX>_METRICS_ADDRESS (shared/settings.py; "" turns it off).

One process (the default): prometheus-client's own HTTP server, in a daemon thread, serves the process's
registry; a scrape never touches the event loop.

N workers (<PREFIX>_WORKERS > 1, shared/workers.py): prometheus-client's multiprocess mode. The supervisor
makes a directory (`worker_directory`) and starts each worker with PROMETHEUS_MULTIPROC_DIR pointing at it,
so the worker keeps its series in memory-mapped files there; the supervisor itself serves /metrics on the
one metrics address, adding up its workers' files at each scrape (`serve(..., directory)`). So a service is
one scrape target whatever its number of workers, and needs no port per worker: ports "base + worker
index" would collide with the next service's (catalog's 51051 + 1 is progress's 51052). Each gauge says how
its workers' values combine (shared/metrics.py). The process collectors (CPU, memory of the process) are
not available in that mode; the supervisor's own are.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

#: The environment variable prometheus-client reads at import to record into files (multiprocess mode).
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def split(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host.strip("[]") or "0.0.0.0", int(port)


class MetricsServer:
    """A running /metrics endpoint; `address` is where it listens (port 0 resolved)."""

    def __init__(self, address: str, directory: str | None = None, setting: str = "<PREFIX>_METRICS_ADDRESS") -> None:
        if directory is None:
            registry = REGISTRY
        else:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=directory)
        host, port = split(address)
        try:
            self._server, self._thread = start_http_server(port, addr=host, registry=registry)
        except OSError as error:  # fatal, like the gRPC port: a second copy must not run without its metrics
            raise RuntimeError(f"could not serve /metrics on {address} ({error.strerror}): set {setting} to a "
                               "free host:port, or to \"\" to turn it off") from error
        bound_host = address.rpartition(":")[0] or host
        self.address = f"{bound_host}:{self._server.server_port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def worker_directory() -> Iterator[str]:
    """A fresh directory for the workers' metric files, removed when the supervisor ends."""
    directory = tempfile.mkdtemp(prefix="learning-metrics-")
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)
