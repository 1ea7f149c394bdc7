"""Force sourcing as an integer programme (HiGHS), solved lexicographically.

Objective, in order (each stage keeps the optimum of the ones before):
1. the filled units of priority-1 lines, then priority 2, and so on [line units];
2. the fewest distinct nations per line (interoperability);
3. firm pledges before stated ones (the fewest stated units used).

Variables: x[e] units of an offer given to a line through edge e (whole units when the
pledge's quantity is whole); y[n, l] = 1 when nation n serves line l. Constraints: each
offer gives at most its quantity; each line is filled at most to its quantity (fill =
sum of x / ratio); x[e] <= quantity x y[n, l]. Independent parts (connected components
of the offer-line graph) are solved separately; a part with one line needs no solver
for its fill.

HiGHS was chosen over OR-Tools because it is a single, small wheel with an exact MIP
solver and MPS export, and is the solver linopy and PyPSA default to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from forcegen.engine.sourcing_problem import Edge, SourcingProblem
from forcegen.errors import ForcegenError

TOLERANCE = 1e-6
"""Units of slack when comparing fills and when holding a stage's optimum [units]."""

DIGITS = 6
"""Fills are rounded to this many decimals [units], far below any unit that matters, so that
the same problem gives the same numbers however it is solved."""

HOLD = 1e-9
"""Relative slack when a later stage must keep an earlier stage's optimum."""


class SolverStatus(StrEnum):
    """Outcome of a sourcing solve."""

    OPTIMAL = "optimal"
    FAILED = "failed"


@dataclass(frozen=True)
class Assignment:
    """Units of one pledge given to one line: ``units`` of the pledge's capability,
    ``filled`` units of the line's capability."""

    line: int
    pledge: str
    nation: str
    units: float
    filled: float


@dataclass(frozen=True)
class SourcingSolution:
    """Fill of each line [line units] and, when solved in full, the assignments."""

    filled: tuple[float, ...]
    assignments: tuple[Assignment, ...] = ()
    status: SolverStatus = SolverStatus.OPTIMAL
    by_priority: Mapping[int, float] = field(default_factory=dict)


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


def solve(
    problem: SourcingProblem, full: bool = True, cache: dict[Any, Any] | None = None
) -> SourcingSolution:
    """Solve ``problem`` to the exact lexicographic optimum.

    With ``full`` False only the fill stages run (enough for met and fill ratio) and the
    assignments are not returned. ``cache`` (a dict) memoises parts across calls.
    """
    filled = [0.0] * len(problem.lines)
    assignments: list[Assignment] = []
    for lines, offers, edges in _components(problem):
        key = None
        part_fill: dict[int, float]
        part_assign: list[Assignment]
        if cache is not None:
            key = (
                full,
                tuple((problem.lines[n].quantity, problem.lines[n].priority) for n in lines),
                tuple(
                    (
                        problem.offers[o].quantity,
                        problem.offers[o].nation,
                        problem.offers[o].firm,
                        problem.offers[o].pledge,
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
                part_fill, part_assign = hit
                for n, value in part_fill.items():
                    filled[n] = value
                assignments.extend(part_assign)
                continue
        if not full and len(lines) == 1:
            n = lines[0]
            capacity = sum(
                problem.offers[problem.edges[e].offer].quantity / problem.edges[e].ratio
                for e in edges
            )
            part_fill = {n: round(min(problem.lines[n].quantity, capacity), DIGITS)}
            part_assign = []
        else:
            part_fill, part_assign = _solve_part(problem, lines, offers, edges, full)
        for n, value in part_fill.items():
            filled[n] = value
        assignments.extend(part_assign)
        if cache is not None:
            cache[key] = (part_fill, part_assign)
    by_priority: dict[int, float] = {}
    for n, line in enumerate(problem.lines):
        by_priority[line.priority] = by_priority.get(line.priority, 0.0) + filled[n]
    assignments.sort(key=lambda a: (a.line, a.pledge))
    return SourcingSolution(tuple(filled), tuple(assignments), SolverStatus.OPTIMAL, by_priority)


def build_highs(
    problem: SourcingProblem, lines: list[int], offers: list[int], edges: list[int], full: bool
) -> tuple[Any, dict[str, Any]]:
    """The HiGHS model of one part: columns x (one per edge) then y (nation, line)."""
    import highspy

    inf = highspy.kHighsInf
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-9)
    row_of_line = {n: i for i, n in enumerate(lines)}
    row_of_offer = {o: len(lines) + i for i, o in enumerate(offers)}
    pairs: list[tuple[str, int]] = []
    if full:
        pairs = sorted(
            {(problem.offers[problem.edges[e].offer].nation, problem.edges[e].line) for e in edges}
        )
    pair_index = {p: len(edges) + i for i, p in enumerate(pairs)}
    n_cols = len(edges) + len(pairs)
    lower = np.zeros(n_cols)
    upper = np.array(
        [problem.offers[problem.edges[e].offer].quantity for e in edges] + [1.0] * len(pairs)
    )
    integrality = [
        highspy.HighsVarType.kInteger
        if problem.offers[problem.edges[e].offer].integral
        else highspy.HighsVarType.kContinuous
        for e in edges
    ] + [highspy.HighsVarType.kInteger] * len(pairs)
    h.addVars(n_cols, lower, upper)
    h.changeColsIntegrality(n_cols, np.arange(n_cols, dtype=np.int32), np.array(integrality))
    # line rows: sum x / ratio <= required; offer rows: sum x <= quantity
    rows: list[tuple[float, float, list[int], list[float]]] = []
    for n in lines:
        idx = [i for i, e in enumerate(edges) if problem.edges[e].line == n]
        rows.append(
            (
                -inf,
                problem.lines[n].quantity,
                idx,
                [1.0 / problem.edges[edges[i]].ratio for i in idx],
            )
        )
    for o in offers:
        idx = [i for i, e in enumerate(edges) if problem.edges[e].offer == o]
        rows.append((-inf, problem.offers[o].quantity, idx, [1.0] * len(idx)))
    for i, e in enumerate(edges):
        if not full:
            break
        edge = problem.edges[e]
        offer = problem.offers[edge.offer]
        rows.append((-inf, 0.0, [i, pair_index[(offer.nation, edge.line)]], [1.0, -offer.quantity]))
    for lo, up, idx, vals in rows:
        h.addRow(lo, up, len(idx), np.array(idx, dtype=np.int32), np.array(vals))
    meta = {"pairs": pairs, "row_of_line": row_of_line, "row_of_offer": row_of_offer}
    return h, meta


def weighted_costs(problem: SourcingProblem, edges: list[int], n_pairs: int) -> np.ndarray:
    """One weighted objective equivalent to the lexicographic stages (for export).

    A unit of priority k is worth more than all units of lower priorities together;
    nations per line and stated units get weights below any unit of fill.
    """
    priorities = sorted({line.priority for line in problem.lines})
    total = sum(line.quantity for line in problem.lines) + 1.0
    weight = {p: total ** (len(priorities) - i) for i, p in enumerate(priorities)}
    offers_total = sum(o.quantity for o in problem.offers) + 1.0
    costs = np.zeros(len(edges) + n_pairs)
    for i, e in enumerate(edges):
        edge = problem.edges[e]
        costs[i] = weight[problem.lines[edge.line].priority] / edge.ratio
        if not problem.offers[edge.offer].firm:
            costs[i] -= 1.0 / (offers_total * (n_pairs + 1) * 2)
    costs[len(edges) :] = -1.0 / (n_pairs + 1)
    return costs


def _stage(h: Any, costs: np.ndarray, maximise: bool) -> float:
    import highspy

    n = costs.shape[0]
    h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise ForcegenError(
            f"the sourcing solver failed: {h.modelStatusToString(h.getModelStatus())}"
        )
    return float(h.getInfo().objective_function_value)


def _hold(h: Any, costs: np.ndarray, value: float, maximise: bool) -> None:
    import highspy

    idx = np.flatnonzero(costs).astype(np.int32)
    slack = HOLD * max(1.0, abs(value))
    lo, up = (value - slack, highspy.kHighsInf) if maximise else (-highspy.kHighsInf, value + slack)
    h.addRow(lo, up, len(idx), idx, costs[idx])


def _solve_part(
    problem: SourcingProblem, lines: list[int], offers: list[int], edges: list[int], full: bool
) -> tuple[dict[int, float], list[Assignment]]:
    h, meta = build_highs(problem, lines, offers, edges, full)
    n_cols = len(edges) + len(meta["pairs"])
    for priority in sorted({problem.lines[n].priority for n in lines}):
        costs = np.zeros(n_cols)
        for i, e in enumerate(edges):
            edge: Edge = problem.edges[e]
            if problem.lines[edge.line].priority == priority:
                costs[i] = 1.0 / edge.ratio
        value = _stage(h, costs, maximise=True)
        _hold(h, costs, value, maximise=True)
    if full:
        costs = np.zeros(n_cols)
        costs[len(edges) :] = 1.0
        value = _stage(h, costs, maximise=False)
        _hold(h, costs, value, maximise=False)
        costs = np.zeros(n_cols)
        for i, e in enumerate(edges):
            if not problem.offers[problem.edges[e].offer].firm:
                costs[i] = 1.0
        if costs.any():
            _stage(h, costs, maximise=False)
    x = np.array(h.getSolution().col_value[: len(edges)])
    fill: dict[int, float] = dict.fromkeys(lines, 0.0)
    assignments = []
    for i, e in enumerate(edges):
        edge = problem.edges[e]
        units = round(float(x[i]), DIGITS)
        if units <= TOLERANCE:
            continue
        offer = problem.offers[edge.offer]
        fill[edge.line] += units / edge.ratio
        if full:
            assignments.append(
                Assignment(
                    edge.line, offer.pledge, offer.nation, units, round(units / edge.ratio, DIGITS)
                )
            )
    fill = {n: round(min(v, problem.lines[n].quantity), DIGITS) for n, v in fill.items()}
    return fill, assignments
