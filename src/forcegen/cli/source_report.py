"""Rich rendering of ``forcegen source`` results."""

from __future__ import annotations

from rich.text import Text

from forcegen import SourcingResult, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable, count, percent, units
from forcegen.errors import in_sentence

STATUS_WORDS = {"met": "met", "short": "short", "not_offered": "no one offers"}
"""How each line status reads in the table."""

IDLE_SHOWN = 3
"""Capabilities named in the line on personnel that fills no line."""


def idle_line(workspace: Workspace, result: SourcingResult) -> str:
    """'N personnel in active pledges fill no line of this option: ...', the biggest
    capabilities first, so that the scenario total reconciles with the fill."""
    idle = result.idle_total
    serving = result.personnel - idle
    if not idle:
        return (
            f"All {count(result.personnel)} personnel in active pledges fill a line of this option."
        )
    ranked = list(result.idle_by_capability.items())
    shown = ", ".join(
        f"{count(persons)} {in_sentence(names.capability(workspace, cap))}"
        for cap, persons in ranked[:IDLE_SHOWN]
    )
    more = len(ranked) - IDLE_SHOWN
    if more > 0:
        shown += f" and {count(more)} more capabilities"
    return (
        f"{count(serving)} of them serve in its lines; {count(idle)} personnel in active "
        f"pledges fill no line of this option: {shown}."
    )


def print_source_report(workspace: Workspace, result: SourcingResult) -> None:
    """The fill table, unused pledges, personnel that fills no line and the dependence on
    one nation."""
    console = make_console()
    fill = result.fill
    which = (
        f"scenario {names.scenario(workspace, result.scenario)} (--scenario {result.scenario})"
        if result.scenario
        else "every pledge that is not withdrawn (no scenario)"
    )
    console.print(
        f"forcegen source: {names.requirement(workspace, fill.requirement_id)} "
        f"(--requirement {fill.requirement_id}), {which}",
        style="bold",
        highlight=False,
    )
    blocking = fill.blocking
    not_offered = sum(1 for line in blocking if line.status.value == "not_offered")
    verdict = (
        "met"
        if fill.met
        else f"not met: {count(not_offered)} line(s) no one offers, "
        f"{count(len(blocking) - not_offered)} short"
    )
    console.print(
        f"Personnel fill {percent(fill.personnel_fill)} ({count(fill.filled_personnel)} of "
        f"{count(fill.required_personnel)} required personnel, line by line: organic "
        f"enablers, {count(fill.organic_personnel)} of them, count in their parent's line "
        f"and in their own, as the requirement counts them); unit fill "
        f"{percent(fill.fill_ratio)} ({units(fill.filled_units)} of "
        f"{units(fill.required_units)} units); {verdict}.",
        highlight=False,
    )
    console.print(
        f"{count(result.personnel)} personnel in active pledges, as forcegen run counts "
        "them. " + idle_line(workspace, result),
        highlight=False,
    )
    nation = result.dependence_nation
    columns = [
        Column("#", "right", key=True),
        Column("line", key=True),
        Column("p", "right"),
        Column("need", "right"),
        Column("offered", "right"),
        Column("filled", "right"),
        Column("status"),
        Column("by nation"),
    ]
    table = FittedTable(
        columns,
        title="Fill by requirement line (units; p = priority, need = required)",
        caption="offered: units any pledge not withdrawn could bring, in any scenario "
        "(substitutes at their ratio, organic enablers included); short: offered but not "
        "filled here.",
    )
    for line in fill.lines:
        status = STATUS_WORDS[line.status.value]
        cells: list[str | Text] = [
            count(line.index + 1),
            names.line(workspace, line.capability, line.zone),
            count(line.priority),
            units(line.required),
            units(line.offered),
            units(line.filled),
            Text(status, style="" if line.met else "red"),
            ", ".join(f"{names.nation(workspace, k)} {units(v)}" for k, v in line.by_nation.items())
            or "-",
        ]
        table.add_row(*cells)
    console.print(table)
    if result.unused:
        unused = FittedTable(
            [Column("pledge", key=True), Column("units left", "right")],
            title="Units that could serve a line but are left unused",
        )
        for pid, amount in result.unused.items():
            unused.add_row(names.pledge(workspace, pid), units(amount))
        console.print(unused)
    if nation is not None:
        who = names.nation(workspace, nation)
        total_lost = float(sum(d.fill_lost for d in result.dependence))
        losing = [d for d in result.dependence if d.fill_lost > 0]
        only = [d for d in result.dependence if d.only_that_nation]
        text = (
            f"Without {names.nation(workspace, nation)}'s pledges (the rest re-optimised) the "
            f"force loses {units(total_lost)} unit{'' if total_lost == 1 else 's'}"
        )
        if losing:
            text += ": " + "; ".join(
                f"#{d.line + 1} {names.line(workspace, d.capability, d.zone)} "
                f"{units(d.fill_lost)}" + (f" (only {who})" if d.only_that_nation else "")
                for d in losing
            )
        lines = "line" if len(only) == 1 else "lines"
        text += f". {count(len(only))} {lines} only {who} can fill" + (
            ": " + ", ".join(f"#{d.line + 1}" for d in only) + "." if only else "."
        )
        console.print(text, highlight=False)
