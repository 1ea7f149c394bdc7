"""The fill stages of one part of a sourcing problem by minimum cuts, for many sets of
active pledges at once (Monte Carlo over condition patterns).

When every unit of a part fills one line unit (substitution ratio 1) and every offer and
line quantity is a whole number, the fill stages of the sourcing optimiser
(:mod:`forcegen.engine.sourcing.solve`) are a maximum flow: source -> offer (its
quantity) -> line (any amount, where the offer may fill the line) -> sink (the line's
quantity). Two facts make them computable without a solver:

1. Filling priority 1 first, then priority 2 without taking from priority 1, and so on,
   ends at the maximum flow into the lines of priority <= k for every k: an augmenting
   path ends at the sink, so it never lowers the flow into a line it does not end at
   (Ford and Fulkerson 1962). The optimum of the fill stage of priority k is therefore
   F(<= k) - F(<= k - 1), where F(S) is the maximum flow into the lines S.
2. By the max-flow min-cut theorem (Gale 1957, "A theorem on flows in networks"),

       F(S) = min over subsets T of S of
              sum of the quantities of the lines of S not in T
              + sum of the quantities of the active offers that may fill a line of T.

   With whole quantities the maximum flow is whole (integrality theorem), so the whole-
   unit restriction of the integer programme changes nothing.

:func:`priority_fills` evaluates the formula for every set of active pledges at once: one
matrix product per priority level, over the 2^lines subsets (at most
:data:`MAX_CUT_LINES` lines a part). All sums are of whole numbers below 2^52, exact in
float64.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.sourcing.problem import SourcingProblem

MAX_CUT_LINES = 10
"""Most lines of a part filled by cuts (2^10 subsets per set of active pledges)."""

ROWS_AT_ONCE = 1 << 12
"""Sets of active pledges whose cuts are evaluated at once (bounds the temporary
[rows x 2^lines] matrix: 32 MB at 10 lines)."""

EXACT_BELOW = 2.0**52
"""Sums of whole numbers below this are exact in float64."""


@dataclass(frozen=True)
class CutPart:
    """One part (lines, offers, edges of a sourcing problem with every relevant pledge
    active) ready for :func:`priority_fills`: ``levels`` are the part's priorities,
    ascending, and ``groups`` the line indices of each."""

    levels: tuple[int, ...]
    groups: tuple[tuple[int, ...], ...]
    lines: tuple[int, ...]
    quantity: NDArray[np.float64]
    """Each line's quantity, in the order of ``lines`` [line units]."""
    capacity: tuple[NDArray[np.float64], ...]
    """Per priority prefix: [pledge columns x 2^prefix lines] units of the offers of each
    pledge that may fill some line of the subset [units]."""
    missing: tuple[NDArray[np.float64], ...]
    """Per priority prefix: [2^prefix lines] units of the prefix's lines not in the subset."""


def cut_part(
    problem: SourcingProblem,
    lines: Sequence[int],
    offers: Sequence[int],
    edges: Sequence[int],
    column: dict[str, int],
) -> CutPart | None:
    """The part as a :class:`CutPart` (``column``: pledge id -> column of the rows given
    to :func:`priority_fills`), or None when its fill stages are not a whole-number
    maximum flow (a ratio other than 1, a quantity that is not whole, more than
    :data:`MAX_CUT_LINES` lines, sums not exact in float64)."""
    if len(lines) > MAX_CUT_LINES:
        return None
    quantities = [problem.lines[n].quantity for n in lines]
    units = [problem.offers[o].quantity for o in offers]
    if any(problem.edges[e].ratio != 1.0 for e in edges):
        return None
    if not all(float(q).is_integer() for q in (*quantities, *units)):
        return None
    if sum(quantities) + sum(units) >= EXACT_BELOW:
        return None
    levels = tuple(sorted({problem.lines[n].priority for n in lines}))
    groups = tuple(tuple(n for n in lines if problem.lines[n].priority == p) for p in levels)
    reaches: dict[int, set[int]] = {o: set() for o in offers}
    for e in edges:
        reaches[problem.edges[e].offer].add(problem.edges[e].line)
    capacity = []
    missing = []
    prefix: list[int] = []
    for group in groups:
        prefix += group
        subsets = np.arange(1 << len(prefix))
        position = {n: j for j, n in enumerate(prefix)}
        matrix = np.zeros((len(column), subsets.shape[0]))
        for o in offers:
            mask = sum(1 << position[n] for n in reaches[o] if n in position)
            if mask:
                touches = (subsets & mask) != 0
                matrix[column[problem.offers[o].pledge]] += touches * problem.offers[o].quantity
        q = np.array([problem.lines[n].quantity for n in prefix], dtype=np.float64)
        inside = (subsets[:, None] >> np.arange(len(prefix))[None, :]) & 1
        missing.append(((1 - inside) * q[None, :]).sum(axis=1).astype(np.float64))
        capacity.append(matrix)
    return CutPart(
        levels, groups, tuple(lines), np.array(quantities, float), tuple(capacity), tuple(missing)
    )


def priority_fills(part: CutPart, on: NDArray[np.bool_]) -> NDArray[np.float64]:
    """The optimum of each fill stage of ``part`` [rows x levels, line units] for each row
    of ``on`` (rows x pledge columns: which pledges are active)."""
    rows = on.shape[0]
    cumulative = np.zeros((rows, len(part.levels)))
    for start in range(0, rows, ROWS_AT_ONCE):
        block = on[start : start + ROWS_AT_ONCE].astype(np.float64)
        for k, (matrix, missing) in enumerate(zip(part.capacity, part.missing, strict=True)):
            cuts = block @ matrix
            cuts += missing[None, :]
            cumulative[start : start + ROWS_AT_ONCE, k] = cuts.min(axis=1)
    return np.diff(cumulative, axis=1, prepend=0.0)
