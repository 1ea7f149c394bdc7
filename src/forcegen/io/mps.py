"""Export a sourcing problem as an MPS file, to solve it with another solver."""

from __future__ import annotations

from pathlib import Path

from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.engine.sourcing.solve import build_highs, weighted_costs
from forcegen.errors import ForcegenError
from forcegen.io.atomic import OutputTransaction, output_transaction


def export_mps(
    problem: SourcingProblem, path: str | Path, out: OutputTransaction | None = None
) -> Path:
    """Write the whole problem as one MIP in free MPS format, staged in the output
    transaction ``out`` (without it: written at once, atomically).

    Its objective maximises the lexicographic stages as one weighted sum: fill of each
    priority level weighted so that one unit of a higher priority outweighs every unit
    below it, minus a small weight per nation serving a line and per stated unit used.
    """
    import highspy

    path = Path(path)
    lines = list(range(len(problem.lines)))
    offers = list(range(len(problem.offers)))
    edges = list(range(len(problem.edges)))
    h, meta = build_highs(problem, lines, offers, edges, full=True)
    costs = weighted_costs(problem, meta, edges)
    n = costs.shape[0]
    if n:
        import numpy as np

        h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    with output_transaction(out) as tx:
        # the temporary file keeps the suffix: HiGHS picks the format by the file name
        temp = tx.stage(path)
        status = h.writeModel(str(temp))  # kWarning only notes that columns are unnamed
        if status == highspy.HighsStatus.kError or temp.stat().st_size == 0:
            raise ForcegenError(f"cannot write the model to {path}")
    return path
