"""A sweep on a local Dask cluster keeps stderr empty on success (no distributed logs or
warnings), unless ``forcegen --verbose`` asks for the logs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from conftest import SMALL

SWEEP = ("sweep", str(SMALL), "--vary", "consent=0,1", "-n", "2000", "--workers", "1", "--json")


def forcegen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forcegen", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )


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
        proc = forcegen(*SWEEP)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert len(json.loads(proc.stdout)["rows"]) == 2


def test_verbose_sweep_shows_the_dask_logs_on_stderr_and_keeps_stdout_pure() -> None:
    proc = forcegen("--verbose", *SWEEP)
    assert proc.returncode == 0
    assert "INFO:distributed.scheduler:" in proc.stderr
    assert len(json.loads(proc.stdout)["rows"]) == 2
