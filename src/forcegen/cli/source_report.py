"""Rich rendering of ``forcegen source`` results."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from forcegen import SourcingResult, Workspace
from forcegen.cli.console import make_console


def _u(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def print_source_report(workspace: Workspace, result: SourcingResult) -> None:
    """The fill table, unused pledges and the dependence on one nation."""
    console = make_console()
    fill = result.fill
    which = f"scenario {result.scenario}" if result.scenario else "every pledge (no scenario)"
    console.print(
        f"forcegen source: {fill.requirement_id} ({fill.name}), {which}: "
        f"{_u(fill.filled_units)} of {_u(fill.required_units)} units filled "
        f"({fill.fill_ratio:.0%}), {'met' if fill.met else 'not met'}",
        style="bold",
        highlight=False,
    )
    nation = result.dependence_nation
    table = Table(title="Fill by requirement line (units; p = priority)", title_justify="left")
    for column in (
        "#",
        "p",
        "capability",
        "zone",
        "required",
        "filled",
        "short",
        "by nation",
        f"lost w/o {nation}",
    ):
        table.add_column(
            column,
            justify="right" if column in ("#", "p", "required", "filled", "short") else "left",
            overflow="fold",
        )
    for line, dep in zip(fill.lines, result.dependence, strict=True):
        lost = _u(dep.fill_lost) if dep.fill_lost else "-"
        if dep.only_that_nation:
            lost += f" (only {nation})"
        table.add_row(
            str(line.index),
            str(line.priority),
            line.capability,
            line.zone or "any",
            _u(line.required),
            _u(line.filled),
            Text(_u(line.shortfall), style="red") if line.shortfall else Text("-"),
            ", ".join(f"{k} {_u(v)}" for k, v in line.by_nation.items()) or "-",
            lost,
        )
    console.print(table)
    if result.unused:
        unused = Table(
            title="Units that could serve a line but are left unused", title_justify="left"
        )
        for column in ("pledge", "nation", "capability", "units"):
            unused.add_column(column, justify="right" if column == "units" else "left")
        for pid, units in result.unused.items():
            p = workspace.pledges[pid]
            unused.add_row(pid, p.nation, p.capability, _u(units))
        console.print(unused)
    total_lost = float(sum(d.fill_lost for d in result.dependence))
    only = [d for d in result.dependence if d.only_that_nation]
    console.print(
        f"Without {nation}'s pledges the force loses {_u(total_lost)} units; "
        f"{len(only)} line(s) only {nation} can fill"
        + (": " + ", ".join(f"#{d.line} {d.capability}" for d in only) if only else "."),
        highlight=False,
    )
