"""A stage's optimum may exceed what an exactly feasible point reaches by the solver's
feasibility tolerance; the next stage must not then be declared infeasible."""

from __future__ import annotations

import pytest

from forcegen.engine.sourcing.problem import Edge, Offer, SourcingProblem
from forcegen.engine.sourcing.solve import solve
from forcegen.model.requirements import RequirementLine


def problem() -> SourcingProblem:
    """Found by a random workspace (issue 12): 12 units of line 1 from two ratio-1 offers
    (9 + 2) and 1 unit from a ratio-3 offer; the priority-2 line then gets 1/3 of a unit
    from the last ratio-3 offer, which HiGHS reports as 0.333333345, more than any exactly
    feasible point gives; holding it made the priority-3 stage infeasible."""
    lines = tuple(
        RequirementLine(capability="a", quantity=q, priority=p)
        for q, p in ((12.0, 1), (12.0, 1), (3.0, 3), (5.0, 2))
    )
    offers = (
        Offer("a", "GBR", "a", 9.0, False),
        Offer("b", "FRA", "a", 3.0, False),
        Offer("c", "FRA", "a", 1.0, False),
        Offer("d", "GBR", "a", 2.0, False),
    )
    edges = [(0, 0, 2.0), (0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0), (1, 1, 3.0), (1, 3, 3.0)]
    edges += [(2, 1, 3.0), (2, 3, 3.0), (3, 0, 2.0), (3, 1, 1.0), (3, 2, 1.0), (3, 3, 1.0)]
    return SourcingProblem("r", "r", lines, offers, tuple(Edge(o, n, r) for o, n, r in edges))


@pytest.mark.parametrize("full", [False, True])
def test_an_optimum_above_the_exact_one_does_not_make_the_next_stage_infeasible(
    full: bool,
) -> None:
    solution = solve(problem(), full=full)
    assert solution.filled[0] + solution.filled[1] == pytest.approx(12.0)
    assert solution.filled[3] == pytest.approx(1 / 3, abs=1e-6)
    assert solution.filled[2] == 0.0
