"""Checking one fuzzing case (tests/test_fuzz_workspaces.py): in the test process, or in
a worker process of a pool (:func:`check_in_worker`).

The commands must end with exit 0, or exit 2 and a message that names the file and line;
never a traceback, never more than ``CASE_SECONDS`` per case nor a peak RSS above
``MAX_RSS``.
"""

from __future__ import annotations

import re
import resource
import signal
import tempfile
import time
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .cli import invoke
from .workspace_mutator import Case

CASE_SECONDS = 60
"""Most time one case may take [s] (all its commands)."""

MAX_RSS = 3 * 1024**3
"""Highest peak resident memory of the process that runs the cases [bytes]."""


class CaseTimeout(Exception):
    """A case ran past CASE_SECONDS."""


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise CaseTimeout(f"case ran over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _check_refusal(case: Case, args: list[str], stderr: str, folder: Path) -> None:
    shown = f"forcegen {' '.join(args)} on {' / '.join(case.edits)}"
    assert stderr.startswith("error: "), f"{shown}: exit 2 without an error message:\n{stderr}"
    if "problem" not in stderr.splitlines()[0] or "in the workspace" not in stderr:
        return  # a refused option or an engine's own refusal, not a workspace issue
    issues = [
        line
        for line in stderr.splitlines()[1:]
        if line.strip() and not line.startswith("    hint:")
    ]
    assert issues, f"{shown}: no issue listed:\n{stderr}"
    where = re.compile(rf"^{re.escape(str(folder))}\S*?(:\d+)?: ")
    for line in issues:
        match = where.match(line)
        assert match, f"{shown}: issue does not name the file:\n{line}"
        if match.group(1) is None:
            assert "(top level)" in line, f"{shown}: issue does not give the line:\n{line}"


def _invoke(case: Case, args: list[str], folder: Path) -> int:
    result = invoke(*args)
    shown = f"forcegen {' '.join(args)} on {' / '.join(case.edits)}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"{shown}: uncaught {type(result.exception).__name__}\n{trace}")
    assert result.exit_code in (0, 2), f"{shown}: exit {result.exit_code}\n{result.stderr}"
    assert "Traceback" not in result.stderr, f"{shown}: traceback\n{result.stderr}"
    if result.exit_code == 2:
        assert result.stdout == "", f"{shown}: output on stdout despite exit 2"
        _check_refusal(case, args, result.stderr, folder)
    return result.exit_code


def check_case(case: Case, deploy_builtin: bool) -> None:
    """Write the case, validate it; if valid, run every command on it."""
    with tempfile.TemporaryDirectory(prefix="forcegen-fuzz-") as tmp:
        folder = Path(tmp)
        target = case.write(folder)
        start = time.perf_counter()
        with _deadline(CASE_SECONDS):
            if _invoke(case, ["validate", str(target)], folder) == 0:
                _run_commands(case, target, folder, deploy_builtin)
        elapsed = time.perf_counter() - start
    assert elapsed <= CASE_SECONDS, f"{' / '.join(case.edits)}: {elapsed:.1f} s"
    assert _peak_rss() <= MAX_RSS, f"{' / '.join(case.edits)}: peak RSS {_peak_rss():,} bytes"


def _run_commands(case: Case, target: Path, folder: Path, deploy_builtin: bool) -> None:
    ws = str(target)
    import forcegen

    workspace = forcegen.load_workspace(target)  # valid: validate said so
    scenarios, requirements = list(workspace.scenarios), list(workspace.requirements)
    nations = list(workspace.nations)
    builtin = case.base.name.startswith("builtin")
    pick = ["-s", scenarios[0]] if scenarios else []
    _invoke(case, ["run", ws, *(pick if builtin else [])], folder)
    _invoke(case, ["montecarlo", ws, "-n", "300", "--seed", "1", "--json"], folder)
    _invoke(case, ["sustain", ws, "--months", "12", "--json"], folder)
    if requirements and nations:
        dependence = "USA" if "USA" in nations else nations[0]
        _invoke(
            case,
            ["source", ws, "-r", requirements[0], *pick, "--dependence-on", dependence, "--json"],
            folder,
        )
    if workspace.network is not None and (deploy_builtin or not builtin):
        _invoke(case, ["deploy", ws, *pick, "--json"], folder)


def start_worker() -> None:
    """Initialise a worker process as pytest runs a test: every warning is an error
    (``filterwarnings = ["error"]`` in pyproject.toml)."""
    warnings.simplefilter("error")


def check_in_worker(case: Case, deploy_builtin: bool) -> str | None:
    """:func:`check_case` in a worker process: None if the case passed, else the case and
    the failure with its traceback (a failure cannot travel back as an exception)."""
    try:
        check_case(case, deploy_builtin)
    except (Exception, pytest.fail.Exception) as exc:
        return f"{case!r} failed:\n" + "".join(traceback.format_exception(exc))
    return None
