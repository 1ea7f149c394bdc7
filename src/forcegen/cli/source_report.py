"""Rich rendering of ``forcegen source`` results."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from forcegen import TIE_BREAK_SECONDS, SolverStatus, SourcingResult, Workspace, names
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


STAGE_WORDS = {
    "nations": "fewest nations per line",
    "stated": "fewest stated units",
    "units": "fewest units",
}
"""How each tie-break stage reads in the stage table; a fill stage reads 'fill, priority k'."""

STAGE_STATUS_WORDS = {
    "optimal": "optimal",
    "time_limit": "time limit",
    "work_limit": "work limit",
    "not_proven": "not proven",
}
"""How each stage status reads in the stage table."""

STATUS_LINES = {
    "optimal": "every stage proven optimal",
    "fill_optimal": "fill proven optimal; a tie-break stage was stopped by the time limit "
    "(--time-limit) with the bound below",
    "time_limit": "the time limit (--time-limit) stopped a fill stage: the fill is the best "
    "found, not proven; raise --time-limit for a proven fill",
}
"""The verdict line under the stage table, by ``status``."""

NOT_PROVEN_LINE = (
    "fill proven optimal; a tie-break stage is not proven (the solver found the values held "
    "by the stages before too tight within its tolerances and kept the point in hand: a "
    "longer --time-limit does not change it) with the bound below"
)
"""The verdict line when a tie-break stage is not proven and none was stopped by the clock."""


WORK_LIMIT_LINE = (
    "fill proven optimal; a tie-break stage was stopped by its budget of solver work "
    "(--reproducible: the same point on every machine) with the bound below"
)
"""The verdict line when a tie-break stage was stopped by the work budget, none by a clock."""

BACKSTOP_LINE = (
    "fill proven optimal; a tie-break stage was stopped by the backstop clock of the "
    f"work-bounded solve ({TIE_BREAK_SECONDS:g} s over all its parts) with the bound below: "
    "the point may differ by machine"
)
"""The verdict line when the backstop clock of a work-bounded solve stopped a tie-break."""


def _verdict(result: SourcingResult) -> str:
    """The verdict line under the stage table."""
    statuses = {stage.status.value for stage in result.stages}
    if result.status.value == "fill_optimal" and "time_limit" in statuses:
        return BACKSTOP_LINE if result.time_limit is None else STATUS_LINES["fill_optimal"]
    if result.status.value == "fill_optimal":
        return WORK_LIMIT_LINE if "work_limit" in statuses else NOT_PROVEN_LINE
    return STATUS_LINES.get(result.status.value, result.status.value)


def _figure(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-6 else f"{value:,.2f}"


def print_stages(console: Console, result: SourcingResult) -> None:
    """The lexicographic stages: what each reached, its proven bound and gap, in order."""
    if not result.stages:
        return
    table = FittedTable(
        [
            Column("stage", key=True),
            Column("value", "right"),
            Column("bound", "right"),
            Column("gap", "right"),
            Column("status"),
            Column("s", "right"),
        ],
        title="Lexicographic stages (each keeps the optimum of those before; s = seconds)",
        caption="bound: proven, given the stages before; "
        "gap = |bound - value| / max(1, value, bound), 0 when proven. Status: " + _verdict(result),
    )
    for stage in result.stages:
        name = (
            f"fill, priority {stage.name[6:]}"
            if stage.name.startswith("fill-p")
            else STAGE_WORDS.get(stage.name, stage.name)
        )
        proven = stage.status.value == "optimal"
        table.add_row(
            name,
            _figure(stage.objective),
            _figure(stage.bound),
            percent(stage.gap, 1),
            Text(
                STAGE_STATUS_WORDS.get(stage.status.value, stage.status.value),
                style="" if proven else "yellow",
            ),
            f"{stage.seconds:.2f}",
        )
    console.print(table)


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
    print_stages(console, result)
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
        plural = "" if total_lost == 1 else "s"
        if _fill_proven(result.dependence_status) and _fill_proven(result.status):
            text = (
                f"Without {who}'s pledges (the rest re-optimised) the force loses "
                f"{units(total_lost)} unit{plural}"
            )
        else:  # a fill not proven: neither loss is a proven figure, nor a bound on it
            text = (
                f"Without {who}'s pledges (the rest re-optimised) the force loses "
                f"{units(total_lost)} unit{plural} in the best sourcing found, not proven "
                "within the time limit (the fill "
                + ("without" if not _fill_proven(result.dependence_status) else "with")
                + f" {who} may be better)"
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


def _fill_proven(status: SolverStatus | None) -> bool:
    """True when the fill stages of a solve were proven optimal."""
    return status in (SolverStatus.OPTIMAL, SolverStatus.FILL_OPTIMAL)
