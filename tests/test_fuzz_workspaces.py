"""Fuzzing: no workspace, however mangled, crashes, hangs or exhausts the machine.

Every case is a mutated workspace (tests/helpers/workspace_mutator.py). The commands
must end with exit 0, or exit 2 and a message that names the file and line; never a
traceback, never more than ``CASE_SECONDS`` per case nor a peak RSS above ``MAX_RSS``.

The bounded run (300 examples, derandomised so CI is stable) is part of every test run:
Hypothesis draws the cases here and a pool of worker processes checks them meanwhile
(tests/helpers/fuzzing.py), one case per process at a time.
The long run explores freely: ``pytest -m fuzz`` (``FORCEGEN_FUZZ_EXAMPLES``, default
5,000; see docs/development.md).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from helpers.fuzzing import check_case, check_in_worker, start_worker
from helpers.workspace_mutator import Case, cases

BOUNDED_EXAMPLES = 300
LONG_EXAMPLES = int(os.environ.get("FORCEGEN_FUZZ_EXAMPLES", "5000"))
WORKERS = max(1, min(4, os.cpu_count() or 1))
"""Worker processes of the bounded run."""

_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}


def test_mutated_workspaces_exit_0_or_2_with_file_and_line() -> None:
    checks: list[Future[str | None]] = []
    # a fresh interpreter serves the workers: no fork of this process and its threads
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(WORKERS, mp_context=context, initializer=start_worker) as pool:

        @settings(  # no shrinking: a case is already small, and CI time is bounded
            max_examples=BOUNDED_EXAMPLES,
            derandomize=True,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            **_SETTINGS,  # type: ignore[arg-type]
        )
        @given(case=cases())
        def submit(case: Case) -> None:
            checks.append(pool.submit(check_in_worker, case, False))

        submit()
        failures = [failure for check in checks if (failure := check.result()) is not None]
    assert len(checks) == BOUNDED_EXAMPLES
    assert failures == [], f"{len(failures)} of {len(checks)} cases failed:\n\n" + "\n\n".join(
        failures[:5]
    )


@pytest.mark.fuzz
@settings(max_examples=LONG_EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
@given(case=cases())
def test_mutated_workspaces_long_run(case: Case) -> None:
    check_case(case, deploy_builtin=True)
