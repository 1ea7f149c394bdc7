"""Rich rendering of ``forcegen sweep`` results."""

from __future__ import annotations

from forcegen import SweepResult, Workspace
from forcegen.cli.console import make_console
from forcegen.cli.report import option_label
from forcegen.cli.tables import Column, FittedTable, count, percent


def sweep_table(workspace: Workspace, result: SweepResult) -> FittedTable:
    """One row per grid point: the values varied (probabilities, or the figures a field
    path set), personnel and expected fill; with a field-path axis, the coalition's
    sustainable strength at the horizon and the personnel it takes over it."""
    varied = [a.condition for a in result.axes]
    paths = {a.condition for a in result.axes if a.is_path}
    months = result.sustain_months
    how = "exact" if result.exact else f"{result.draws:,} draws per point, seed {result.seed:,}"
    fills = [rid for rid in workspace.requirements if f"personnel_fill:{rid}" in result.rows[0]]
    columns = [Column(a.label(workspace), "right", key=True) for a in result.axes]
    columns += [Column(label, "right") for label in ("mean", "5 %", "95 %")]
    if months is not None:
        columns += [
            Column(f"sustained at month {months:,}", "right"),
            Column(f"personnel over {months:,} months", "right"),
        ]
    columns += [
        Column(option_label(rid, workspace.requirements[rid].personnel), "right") for rid in fills
    ]
    table = FittedTable(
        columns,
        title=f"Sweep, {len(result.rows):,} points ({how})",
        caption="P(...): probability used; other varied columns: the figure set, as --set "
        "sets it; personnel: mean and 5-95 %; "
        + (
            "sustained: coalition strength held in the last month of the horizon; personnel "
            "over the horizon: distinct personnel who serve in it (rotations included); "
            if months is not None
            else ""
        )
        + "force-option "
        "columns: expected personnel fill (filled / required personnel, line by line) and, "
        "after the slash, P(headcount): the chance that active personnel reach the "
        "option's size (unit fill and P(met) are in --json and --csv)",
    )
    for row in result.rows:
        cells = [f"{row[c]:,g}" if c in paths else f"{row[c]:.2f}" for c in varied]
        cells += [count(row[k]) for k in ("personnel_mean", "personnel_p05", "personnel_p95")]
        if months is not None:
            cells += [
                count(row[k]) for k in ("sustain_at_horizon", "sustain_personnel_over_horizon")
            ]
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
