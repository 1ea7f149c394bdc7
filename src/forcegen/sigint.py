"""Holding Ctrl-C back for a short critical section (standard library only, so that
the command line can import it before anything heavy)."""

from __future__ import annotations

import signal
import threading
from typing import Any


class HeldInterrupts:
    """Inside ``with``, Ctrl-C (SIGINT) is noted instead of raised; :meth:`deliver`
    passes it on afterwards to the handler it was held from.

    Only where a Python handler is in charge of SIGINT, in the main thread; elsewhere
    the block runs unguarded.
    """

    def __init__(self) -> None:
        self.interrupted = False
        self._previous: Any = None

    def __enter__(self) -> HeldInterrupts:
        previous = signal.getsignal(signal.SIGINT)
        if threading.current_thread() is threading.main_thread() and callable(previous):
            self._previous = previous
            signal.signal(signal.SIGINT, self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _note(self, signum: int, frame: Any) -> None:
        self.interrupted = True

    def deliver(self) -> None:
        """Call the handler the interrupt was held from; raise ``KeyboardInterrupt`` if
        it does not raise."""
        self._previous(signal.SIGINT, None)
        raise KeyboardInterrupt
