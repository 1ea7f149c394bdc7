"""Rich rendering of ``forcegen sustain`` results."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from forcegen import SustainmentResult, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable, count

_PARAMETER_WORDS = {
    "deployable_fraction": "deployable fraction",
    "rotation_ratio": "rotation ratio",
    "tour_months": "tour months",
}


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def scope_line(result: SustainmentResult) -> str:
    """The scenario's personnel as ``run`` gives it, and what ``sustain`` leaves out."""
    return f"Personnel: sustain {result.scope.text()}."


def defaults_line(result: SustainmentResult) -> str:
    """The defaults nations fall back on, and whether the workspace gives them."""
    d = result.defaults
    given = d.given
    where = (
        "from the workspace's defaults"
        if len(given) == len(_PARAMETER_WORDS)
        else "built-in, the workspace gives none"
        if not given
        else "the workspace gives " + ", ".join(_PARAMETER_WORDS[g] for g in given)
    )
    using = [iso3 for iso3, n in result.nations.items() if n.from_defaults]
    return (
        f"Defaults ({where}): deployable fraction {d.deployable_fraction:g}, rotation "
        f"ratio {d.rotation_ratio:g}, tours of {d.tour_months:,} months; "
        f"{len(using):,} of {len(result.nations):,} nations take at least one of them."
    )


def nations_table(workspace: Workspace, result: SustainmentResult) -> FittedTable:
    """Per nation: peak load, headquarters staff, ceiling, failure, draw-down, personnel
    over the horizon."""
    table = FittedTable(
        [
            Column("nation", key=True),
            Column("peak load", "right"),
            Column("of which HQ staff (months)", "right"),
            Column("ceiling", "right"),
            Column("fails after month", "right"),
            Column("to draw down", "right"),
            Column(f"needed over {result.months:,} months", "right"),
        ],
        title="Land and joint load against each nation's land forces (persons)",
        caption="load = pledged + staff of the headquarters led; ceiling = (pool - "
        "commitments x rotation ratio) / rotation ratio; needed = distinct personnel "
        "who must serve to hold the load, whether or not the nation has them "
        "(docs/rotation.md)",
    )
    for iso3, n in result.nations.items():
        staff = "; ".join(
            f"{h.staff:,} ({h.from_month:,}-{min(h.to_month or result.months, result.months):,})"
            for h in n.headquarters
            if h.from_month <= result.months
        )
        fails = "never" if n.fails_at_month is None else f"{n.fails_at_month:,}"
        draw = "-" if n.draw_down_needed == 0 else count(n.draw_down_needed)
        if not n.draw_down_enough:
            draw += " (not enough)"
        table.add_row(
            names.nation(workspace, iso3),
            Text(count(n.peak_load), style="red" if n.headroom < 0 else "green"),
            staff or "-",
            count(n.ceiling),
            Text(fails, style="red" if n.fails_at_month is not None else ""),
            draw,
            count(n.personnel_over_horizon(result.months)),
        )
    return table


def draw_down_lines(workspace: Workspace, result: SustainmentResult) -> list[str]:
    """Where each nation's draw-down would come from, one line per nation."""
    lines = []
    for iso3, n in result.nations.items():
        if not n.draw_down_from:
            continue
        parts = "; ".join(f"{d.commitment} {count(d.personnel)}" for d in n.draw_down_from)
        short = "" if n.draw_down_enough else " (not enough)"
        lines.append(f"Draw-down, {names.nation(workspace, iso3)}: {parts}{short}.")
    return lines


def marked_months(result: SustainmentResult) -> list[int]:
    """Months worth a column: the first and last, each headquarters change (and the
    month before), each nation's first rotation and the month after it fails."""
    wanted = {1, result.months}
    for n in result.nations.values():
        wanted.add(n.tour_months + 1)
        if n.fails_at_month is not None:
            wanted.add(n.fails_at_month + 1)
    for h in result.headquarters:
        if h.stood_up and h.from_month > 1:
            wanted |= {h.from_month - 1, h.from_month}
    marks = sorted(m for m in wanted if 1 <= m <= result.months)
    if len(marks) > 8:  # keep the earliest changes and the last month
        marks = [*marks[:7], result.months]
    return marks


def load_table(workspace: Workspace, result: SustainmentResult) -> FittedTable:
    """Load by nation in the marked months, headquarters staff included, and the
    coalition's load and strength in the field."""
    marks = marked_months(result)
    table = FittedTable(
        [Column("month", key=True), *(Column(f"{m:,}", "right") for m in marks)],
        title="Load by month, headquarters staff included (persons)",
        caption="in the field: what each nation can keep there after its pledge fails",
    )
    for iso3, n in result.nations.items():
        table.add_row(names.nation(workspace, iso3), *(count(n.load(m)) for m in marks))
    load = result.load
    table.add_row(Text("coalition load", style="bold"), *(count(load[m - 1]) for m in marks))
    table.add_row(
        Text("in the field", style="bold"), *(count(result.deployed[m - 1]) for m in marks)
    )
    return table


def handover_tables(workspace: Workspace, result: SustainmentResult) -> list[FittedTable]:
    """For each headquarters changing lead, the new lead's position in the month it takes
    over, with and without the headquarters' staff."""
    tables = []
    for h in result.handovers:
        table = FittedTable(
            [
                Column(f"month {h.month:,}", key=True),
                Column("load", "right"),
                Column("in the field", "right"),
                Column("short", "right"),
                Column("headroom", "right"),
                Column("fails after month", "right"),
            ],
            title=f"{names.nation(workspace, h.lead)} takes over {h.name} in month "
            f"{h.month:,} ({h.staff:,} staff): its position with and without them (persons)",
        )
        for label, p in (("with the staff", h.with_hq), ("without", h.without_hq)):
            table.add_row(
                label,
                count(p.load),
                count(p.deployed),
                count(p.short),
                f"{p.headroom:+,.0f}",
                "never" if p.fails_at_month is None else f"{p.fails_at_month:,}",
            )
        tables.append(table)
    return tables


def headquarters_table(workspace: Workspace, result: SustainmentResult) -> FittedTable | None:
    """Each headquarters, where, who leads it when and its staff."""
    if not result.headquarters:
        return None
    table = FittedTable(
        [
            Column("headquarters", key=True),
            Column("location"),
            Column("lead"),
            Column("months", "right"),
            Column("staff", "right"),
        ],
        title="Headquarters and lead nations",
        caption=None
        if all(h.stood_up for h in result.headquarters)
        else "not stood up: no pledge of its capability is active, so its staff loads no one",
    )
    for h in result.headquarters:
        staff = count(h.staff) if h.staff else "none given"
        if not h.stood_up:
            staff += " (not stood up)"
        table.add_row(
            h.name,
            h.location,
            names.nation(workspace, h.lead),
            f"{h.from_month:,}-{h.to_month:,}",
            staff,
        )
    return table


def sustain_renderables(workspace: Workspace, result: SustainmentResult) -> list[RenderableType]:
    """Everything the report prints, in order."""
    which = (
        f"scenario {names.scenario(workspace, result.scenario)}"
        if result.scenario
        else "every pledge (no scenario)"
    )
    out: list[RenderableType] = [
        Text(f"forcegen sustain: {workspace.origin}, {which}, {result.months:,} months", "bold"),
        Text(scope_line(result)),
        Text(defaults_line(result)),
        nations_table(workspace, result),
        *(Text(line) for line in draw_down_lines(workspace, result)),
        load_table(workspace, result),
        *handover_tables(workspace, result),
    ]
    first = result.after_first_rotation
    out.append(
        Text(
            "Coalition in the field after the first rotation: "
            + (count(first) if first is not None else "beyond the horizon")
            + f"; at month {result.months:,}: {count(result.at_horizon)}. Personnel needed "
            f"to hold the load over {result.months:,} months (distinct persons who must "
            f"serve, given tours and rotation, whether or not the nations have them): "
            f"{count(result.personnel_over_horizon)}."
        )
    )
    hqs = headquarters_table(workspace, result)
    if hqs is not None:
        out.append(hqs)
    out.extend(Text("warning: " + w, style="yellow") for w in result.warnings)
    return out


def print_sustain_report(workspace: Workspace, result: SustainmentResult) -> None:
    """Scope, defaults, per-nation table, load by month, headquarters handovers, the
    coalition's strength and personnel over the horizon, headquarters leads, warnings."""
    console = make_console()
    for renderable in sustain_renderables(workspace, result):
        console.print(renderable, highlight=False)
