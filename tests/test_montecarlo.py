"""Monte Carlo over conditions: exact values by hand, MC against exact, determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

import forcegen
from forcegen.engine.odds.condition_model import condition_model
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.odds.sampling import BLOCK, enumerate_patterns, sample_patterns
from forcegen.errors import ForcegenError

INDEPENDENT = """
conditions:
  - {id: a, description: A, probability: 0.3, basis: assumption}
  - {id: b, description: B, probability: 0.6, basis: assumption}
  - {id: c, description: C, probability: 0.85, basis: assumption}
capabilities:
  - {id: bn, name: Battalion, domain: land, personnel: 600, basis: assumption}
  - {id: sq, name: Squadron, domain: air, personnel: 250, basis: assumption}
nations:
  - {id: FRA, name: France, active_personnel: 1, land_personnel: 1, basis: assumption}
  - {id: NOR, name: Norway, active_personnel: 1, land_personnel: 1, basis: assumption}
pledges:
  - {id: p1, nation: FRA, capability: bn, quantity: 2, requires: a or b, basis: assumption}
  - {id: p2, nation: NOR, capability: bn, quantity: 1, requires: b and not c,
     basis: assumption}
  - {id: p3, nation: NOR, capability: sq, quantity: 1, requires: c, basis: assumption}
requirements:
  - id: r
    name: R
    basis: assumption
    lines:
      - {capability: bn, quantity: 3}
      - {capability: sq, quantity: 1}
scenarios:
  - {id: b-holds, name: B holds, assume: {b: true}}
"""


@pytest.fixture(scope="module")
def independent(tmp_path_factory: pytest.TempPathFactory) -> forcegen.Workspace:
    path = tmp_path_factory.mktemp("mc") / "independent.yaml"
    path.write_text(INDEPENDENT, encoding="utf-8")
    return forcegen.load_workspace(path)


def test_exact_values_by_hand_dependent_conditions(small: forcegen.Workspace) -> None:
    # P(ceasefire)=.5, P(consent | ceasefire)=.4 else 0, P(backstop)=.3
    result = monte_carlo(small, exact=True)
    assert result.personnel.mean == pytest.approx(0.5 * 5300 + 0.15 * 10000 + 0.2 * 300)
    assert result.requirements["opt-a"].p == pytest.approx(0.5 * 0.3 * 0.4)
    assert result.requirements["opt-b"].p == pytest.approx(0.5 * 0.3)
    assert result.pledges["est-coy"].p == pytest.approx(0.2)
    assert result.pledges["fra-old"].p == 0.0
    assert result.personnel.stderr == 0.0
    assert result.by_capability["bde"].mean == pytest.approx(0.5 * 5000 + 0.15 * 10000)
    assert result.by_capability_units["coy"] == pytest.approx(0.2 * 2)
    assert result.by_nation["GBR"].mean == pytest.approx(0.5 * 5300)
    assert result.by_nation["GBR"].p95 == 5300.0
    assert sum(result.by_nation["GBR"].mass) == pytest.approx(1.0)
    swings = {s.condition: s.swing_personnel for s in result.sensitivity}
    assert swings["ceasefire"] == pytest.approx(5300 + 0.3 * 10000 + 0.4 * 300)
    assert swings["backstop"] == pytest.approx(0.5 * 10000)
    assert swings["consent"] == pytest.approx(0.5 * 300)  # do(consent): needs ceasefire too
    assert [s.condition for s in result.sensitivity] == ["ceasefire", "backstop", "consent"]
    p_met = {s.condition: s.swing_p_met["opt-b"] for s in result.sensitivity}
    assert p_met == pytest.approx({"ceasefire": 0.3, "backstop": 0.5, "consent": 0.0})


def test_exact_values_by_hand_independent_conditions(independent: forcegen.Workspace) -> None:
    result = monte_carlo(independent, exact=True)
    p_ab = 1 - 0.7 * 0.4
    expected = p_ab * 1200 + 0.6 * 0.15 * 600 + 0.85 * 250
    assert result.personnel.mean == pytest.approx(expected)
    # met: 3 battalions (p1 and p2) and the squadron (p3): needs c and not c -> never
    assert result.requirements["r"].p == 0.0
    assert result.fill_ratio["r"] == pytest.approx((p_ab * 2 + 0.6 * 0.15 * 1 + 0.85 * 1) / 4)
    shares = {s.condition: s.variance_share for s in result.sensitivity}
    assert all(0.0 <= v <= 1.0 for v in shares.values())
    # independent inputs: first-order shares of an additive-ish model sum to at most 1
    assert sum(shares.values()) <= 1.0 + 1e-9


@pytest.mark.parametrize("fixture", ["small", "independent", "builtin"])
@pytest.mark.parametrize("scenario", [None, "first"])
def test_monte_carlo_within_four_standard_errors_of_exact(
    fixture: str, scenario: str | None, request: pytest.FixtureRequest
) -> None:
    ws: forcegen.Workspace = request.getfixturevalue(fixture)
    sid = next(iter(ws.scenarios)) if scenario == "first" else None
    exact = monte_carlo(ws, sid, exact=True, sensitivity=False)
    mc = monte_carlo(ws, sid, draws=200_000, seed=11, sensitivity=False)
    assert mc.personnel.stderr > 0 or exact.personnel.mean in (0.0, mc.personnel.mean)
    assert abs(mc.personnel.mean - exact.personnel.mean) <= 4 * mc.personnel.stderr + 1e-9
    for rid, prob in exact.requirements.items():
        got = mc.requirements[rid]
        assert abs(got.p - prob.p) <= 4 * max(got.stderr, 1e-12) + 1e-12, rid
    for pid, prob in exact.pledges.items():
        assert abs(mc.pledges[pid].p - prob.p) <= 4 * max(mc.pledges[pid].stderr, 1e-12), pid


def test_sensitivity_swings_agree_with_exact(small: forcegen.Workspace) -> None:
    exact = {s.condition: s for s in monte_carlo(small, exact=True).sensitivity}
    mc = monte_carlo(small, draws=200_000, seed=3)
    for s in mc.sensitivity:
        e = exact[s.condition]
        assert s.swing_personnel == pytest.approx(e.swing_personnel, rel=0.05, abs=20)
        assert s.variance_share == pytest.approx(e.variance_share, abs=0.02)


def test_bit_identical_across_chunk_sizes_and_workers(small: forcegen.Workspace) -> None:
    runs = [
        monte_carlo(small, draws=150_001, seed=7, chunk_size=chunk, workers=workers).to_json()
        for chunk, workers in ((1 << 20, 1), (BLOCK // 3, 1), (50_000, 2), (150_001, 3))
    ]
    texts = [json.dumps(run, sort_keys=True) for run in runs]
    assert len(set(texts)) == 1
    other = monte_carlo(small, draws=150_001, seed=8).to_json()
    assert json.dumps(other, sort_keys=True) != texts[0]


def test_pattern_counts_do_not_depend_on_chunking(builtin: forcegen.Workspace) -> None:
    model = condition_model(builtin)
    a = sample_patterns(model, 3 * BLOCK + 5, seed=99, chunk_size=BLOCK + 1)
    b = sample_patterns(model, 3 * BLOCK + 5, seed=99, chunk_size=10 * BLOCK, workers=2)
    assert a.counts is not None and b.counts is not None
    assert np.array_equal(a.codes, b.codes) and np.array_equal(a.counts, b.counts)
    assert int(a.counts.sum()) == 3 * BLOCK + 5


def test_scenario_conditions_are_held(small: forcegen.Workspace) -> None:
    result = monte_carlo(small, "cf", exact=True)
    assert result.fixed == {"ceasefire": True}
    assert result.free == ("consent", "backstop")
    assert result.pledges["gbr-bde"].p == pytest.approx(1.0)
    mc = monte_carlo(small, "full", draws=10_000, seed=1)  # everything fixed
    assert mc.free == () and mc.personnel.mean == 15_600.0 and mc.personnel.stderr == 0.0
    # in Monte Carlo, conditions a scenario leaves unset are drawn, not assumed false
    assert monte_carlo(small, "none", exact=True).free == ("ceasefire", "consent", "backstop")


def test_probability_overrides_for_sweeps(small: forcegen.Workspace) -> None:
    result = monte_carlo(small, exact=True, probabilities={"backstop": 1.0, "consent": 0.0})
    assert result.personnel.mean == pytest.approx(0.5 * (5300 + 10000))
    with pytest.raises(ForcegenError):
        monte_carlo(small, exact=True, probabilities={"backstop": 1.5})


@pytest.mark.parametrize("draws", [0, -5, 1.5, True])
def test_bad_draw_counts_are_refused(small: forcegen.Workspace, draws: object) -> None:
    with pytest.raises(ForcegenError, match="draws must be a whole number"):
        monte_carlo(small, draws=draws)  # type: ignore[arg-type]


def test_exact_mode_has_a_limit(small: forcegen.Workspace) -> None:
    model = condition_model(small)
    assert len(enumerate_patterns(model).codes) == 6  # combinations of positive probability
    many = (
        "conditions:\n"
        + "".join(f"  - {{id: c{i}, description: C, probability: 0.5}}\n" for i in range(21))
        + "scenarios: [{id: s, name: S}]\n"
    )
    ws = forcegen.build_workspace(yaml.safe_load(many))
    with pytest.raises(ForcegenError, match="at most 20"):
        monte_carlo(ws, exact=True)
    assert monte_carlo(ws, draws=1000, seed=1, sensitivity=False).draws == 1000


def test_frames(small: forcegen.Workspace) -> None:
    result = monte_carlo(small, draws=20_000, seed=2)
    assert set(result.requirements_frame().columns) == {
        "p_met",
        "stderr",
        "expected_fill_ratio",
        "expected_personnel_fill",
        "personnel",
        "p_headcount",
        "p_headcount_stderr",
        *(f"{f}_{q}" for f in ("fill_ratio", "personnel_fill") for q in ("p05", "p50", "p95")),
    }
    assert result.sensitivity_frame().index[0] == "ceasefire"
    assert result.nations_frame().index[0] == "GBR"
    patterns = result.patterns_frame()
    assert patterns["weight"].sum() == pytest.approx(1.0)


def test_memory_is_bounded_by_the_chunk(
    small: forcegen.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import forcegen.engine.odds.sampling as sampling

    sizes: list[int] = []
    real = sampling._draw_chunk

    def spy(model, seed, start, stop, forced):  # type: ignore[no-untyped-def]
        sizes.append(stop - start)
        return real(model, seed, start, stop, forced)

    monkeypatch.setattr(sampling, "_draw_chunk", spy)
    model = condition_model(small)
    table = sample_patterns(model, 250_000, seed=1, chunk_size=60_000)
    assert max(sizes) <= 60_000 and sum(sizes) == 250_000
    # what is kept between chunks is one count per distinct pattern, not per draw
    assert table.codes.shape[0] <= 2 ** len(model.rules)
