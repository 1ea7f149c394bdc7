"""Solver-neutral linear and integer programmes, and their solutions.

A :class:`LinearModel` is what an engine hands to a solver adapter
(:class:`forcegen.solvers.highs.HighsSolver`); a :class:`Solution` is what it gets back.
Neither names a solver, so the engines import no solver package.

The programme::

    minimise or maximise   cost @ x
    subject to             row_lower <= A @ x <= row_upper
                           col_lower <=   x   <= col_upper
                           x[j] whole where integral[j]

Units are the engine's own (the sourcing model counts capability units, the deployment
model persons or short tons and item-days); the adapter never rescales them. A missing
bound is ``-inf`` or ``inf``. ``A`` is stored by columns (compressed sparse columns): the
entries of column ``j`` are ``value[start[j]:start[j + 1]]`` in rows
``index[start[j]:start[j + 1]]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from forcegen.errors import ForcegenError


class SolverError(ForcegenError):
    """The solver refused a request (an option, a model, a file it cannot write)."""


class Sense(StrEnum):
    """Direction of the objective."""

    MINIMISE = "minimise"
    MAXIMISE = "maximise"


class Method(StrEnum):
    """Algorithm for a linear programme (integer programmes always use branch and bound)."""

    CHOOSE = "choose"
    """The solver's own choice."""
    SIMPLEX = "simplex"
    """Dual or primal simplex: re-solves start from the last basis (warm restart)."""
    IPM = "ipm"
    """Interior point with crossover to a basis: fastest on a first solve of a large LP."""
    PRIMAL_SIMPLEX = "primal_simplex"
    """Primal simplex: a re-solve after a new objective starts from a basis that is still
    feasible (the lexicographic stages of the sourcing relaxation: 3 to 10 times fewer
    iterations than the dual simplex there)."""


class Status(StrEnum):
    """Outcome of one solve, in the solver's terms but under our names."""

    OPTIMAL = "optimal"
    """Proven optimal (within the gaps the adapter was given)."""
    INFEASIBLE = "infeasible"
    """Proven to have no feasible point."""
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    """Infeasible or unbounded, and the solver did not tell which (presolve stopped)."""
    UNBOUNDED = "unbounded"
    """Feasible with an objective that improves without limit."""
    TIME_LIMIT = "time_limit"
    """Stopped by the time limit; :attr:`Solution.feasible` says whether a point is known."""
    WORK_LIMIT = "work_limit"
    """Stopped by a work limit (branch-and-bound nodes, simplex iterations, the solver's
    checks of its limits): the same
    model and options stop at the same point on any machine; :attr:`Solution.feasible`
    says whether a point is known."""
    FAILED = "failed"
    """Anything else (numerical trouble, a solver error, an interrupt)."""


def _array(values: Sequence[float] | np.ndarray, dtype: type = np.float64) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=dtype)


@dataclass(frozen=True, eq=False)
class LinearModel:
    """A linear or mixed-integer programme (see the module docstring for its form).

    Arrays are NumPy: ``cost``, ``col_lower``, ``col_upper`` and ``integral`` per column,
    ``row_lower`` and ``row_upper`` per row, ``start`` (int32, one more than the columns),
    ``index`` (int32) and ``value`` (float64) the matrix by columns. ``integral`` is empty
    for a pure LP.
    """

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    integral: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    sense: Sense = Sense.MINIMISE

    def __post_init__(self) -> None:
        n, m = self.n_cols, self.n_rows
        shapes = {
            "col_lower": (self.col_lower.shape[0], n),
            "col_upper": (self.col_upper.shape[0], n),
            "row_upper": (self.row_upper.shape[0], m),
            "start": (self.start.shape[0], n + 1),
            "value": (self.value.shape[0], self.index.shape[0]),
        }
        if self.integral.shape[0]:
            shapes["integral"] = (self.integral.shape[0], n)
        for name, (got, want) in shapes.items():
            if got != want:
                raise ValueError(f"LinearModel.{name} has {got} entries, expected {want}")

    @property
    def n_cols(self) -> int:
        """Number of columns (variables)."""
        return int(self.cost.shape[0])

    @property
    def n_rows(self) -> int:
        """Number of rows (constraints)."""
        return int(self.row_lower.shape[0])

    @property
    def is_mip(self) -> bool:
        """True when some column must be whole."""
        return bool(self.integral.any())

    @classmethod
    def from_rows(
        cls,
        cost: Sequence[float] | np.ndarray,
        col_lower: Sequence[float] | np.ndarray,
        col_upper: Sequence[float] | np.ndarray,
        rows: Sequence[tuple[float, float, Sequence[int], Sequence[float]]],
        integral: Sequence[bool] | np.ndarray = (),
        sense: Sense = Sense.MINIMISE,
    ) -> LinearModel:
        """The model whose rows are ``(lower, upper, columns, coefficients)``, in order.

        A column may appear at most once in a row.
        """
        n_cols = len(cost)
        lengths = np.fromiter((len(r[2]) for r in rows), dtype=np.int64, count=len(rows))
        row_of = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        cols = np.fromiter((c for r in rows for c in r[2]), dtype=np.int64, count=row_of.shape[0])
        vals = np.fromiter((v for r in rows for v in r[3]), dtype=np.float64, count=row_of.shape[0])
        order = np.lexsort((row_of, cols))  # by column, then by row
        cols, row_of, vals = cols[order], row_of[order], vals[order]
        return cls(
            cost=_array(cost),
            col_lower=_array(col_lower),
            col_upper=_array(col_upper),
            row_lower=_array([r[0] for r in rows]),
            row_upper=_array([r[1] for r in rows]),
            start=np.searchsorted(cols, np.arange(n_cols + 1)).astype(np.int32),
            index=row_of.astype(np.int32),
            value=vals,
            integral=_array(integral, dtype=bool),
            sense=sense,
        )


def _empty() -> np.ndarray:
    return np.zeros(0)


@dataclass(frozen=True, eq=False)
class Solution:
    """What one solve found.

    ``x`` holds the column values when a feasible point is known (``feasible``), else it
    is empty; ``objective`` is ``cost @ x`` of that point, recomputed from it (nan without
    one). ``bound`` is
    the best bound proven on the optimum (equal to ``objective`` when optimal; for a MIP
    stopped early the branch-and-bound bound, ``inf`` or ``-inf`` when none is known).
    ``row_dual`` holds the dual value of each row of an LP, in objective units per unit of
    the row, signed as the solver reports them (empty for a MIP or without a point).
    ``detail`` is the solver's own word for the status, for messages.
    """

    status: Status
    sense: Sense
    x: np.ndarray = field(default_factory=_empty)
    objective: float = float("nan")
    bound: float = float("nan")
    row_dual: np.ndarray = field(default_factory=_empty)
    detail: str = ""
    solver_objective: float = float("nan")
    """The objective the solver itself reported (nan without a point); ``objective`` is
    recomputed from ``x``, and the adapter never reports a point as optimal when the two
    disagree."""

    @property
    def feasible(self) -> bool:
        """True when a feasible point is known (``x`` holds it)."""
        return self.status == Status.OPTIMAL or self.x.shape[0] > 0

    @property
    def gap(self) -> float:
        """How far the point is from proven optimal, relative to max(1, |objective|)
        [fraction]: 0 when optimal, ``inf`` when no bound is known, nan without a point.
        Signed: a bound a rounding error past the objective gives a tiny negative gap."""
        if not np.isfinite(self.bound):
            return float("inf") if np.isfinite(self.objective) else float("nan")
        shortfall = self.objective - self.bound
        if self.sense == Sense.MAXIMISE:
            shortfall = -shortfall
        return float(shortfall / max(abs(self.objective), 1.0))
