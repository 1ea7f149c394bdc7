"""Rich rendering of ``forcegen sweep`` results."""

from __future__ import annotations

from rich.table import Table

from forcegen import SweepResult, Workspace
from forcegen.cli.console import make_console
from forcegen.cli.report import option_label


def print_sweep_report(workspace: Workspace, result: SweepResult) -> None:
    """One row per grid point: the probabilities, personnel and expected fill."""
    varied = [a.condition for a in result.axes]
    how = "exact" if result.exact else f"{result.draws:,} draws per point, seed {result.seed}"
    table = Table(
        title=f"Sweep, {len(result.rows)} points ({how})",
        caption="P(...): probability used; personnel (persons): mean and 5-95 %; "
        "force-option columns: expected fill",
        title_justify="left",
        caption_justify="left",
    )
    for cid in varied:
        table.add_column(f"P({cid})", justify="right")
    for label in ("mean", "5 %", "95 %"):
        table.add_column(label, justify="right", no_wrap=True)
    fills = [rid for rid in workspace.requirements if f"fill:{rid}" in result.rows[0]]
    for rid in fills:
        table.add_column(
            option_label(rid, workspace.requirements[rid].personnel), justify="right", no_wrap=True
        )
    for row in result.rows:
        cells = [f"{row[c]:.2f}" for c in varied]
        cells += [f"{row[k]:,.0f}" for k in ("personnel_mean", "personnel_p05", "personnel_p95")]
        cells += [f"{row[f'fill:{rid}']:.0%}" for rid in fills]
        table.add_row(*cells)
    make_console().print(table)
