"""Rich rendering of ``forcegen posture`` results (one posture, or several compared)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text

from forcegen import PostureComparison, PostureResult, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable, count, percent


def _h(hours: float | None) -> str:
    return "never" if hours is None else f"{hours:,.1f} h"


def _hours_label(hours: float) -> str:
    return f"{hours:g} h"


def _km_label(km: float) -> str:
    return f"{km:,g} km"


def _which(result: PostureResult, workspace: Workspace) -> str:
    which = (
        names.scenario(workspace, result.scenario)
        if result.scenario
        else "every pledge (no scenario)"
    )
    if result.requirement:
        which += f", sourced to {names.requirement(workspace, result.requirement)}"
    return which


def _node(result: PostureResult, node_id: str | None) -> str:
    return "-" if node_id is None else result.network.node(node_id).name


def _nations(workspace: Workspace, nations: Sequence[str]) -> str:
    """'United Kingdom, France and Canada'."""
    words = [names.nation(workspace, n) for n in nations]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def worst_line(result: PostureResult, workspace: Workspace) -> str:
    """'The worst-covered segment, km 44-53 along the line (50.10 N 37.36 E), waits 19.9 h
    for France: manoeuvre brigade x 1 from Odesa.'"""
    worst = result.worst_segment
    if worst is None:
        return "The line of contact has no segment."
    p = worst.piece
    where = (
        f"km {p.start_km:,.0f}-{p.end_km:,.0f} along the line ({p.mid[0]:.2f} N {p.mid[1]:.2f} E)"
    )
    if worst.hours is None:
        return (
            "No manoeuvre unit free to move to the line stands on the ground: no segment "
            f"is reached ({where})."
        )
    unit = next((u.station for u in result.units if u.station.unit == worst.unit), None)
    who = names.pledge(workspace, unit.pledge) if unit is not None else str(worst.unit)
    return (
        f"The worst-covered segment, {where}, waits {_h(worst.hours)} for {who} from "
        f"{_node(result, worst.node)} (units free to move to the line)."
    )


def risk_line(result: PostureResult, workspace: Workspace) -> str | None:
    """Who stands within reach of Russian fires in the risk scenario, in words."""
    if result.risk_scenario is None:
        return None
    scenario = names.scenario(workspace, result.risk_scenario)
    within = (
        f"within {_km_label(result.settings.risk_km)} of the line; reckoned for "
        "posture.risk_scenario only"
    )
    if not result.at_risk:
        return f"At risk under '{scenario}' ({within}): no pledge."
    parts = [
        f"{names.pledge(workspace, a.pledge)} at {_node(result, a.node)} "
        f"({count(a.distance_km)} km)"
        for a in result.at_risk
    ]
    return f"At risk under '{scenario}' ({within}): " + "; ".join(parts) + "."


def not_stationed_lines(result: PostureResult, workspace: Workspace) -> list[str]:
    """One line per place a unit cannot stand on the ground, with its personnel."""
    groups: dict[str, list[float]] = {}
    for n in result.not_stationed:
        if n.reason.startswith("home-based"):
            why = "headquarters that sit at home, " + n.reason.split(": sits at ", 1)[-1]
        elif n.zone is not None:
            why = f"units for {names.zone(workspace, n.zone)}"
        else:
            why = "units with no zone on the ground"
        groups.setdefault(why, []).append(n.personnel)
    return [
        f"Not on the ground: {why}: {count(sum(p))} personnel ({len(p):,} "
        f"unit{'' if len(p) == 1 else 's'})."
        for why, p in groups.items()
    ]


def _layout(layout: Mapping[float, str] | None, hours: Sequence[float]) -> str:
    """'in place', 'restationed', or by hours when they differ: '6 h restationed, 24 h in
    place'."""
    words = [(layout or {}).get(h, "in place") for h in hours]
    if len(set(words)) == 1:
        return words[0]
    return ", ".join(f"{_hours_label(h)} {w}" for h, w in zip(hours, words, strict=True))


def station_line(result: PostureResult) -> str:
    """'Personnel per station: Dnipro 300 (1 unit), Kharkiv 0, ...'."""
    parts = [
        f"{_node(result, row.node)} {count(row.personnel)}"
        + (f" ({row.units:,} unit{'' if row.units == 1 else 's'})" if row.units else "")
        for row in result.stations
    ]
    return "Personnel per station: " + ", ".join(parts) + "."


def coverage_line(result: PostureResult) -> str:
    """Coverage by units free to move to the line, and counting caveated units too."""
    s = result.settings
    reach = ", ".join(f"{percent(v)} within {_hours_label(h)}" for h, v in result.coverage.items())
    text = (
        "Coverage by units free to move to the line (share of the line a manoeuvre unit "
        f"without a front-line caveat reaches by road): {reach}"
    )
    every = result.coverage_including_caveated
    if every and every != result.coverage:
        text += "; counting caveated units too: " + ", ".join(
            f"{percent(v)} within {_hours_label(h)}" for h, v in every.items()
        )
    return (
        text + f"; columns at {s.convoy_speed_kmh:g} km/h, {s.detour_factor:g} road km per km "
        "off the road legs."
    )


def _caveat_table(result: PostureResult, workspace: Workspace) -> FittedTable | None:
    if not result.caveats:
        return None
    hours = list(result.coverage)
    columns = [Column("front-line caveat lifted by", key=True)]
    for h in hours:
        columns += [Column(f"coverage {_hours_label(h)}", "right"), Column("gain", "right")]
    columns.append(Column("layout"))
    columns.append(Column("newly at risk"))
    table = FittedTable(columns, title="The price of the front-line caveat (coverage)")
    for cost in result.caveats:
        cells: list[str | Text] = [_nations(workspace, cost.nations)]
        for h in hours:
            cells += [percent(cost.coverage[h]), f"{100 * cost.gained[h]:+,.0f} pp"]
        cells.append(_layout(cost.layout, hours))
        cells.append(", ".join(names.pledge(workspace, p) for p in cost.newly_at_risk) or "none")
        table.add_row(*cells)
    return table


def print_posture_report(result: PostureResult, workspace: Workspace) -> None:
    """Where the force stands, personnel near the line, coverage, the worst segment, the
    price of the caveats and the pledges at risk."""
    console = make_console()

    def say(text: str, style: str | None = None) -> None:
        console.print(text, style=style, highlight=False, markup=False)

    say(
        f"forcegen posture: {_which(result, workspace)}: {result.posture_name}: "
        f"{count(result.personnel)} personnel in {len(result.units):,} units on the ground; "
        f"line of contact {count(result.line_km)} km in {len(result.segments):,} segments",
        "bold",
    )
    bands = ", ".join(f"{count(v)} within {_km_label(k)}" for k, v in result.within_km.items())
    say(f"Personnel near the line: {bands}.")
    say(coverage_line(result))
    say(station_line(result))
    for warning in result.warnings:
        say(f"Warning: {warning}.")
    say(worst_line(result, workspace))
    table = FittedTable(
        [
            Column("unit", key=True),
            Column("stands at"),
            Column("personnel", "right"),
            Column("km to line", "right"),
            Column("road hours", "right"),
            Column("caveat"),
        ],
        title="Where the force stands",
    )
    for u in result.units:
        st = u.station
        table.add_row(
            names.pledge(workspace, st.pledge) + (" (manoeuvre)" if st.manoeuvre else ""),
            _node(result, st.node),
            count(st.personnel),
            count(u.distance_km),
            f"{u.road_hours:,.1f}",
            "front line" if st.caveated else "-",
        )
    if table.rows:
        console.print(table)
    for text in not_stationed_lines(result, workspace):
        say(text)
    caveats = _caveat_table(result, workspace)
    if caveats is not None:
        console.print(caveats)
    line = risk_line(result, workspace)
    if line:
        say(line)


def print_comparison_report(comparison: PostureComparison, workspace: Workspace) -> None:
    """The postures side by side: personnel near the line, coverage, the worst segment,
    then each posture's caveat costs and pledges at risk."""
    console = make_console()

    def say(text: str, style: str | None = None) -> None:
        console.print(text, style=style, highlight=False, markup=False)

    if not comparison.results:
        say("No posture to compare.")
        return
    first = comparison.results[0]
    say(
        f"forcegen posture --compare: {_which(first, workspace)}: "
        f"{len(comparison.results):,} postures",
        "bold",
    )
    columns = [Column("posture", key=True)]
    columns += [Column(f"within {_km_label(k)}", "right") for k in first.within_km]
    columns += [Column(f"coverage {_hours_label(h)}", "right") for h in first.coverage]
    columns.append(Column("worst segment", "right"))
    table = FittedTable(
        columns,
        title="Postures side by side (personnel; share of the line covered by units free "
        "to move to it)",
    )
    for r in comparison.results:
        worst = r.worst_segment
        table.add_row(
            r.posture_name,
            *[count(v) for v in r.within_km.values()],
            *[percent(v) for v in r.coverage.values()],
            _h(None if worst is None else worst.hours),
        )
    console.print(table)
    for r in comparison.results:
        say(f"{r.posture_name}:", "bold")
        say(station_line(r))
        for warning in r.warnings:
            say(f"Warning: {warning}.")
        say(worst_line(r, workspace))
        caveats = _caveat_table(r, workspace)
        if caveats is not None:
            console.print(caveats)
        line = risk_line(r, workspace)
        if line:
            say(line)
