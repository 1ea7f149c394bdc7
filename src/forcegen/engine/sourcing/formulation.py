"""The sourcing model of one part of the problem, as a solver-neutral integer programme.

Columns, in order: x[e] units of an offer given to a line through edge e [offer units;
whole when the offer's quantity is whole], at most what can add fill (the offer's units,
and no more than the units that fill the line: ``ratio x quantity``, rounded up to a
whole unit for whole offers); f[l] the fill of line l [line units], at most its quantity;
then, in full mode, y[n, l] = 1 when nation n serves line l (one per pair that has an
edge).

Rows, in order: per line ``f - sum x / ratio <= 0`` (a whole unit may over-fill a line,
the fill counts only up to the quantity); per offer ``sum x <= quantity``; in full mode,
per pair ``sum x / ratio - cap y <= 0`` with cap what the nation can give the line: at
most the quantity plus one unit's worth (a whole unit may over-fill), and at most what its
edges can carry [line units]. (Rows ``x <= u y`` per edge, the disaggregated form, were
measured and left out: with u the edge's upper bound they relax more than the per-pair
row, whose cap is capped by the line's quantity, and they double the rows.)

Bounding x by the units that can add fill changes no optimum: every optimum of the last
stage (fewest units used) already has it, and no earlier stage gets worse by it.

The model is built with arrays in one pass over the edges (no scan per line or per offer).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.solvers import LinearModel

WHOLE = 1e-9
"""Slack [units] when rounding ``ratio x quantity`` up to whole units (3 x 5 is
15.000000000000002 in floating point, and must stay 15)."""


@dataclass(frozen=True)
class Layout:
    """Where the variables of one part's model are: x (units through each edge, in the
    order of the part's edges) in columns 0 .. n_x - 1, f (fill of each line) in
    ``f_col[line]``, then y (nation serves line, one per pair in ``pairs``; full mode
    only). ``pair_of_edge`` gives each x column's pair (its y is column
    ``n_x + n_f + pair_of_edge[i]``; empty without y)."""

    pairs: list[tuple[str, int]]
    f_col: dict[int, int]
    n_x: int
    n_f: int
    pair_of_edge: np.ndarray

    @property
    def n_cols(self) -> int:
        """Number of columns."""
        return self.n_x + self.n_f + len(self.pairs)


@dataclass(frozen=True, eq=False)
class PartArrays:
    """One part's figures: per x column (the part's edges, in order) its offer and line
    positions in the part, ratio, upper bound [offer units] and whether it is whole; per
    offer and per line of the part its quantity."""

    line_ids: np.ndarray
    offer_ids: np.ndarray
    edge_ids: np.ndarray
    edge_offer: np.ndarray
    edge_line: np.ndarray
    ratio: np.ndarray
    upper: np.ndarray
    whole: np.ndarray
    offer_quantity: np.ndarray
    line_quantity: np.ndarray
    line_priority: np.ndarray
    edge_nation: np.ndarray
    """Per x column, the offer's nation (an index into the problem's ``arrays.nations``)."""
    edge_firm: np.ndarray
    """Per x column, True when the offer is firm."""


def part_arrays(
    problem: SourcingProblem,
    lines: Sequence[int],
    offers: Sequence[int],
    edges: Sequence[int],
) -> PartArrays:
    """The arrays of the part made of ``lines``, ``offers`` and ``edges`` (indices into the
    problem's; every edge's line and offer must be in the part)."""
    arrays = problem.arrays
    line_ids = np.asarray(lines, dtype=np.int64)
    offer_ids = np.asarray(offers, dtype=np.int64)
    edge_ids = np.asarray(edges, dtype=np.int64)
    line_pos = np.full(len(problem.lines), -1, dtype=np.int64)
    line_pos[line_ids] = np.arange(line_ids.shape[0])
    offer_pos = np.full(len(problem.offers), -1, dtype=np.int64)
    offer_pos[offer_ids] = np.arange(offer_ids.shape[0])
    edge_offer = offer_pos[arrays.edge_offer[edge_ids]]
    edge_line = line_pos[arrays.edge_line[edge_ids]]
    if edge_ids.shape[0] and (edge_offer.min() < 0 or edge_line.min() < 0):
        raise ValueError("an edge of the part joins a line or an offer outside it")
    ratio = arrays.edge_ratio[edge_ids]
    whole = arrays.offer_integral[arrays.edge_offer[edge_ids]]
    offer_quantity = arrays.offer_quantity[offer_ids]
    line_quantity = arrays.line_quantity[line_ids]
    useful = ratio * line_quantity[edge_line]
    useful = np.where(whole, np.ceil(useful - WHOLE), useful)
    upper = np.minimum(offer_quantity[edge_offer], useful)
    return PartArrays(
        line_ids,
        offer_ids,
        edge_ids,
        edge_offer,
        edge_line,
        ratio,
        upper,
        whole,
        offer_quantity,
        line_quantity,
        arrays.line_priority[line_ids],
        arrays.offer_nation[arrays.edge_offer[edge_ids]],
        arrays.offer_firm[arrays.edge_offer[edge_ids]],
    )


def build_model(
    problem: SourcingProblem,
    lines: Sequence[int],
    offers: Sequence[int],
    edges: Sequence[int],
    full: bool,
) -> tuple[LinearModel, Layout]:
    """The solver-neutral model of one part (see the module docstring), without an
    objective (all costs 0); y and its rows in ``full`` mode only."""
    return part_model(problem, part_arrays(problem, lines, offers, edges), full)


def part_model(
    problem: SourcingProblem, part: PartArrays, full: bool
) -> tuple[LinearModel, Layout]:
    """:func:`build_model` of the part whose arrays are ``part``."""
    n_x, n_f = part.edge_ids.shape[0], part.line_ids.shape[0]
    n_o = part.offer_ids.shape[0]
    x = np.arange(n_x, dtype=np.int64)
    # (row, column, value) triplets: line rows, offer rows
    rows = [part.edge_line, np.arange(n_f, dtype=np.int64), n_f + part.edge_offer]
    cols = [x, n_x + np.arange(n_f, dtype=np.int64), x]
    vals = [-1.0 / part.ratio, np.ones(n_f), np.ones(n_x)]
    row_upper = [np.zeros(n_f), part.offer_quantity]
    pairs: list[tuple[str, int]] = []
    pair_of_edge = np.zeros(0, dtype=np.int64)
    integral = [part.whole, np.zeros(n_f, dtype=bool)]
    upper = [part.upper, part.line_quantity]
    if full:
        nations = problem.arrays.nations
        nation = part.edge_nation
        key = nation * len(problem.lines) + part.line_ids[part.edge_line]
        distinct, pair_of_edge = np.unique(key, return_inverse=True)  # by (nation, line)
        pair_of_edge = pair_of_edge.reshape(-1)
        n_p = distinct.shape[0]
        pairs = [
            (nations[k // len(problem.lines)], k % len(problem.lines)) for k in distinct.tolist()
        ]
        y = n_x + n_f + np.arange(n_p, dtype=np.int64)
        # pair rows, in the order of each pair's first edge
        first = np.full(n_p, n_x, dtype=np.int64)
        np.minimum.at(first, pair_of_edge, x)
        order = np.argsort(first, kind="stable")
        pair_row = np.empty(n_p, dtype=np.int64)
        pair_row[order] = n_f + n_o + np.arange(n_p)
        fill = 1.0 / part.ratio  # line units per unit through the edge
        reach = np.bincount(pair_of_edge, weights=part.upper * fill, minlength=n_p)
        step = np.zeros(n_p)
        np.maximum.at(step, pair_of_edge, fill)
        line_of_pair = np.zeros(n_p, dtype=np.int64)
        line_of_pair[pair_of_edge] = part.edge_line
        cap = np.minimum(part.line_quantity[line_of_pair] + step, reach)
        rows += [pair_row[pair_of_edge], pair_row]
        cols += [x, y]
        vals += [fill, -cap]
        row_upper += [np.zeros(n_p)]
        integral.append(np.ones(n_p, dtype=bool))
        upper.append(np.ones(n_p))
    row = np.concatenate(rows)
    col = np.concatenate(cols)
    val = np.concatenate(vals)
    order = np.lexsort((row, col))  # by column, then by row
    row, col, val = row[order], col[order], val[order]
    n_cols = n_x + n_f + len(pairs)
    row_up = np.concatenate(row_upper)
    model = LinearModel(
        cost=np.zeros(n_cols),
        col_lower=np.zeros(n_cols),
        col_upper=np.concatenate(upper),
        row_lower=np.full(row_up.shape[0], -np.inf),
        row_upper=row_up,
        start=np.searchsorted(col, np.arange(n_cols + 1)).astype(np.int32),
        index=row.astype(np.int32),
        value=val,
        integral=np.concatenate(integral),
    )
    f_col = {int(n): n_x + i for i, n in enumerate(part.line_ids.tolist())}
    return model, Layout(pairs, f_col, n_x, n_f, pair_of_edge)


GRANULARITY_DENOMINATOR = 10_000
"""Largest denominator of the fill granularity (a ratio of 1/7 gives fills in 7ths; a
part whose fills would need finer steps is treated as continuous) [1/units]."""


def _rational(value: float) -> Fraction | None:
    """``value`` as a fraction with a small denominator, None when it has none."""
    fraction = Fraction(value).limit_denominator(GRANULARITY_DENOMINATOR)
    if fraction <= 0 or abs(float(fraction) - value) > 1e-12 * max(1.0, abs(value)):
        return None
    return fraction


def granularity(part: PartArrays) -> float | None:
    """The step of the part's fills [line units]: every line's optimal fill, and so every
    fill stage's optimum, is a whole multiple of it; None when there is none (a
    continuous offer, or ratios and quantities without a small common denominator).

    The fill of a line is min(quantity, sum x / ratio) with x whole, so it is a multiple
    of the greatest common divisor of the quantities and of 1 / ratio over the edges.
    """
    if not part.whole.all():
        return None
    step: Fraction | None = None
    for value in {*(1.0 / part.ratio).tolist(), *part.line_quantity.tolist()}:
        fraction = _rational(value)
        if fraction is None:
            return None
        step = fraction if step is None else _gcd(step, fraction)
        if step.denominator > GRANULARITY_DENOMINATOR:
            return None
    return None if step is None else float(step)


def _gcd(a: Fraction, b: Fraction) -> Fraction:
    """Greatest common divisor of two positive fractions."""
    return Fraction(
        math.gcd(a.numerator * b.denominator, b.numerator * a.denominator),
        a.denominator * b.denominator,
    )


__all__ = ["Layout", "PartArrays", "build_model", "granularity", "part_arrays", "part_model"]
