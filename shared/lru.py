"""A bounded least-recently-used map: caches that a flood of distinct keys cannot grow without end.

    cache = LruCache[str, Principal](4096)
    cache.put(key, value)
    cache.get(key)           # None when absent; a hit makes the key the most recent
    cache.pop(key)

Single-threaded use (one asyncio loop), like every cache of the services.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        """Remember `value` (nothing when the size is 0), dropping the least recently used beyond the size."""
        if self._size > 0:
            self._items[key] = value
            self._items.move_to_end(key)
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def pop(self, key: K) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
