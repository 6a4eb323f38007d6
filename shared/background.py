"""Periodic background work inside a service process (ServiceHost(background=[...])).

    background.append(every(5.0, api.settle_pending, "settling pending progress"))

The step runs at once, then every `interval` seconds until the service stops; a failed round is logged and
the next one runs as planned (the work is always safe to repeat).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("learning.background")


def every(interval: float, step: Callable[[], Awaitable[int | None]], what: str):
    """A background task for ServiceHost: `step()` every `interval` seconds; a positive count it returns is
    logged as "<what>: <n>"."""
    async def run(stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                done = await step()
                if done:
                    log.info("%s: %d", what, done)
            except Exception:  # noqa: BLE001 - a failed round is retried on the next one
                log.exception("%s failed", what)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stopping.wait(), interval)

    return run
