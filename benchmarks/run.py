"""forcegen benchmarks. Usage: ``python benchmarks/run.py [TARGET ...]``.

Targets (default: all):

- ``startup``: ``forcegen --help`` against a bare ``python -c pass`` measured in the same
  run. Target: well under 1 s.
- ``run``: ``forcegen run --json`` on the built-in dataset, end to end in a subprocess,
  against the unavoidable floor of starting Python and importing the libraries it uses
  (``import numpy, pandas, pydantic, yaml``), measured in the same run. Target: about 2 s.

Each target prints one JSON line; the last line printed is a JSON object with every
target's ``seconds``, ``baseline_seconds`` and ``ratio`` (= seconds / baseline_seconds).
Times are the median of ``--repeat`` runs (default 5).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

PY = sys.executable


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _median(fn: Callable[[], float], repeat: int) -> float:
    return statistics.median(fn() for _ in range(repeat))


def bench_startup(repeat: int) -> dict[str, float]:
    seconds = _median(lambda: _wall([PY, "-m", "forcegen", "--help"]), repeat)
    baseline = _median(lambda: _wall([PY, "-c", "pass"]), repeat)
    return {"seconds": seconds, "baseline_seconds": baseline, "target_seconds": 1.0}


def bench_run(repeat: int) -> dict[str, float]:
    seconds = _median(lambda: _wall([PY, "-m", "forcegen", "run", "--json"]), repeat)
    floor = [PY, "-c", "import numpy, pandas, pydantic, yaml"]
    baseline = _median(lambda: _wall(floor), repeat)
    return {"seconds": seconds, "baseline_seconds": baseline, "target_seconds": 2.0}


TARGETS: dict[str, Callable[[int], dict[str, float]]] = {
    "startup": bench_startup,
    "run": bench_run,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help=f"any of: {', '.join(TARGETS)}")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    summary: dict[str, dict[str, float]] = {}
    for name in args.targets or list(TARGETS):
        result = TARGETS[name](args.repeat)
        result["ratio"] = result["seconds"] / result["baseline_seconds"]
        result = {k: round(v, 4) for k, v in result.items()}
        summary[name] = result
        print(json.dumps({"target": name, **result}), flush=True)
    if len(summary) == 1:
        print(json.dumps(next(iter(summary.values()))))
    else:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
