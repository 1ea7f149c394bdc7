"""forcegen benchmarks. Usage: ``python benchmarks/run.py [TARGET ...]``.

Targets (default: all but ``scale``, ``disruptions``, ``ledger`` and ``web``):

- ``startup``: ``forcegen --help`` against a bare ``python -c pass`` measured in the same
  run. Target: well under 1 s.
- ``run``: ``forcegen run --json`` on the built-in dataset, end to end in a subprocess,
  against the unavoidable floor of starting Python and importing the libraries it uses
  (``import numpy, pandas, pydantic, yaml``), measured in the same run. Target: about 2 s.

- ``montecarlo``: 1,000,000 draws of the built-in dataset (all conditions free) with every
  output (distribution, P(met), P(active), by nation, sensitivity), pinned to one core,
  against a straightforward per-draw Python loop over the same pledges (condition draws
  with ``random``, each pledge's expression, the requirement fill) measured in the same
  run on ``--baseline-draws`` draws (median of ``--repeat`` runs) and extrapolated; also
  the same loop with requirement fills memoised (``baseline_cached_seconds``,
  ``ratio_vs_cached``). Targets: under 1 s, ratio >= 100.
  With ``--big``, also the peak memory of 100,000,000 draws (chunked: bounded).
  With ``--conditions 8,16,24`` (and ``--requirements 5x20``), instead: synthetic
  coalitions with that many free conditions and force options, draws per second against
  the method of 08d13f7 in the same run, and sensitivity at 30 conditions (see
  ``benchmarks/montecarlo_scale.py``). Goals: 1,000,000 draws at 16 conditions under 60 s;
  sensitivity within 2x of the run without it.

- ``sourcing``: the optimiser on a synthetic coalition of 500 lines (``--lines
  500,1000,2000``: each size): fill and full seconds, each stage's bound and gap, peak
  memory, against the fill as one weighted MILP in HiGHS and in CBC and the greedy fill,
  measured in the same run (see ``benchmarks/sourcing_scale.py``). Targets: fill proven
  in under 5 s and 1 GB at 2,000 lines; ``fill_vs_greedy`` >= 1.
- ``deploy``: the exact deployment plan of 1,000 units (``--units 1000,2000,4000``: each
  size) on an 80-node network, with LPs solved and peak memory, against the
  congestion-aware greedy (``greedy_closure_day``, ``closure_gap``: the quality bar) and
  a per-item first-come-first-served simulation, measured in the same run (see
  ``bench_deploy``). Target: under 10 s at 4,000 units; ``closure_day`` <= both
  baselines' closure days.

- ``disruptions``: 200 seeded disruption draws of the built-in dataset (every pledge, no
  scenario: the slowest case), the closure day of the force in each, by the engine
  (proven bounds settle most draws: see ``simulate_disruptions``) against the method it
  replaced (``benchmarks/baselines/disruptions.py``: every draw the undisrupted plan does
  not fit planned again), both from the same undisrupted plan, measured in the same run;
  ``identical`` says whether both give the same closure day in every draw. Target: under
  10 s, identical. ``--draws`` changes the number of draws; the baseline runs once.

- ``scale``: the cost curves of ``validate``, ``run``, ``montecarlo``, ``source`` and
  ``deploy`` against workspace size (pledges, conditions, lines, units), each point the
  real command in its own process (see ``benchmarks/scale.py``). Its ``ratio`` is the
  worst curve's time at its largest size over a linear extrapolation from its smallest
  size, measured in the same run (1 = linear). ``--quick`` measures the small sizes only.
  The figures are in docs/limits.md.

- ``ledger``: a pledge ledger on SQLite (the ``ledger`` extra): 100,000 synthetic pledge
  revisions imported (``import_seconds``), then 1,000 random as-of queries (the force
  as of a random date: each pledge's latest personnel on or before it, summed) answered
  in SQL from the ledger, against rebuilding the same snapshot from YAML for each date
  (``forcegen.open_workspace(path, as_of=day)``) measured in the same run on
  ``--baseline-queries`` dates (default 3) and extrapolated; also the ledger's own full
  build (``ledger_workspace_seconds``); ``identical`` says whether every answer agrees
  (see ``benchmarks/ledger.py``). ``--queries`` changes the number of queries.

- ``web``: the dashboard on loopback (uvicorn in a subprocess) under 2,000 requests from
  16 concurrent clients, half the explorer's what-if over a few condition patterns, half
  the overview page and static files: p50/p95/p99 latency per kind and the errors (see
  ``benchmarks/web.py``). Baseline: the same what-if computed in this process by the
  public API (median seconds); ``ratio`` = what-if p95 over HTTP / that median. Goal:
  zero errors, what-if p95 under 150 ms. ``--requests`` and ``--clients`` change the load.

``ratio`` is ``baseline_seconds / seconds`` (a speed-up) for ``montecarlo``,
``disruptions`` and ``ledger``, and
``seconds / baseline_seconds`` (an overhead over the floor, or the cost of optimality)
for ``startup``, ``run``, ``sourcing``, ``deploy`` and ``web``.

Each target prints one JSON line; the last line printed is a JSON object with every
target's ``seconds``, ``baseline_seconds`` and ``ratio`` (= seconds / baseline_seconds).
Times are the median of ``--repeat`` runs (default 5).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

# run as a script (python benchmarks/run.py): the repository root makes `benchmarks` importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

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


def _pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def baseline_loop(workspace: Any, draws: int, seed: int, cached: bool = False) -> dict[str, Any]:
    """The straightforward way: one Python iteration per draw.

    Each draw sources every requirement with the optimiser (the same call ``forcegen
    run`` makes). With ``cached``, results are memoised by the set of active pledges (the
    obvious first optimisation of such a loop).
    """
    from forcegen.engine.sourcing.fill import fill_requirement
    from forcegen.model.conditions import ConditionalProbability

    rng = random.Random(seed)
    order = workspace.condition_order
    met_counts = dict.fromkeys(workspace.requirements, 0)
    total_personnel = 0
    personnel = {pid: workspace.pledge_personnel(pid) for pid in workspace.pledges}
    by_nation: dict[str, int] = {}
    memo: dict[frozenset[str], dict[str, bool]] = {}
    for _ in range(draws):
        values: dict[str, bool] = {}
        for cid in order:
            probability = workspace.conditions[cid].probability
            if isinstance(probability, ConditionalProbability):
                holds = all(values[g] == v for g, v in probability.given.items())
                p = probability.p if holds else probability.otherwise
            else:
                p = probability
            values[cid] = rng.random() < p
        active = [
            pid
            for pid, pledge in workspace.pledges.items()
            if pledge.status.value != "withdrawn" and bool(workspace.requires[pid].evaluate(values))
        ]
        total_personnel += sum(personnel[pid] for pid in active)
        for pid in active:
            nation = workspace.pledges[pid].nation
            by_nation[nation] = by_nation.get(nation, 0) + personnel[pid]
        key = frozenset(active)
        met = memo.get(key) if cached else None
        if met is None:
            met = {
                rid: fill_requirement(workspace, requirement, active).met
                for rid, requirement in workspace.requirements.items()
            }
            if cached:
                memo[key] = met
        for rid, ok in met.items():
            met_counts[rid] += ok
    return {"personnel": total_personnel, "met": met_counts, "by_nation": by_nation}


def bench_montecarlo(repeat: int, baseline_draws: int = 200, big: bool = False) -> dict[str, float]:
    import forcegen
    from forcegen.engine.odds.montecarlo import monte_carlo

    _pin_to_one_core()
    ws = forcegen.load_builtin()
    draws = 1_000_000
    monte_carlo(ws, draws=10_000, seed=0)  # warm up imports and caches

    def ours() -> float:
        start = time.perf_counter()
        monte_carlo(ws, draws=draws, seed=1)
        return time.perf_counter() - start

    def per_draw(cached: bool, n: int) -> float:
        start = time.perf_counter()
        baseline_loop(ws, n, seed=1, cached=cached)
        return (time.perf_counter() - start) / n

    seconds = _median(ours, repeat)
    plain = _median(lambda: per_draw(False, baseline_draws), repeat)
    cached = _median(lambda: per_draw(True, 100 * baseline_draws), repeat)
    out = {
        "seconds": seconds,
        "baseline_seconds": plain * draws,
        "baseline_cached_seconds": cached * draws,
        "ratio_vs_cached": cached * draws / seconds,
        "baseline_measured_draws": baseline_draws,
        "draws": draws,
        "target_seconds": 1.0,
        "target_ratio": 100.0,
    }
    if big:
        start = time.perf_counter()
        monte_carlo(ws, draws=100_000_000, seed=1, sensitivity=False)
        out["big_draws"] = 100_000_000
        out["big_seconds"] = time.perf_counter() - start
        out["big_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _deploy_peak_rss(units: int) -> float:
    """Peak resident memory [MB] of a fresh process that builds the synthetic case of
    ``units`` units and plans it once (HiGHS's memory included, which tracemalloc
    misses); the process's own floor (imports, the case) is in it too (benchmarks.peak)."""
    from benchmarks.peak import peak_rss_mb

    return peak_rss_mb(
        "from benchmarks.synthetic import synthetic_deployment\n"
        "from forcegen.engine.deployment.planner import plan_deployment\n"
        f"network, movements = synthetic_deployment(units={units}, seed=0)\n"
        "plan_deployment(network, movements)\n"
    )


def bench_deploy(repeat: int, sizes: tuple[int, ...] = (1_000,)) -> dict[str, Any]:
    """Synthetic deployment (benchmarks.synthetic.synthetic_deployment): per size, that
    many units (1,000 units: about 100,000 personnel and 300,000 short tons) on an
    80-node network, horizon 180 days. ``seconds`` is the exact plan (earliest closure
    proven by the LP, closure per unit, utilisation, bottlenecks), median of ``repeat``;
    ``explain_seconds`` why it closes then (the critical path that ``forcegen deploy``
    reports: each congested capacity tested, each binding one's closure without its
    limit planned again), once, and ``binding`` how many it found;
    ``lps`` the time-expanded models built and solves run (warm re-solves included);
    ``peak_rss_mb`` a fresh process planning it once. Baselines in the same run: the
    congestion-aware greedy (``greedy_*``: earliest arrival on residual capacity,
    forcegen.engine.deployment.residual_routes; ``closure_gap`` = its closure day minus
    the exact one, the quality bar) and a per-item first-come-first-served simulation
    (``baseline_*``: benchmarks.baselines.fcfs, each item on its congestion-free route).
    ``closure_day`` must never be later than either. The top-level figures are those of
    the largest size; ``exponent`` is the slope of log seconds against log units
    between the smallest and the largest size."""
    import math

    from benchmarks.baselines.fcfs import simulate_fcfs
    from benchmarks.synthetic import synthetic_deployment
    from forcegen.engine.deployment import planner, time_expanded
    from forcegen.engine.deployment.critical_path import explain_closure
    from forcegen.engine.deployment.planner import plan_deployment
    from forcegen.engine.deployment.residual_routes import greedy_closure

    counts = {"models": 0, "solves": 0}

    class Counting(time_expanded.LoadModel):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            counts["models"] += 1
            super().__init__(*args, **kwargs)

        def run(self) -> bool:
            counts["solves"] += 1
            return super().run()

    rows: list[dict[str, Any]] = []
    original = planner.LoadModel
    for units in sizes:
        network, movements = synthetic_deployment(units=units, seed=0)
        plans: list[Any] = []

        def ours(network: Any = network, movements: Any = movements, plans: Any = plans) -> float:
            counts["models"] = counts["solves"] = 0
            planner.LoadModel = Counting  # type: ignore[misc]
            try:
                start = time.perf_counter()
                plans[:] = [plan_deployment(network, movements)]
                return time.perf_counter() - start
            finally:
                planner.LoadModel = original  # type: ignore[misc]

        fcfs: list[int | None] = []

        def baseline(network: Any = network, movements: Any = movements, fcfs: Any = fcfs) -> float:
            start = time.perf_counter()
            fcfs[:] = simulate_fcfs(network, movements)
            return time.perf_counter() - start

        greedy: list[int | None] = []

        def congestion(
            network: Any = network, movements: Any = movements, greedy: Any = greedy
        ) -> float:
            start = time.perf_counter()
            greedy[:] = [greedy_closure(network, movements)]
            return time.perf_counter() - start

        seconds = _median(ours, repeat)
        plan = plans[0]
        start = time.perf_counter()
        path = explain_closure(
            network, movements, plan, readiness_assumed={}, nation_names={}, capability_names={}
        )
        explain_seconds = time.perf_counter() - start
        baseline_seconds = _median(baseline, repeat)
        greedy_seconds = _median(congestion, repeat)
        closed = [d for d in fcfs if d is not None]
        fcfs_day = max(closed) if len(closed) == len(fcfs) else None
        greedy_day = greedy[0]
        day = plan.closure_day
        rows.append(
            {
                "units": units,
                "seconds": seconds,
                "closure_day": day,
                "explain_seconds": explain_seconds,
                "binding": len(path.binding),
                "models": counts["models"],
                "lps": counts["solves"],
                "peak_rss_mb": _deploy_peak_rss(units),
                "greedy_seconds": greedy_seconds,
                "greedy_closure_day": greedy_day,
                "closure_gap": None if greedy_day is None or day is None else greedy_day - day,
                "baseline_seconds": baseline_seconds,
                "baseline_closure_day": fcfs_day,
                "baseline_units_not_closed": len(fcfs) - len(closed),
                "closure_not_later": day is not None
                and (greedy_day is None or day <= greedy_day)
                and (fcfs_day is None or day <= fcfs_day),
                "personnel": float(sum(m.personnel for m in movements)),
                "short_tons": float(sum(m.short_tons for m in movements)),
                "bottlenecks": len(plan.bottlenecks),
            }
        )
        print(json.dumps({"target": "deploy", **rows[-1]}), file=sys.stderr, flush=True)
    first, last = rows[0], rows[-1]
    exponent = (
        math.log(last["seconds"] / first["seconds"]) / math.log(last["units"] / first["units"])
        if last["units"] > first["units"]
        else None
    )
    return {
        **last,
        "nodes": float(len(network.nodes)),
        "legs": float(len(network.legs)),
        "horizon_days": float(network.horizon_days),
        "exponent": exponent,
        "sizes": rows,
        "target_seconds": 10.0,
    }


def bench_disruptions(repeat: int, draws: int = 200) -> dict[str, Any]:
    """``draws`` disruption draws (seed 0) of the built-in dataset, every pledge moving:
    ``seconds`` the engine (median of ``repeat`` runs), ``baseline_seconds`` the method of
    commit 10bd9c9 (one run), both given the same undisrupted plan."""
    import forcegen
    from benchmarks.baselines.disruptions import simulate_disruptions_baseline
    from forcegen.engine.deployment.disruptions import simulate_disruptions

    ws = forcegen.load_builtin()
    result = forcegen.deploy(ws)  # the undisrupted plan, not timed
    network, moving, plan = result.network, list(result.movements), result.plan
    ours: list[Any] = []

    def engine() -> float:
        start = time.perf_counter()
        ours[:] = [simulate_disruptions(network, moving, draws, 0, base_plan=plan)]
        return time.perf_counter() - start

    seconds = _median(engine, repeat)
    start = time.perf_counter()
    baseline = simulate_disruptions_baseline(network, moving, draws, 0, base_plan=plan)
    baseline_seconds = time.perf_counter() - start
    new = ours[0]
    return {
        "seconds": seconds,
        "baseline_seconds": baseline_seconds,
        "draws": draws,
        "identical": new.closure_days == baseline,
        "closure_day": plan.closure_day,
        "quantiles": new.quantiles(),
        "baseline_distinct_closure_days": sorted({d for d in baseline if d is not None}),
        "later_than_plan": new.later_than_plan,
        "settled_patterns": dict(new.settled),
        "target_seconds": 10.0,
    }


TARGETS: dict[str, Callable[..., dict[str, Any]]] = {
    "startup": bench_startup,
    "run": bench_run,
    "montecarlo": bench_montecarlo,
    "sourcing": lambda repeat: {},  # run by main(): see benchmarks/sourcing_scale.py
    "deploy": bench_deploy,
    "disruptions": bench_disruptions,
    "scale": lambda repeat: {},  # run by main(): see benchmarks/scale.py
    "ledger": lambda repeat: {},  # run by main(): see benchmarks/ledger.py
    "web": lambda repeat: {},  # run by main(): see benchmarks/web.py
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help=f"any of: {', '.join(TARGETS)}")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-draws", type=int, default=200)
    parser.add_argument("--big", action="store_true", help="montecarlo: also 100M draws")
    parser.add_argument("--quick", action="store_true", help="scale: the small sizes only")
    parser.add_argument("--draws", type=int, default=200, help="disruptions: draws")
    parser.add_argument("--queries", type=int, default=1_000, help="ledger: as-of queries")
    parser.add_argument(
        "--baseline-queries", type=int, default=3, help="ledger: dates rebuilt from YAML"
    )
    parser.add_argument("--requests", type=int, default=2_000, help="web: requests")
    parser.add_argument("--clients", type=int, default=16, help="web: concurrent clients")
    parser.add_argument(
        "--lines", default="500", help="sourcing: sizes in lines, comma-separated (500,2000)"
    )
    parser.add_argument(
        "--units", default="1000", help="deploy: sizes in units, comma-separated (1000,2000,4000)"
    )
    parser.add_argument(
        "--conditions", help="montecarlo: free conditions per size, comma-separated (8,16,24)"
    )
    parser.add_argument(
        "--requirements", default="5x20", help="montecarlo --conditions: OPTIONSxLINES"
    )
    parser.add_argument(
        "--substitutes",
        type=float,
        default=0.0,
        help="montecarlo --conditions: share of capabilities with a substitute",
    )
    parser.add_argument(
        "--mc-draws", type=int, default=1_000_000, help="montecarlo --conditions: draws"
    )
    args = parser.parse_args()
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    summary: dict[str, dict[str, Any]] = {}
    skipped = ("scale", "disruptions", "ledger", "web")
    for name in args.targets or [t for t in TARGETS if t not in skipped]:
        if name == "scale":
            from scale import bench_scale

            result = bench_scale(quick=args.quick)
            result["ratio"] = result["worst_ratio_vs_linear"]
        elif name == "montecarlo" and args.conditions:
            from benchmarks.montecarlo_scale import bench_montecarlo_scale

            result = bench_montecarlo_scale(
                tuple(int(n) for n in args.conditions.split(",")),
                args.requirements,
                args.mc_draws,
                args.baseline_draws,
                args.substitutes,
            )
            result["ratio"] = result["baseline_seconds"] / result["seconds"]
        elif name == "montecarlo":
            result = bench_montecarlo(args.repeat, args.baseline_draws, args.big)
            result["ratio"] = result["baseline_seconds"] / result["seconds"]
        elif name == "disruptions":
            result = bench_disruptions(args.repeat, args.draws)
            result["ratio"] = result["baseline_seconds"] / result["seconds"]
        elif name == "web":
            from benchmarks.web import bench_web

            result = bench_web(args.repeat, args.requests, args.clients)
            result["ratio"] = result["seconds"] / result["baseline_seconds"]
        elif name == "sourcing":
            from benchmarks.sourcing_scale import bench_sourcing_scale

            lines = tuple(int(n) for n in args.lines.split(","))
            result = bench_sourcing_scale(args.repeat, lines)
            result["ratio"] = result["seconds"] / result["baseline_seconds"]
        elif name == "deploy":
            sizes = tuple(int(u) for u in args.units.split(","))
            result = bench_deploy(args.repeat, sizes)
            result["ratio"] = result["seconds"] / result["baseline_seconds"]
        elif name == "ledger":
            from benchmarks.ledger import bench_ledger

            result = bench_ledger(args.queries, args.baseline_queries)
            result["ratio"] = result["baseline_seconds"] / result["seconds"]
        else:
            result = TARGETS[name](args.repeat)
            result["ratio"] = result["seconds"] / result["baseline_seconds"]
        result = {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}
        summary[name] = result
        print(json.dumps({"target": name, **result}), flush=True)
    if len(summary) == 1:
        print(json.dumps(next(iter(summary.values()))))
    else:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
