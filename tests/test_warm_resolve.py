"""A warm re-solve of the deployment LP has a budget of simplex iterations
(``ROWS_PER_WARM_ITERATION``); past it the LP is solved again from scratch. The answer
(can everything arrive by the day asked?) and the optimum do not depend on the way: with
a budget of no iteration, so that every warm re-solve that needs one starts again,
the earliest finish, its item-days, the cause of the closure and the binding capacities
with their closure days without them are those of unlimited warm re-solves. Which of
several equally good plans comes back may differ (and with it a unit's own closure day
or the loads listed for a capacity): not compared. Issue 17: lifting a binding limit at
4,000 synthetic units took 25,431 iterations, 112 s, from the last basis; 34 s with the
budget."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forcegen.engine.deployment import time_expanded
from forcegen.engine.deployment.time_expanded import LoadModel
from forcegen.solvers import HighsSolver
from helpers.homes import random_case, random_net
from test_closure_explained import explain


@contextmanager
def budget(iterations: int | None) -> Iterator[list[int]]:
    """Warm re-solves limited to ``iterations`` (None: no limit); yields a list that
    counts the solves started again from scratch."""
    restarts: list[int] = []
    saved = (time_expanded.MIN_WARM_ITERATIONS, time_expanded.ROWS_PER_WARM_ITERATION)
    forget = HighsSolver.forget_basis

    def counted(self: HighsSolver) -> None:
        restarts.append(1)
        forget(self)

    if iterations is None:
        time_expanded.MIN_WARM_ITERATIONS, time_expanded.ROWS_PER_WARM_ITERATION = 2**31 - 1, 1
    else:
        time_expanded.MIN_WARM_ITERATIONS = iterations
        time_expanded.ROWS_PER_WARM_ITERATION = 2**31 - 1
    HighsSolver.forget_basis = counted  # type: ignore[method-assign]
    try:
        yield restarts
    finally:
        time_expanded.MIN_WARM_ITERATIONS, time_expanded.ROWS_PER_WARM_ITERATION = saved
        HighsSolver.forget_basis = forget  # type: ignore[method-assign]


def walk_down(seed: int) -> list[tuple[int, bool, float | None]]:
    """The LP of a random case at day 30, then finishing one day earlier each time until
    it cannot: (day, feasible, item-days) per solve."""
    graph, groups = random_case(seed)
    model = LoadModel(graph, groups, 30)
    out: list[tuple[int, bool, float | None]] = []
    day = 30
    while day >= 0:
        ok = model.run()
        objective = model.last.objective if ok and model.last is not None else None
        out.append((day, ok, objective))
        if not ok:
            break
        day -= 1
        model.finish_by(day)
    return out


def test_a_warm_resolve_past_its_budget_gives_the_same_answers() -> None:
    restarted = 0  # warm re-solves started again (tiny LPs: most need no iteration)
    for seed in range(80):
        with budget(None) as none:
            unlimited = walk_down(seed)
        assert not none  # nothing started again without a budget
        with budget(0) as restarts:
            limited = walk_down(seed)
        restarted += len(restarts)
        assert [(d, ok) for d, ok, _ in limited] == [(d, ok) for d, ok, _ in unlimited], seed
        for (_, _, a), (_, _, b) in zip(limited, unlimited, strict=True):
            if a is not None and b is not None:
                assert a == pytest.approx(b, rel=1e-9, abs=1e-6), seed
    assert restarted > 25  # the budget was reached, and the solve started again


def test_the_critical_path_does_not_depend_on_the_budget() -> None:
    restarted = 0
    for seed in range(40):
        net, movements = random_net(seed)
        with budget(None):
            plan, path = explain(net, movements)
        with budget(0) as restarts:
            plan_limited, path_limited = explain(net, movements)
        restarted += len(restarts)
        assert plan_limited.closure_day == plan.closure_day, seed
        assert dict(plan_limited.closure_by_load) == dict(plan.closure_by_load), seed
        assert path_limited.cause == path.cause, seed
        assert [(c.resource, c.binding, c.closure_without) for c in path_limited.binding] == [
            (c.resource, c.binding, c.closure_without) for c in path.binding
        ], seed
    assert restarted > 50


def test_the_budget_scales_with_the_rows() -> None:
    graph, groups = random_case(3)
    model = LoadModel(graph, groups, 30)
    seen: list[int | None] = []
    original = model.solver.set_simplex_iterations
    model.solver.set_simplex_iterations = lambda n: (seen.append(n), original(n))  # type: ignore[method-assign]
    model.run()  # the first solve: interior point, no budget
    assert seen == []
    model.finish_by(10)
    model.run()
    rows = model.solver.n_rows
    expected = max(time_expanded.MIN_WARM_ITERATIONS, rows // time_expanded.ROWS_PER_WARM_ITERATION)
    assert seen == [expected, None]  # set for the warm re-solve, lifted after it


def test_the_built_in_data_never_reaches_the_budget() -> None:
    # the budget as shipped: no scenario of the built-in data starts a warm re-solve
    # again, so what it reports never depends on the restart (at most 56 iterations)
    import forcegen

    workspace = forcegen.load_builtin()
    saved = (time_expanded.MIN_WARM_ITERATIONS, time_expanded.ROWS_PER_WARM_ITERATION)
    with budget(None) as restarts:  # counts restarts; the shipped budget put back below
        time_expanded.MIN_WARM_ITERATIONS, time_expanded.ROWS_PER_WARM_ITERATION = saved
        for scenario in [None, *workspace.scenarios]:
            forcegen.deploy(workspace, scenario)
    assert restarts == []
