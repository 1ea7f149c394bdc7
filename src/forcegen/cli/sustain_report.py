"""Rich rendering of ``forcegen sustain`` results."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from forcegen import SustainmentResult, Workspace
from forcegen.cli.console import make_console


def print_sustain_report(workspace: Workspace, result: SustainmentResult) -> None:
    """Per-nation table, coalition strength over time, headquarters leads, warnings."""
    console = make_console()
    which = f"scenario {result.scenario}" if result.scenario else "every pledge (no scenario)"
    console.print(
        f"forcegen sustain: {workspace.origin}, {which}, {result.months} months",
        style="bold",
        highlight=False,
    )
    table = Table(
        title="Land and joint contributions against each nation's land forces (persons)",
        title_justify="left",
        caption="ceiling = (pool - commitments x rotation ratio) / rotation ratio; "
        "fails = last month the full pledge can be kept",
        caption_justify="left",
    )
    for column in (
        "nation",
        "pledged",
        "ceiling",
        "headroom",
        "fails at month",
        "draw-down needed",
        "from",
    ):
        table.add_column(
            column, justify="left" if column in ("nation", "from") else "right", overflow="fold"
        )
    for iso3, n in result.nations.items():
        fails = "never" if n.fails_at_month is None else str(n.fails_at_month)
        draw = "-" if n.draw_down_needed == 0 else f"{n.draw_down_needed:,.0f}"
        if not n.draw_down_enough:
            draw += " (not enough)"
        source = "; ".join(
            f"{d.location or d.commitment} {d.personnel:,.0f}" for d in n.draw_down_from
        )
        table.add_row(
            iso3,
            f"{n.pledged:,}",
            f"{n.ceiling:,.0f}",
            Text(f"{n.headroom:+,.0f}", style="red" if n.headroom < 0 else "green"),
            Text(fails, style="red" if n.fails_at_month is not None else ""),
            draw,
            source or "-",
        )
    console.print(table)
    curve = Table(title="Coalition strength in the field (persons)", title_justify="left")
    wanted = {1, result.months}
    for n in result.nations.values():
        wanted.add(n.tour_months + 1)
        if n.fails_at_month is not None:
            wanted.add(n.fails_at_month + 1)
    marks = sorted(m for m in wanted if 1 <= m <= result.months)
    if len(marks) > 10:  # keep the first, the last and the earliest changes
        marks = [*marks[:9], result.months]
    for m in marks:
        curve.add_column(f"month {m}", justify="right", no_wrap=True)
    curve.add_row(*(f"{result.deployed[m - 1]:,.0f}" for m in marks))
    console.print(curve)
    first = result.after_first_rotation
    console.print(
        "after the first rotation: "
        + (f"{first:,.0f}" if first is not None else "beyond the horizon")
        + "; "
        f"at month {result.months}: {result.at_horizon:,.0f}",
        highlight=False,
    )
    if result.headquarters:
        hqs = Table(title="Headquarters and lead nations", title_justify="left")
        for column in ("headquarters", "location", "lead", "months"):
            hqs.add_column(column)
        for h in result.headquarters:
            hqs.add_row(h.name, h.location, h.lead, f"{h.from_month}-{h.to_month}")
        console.print(hqs)
    for warning in result.warnings:
        console.print("warning: " + warning, style="yellow", markup=False, highlight=False)
