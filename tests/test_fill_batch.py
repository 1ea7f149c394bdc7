"""Requirement fill over many condition patterns (Monte Carlo): the same numbers as one
sourcing solve per row, with lines alone in their part filled in closed form, and a cache
whose keys stay small."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest
from benchmarks.synthetic import synthetic_coalition

import forcegen
from forcegen.engine.sourcing import fill as filling
from forcegen.engine.sourcing.fill import fill_batch
from forcegen.engine.sourcing.problem import build_problem
from forcegen.engine.sourcing.solve import solve
from forcegen.engine.tolerances import UNITS
from forcegen.model.requirements import Requirement


def one_solve_per_row(
    ws: forcegen.Workspace, requirement: Requirement, active: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The definition: the sourcing optimiser on each row's active pledges."""
    ids = list(ws.pledges)
    required = np.array([line.quantity for line in requirement.lines])
    total = float(np.sum(required))
    met = np.zeros(active.shape[0], dtype=bool)
    ratio = np.zeros(active.shape[0])
    for r in range(active.shape[0]):
        on = {ids[k]: ws.pledges[ids[k]].quantity for k in np.flatnonzero(active[r])}
        filled = np.array(solve(build_problem(ws, requirement, on), full=False).filled)
        met[r] = bool(np.all(filled >= required - UNITS))
        ratio[r] = float(np.sum(filled)) / total if total else 1.0
    return met, ratio


@pytest.mark.parametrize("seed", range(8))
def test_fill_batch_matches_one_solve_per_row_on_synthetic_coalitions(seed: int) -> None:
    data = synthetic_coalition(nations=6, units=80, lines=10, capabilities=6, zones=3, seed=seed)
    ws = forcegen.build_workspace(data)
    rng = np.random.default_rng(seed)
    active = rng.random((30, len(ws.pledges))) < rng.uniform(0.2, 0.9)
    for requirement in ws.requirements.values():
        met, ratio = fill_batch(ws, requirement, active)
        expected_met, expected_ratio = one_solve_per_row(ws, requirement, active)
        assert met.tolist() == expected_met.tolist()
        assert ratio.tolist() == expected_ratio.tolist()


def test_fill_batch_matches_one_solve_per_row_on_the_builtin_dataset(
    builtin: forcegen.Workspace,
) -> None:
    rng = np.random.default_rng(1)
    active = rng.random((40, len(builtin.pledges))) < 0.6
    for requirement in builtin.requirements.values():
        met, ratio = fill_batch(builtin, requirement, active)
        expected_met, expected_ratio = one_solve_per_row(builtin, requirement, active)
        assert met.tolist() == expected_met.tolist()
        assert ratio.tolist() == expected_ratio.tolist()


def single_line_workspace(pledges: int) -> forcegen.Workspace:
    cap = {"domain": "land", "basis": "assumption"}
    return forcegen.build_workspace(
        {
            "capabilities": [{"id": "coy", "name": "Coy", "personnel": 150, **cap}],
            "nations": [
                {"id": "GBR", "name": "UK", "active_personnel": 10, "land_personnel": 5,
                 "basis": "assumption"}
            ],
            "pledges": [
                {"id": f"p{i}", "nation": "GBR", "capability": "coy", "quantity": 1 + i % 5,
                 "basis": "assumption"}
                for i in range(pledges)
            ],
            "requirements": [
                {"id": "r", "name": "R", "basis": "assumption",
                 "lines": [{"capability": "coy", "quantity": 1.5 * pledges, "priority": 1}]}
            ],
        }
    )  # fmt: skip


def test_a_line_alone_in_its_part_is_filled_without_the_optimiser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = single_line_workspace(300)
    rng = np.random.default_rng(3)
    active = rng.random((2000, 300)) < 0.5  # 2,000 distinct rows
    expected = one_solve_per_row(ws, ws.requirements["r"], active[:50])
    calls: list[Any] = []
    monkeypatch.setattr(filling, "solve", lambda *args, **kwargs: calls.append(args))
    met, ratio = fill_batch(ws, ws.requirements["r"], active)
    assert calls == []
    assert met[:50].tolist() == expected[0].tolist()
    assert ratio[:50].tolist() == expected[1].tolist()
    assert 0 < met.sum() < 2000  # some rows fill the line, some do not


def test_the_sourcing_cache_keys_stay_small_however_many_pledges() -> None:
    data = synthetic_coalition(nations=6, units=600, lines=10, capabilities=4, zones=3, seed=2)
    ws = forcegen.build_workspace(data)
    rng = np.random.default_rng(0)
    active = rng.random((50, len(ws.pledges))) < 0.5
    cache: dict[Any, Any] = {}
    for requirement in ws.requirements.values():
        fill_batch(ws, requirement, active, cache)
    assert cache
    assert max(sys.getsizeof(key if isinstance(key, bytes) else key[-1]) for key in cache) < 200
