"""Rich rendering of ``forcegen run`` results (the only place that formats for people)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from forcegen import LineFill, RequirementFill, ScenarioResult, StanceConflict, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.stance_report import print_stance_notes
from forcegen.cli.tables import Column, FittedTable, count, percent, units


def option_label(requirement_id: str, personnel: int | None) -> str:
    """A short column header for a force option: '25k' for 25,000, else the id."""
    if not personnel:
        return requirement_id
    return f"{personnel // 1000}k" if personnel % 1000 == 0 else f"{personnel:,}"


def line_name(workspace: Workspace, line: LineFill) -> str:
    """'ISTAR squadron (Ukrainian airspace)': a line in words."""
    return names.line(workspace, line.capability, line.zone)


def not_offered(workspace: Workspace, results: Mapping[str, ScenarioResult]) -> list[str]:
    """Lines (in words, once each) that no pledge could fill in any scenario, in the order
    of the force options and their lines."""
    seen: dict[str, None] = {}
    for result in results.values():
        for fill in result.requirements.values():
            for line in fill.lines:
                if line.status.value == "not_offered":
                    seen.setdefault(line_name(workspace, line))
        break  # "offered" does not depend on the scenario
    return list(seen)


SHORT_SHOWN = 3
"""Short lines named per force option in a panel (the largest personnel shortfalls)."""


def blocking_text(workspace: Workspace, fill: RequirementFill) -> str:
    """Which lines keep ``fill`` from being met: those no one offers, then those short in
    this scenario (filled of required units), the largest personnel shortfall first."""
    if fill.met:
        return "-"
    none = [line_name(workspace, line) for line in fill.blocking if line.status.value != "short"]
    short = sorted(
        (line for line in fill.blocking if line.status.value == "short"),
        key=lambda line: (-line.shortfall * line.personnel_per_unit, line.index),
    )
    parts = []
    if none:
        parts.append("no one offers: " + "; ".join(none))
    if short:
        named = "; ".join(
            f"{line_name(workspace, line)} {units(line.filled)} of {units(line.required)}"
            for line in short[:SHORT_SHOWN]
        )
        more = len(short) - SHORT_SHOWN
        plural = "s" if len(short) != 1 else ""
        tail = f"; {count(more)} more" if more > 0 else ""
        parts.append(f"short on {count(len(short))} line{plural}: {named}{tail}")
    return ". ".join(parts)


def compact_percent(share: float) -> str:
    """'54%': a share [0-1] for narrow columns, one word so that it never wraps."""
    return percent(share).replace(" ", "")


def summary_table(workspace: Workspace, results: Mapping[str, ScenarioResult]) -> FittedTable:
    """One row per scenario: personnel, personnel fill of each force option and the
    biggest vetoes."""
    columns = [
        Column("scenario", key=True),
        Column("personnel", "right"),
        Column("nations", "right"),
        *(
            Column(option_label(rid, requirement.personnel), "right")
            for rid, requirement in workspace.requirements.items()
        ),
        Column("biggest vetoes"),
    ]
    table = FittedTable(
        columns,
        title="Scenarios at a glance",
        caption="Force-option columns: personnel fill (personnel of the filled lines / "
        "personnel the option requires); * = met. Unit fill and the lines that block "
        "'met' are in each scenario's panel. Biggest vetoes: condition (troops hanging on it).",
    )
    for sid, result in results.items():
        fills = [
            Text(
                compact_percent(f.personnel_fill) + ("*" if f.met else ""),
                style="green" if f.met else "",
            )
            for f in result.requirements.values()
        ]
        ranked = sorted(((c, t) for c, t in result.veto.items() if t > 0), key=lambda ct: -ct[1])
        veto = (
            ", ".join(f"{names.condition(workspace, c)} ({count(t)})" for c, t in ranked[:2])
            or "none"
        )
        contributing = sum(1 for v in result.by_nation.values() if v > 0)
        table.add_row(
            names.scenario(workspace, sid),
            count(result.personnel),
            count(contributing),
            *fills,
            veto,
        )
    return table


def scenario_panel(workspace: Workspace, result: ScenarioResult) -> Panel:
    """The force, the force options (and what blocks them) and the vetoes of one scenario."""
    fixed = ", ".join(
        f"{names.condition(workspace, c)} {'true' if v else 'false'}"
        for c, v in result.scenario.assume.items()
    )
    assumed = ", ".join(names.condition(workspace, c) for c in result.assumed_false) or "none"
    head = Text()
    head.append(f"--scenario {result.scenario.id}: ")
    head.append(f"{count(result.personnel)} personnel", style="bold")
    head.append(f" from {count(len(result.active))} active pledges\n")
    head.append(f"fixed by the scenario: {fixed or 'nothing'}\n")
    style = "yellow" if result.assumed_false else ""
    head.append(f"not fixed, assumed false: {assumed}\n", style=style)
    prov = result.provenance
    head.append(
        f"fully reported: {count(prov['reported_personnel'])}; size assumed: "
        f"{count(prov['assumed_size_personnel'])}; condition assumed: "
        f"{count(prov['assumed_condition_personnel'])} personnel"
    )

    nations = FittedTable(
        [Column("nation", key=True), Column("personnel", "right")], title="By nation"
    )
    for iso3, personnel in sorted(result.by_nation.items(), key=lambda kv: -kv[1]):
        if personnel > 0:
            nations.add_row(names.nation(workspace, iso3), count(personnel))
    capabilities = FittedTable(
        [Column("capability", key=True), Column("units", "right"), Column("personnel", "right")],
        title="By capability",
    )
    for cap, amount in result.by_capability.items():
        if amount > 0:
            capabilities.add_row(
                names.capability(workspace, cap),
                units(amount),
                count(result.by_capability_personnel[cap]),
            )

    options = FittedTable(
        [
            Column("force option", key=True),
            Column("personnel fill", "right"),
            Column("unit fill", "right"),
            Column("met"),
            Column("lines that block 'met' (units filled of required)"),
        ],
        title="Force options",
        caption="personnel fill: filled units x personnel per unit of each line's "
        "capability, over the option's required personnel; unit fill: filled / required "
        "units. 'No one offers': no pledge in any scenario could fill the line.",
    )
    for fill in result.requirements.values():
        options.add_row(
            names.requirement(workspace, fill.requirement_id),
            percent(fill.personnel_fill),
            percent(fill.fill_ratio),
            Text("yes", "green") if fill.met else Text("no", "red"),
            blocking_text(workspace, fill),
        )

    vetoes = FittedTable(
        [Column("condition", key=True), Column("value"), Column("troops", "right")],
        title="Vetoes: troops hanging on each condition",
    )
    for cid, troops in sorted(result.veto.items(), key=lambda kv: -kv[1]):
        value = "true" if result.values[cid] else "false"
        if cid in result.assumed_false:
            value += " (assumed)"
        vetoes.add_row(names.condition(workspace, cid), value, count(troops))

    body: list[RenderableType] = [head, Text(), nations, capabilities, vetoes, options]
    return Panel(Group(*body), title=result.scenario.name, title_align="left")


def print_run_report(workspace: Workspace, results: Mapping[str, ScenarioResult]) -> None:
    """Print the report of ``forcegen run`` to standard output."""
    console = make_console()
    console.print(f"forcegen run: {workspace.origin}", style="bold", highlight=False)
    console.print(summary_table(workspace, results))
    missing = not_offered(workspace, results)
    if missing:
        console.print(
            f"No one offers, in any scenario ({count(len(missing))} line(s), so no option "
            "that needs them can be met): " + "; ".join(missing) + ".",
            highlight=False,
        )
    conflicts: dict[str, StanceConflict] = {}
    active_in: dict[str, list[str]] = {}
    for result in results.values():
        console.print(scenario_panel(workspace, result))
        for conflict in result.stance_conflicts:
            conflicts.setdefault(conflict.pledge, conflict)
            active_in.setdefault(conflict.pledge, []).append(result.scenario.name)
    # each conflict once, with the scenarios it matters in
    print_stance_notes(console, conflicts.values(), active_in)
    console.print(
        "veto = personnel with the condition true minus with it false, other conditions "
        "as the scenario has them. Conditions a scenario does not fix count as false.",
        style="dim",
        highlight=False,
    )
