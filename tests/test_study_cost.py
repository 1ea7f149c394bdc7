"""The estimated cost of a study before it starts (engine/study_cost.py), the table in
docs/benchmarks.md, and the CLI's warning (never a refusal)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import forcegen
from forcegen.engine import study_cost as sc
from forcegen.engine.odds.condition_model import ConditionModel, Rule, condition_model
from helpers.cli import invoke

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_estimates_pass_through_the_measured_points_and_grow_between_them() -> None:
    for curve in sc.CURVES.values():
        for size, seconds in curve.points:
            assert sc.estimate(curve.command, size).seconds == pytest.approx(seconds)
        (s0, t0), (s1, t1) = curve.points[0], curve.points[1]
        middle = math.sqrt(s0 * s1)  # log-log midpoint: the geometric mean of the times
        assert sc.estimate(curve.command, middle).seconds == pytest.approx(math.sqrt(t0 * t1))


def test_beyond_the_largest_point_the_cost_grows_at_least_linearly() -> None:
    curve = sc.CostCurve("x", "things", "nothing", ((10, 1.0), (20, 1.5)), "by hand")
    assert curve.seconds(40) == pytest.approx(3.0)  # last segment 0.58 < 1: linear
    steep = sc.CostCurve("y", "things", "nothing", ((10, 1.0), (20, 4.0)), "by hand")
    assert steep.seconds(40) == pytest.approx(16.0)  # exponent 2 kept
    assert steep.exponent() == pytest.approx(2.0)
    assert steep.seconds(0) == 0.0


def test_a_curve_needs_two_points_of_increasing_size() -> None:
    with pytest.raises(ValueError, match="increasing"):
        sc._curve(sc.CostCurve("bad", "things", "nothing", ((20, 1.0), (10, 2.0)), "-"))
    assert "bad" not in sc.CURVES


def _model(*probabilities: float) -> ConditionModel:
    rules = tuple(Rule(f"k{i}", p, p) for i, p in enumerate(probabilities))
    return ConditionModel(tuple(r.condition for r in rules), rules, {})


def test_distinct_patterns_by_hand() -> None:
    half = _model(0.5)
    # 2 draws of 1 condition: both the same with probability 1/2 -> 1.5 expected
    assert sc.distinct_patterns(half, 2) == pytest.approx(1.5)
    # with its flips: each draw and its flip are both patterns
    assert sc.distinct_patterns(half, 2, ["k0"]) == pytest.approx(2.0)
    assert sc.distinct_patterns(half, 0) == 0.0
    assert sc.distinct_patterns(_model(), 10) == 1.0  # nothing free: one pattern
    certain = _model(1.0, 1.0, 1.0)
    assert sc.distinct_patterns(certain, 10**6) == pytest.approx(1.0)
    assert sc.distinct_patterns(certain, 5, ["k0", "k2"]) == pytest.approx(3.0)
    assert sc.distinct_patterns(_model(*[0.5] * 4), 10**7) == pytest.approx(16.0)


def test_distinct_patterns_are_those_a_run_meets() -> None:
    from forcegen.engine.odds.sampling import sample_patterns

    model = _model(*[0.35, 0.9, 0.6, 0.75, 0.5, 0.85, 0.4, 0.7, 0.55, 0.8, 0.65, 0.95] * 2)
    draws = 50_000
    codes = sample_patterns(model, draws, seed=7).codes  # not the estimate's seed 0
    flips = ["k0", "k3", "k7", "k20"]
    bits = [np.uint64(1) << np.uint64(model.column(c)) for c in flips]
    union = np.unique(np.concatenate([codes] + [codes ^ b for b in bits]))
    assert sc.distinct_patterns(model, draws) == pytest.approx(codes.shape[0], rel=0.05)
    assert sc.distinct_patterns(model, draws, flips) == pytest.approx(union.shape[0], rel=0.05)


def _dependent_model(free: int) -> ConditionModel:
    """A root, conditions that read it (one certain, one impossible when it holds) and,
    from the fifth on, independent ones."""
    rules = [Rule("r", 0.5, 0.5), Rule("a", 1.0, 0.2, (("r", True),))]
    rules += [Rule("b", 0.0, 0.7, (("r", True), ("a", True))), Rule("c", 0.3, 0.3)]
    rules += [Rule(f"k{i}", 0.35 + 0.01 * i, 0.35 + 0.01 * i) for i in range(free - 4)]
    return ConditionModel(tuple(r.condition for r in rules), tuple(rules), {})


def test_distinct_patterns_sum_the_probability_of_each_pattern_and_its_flips() -> None:
    """The same estimate as P'(z) summed from sampling.pattern_probability directly."""
    from forcegen.engine.odds.sampling import pattern_probability, sample_patterns

    model = _dependent_model(12)
    table = sample_patterns(model, sc.ESTIMATE_DRAWS, 0)
    for flips in ((), ("r", "b", "k3"), model.free):
        bits = [np.uint64(1) << np.uint64(model.column(c)) for c in flips]
        children = np.concatenate([table.codes] + [table.codes ^ bit for bit in bits])
        share = np.tile(table.weights / table.total, 1 + len(bits))
        reach = pattern_probability(model, children)
        for bit in bits:
            reach += pattern_probability(model, children ^ bit)
        for draws in (3, 10_000, 10**9):
            met = -np.expm1(draws * np.log1p(-np.minimum(reach, 1.0 - 1e-16)))
            met = np.where(reach >= 1.0 - 1e-16, 1.0, met)
            expected = min(2.0**12, float(np.sum(share * met / reach)))
            assert sc.distinct_patterns(model, draws, flips) == pytest.approx(expected, rel=1e-9)


def test_distinct_patterns_at_the_most_free_conditions_take_well_under_a_second() -> None:
    """It runs before every montecarlo and sweep with requirements: at 62 free conditions
    (MAX_FREE_CONDITIONS), dependent, with every flip, it took 7.5 s (a pattern
    probability of every pattern for each flip); about 0.8 s by the factors."""
    import time

    from forcegen.limits import MAX_FREE_CONDITIONS

    model = _dependent_model(MAX_FREE_CONDITIONS)
    sc.distinct_patterns(model, 10)  # the estimate's draws (their random numbers cached)
    start = time.perf_counter()
    sc.distinct_patterns(model, 10**6, model.free)
    assert time.perf_counter() - start < 3.0


def test_montecarlo_is_sized_with_its_forced_cases_and_a_sweep_by_its_points() -> None:
    from benchmarks.synthetic_odds import synthetic_odds

    ws = forcegen.build_workspace(synthetic_odds(conditions=16, substitutes=0.0))
    lines = sum(len(r.lines) for r in ws.requirements.values())
    plain = forcegen.study_cost(ws, "montecarlo", draws=20_000, sensitivity=False)
    full = forcegen.study_cost(ws, "montecarlo", draws=20_000)
    assert plain is not None and full is not None
    # every drawn pattern with one of 16 conditions flipped: more patterns, more time
    assert full.size > 1.5 * plain.size and full.seconds > plain.seconds
    assert full.what.startswith(f"montecarlo of {full.size / lines:,.0f} distinct patterns")
    assert "(sensitivity's forced cases included)" in full.what
    exact = forcegen.study_cost(ws, "montecarlo", exact=True)
    assert exact is not None and exact.size == 2**16 * lines  # forced passes: read, not filled
    sweep = forcegen.study_cost(ws, "sweep", draws=20_000, points=5, parallel=2)
    assert sweep is not None and sweep.seconds == pytest.approx(3 * plain.seconds)
    assert sweep.what.startswith("sweep of 5 points, 2 at a time, each a montecarlo of")


def test_beyond_the_measured_range_a_monte_carlo_grows_linearly() -> None:
    for command in ("montecarlo", "montecarlo-substitutes"):
        curve = sc.CURVES[command]
        size, seconds = curve.points[-1]
        assert curve.seconds(10 * size) == pytest.approx(10 * seconds)
    # docs/benchmarks.md: with substitutes, about 0.14 s a pattern at 16 conditions,
    # about 1.7 hours for 1M draws (44,752 patterns, 100 lines)
    assert sc.estimate("montecarlo-substitutes", 4_475_200).seconds / 3600 == pytest.approx(
        1.7, rel=0.05
    )


def test_the_docs_table_is_the_code_table() -> None:
    text = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- cost:start -->\n(.*)<!-- cost:end -->", text, re.S)
    assert match, "docs/benchmarks.md lacks the generated cost table"
    assert match.group(1) == sc.cost_markdown()


def test_study_cost_on_the_built_in_data_is_small_and_sized_as_documented() -> None:
    ws = forcegen.load_builtin("mnf-ukraine")
    source = forcegen.study_cost(ws, "source", requirement="force-25k")
    assert source is not None
    assert source.size == len(ws.requirements["force-25k"].lines)
    assert not source.slow
    deploy = forcegen.study_cost(ws, "deploy", "ceasefire-only")
    assert deploy is not None and not deploy.slow and deploy.size > 0
    odds = forcegen.study_cost(ws, "montecarlo", draws=1_000_000)
    assert odds is not None and not odds.slow
    assert forcegen.study_cost(ws, "source") is None  # no requirement named: nothing to size
    with pytest.raises(ValueError, match="no cost curve"):
        forcegen.study_cost(ws, "sustain")


def _steep(monkeypatch: pytest.MonkeyPatch, command: str, seconds_at_one: float) -> None:
    curve = sc.CURVES[command]
    steep = sc.CostCurve(
        command, curve.size, curve.held, ((1, seconds_at_one), (2, 2 * seconds_at_one)), "test"
    )
    monkeypatch.setitem(sc.CURVES, command, steep)


def test_deploy_warns_on_stderr_and_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet = invoke("deploy", "-s", "ceasefire-only", "--json")
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
    _steep(monkeypatch, "deploy", 10.0)  # 10 s a unit: the built-in force takes minutes
    slow = invoke("deploy", "-s", "ceasefire-only", "--json")
    assert slow.exit_code == 0
    assert re.search(r"warning: deploy of [\d,]+ units moving will take about", slow.stderr)
    assert "running it anyway" in slow.stderr
    assert json.loads(slow.stdout) == json.loads(quiet.stdout)  # stdout: results only


def test_source_warns_when_the_fill_would_not_fit_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _steep(monkeypatch, "source", 0.5)  # 0.5 s a line: about 12 s for the force-25k lines
    result = invoke("source", "-r", "force-25k", "-s", "ceasefire-only", "--time-limit", "1")
    assert result.exit_code == 0
    assert "--time-limit 1 may stop it before it is proven" in result.stderr
    calm = invoke("source", "-r", "force-25k", "-s", "ceasefire-only", "--time-limit", "100")
    assert calm.exit_code == 0 and "warning" not in calm.stderr


def test_montecarlo_warns_and_the_substitutes_curve_applies_to_substitutes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _steep(monkeypatch, "montecarlo", 1.0)  # 1 s per pattern and line: hours
    result = invoke("montecarlo", "-n", "1000", "--json")
    assert result.exit_code == 0
    assert "warning: montecarlo of" in result.stderr
    json.loads(result.stdout)
    ws = forcegen.load_builtin("mnf-ukraine")
    estimate = forcegen.study_cost(ws, "montecarlo", draws=1000)
    assert estimate is not None and estimate.curve.command == "montecarlo"
    for ratio, curve in ((None, "montecarlo"), (2, "montecarlo-substitutes")):
        bde: dict[str, object] = {"id": "bde", "name": "Brigade", "domain": "land"}
        if ratio is not None:
            bde["substitutes"] = [{"capability": "bg", "ratio": ratio}]
        small = forcegen.build_workspace(
            {
                "nations": [
                    {"id": "GBR", "name": "GBR", "active_personnel": 1, "land_personnel": 1}
                ],
                "capabilities": [
                    {**bde, "personnel": 5000},
                    {"id": "bg", "name": "Battlegroup", "domain": "land", "personnel": 1000},
                ],
                "conditions": [{"id": "c", "description": "C", "probability": 0.5}],
                "pledges": [
                    {"id": "x", "nation": "GBR", "capability": "bg", "quantity": 2, "requires": "c"}
                ],
                "requirements": [
                    {"id": "r", "name": "R", "lines": [{"capability": "bde", "quantity": 1}]}
                ],
            }
        )
        estimate = forcegen.study_cost(small, "montecarlo", draws=1000)
        assert estimate is not None and estimate.curve.command == curve
        assert estimate.size == pytest.approx(2.0)  # 2 patterns of 1 condition x 1 line


def test_sweep_warns_on_stderr_and_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("sweep", "--vary", "russian_consent=0.2,0.8", "-n", "2000", "--serial", "--json")
    quiet = invoke(*args)
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
    _steep(monkeypatch, "montecarlo", 1.0)  # 1 s per pattern and line: hours a point
    slow = invoke(*args)
    assert slow.exit_code == 0
    assert "warning: sweep of 2 points, 1 at a time, each a montecarlo of" in slow.stderr
    assert json.loads(slow.stdout) == json.loads(quiet.stdout)  # stdout: results only


def test_an_enumeration_the_run_refuses_is_not_sized_first(tmp_path: Path) -> None:
    """24 free conditions with --exact: the run refuses (MAX_EXACT_CONDITIONS 20); it
    said first that 16,777,216 patterns would take minutes and would fill them on Dask,
    'running it anyway'."""
    import yaml
    from benchmarks.synthetic_odds import synthetic_odds

    data = synthetic_odds(conditions=24, options=2, lines=6, pledges=40, substitutes=0.0)
    path = tmp_path / "ws.yaml"
    path.write_text(yaml.safe_dump(data))
    ws = forcegen.load_workspace(path)
    assert forcegen.study_cost(ws, "montecarlo", exact=True) is None
    assert forcegen.study_cost(ws, "sweep", exact=True, points=2) is None
    assert forcegen.study_cost(ws, "montecarlo") is not None  # sampling is sized
    for args in (
        ("montecarlo", str(path), "--exact"),
        ("sweep", str(path), "--exact", "--serial", "--vary", "k0=0.2,0.5"),
    ):
        result = invoke(*args)
        assert result.exit_code == 2
        assert "exact enumeration takes at most 20 free conditions" in result.stderr
        assert "warning" not in result.stderr and "note" not in result.stderr


def test_an_exact_run_is_sized_by_its_possible_patterns() -> None:
    # review: --exact was sized at 2**free, also where dependent or certain conditions
    # leave far fewer patterns possible (built-in: 8 of 16)
    ws = forcegen.load_builtin("mnf-ukraine")
    model = condition_model(ws, {})
    assert sc.possible_patterns(model) == 8.0
    certain = _model(1.0, 0.0, 0.5)
    assert sc.possible_patterns(certain) == 2.0
    assert sc.filled_patterns(certain, 10, exact=True) == 2.0
