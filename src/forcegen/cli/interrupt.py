"""Ctrl-C: every command stops cleanly with exit code 130 and one line on stderr.

:func:`handling_interrupts` (used by ``main()``) installs the SIGINT handler: the first
Ctrl-C raises ``KeyboardInterrupt`` once and silences library noise from then on
(logging, warnings, errors of background threads), so that context managers unwind
quietly: the Dask cluster is shut down, staged output files are removed. A second
Ctrl-C does not cut that cleanup short; a third stops at once. ``main()`` then calls
:func:`exit_interrupted`, which reaps any child process left, writes
``interrupted`` on stderr, flushes, and ends the process with ``os._exit(130)``: no
interpreter shutdown, so no C++ static destructor runs while a solver thread may still
be alive (HiGHS aborts with "terminate called without an active exception" when
it does), and no ``atexit`` handler runs; nothing of forcegen depends on one.

The Dask cluster of a sweep is opened and closed by the API
(:func:`forcegen.dask_cluster`), also on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any, NoReturn

EXIT_INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT), as shells report it."""

FORCE_AFTER = 3
"""The Ctrl-C that ends the process at once, without cleanup [count]."""

CHILD_GRACE = 5.0
"""How long a child process may take to end after SIGTERM before it is killed [s]."""


class InterruptState:
    """How many times Ctrl-C was pressed while :func:`handling_interrupts` was active."""

    def __init__(self) -> None:
        self.count = 0

    @property
    def interrupted(self) -> bool:
        return self.count > 0

    def handler(self, signum: int, frame: Any) -> None:
        """The SIGINT handler: raise ``KeyboardInterrupt`` the first time only."""
        self.count += 1
        if self.count == 1:
            quiet()
            raise KeyboardInterrupt
        if self.count >= FORCE_AFTER:
            _finish()


@contextlib.contextmanager
def handling_interrupts() -> Iterator[InterruptState]:
    """Install the SIGINT handler of :class:`InterruptState` for the block (main thread
    only, and not where SIGINT is ignored; there the state stays unused)."""
    state = InterruptState()
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # e.g. started with `&`
    ):
        yield state
        return
    previous = signal.signal(signal.SIGINT, state.handler)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)


def quiet() -> None:
    """Silence what libraries would print on stderr from now on: log records, warnings,
    exceptions of background threads and exceptions ignored in finalizers."""
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    threading.excepthook = lambda args: None
    sys.unraisablehook = lambda unraisable: None


def exit_interrupted() -> NoReturn:
    """End the process after Ctrl-C, once the command has unwound: stop child
    processes, print ``interrupted`` on stderr and exit with code 130."""
    quiet()
    with contextlib.suppress(Exception):
        _reap_children()
    _finish()


def _finish() -> NoReturn:
    # a solver thread still alive may be constructing a HiGHS object, with fd 1 and 2
    # pointed at /dev/null for that moment (forcegen.solvers.highs): wait for its lock
    highs = sys.modules.get("forcegen.solvers.highs")
    if highs is not None:
        highs.wait_for_quiet_construction(timeout=1.0)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(Exception):
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def _reap_children() -> None:
    """Stop and reap the child processes started through ``multiprocessing`` (Dask's
    workers, if the cluster did not close), run its finalizers (which release its
    semaphores; its ``atexit`` hook would) and stop its resource tracker."""
    mp = sys.modules.get("multiprocessing")
    if mp is None:
        return
    children = mp.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(CHILD_GRACE)
        if child.is_alive():
            child.kill()
            child.join(CHILD_GRACE)
    # both may wait for other processes: a bounded wait, in a thread
    waiting = threading.Thread(target=_release_multiprocessing, daemon=True)
    waiting.start()
    waiting.join(CHILD_GRACE)


def _release_multiprocessing() -> None:
    """What multiprocessing's ``atexit`` hook would do (its finalizers release its
    semaphores), then stop its resource tracker, which warns on stderr about
    semaphores left registered."""
    util = sys.modules.get("multiprocessing.util")
    run_finalizers = getattr(util, "_run_finalizers", None)
    if run_finalizers is not None:
        run_finalizers()
    tracker = sys.modules.get("multiprocessing.resource_tracker")
    stop = getattr(getattr(tracker, "_resource_tracker", None), "_stop", None)
    if stop is not None:
        stop()
