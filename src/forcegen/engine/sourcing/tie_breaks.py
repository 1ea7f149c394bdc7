"""The tie-break stages of one part: fewest nations per line, then firm before stated
pledges, then fewest units, each keeping every fill optimum and the stages before it.

Each stage is an integer programme on the full model (with the nation variables y),
warm-started from the point of the stage before and given its share of the part's time
budget (:data:`SHARES`; time a stage leaves unused goes to the ones after it). Before the
solver runs, a bound worked out from the data alone is compared with the point in hand;
when they meet, the stage is proven without the solver. These bounds hold whatever the
solver does, so a stage stopped by the budget still reports a proven bound:

- ``nations``: a priority level whose lines are all filled (its optimum is their
  quantity) fills each of them in full; line l then needs at least as many nations as it
  takes to reach its quantity with the nations that can give it most (each nation's
  units that can fill it / ratio, at most the quantity). A level only partly filled needs
  at least one nation on each line of the fewest lines whose most possible fill adds up to
  its optimum.
- ``units``: a line filled by f line units takes at least f x (its smallest ratio) units
  (rounded up to whole units when every offer is whole); a partly filled level puts its
  optimum on its lines of smallest ratio first.
- ``stated``: the units bound less every unit the firm pledges have (the units used are
  at least the former; the firm ones at most the latter).

The solver's own bound is kept when it is tighter. Lines of a fully filled level are
fixed at their quantity (when every offer of the part is whole, so that this is exact),
which the fill holds imply.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from forcegen.engine.sourcing.budget import MIN_STAGE_SECONDS, Budget, WorkBudget
from forcegen.engine.sourcing.consolidation import consolidate
from forcegen.engine.sourcing.fill_stages import HeldTooTight, hold_row, line_fills
from forcegen.engine.sourcing.formulation import Layout, PartArrays, granularity, part_model
from forcegen.engine.sourcing.neighbourhood import improve_nations
from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.engine.sourcing.stage_report import StageReport, StageStatus, proven
from forcegen.engine.tolerances import SOLVER_GAP, UNITS
from forcegen.errors import ForcegenError
from forcegen.solvers import HighsSolver, Sense, Status

SHARES = {"nations": 3.0, "stated": 1.0, "units": 1.0}
"""Shares of a part's tie-break budget [weights]: the fewest-nations stage is the hard one."""

SEARCH_COLUMNS = 10_000
"""A part whose full model has more columns than this is too large for branch and bound
to improve its fewest-nations point within seconds: the stage first re-sources groups of
lines (:mod:`forcegen.engine.sourcing.neighbourhood`) [columns]."""

SEARCH_SHARE = 0.85
"""Share of the fewest-nations stage's time that such a part gives that search; branch
and bound gets the rest, from the point it found [fraction] (all of it when the rest
would be under :data:`BRANCH_MIN_SECONDS`)."""

BRANCH_MIN_SECONDS = 2.0
"""Least time for branch and bound on a part above :data:`SEARCH_COLUMNS` [seconds]: HiGHS
does not stop within its presolve, which takes about a second on such a part (a limit of
0.43 s took 1.01 s at 2,000 lines), so a shorter run only overruns the budget."""

WHOLE_TOLERANCE = 1e-6
"""A whole-valued objective within this of a whole number is that number [objective units]
(the solver's integrality tolerance)."""

WHOLE_GAP = 0.5
"""Absolute gap [objective units] that proves a stage whose objective takes whole values
only (nations; stated and units when every offer is whole): no better whole value is left."""


@dataclass(frozen=True, eq=False)
class TieBreakOutcome:
    """The point reached (the full model's columns: x, f, y), the layout, one report per
    stage run and the value each stage is held to."""

    point: np.ndarray
    layout: Layout
    reports: list[StageReport]
    values: dict[str, float]


def _line_of_pair(layout: Layout, part: PartArrays) -> np.ndarray:
    line = np.zeros(len(layout.pairs), dtype=np.int64)
    line[layout.pair_of_edge] = part.edge_line
    return line


def _met_lines(part: PartArrays, optimum: Mapping[int, float]) -> np.ndarray:
    """True for the lines of the priority levels filled in full."""
    met = np.zeros(len(part.line_ids), dtype=bool)
    for priority, value in optimum.items():
        level = part.line_priority == priority
        if value >= float(part.line_quantity[level].sum()) - UNITS:
            met |= level
    return met


def _most_fill(part: PartArrays) -> np.ndarray:
    """Per line, the most its edges can fill [line units]."""
    reach = np.bincount(
        part.edge_line, weights=part.upper / part.ratio, minlength=len(part.line_ids)
    )
    filled: np.ndarray = np.minimum(part.line_quantity, reach)
    return filled


def _fewest_lines(values: np.ndarray, total: float) -> int:
    """The fewest of ``values`` that add up to ``total`` (largest first)."""
    if total <= UNITS:
        return 0
    reached = np.cumsum(np.sort(values)[::-1])
    return int(min(np.searchsorted(reached, total - UNITS) + 1, values.shape[0]))


def nations_bound(part: PartArrays, layout: Layout, optimum: Mapping[int, float]) -> float:
    """A lower bound on the (nation, line) pairs of any point that keeps the fill optima
    (see the module docstring) [nation-lines]."""
    line_of_pair = _line_of_pair(layout, part)
    reach = np.bincount(
        layout.pair_of_edge, weights=part.upper / part.ratio, minlength=len(layout.pairs)
    )
    capped = np.minimum(reach, part.line_quantity[line_of_pair])
    order = np.lexsort((-capped, line_of_pair))  # by line, most first
    line, give = line_of_pair[order], capped[order]
    total = np.cumsum(give)
    first = np.searchsorted(line, line)  # each pair's group start
    before = total - give - np.concatenate([[0.0], total])[first]  # given by the pairs before
    needed = np.bincount(
        line, weights=(before < part.line_quantity[line] - UNITS), minlength=len(part.line_ids)
    )
    met = _met_lines(part, optimum)
    bound = float(needed[met].sum())
    most = _most_fill(part)
    for priority, value in optimum.items():
        level = (part.line_priority == priority) & ~met
        if level.any():
            bound += _fewest_lines(most[level], value)
    return bound


def units_bound(part: PartArrays, optimum: Mapping[int, float]) -> float:
    """A lower bound on the units used by any point that keeps the fill optima (see the
    module docstring) [units]."""
    n_lines = len(part.line_ids)
    smallest = np.full(n_lines, np.inf)
    np.minimum.at(smallest, part.edge_line, part.ratio)
    smallest = np.where(np.isfinite(smallest), smallest, 0.0)
    met = _met_lines(part, optimum)
    need = part.line_quantity[met] * smallest[met]
    whole = bool(part.whole.all())
    bound = float(np.ceil(need - 1e-9).sum() if whole else need.sum())
    most = _most_fill(part)
    for priority, value in optimum.items():
        level = np.flatnonzero((part.line_priority == priority) & ~met)
        left = value
        for i in level[np.argsort(smallest[level], kind="stable")]:
            if left <= UNITS:
                break
            given = min(left, float(most[i]))
            bound += given * float(smallest[i])
            left -= given
    return bound


def _served(layout: Layout, units: np.ndarray) -> np.ndarray:
    """y of the point whose units are ``units``: 1 for each pair that gives units."""
    served = np.zeros(len(layout.pairs))
    np.maximum.at(served, layout.pair_of_edge, (units > UNITS).astype(np.float64))
    return served


def _firm_offers(part: PartArrays) -> np.ndarray:
    """True for the part's firm offers."""
    firm = np.zeros(len(part.offer_ids), dtype=bool)
    firm[part.edge_offer[part.edge_firm]] = True
    return firm


def _whole_objective(costs: np.ndarray, model_integral: np.ndarray) -> bool:
    used = np.flatnonzero(costs)
    return bool(model_integral[used].all() and np.all(costs[used] == np.round(costs[used])))


def tie_break_stages(
    problem: SourcingProblem,
    part: PartArrays,
    optimum: Mapping[int, float],
    fill_point: np.ndarray,
    seconds: float,
    loose: bool = False,
    strict: bool = True,
    work_units: int | None = None,
) -> TieBreakOutcome:
    """Nations, then stated units, then units used, keeping every fill optimum
    ``optimum`` (per priority [line units]), from the fill stages' point ``fill_point``
    (x then f), within ``seconds`` [s] (inf: no limit). When the solver finds the holds
    leave nothing feasible: raises :class:`HeldTooTight` when ``strict``, else keeps the
    point in hand for that stage and the ones after, reported ``not_proven``.

    With ``work_units`` [nonzero-steps] the stages share that budget of work instead of
    the clock (:data:`SHARES`; :class:`WorkBudget`), so that the point reached is the
    same on every machine; a stage it stops reports ``work_limit``. ``seconds`` is then
    only a backstop that every stage may run to (a stage the clock stops reports
    ``time_limit``, as without ``work_units``).

    Each stage's value is ``costs @ x`` of the point kept, and it is proven only when that
    value meets a proven bound (the data's or the solver's), never on the solver's status
    alone."""
    model, layout = part_model(problem, part, full=True)
    n_x, n_f = layout.n_x, layout.n_f
    solver = HighsSolver(model, mip_rel_gap=0.0, mip_abs_gap=SOLVER_GAP)
    for priority, value in optimum.items():
        costs = np.zeros(layout.n_cols)
        costs[n_x + np.flatnonzero(part.line_priority == priority)] = 1.0
        row = hold_row(costs, value, maximise=True, loose=loose)
        solver.add_row(row.lower, row.upper, row.index, row.value)
    met = np.flatnonzero(_met_lines(part, optimum))
    if met.size and not loose and granularity(part) is not None:
        cols = (n_x + met).astype(np.int32)
        quantity = part.line_quantity[met]
        solver.set_col_bounds(cols, quantity, quantity)
    units = consolidate(part, fill_point[:n_x])
    current = np.concatenate([units, fill_point[n_x : n_x + n_f], _served(layout, units)])
    nations = np.zeros(layout.n_cols)
    nations[n_x + n_f :] = 1.0
    stated = np.zeros(layout.n_cols)
    stated[:n_x] = (~part.edge_firm).astype(np.float64)
    units = np.zeros(layout.n_cols)
    units[:n_x] = 1.0
    least_units = units_bound(part, optimum)
    firm_units = float(part.offer_quantity[_firm_offers(part)].sum())
    stages = [
        ("nations", nations, nations_bound(part, layout, optimum)),
        ("stated", stated, max(0.0, least_units - firm_units)),
        ("units", units, least_units),
    ]
    stages = [s for s in stages if s[1].any()]
    budget = Budget(None if math.isinf(seconds) else seconds, reserve=False)
    work = None if work_units is None else WorkBudget(work_units)
    weights = [SHARES[name] for name, _, _ in stages]
    reports: list[StageReport] = []
    values: dict[str, float] = {}
    failed = False
    stopped = False  # the clock stopped a search: the point depends on the machine's speed
    for k, (name, costs, known) in enumerate(stages):
        start = time.perf_counter()
        share = budget.share(weights, k) if work is None else budget.left()
        whole = _whole_objective(costs, model.integral)
        value = float(costs @ current)
        bound = known
        done = proven(value, bound, maximise=False)
        large = model.n_cols > SEARCH_COLUMNS
        allowed = 0 if work is None else work.share(weights, k, least=1)
        if name == "nations" and not done and large and not failed:
            search = share if share < 2 * BRANCH_MIN_SECONDS else share * SEARCH_SHARE
            piece = None
            if work is not None:  # its share of the work; the clock only a backstop
                search, piece = share, work.part(math.floor(allowed * SEARCH_SHARE))
            units, clock = improve_nations(
                problem, part, current[:n_x], current[n_x : n_x + n_f], search, bound, piece
            )
            if work is not None and piece is not None:
                work.take(piece)
                allowed = work.share(weights, k, least=1)
            stopped = stopped or clock
            fills = line_fills(part, units)  # a level's fill may have moved between its lines
            current = np.concatenate([units, fills, _served(layout, units)])
            value = float(costs @ current)
            done = proven(value, bound, maximise=False)
            share = budget.share(weights, k) if work is None else budget.left()
        least = BRANCH_MIN_SECONDS if large else MIN_STAGE_SECONDS
        if work is not None:  # the work decides; the backstop only needs to be running
            least = MIN_STAGE_SECONDS if allowed else math.inf
            if allowed and share < least and not done and not failed:
                stopped = True  # the backstop clock, not the work, leaves it unstarted
        if not done and share >= least and not failed:
            gap = WHOLE_GAP if whole else SOLVER_GAP
            solver.set_mip_gaps(0.0, gap)
            solver.set_objective(costs, Sense.MINIMISE)
            solver.set_start(current)
            solver.set_time_limit(share)
            solution = solver.solve() if work is None else work.solve(solver, allowed)
            if work is not None:
                stopped = stopped or solution.status == Status.TIME_LIMIT
            if solution.status in (Status.INFEASIBLE, Status.INFEASIBLE_OR_UNBOUNDED):
                if strict:
                    raise HeldTooTight(f"the sourcing solver failed: {solution.detail}")
                failed = True  # this stage and the ones after keep the point in hand
            elif solution.status not in (Status.OPTIMAL, Status.TIME_LIMIT, Status.WORK_LIMIT):
                raise ForcegenError(f"the sourcing solver failed: {solution.detail}")
            elif solution.feasible:
                reached = float(costs @ solution.x)  # the point's own value, never the status's
                if reached <= value + SOLVER_GAP * max(1.0, value):
                    current, value = solution.x, reached
                if np.isfinite(solution.bound):
                    bound = max(bound, float(solution.bound))
            elif np.isfinite(solution.bound):
                bound = max(bound, float(solution.bound))
            done = proven(value, bound, maximise=False)
        if whole:  # whole values only: the solver's 828.9999998 is 829, a bound of 521.2 is 522
            value = float(round(value)) if abs(value - round(value)) <= WHOLE_TOLERANCE else value
            bound = float(math.ceil(bound - WHOLE_TOLERANCE))
            done = done or proven(value, bound, maximise=False)
        if done:
            bound = value
        status = StageStatus.OPTIMAL if done and not stopped else StageStatus.TIME_LIMIT
        if work is not None and not done and not stopped:
            status = StageStatus.WORK_LIMIT
        if failed and not done:
            status = StageStatus.NOT_PROVEN
        reports.append(
            StageReport(name, False, value, min(bound, value), status, time.perf_counter() - start)
        )
        values[name] = value
        row = hold_row(costs, value, maximise=False)
        solver.add_row(row.lower, row.upper, row.index, row.value)
    return TieBreakOutcome(current, layout, reports, values)


__all__ = ["SHARES", "TieBreakOutcome", "nations_bound", "tie_break_stages", "units_bound"]
