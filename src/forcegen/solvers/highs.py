"""A silent HiGHS: construct ``highspy.Highs`` without anything reaching stdout.

HiGHS 1.16 prints a two-line banner on the C-level stdout when the first ``Highs``
object of a process is constructed, before any option (``output_flag``) can be set.
No option or environment variable turns it off, so :func:`new_highs` points file
descriptors 1 and 2 at ``/dev/null`` for the duration of the constructor, flushes the
C library's buffers, and puts them back. A lock makes this safe when several threads
construct solvers at once (the deployment planner solves two LPs in threads).

Solver logs are off unless :func:`set_solver_log` was given a stream (``forcegen
--verbose``); then they go to that stream (stderr), never to stdout.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

_CONSTRUCT = threading.Lock()
_log_stream: TextIO | None = None


def set_solver_log(stream: TextIO | None) -> TextIO | None:
    """Send solver logs to ``stream`` (None: no solver logs). Returns the previous one."""
    global _log_stream
    previous, _log_stream = _log_stream, stream
    return previous


def _flush_c_stdio() -> None:
    with contextlib.suppress(OSError, AttributeError):  # no C library: nothing to flush
        ctypes.CDLL(None).fflush(None)


@contextlib.contextmanager
def _quiet_file_descriptors() -> Iterator[None]:
    """Point fd 1 and fd 2 at /dev/null inside the block (no-op if they cannot be saved)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved: list[tuple[int, int]] = []
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # pragma: no cover - no /dev/null
        yield
        return
    try:
        for fd in (1, 2):
            try:
                saved.append((fd, os.dup(fd)))
            except OSError:
                continue  # fd not open: nothing to protect
            os.dup2(devnull, fd)
        yield
    finally:
        _flush_c_stdio()
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)


def wait_for_quiet_construction(timeout: float) -> None:
    """Wait (at most ``timeout`` [s]) until no thread has fd 1 and 2 pointed at
    /dev/null; held afterwards, so that what is written next is not lost (used only on
    the way out of the process, by the Ctrl-C handler)."""
    _CONSTRUCT.acquire(timeout=timeout)


def new_highs() -> Any:
    """A ``highspy.Highs`` with its output off (or routed to the solver log stream)."""
    import highspy

    with _CONSTRUCT, _quiet_file_descriptors():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    stream = _log_stream
    if stream is None:
        h.setOptionValue("output_flag", False)
    else:
        h.setOptionValue("output_flag", True)
        h.setOptionValue("log_to_console", False)

        def forward(event: Any) -> None:
            stream.write(event.message)

        h.cbLogging += forward
    return h
