"""Force sourcing as an integer programme, solved lexicographically.

Objective, in order (each stage keeps the optimum of the ones before):
1. the filled units of priority-1 lines, then priority 2, and so on [line units];
2. the fewest distinct nations per line (interoperability);
3. firm pledges before stated ones (the fewest stated units used).

Variables: x[e] units of an offer given to a line through edge e (whole units when the
pledge's quantity is whole); f[l] the fill of line l, at most its quantity and at most
sum of x / ratio (a whole unit may over-fill a line, the fill counts to the quantity);
y[n, l] = 1 when nation n serves line l, with x[e] <= quantity x y[n, l]. Each offer
gives at most its quantity. A last stage uses the fewest units, so that no unit is
assigned that adds nothing. Independent parts (connected components
of the offer-line graph) are solved separately; a part with one line needs no solver
for its fill.

The model is built solver-neutral (:func:`build_model`, :func:`sourcing_model` for the
whole problem as one weighted MIP; :mod:`forcegen.engine.sourcing.stages` for the stages
apart, as exported to MPS) and solved through the adapter in
:mod:`forcegen.solvers` (HiGHS: chosen over OR-Tools because it is a single, small wheel
with an exact MIP solver and MPS export, and is the solver linopy and PyPSA default to).
Units: x and f in capability units [units], y binary; objectives in units or nations.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.engine.tolerances import SOLVER_GAP, UNITS
from forcegen.errors import ForcegenError
from forcegen.solvers import HighsSolver, LinearModel, Sense, Solution, Status

DIGITS = 6
"""Fills are rounded to this many decimals [units], far below any unit that matters, so that
the same problem gives the same numbers however it is solved."""


class SolverStatus(StrEnum):
    """Outcome of a sourcing solve."""

    OPTIMAL = "optimal"
    """Every stage proven optimal."""
    FILL_OPTIMAL = "fill_optimal"
    """Fill proven optimal; a tie-break stage (nations, firm, units) stopped at its time
    limit with the best solution found."""
    FAILED = "failed"


@dataclass(frozen=True)
class Assignment:
    """Units of one pledge given to one line: ``units`` of the pledge's capability (of the
    organic enabler when ``organic``), ``filled`` units of the line's capability."""

    line: int
    pledge: str
    nation: str
    units: float
    filled: float
    organic: str | None = None
    """The enabler's capability id when the units are an organic enabler of the pledge's
    units, not the units themselves (see :mod:`forcegen.engine.sourcing.problem`)."""


@dataclass(frozen=True)
class SourcingSolution:
    """Fill of each line [line units] and, when solved in full, the assignments."""

    filled: tuple[float, ...]
    assignments: tuple[Assignment, ...] = ()
    status: SolverStatus = SolverStatus.OPTIMAL
    by_priority: Mapping[int, float] = field(default_factory=dict)
    tie_break_gap: float = 0.0
    """Relative gap left in the tie-break stages when a time limit stopped one: 0 = proven
    optimal, 1 = no bound known (the warm start from the stage before was kept)."""
    stage_values: Mapping[str, float] = field(default_factory=dict)
    """Objective each stage reached, summed over the parts, as the solver found it (not
    rounded): ``fill-p<k>`` [line units], ``nations`` [nation-lines], ``stated`` and
    ``units`` [units]; the tie-breaks in full mode only. A one-line part solved without
    the solver (not full) counts its fill. The values the exported stages hold
    (:mod:`forcegen.engine.sourcing.stages`)."""


def _components(problem: SourcingProblem) -> list[tuple[list[int], list[int], list[int]]]:
    """(line indices, offer indices, edge indices) of each connected part."""
    parent = list(range(len(problem.lines) + len(problem.offers)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    n_lines = len(problem.lines)
    for edge in problem.edges:
        a, b = find(edge.line), find(n_lines + edge.offer)
        if a != b:
            parent[a] = b
    groups: dict[int, tuple[list[int], list[int], list[int]]] = {}
    for e, edge in enumerate(problem.edges):
        root = find(edge.line)
        group = groups.setdefault(root, ([], [], []))
        group[2].append(e)
    for line in range(n_lines):
        root = find(line)
        if root in groups:
            groups[root][0].append(line)
    for offer in range(len(problem.offers)):
        root = find(n_lines + offer)
        if root in groups:
            groups[root][1].append(offer)
    return list(groups.values())


def digest(*parts: object) -> bytes:
    """A 20-byte key for the cache of parts: the key itself grows with the offers (some
    kilobytes for hundreds of pledges), and a Monte Carlo run may cache a part per
    distinct condition pattern (gigabytes)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).digest()


def solve(
    problem: SourcingProblem, full: bool = True, cache: dict[Any, Any] | None = None
) -> SourcingSolution:
    """Solve ``problem`` to the exact lexicographic optimum.

    With ``full`` False only the fill stages run (enough for met and fill ratio) and the
    assignments are not returned. ``cache`` (a dict) memoises parts across calls.
    """
    filled = [0.0] * len(problem.lines)
    assignments: list[Assignment] = []
    gap = 0.0
    stage_values: dict[str, float] = {}
    for lines, offers, edges in _components(problem):
        key = None
        part_fill: dict[int, float]
        part_assign: list[Assignment]
        part_stages: dict[str, float]
        if cache is not None:
            key = digest(
                full,
                tuple((problem.lines[n].quantity, problem.lines[n].priority) for n in lines),
                tuple(
                    (
                        problem.offers[o].quantity,
                        problem.offers[o].nation,
                        problem.offers[o].firm,
                        problem.offers[o].pledge,
                        problem.offers[o].organic,
                        problem.offers[o].capability,
                    )
                    for o in offers
                ),
                tuple(
                    (problem.edges[e].offer, problem.edges[e].line, problem.edges[e].ratio)
                    for e in edges
                ),
            )
            hit = cache.get(key)
            if hit is not None:
                part_fill, part_assign, part_gap, part_stages = hit
                gap = max(gap, part_gap)
                for n, value in part_fill.items():
                    filled[n] = value
                assignments.extend(part_assign)
                _add(stage_values, part_stages)
                continue
        if not full and len(lines) == 1:
            n = lines[0]
            capacity = sum(
                problem.offers[problem.edges[e].offer].quantity / problem.edges[e].ratio
                for e in edges
            )
            part_fill = {n: round(min(problem.lines[n].quantity, capacity), DIGITS)}
            part_assign = []
            part_gap = 0.0
            part_stages = {f"fill-p{problem.lines[n].priority}": part_fill[n]}
        else:
            part_fill, part_assign, part_gap, part_stages = _solve_part(
                problem, lines, offers, edges, full
            )
            gap = max(gap, part_gap)
        for n, value in part_fill.items():
            filled[n] = value
        assignments.extend(part_assign)
        _add(stage_values, part_stages)
        if cache is not None:
            cache[key] = (part_fill, part_assign, part_gap, part_stages)
    by_priority: dict[int, float] = {}
    for n, line in enumerate(problem.lines):
        by_priority[line.priority] = by_priority.get(line.priority, 0.0) + filled[n]
    assignments.sort(key=lambda a: (a.line, a.pledge))
    status = SolverStatus.OPTIMAL if gap <= SOLVER_GAP else SolverStatus.FILL_OPTIMAL
    return SourcingSolution(
        tuple(filled), tuple(assignments), status, by_priority, gap, stage_values
    )


def _add(total: dict[str, float], part: Mapping[str, float]) -> None:
    for name, value in part.items():
        total[name] = total.get(name, 0.0) + value


@dataclass(frozen=True)
class Layout:
    """Where the variables of one part's model are: x (units through each edge, in the
    order of the part's edges) in columns 0 .. n_x - 1, f (fill of each line) in
    ``f_col[line]``, then y (nation serves line, one per pair in ``pairs``; full mode
    only)."""

    pairs: list[tuple[str, int]]
    f_col: dict[int, int]
    n_x: int
    n_f: int

    @property
    def n_cols(self) -> int:
        """Number of columns."""
        return self.n_x + self.n_f + len(self.pairs)


def build_model(
    problem: SourcingProblem, lines: list[int], offers: list[int], edges: list[int], full: bool
) -> tuple[LinearModel, Layout]:
    """The solver-neutral model of one part, without an objective (all costs 0).

    Columns: x (units through each edge), then f (fill of each line, at most its
    quantity), then y (nation serves line, full mode only). Rows: f <= sum x / ratio per
    line (a whole unit may over-fill a line; the fill counts only up to the quantity);
    sum x <= quantity per offer; what a nation gives a line <= (quantity + one unit) x y.
    """
    inf = np.inf
    pairs: list[tuple[str, int]] = []
    if full:
        pairs = sorted(
            {(problem.offers[problem.edges[e].offer].nation, problem.edges[e].line) for e in edges}
        )
    n_x, n_f = len(edges), len(lines)
    f_col = {n: n_x + i for i, n in enumerate(lines)}
    pair_index = {p: n_x + n_f + i for i, p in enumerate(pairs)}
    n_cols = n_x + n_f + len(pairs)
    lower = np.zeros(n_cols)
    upper = np.array(
        [problem.offers[problem.edges[e].offer].quantity for e in edges]
        + [problem.lines[n].quantity for n in lines]
        + [1.0] * len(pairs)
    )
    integral = (
        [problem.offers[problem.edges[e].offer].integral for e in edges]
        + [False] * n_f
        + [True] * len(pairs)
    )
    by_line: dict[int, list[int]] = {n: [] for n in lines}
    by_offer: dict[int, list[int]] = {o: [] for o in offers}
    for i, e in enumerate(edges):  # edge positions in ascending order within each row
        by_line.setdefault(problem.edges[e].line, []).append(i)
        by_offer.setdefault(problem.edges[e].offer, []).append(i)
    rows: list[tuple[float, float, list[int], list[float]]] = []
    for n in lines:
        idx = by_line[n]
        vals = [-1.0 / problem.edges[edges[i]].ratio for i in idx]
        rows.append((-inf, 0.0, [f_col[n], *idx], [1.0, *vals]))
    for o in offers:
        idx = by_offer[o]
        rows.append((-inf, problem.offers[o].quantity, idx, [1.0] * len(idx)))
    if full:  # what a nation gives a line is at most the line's quantity, and 0 unless y
        members: dict[tuple[str, int], list[int]] = {}
        for i, e in enumerate(edges):
            edge = problem.edges[e]
            members.setdefault((problem.offers[edge.offer].nation, edge.line), []).append(i)
        for pair, idx in members.items():
            line = problem.lines[pair[1]]
            vals = [1.0 / problem.edges[edges[i]].ratio for i in idx]
            # fill counted from whole units may overshoot by less than one unit's worth
            reach = sum(
                problem.offers[problem.edges[edges[i]].offer].quantity
                / problem.edges[edges[i]].ratio
                for i in idx
            )
            cap = min(line.quantity + max(1.0 / problem.edges[edges[i]].ratio for i in idx), reach)
            rows.append((-inf, 0.0, [*idx, pair_index[pair]], [*vals, -cap]))
    model = LinearModel.from_rows(np.zeros(n_cols), lower, upper, rows, integral)
    return model, Layout(pairs, f_col, n_x, n_f)


def sourcing_model(problem: SourcingProblem) -> LinearModel:
    """The whole problem as one MIP to maximise, its objective :func:`weighted_costs` (the
    lexicographic stages as one weighted sum). The MPS export writes the stages apart
    instead (:mod:`forcegen.engine.sourcing.stages`): the weights span 6e10 to 1e-8 on a
    coalition-size problem, more than a MIP solver's tolerances resolve.

    Raises :class:`ForcegenError` when the weights would not fit a float64.
    """
    lines = list(range(len(problem.lines)))
    offers = list(range(len(problem.offers)))
    edges = list(range(len(problem.edges)))
    model, layout = build_model(problem, lines, offers, edges, full=True)
    costs = weighted_costs(problem, layout, edges)
    return dataclasses.replace(model, cost=costs, sense=Sense.MAXIMISE)


def _solver(model: LinearModel, time_limit: float | None = None) -> HighsSolver:
    """The model in the solver, proving each optimum exactly (no relative gap, an absolute
    gap of SOLVER_GAP)."""
    return HighsSolver(model, time_limit=time_limit, mip_rel_gap=0.0, mip_abs_gap=SOLVER_GAP)


def weighted_costs(problem: SourcingProblem, meta: Layout, edges: list[int]) -> np.ndarray:
    """One weighted objective (to maximise) equivalent to the lexicographic stages.

    A unit of fill of priority k outweighs all fill of lower priorities; nations per
    line, stated units and units used get weights below any unit of fill.
    """
    priorities = sorted({line.priority for line in problem.lines})
    total = sum(line.quantity for line in problem.lines) + 1.0
    if len(priorities) * math.log10(total) > 300:  # beyond a float64: refuse, do not crash
        raise ForcegenError(
            f"cannot fold {len(priorities)} priority levels over {total - 1:,.0f} required "
            "units into one objective: its weights would exceed 1e300; export a "
            "requirement with fewer distinct priorities"
        )
    weight = {p: total ** (len(priorities) - i) for i, p in enumerate(priorities)}
    n_pairs = len(meta.pairs)
    units = sum(o.quantity for o in problem.offers) + 1.0
    costs = np.zeros(meta.n_cols)
    for n, col in meta.f_col.items():
        costs[col] = weight[problem.lines[n].priority]
    small = 1.0 / (n_pairs + 1)
    costs[meta.n_x + meta.n_f :] = -small
    for i, e in enumerate(edges):
        firm = problem.offers[problem.edges[e].offer].firm
        costs[i] = -(small / (units + 1)) * (1.0 if firm else 2.0)
    return costs


class _HeldTooTight(ForcegenError):
    """A fill stage found no point under the holds of the stages before it."""


def _stage(solver: HighsSolver, costs: np.ndarray, maximise: bool) -> Solution:
    solver.set_objective(costs, Sense.MAXIMISE if maximise else Sense.MINIMISE)
    solution = solver.solve()
    if solution.status in (Status.INFEASIBLE, Status.INFEASIBLE_OR_UNBOUNDED):
        raise _HeldTooTight(f"the sourcing solver failed: {solution.detail}")
    if solution.status != Status.OPTIMAL:
        raise ForcegenError(f"the sourcing solver failed: {solution.detail}")
    return solution


HOLD_FEASIBILITY = 1e-6
"""Slack per held term [objective units] used when the exact holds leave a later stage
infeasible. HiGHS accepts a MIP point that breaks a row by up to its
``mip_feasibility_tolerance`` (1e-6), so a stage's optimum can exceed by that much per
line what any exactly feasible point reaches (e.g. 1/3 of a unit reported as
0.333333345); holding it to SOLVER_GAP then leaves nothing feasible. The stages are then
solved once more with this slack per term of each hold; problems the exact holds solve
are never solved with it."""


def _hold(
    solver: HighsSolver, costs: np.ndarray, value: float, maximise: bool, loose: bool = False
) -> None:
    """Keep ``costs @ x`` at ``value`` [objective units], to a relative SOLVER_GAP (plus
    :data:`HOLD_FEASIBILITY` per term when ``loose``)."""
    idx = np.flatnonzero(costs).astype(np.int32)
    slack = SOLVER_GAP * max(1.0, abs(value))
    if loose:
        slack += HOLD_FEASIBILITY * len(idx) * float(np.max(np.abs(costs[idx]), initial=1.0))
    lo, up = (value - slack, np.inf) if maximise else (-np.inf, value + slack)
    solver.add_row(lo, up, idx, costs[idx])


TIE_BREAK_SECONDS = 2.0
"""Time limit of each tie-break stage (nations, firm, units) [seconds]; the fill stages
have none. A stage stopped by it keeps the best solution found, warm-started from the
stage before, and the result says so (``status`` and ``tie_break_gap``)."""


def _fill_stages(
    problem: SourcingProblem,
    lines: list[int],
    offers: list[int],
    edges: list[int],
    loose: bool = False,
) -> tuple[dict[int, float], np.ndarray, Layout]:
    """Exact lexicographic fill by priority, on the model without nation variables
    (holds widened by :data:`HOLD_FEASIBILITY` when ``loose``)."""
    model, meta = build_model(problem, lines, offers, edges, full=False)
    solver = _solver(model)
    n_cols = meta.n_cols
    optimum: dict[int, float] = {}
    solution = None
    for priority in sorted({problem.lines[n].priority for n in lines}):
        costs = np.zeros(n_cols)
        for n in lines:
            if problem.lines[n].priority == priority:
                costs[meta.f_col[n]] = 1.0
        solution = _stage(solver, costs, maximise=True)
        value = solution.objective
        _hold(solver, costs, value, maximise=True, loose=loose)
        optimum[priority] = value
    assert solution is not None  # a part has at least one line
    return optimum, solution.x, meta


def _tie_breaks(
    problem: SourcingProblem,
    lines: list[int],
    offers: list[int],
    edges: list[int],
    optimum: Mapping[int, float],
    start: np.ndarray,
    loose: bool = False,
) -> tuple[np.ndarray, Layout, float, dict[str, float]]:
    """Nations, then stated units, then units used, keeping every fill optimum; also the
    value each stage reached (the one it is held to)."""
    model, meta = build_model(problem, lines, offers, edges, full=True)
    solver = _solver(model)
    n_x, n_f = meta.n_x, meta.n_f
    n_cols = meta.n_cols
    for priority, value in optimum.items():
        costs = np.zeros(n_cols)
        for n in lines:
            if problem.lines[n].priority == priority:
                costs[meta.f_col[n]] = 1.0
        _hold(solver, costs, value, maximise=True, loose=loose)
    used = {
        (problem.offers[problem.edges[e].offer].nation, problem.edges[e].line)
        for i, e in enumerate(edges)
        if start[i] > UNITS
    }
    current = np.concatenate(
        [start[: n_x + n_f], [1.0 if pair in used else 0.0 for pair in meta.pairs]]
    )
    solver.set_time_limit(TIE_BREAK_SECONDS)
    nations = np.zeros(n_cols)
    nations[n_x + n_f :] = 1.0
    stated = np.zeros(n_cols)
    units = np.zeros(n_cols)
    for i, e in enumerate(edges):
        units[i] = 1.0
        if not problem.offers[problem.edges[e].offer].firm:
            stated[i] = 1.0
    gap = 0.0
    values: dict[str, float] = {}
    for name, costs in (("nations", nations), ("stated", stated), ("units", units)):
        if not costs.any():
            continue
        solver.set_objective(costs, Sense.MINIMISE)
        solver.set_start(current)
        solution = solver.solve()
        if solution.status == Status.OPTIMAL:
            value = solution.objective
        elif solution.feasible:  # stopped by the limit with a point at least as good
            value = solution.objective
            gap = max(gap, min(solution.gap, 1.0))  # 1: no bound known
        else:  # nothing better than the warm start: keep it
            value = float(np.dot(costs, current))
            gap = max(gap, 1.0)
            _hold(solver, costs, value, maximise=False)
            values[name] = value
            continue
        current = solution.x
        _hold(solver, costs, value, maximise=False)
        values[name] = value
    return current, meta, gap, values


def _solve_part(
    problem: SourcingProblem, lines: list[int], offers: list[int], edges: list[int], full: bool
) -> tuple[dict[int, float], list[Assignment], float, dict[str, float]]:
    loose = False
    try:
        optimum, solution, _ = _fill_stages(problem, lines, offers, edges)
    except _HeldTooTight:
        loose = True
        optimum, solution, _ = _fill_stages(problem, lines, offers, edges, loose=True)
    gap = 0.0
    stages = {f"fill-p{priority}": value for priority, value in optimum.items()}
    if full:
        solution, _, gap, tie_breaks = _tie_breaks(
            problem, lines, offers, edges, optimum, solution, loose
        )
        stages.update(tie_breaks)
    # The fill of a line is what its assigned units give, up to its quantity: worked out
    # from the units (whole numbers for whole-unit pledges), not read from the fill
    # column, which a later stage may leave up to the hold slack (SOLVER_GAP, relative) below
    # it: 2e-4 units short of a 200,000-unit line.
    given = {i: round(float(solution[i]), DIGITS) for i in range(len(edges))}
    supplied = dict.fromkeys(lines, 0.0)
    for i, e in enumerate(edges):
        supplied[problem.edges[e].line] += given[i] / problem.edges[e].ratio
    fill = {n: round(min(supplied[n], problem.lines[n].quantity), DIGITS) for n in lines}
    assignments = []
    if full:
        left = dict(fill)
        for i, e in enumerate(edges):
            edge = problem.edges[e]
            units = given[i]
            if units <= UNITS:
                continue
            offer = problem.offers[edge.offer]
            gives = round(min(units / edge.ratio, left[edge.line]), DIGITS)
            left[edge.line] -= gives
            assignments.append(
                Assignment(
                    edge.line,
                    offer.pledge,
                    offer.nation,
                    units,
                    gives,
                    offer.capability if offer.organic else None,
                )
            )
    return fill, assignments, gap, stages
