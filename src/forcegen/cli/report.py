"""Rich rendering of ``forcegen run`` results (the only place that formats for people)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from forcegen import ScenarioResult, Workspace
from forcegen.cli.console import make_console
from forcegen.cli.stance_report import stance_notes


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _units(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def option_label(requirement_id: str, personnel: int | None) -> str:
    if not personnel:
        return requirement_id
    return f"{personnel // 1000}k" if personnel % 1000 == 0 else f"{personnel:,}"


def summary_table(workspace: Workspace, results: Mapping[str, ScenarioResult]) -> Table:
    """One row per scenario: personnel, force-option fill and the biggest veto."""
    table = Table(
        title="Scenarios at a glance",
        caption="force-option columns: share of required units filled; * = met. "
        "Biggest vetoes: condition (troops hanging on it).",
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("scenario", overflow="fold")
    table.add_column("personnel", justify="right")
    table.add_column("nations", justify="right")
    for rid, requirement in workspace.requirements.items():
        table.add_column(option_label(rid, requirement.personnel), justify="right")
    table.add_column("biggest vetoes", overflow="fold")
    for sid, result in results.items():
        fills = [
            Text(_pct(f.fill_ratio) + ("*" if f.met else ""), style="green" if f.met else "")
            for f in result.requirements.values()
        ]
        ranked = sorted(((c, t) for c, t in result.veto.items() if t > 0), key=lambda ct: -ct[1])
        veto = ", ".join(f"{c} ({t:,})" for c, t in ranked[:2]) or "none"
        contributing = sum(1 for v in result.by_nation.values() if v > 0)
        table.add_row(sid, f"{result.personnel:,}", str(contributing), *fills, veto)
    return table


def scenario_panel(workspace: Workspace, result: ScenarioResult) -> Panel:
    """The force, the force options and the vetoes of one scenario."""
    fixed = ", ".join(f"{c}={'true' if v else 'false'}" for c, v in result.scenario.assume.items())
    assumed = ", ".join(result.assumed_false) or "none"
    head = Text()
    head.append(f"{result.personnel:,} personnel", style="bold")
    head.append(f" from {len(result.active)} active pledges\n")
    head.append(f"fixed by the scenario: {fixed or 'nothing'}\n")
    style = "yellow" if result.assumed_false else ""
    head.append(f"not fixed, assumed false: {assumed}\n", style=style)
    prov = result.provenance
    head.append(
        f"fully reported: {prov['reported_personnel']:,}; size assumed: "
        f"{prov['assumed_size_personnel']:,}; condition assumed: "
        f"{prov['assumed_condition_personnel']:,} personnel"
    )

    nations = Table(title="By nation", title_justify="left")
    nations.add_column("nation")
    nations.add_column("personnel", justify="right")
    for iso3, personnel in sorted(result.by_nation.items(), key=lambda kv: -kv[1]):
        if personnel > 0:
            nations.add_row(f"{iso3} {workspace.nations[iso3].name}", f"{personnel:,}")
    capabilities = Table(title="By capability", title_justify="left")
    capabilities.add_column("capability")
    capabilities.add_column("units", justify="right")
    capabilities.add_column("personnel", justify="right")
    for cap, units in result.by_capability.items():
        if units > 0:
            personnel = result.by_capability_personnel[cap]
            capabilities.add_row(cap, _units(units), f"{personnel:,}")

    options = Table(title="Force options", title_justify="left", expand=True)
    for column in ("force option", "fill", "met", "largest shortfall (in personnel)"):
        options.add_column(column, justify="right" if column == "fill" else "left")
    for fill in result.requirements.values():
        per_unit = {c.id: c.personnel for c in workspace.capabilities.values()}
        short = max(
            fill.lines,
            key=lambda line: (line.shortfall * per_unit[line.capability], -line.priority),
        )
        where = f" in {short.zone}" if short.zone else ""
        persons = round(short.shortfall * per_unit[short.capability])
        shortfall = (
            f"{_units(short.shortfall)} x {short.capability}{where}, p{short.priority} "
            f"(~{persons:,} personnel)"
            if short.shortfall > 0
            else "-"
        )
        options.add_row(
            fill.name,
            _pct(fill.fill_ratio),
            Text("yes", "green") if fill.met else Text("no", "red"),
            shortfall,
        )

    vetoes = Table(title="Vetoes: troops hanging on each condition", title_justify="left")
    vetoes.add_column("condition")
    vetoes.add_column("value")
    vetoes.add_column("troops", justify="right")
    for cid, troops in sorted(result.veto.items(), key=lambda kv: -kv[1]):
        value = "true" if result.values[cid] else "false"
        if cid in result.assumed_false:
            value += " (assumed)"
        vetoes.add_row(cid, value, f"{troops:,}")

    top = Table.grid(padding=(0, 3))
    top.add_row(nations, capabilities)
    body = Group(head, Text(), top, vetoes, options)
    title = f"{result.scenario.id}: {result.scenario.name}"
    return Panel(body, title=title, title_align="left")


def print_run_report(workspace: Workspace, results: Mapping[str, ScenarioResult]) -> None:
    """Print the report of ``forcegen run`` to standard output."""
    console = make_console()
    console.print(f"forcegen run: {workspace.origin}", style="bold", highlight=False)
    console.print(summary_table(workspace, results))
    for result in results.values():
        console.print(scenario_panel(workspace, result))
        notes = stance_notes(result.stance_conflicts)
        if notes is not None:
            console.print(notes, highlight=False)
    console.print(
        "veto = personnel with the condition true minus with it false, other conditions "
        "as the scenario has them. Conditions a scenario does not fix count as false.",
        style="dim",
        highlight=False,
    )
