"""Per-application caches: small, thread-safe, least recently used entries evicted first.

Every cache the app keeps (compiled norm sets, pictures, rendered exports,
region boundaries) is one of these, made on first use under a name and kept
in ``app.extensions``, so that each app (each test) starts empty and gunicorn
threads share them safely. Keys must hold everything a value depends on
(usually a fingerprint of the data): nothing is invalidated by hand. Values
are never None (None means "not kept").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from flask import Flask, current_app

V = TypeVar("V")
_EXTENSION = "lru_caches"


class LruCache(Generic[V]):
    """A mapping of at most ``size`` entries; the least recently used goes first."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a cache holds at least one entry, got size {size}")
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: V) -> V:
        """Keep ``value`` under ``key``, evicting the least recently used beyond ``size``."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value under ``key``, made by ``make()`` and kept when missing.

        ``make`` runs outside the lock: a slow query in one thread does not
        hold up the others (two threads may then both make the same value,
        which is harmless since it depends only on the key).
        """
        found = self.get(key)
        if found is None:
            found = self.put(key, make())
        return found

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def init_caches(app: Flask) -> None:
    """Give ``app`` its own, empty set of caches."""
    app.extensions[_EXTENSION] = ({}, threading.Lock())


def app_cache(name: str, size: int) -> LruCache[Any]:
    """The cache called ``name`` of the current app, made with ``size`` entries on first use."""
    caches, lock = current_app.extensions[_EXTENSION]
    with lock:
        cache = caches.get(name)
        if cache is None:
            cache = caches[name] = LruCache(size)
        return cache
