"""Shapley effects of the conditions on personnel (issue 12, point 7): values by hand,
against brute force, the permutation estimator within its error, determinism, output."""

from __future__ import annotations

import json
import time
from math import factorial
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import forcegen
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.odds.shapley import (
    EXACT_MAX_CONDITIONS,
    PERMUTATION_BATCH,
    PERMUTATIONS,
    SHARE_STDERR_TARGET,
    exact_effects,
    shapley_effects,
    subset_values,
)
from helpers.cli import cli
from helpers.layout import render, split_words, too_wide

# ---------------------------------------------------------------- brute force


def brute_values(
    codes: NDArray[np.uint64], y: NDArray[Any], w: NDArray[Any], d: int
) -> list[float]:
    """c(S) = Var(E[Y | X_S]) of every subset mask S, one grouping per subset."""
    p = np.asarray(w, dtype=float) / float(np.sum(w))
    y = np.asarray(y, dtype=float)
    mean = float(p @ y)
    out = []
    for mask in range(1 << d):
        keys = (codes & np.uint64(mask)).astype(np.int64)
        mass = np.bincount(keys, weights=p, minlength=1 << d)
        moment = np.bincount(keys, weights=p * y, minlength=1 << d)
        seen = mass > 0
        conditional = moment[seen] / mass[seen]
        out.append(float(mass[seen] @ (conditional - mean) ** 2))
    return out


def brute_shapley(values: list[float], d: int) -> list[float]:
    """The Shapley formula term by term: |S|! (d - |S| - 1)! / d! (c(S + i) - c(S))."""
    effects = []
    for i in range(d):
        total = 0.0
        for mask in range(1 << d):
            if mask >> i & 1:
                continue
            k = bin(mask).count("1")
            weight = factorial(k) * factorial(d - k - 1) / factorial(d)
            total += weight * (values[mask | 1 << i] - values[mask])
        effects.append(total)
    return effects


def dependent_table(d: int, seed: int) -> tuple[NDArray[np.uint64], NDArray[Any], NDArray[Any]]:
    """Every pattern of ``d`` dependent conditions with its exact probability (a chain:
    condition j is likelier when j - 1 holds, and never without condition 0 for j = 1),
    and a non-additive personnel with interactions."""
    rng = np.random.default_rng(seed)
    codes = np.arange(1 << d, dtype=np.uint64)
    bits = [((codes >> np.uint64(j)) & np.uint64(1)).astype(bool) for j in range(d)]
    p = np.ones(codes.shape[0])
    base = rng.uniform(0.2, 0.8, d)
    for j in range(d):
        pj = base[j] * np.ones(codes.shape[0])
        if j == 1:
            pj = np.where(bits[0], 0.5, 0.0)
        elif j > 1:
            pj = np.where(bits[j - 1], np.minimum(base[j] + 0.3, 0.95), base[j] * 0.5)
        p *= np.where(bits[j], pj, 1 - pj)
    sizes = rng.integers(100, 5000, d)
    y = sum(sizes[j] * bits[j] for j in range(d)).astype(float)
    y = y * np.where(bits[0], 1.0, 0.2) + 3000.0 * (bits[min(2, d - 1)] & bits[min(5, d - 1)])
    keep = p > 0
    return codes[keep], y[keep], p[keep]


# ---------------------------------------------------------------- workspaces

NATIONS = (
    "FRA",
    "GBR",
    "DEU",
    "NOR",
    "SWE",
    "DNK",
    "FIN",
    "NLD",
    "BEL",
    "POL",
    "EST",
    "LVA",
    "LTU",
)


def workspace(
    conditions: list[dict[str, Any]], pledges: list[tuple[str, int]]
) -> forcegen.Workspace:
    """A workspace of ``conditions`` and one pledge per (requires, personnel): a company
    of that many persons from its own nation, so personnel adds up."""
    data: dict[str, Any] = {
        "conditions": [{"description": c["id"], "basis": "assumption", **c} for c in conditions],
        "capabilities": [
            {
                "id": "coy",
                "name": "Company",
                "domain": "land",
                "personnel": 100,
                "basis": "assumption",
            }
        ],
        "nations": [
            {
                "id": n,
                "name": n,
                "active_personnel": 100_000,
                "land_personnel": 50_000,
                "basis": "assumption",
            }
            for n in NATIONS
        ],
        "pledges": [
            {
                "id": f"p{k}",
                "nation": NATIONS[k],
                "capability": "coy",
                "quantity": 1,
                "personnel": persons,
                "requires": requires,
                "basis": "assumption",
            }
            for k, (requires, persons) in enumerate(pledges)
        ],
        "requirements": [
            {
                "id": "r",
                "name": "R",
                "basis": "assumption",
                "lines": [{"capability": "coy", "quantity": 2}],
            }
        ],
    }
    return forcegen.build_workspace(data)


def shares(result: forcegen.MonteCarloResult) -> dict[str, float]:
    return {s.condition: s.shapley for s in result.sensitivity}


def first_order(result: forcegen.MonteCarloResult) -> dict[str, float]:
    return {s.condition: s.variance_share for s in result.sensitivity}


# ---------------------------------------------------------------- (1) independent, additive


def test_independent_conditions_additive_personnel_shapley_equals_first_order() -> None:
    """Y = 600 a + 250 b + 900 c with independent a, b, c: each share is
    size^2 p (1 - p) / sum of those, both first-order and Shapley."""
    probabilities = {"a": 0.3, "b": 0.6, "c": 0.85}
    sizes = {"a": 600, "b": 250, "c": 900}
    ws = workspace(
        [{"id": c, "probability": p} for c, p in probabilities.items()],
        [(c, sizes[c]) for c in probabilities],
    )
    result = monte_carlo(ws, exact=True)
    parts = {c: sizes[c] ** 2 * p * (1 - p) for c, p in probabilities.items()}
    expected = {c: v / sum(parts.values()) for c, v in parts.items()}
    assert shares(result) == pytest.approx(expected, abs=1e-12)
    assert first_order(result) == pytest.approx(expected, abs=1e-12)
    assert sum(shares(result).values()) == pytest.approx(1.0, abs=1e-12)
    effects = {s.condition: s.shapley_personnel_variance for s in result.sensitivity}
    assert effects == pytest.approx(parts, rel=1e-12)
    # drawn: the same identity holds on the empirical distribution of the draws
    drawn = monte_carlo(ws, draws=30_000, seed=4)
    assert shares(drawn) == pytest.approx(first_order(drawn), abs=2e-3)


# ---------------------------------------------------------------- (2) dependent, by hand


def test_two_perfectly_correlated_conditions_share_equally() -> None:
    """b = a (b holds exactly when a does), Y = 500 a: each condition alone explains all
    of Var(Y) (first-order 1 and 1, summing to 2), Shapley gives each half."""
    ws = workspace(
        [
            {"id": "a", "probability": 0.4},
            {"id": "b", "probability": {"given": {"a": True}, "p": 1.0, "otherwise": 0.0}},
        ],
        [("a", 500)],
    )
    result = monte_carlo(ws, exact=True)
    assert first_order(result) == pytest.approx({"a": 1.0, "b": 1.0})
    assert shares(result) == pytest.approx({"a": 0.5, "b": 0.5})
    # the module on its own: Y = X1, X2 = X1
    alone = shapley_effects(
        np.array([0, 3], dtype=np.uint64), np.array([0.0, 1.0]), np.array([0.5, 0.5]), ("x1", "x2")
    )
    assert alone.shares == pytest.approx({"x1": 0.5, "x2": 0.5})
    assert alone.effects == pytest.approx((0.125, 0.125))


def test_dependent_pair_by_hand() -> None:
    """a with P = 1/2; b only after a: P(b | a) = 1/2, P(b | not a) = 0. Pledges: 400
    persons need a, 800 need b. In units of 400 persons Y is 0 (P 1/2), 1 (a, not b: 1/4)
    or 3 (both: 1/4): E[Y] = 1, Var(Y) = 10/4 - 1 = 3/2.

    c(a) = Var(E[Y | a]): E = 0 or 2, each with P 1/2 -> 4/2 - 1 = 1.
    c(b): E[Y | b] = 3 (P 1/4), E[Y | not b] = (1/4)/(3/4) = 1/3 (P 3/4)
          -> 9/4 + 3/4 * 1/9 - 1 = 4/3.
    Sh(a) = (c(a) - 0)/2 + (c(ab) - c(b))/2 = 1/2 + 1/12 = 7/12
    Sh(b) = (c(b) - 0)/2 + (c(ab) - c(a))/2 = 2/3 + 1/4 = 11/12  (sum 3/2 = Var(Y))
    Shares: a 7/18, b 11/18; first-order a 2/3, b 8/9 (sum 14/9).
    """
    ws = workspace(
        [
            {"id": "a", "probability": 0.5},
            {"id": "b", "probability": {"given": {"a": True}, "p": 0.5, "otherwise": 0.0}},
        ],
        [("a", 400), ("b", 800)],
    )
    result = monte_carlo(ws, exact=True)
    assert shares(result) == pytest.approx({"a": 7 / 18, "b": 11 / 18}, abs=1e-12)
    assert first_order(result) == pytest.approx({"a": 2 / 3, "b": 8 / 9}, abs=1e-12)
    effects = {s.condition: s.shapley_personnel_variance for s in result.sensitivity}
    assert effects == pytest.approx({"a": 7 / 12 * 400**2, "b": 11 / 12 * 400**2})
    assert result.shapley is not None and result.shapley.variance == pytest.approx(1.5 * 400**2)
    # ranked by Shapley share: b first
    assert [s.condition for s in result.sensitivity] == ["b", "a"]


def test_small_workspace_against_brute_force(small: forcegen.Workspace) -> None:
    result = monte_carlo(small, exact=True)
    table = result.patterns
    d = len(result.free)
    exact = brute_shapley(brute_values(table.codes, table.personnel, table.probability, d), d)
    variance = sum(exact)
    by_condition = {c: e / variance for c, e in zip(result.free, exact, strict=True)}
    assert shares(result) == pytest.approx(by_condition, abs=1e-12)


def test_no_variance_gives_zero_shares_and_says_so(builtin: forcegen.Workspace) -> None:
    result = monte_carlo(builtin, "no-ceasefire", exact=True)
    assert result.personnel.p95 == 0
    assert all(s.shapley == 0.0 and s.shapley_personnel_variance == 0.0 for s in result.sensitivity)
    method = result.to_json()["sensitivity_method"]
    assert isinstance(method, dict)
    assert method["personnel_varies"] is False and "does not vary" in method["note"]


# ---------------------------------------------------------------- (3) built-in data


@pytest.mark.parametrize("args", [("--draws", "20000", "--seed", "1"), ("--exact",)])
def test_shares_sum_to_one_on_the_built_in_data(args: tuple[str, ...]) -> None:
    run = cli("montecarlo", "--json", *args)
    assert run.code == 0, run.stderr
    payload = json.loads(run.stdout)
    sens = payload["sensitivity"]
    total = sum(v["shapley"] for v in sens.values())
    assert total == pytest.approx(1.0, abs=1e-12)
    assert all(v["shapley"] >= 0 and v["shapley_stderr"] == 0 for v in sens.values())
    # the first-order shares overlap: they do not add up
    assert sum(v["variance_share"] for v in sens.values()) > 1.3
    method = payload["sensitivity_method"]
    assert method["shapley"] == "exact" and method["permutations"] == 0
    assert method["ranking"] == "shapley" and method["personnel_varies"] is True
    effects = sum(v["shapley_personnel_variance"] for v in sens.values())
    assert effects == pytest.approx(method["personnel_variance"], rel=1e-12)
    if payload["draws"]:  # the variance of the draws: stderr^2 x draws
        spread = payload["personnel"]["stderr"] ** 2 * payload["draws"]
        assert method["personnel_variance"] == pytest.approx(spread, rel=1e-9)
    ranked = [v["shapley"] for v in sens.values()]
    assert ranked == sorted(ranked, reverse=True)


def test_built_in_ranking_is_by_shapley_not_swing(builtin: forcegen.Workspace) -> None:
    result = monte_carlo(builtin, exact=True)
    order = [s.condition for s in result.sensitivity]
    assert order == sorted(order, key=lambda c: -shares(result)[c])
    by_swing = sorted(
        order,
        key=lambda c: -abs(next(s.swing_personnel for s in result.sensitivity if s.condition == c)),
    )
    assert order != by_swing  # the backstop swings more than consent but explains less
    table = result.patterns
    d = len(result.free)
    exact = brute_shapley(brute_values(table.codes, table.personnel, table.probability, d), d)
    assert [s.shapley_personnel_variance for s in result.sensitivity] == pytest.approx(
        [exact[result.free.index(c)] for c in order], rel=1e-10
    )


# ---------------------------------------------------------------- exact vs brute force, speed


@pytest.mark.parametrize("d", [1, 3, 7, 13])
def test_subset_values_and_exact_effects_match_brute_force(d: int) -> None:
    codes, y, p = dependent_table(d, seed=d)
    values = subset_values(codes, y, p, d)
    brute = brute_values(codes, y, p, d)
    assert values == pytest.approx(brute, rel=1e-9, abs=1e-6)
    if d <= 7:
        assert exact_effects(values, d) == pytest.approx(brute_shapley(brute, d), rel=1e-9)


def test_twelve_conditions_4096_patterns_are_fast() -> None:
    rng = np.random.default_rng(0)
    codes = np.arange(1 << 12, dtype=np.uint64)
    y = rng.integers(0, 30_000, codes.shape[0])
    w = rng.random(codes.shape[0])
    names = tuple(f"c{j}" for j in range(12))
    start = time.perf_counter()
    result = shapley_effects(codes, y, w, names)
    elapsed = time.perf_counter() - start
    assert result.method == "exact" and EXACT_MAX_CONDITIONS == 12
    assert sum(result.shares.values()) == pytest.approx(1.0, abs=1e-12)
    assert elapsed < 2.0, f"{elapsed:.2f} s"  # about 0.05 s on one core


# ---------------------------------------------------------------- (4) permutations beyond 12


def test_permutation_estimate_within_its_error_of_brute_force() -> None:
    d = 13
    codes, y, p = dependent_table(d, seed=42)
    names = tuple(f"c{j}" for j in range(d))
    exact = brute_shapley(brute_values(codes, y, p, d), d)
    result = shapley_effects(codes, y, p, names, seed=1)
    assert result.method == "permutation"
    assert PERMUTATION_BATCH <= result.permutations <= PERMUTATIONS
    assert result.permutations % PERMUTATION_BATCH == 0
    # stopped at the target precision (or at the most orders)
    assert (
        max(result.share_stderr.values()) <= SHARE_STDERR_TARGET
        or result.permutations == PERMUTATIONS
    )
    # every order, drawn to the end
    full = shapley_effects(codes, y, p, names, seed=2, stderr_target=0.0)
    assert full.permutations == PERMUTATIONS
    for run in (result, full):
        assert sum(run.effects) == pytest.approx(run.variance, rel=1e-9)
        assert sum(run.shares.values()) == pytest.approx(1.0, abs=1e-9)
        for j in range(d):
            assert run.stderr[j] > 0
            assert abs(run.effects[j] - exact[j]) <= 4 * run.stderr[j], names[j]
        # not vacuous: the error bars are narrow
        assert max(run.share_stderr.values()) < 0.01
    # a looser target stops early, at the first batch that reaches it, with the same
    # orders as a run told to draw exactly that many
    loose = shapley_effects(codes, y, p, names, seed=1, stderr_target=0.01)
    assert loose.permutations < PERMUTATIONS
    assert max(loose.share_stderr.values()) <= 0.01
    fewer = loose.permutations - PERMUTATION_BATCH
    capped = shapley_effects(codes, y, p, names, seed=1, permutations=fewer, stderr_target=0.0)
    assert max(capped.share_stderr.values()) > 0.01
    same = shapley_effects(
        codes, y, p, names, seed=1, permutations=loose.permutations, stderr_target=0.0
    )
    assert same == loose
    # the exact path of the module agrees with brute force at 13 too
    forced = shapley_effects(codes, y, p, names, exact_max=13)
    assert forced.effects == pytest.approx(exact, rel=1e-9)


def one_order_by_grouping(
    codes: NDArray[np.uint64], y: NDArray[Any], w: NDArray[Any], order: NDArray[np.int64]
) -> NDArray[np.float64]:
    """c(first k of the order) - c(first k - 1), each c by grouping the patterns on the
    masked codes with np.unique (no sorting tricks, no early stop)."""
    p = np.asarray(w, dtype=float) / float(np.sum(w))
    y = np.asarray(y, dtype=float)
    mean = float(p @ y)
    credits = np.zeros(len(order))
    mask = 0
    before = 0.0
    for j in order:
        mask |= 1 << int(j)
        _, group = np.unique(codes & np.uint64(mask), return_inverse=True)
        mass = np.bincount(group, weights=p)
        moment = np.bincount(group, weights=p * y)
        value = float(mass @ (moment / mass - mean) ** 2)
        credits[j] = value - before
        before = value
    return credits


@pytest.mark.parametrize(
    ("bits", "n", "duplicates"),
    [(13, 300, False), (30, 5_000, False), (30, 400, True), (33, 2_000, False), (64, 3_000, True)],
)
def test_each_order_credits_equal_grouping(bits: int, n: int, duplicates: bool) -> None:
    """The sorted-runs computation of one order equals grouping by the masked codes, on
    32-bit and 64-bit codes (the highest bit set), repeated codes (weights added up in
    one group, never split) and orders that leave patterns alone before the end."""
    from forcegen.engine.odds.shapley import _order_credits

    rng = np.random.default_rng(bits * 1000 + n)
    high = np.uint64(1) << np.uint64(bits - 1)
    codes = rng.integers(0, 2**63, size=n, dtype=np.uint64) & np.uint64(
        (1 << bits) - 1 if bits < 64 else 2**64 - 1
    )
    codes[: n // 3] &= np.uint64(0xFF)  # a dense corner: groups that split late
    codes[n // 3 : n // 2] |= high
    if duplicates:
        codes[n // 2 : n // 2 + n // 10] = codes[: n // 10]
    else:
        codes = np.unique(codes)
        rng.shuffle(codes)
    y = rng.integers(0, 5_000, size=codes.shape[0]).astype(float)
    w = rng.integers(1, 50, size=codes.shape[0]).astype(float)
    p = w / w.sum()
    centred = y - float(p @ y)
    keyed = codes.astype(np.uint32 if bits <= 32 else np.uint64)
    variance = float(p @ centred**2)
    for _ in range(6):
        order = rng.permutation(bits)
        want = one_order_by_grouping(codes, y, w, order)
        # draw counts (prefix sums) and probabilities (each run summed on its own)
        for mass, whole in ((w, True), (p, False)):
            got = _order_credits(keyed, mass + 1j * (mass * centred), bits, order, whole)
            got = got / float(mass.sum())
            assert got == pytest.approx(want, abs=1e-9 * variance)
            assert float(got.sum()) == pytest.approx(variance, rel=1e-9) or duplicates


@pytest.mark.parametrize(("q", "delta"), [(0.02, 1e5), (0.05, 1e6)])
def test_a_rare_pattern_of_exact_probabilities_keeps_its_share(q: float, delta: float) -> None:
    """Found in review: with exact probabilities (``--exact`` beyond 12 conditions) a
    pattern of probability 1e-17 next to a prefix sum of 1 lost its mass to rounding, and
    with it nearly all of the variance (shares summing to 1e-17, some negative). Thirteen
    independent conditions, personnel jumping only when the first ten all hold."""
    bits = 13
    codes = np.arange(1 << bits, dtype=np.uint64)
    ones = ((codes[:, None] >> np.arange(bits, dtype=np.uint64)) & np.uint64(1)).astype(bool)
    w = np.prod(np.where(ones, q, 1 - q), axis=1)
    y = 1000.0 + delta * ones[:, :10].all(axis=1)
    names = tuple(f"c{j}" for j in range(bits))
    result = shapley_effects(codes, y, w, names, seed=0)
    assert result.varies and result.method == "permutation"
    exact = exact_effects(subset_values(codes, y, w, bits), bits)
    assert sum(result.effects) == pytest.approx(result.variance, rel=1e-9)
    assert min(result.effects) >= -1e-9 * result.variance
    tolerance = 5 * max(result.stderr) + 1e-9 * result.variance
    assert result.effects == pytest.approx(exact, abs=tolerance)


def thirteen_conditions() -> forcegen.Workspace:
    conditions: list[dict[str, Any]] = [{"id": "c0", "probability": 0.6}]
    for j in range(1, 13):
        conditions.append(
            {
                "id": f"c{j}",
                "probability": {"given": {f"c{j - 1}": True}, "p": 0.7, "otherwise": 0.3},
            }
        )
    pledges = [(f"c{j}" if j % 3 else f"c{j} and c0", 100 * (j + 1)) for j in range(13)]
    return workspace(conditions, pledges)


def test_monte_carlo_beyond_twelve_conditions_estimates_and_says_so() -> None:
    ws = thirteen_conditions()
    result = monte_carlo(ws, draws=4_000, seed=9)
    method = result.to_json()["sensitivity_method"]
    assert isinstance(method, dict)
    assert method["shapley"] == "permutation"
    assert method["permutations"] == result.shapley.permutations  # type: ignore[union-attr]
    assert PERMUTATION_BATCH <= method["permutations"] <= PERMUTATIONS
    assert method["stderr_target"] == SHARE_STDERR_TARGET
    assert "random orders" in method["note"]
    assert sum(shares(result).values()) == pytest.approx(1.0, abs=1e-9)
    assert all(s.shapley_stderr > 0 for s in result.sensitivity)
    table = result.patterns
    exact = brute_shapley(brute_values(table.codes, table.personnel, table.probability, 13), 13)
    for s in result.sensitivity:
        truth = exact[result.free.index(s.condition)] / sum(exact)
        assert abs(s.shapley - truth) <= 4 * s.shapley_stderr, s.condition


# ---------------------------------------------------------------- (5) determinism


def test_bit_identical_for_the_same_seed() -> None:
    d = 13
    codes, y, p = dependent_table(d, seed=5)
    names = tuple(f"c{j}" for j in range(d))
    first = shapley_effects(codes, y, p, names, seed=3)
    assert shapley_effects(codes, y, p, names, seed=3) == first
    assert shapley_effects(codes, y, p, names, seed=4).effects != first.effects
    ws = thirteen_conditions()
    runs = [
        monte_carlo(ws, draws=3_000, seed=2, workers=w, chunk_size=c).to_json()
        for w, c in ((1, 1 << 20), (2, 700))
    ]
    assert json.dumps(runs[0]) == json.dumps(runs[1])
    other = monte_carlo(ws, draws=3_000, seed=3).to_json()["sensitivity"]
    assert other != runs[0]["sensitivity"]


# ---------------------------------------------------------------- output


@pytest.mark.parametrize("columns", [80, 120])
def test_sensitivity_table_ranked_by_shapley_with_names(
    columns: int, builtin: forcegen.Workspace
) -> None:
    from forcegen.cli.montecarlo_report import sensitivity_table

    result = monte_carlo(builtin, exact=True)
    text = render(sensitivity_table(builtin, result), columns)
    assert not too_wide(text, columns)
    names = [builtin.conditions[s.condition].label for s in result.sensitivity]
    assert not split_words(text, " ".join(names).split())
    positions = [text.index(n.split()[0]) for n in names]
    assert positions == sorted(positions)
    assert "Ranked by Shapley share" in " ".join(text.split())
    assert "russian_consent" not in text and "us_backstop" not in text
    assert "Shapley share" in text and "first-order" in text


def test_tornado_ordered_by_shapley_and_says_so(
    builtin: forcegen.Workspace, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    from forcegen.plots import montecarlo as charts

    seen: dict[str, Any] = {}
    real_save = charts.save

    def spy(fig: Any, directory: Any, stem: str, out: Any = None) -> Any:
        ax = fig.axes[0]
        seen["labels"] = [t.get_text() for t in ax.get_yticklabels()]
        seen["title"] = ax.get_title()
        seen["texts"] = " ".join(t.get_text() for t in fig.texts)
        return real_save(fig, directory, stem, out)

    monkeypatch.setattr(charts, "save", spy)
    result = monte_carlo(builtin, exact=True)
    paths = charts.tornado_chart(result, tmp_path, workspace=builtin)
    assert all(p.stat().st_size > 1000 for p in paths)
    top_first = list(reversed(seen["labels"]))
    assert top_first == [builtin.conditions[s.condition].label for s in result.sensitivity]
    assert "Shapley" in seen["title"]
    assert "Ranked by Shapley effect" in seen["texts"] and "Scenario:" in seen["texts"]


def test_orders_on_threads_give_the_same_bits() -> None:
    """The random orders of a batch are computed on threads: the effects, their errors
    and the number of orders are the same bits on 1, 2 and 3 threads."""
    from forcegen.engine.odds.shapley import permutation_effects

    codes, y, p = dependent_table(14, seed=3)
    runs = [permutation_effects(codes, y, p, 14, 5, threads=n) for n in (1, 2, 3)]
    for effects, stderr, used in runs[1:]:
        assert used == runs[0][2]
        assert np.array_equal(effects, runs[0][0]) and np.array_equal(stderr, runs[0][1])
