"""Export a sourcing problem as MPS files, one per lexicographic stage, for other solvers.

The stages are the sourcing package's (:func:`forcegen.engine.sourcing.stages.sourcing_stages`,
solver-neutral models); this module writes each as a free-format MPS file that HiGHS, CBC
(also through PuLP's reader, ``pulp.LpProblem.fromMPS``) and GLPK (``glpsol --freemps``)
read alike, and a JSON manifest beside them. Figures in the files are capability units
[units] and binary nation-serves-line variables.

The files keep to what every one of those readers knows: ``NAME <stage> FREE`` (CBC's own
reader takes the bounds by fixed columns without ``FREE``), minimisation only (no
``OBJSENSE`` section, which CBC ignores), bound types ``LO``, ``UP``, ``MI``, ``FR`` and
``PL`` only (``UI``/``LI`` are refused by PuLP), integer columns between ``MARKER``
``INTORG``/``INTEND`` lines with both bounds written (readers differ on an integer column's
default upper bound), no ``RANGES`` section (a row bounded on both sides becomes two rows)
and no objective constant.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from forcegen.engine.sourcing.problem import SourcingProblem
from forcegen.engine.sourcing.solve import TIE_BREAK_WORK, Assignment, solve
from forcegen.engine.sourcing.stage_report import StageReport
from forcegen.engine.sourcing.stages import SourcingStage, sourcing_stages
from forcegen.engine.tolerances import SOLVER_GAP, UNITS
from forcegen.errors import ForcegenError
from forcegen.io.atomic import OutputTransaction, output_transaction
from forcegen.serialize import dumps_json
from forcegen.solvers import LinearModel, Sense


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _number(value: float) -> str:
    """The shortest text that reads back as the same float64."""
    return repr(float(value))


def mps_text(
    model: LinearModel, columns: Sequence[str], rows: Sequence[str], name: str = "FORCEGEN"
) -> str:
    """``model`` (which must minimise) as free-format MPS text with the given column and
    row names (letters, digits and underscores)."""
    if model.sense != Sense.MINIMISE:
        raise ValueError("mps_text writes minimisation models only: negate the costs")
    # FREE: CBC's own reader (CoinMpsIO) otherwise reads the BOUNDS section by fixed columns
    out = [f"NAME {name} FREE", "ROWS", " N OBJ"]
    # each model row becomes one or two MPS rows: (name, type, rhs)
    mps_rows: dict[int, list[tuple[str, str, float]]] = {}
    for i in range(model.n_rows):
        lower, upper = float(model.row_lower[i]), float(model.row_upper[i])
        kinds: list[tuple[str, str, float]] = []
        if lower == upper:
            kinds.append((rows[i], "E", lower))
        else:
            if math.isfinite(lower) and math.isfinite(upper):
                kinds += [(f"{rows[i]}_lo", "G", lower), (f"{rows[i]}_up", "L", upper)]
            elif math.isfinite(lower):
                kinds.append((rows[i], "G", lower))
            elif math.isfinite(upper):
                kinds.append((rows[i], "L", upper))
        mps_rows[i] = kinds
        out += [f" {kind} {row}" for row, kind, _ in kinds]
    out.append("COLUMNS")
    integral = model.integral if model.integral.shape[0] else None
    in_marker = False
    marker = 0
    for j in range(model.n_cols):
        whole = bool(integral is not None and integral[j])
        if whole != in_marker:
            out.append(f" M{marker} 'MARKER' '{'INTORG' if whole else 'INTEND'}'")
            marker += 1
            in_marker = whole
        entries = []
        if model.cost[j] != 0:
            entries.append(("OBJ", float(model.cost[j])))
        for k in range(int(model.start[j]), int(model.start[j + 1])):
            for row, _, _ in mps_rows[int(model.index[k])]:
                entries.append((row, float(model.value[k])))
        if not entries:  # a column with no entry must still be named
            entries.append(("OBJ", 0.0))
        out += [f" {columns[j]} {row} {_number(value)}" for row, value in entries]
    if in_marker:
        out.append(f" M{marker} 'MARKER' 'INTEND'")
    out.append("RHS")
    for kinds in mps_rows.values():
        out += [f" RHS {row} {_number(rhs)}" for row, _, rhs in kinds if rhs != 0]
    out.append("BOUNDS")
    for j in range(model.n_cols):
        lower, upper = float(model.col_lower[j]), float(model.col_upper[j])
        col = columns[j]
        if lower == -math.inf and upper == math.inf:
            out.append(f" FR BND {col}")
            continue
        if lower == -math.inf:
            out.append(f" MI BND {col}")
        else:
            out.append(f" LO BND {col} {_number(lower)}")
        if upper == math.inf:
            out.append(f" PL BND {col}")
        else:
            out.append(f" UP BND {col} {_number(upper)}")
    out.append("ENDATA")
    return "\n".join(out) + "\n"


RUN = {
    "cbc": "cbc {file} solve",
    "highs": "highs --options_file {options} {file}",
    "glpsol": "glpsol --freemps {file}",
    "pulp": "pulp.LpProblem.fromMPS('{file}')[1].solve(pulp.PULP_CBC_CMD())",
}
"""How each stage file is solved by another solver ({file}: the stage file; {options}: the
HiGHS options file, which asks for a proven optimum as forcegen's own solves do: HiGHS
stops at a relative gap of 1e-4 by default; CBC and GLPK close the gap by default)."""

HIGHS_OPTIONS = f"mip_rel_gap = 0\nmip_abs_gap = {SOLVER_GAP:g}\n"
"""HiGHS options that ask for a proven optimum: no relative gap, an absolute gap of
SOLVER_GAP (forcegen proves its fill stages from their granularity and a bound of its own,
:mod:`forcegen.engine.sourcing.fill_stages`, which a file alone does not carry)."""


def stage_paths(path: str | Path, stages: Sequence[SourcingStage]) -> list[Path]:
    """The file of each stage beside ``path`` (``model.mps`` gives
    ``model.stage1-fill-p1.mps``, ...)."""
    path = Path(path)
    return [
        path.with_name(f"{path.stem}.stage{k}-{stage.name}.mps")
        for k, stage in enumerate(stages, start=1)
    ]


def manifest_path(path: str | Path) -> Path:
    """The manifest beside ``path`` (``model.mps`` gives ``model.manifest.json``)."""
    path = Path(path)
    return path.with_name(f"{path.stem}.manifest.json")


def check_model_path(path: str | Path) -> Path:
    """``path`` as the name of an export (:func:`export_mps`): it must end in ``.mps``;
    raises :class:`ForcegenError` naming it otherwise. Checked before solving, so that a
    wrong name does not cost a whole solve."""
    path = Path(path)
    if path.suffix.lower() != ".mps":
        raise ForcegenError(
            f"cannot export the model to {path}: the name must end in .mps (one MPS file "
            "is written per stage beside it, e.g. model.stage1-fill-p1.mps)"
        )
    return path


def export_mps(
    problem: SourcingProblem,
    path: str | Path,
    out: OutputTransaction | None = None,
    assignments: Sequence[Assignment] | None = None,
    stage_values: Mapping[str, float] | None = None,
    reports: Sequence[StageReport] | None = None,
) -> list[Path]:
    """Write each lexicographic stage of ``problem`` as a free-format MPS file, and a JSON
    manifest beside them, staged in the output transaction ``out`` (without it: written at
    once, atomically). Returns the paths written: the stage files in order, then the
    manifest.

    ``path`` names the files (it must end in ``.mps``; ``model.mps`` gives
    ``model.stage1-fill-p1.mps``, ... and ``model.manifest.json``; ``path`` itself is not
    written). ``assignments`` and ``stage_values`` are forcegen's solution (a
    :class:`SourcingResult`'s ``assignments`` and ``organic_assignments``, and its
    ``stage_values``: what the solver reached in each stage, which the files hold); without
    assignments the problem is solved here. ``reports`` (a result's ``stages``) say what
    forcegen proved of each stage: the manifest gives each stage's ``forcegen_status`` and
    ``forcegen_bound``, and ``file_optimum`` only for a stage proven optimal (null for a
    stage the time budget stopped: its optimum lies between the bound and the value).
    Each stage minimises (a maximised fill is negated) with the earlier stages held at the
    values forcegen reached (see :mod:`forcegen.engine.sourcing.stages`); the manifest
    lists each stage's file, sense and the objective forcegen reached.
    """
    path = check_model_path(path)
    if assignments is None:
        solution = solve(problem, full=True)
        assignments, stage_values = solution.assignments, solution.stage_values
        reports = solution.stages
    stages = sourcing_stages(problem, assignments, stage_values)
    proof = {report.name: report for report in reports or ()}
    files = stage_paths(path, stages)
    options = path.with_name(f"{path.stem}.highs.opt")
    entries = []
    for k, (stage, file) in enumerate(zip(stages, files, strict=True), start=1):
        report = proof.get(stage.name)
        status: str | None = None  # unknown: no reports given
        bound: float | None = None
        if report is not None:
            status, bound = report.status.value, round(float(report.bound), 6)
        elif reports is not None:  # a stage no part has (no line can be filled): 0, proven
            status, bound = "optimal", stage.value
        entries.append(
            {
                "stage": k,
                "name": stage.name,
                "file": file.name,
                "objective": stage.description,
                "forcegen_sense": "maximise" if stage.maximise else "minimise",
                "forcegen_value": stage.value,
                "forcegen_status": status,
                "forcegen_bound": bound,
                "file_sense": "minimise",
                "file_optimum": stage.optimum if status in (None, "optimal") else None,
                "columns": stage.model.n_cols,
                "integer_columns": int(stage.model.integral.sum()),
                "holds": [row for row in stage.rows if row.startswith("hold_")],
                "run": {
                    solver: cmd.format(file=file.name, options=options.name)
                    for solver, cmd in RUN.items()
                },
            }
        )
    manifest = {
        "requirement": problem.requirement_id,
        "name": problem.name,
        "format": (
            "free MPS, one file per lexicographic stage, each to minimise (a maximised fill "
            "is negated: file_optimum = -forcegen_value); solve them in order; each holds "
            "the earlier stages at forcegen's values"
        ),
        "tolerance": (
            f"each hold allows {SOLVER_GAP:g} relative to forcegen's value plus {UNITS:g}; "
            "forcegen_value is rounded to 6 decimals"
        ),
        "columns": (
            "x_e<edge>: units of an offer given to a line; f_l<line>: fill of a line "
            "[units]; y_<nation>_l<line>: 1 when the nation serves the line"
        ),
        "proven": (
            "forcegen proves the fill stages optimal within its time budget (source "
            "--time-limit; export_mps given no solution solves with no limit on the fill "
            f"stages and {TIE_BREAK_WORK:,} nonzero-steps of work for the tie-breaks); "
            "each stage's forcegen_status says what was proven (optimal, time_limit, "
            "work_limit, not_proven; null: not known) and forcegen_bound is its proven "
            "bound in forcegen's sense; a stage "
            "not proven keeps the best point forcegen found, which another solver may "
            "beat (its file_optimum is null: the optimum lies between forcegen_bound and "
            "forcegen_value), and the later stages hold it as forcegen does"
        ),
        "stages": entries,
    }
    target = manifest_path(path)
    texts = [
        (file, mps_text(stage.model, stage.columns, stage.rows, stage.name.upper()))
        for stage, file in zip(stages, files, strict=True)
    ]
    texts += [(options, HIGHS_OPTIONS), (target, dumps_json(manifest) + "\n")]
    with output_transaction(out) as tx:
        for file, text in texts:
            tx.write(file, functools.partial(_write_text, text=text))
    return [*files, options, target]
