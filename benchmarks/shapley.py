"""Cost of the Shapley sensitivity: ``python benchmarks/shapley.py [--repeat N]``.

- ``exact``: every subset of 12 conditions over 4,096 distinct patterns (the most the
  exact path takes), against the brute-force baseline of one grouping per subset
  (``np.bincount`` over the patterns for each of the 4,096 subsets, then the Shapley
  formula), measured in the same run. Target: well under 1 s.
- ``permutation/N``: the random-order estimate on the pattern table of 100,000 draws of
  the synthetic coalition of ``benchmarks/scale.py`` (1,000 pledges, N free conditions,
  no requirement), with the number of orders it drew and its largest standard error.

Prints one JSON line per case; times are the median of ``--repeat`` runs (default 5).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from math import comb
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import forcegen
from benchmarks.scale import political_coalition
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.odds.shapley import shapley_effects


def _median(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _brute_force(codes: np.ndarray, y: np.ndarray, w: np.ndarray, d: int) -> np.ndarray:
    p = w / w.sum()
    yc = y - p @ y
    values = np.zeros(1 << d)
    for mask in range(1 << d):
        keys = (codes & np.uint64(mask)).astype(np.int64)
        mass = np.bincount(keys, weights=p, minlength=1 << d)
        moment = np.bincount(keys, weights=p * yc, minlength=1 << d)
        seen = mass > 0
        values[mask] = np.sum(moment[seen] ** 2 / mass[seen])
    effects = np.zeros(d)
    masks = np.arange(1 << d)
    size = np.array([bin(m).count("1") for m in masks])
    for j in range(d):
        without = masks[(masks >> j & 1) == 0]
        weight = 1.0 / (d * np.array([comb(d - 1, k) for k in size[without]], dtype=float))
        effects[j] = weight @ (values[without | 1 << j] - values[without])
    return effects


def bench_exact(repeat: int) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    d = 12
    codes = np.arange(1 << d, dtype=np.uint64)
    y = rng.integers(0, 30_000, codes.shape[0]).astype(float)
    w = rng.random(codes.shape[0])
    names = tuple(f"c{j}" for j in range(d))
    result = shapley_effects(codes, y, w, names)
    baseline = _brute_force(codes, y, w, d)
    assert np.allclose(result.effects, baseline, rtol=1e-9)
    seconds = _median(lambda: shapley_effects(codes, y, w, names), repeat)
    baseline_seconds = _median(lambda: _brute_force(codes, y, w, d), max(1, repeat // 5))
    return {
        "target": "exact",
        "conditions": d,
        "patterns": int(codes.shape[0]),
        "seconds": seconds,
        "baseline_seconds": baseline_seconds,
        "ratio": baseline_seconds / seconds,
    }


def bench_permutation(n: int, repeat: int) -> dict[str, Any]:
    data = political_coalition(1000, n)
    del data["requirements"]
    result = monte_carlo(forcegen.build_workspace(data), draws=100_000, seed=1, sensitivity=False)
    p = result.patterns
    names = result.free
    effects = shapley_effects(p.codes, p.personnel, p.probability, names, seed=1)
    seconds = _median(
        lambda: shapley_effects(p.codes, p.personnel, p.probability, names, seed=1), repeat
    )
    return {
        "target": f"permutation/{n}",
        "conditions": len(names),
        "patterns": int(p.codes.shape[0]),
        "permutations": effects.permutations,
        "max_share_stderr": max(effects.share_stderr.values()),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(bench_exact(args.repeat)), flush=True)
    for n in (13, 16, 20):
        print(json.dumps(bench_permutation(n, args.repeat)), flush=True)


if __name__ == "__main__":
    main()
