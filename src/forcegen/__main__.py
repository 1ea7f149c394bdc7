"""``python -m forcegen`` and the ``forcegen`` command: :func:`forcegen.cli.app.main`.

Until ``main()`` installs its own handler (:mod:`forcegen.cli.interrupt`), Ctrl-C ends
the process at once with exit code 130 and ``interrupted`` on stderr: while the
modules load, nothing has been started or written that would need cleaning up. Once
``main()`` is done, Ctrl-C is ignored.
"""

from __future__ import annotations

import contextlib
import os
import signal
from typing import Any


def _interrupted(signum: int, frame: Any) -> None:
    with contextlib.suppress(OSError):
        os.write(2, b"interrupted\n")
    os._exit(130)


def run() -> None:
    """Entry point of the ``forcegen`` command and of ``python -m forcegen``."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not if ignored
        signal.signal(signal.SIGINT, _interrupted)
    from forcegen.cli.app import main

    try:
        main()
    finally:
        # the command is over and its exit code stands: a Ctrl-C while Python shuts
        # down is ignored (Python would restore the default action: death by SIGINT)
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    run()
