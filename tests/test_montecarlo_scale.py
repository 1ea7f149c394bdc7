"""Monte Carlo at scale (issue 17): part-by-part fills (minimum cuts, fill stages alone,
the optimiser) against plain solves, sensitivity from the base pattern table against the
redraw of 08d13f7, and the distinct patterns filled on a 2-worker Dask LocalCluster."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from benchmarks.baselines.montecarlo import fill_batch_baseline, monte_carlo_baseline
from benchmarks.scale import political_coalition
from benchmarks.synthetic_odds import synthetic_odds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forcegen
from forcegen.engine.odds import montecarlo as montecarlo_module
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.sourcing import fill as filling
from forcegen.engine.sourcing.cuts import cut_part, priority_fills
from forcegen.engine.sourcing.fill import fill_batch, fill_requirement
from forcegen.engine.sourcing.problem import build_problem, relevant_pledges
from forcegen.engine.sourcing.solve import _components, solve
from helpers.cli import cli
from helpers.data import SMALL


def plain_solves(
    ws: forcegen.Workspace, requirement: Any, active: np.ndarray
) -> tuple[list[bool], list[float], list[float]]:
    """The definition: ``fill_requirement`` (the optimiser with its tie-breaks) per row."""
    ids = list(ws.pledges)
    met, ratio, personnel = [], [], []
    for row in active:
        fill = fill_requirement(ws, requirement, [ids[k] for k in np.flatnonzero(row)])
        met.append(fill.met)
        ratio.append(fill.fill_ratio)
        personnel.append(fill.personnel_fill)
    return met, ratio, personnel


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    lines=st.integers(2, 7),
    pledges=st.integers(6, 24),
    substitutes=st.sampled_from([0.0, 0.5, 1.0]),
    density=st.floats(0.2, 0.95),
)
def test_part_fills_equal_plain_solves_on_random_workspaces(
    seed: int, lines: int, pledges: int, substitutes: float, density: float
) -> None:
    data = synthetic_odds(
        conditions=3, options=1, lines=lines, pledges=pledges, substitutes=substitutes, seed=seed
    )
    ws = forcegen.build_workspace(data)
    requirement = next(iter(ws.requirements.values()))
    active = np.random.default_rng(seed).random((10, len(ws.pledges))) < density
    met, ratio, personnel = fill_batch(ws, requirement, active, personnel=True)
    expected = plain_solves(ws, requirement, active)
    assert met.tolist() == expected[0]
    assert ratio.tolist() == expected[1]
    assert personnel.tolist() == expected[2]
    old = fill_batch_baseline(ws, requirement, active, personnel=True)
    for new, before in zip((met, ratio, personnel), old, strict=True):
        assert new.tolist() == before.tolist()


@pytest.mark.parametrize("seed", range(4))
def test_minimum_cuts_give_the_fill_stages_of_the_optimiser(seed: int) -> None:
    ws = forcegen.build_workspace(synthetic_odds(conditions=4, substitutes=0.0, seed=seed))
    rng = np.random.default_rng(seed)
    checked = 0
    for requirement in ws.requirements.values():
        ids = relevant_pledges(ws, requirement)
        whole = build_problem(ws, requirement, {p: ws.pledges[p].quantity for p in ids})
        for lines, offers, edges in _components(whole):
            pledges = list(dict.fromkeys(whole.offers[o].pledge for o in offers))
            part = cut_part(whole, lines, offers, edges, {p: j for j, p in enumerate(pledges)})
            if part is None or len(lines) < 2:
                continue
            on = rng.random((6, len(pledges))) < 0.6
            levels = priority_fills(part, on)
            for row, got in zip(on, levels, strict=True):
                active = {p: ws.pledges[p].quantity for p, a in zip(pledges, row, strict=True) if a}
                filled = solve(build_problem(ws, requirement, active), full=False).filled
                want = [sum(filled[n] for n in group) for group in part.groups]
                assert got.tolist() == want
                checked += 1
    assert checked > 0


def test_a_part_settled_by_cuts_needs_no_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    ws = forcegen.build_workspace(synthetic_odds(conditions=6, substitutes=0.0))
    calls: list[Any] = []
    monkeypatch.setattr(filling, "solve", lambda *a, **k: calls.append(a))
    active = np.random.default_rng(0).random((300, len(ws.pledges))) < 0.6
    for requirement in ws.requirements.values():
        met, _, _ = fill_batch(ws, requirement, active, personnel=True)
        assert 0 < met.sum() < 300 or requirement.id == "option-1"
    assert calls == []


def same_json(a: Any, b: Any) -> bool:
    return json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)


def no_requirements(conditions: int) -> forcegen.Workspace:
    data = political_coalition(150, conditions, seed=3)
    del data["requirements"]
    return forcegen.build_workspace(data)


@pytest.mark.parametrize(
    "case", ["small", "small-cf", "independent-requirements", "no-requirements", "exact"]
)
def test_monte_carlo_is_bit_identical_to_the_method_it_replaced(
    case: str, small: forcegen.Workspace
) -> None:
    ws, scenario, exact = small, None, False
    if case == "small-cf":
        scenario = "cf"
    elif case == "independent-requirements":
        ws = forcegen.build_workspace(
            synthetic_odds(conditions=7, options=2, lines=6, pledges=40, substitutes=0.0)
        )
    elif case == "no-requirements":
        ws = no_requirements(9)
    elif case == "exact":
        exact = True
    new = monte_carlo(ws, scenario, draws=20_000, seed=4, exact=exact)
    old = monte_carlo_baseline(ws, scenario, draws=20_000, seed=4, exact=exact)
    assert same_json(new, old)
    assert new.sensitivity == old.sensitivity


def test_sensitivity_of_independent_conditions_draws_only_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = forcegen.build_workspace(
        synthetic_odds(conditions=10, options=2, lines=6, pledges=40, substitutes=0.0)
    )
    calls: list[Any] = []
    real = montecarlo_module.sample_patterns

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("forced"))
        return real(*args, **kwargs)

    monkeypatch.setattr(montecarlo_module, "sample_patterns", counting)
    result = monte_carlo(ws, draws=1_500, seed=9)
    assert calls == [None]
    assert len(result.sensitivity) == 10
    # 1,500 draws of 10 conditions leave flipped patterns unseen: evaluated apart, and
    # still the numbers of the redraw
    assert result.patterns.codes.shape[0] < 1024
    monkeypatch.undo()
    assert same_json(result, monte_carlo_baseline(ws, draws=1_500, seed=9))


def test_dependent_conditions_are_still_redrawn(
    small: forcegen.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    forced: list[Any] = []
    real = montecarlo_module.sample_patterns

    def counting(*args: Any, **kwargs: Any) -> Any:
        forced.append(kwargs.get("forced"))
        return real(*args, **kwargs)

    monkeypatch.setattr(montecarlo_module, "sample_patterns", counting)
    monte_carlo(small, draws=5_000, seed=9)
    # consent is drawn given ceasefire: only ceasefire is forced by drawing again
    assert forced == [None, {"ceasefire": True}, {"ceasefire": False}]


def test_distinct_patterns_on_a_two_worker_local_cluster_give_the_serial_result() -> None:
    ws = forcegen.build_workspace(
        synthetic_odds(conditions=8, options=2, lines=6, pledges=50, substitutes=0.5)
    )
    serial = monte_carlo(ws, draws=20_000, seed=6)
    with forcegen.dask_cluster(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        distributed = monte_carlo(ws, draws=20_000, seed=6, client=client)
    assert serial.patterns.codes.shape[0] >= 3 * 64  # several chunks
    assert same_json(distributed, serial)


def test_montecarlo_cli_on_dask_and_a_bad_scheduler() -> None:
    args = ("montecarlo", str(SMALL), "--draws", "5000", "--seed", "3", "--json")
    serial = cli(*args)
    local = cli(*args, "--dask", "--dask-workers", "2")
    assert serial.code == 0 and local.code == 0, local.stderr
    assert local.stdout == serial.stdout
    bad = cli(*args, "--scheduler", "http://localhost:8786")
    assert bad.code == 2 and "--scheduler" in bad.stderr and bad.stdout == ""


def _slow_study(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every montecarlo study look like one of several minutes."""
    from forcegen.engine.study_cost import estimate

    monkeypatch.setattr(forcegen, "study_cost", lambda *a, **k: estimate("montecarlo", 1e9))


def test_montecarlo_cli_goes_to_a_local_cluster_by_default_when_the_study_is_slow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ("montecarlo", str(SMALL), "--draws", "5000", "--seed", "3", "--json")
    serial = cli(*args)
    assert serial.code == 0 and "Dask" not in serial.stderr  # a quick study stays here
    started: list[tuple[Any, ...]] = []
    real = forcegen.dask_cluster

    def recording(*a: Any, **k: Any) -> Any:
        started.append(a)
        return real(*a, **k)

    monkeypatch.setattr(forcegen, "dask_cluster", recording)
    _slow_study(monkeypatch)
    one = cli(*args, "--dask-workers", "1")
    assert one.code == 0 and "local Dask cluster of 1 process (" in one.stderr
    assert one.stdout == serial.stdout
    started.clear()
    auto = cli(*args, "--dask-workers", "2")
    assert auto.code == 0, auto.stderr
    assert started == [(None, 2)]
    assert (
        "note: filling the distinct patterns on a local Dask cluster of 2 processes" in auto.stderr
    )
    assert auto.stdout == serial.stdout  # bit-identical, one JSON document
    # --serial keeps it in this process, and says nothing about Dask
    started.clear()
    kept = cli(*args, "--serial")
    assert kept.code == 0 and started == [] and "Dask" not in kept.stderr
    assert kept.stdout == serial.stdout
    # without Dask installed: in this process, and said so
    monkeypatch.setattr(forcegen, "dask_installed", lambda: False)
    bare = cli(*args)
    assert bare.code == 0 and started == []
    assert "Dask is not installed" in bare.stderr and bare.stdout == serial.stdout


def test_montecarlo_cli_serial_and_scheduler_exclude_each_other() -> None:
    both = cli(
        "montecarlo", str(SMALL), "--draws", "100", "--serial", "--scheduler", "tcp://127.0.0.1:1"
    )
    assert both.code == 2 and both.stdout == ""
    assert "--serial and --scheduler exclude each other" in both.stderr
    sweep = cli(
        "sweep", str(SMALL), "--vary", "ceasefire=0.2,0.4", "--draws", "100", "--serial",
        "--scheduler", "tcp://127.0.0.1:1",
    )  # fmt: skip
    assert sweep.code == 2 and sweep.stdout == ""
    assert "--serial and --scheduler exclude each other" in sweep.stderr


class _CountingClient:
    """A Dask client that counts the patterns sent to its workers to be filled."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.sent = 0

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        self.sent += args[2].shape[0]  # chunk_fills(workspace, model, codes)
        return self.client.submit(fn, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_a_pattern_is_filled_on_the_cluster_once_per_run() -> None:
    # --exact sensitivity enumerates every pattern again for each forced case (2K + 1
    # passes); on Dask each pass was filled again in full, with no cache across passes
    # (review: 9 conditions, 2 options with substitutes: 115 s on 2 workers, 14 s serial)
    ws = forcegen.build_workspace(
        synthetic_odds(conditions=6, options=2, lines=6, pledges=40, substitutes=0.0)
    )
    serial = monte_carlo(ws, exact=True)
    with forcegen.dask_cluster(workers=1) as real:
        client = _CountingClient(real)
        distributed = monte_carlo(ws, exact=True, client=client)
    assert same_json(distributed, serial)
    assert client.sent == 2**6  # each pattern once, not (2 x 6 + 1) passes of them


def test_forced_passes_read_the_patterns_the_base_table_has(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # review of issue 17: --exact sensitivity evaluated all 2K forced enumerations again
    # (16 conditions: 10.3 s, now 2.44 s); a pattern's outcome depends on it alone
    import forcegen.engine.odds.montecarlo as mc

    ws = forcegen.load_builtin("mnf-ukraine")
    plain = forcegen.monte_carlo(ws, exact=True)
    evaluated: list[int] = []
    real = mc.pattern_outcomes

    def counting(workspace: Any, model: Any, codes: Any, *args: Any, **kwargs: Any) -> Any:
        evaluated.append(int(codes.shape[0]))
        return real(workspace, model, codes, *args, **kwargs)

    monkeypatch.setattr(mc, "pattern_outcomes", counting)
    again = forcegen.monte_carlo(ws, exact=True)
    assert again.to_json() == plain.to_json()
    # the base enumeration (patterns of probability 0 left out), then only the forced
    # patterns it lacks: every pattern evaluated once here (before: 8 + 8 per forced pass)
    assert sum(evaluated) <= 2 ** len(plain.free) and len(evaluated) > 1
    evaluated.clear()
    forcegen.monte_carlo(ws, draws=20_000, seed=1)  # redrawn conditions: new patterns only
    assert sum(evaluated) <= 2 ** len(plain.free) and len(evaluated) > 1
