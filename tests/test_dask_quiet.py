"""A sweep on a local Dask cluster keeps stderr empty on success (no distributed logs or
warnings), unless ``forcegen --verbose`` asks for the logs.

In a subprocess on purpose: Dask's worker processes and the logging handlers made when
``distributed`` is imported write to the process's own stderr, which an in-process runner
would not capture."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from helpers.cli import forcegen_process
from helpers.data import SMALL

SWEEP = ("sweep", str(SMALL), "--vary", "consent=0,1", "-n", "2000", "--workers", "1", "--json")


@contextmanager
def dashboard_port_taken() -> Iterator[None]:
    """Hold Dask's default dashboard port, as a second cluster on the machine would (a
    cluster that falls back to another port warns about it on stderr)."""
    sock = socket.socket()
    try:
        sock.bind(("0.0.0.0", 8787))
        sock.listen()
    except OSError:
        pass  # already taken by something else: the same situation
    try:
        yield
    finally:
        sock.close()


def test_a_successful_sweep_on_a_local_cluster_leaves_stderr_empty() -> None:
    with dashboard_port_taken():
        proc = forcegen_process(*SWEEP)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert len(json.loads(proc.stdout)["rows"]) == 2


def test_verbose_sweep_shows_the_dask_logs_on_stderr_and_keeps_stdout_pure() -> None:
    proc = forcegen_process("--verbose", *SWEEP)
    assert proc.returncode == 0
    assert "INFO:distributed.scheduler:" in proc.stderr
    assert len(json.loads(proc.stdout)["rows"]) == 2
