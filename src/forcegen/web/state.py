"""The workspace the app serves, loaded once through the public API (a ledger's is
re-read after a write), and the results it has computed, cached by their question."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import forcegen
from forcegen.web.settings import WebSettings

T = TypeVar("T")

CACHE_SIZE = 256
"""Results kept per app (least recently used dropped first) [results]."""


class WorkspaceState:
    """Holds the workspace and a bounded cache of results keyed by the question asked
    (endpoint and parameters); thread-safe (FastAPI runs plain ``def`` endpoints in a
    thread pool)."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._workspace = self._load()

    def _load(self) -> forcegen.Workspace:
        s = self.settings
        overrides = forcegen.parse_overrides(s.overrides)
        day = forcegen.parse_as_of(s.as_of)
        if s.ledger is not None:
            return forcegen.ledger_workspace(
                s.ledger, overrides=overrides, as_of=day, known_at=s.known_at
            )
        return forcegen.open_workspace(s.workspace, overrides, day)

    @property
    def workspace(self) -> forcegen.Workspace:
        """The workspace as loaded (or as last reloaded)."""
        with self._lock:
            return self._workspace

    def reload(self) -> None:
        """Read the workspace again (after a ledger write) and forget every result."""
        fresh = self._load()
        with self._lock:
            self._workspace = fresh
            self._cache.clear()

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result for ``key``, computed once by ``compute()`` while it stays cached."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value
