"""Run a service in-process on its own event loop thread, for plain synchronous tests.

Tests then use ordinary sync gRPC stubs (and threads for concurrency), and
hypothesis can drive the real server without event-loop juggling:

    with ServerThread(lambda: build(settings)) as host:
        channel = grpc.insecure_channel(host.address)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

from shared.server import ServiceHost


class ServerThread:
    def __init__(self, build: Callable[[], Awaitable[ServiceHost]]) -> None:
        self._build = build
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="grpc-server")
        self.host: ServiceHost | None = None

    def run(self, coro):
        """Run a coroutine on the server's loop and wait for its result (e.g. to reach its Database)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=60)

    def __enter__(self) -> ServiceHost:
        self._thread.start()

        async def start() -> ServiceHost:
            host = await self._build()
            await host.start()
            return host

        self.host = self.run(start())
        return self.host

    def __exit__(self, *exc) -> None:
        if self.host is not None:
            self.run(self.host.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
