"""The fill stages of one part: the most filled units by priority, proven optimal.

Each stage maximises the fill of one priority level [line units] with every level before
it held at its optimum. It is proven without branch and bound whenever it can be:

1. the linear relaxation of the stage (the primal simplex, warm-started from the stage
   before) gives a proven upper bound (:func:`~forcegen.engine.sourcing.relaxation.dual_bound`);
2. the fills are whole multiples of the part's granularity (1/6 with substitution ratios
   of 1, 2 and 3: :func:`~forcegen.engine.sourcing.formulation.granularity`), so the
   optimum is at most that bound rounded down to the granularity;
3. a point in whole units that reaches it proves it: the relaxation's own point when its
   units are whole, else the best point of a small integer programme in which only the
   units the relaxation left fractional may move.

When no point reaches the rounded bound, the stage is solved as the integer programme it
is (HiGHS's branch and bound), started from the best point known and stopped once its
bound is within half a granularity step of its best point (then no better multiple of the
step is left), or at the time budget. A part without a granularity (a continuous offer)
is proven when the relaxation's point is in whole units where it must be, else by the
integer programme to an absolute gap of SOLVER_GAP, as before.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from forcegen.engine.sourcing.budget import MIN_STAGE_SECONDS, Budget
from forcegen.engine.sourcing.formulation import Layout, PartArrays, granularity, part_model
from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.engine.sourcing.relaxation import HeldRow, dual_bound, lattice_floor
from forcegen.engine.sourcing.stage_report import StageReport, StageStatus, proven
from forcegen.engine.tolerances import SOLVER_GAP, UNITS
from forcegen.errors import ForcegenError
from forcegen.solvers import HighsSolver, LinearModel, Method, Sense, Solution, Status

INTEGRALITY = 1e-6
"""A relaxation's value within this of a whole number is that number [units] (HiGHS's
own integrality tolerance for a MIP point)."""

HOLD_FEASIBILITY = 1e-6
"""Slack per held term [objective units] used when the exact holds leave a later stage
infeasible. HiGHS accepts a MIP point that breaks a row by up to its
``mip_feasibility_tolerance`` (1e-6), so a stage's optimum can exceed by that much per
line what any exactly feasible point reaches (e.g. 1/3 of a unit reported as
0.333333345); holding it to SOLVER_GAP then leaves nothing feasible. The stages are then
solved once more with this slack per term of each hold; problems the exact holds solve
are never solved with it."""


class HeldTooTight(ForcegenError):
    """A stage found no point under the holds of the stages before it."""


@dataclass(frozen=True, eq=False)
class FillOutcome:
    """The fill stages of one part: the value each priority level is held to [line units],
    the point reached (x then f, in the fill model's columns), one report per level."""

    optimum: dict[int, float]
    point: np.ndarray
    reports: list[StageReport]
    layout: Layout


def hold_row(costs: np.ndarray, value: float, maximise: bool, loose: bool = False) -> HeldRow:
    """Keep ``costs @ x`` at ``value`` [objective units], to a relative SOLVER_GAP (plus
    :data:`HOLD_FEASIBILITY` per term when ``loose``)."""
    idx = np.flatnonzero(costs).astype(np.int32)
    slack = SOLVER_GAP * max(1.0, abs(value))
    if loose:
        slack += HOLD_FEASIBILITY * len(idx) * float(np.max(np.abs(costs[idx]), initial=1.0))
    lower, upper = (value - slack, np.inf) if maximise else (-np.inf, value + slack)
    return HeldRow(lower, upper, idx, costs[idx].astype(np.float64))


def line_fills(part: PartArrays, x: np.ndarray) -> np.ndarray:
    """Each line's fill from the units ``x`` through the part's edges: min(quantity, sum
    of units / ratio) [line units]."""
    supplied = np.bincount(part.edge_line, weights=x / part.ratio, minlength=len(part.line_ids))
    filled: np.ndarray = np.minimum(part.line_quantity, supplied)
    return filled


def whole_point(part: PartArrays, layout: Layout, x: np.ndarray) -> np.ndarray | None:
    """The point (x then f) of the units ``x[:n_x]`` with whole units rounded, when every
    whole offer's units are whole (within :data:`INTEGRALITY`) and every offer gives at
    most its quantity; else None."""
    units = np.clip(x[: layout.n_x], 0.0, part.upper)
    whole = part.whole
    rounded = np.round(units[whole])
    if np.any(np.abs(units[whole] - rounded) > INTEGRALITY):
        return None
    units[whole] = rounded
    given = np.bincount(part.edge_offer, weights=units, minlength=len(part.offer_ids))
    if np.any(given > part.offer_quantity + UNITS):
        return None
    return np.concatenate([units, line_fills(part, units)])


def _relaxed(model: LinearModel) -> LinearModel:
    return dataclasses.replace(model, integral=np.zeros(model.n_cols, dtype=bool))


class _Stages:
    """The solvers of one part's fill stages and the rows they hold."""

    def __init__(
        self, problem: SourcingProblem, part: PartArrays, budget: Budget, loose: bool
    ) -> None:
        self.part = part
        self.model, self.layout = part_model(problem, part, full=False)
        self.step = granularity(part)
        self.budget = budget
        self.loose = loose
        self.held: list[HeldRow] = []
        self.lp = HighsSolver(_relaxed(self.model), method=Method.PRIMAL_SIMPLEX)
        self._mip: HighsSolver | None = None
        self.clock = False
        """A solve of this stage was stopped by the clock (its point depends on the
        machine's speed: the stage reports time_limit even when its value is proven)."""

    @property
    def mip(self) -> HighsSolver:
        """The integer programme with every hold so far (built on first use)."""
        if self._mip is None:
            gap = SOLVER_GAP if self.step is None else self.step / 2
            self._mip = HighsSolver(self.model, mip_rel_gap=0.0, mip_abs_gap=gap)
            for row in self.held:
                self._mip.add_row(row.lower, row.upper, row.index, row.value)
        return self._mip

    def hold(self, row: HeldRow) -> None:
        self.held.append(row)
        self.lp.add_row(row.lower, row.upper, row.index, row.value)
        if self._mip is not None:
            self._mip.add_row(row.lower, row.upper, row.index, row.value)

    def value(self, costs: np.ndarray, point: np.ndarray) -> float:
        return float(costs[self.layout.n_x :] @ point[self.layout.n_x :])

    def neighbourhood(self, costs: np.ndarray, x: np.ndarray) -> np.ndarray | None:
        """The best point in whole units that uses only the edges the relaxation ``x``
        uses (None if there is none in time)."""
        n_x = self.layout.n_x
        units = x[:n_x]
        part = self.part
        fractional = part.whole & (np.abs(units - np.round(units)) > INTEGRALITY)
        lines = np.zeros(len(part.line_ids), dtype=bool)
        lines[part.edge_line[fractional]] = True
        offers = np.zeros(len(part.offer_ids), dtype=bool)
        offers[part.edge_offer[fractional]] = True
        free = (units > INTEGRALITY) | lines[part.edge_line] | offers[part.edge_offer]
        unused = np.flatnonzero(~free).astype(np.int32)
        zero = np.zeros(unused.shape[0])
        solver = HighsSolver(self.model, mip_rel_gap=0.0, mip_abs_gap=self.mip_gap)
        solver.set_col_bounds(unused, zero, zero)
        for row in self.held:
            solver.add_row(row.lower, row.upper, row.index, row.value)
        solver.set_objective(costs, Sense.MAXIMISE)
        solver.set_time_limit(self.budget.left())
        found = solver.solve()
        self.clock = self.clock or found.status == Status.TIME_LIMIT
        if not found.feasible:
            return None
        return whole_point(self.part, self.layout, found.x)

    @property
    def mip_gap(self) -> float:
        return SOLVER_GAP if self.step is None else self.step / 2

    def stage(
        self, priority: int, before: np.ndarray | None
    ) -> tuple[float, np.ndarray, StageReport]:
        start = time.perf_counter()
        self.clock = False
        costs = np.zeros(self.model.n_cols)
        costs[self.layout.n_x + np.flatnonzero(self.part.line_priority == priority)] = 1.0
        bound, point = np.inf, None
        relaxation = Solution(Status.TIME_LIMIT, Sense.MAXIMISE)  # not run: no time left
        if self.budget.left() >= MIN_STAGE_SECONDS:
            self.lp.set_objective(costs, Sense.MAXIMISE)
            self.lp.set_time_limit(self.budget.left())
            relaxation = self.lp.solve()
            _check(relaxation)
        if relaxation.status == Status.OPTIMAL:
            bound = dual_bound(self.model, self.held, costs, relaxation.row_dual, True)
            point = whole_point(self.part, self.layout, relaxation.x)
        level = float(self.part.line_quantity[self.part.line_priority == priority].sum())
        target = min(lattice_floor(bound, self.step), level)  # no more than the lines need
        if before is not None and (
            point is None or self.value(costs, before) > self.value(costs, point)
        ):
            point = before  # the stage before's point keeps every hold
        done = point is not None and (
            proven(self.value(costs, point), target, True)
            or (self.step is None and point is not before)
        )
        search = relaxation.status == Status.OPTIMAL and self.step is not None
        if not done and search and self.budget.left() >= MIN_STAGE_SECONDS:
            found = self.neighbourhood(costs, relaxation.x)
            if found is not None and (
                point is None or self.value(costs, found) > self.value(costs, point)
            ):
                point = found
            done = point is not None and proven(self.value(costs, point), target, True)
        if not done and self.budget.left() >= MIN_STAGE_SECONDS:
            point, target, done = self.branch_and_bound(costs, point, before, target)
        if point is None:  # no time left: the stage before's point (or none)
            point = before if before is not None else np.zeros(self.model.n_cols)
        assert point is not None
        value = self.value(costs, point)
        report = StageReport(
            f"fill-p{priority}",
            True,
            value,
            value if done else max(value, target),
            StageStatus.OPTIMAL if done and not self.clock else StageStatus.TIME_LIMIT,
            time.perf_counter() - start,
        )
        self.hold(hold_row(costs, value, maximise=True, loose=self.loose))
        return value, point, report

    def branch_and_bound(
        self,
        costs: np.ndarray,
        point: np.ndarray | None,
        before: np.ndarray | None,
        target: float,
    ) -> tuple[np.ndarray, float, bool]:
        """The stage as an integer programme, from the best point known; returns the
        point, the proven bound (rounded to the granularity) and whether it is proven."""
        solver = self.mip
        solver.set_objective(costs, Sense.MAXIMISE)
        start = point if point is not None else before
        if start is not None:
            solver.set_start(start)
        solver.set_time_limit(self.budget.left())  # called with at least MIN_STAGE_SECONDS
        found = solver.solve()
        _check(found)
        self.clock = self.clock or found.status == Status.TIME_LIMIT
        if found.feasible:
            candidate = whole_point(self.part, self.layout, found.x)
            if candidate is None:  # a continuous point HiGHS accepts within its tolerances
                candidate = np.concatenate([found.x[: self.layout.n_x], found.x[self.layout.n_x :]])
            if point is None or self.value(costs, candidate) >= self.value(costs, point):
                point = candidate
            if np.isfinite(found.bound):
                target = min(target, lattice_floor(found.bound, self.step))
        if point is None:  # nothing found in time: the stage before's point (or none)
            point = before if before is not None else np.zeros(self.model.n_cols)
        value = self.value(costs, point)
        # proven by the point kept only: its value (recomputed from it) reaches the bound,
        # whatever status HiGHS gives (HiGHS 1.16 can say optimal and return its start)
        done = proven(value, target, True)
        return point, (value if done else max(value, target)), done


def _check(solution: Solution) -> None:
    if solution.status in (Status.INFEASIBLE, Status.INFEASIBLE_OR_UNBOUNDED):
        raise HeldTooTight(f"the sourcing solver failed: {solution.detail}")
    if solution.status not in (Status.OPTIMAL, Status.TIME_LIMIT):
        raise ForcegenError(f"the sourcing solver failed: {solution.detail}")


class PartFill:
    """The fill stages of one part, run one priority level at a time, so that a solve of
    several parts can run every part's priority-1 stage before any part's priority-2 stage
    (a budget spent on one part's lower levels then never leaves another part's higher
    level unfilled). Holds are widened (:data:`HOLD_FEASIBILITY`) once, when a stage finds
    nothing under the exact ones: the part's levels so far are then run again."""

    def __init__(
        self, problem: SourcingProblem, part: PartArrays, budget: Budget, loose: bool = False
    ) -> None:
        self.problem, self.part, self.budget, self.loose = problem, part, budget, loose
        self.levels: list[int] = sorted(set(part.line_priority.tolist()))
        self._start()

    def _start(self) -> None:
        self.stages = _Stages(self.problem, self.part, self.budget, self.loose)
        self.optimum: dict[int, float] = {}
        self.reports: list[StageReport] = []
        self.point: np.ndarray | None = None

    def _run(self, priority: int) -> None:
        self.optimum[priority], self.point, report = self.stages.stage(priority, self.point)
        self.reports.append(report)

    def run(self, priority: int) -> None:
        """Run the stage of ``priority`` (one of :attr:`levels`, after those before it).
        Raises :class:`HeldTooTight` when even the widened holds leave nothing."""
        try:
            self._run(priority)
        except HeldTooTight:
            if self.loose:
                raise
            self.loose = True
            self._start()
            for level in self.levels:
                if level > priority:
                    break
                self._run(level)

    def outcome(self) -> FillOutcome:
        """The part's fill once every level has run."""
        assert self.point is not None  # a part has at least one line
        return FillOutcome(self.optimum, self.point, self.reports, self.stages.layout)

    def run_all(self) -> FillOutcome:
        """Run every level in turn: the part's fill (:attr:`loose` says whether its holds
        had to be widened)."""
        for level in self.levels:
            self.run(level)
        return self.outcome()


def fill_stages(
    problem: SourcingProblem, part: PartArrays, budget: Budget, loose: bool = False
) -> FillOutcome:
    """Exact lexicographic fill by priority of the part ``part`` (see the module
    docstring), within ``budget``; holds widened by :data:`HOLD_FEASIBILITY` when
    ``loose``, or once a stage finds nothing under the exact ones (:class:`PartFill`).
    Raises :class:`HeldTooTight` when even the widened holds leave nothing."""
    return PartFill(problem, part, budget, loose).run_all()


__all__ = [
    "HOLD_FEASIBILITY",
    "FillOutcome",
    "HeldTooTight",
    "PartFill",
    "fill_stages",
    "hold_row",
    "line_fills",
    "whole_point",
]
