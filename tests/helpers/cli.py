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
from typing import Any, NamedTuple

import typer
from typer.testing import CliRunner, Result

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

COMMAND = typer.main.get_command(app)
"""The Click command of the app, built once (``CliRunner.invoke`` builds it again at every
call: 10 ms, a tenth of a fuzzing case)."""

_RUNNER = CliRunner()


def invoke(*args: str, columns: int = 120) -> Result:
    """``CliRunner().invoke(app, list(args))``, with the Click command built once: exit code,
    stdout and stderr apart, and the exception that escaped the command, if any."""
    exit_code = 0
    exception: BaseException | None = None
    exc_info: Any = None
    with _RUNNER.isolation(env={**RUNNER_ENV, "COLUMNS": str(columns)}) as (
        stdout,
        stderr,
        output,
    ):
        try:
            COMMAND.main(args=list(args), prog_name=_RUNNER.get_default_prog_name(COMMAND))
        except SystemExit as exc:  # as in CliRunner.invoke
            code = 0 if exc.code is None else exc.code
            if code != 0:
                exception, exc_info = exc, sys.exc_info()
            if not isinstance(code, int):
                sys.stdout.write(f"{code}\n")
                code = 1
            exit_code = code
        except Exception as exc:
            exception, exit_code, exc_info = exc, 1, sys.exc_info()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            out, err, both = stdout.getvalue(), stderr.getvalue(), output.getvalue()
    return Result(
        runner=_RUNNER,
        stdout_bytes=out,
        stderr_bytes=err,
        output_bytes=both,
        return_value=None,
        exit_code=exit_code,
        exception=exception,
        exc_info=exc_info,
    )


class CliResult(NamedTuple):
    """Exit code and the text written on stdout and stderr by one command."""

    code: int
    stdout: str
    stderr: str


def cli(*args: str, columns: int = 120) -> CliResult:
    """Run ``forcegen ARGS`` in this process on a terminal ``columns`` wide; an exception
    that escapes the command (a crash, shown to a user as a traceback) is raised here,
    with its traceback."""
    result = invoke(*args, columns=columns)
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
