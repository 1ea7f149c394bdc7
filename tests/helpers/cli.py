"""Running the command line in tests.

:func:`cli` runs a command in this process through Typer's ``CliRunner`` (fast: no
interpreter start-up, no imports). :func:`forcegen_process` runs ``python -m forcegen`` in
a subprocess, as a user does; only the true end-to-end tests use it (start-up, exit codes
of the process, output at the file-descriptor level, Ctrl-C).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from typer.testing import CliRunner

from forcegen.cli.app import app

ENV = {"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}
"""The environment of a subprocess: a 120-column report, no terminal settings."""

RUNNER_ENV: dict[str, str | None] = {
    "COLUMNS": "120",
    "LINES": None,
    "FORCE_COLOR": None,  # Rich would draw progress bars and colours
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    "NO_COLOR": None,
}
"""The same for :func:`cli`: a 120-column report, whatever the test run's terminal."""


class CliResult(NamedTuple):
    """Exit code and the text written on stdout and stderr by one command."""

    code: int
    stdout: str
    stderr: str


def cli(*args: str) -> CliResult:
    """Run ``forcegen ARGS`` in this process; an exception that escapes the command (a
    crash, shown to a user as a traceback) is raised here, with its traceback."""
    result = CliRunner().invoke(app, list(args), env=RUNNER_ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


def forcegen_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m forcegen ARGS`` in a subprocess, as a user does."""
    return subprocess.run(
        [sys.executable, "-m", "forcegen", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env=ENV,
    )
