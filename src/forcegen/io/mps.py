"""Export a sourcing problem as an MPS file, to solve it with another solver.

The model is the sourcing package's (:func:`forcegen.engine.sourcing.solve.sourcing_model`,
solver-neutral); the solver adapter writes it (:func:`forcegen.solvers.write_model`); this
module only stages the file in the output transaction. Figures in the file are capability
units [units] and binary nation-serves-line variables.
"""

from __future__ import annotations

from pathlib import Path

from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.engine.sourcing.solve import sourcing_model
from forcegen.errors import ForcegenError
from forcegen.io.atomic import OutputTransaction, output_transaction
from forcegen.solvers import SolverError, write_model


def export_mps(
    problem: SourcingProblem, path: str | Path, out: OutputTransaction | None = None
) -> Path:
    """Write the whole problem as one MIP in free MPS format, staged in the output
    transaction ``out`` (without it: written at once, atomically).

    Its objective maximises the lexicographic stages as one weighted sum: fill of each
    priority level weighted so that one unit of a higher priority outweighs every unit
    below it, minus a small weight per nation serving a line and per stated unit used.
    """
    path = Path(path)
    model = sourcing_model(problem)
    with output_transaction(out) as tx:
        # the temporary file keeps the suffix: the solver picks the format by the file name
        temp = tx.stage(path)
        try:
            write_model(model, temp)
        except SolverError as error:
            raise ForcegenError(f"cannot write the model to {path}") from error
    return path
