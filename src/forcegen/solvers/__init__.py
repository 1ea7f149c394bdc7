"""Solver adapters: the only place that constructs solver objects.

Engines describe a programme as a solver-neutral :class:`LinearModel`, load it with
:class:`HighsSolver` (the HiGHS adapter, :mod:`forcegen.solvers.highs`) and read back a
:class:`Solution`; they never import a solver package. Solver output never reaches the
user's stdout (see ``docs/limits.md`` and the ``--verbose`` option).
"""

from forcegen.solvers.highs import HighsSolver, write_model
from forcegen.solvers.model import LinearModel, Method, Sense, Solution, SolverError, Status

__all__ = [
    "HighsSolver",
    "LinearModel",
    "Method",
    "Sense",
    "Solution",
    "SolverError",
    "Status",
    "write_model",
]
