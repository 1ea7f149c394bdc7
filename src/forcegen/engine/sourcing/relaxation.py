"""Proven bounds from a linear relaxation, and what whole units make of them.

A solver's "optimal" LP objective is optimal to within its tolerances (1e-7 per row and
per reduced cost), which is not a proof. :func:`dual_bound` turns the solver's row duals
into a bound that holds exactly (up to the float64 sums it adds, which it allows for):
for any multipliers ``lam`` on the rows,

    max cost @ x  <=  sum_i h_i(lam_i) + sum_j max over [lower_j, upper_j] of r_j x_j,

with ``r = cost - A' lam`` and ``h_i = lam_i x (row upper bound)`` when ``lam_i > 0``,
``lam_i x (row lower bound)`` when ``lam_i < 0`` (the Lagrangian relaxation of the rows
over the box of the columns). Any multipliers give a valid bound; the solver's duals give
the LP optimum, to its tolerances.

:func:`lattice_floor` rounds a bound down to the fill granularity
(:func:`forcegen.engine.sourcing.formulation.granularity`): a fill stage whose optimum is a
multiple of the granularity is proven once a point reaches the bound rounded down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from forcegen.solvers import LinearModel

SUM_ERROR = 1e-9
"""Allowance for the float64 sums of a bound, relative to the sum of the magnitudes of
its terms [fraction]: far above their rounding error (about 1e-16 per term added)."""


@dataclass(frozen=True, eq=False)
class HeldRow:
    """A row added to a model: ``lower <= value @ x[index] <= upper``."""

    lower: float
    upper: float
    index: np.ndarray
    value: np.ndarray


def dual_bound(
    model: LinearModel,
    held: Sequence[HeldRow],
    cost: np.ndarray,
    row_dual: np.ndarray,
    maximise: bool,
) -> float:
    """A proven bound on the optimum of ``cost @ x`` (an upper bound when ``maximise``,
    else a lower bound) over the relaxation of ``model`` with the rows ``held`` appended,
    from the multipliers ``row_dual`` (one per row, ``model``'s then ``held``'s, signed
    as the solver reports them: both signs are tried, the tighter bound is kept).
    ``inf`` (or ``-inf``) when no finite bound comes out."""
    sign = 1.0 if maximise else -1.0
    c = sign * np.asarray(cost, dtype=np.float64)
    lower = np.concatenate([model.row_lower, [h.lower for h in held]])
    upper = np.concatenate([model.row_upper, [h.upper for h in held]])
    column_of = np.repeat(np.arange(model.n_cols), np.diff(model.start))
    best = np.inf
    for lam in (np.asarray(row_dual, dtype=np.float64), -np.asarray(row_dual, dtype=np.float64)):
        lam = np.where(np.isfinite(upper), lam, np.minimum(lam, 0.0))
        lam = np.where(np.isfinite(lower), lam, np.maximum(lam, 0.0))
        rows = np.where(lam > 0, lam * np.where(lam > 0, upper, 0.0), 0.0)
        rows = rows + np.where(lam < 0, lam * np.where(lam < 0, lower, 0.0), 0.0)
        at = np.bincount(
            column_of, weights=model.value * lam[model.index], minlength=model.n_cols
        )  # A' lam, model rows
        for k, h in enumerate(held):
            np.add.at(at, h.index, h.value * lam[model.n_rows + k])
        reduced = c - at
        with np.errstate(invalid="ignore"):
            columns = np.maximum(reduced * model.col_lower, reduced * model.col_upper)
        columns = np.where(reduced == 0.0, 0.0, columns)
        terms = np.concatenate([rows, columns])
        if not np.all(np.isfinite(terms)):
            continue
        total = float(np.sum(terms)) + SUM_ERROR * (1.0 + float(np.sum(np.abs(terms))))
        best = min(best, total)
    return sign * best


def lattice_floor(bound: float, step: float | None) -> float:
    """``bound`` rounded down to a whole multiple of ``step`` (unchanged without one): the
    largest value on the lattice that the optimum can take. The bound already allows for
    its own rounding (:func:`dual_bound`), so this one only absorbs the float64 error of
    the division (``1e-9`` of a step)."""
    if step is None or not np.isfinite(bound):
        return bound
    return float(np.floor(bound / step + 1e-9) * step)


__all__ = ["SUM_ERROR", "HeldRow", "dual_bound", "lattice_floor"]
