"""Rich rendering of ``forcegen sensitivity`` results (a tornado over planning figures)."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text

from forcegen import PlanningSensitivity, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable
from forcegen.plots.assumptions import figure_label


def _signed(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    if round(value, digits) == 0:
        return "0"
    return f"{value:+,.{digits}f}"


def _pair(low: float | None, high: float | None, digits: int = 0) -> str:
    return f"{_signed(low, digits)} / {_signed(high, digits)}"


def _largest_fill(workspace: Workspace | None, bar: Any) -> str:
    """The force option whose personnel fill moves most, in percentage points."""
    best: str | None = None
    size = 0.0
    for effect in (bar.low, bar.high):
        for rid, delta in effect.fills.items():
            if abs(delta) > size + 1e-12:
                best, size = rid, abs(delta)
    if best is None:
        return "0"
    low, high = bar.low.fills[best] * 100, bar.high.fills[best] * 100
    return f"{names.requirement(workspace, best)}: {_pair(low, high, 1)} pts"


def _closure(effect: Any) -> float | None:
    return None if effect.closure_day is None else float(effect.closure_day)


def sensitivity_table(workspace: Workspace | None, result: PlanningSensitivity) -> FittedTable:
    """One row per figure, ranked: change in strength at the horizon and after the first
    rotation [persons], the largest change in a fill [points], closure day [days]."""
    columns = [
        Column("planning figure: base -> low / high", key=True),
        Column(f"in the field at month {result.months:,} (low / high)", "right"),
        Column("after first rotation (low / high)", "right"),
        Column("largest fill change (low / high)", "right"),
    ]
    if result.closure:
        columns.append(Column("closure day (low / high)", "right"))
    table = FittedTable(
        columns,
        title="Change from the base plan when each planning figure is varied (persons)",
    )
    for bar in result.bars:
        cells = [
            figure_label(workspace, bar),
            _pair(bar.low.at_horizon, bar.high.at_horizon),
            _pair(bar.low.after_first_rotation, bar.high.after_first_rotation),
            _largest_fill(workspace, bar),
        ]
        if result.closure:
            cells.append(
                _pair(_closure(bar.low), _closure(bar.high))
                if bar.figure == "readiness_days"
                else "-"
            )
        table.add_row(*cells)
    return table


def base_line(workspace: Workspace | None, result: PlanningSensitivity) -> str:
    """The base plan's figures the deltas are measured from."""
    scenario = names.scenario(workspace, result.scenario)
    after = (
        "beyond the horizon"
        if result.base_after_first_rotation is None
        else f"{result.base_after_first_rotation:,.0f}"
    )
    parts = [
        f"Base plan ({scenario}): {result.base_at_horizon:,.0f} persons in the field at "
        f"month {result.months:,}, {after} after the first rotation"
    ]
    if result.closure:
        day = result.base_closure_day
        parts.append("the deployment does not close" if day is None else f"closure on day {day:,}")
    return "; ".join(parts) + "."


def method_line(result: PlanningSensitivity) -> str:
    """How each figure was varied and how the rows are ranked."""
    return (
        f"Each figure varied by -/+{result.spread:.0%} (clamped: rotation ratio at least 1, "
        "fraction at most 1, whole months of at least 1, whole days of at least 0; * marks "
        "a clamped or rounded value). Rows ranked by the largest change in strength in the "
        "field, then in a fill, then in closure day."
    )


def sensitivity_renderables(
    workspace: Workspace | None, result: PlanningSensitivity
) -> list[RenderableType]:
    """Base line, method line, the ranked table, notes."""
    out: list[RenderableType] = [Text(base_line(workspace, result)), Text(method_line(result))]
    if result.bars:
        out.append(sensitivity_table(workspace, result))
    else:
        out.append(Text("No active pledge: no planning figure to vary."))
    out.extend(Text(f"note: {note}") for note in result.notes)
    return out


def print_sensitivity_report(workspace: Workspace | None, result: PlanningSensitivity) -> None:
    """Print the report to stdout."""
    console = make_console()
    for renderable in sensitivity_renderables(workspace, result):
        console.print(renderable, highlight=False)
