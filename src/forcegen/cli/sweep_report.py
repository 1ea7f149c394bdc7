"""Rich rendering of ``forcegen sweep`` results."""

from __future__ import annotations

from forcegen import SweepResult, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.report import option_label
from forcegen.cli.tables import Column, FittedTable, count, percent


def sweep_table(workspace: Workspace, result: SweepResult) -> FittedTable:
    """One row per grid point: the probabilities, personnel and expected fill."""
    varied = [a.condition for a in result.axes]
    how = "exact" if result.exact else f"{result.draws:,} draws per point, seed {result.seed:,}"
    fills = [rid for rid in workspace.requirements if f"personnel_fill:{rid}" in result.rows[0]]
    columns = [Column(f"P({names.condition(workspace, c)})", "right", key=True) for c in varied]
    columns += [Column(label, "right") for label in ("mean", "5 %", "95 %")]
    columns += [
        Column(option_label(rid, workspace.requirements[rid].personnel), "right") for rid in fills
    ]
    table = FittedTable(
        columns,
        title=f"Sweep, {len(result.rows):,} points ({how})",
        caption="P(...): probability used; personnel: mean and 5-95 %; force-option "
        "columns: expected personnel fill (filled / required personnel, line by line) and, "
        "after the slash, P(headcount): the chance that active personnel reach the "
        "option's size (unit fill and P(met) are in --json and --csv)",
    )
    for row in result.rows:
        cells = [f"{row[c]:.2f}" for c in varied]
        cells += [count(row[k]) for k in ("personnel_mean", "personnel_p05", "personnel_p95")]
        cells += [
            percent(row[f"personnel_fill:{rid}"])
            + (f" / {percent(row[f'p_headcount:{rid}'])}" if f"p_headcount:{rid}" in row else "")
            for rid in fills
        ]
        table.add_row(*cells)
    return table


def print_sweep_report(workspace: Workspace, result: SweepResult) -> None:
    """Print the sweep table to standard output."""
    make_console().print(sweep_table(workspace, result))
