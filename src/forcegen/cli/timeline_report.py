"""Rich rendering of ``forcegen timeline`` results, and its ``--csv`` / ``--xlsx`` tables."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text

from forcegen import TimelineResult, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable, count
from forcegen.plots.timeline import short_size

if TYPE_CHECKING:
    from forcegen.cli.exports import Tables

PROMISED = ("stated", "earmarked", "deployed")
"""The statuses that add up to the promised force, in the table's order."""

_KIND_WORDS = {
    "refusal": "no troops",
    "condition": "troops on conditions",
    "offer": "offers troops",
}


def _day(day: dt.date) -> str:
    return day.isoformat()


def scope_line(workspace: Workspace, result: TimelineResult) -> str:
    """What is counted: every pledge not withdrawn, or those active in the scenario."""
    if result.scenario is None:
        which = "every pledge that is not withdrawn counts"
    else:
        which = (
            f"a pledge counts where its condition as of that date holds in scenario "
            f"{names.scenario(workspace, result.scenario)} (conditions it leaves unset "
            f"count as false, as in run)"
        )
    return (
        f"Personnel promised on each date something changed: each pledge as its latest "
        f"revision on or before the date says; {which}; withdrawn pledges count nowhere."
    )


def events_cell(workspace: Workspace, result: TimelineResult, day: dt.date) -> str:
    """The events of ``day``, then its statements grouped by kind ('no troops: Italy,
    Poland')."""
    parts: list[str] = []
    kinds: dict[str, list[str]] = {}
    for m in result.events_on(day):
        if m.nation is None:
            parts.append(m.label)
        else:
            kinds.setdefault(m.kind, []).append(names.nation(workspace, m.nation))
    for kind, nations in kinds.items():
        parts.append(f"{_KIND_WORDS.get(kind, kind)}: {', '.join(nations)}")
    return "; ".join(parts) or "-"


def options_cell(result: TimelineResult, n: int) -> str:
    """The headline sizes of the force options on the table at date position ``n``."""
    sizes = [result.options[oid][n] for oid in result.on_table(n)]
    return ", ".join(short_size(size) for size in sizes if size is not None) or "none"


def options_change(result: TimelineResult) -> bool:
    """True when the force options on the table differ between two dates."""
    return len({options_cell(result, n) for n in range(len(result.dates))}) > 1


def dates_table(workspace: Workspace, result: TimelineResult) -> FittedTable:
    """One row per date: total promised, by status, force options on the table (when
    they change), events and statements."""
    withdrawn = any(result.personnel.get("withdrawn", ()))
    options = options_change(result)
    columns = [
        Column("date", key=True),
        Column("total promised", "right"),
        *(Column(s, "right") for s in PROMISED),
        *([Column("withdrawn", "right")] if withdrawn else []),
        *([Column("options on the table")] if options else []),
        Column("events and statements"),
    ]
    table = FittedTable(
        columns,
        title="The promised force on each date (persons)",
        caption="total promised = stated + earmarked + deployed"
        + (
            "; options: headline sizes of the force options floated and not dropped"
            if options
            else ""
        ),
    )
    for n, day in enumerate(result.dates):
        table.add_row(
            _day(day),
            Text(count(result.total[n]), style="bold"),
            *(count(result.personnel[s][n]) for s in PROMISED),
            *([count(result.personnel["withdrawn"][n])] if withdrawn else []),
            *([options_cell(result, n)] if options else []),
            events_cell(workspace, result, day),
        )
    return table


def nations_table(result: TimelineResult) -> FittedTable | None:
    """Per nation: when it first promised personnel, its peak and its last figure."""
    rows = [(iso3, v) for iso3, v in result.by_nation.items() if any(v)]
    if not rows:
        return None
    last = _day(result.dates[-1])
    table = FittedTable(
        [
            Column("nation", key=True),
            Column("first promised"),
            Column("peak", "right"),
            Column("peak on"),
            Column(f"on {last}", "right"),
        ],
        title="Promised personnel by nation (persons)",
    )
    rows.sort(key=lambda row: (-row[1][-1], -max(row[1])))
    for iso3, values in rows:
        first = next(n for n, v in enumerate(values) if v)
        peak = max(values)
        table.add_row(
            result.nation_names.get(iso3, iso3),
            _day(result.dates[first]),
            count(peak),
            _day(result.dates[values.index(peak)]),
            count(values[-1]),
        )
    return table


def summary_line(result: TimelineResult) -> str:
    """First and last totals, and the peak."""
    if not result.dates:
        return "Nothing is dated in this period: no date to show."
    total = result.total
    peak = max(total)
    when = result.dates[total.index(peak)]
    return (
        f"Promised: {count(total[0])} on {_day(result.dates[0])}, {count(total[-1])} on "
        f"{_day(result.dates[-1])}; the most, {count(peak)}, from {_day(when)}."
    )


def timeline_renderables(workspace: Workspace, result: TimelineResult) -> list[RenderableType]:
    """Everything the report prints, in order."""
    which = (
        f"scenario {names.scenario(workspace, result.scenario)}"
        if result.scenario
        else "every pledge (no scenario)"
    )
    period = (
        f"{len(result.dates):,} dates from {_day(result.dates[0])} to {_day(result.dates[-1])}"
        if result.dates
        else "no dates"
    )
    as_of = f", as of {_day(result.as_of)}" if result.as_of is not None else ""
    out: list[RenderableType] = [
        Text(f"forcegen timeline: {workspace.origin}, {which}{as_of}, {period}", "bold"),
        Text(scope_line(workspace, result)),
    ]
    if result.dates:
        out.append(dates_table(workspace, result))
        if not options_change(result):
            out.append(
                Text(
                    "Force options on the table on every date (headline sizes): "
                    + options_cell(result, 0)
                    + "."
                )
            )
    out.append(Text(summary_line(result)))
    nations = nations_table(result)
    if nations is not None:
        out.append(nations)
    return out


def print_timeline_report(workspace: Workspace, result: TimelineResult) -> None:
    """Scope, the table of dates, totals, and promised personnel by nation."""
    console = make_console()
    for renderable in timeline_renderables(workspace, result):
        console.print(renderable, highlight=False)


def timeline_tables(workspace: Workspace, result: TimelineResult) -> Tables:
    """``Timeline`` (main: a row per date; totals by status, one column per nation and
    per force option [persons], the events of the date), ``Nations``, ``Force options``,
    ``Events`` and ``Pledges`` (each pledge from each change of its record)."""
    import pandas as pd

    dates = list(result.dates)
    main: dict[str, Any] = {
        "date": dates,
        "total promised [persons]": list(result.total),
    }
    for status, counts in result.personnel.items():
        main[f"{status} [persons]"] = list(counts)
    for iso3, counts in result.by_nation.items():
        main[f"{result.nation_names.get(iso3, iso3)} ({iso3}) [persons]"] = list(counts)
    for oid, sizes in result.options.items():  # missing where the option is not on the table
        name = result.option_names.get(oid, oid)
        main[f"{name} ({oid}) on the table [persons]"] = pd.array(list(sizes), dtype="Int64")
    main["events"] = ["; ".join(m.label for m in result.events_on(day)) or None for day in dates]
    nations = pd.DataFrame(
        [
            {
                "date": day,
                "nation": iso3,
                "nation name": result.nation_names.get(iso3, iso3),
                "personnel [persons]": values[n],
            }
            for iso3, values in result.by_nation.items()
            for n, day in enumerate(dates)
        ],
        columns=["date", "nation", "nation name", "personnel [persons]"],
    )
    options = pd.DataFrame(
        [  # headline personnel: missing where the option is not on the table
            {
                "date": day,
                "force option": oid,
                "force option name": result.option_names.get(oid, oid),
                "headline personnel [persons]": values[n],
                "on the table": values[n] is not None,
            }
            for oid, values in result.options.items()
            for n, day in enumerate(dates)
        ],
        columns=[
            "date",
            "force option",
            "force option name",
            "headline personnel [persons]",
            "on the table",
        ],
    )
    events = pd.DataFrame(
        [
            {
                "date": m.date,
                "label": m.label,
                "kind": m.kind,
                "nation": m.nation,
                "nation name": result.nation_names.get(m.nation, names.nation(workspace, m.nation))
                if m.nation
                else None,
                "stance": m.stance,
                "event": m.event,
                "source": m.source,
                "summary": m.summary,
            }
            for m in result.events
        ],
        columns=[
            "date",
            "label",
            "kind",
            "nation",
            "nation name",
            "stance",
            "event",
            "source",
            "summary",
        ],
    )
    pledges = pd.DataFrame(
        [
            {
                "pledge": s.pledge,
                "nation": s.nation,
                "nation name": names.nation(workspace, s.nation),
                "capability": s.capability,
                "capability name": names.capability(workspace, s.capability),
                "from": s.start,
                "status": s.status.value,
                "personnel [persons]": s.personnel,
                "counted": s.counted,
            }
            for s in result.spans
        ],
        columns=[
            "pledge",
            "nation",
            "nation name",
            "capability",
            "capability name",
            "from",
            "status",
            "personnel [persons]",
            "counted",
        ],
    )
    options["headline personnel [persons]"] = options["headline personnel [persons]"].astype(
        "Int64"
    )
    return {
        "Timeline": pd.DataFrame(main),
        "Nations": nations,
        "Force options": options,
        "Events": events,
        "Pledges": pledges,
    }
