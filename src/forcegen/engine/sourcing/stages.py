"""The lexicographic stages of a sourcing solve as separate models, for another solver.

forcegen solves the stages of :mod:`forcegen.engine.sourcing.solve` one after the other on
each independent part of the problem. :func:`sourcing_stages` states the same stages for
the whole problem, each as a model of its own to *minimise* (a maximised fill is stated as
its negative) with every earlier stage held at the value forcegen reached:

1. ``fill-p<k>``, one per priority level k in ascending order: the most filled units of
   the priority-k lines [line units], on the model without nation variables (as forcegen
   solves the fill stages);
2. ``nations``: the fewest (nation, line) pairs [nation-lines];
3. ``stated``: the fewest units of stated (not firm) pledges used [units];
4. ``units``: the fewest units used [units].

A stage whose objective is identically zero (no stated pledge, say) is left out, as forcegen
skips it. The sum over parts of each part's stage optimum is the optimum of the whole
problem's stage (the parts share no variable), so the values forcegen reports are these
stages' optima, unless a tie-break stage stopped at its time limit (then the value is the
best point found, and the later stages are held to it as forcegen holds them).

Holds: a fill stage is held to at least its value, a tie-break stage to at most it, at the
value forcegen's solver reached (``SourcingResult.stage_values``) with the slack forcegen's
own holds use (``SOLVER_GAP`` relative to the value) plus ``UNITS`` once: the solver accepts
a point within its feasibility tolerance (1e-6), a hair past what an exact point reaches.
Parts forcegen had to solve with its loose holds (``HOLD_FEASIBILITY`` per term, rare) may
need more slack than that. Without the solver's values they are worked out from the
assignments, which are rounded to ``DIGITS`` decimals (a fill of 2/3 is reported as
0.666667, above the exact optimum), with ``UNITS`` per figure summed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.engine.sourcing.solve import Assignment, Layout, build_model
from forcegen.engine.tolerances import SOLVER_GAP, UNITS
from forcegen.solvers import LinearModel, Sense


@dataclass(frozen=True, eq=False)
class SourcingStage:
    """One stage as a model to minimise, with the earlier stages held.

    ``value`` is what forcegen reached in the stage's own sense [units or nation-lines]:
    the filled units of a fill stage (maximised), the count or units of a tie-break stage
    (minimised). The model's optimum is ``value`` for a tie-break stage and ``-value`` for a
    fill stage (``maximise`` True: the objective is the negated fill).
    """

    name: str
    """``fill-p<k>``, ``nations``, ``stated`` or ``units``."""
    description: str
    maximise: bool
    """True when forcegen maximises the stage (its model minimises the negative)."""
    value: float
    model: LinearModel
    columns: tuple[str, ...]
    """Column names, in the model's order (``x_e<edge>`` units through edge, ``f_l<line>``
    fill of line, ``y_<nation>_l<line>`` nation serves line)."""
    rows: tuple[str, ...]
    """Row names, in the model's order."""

    @property
    def optimum(self) -> float:
        """The model's optimum (its objective as written: minimised)."""
        return -self.value if self.maximise else self.value


def _safe(text: str) -> str:
    """A name fit for an MPS file: letters, digits and underscores only."""
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def _names(
    problem: SourcingProblem, edges: list[int], layout: Layout
) -> tuple[list[str], list[str]]:
    """Column and row names of :func:`build_model`'s model of the whole problem."""
    lines = range(len(problem.lines))
    columns = [f"x_e{e}" for e in edges] + [f"f_l{n}" for n in lines]
    columns += [f"y_{_safe(nation)}_l{n}" for nation, n in layout.pairs]
    rows = [f"line_l{n}" for n in lines] + [f"offer_o{o}" for o in range(len(problem.offers))]
    if layout.pairs:  # the pair rows, in the order build_model adds them
        seen: dict[tuple[str, int], None] = {}
        for e in edges:
            edge = problem.edges[e]
            seen.setdefault((problem.offers[edge.offer].nation, edge.line), None)
        rows += [f"serve_{_safe(nation)}_l{n}" for nation, n in seen]
    return columns, rows


def _with_holds(
    model: LinearModel, holds: list[tuple[np.ndarray, float, float]], cost: np.ndarray
) -> LinearModel:
    """``model`` with rows ``lower <= coefficients @ x <= upper`` appended and ``cost`` to
    minimise."""
    rows: list[tuple[float, float, list[int], list[float]]] = []
    # rebuild by rows: the model's matrix is by columns
    by_row: dict[int, tuple[list[int], list[float]]] = {i: ([], []) for i in range(model.n_rows)}
    for j in range(model.n_cols):
        for k in range(int(model.start[j]), int(model.start[j + 1])):
            cols, vals = by_row[int(model.index[k])]
            cols.append(j)
            vals.append(float(model.value[k]))
    for i in range(model.n_rows):
        rows.append((float(model.row_lower[i]), float(model.row_upper[i]), *by_row[i]))
    for coefficients, lower, upper in holds:
        idx = np.flatnonzero(coefficients)
        rows.append((lower, upper, idx.tolist(), coefficients[idx].tolist()))
    return LinearModel.from_rows(
        cost, model.col_lower, model.col_upper, rows, model.integral, Sense.MINIMISE
    )


def sourcing_stages(
    problem: SourcingProblem,
    assignments: Sequence[Assignment],
    values: Mapping[str, float] | None = None,
) -> list[SourcingStage]:
    """The stages of ``problem`` as forcegen solves them, each held to the values of the
    stages before it.

    ``values`` are the values forcegen's solver reached (``SourcingResult.stage_values``):
    each is held with forcegen's slack (``SOLVER_GAP`` relative) plus ``UNITS`` once, for
    a point the solver accepted within its feasibility tolerance. Without them the values
    are worked out from ``assignments`` (forcegen's solution: the pledges' own and organic
    assignments, rounded to 6 decimals) and each hold allows ``UNITS`` per figure summed:
    a later stage with continuous units may then come out some 1e-5 units below forcegen.
    """
    lines = list(range(len(problem.lines)))
    offers = list(range(len(problem.offers)))
    edges = list(range(len(problem.edges)))
    firm = {o.pledge: o.firm for o in problem.offers}
    filled = [0.0] * len(lines)
    for a in assignments:
        filled[a.line] += a.filled
    stages: list[SourcingStage] = []
    # fill stages, on the model without nation variables
    fill_model, fill_layout = build_model(problem, lines, offers, edges, full=False)
    full_model, full_layout = build_model(problem, lines, offers, edges, full=True)
    fill_names = _names(problem, edges, fill_layout)
    full_names = _names(problem, edges, full_layout)

    def slack(value: float, figures: int) -> float:
        """The hold's slack [objective units] for ``value`` summed from ``figures``."""
        return SOLVER_GAP * max(1.0, abs(value)) + UNITS * (1 if values is not None else figures)

    fills: list[tuple[int, int, float]] = []  # priority, lines, value
    for priority in sorted({line.priority for line in problem.lines}):
        members = [n for n in lines if problem.lines[n].priority == priority]
        value = sum(filled[n] for n in members)
        if values is not None:
            value = values.get(f"fill-p{priority}", 0.0)  # no part: no line can be filled
        fills.append((priority, len(members), value))

    def fill_costs(layout: Layout, priority: int) -> np.ndarray:
        costs = np.zeros(layout.n_cols)
        for n in lines:
            if problem.lines[n].priority == priority:
                costs[layout.f_col[n]] = 1.0
        return costs

    def fill_holds(layout: Layout, before: int) -> list[tuple[np.ndarray, float, float]]:
        holds = []
        for priority, count, value in fills[:before]:
            holds.append((fill_costs(layout, priority), value - slack(value, count), np.inf))
        return holds

    for k, (priority, count, value) in enumerate(fills):
        model = _with_holds(
            fill_model, fill_holds(fill_layout, k), -fill_costs(fill_layout, priority)
        )
        stages.append(
            SourcingStage(
                f"fill-p{priority}",
                f"most filled units of the {count} priority-{priority} line(s) [units]",
                True,
                round(value, 6),
                model,
                tuple(fill_names[0]),
                tuple(fill_names[1] + [f"hold_fill_p{p}" for p, _, _ in fills[:k]]),
            )
        )
    # tie-breaks, on the full model, every fill held
    n_x, n_f = full_layout.n_x, full_layout.n_f
    nations = np.zeros(full_layout.n_cols)
    nations[n_x + n_f :] = 1.0
    stated = np.zeros(full_layout.n_cols)
    units = np.zeros(full_layout.n_cols)
    for i, e in enumerate(edges):
        units[i] = 1.0
        if not problem.offers[problem.edges[e].offer].firm:
            stated[i] = 1.0
    used = [a for a in assignments if a.units > UNITS]
    pairs = {(a.nation, a.line) for a in used}
    tie_breaks = [
        ("nations", "fewest (nation, line) pairs [nation-lines]", nations, len(pairs), 0),
        (
            "stated",
            "fewest units of stated (not firm) pledges used [units]",
            stated,
            sum(a.units for a in used if not firm[a.pledge]),
            sum(1 for a in used if not firm[a.pledge]),
        ),
        ("units", "fewest units used [units]", units, sum(a.units for a in used), len(used)),
    ]
    holds = fill_holds(full_layout, len(fills))
    hold_names = [f"hold_fill_p{p}" for p, _, _ in fills]
    for name, description, costs, value, count in tie_breaks:
        if not costs.any():
            continue
        if values is not None:
            value = values.get(name, 0.0)
        stages.append(
            SourcingStage(
                name,
                description,
                False,
                round(float(value), 6),
                _with_holds(full_model, holds, costs),
                tuple(full_names[0]),
                tuple(full_names[1] + hold_names),
            )
        )
        holds = [*holds, (costs, -np.inf, value + slack(float(value), count))]
        hold_names = [*hold_names, f"hold_{name}"]
    return stages


__all__ = ["SourcingStage", "sourcing_stages"]
