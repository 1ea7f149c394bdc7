"""The workspace the app serves, loaded once through the public API (a ledger's is
re-read after a write), the same workspace with a request's own ``--set`` overrides
(loaded once per override tuple), and the results computed, cached by their question."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from fastapi import Request

import forcegen
from forcegen.web.settings import WebSettings

T = TypeVar("T")

CACHE_SIZE = 256
"""Results kept per app (least recently used dropped first) [results]."""

WORKSPACE_CACHE_SIZE = 16
"""Workspaces kept loaded with a request's own overrides (least recently used dropped
first) [workspaces]: loading one takes about 0.15 s on the built-in data."""


class WorkspaceState:
    """Holds the workspace and a bounded cache of results keyed by the question asked
    (endpoint and parameters); thread-safe (FastAPI runs plain ``def`` endpoints in a
    thread pool)."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, threading.Lock] = {}  # questions being computed
        self._variants: OrderedDict[tuple[str, ...], forcegen.Workspace] = OrderedDict()
        self._generation = 0  # counts reloads: a result computed before one is not kept
        self._workspace = self._load(())

    def _load(self, extra: tuple[str, ...]) -> forcegen.Workspace:
        s = self.settings
        overrides = forcegen.parse_overrides([*s.overrides, *extra])
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

    def workspace_for(self, overrides: Sequence[str] = ()) -> forcegen.Workspace:
        """The workspace with ``overrides`` (``--set`` texts) applied after the server's
        own; loaded once per tuple of texts while it stays cached. Raises
        :class:`forcegen.ForcegenError` (a bad text) or :class:`forcegen.WorkspaceError`
        (the workspace is then invalid), as the CLI would."""
        key = tuple(overrides)
        if not key:
            return self.workspace
        with self._lock:
            if key in self._variants:
                self._variants.move_to_end(key)
                return self._variants[key]
        with self._lock:
            generation = self._generation
        loaded = self._load(key)
        with self._lock:
            if generation != self._generation:
                return loaded
            self._variants[key] = loaded
            while len(self._variants) > WORKSPACE_CACHE_SIZE:
                self._variants.popitem(last=False)
        return loaded

    def encoded(
        self,
        key: Hashable,
        overrides: Sequence[str],
        compute: Callable[[forcegen.Workspace], Any],
    ) -> bytes:
        """``compute(ws)`` on the workspace with ``overrides`` (:meth:`workspace_for`) as
        the JSON text ``--json`` prints (:func:`forcegen.dumps_json`), UTF-8 encoded:
        cached by ``key`` and the overrides, so a question asked again costs no
        computing and no encoding."""

        def encode() -> bytes:
            ws = self.workspace_for(overrides)
            return forcegen.dumps_json(compute(ws)).encode()

        return self.cached((key, tuple(overrides)), encode)

    def reload(self) -> None:
        """Read the workspace again (after a ledger write) and forget every result."""
        fresh = self._load(())
        with self._lock:
            self._workspace = fresh
            self._generation += 1
            self._variants.clear()
            self._cache.clear()

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result for ``key``, computed once by ``compute()`` while it stays cached;
        requests asking the same question meanwhile wait for that one computation
        instead of repeating it (16 clients toggling the same condition: one solve)."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]  # type: ignore[no-any-return]
            pending = self._pending.get(key)
            if pending is None:
                pending = self._pending[key] = threading.Lock()
            generation = self._generation
        with pending:  # one thread computes; the others find the result when it is done
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]  # type: ignore[no-any-return]
            try:
                value = compute()
                with self._lock:
                    if generation == self._generation:
                        self._cache[key] = value
                        while len(self._cache) > CACHE_SIZE:
                            self._cache.popitem(last=False)
            finally:
                with self._lock:
                    if self._pending.get(key) is pending:
                        del self._pending[key]
        return value


def workspace_state(request: Request) -> WorkspaceState:
    """The app's workspace and result cache (set by :func:`forcegen.web.create_app`)."""
    return request.app.state.workspace  # type: ignore[no-any-return]
