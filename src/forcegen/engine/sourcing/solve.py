"""Force sourcing as an integer programme, solved lexicographically.

Objective, in order (each stage keeps the optimum of the ones before):
1. the filled units of priority-1 lines, then priority 2, and so on [line units];
2. the fewest distinct nations per line (interoperability);
3. firm pledges before stated ones (the fewest stated units used);
4. the fewest units used, so that no unit is assigned that adds nothing.

The model (:mod:`forcegen.engine.sourcing.formulation`): x[e] units of an offer given to
a line through edge e (whole units when the pledge's quantity is whole); f[l] the fill of
line l, at most its quantity and at most sum of x / ratio (a whole unit may over-fill a
line, the fill counts to the quantity); y[n, l] = 1 when nation n serves line l. Each
offer gives at most its quantity. Independent parts (connected components of the
offer-line graph) are solved separately; a part with one line needs no solver for its
fill.

The fill stages of every part run first (:mod:`forcegen.engine.sourcing.fill_stages`:
proven from the linear relaxation and the fill granularity, branch and bound only when
that is not enough), then the tie-breaks (:mod:`forcegen.engine.sourcing.tie_breaks`),
all within one time budget when one is given; each stage reports its value, a proven
bound and the gap between them (:mod:`forcegen.engine.sourcing.stage_report`).

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

from forcegen.engine.sourcing.budget import Budget
from forcegen.engine.sourcing.fill_stages import (
    HOLD_FEASIBILITY,
    FillOutcome,
    HeldTooTight,
    PartFill,
)
from forcegen.engine.sourcing.formulation import Layout, build_model, part_arrays
from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.engine.sourcing.stage_report import StageReport, StageStatus, combine
from forcegen.engine.sourcing.tie_breaks import TieBreakOutcome, tie_break_stages
from forcegen.engine.tolerances import UNITS
from forcegen.errors import ForcegenError
from forcegen.solvers import LinearModel, Sense

DIGITS = 6
"""Fills are rounded to this many decimals [units], far below any unit that matters, so that
the same problem gives the same numbers however it is solved."""


class SolverStatus(StrEnum):
    """Outcome of a sourcing solve."""

    OPTIMAL = "optimal"
    """Every stage proven optimal."""
    FILL_OPTIMAL = "fill_optimal"
    """Fill proven optimal; a tie-break stage (nations, firm, units) not proven (stopped at
    its time limit, or ``not_proven``: see :class:`StageStatus`) with the best solution
    found."""
    TIME_LIMIT = "time_limit"
    """A fill stage was stopped by the time budget: the fills are the best found, not
    proven (each stage's bound says how far they could be from the optimum)."""
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
    """Largest relative gap left in the tie-break stages (:attr:`StageReport.gap`): 0 =
    every one proven optimal, 1 = nothing proven above 0."""
    stage_values: Mapping[str, float] = field(default_factory=dict)
    """Objective each stage reached, summed over the parts, as the solver found it (not
    rounded): ``fill-p<k>`` [line units], ``nations`` [nation-lines], ``stated`` and
    ``units`` [units]; the tie-breaks in full mode only. A one-line part solved without
    the solver (not full) counts its fill. The values the exported stages hold
    (:mod:`forcegen.engine.sourcing.stages`)."""
    stages: tuple[StageReport, ...] = ()
    """Each stage run, in order, summed over the parts: objective, proven bound, gap,
    status and seconds (:class:`~forcegen.engine.sourcing.stage_report.StageReport`)."""


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


TIE_BREAK_WORK = 500_000
"""Work budget of the tie-break stages (nations, stated, units) of each part of a solve
given no time limit [nonzero-steps]: the solver's steps (branch-and-bound nodes and its
checks of its limits), each weighed by its model's non-zeros plus
:data:`~forcegen.engine.sourcing.budget.STEP_NONZEROS`
(:class:`~forcegen.engine.sourcing.budget.WorkBudget`), a measure that, unlike the clock,
is the same on every machine, so that the same input gives the same assignments
anywhere. Each part has its own, whatever the other parts of the problem and whether
they were cached: a part's result depends on the part alone, so a Monte Carlo pattern's
does not depend on the patterns solved before it, nor on how they are split among
workers. Most parts are proven within a fraction of it; a part it stops took 2 to 6 s
on the project's machine (docs/sourcing.md). The fill stages then have no limit (they are
always proven). A stage stopped by it keeps the best point found, and the result says so
(``status``, ``tie_break_gap``, each stage's bound and its ``work_limit`` status)."""

TIE_BREAK_SECONDS = 60.0
"""Backstop of the tie-breaks given :data:`TIE_BREAK_WORK`, over all the parts of a solve
[seconds]: a clock that only a problem with many hard parts, or a much slower or loaded
machine, reaches; a stage it stops (or leaves unstarted) reports ``time_limit``, as
under a time limit, and the result may then differ by machine."""

PART_SECONDS = 0.5
"""Least time for the tie-breaks of one part while a time limit has it [seconds]: a small
part is proven in milliseconds, and a share in proportion to its size could be too short
to start a solver."""


@dataclass
class _Part:
    """One connected part of the problem while it is being solved."""

    lines: list[int]
    offers: list[int]
    edges: list[int]
    key: bytes | None = None
    fill: FillOutcome | None = None
    tie_breaks: TieBreakOutcome | None = None
    loose: bool = False
    done: tuple[dict[int, float], list[Assignment], list[StageReport]] | None = None


def solve(
    problem: SourcingProblem,
    full: bool = True,
    cache: dict[Any, Any] | None = None,
    time_limit: float | None = None,
) -> SourcingSolution:
    """Solve ``problem`` to the exact lexicographic optimum.

    With ``full`` False only the fill stages run (enough for met and fill ratio) and the
    assignments are not returned. ``cache`` (a dict) memoises parts across calls (parts
    whose every stage is proven only). ``time_limit`` [seconds] is the budget of the whole
    solve, fill stages first (every part's, level by level across the parts), then the
    tie-breaks, shared by the parts in
    proportion to their edges; without it the fill stages have no limit and the
    tie-breaks of each part have :data:`TIE_BREAK_WORK` (the same result on every
    machine), with :data:`TIE_BREAK_SECONDS` over all parts as a backstop. A stage the
    budget stops keeps its best point; ``stages`` reports each stage's value, proven
    bound and gap.
    """
    budget = Budget(time_limit)
    parts = [_Part(*component) for component in _components(problem)]
    for part in parts:
        if cache is not None:
            part.key = _part_key(problem, part, full)
            hit = cache.get(part.key)
            if hit is not None:
                part.done = hit
                continue
        if len(part.lines) == 1 and not full:
            part.done = _one_line(problem, part)
            continue
    _fill_by_level(problem, [p for p in parts if p.done is None], budget)
    if full:
        ties = budget if budget.limited else Budget(TIE_BREAK_SECONDS)
        work = not budget.limited
        todo = sorted((p for p in parts if p.done is None), key=lambda p: len(p.edges))
        weights = [float(len(part.edges)) for part in todo]
        for k, part in enumerate(todo):
            try:
                part.tie_breaks = _tie_breaks(problem, part, ties, work, weights, k)
            except HeldTooTight:  # once more with the holds widened; then keep what is found
                part.loose = True
                part.fill, part.loose = _fill_part(problem, part, budget)
                part.tie_breaks = _tie_breaks(problem, part, ties, work, weights, k, strict=False)
    filled = [0.0] * len(problem.lines)
    assignments: list[Assignment] = []
    reports: dict[str, list[StageReport]] = {}
    for part in parts:
        if part.done is None:
            part.done = _finish(problem, part, full)
            if cache is not None and all(r.status == StageStatus.OPTIMAL for r in part.done[2]):
                cache[part.key] = part.done
        part_fill, part_assign, part_reports = part.done
        for n, value in part_fill.items():
            filled[n] = value
        assignments.extend(part_assign)
        for report in part_reports:
            reports.setdefault(report.name, []).append(report)
    order = sorted(
        reports, key=lambda name: (0, int(name[6:])) if name.startswith("fill-p") else (1, 0)
    )
    order = [n for n in order if n.startswith("fill-p")]
    order += [n for n in ("nations", "stated", "units") if n in reports]
    stages = tuple(combine(name, name.startswith("fill-p"), reports[name]) for name in order)
    by_priority: dict[int, float] = {}
    for n, line in enumerate(problem.lines):
        by_priority[line.priority] = by_priority.get(line.priority, 0.0) + filled[n]
    assignments.sort(key=lambda a: (a.line, a.pledge))
    fill_proven = all(s.status == StageStatus.OPTIMAL for s in stages if s.maximise)
    tie_gap = max((s.gap for s in stages if not s.maximise), default=0.0)
    if not fill_proven:
        status = SolverStatus.TIME_LIMIT
    elif all(s.status == StageStatus.OPTIMAL for s in stages):
        status = SolverStatus.OPTIMAL
    else:
        status = SolverStatus.FILL_OPTIMAL
    return SourcingSolution(
        tuple(filled),
        tuple(assignments),
        status,
        by_priority,
        tie_gap,
        {s.name: s.objective for s in stages},
        stages,
    )


def _part_key(problem: SourcingProblem, part: _Part, full: bool) -> bytes:
    return digest(
        full,
        tuple((problem.lines[n].quantity, problem.lines[n].priority) for n in part.lines),
        tuple(
            (
                problem.offers[o].quantity,
                problem.offers[o].nation,
                problem.offers[o].firm,
                problem.offers[o].pledge,
                problem.offers[o].organic,
                problem.offers[o].capability,
            )
            for o in part.offers
        ),
        tuple(
            (problem.edges[e].offer, problem.edges[e].line, problem.edges[e].ratio)
            for e in part.edges
        ),
    )


def _one_line(
    problem: SourcingProblem, part: _Part
) -> tuple[dict[int, float], list[Assignment], list[StageReport]]:
    """A part with one line, fill only: min(quantity, units / ratio), no solver."""
    n = part.lines[0]
    capacity = sum(
        problem.offers[problem.edges[e].offer].quantity / problem.edges[e].ratio for e in part.edges
    )
    value = round(min(problem.lines[n].quantity, capacity), DIGITS)
    name = f"fill-p{problem.lines[n].priority}"
    return {n: value}, [], [StageReport(name, True, value, value, StageStatus.OPTIMAL, 0.0)]


def _fill_by_level(problem: SourcingProblem, parts: list[_Part], budget: Budget) -> None:
    """The fill stages of ``parts``, level by level across the parts (every part's
    priority-1 stage, the smallest part first, then every part's priority 2, ...), so
    that a budget spent on one part's lower levels never leaves another part's higher
    level unfilled; sets each part's ``fill`` (and ``loose`` when its holds had to be
    widened). Without a time limit no part waits for another: each runs all its levels
    and lets its solvers go before the next part's are built (level by level they all
    lived at once: 3,652 parts of 16,000 lines, peak 116 -> 402 MB)."""
    parts = sorted(parts, key=lambda p: len(p.edges))
    if not budget.limited:
        for part in parts:
            part.fill, part.loose = _fill_part(problem, part, budget)
        return
    fills = [
        PartFill(problem, part_arrays(problem, p.lines, p.offers, p.edges), budget, p.loose)
        for p in parts
    ]
    for level in sorted({level for f in fills for level in f.levels}):
        for fill in fills:
            if level in fill.levels:
                fill.run(level)
    for part, fill in zip(parts, fills, strict=True):
        part.fill, part.loose = fill.outcome(), fill.loose


def _fill_part(problem: SourcingProblem, part: _Part, budget: Budget) -> tuple[FillOutcome, bool]:
    """Every fill stage of one part, and whether its holds had to be widened."""
    fill = PartFill(
        problem, part_arrays(problem, part.lines, part.offers, part.edges), budget, part.loose
    )
    return fill.run_all(), fill.loose


def _tie_breaks(
    problem: SourcingProblem,
    part: _Part,
    ties: Budget,
    work: bool,
    weights: list[float],
    k: int,
    strict: bool = True,
) -> TieBreakOutcome:
    """The tie-break stages of part ``k`` of ``weights``: its share of the time limit
    ``ties``, or with ``work`` the part's own :data:`TIE_BREAK_WORK` and what the backstop
    ``ties`` has left."""
    assert part.fill is not None
    arrays = part_arrays(problem, part.lines, part.offers, part.edges)
    if work:
        seconds, units = ties.left(), TIE_BREAK_WORK
    else:
        seconds, units = ties.share(weights, k, least=PART_SECONDS), None
    return tie_break_stages(
        problem,
        arrays,
        part.fill.optimum,
        part.fill.point,
        seconds,
        loose=part.loose,
        strict=strict,
        work_units=units,
    )


def units_given(problem: SourcingProblem, edges: list[int], point: Any) -> list[float]:
    """Units each edge gives [units] from a solver's point: whole numbers on whole-unit
    offers (a MIP point is whole only to the solver's integrality tolerance, 1e-6:
    2.000001 of a 2-unit pledge), else rounded to :data:`DIGITS` decimals. The rounding
    is done in whole steps of 10^-DIGITS units; where it leaves an offer's edges above
    its units (the solver's feasibility tolerance), the largest edge gives back exactly
    the excess steps, so no pledge is used beyond what it offers (up to the float
    representation of decimal fractions, 1e-15 units)."""
    scale = 10**DIGITS
    steps = []
    for i, e in enumerate(edges):
        value = max(0.0, float(point[i]))
        whole = problem.offers[problem.edges[e].offer].integral
        steps.append(round(value) * scale if whole else round(value * scale))
    by_offer: dict[int, list[int]] = {}
    for i, e in enumerate(edges):
        by_offer.setdefault(problem.edges[e].offer, []).append(i)
    for o, items in by_offer.items():
        offered = math.floor(problem.offers[o].quantity * scale + 1e-6)
        excess = sum(steps[i] for i in items) - offered
        if excess > 0:
            largest = max(items, key=lambda i: (steps[i], -i))
            steps[largest] = max(0, steps[largest] - excess)
    return [n / scale for n in steps]


def _finish(
    problem: SourcingProblem, part: _Part, full: bool
) -> tuple[dict[int, float], list[Assignment], list[StageReport]]:
    """Fills, assignments and stage reports of a solved part.

    The fill of a line is what its assigned units give, up to its quantity: worked out
    from the units (whole numbers for whole-unit pledges), not read from the fill column,
    which a later stage may leave up to the hold slack (SOLVER_GAP, relative) below it:
    2e-4 units short of a 200,000-unit line.
    """
    assert part.fill is not None
    reports = list(part.fill.reports)
    point = part.fill.point
    if full:
        assert part.tie_breaks is not None
        point = part.tie_breaks.point
        reports += part.tie_breaks.reports
    edges = part.edges
    given = dict(enumerate(units_given(problem, edges, point)))
    supplied = dict.fromkeys(part.lines, 0.0)
    for i, e in enumerate(edges):
        supplied[problem.edges[e].line] += given[i] / problem.edges[e].ratio
    fill = {n: round(min(supplied[n], problem.lines[n].quantity), DIGITS) for n in part.lines}
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
    return fill, assignments, reports


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


__all__ = [
    "DIGITS",
    "HOLD_FEASIBILITY",
    "TIE_BREAK_SECONDS",
    "TIE_BREAK_WORK",
    "Assignment",
    "Layout",
    "SolverStatus",
    "SourcingSolution",
    "build_model",
    "solve",
    "sourcing_model",
    "weighted_costs",
]
