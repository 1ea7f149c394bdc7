"""Fewer nations per line by re-sourcing groups of lines exactly (large neighbourhoods).

On a coalition-size part the fewest-nations stage is too large for branch and bound to
improve within seconds (its root relaxation alone takes several). This search improves a
point instead: it takes the lines of one capability (they compete for the same offers),
keeps every other line's units, and re-sources those lines with the fewest nations as a
small integer programme (HiGHS) over the units the other lines leave, the group's lines
of each priority keeping their fill together (it may move between them: a level filled in
part is then carried by fewer lines). A group whose programme finds fewer nations takes
its point; the groups with the most nations beyond one per served line go first; after a sweep
that gains, the local moves of :mod:`~forcegen.engine.sourcing.consolidation` run again
(the new units free others: 685 -> 663 nation-lines at 500 lines), and the sweep repeats
(a sweep that gains nothing gives each group more nodes) within a bound on the work, so
that the same input gives the same point on any machine. Every priority
level's fill, every offer's quantity and so every hold of the fill stages are kept; the
count of nations never rises.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from forcegen.engine.sourcing.budget import MIN_STAGE_SECONDS, WorkBudget
from forcegen.engine.sourcing.consolidation import consolidate
from forcegen.engine.sourcing.fill_stages import line_fills
from forcegen.engine.sourcing.formulation import WHOLE, PartArrays, part_model
from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.solvers import HighsSolver, Status

GROUP_NODES = 1
"""Branch-and-bound nodes of one group's programme in the first sweep [nodes]: many short
tries gain more than a few long ones. A sweep that gains nothing multiplies it by
:data:`GROWTH`, up to :data:`MAX_GROUP_NODES`. The search is bounded by this work, not by
the clock, so that it ends at the same point on any machine; the time limit only stops it
early (and the caller reports that)."""

IMPROVING = 1
"""A group's programme stops at its first improved point [points]: the next sweep starts
from it (many short tries gain more than a few long ones)."""

ITERATIONS_PER_NODE = 10_000
"""Simplex iterations of a group's programme per node of its limit [iterations] (10,000
for the first sweep), so that a group whose root alone is long stops too (HiGHS checks
it between LP solves)."""

GROWTH = 4.0
"""Factor of the groups' node limit after a sweep that gains nothing."""

MAX_GROUP_NODES = 64
"""The search ends when a group would get more nodes than this [nodes]."""

MAX_SWEEPS = 4
"""Sweeps over the groups at most [sweeps]."""


def _pairs(part: PartArrays, units: np.ndarray, lines: np.ndarray | None = None) -> int:
    used = units > WHOLE
    if lines is not None:
        used &= lines[part.edge_line]
    key = part.edge_line[used] * (int(part.edge_nation.max(initial=0)) + 1) + part.edge_nation[used]
    return int(np.unique(key).shape[0])


def _group_part(
    part: PartArrays, units: np.ndarray, members: np.ndarray
) -> tuple[PartArrays, np.ndarray]:
    """The sub-part of the lines ``members`` (a mask over the part's lines): their edges,
    the offers they reach with the units the other lines leave; also the sub-part's edge
    positions in the part."""
    edges = np.flatnonzero(members[part.edge_line])
    others = np.bincount(
        part.edge_offer, weights=np.where(members[part.edge_line], 0.0, units),
        minlength=len(part.offer_ids),
    )  # fmt: skip
    offers = np.unique(part.edge_offer[edges])
    lines = np.flatnonzero(members)
    offer_pos = np.full(len(part.offer_ids), -1, dtype=np.int64)
    offer_pos[offers] = np.arange(offers.shape[0])
    line_pos = np.full(len(part.line_ids), -1, dtype=np.int64)
    line_pos[lines] = np.arange(lines.shape[0])
    left = np.maximum(part.offer_quantity[offers] - others[offers], 0.0)
    edge_offer = offer_pos[part.edge_offer[edges]]
    sub = dataclasses.replace(
        part,
        line_ids=part.line_ids[lines],
        offer_ids=part.offer_ids[offers],
        edge_ids=part.edge_ids[edges],
        edge_offer=edge_offer,
        edge_line=line_pos[part.edge_line[edges]],
        ratio=part.ratio[edges],
        upper=np.minimum(part.upper[edges], left[edge_offer]),
        whole=part.whole[edges],
        offer_quantity=left,
        line_quantity=part.line_quantity[lines],
        line_priority=part.line_priority[lines],
        edge_nation=part.edge_nation[edges],
        edge_firm=part.edge_firm[edges],
    )
    return sub, edges


def _resource(
    problem: SourcingProblem,
    part: PartArrays,
    units: np.ndarray,
    fills: np.ndarray,
    members: np.ndarray,
    nodes: int,
    seconds: float,
    work: WorkBudget | None = None,
) -> tuple[np.ndarray | None, bool]:
    """The group's units with the fewest nations found in ``nodes`` branch-and-bound
    nodes and what is left of ``work`` (None when no better point was found), and whether
    the clock (``seconds``) stopped the programme first."""
    sub, edges = _group_part(part, units, members)
    model, layout = part_model(problem, sub, full=True)
    n_x, n_f = layout.n_x, layout.n_f
    lines = np.flatnonzero(members)
    fill = fills[lines]
    upper = model.col_upper.copy()
    upper[n_x : n_x + n_f] = np.maximum(upper[n_x : n_x + n_f], fill)
    cost = np.zeros(model.n_cols)
    cost[n_x + n_f :] = 1.0
    model = dataclasses.replace(model, col_upper=upper, cost=cost)
    solver = HighsSolver(model, time_limit=seconds, mip_rel_gap=0.0, mip_abs_gap=0.5)
    solver.set_work_limits(nodes, IMPROVING, nodes * ITERATIONS_PER_NODE)
    for priority in np.unique(sub.line_priority).tolist():  # each level keeps its fill
        level = np.flatnonzero(sub.line_priority == priority)
        total = float(fill[level].sum())
        solver.add_row(total - WHOLE, np.inf, n_x + level, np.ones(level.shape[0]))
    start = np.zeros(model.n_cols)
    start[:n_x] = units[edges]
    start[n_x : n_x + n_f] = fill
    served = np.zeros(len(layout.pairs))
    np.maximum.at(served, layout.pair_of_edge, (units[edges] > WHOLE).astype(np.float64))
    start[n_x + n_f :] = served
    solver.set_start(start)
    found = solver.solve() if work is None else work.solve(solver, work.left())
    clock = found.status == Status.TIME_LIMIT
    if not found.feasible or found.objective > served.sum() - 0.5:
        return None, clock
    return np.where(sub.whole, np.round(found.x[:n_x]), found.x[:n_x]), clock


def improve_nations(
    problem: SourcingProblem,
    part: PartArrays,
    units: np.ndarray,
    fills: np.ndarray,
    seconds: float,
    least: float = 0.0,
    work: WorkBudget | None = None,
) -> tuple[np.ndarray, bool]:
    """``units`` (one per edge of the part [offer units]) with groups of lines re-sourced
    from fewer nations; ``fills`` is each line's fill [line units]: each priority level
    keeps its total (see the module docstring). The search is bounded by work (nodes per
    group, sweeps) and ends early once the (nation, line) pairs reach ``least`` (a proven
    bound); ``seconds`` [s] is a hard stop. With ``work`` (spent as it goes) the search
    also ends when that is spent, at the same point on every machine. Returns the units
    and whether the clock stopped the search (then the point depends on the machine's
    speed)."""
    deadline = time.monotonic() + seconds
    x = units.copy()
    capabilities = np.array([problem.lines[int(n)].capability for n in part.line_ids])
    groups = [capabilities == c for c in sorted(set(capabilities.tolist()))]
    nodes = GROUP_NODES
    for _ in range(MAX_SWEEPS):
        gained = False
        served = np.zeros(len(part.line_ids), dtype=bool)
        served[part.edge_line[x > WHOLE]] = True
        order = []
        for k, g in enumerate(groups):
            pairs = _pairs(part, x, g)
            order.append((pairs - int((g & served).sum()), pairs, k))
        for _, pairs, k in sorted(order, reverse=True):
            if _pairs(part, x) <= least + WHOLE:
                return x, False
            left = deadline - time.monotonic()
            if pairs <= 1:
                continue
            if left < MIN_STAGE_SECONDS:
                return x, True
            if work is not None and work.left() <= 0:
                return x, False
            now = line_fills(part, x)
            new, clock = _resource(problem, part, x, now, groups[k], int(nodes), left, work)
            if clock:
                return x, True  # a group's point found in part of its work: not kept
            if new is None:
                continue
            edges = np.flatnonzero(groups[k][part.edge_line])
            before = _pairs(part, x, groups[k])
            trial = x.copy()
            trial[edges] = new
            if _feasible(part, trial, fills) and _pairs(part, trial, groups[k]) < before:
                x, gained = trial, True
        if gained:  # the groups' new units may let more lines move to one nation
            x = consolidate(part, x)
        else:  # nothing found with the work each group had: give each more
            nodes = int(nodes * GROWTH)
        if nodes > MAX_GROUP_NODES:
            break
    return x, False


def _feasible(part: PartArrays, units: np.ndarray, fills: np.ndarray) -> bool:
    """True when ``units`` fills every priority level at least as much as ``fills`` do
    and gives every offer at most its quantity (to WHOLE)."""
    given = np.bincount(part.edge_offer, weights=units, minlength=len(part.offer_ids))
    supplied = np.bincount(part.edge_line, weights=units / part.ratio, minlength=len(part.line_ids))
    filled = np.minimum(supplied, part.line_quantity)
    levels = np.unique(part.line_priority)
    by_level = [filled[part.line_priority == k].sum() for k in levels.tolist()]
    wanted = [fills[part.line_priority == k].sum() for k in levels.tolist()]
    return bool(
        np.all(given <= part.offer_quantity + WHOLE)
        and all(a >= b - 1e-7 for a, b in zip(by_level, wanted, strict=True))
        and np.all(units >= -WHOLE)
        and np.all(units <= part.upper + WHOLE)
    )


__all__ = ["GROUP_NODES", "GROWTH", "MAX_GROUP_NODES", "MAX_SWEEPS", "improve_nations"]
