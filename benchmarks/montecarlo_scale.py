"""Monte Carlo with force options against the number of free conditions (issue 17, point 3):
``python benchmarks/run.py montecarlo --conditions 8,16,24 --requirements 5x20``.

For each size n: :func:`benchmarks.synthetic_odds.synthetic_odds` with n independent
conditions and the force options asked for (``5x20``: 5 options of 20 lines), every
condition free, ``--draws`` draws (default 1,000,000), seed 1, without sensitivity:

- ``seconds``, ``draws_per_second``: the engine (``forcegen.monte_carlo``), one run;
  ``patterns`` the distinct condition patterns drawn, ``solves`` the optimiser runs by
  kind (``fill_stages`` alone, ``with_tie_breaks``);
- ``baseline_*``: today's method as of 08d13f7 (``benchmarks/baselines/montecarlo.py``)
  in the same run, on ``--baseline-draws`` draws (its cost is one fill per distinct
  pattern), extrapolated to ``draws`` by the ratio of distinct patterns
  (``baseline_measured_draws``, ``baseline_measured_patterns``,
  ``baseline_measured_seconds``); ``speedup`` = baseline seconds / seconds;
  ``identical``: the engine's ``--json`` document on those draws equals the baseline's.

Then sensitivity without requirements (``--sensitivity-conditions``, default 30):
``benchmarks.scale.political_coalition`` (1,000 pledges) with its requirement removed,
``draws`` draws with and without sensitivity (``sensitivity_ratio``, goal <= 2; of it,
``shapley_seconds`` estimating the Shapley effects from random orders), and the baseline
with sensitivity on 50,000 draws scaled linearly to ``draws`` (each draw is about a
pattern of its own at 30 conditions).

The top-level ``seconds`` and ``baseline_seconds`` are those of the 16-condition size (else
the largest). Goals: 1,000,000 draws with 16 free conditions and 5 options of 20 lines in
under 60 s; sensitivity at 30 conditions within 2x of the run without it.
"""

from __future__ import annotations

import collections
import json
import sys
import time
from typing import Any


def _count_solves() -> tuple[collections.Counter[str], Any]:
    """Count the optimiser runs of ``fill_batch`` by kind; returns (counts, undo)."""
    import forcegen.engine.sourcing.fill as fill

    counts: collections.Counter[str] = collections.Counter()
    real = fill.solve

    def counting(problem: Any, full: bool = True, cache: Any = None) -> Any:
        counts["with_tie_breaks" if full else "fill_stages"] += 1
        return real(problem, full=full, cache=cache)

    fill.solve = counting  # type: ignore[assignment]

    def undo() -> None:
        fill.solve = real  # type: ignore[assignment]

    return counts, undo


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)


def bench_size(
    conditions: int,
    options: int,
    lines: int,
    draws: int,
    baseline_draws: int,
    substitutes: float,
) -> dict[str, Any]:
    """One size: the engine on ``draws`` draws, the baseline on ``baseline_draws``."""
    import forcegen
    from benchmarks.baselines.montecarlo import monte_carlo_baseline
    from benchmarks.synthetic_odds import synthetic_odds

    data = synthetic_odds(conditions, options, lines, substitutes=substitutes, seed=0)
    ws = forcegen.build_workspace(data)
    counts, undo = _count_solves()
    try:
        start = time.perf_counter()
        result = forcegen.monte_carlo(ws, draws=draws, seed=1, sensitivity=False)
        seconds = time.perf_counter() - start
    finally:
        undo()
    patterns = int(result.patterns.codes.shape[0])
    start = time.perf_counter()
    old = monte_carlo_baseline(ws, draws=baseline_draws, seed=1, sensitivity=False)
    measured = time.perf_counter() - start
    old_patterns = int(old.patterns.codes.shape[0])
    baseline = measured * patterns / old_patterns
    new = forcegen.monte_carlo(ws, draws=baseline_draws, seed=1, sensitivity=False)
    return {
        "conditions": conditions,
        "options": options,
        "lines": lines,
        "substitutes": substitutes,
        "draws": draws,
        "patterns": patterns,
        "seconds": seconds,
        "draws_per_second": draws / seconds,
        "solves": dict(counts),
        "p_met": {rid: option.p_met.p for rid, option in result.options.items()},
        "baseline_seconds": baseline,
        "baseline_draws_per_second": draws / baseline,
        "baseline_measured_draws": baseline_draws,
        "baseline_measured_patterns": old_patterns,
        "baseline_measured_seconds": measured,
        "speedup": baseline / seconds,
        "identical": _same(new, old),
    }


def bench_sensitivity(conditions: int, draws: int, baseline_draws: int) -> dict[str, Any]:
    """Sensitivity at ``conditions`` free conditions, no requirements."""
    import forcegen
    from benchmarks.baselines.montecarlo import monte_carlo_baseline
    from benchmarks.scale import political_coalition

    data = political_coalition(1000, conditions)
    del data["requirements"]
    ws = forcegen.build_workspace(data)
    start = time.perf_counter()
    forcegen.monte_carlo(ws, draws=draws, seed=1, sensitivity=False)
    plain = time.perf_counter() - start
    import forcegen.engine.odds.montecarlo as engine

    shapley_seconds = 0.0
    real = engine.shapley_effects

    def timed(*args: Any, **kwargs: Any) -> Any:
        nonlocal shapley_seconds
        begin = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            shapley_seconds += time.perf_counter() - begin

    engine.shapley_effects = timed  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        result = forcegen.monte_carlo(ws, draws=draws, seed=1, sensitivity=True)
        with_sensitivity = time.perf_counter() - start
    finally:
        engine.shapley_effects = real  # type: ignore[assignment]
    start = time.perf_counter()
    old = monte_carlo_baseline(ws, draws=baseline_draws, seed=1, sensitivity=True)
    measured = time.perf_counter() - start
    new = forcegen.monte_carlo(ws, draws=baseline_draws, seed=1, sensitivity=True)
    return {
        "conditions": conditions,
        "draws": draws,
        "seconds_without_sensitivity": plain,
        "seconds": with_sensitivity,
        "sensitivity_ratio": with_sensitivity / plain,
        "shapley_seconds": shapley_seconds,
        "shapley_permutations": result.shapley.permutations if result.shapley else None,
        "patterns": int(result.patterns.codes.shape[0]),
        "target_sensitivity_ratio": 2.0,
        "baseline_seconds": measured * draws / baseline_draws,
        "baseline_measured_draws": baseline_draws,
        "baseline_measured_seconds": measured,
        "identical": _same(new, old),
    }


def bench_montecarlo_scale(
    sizes: tuple[int, ...],
    requirements: str = "5x20",
    draws: int = 1_000_000,
    baseline_draws: int = 2_000,
    substitutes: float = 0.0,
    sensitivity_conditions: int | None = 30,
    sensitivity_baseline_draws: int = 50_000,
) -> dict[str, Any]:
    """Every size, then sensitivity (see the module docstring)."""
    options, _, lines = requirements.partition("x")
    rows = []
    for n in sizes:
        row = bench_size(n, int(options), int(lines), draws, baseline_draws, substitutes)
        rows.append(row)
        print(json.dumps({"target": "montecarlo", **row}), file=sys.stderr, flush=True)
    head = next((r for r in rows if r["conditions"] == 16), rows[-1])
    out: dict[str, Any] = {
        "seconds": head["seconds"],
        "baseline_seconds": head["baseline_seconds"],
        "conditions": head["conditions"],
        "draws": draws,
        "target_seconds": 60.0,
        "sizes": rows,
    }
    if sensitivity_conditions:
        out["sensitivity"] = bench_sensitivity(
            sensitivity_conditions, draws, sensitivity_baseline_draws
        )
    return out
