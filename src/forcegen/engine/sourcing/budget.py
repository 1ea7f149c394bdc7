"""The budget of one sourcing solve: one deadline shared by its stages and parts, or,
for the tie-breaks of a solve given no time limit, a count of the solver's steps."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from forcegen.errors import ForcegenError

if TYPE_CHECKING:
    from forcegen.solvers import HighsSolver, Solution

DEFAULT_TIME_LIMIT = 20.0
"""Time budget of ``forcegen source`` and :func:`forcegen.source_requirement` when none is
given [seconds]: the fill stages are proven within it on coalitions of thousands of
lines; the tie-breaks use what is left."""

RESERVE = 0.1
"""Share of the time left that a budget keeps back for the work after the solver calls
(reading points, building the result) and for the solver's overshoot of its own time
limit (HiGHS checks it between steps: up to a few tenths of a second on a large model)
[fraction]; at least :data:`RESERVE_SECONDS`."""

RESERVE_SECONDS = 0.3
"""Least time kept back [s]."""

MIN_STAGE_SECONDS = 0.05
"""A stage given less than this [seconds] is not started: it keeps the point of the
stage before (reported as stopped by the time limit, with the bound known without it)."""


def check_time_limit(seconds: object, what: str = "time_limit") -> float:
    """Validate a time budget: a finite number of seconds above 0 (``what`` names it in the
    message, e.g. ``--time-limit``)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ForcegenError(f"{what} must be a finite number of seconds above 0; got {seconds!r}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ForcegenError(f"{what} must be a finite number of seconds above 0; got {seconds!r}")
    return float(seconds)


class Budget:
    """Seconds left until a deadline (``None``: no deadline), on a monotonic clock."""

    def __init__(self, seconds: float | None, reserve: bool = True) -> None:
        self.seconds = seconds
        self.reserve = reserve
        """Keep back :data:`RESERVE` of what is left in :meth:`share` (the budget of a
        whole solve does; a part's share of it need not do it again)."""
        self._deadline = None if seconds is None else time.monotonic() + seconds

    @property
    def limited(self) -> bool:
        """True when there is a deadline."""
        return self._deadline is not None

    def left(self) -> float:
        """Seconds left [s] (``inf`` without a deadline, never below 0)."""
        if self._deadline is None:
            return float("inf")
        return max(0.0, self._deadline - time.monotonic())

    def share(self, weights: Sequence[float], k: int, least: float = 0.0) -> float:
        """The seconds item ``k`` of ``weights`` may use [s]: what is left (less the
        reserve), in proportion to its weight among the items from ``k`` on (time an item
        leaves unused goes to those after it), and at least ``least`` while that much is
        left."""
        left = self.left()
        if left == float("inf"):
            return left
        if self.reserve:
            left = max(0.0, left - max(RESERVE * left, RESERVE_SECONDS))
        return _share(left, weights, k, least)


STEP_NONZEROS = 1_000
"""What a solver step costs beyond its model's non-zeros, in non-zeros [non-zeros]: a step
of a 300-row part (1,100 non-zeros) takes 8 to 13 ms, one of 21,636 non-zeros about
0.13 s; about 5 ms + 5 microseconds a non-zero on the project's machine."""


class WorkBudget:
    """Work left [nonzero-steps] (``HighsSolver.set_step_limit``): a budget that ends at
    the same point on every machine. A MIP solve's work is its steps (branch-and-bound
    nodes and HiGHS's checks of its limits between cut rounds, heuristics and dives; at
    least one: presolve and the root LP come before the first) times the non-zeros of its
    model plus :data:`STEP_NONZEROS`: a step takes longer on a larger model."""

    def __init__(self, units: int) -> None:
        self.units = units
        self.spent = 0

    def left(self) -> int:
        """Work left [nonzero-steps] (never below 0)."""
        return max(0, self.units - self.spent)

    def share(self, weights: Sequence[float], k: int, least: int = 0) -> int:
        """The work item ``k`` of ``weights`` may use [nonzero-steps], shared as
        :meth:`Budget.share` shares seconds (without a reserve: the count is exact)."""
        return math.floor(_share(float(self.left()), weights, k, float(least)))

    @staticmethod
    def steps(units: int, nonzeros: int) -> int:
        """The steps [steps] ``units`` of work [nonzero-steps] buy on a model of
        ``nonzeros`` non-zeros: at least one."""
        return max(1, units // (max(0, nonzeros) + STEP_NONZEROS))

    def spend(self, steps: int, nonzeros: int) -> None:
        """Take a solve's work off what is left: ``steps`` [steps] (at least one) on a
        model of ``nonzeros`` non-zeros."""
        self.spent += max(1, steps) * (max(0, nonzeros) + STEP_NONZEROS)

    def solve(self, solver: HighsSolver, units: int) -> Solution:
        """``solver.solve()`` stopped after the steps ``units`` [nonzero-steps] of this
        budget buy on its model; what the solve took is spent."""
        solver.set_step_limit(self.steps(units, solver.nonzeros))
        solution = solver.solve()
        self.spend(solver.steps, solver.nonzeros)
        return solution

    def part(self, units: int) -> WorkBudget:
        """A budget of at most ``units`` [nonzero-steps] of what is left, for one piece of
        the work; :meth:`spend` it, then give it back with :meth:`take`."""
        return WorkBudget(min(units, self.left()))

    def take(self, piece: WorkBudget) -> None:
        """Count what ``piece`` (from :meth:`part`) spent as spent here."""
        self.spent += piece.spent


def _share(left: float, weights: Sequence[float], k: int, least: float) -> float:
    """``left`` in proportion to weight ``k`` among the weights from ``k`` on, and at
    least ``least`` while that much is left."""
    rest = float(sum(weights[k:]))
    share = left if rest <= 0 else left * float(weights[k]) / rest
    return max(share, min(least, left))


__all__ = [
    "DEFAULT_TIME_LIMIT",
    "MIN_STAGE_SECONDS",
    "RESERVE",
    "RESERVE_SECONDS",
    "STEP_NONZEROS",
    "Budget",
    "WorkBudget",
    "check_time_limit",
]
