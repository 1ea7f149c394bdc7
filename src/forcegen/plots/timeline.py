"""The timeline chart: the promised force over time, as a think tank would publish it.

Top panel: promised personnel stacked by nation (steps: a pledge holds until its next
revision), one colour per nation (:func:`~forcegen.plots.style.nation_colours`), the
force options as dashed step lines labelled with their size (100k, 64k...) where they
are on the table. Bottom panel: the same force by status (stated, earmarked, deployed)
and what was withdrawn. Above both: the events and the nations' statements, each a thin
vertical line with a short label; labels are staggered over as many rows as they need
so that none overlaps another (measured, not guessed). A caption names the scenario,
the dataset's sources and the sources of the events.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from forcegen import TimelineResult, names
from forcegen.io.atomic import OutputTransaction
from forcegen.model.workspace import Workspace
from forcegen.plots import pyplot, save
from forcegen.plots.style import caption, caption_text, nation_colours, thousands

KIND_COLOURS = {"refusal": "#B2182B", "condition": "#D9730D", "offer": "#1B7837"}
"""Marker colours of statements; events are dark grey (:data:`EVENT_COLOUR`)."""
EVENT_COLOUR = "#333333"
STATUS_COLOURS = {"stated": "#B9D3EA", "earmarked": "#4A8CC2", "deployed": "#0B3C6E"}
WITHDRAWN_COLOUR = "#B2182B"
OTHERS_COLOUR = "#C8C8C8"

MAX_NATIONS = 12
"""Nations named in the stack; the rest are one grey band 'other nations'."""
MAX_LABEL = 34
"""Characters of a marker label on the chart (the full label is in --json and tables)."""
MAX_CODES = 5
"""Nations named in one grouped statement label ('no troops: CZE, GRC, HRV +2')."""
MAX_ROWS = 16
"""Rows of labels at most; beyond them a label goes where it overlaps least."""

_FONT = 6.5
_ROW = 0.15  # inches per row of labels
_WIDTH = 11.0  # figure width [in]
_LEFT, _AXES = 1.05, 7.1  # left margin and axes width [in]; the legends go on the right
_MAIN, _GAP, _STATUS = 3.8, 0.2, 1.6  # panel heights and the gap between [in]
_TOP, _BOTTOM = 0.5, 0.45

LANES = (
    ("offer", "offers troops", "^"),
    ("condition", "on conditions", "D"),
    ("refusal", "no troops", "x"),
)
"""The lanes of the statements strip, top to bottom: kind, title, marker."""


def short_size(persons: float) -> str:
    """A force option's size for a chart label: 100000 -> '100k', 2500 -> '2.5k',
    800 -> '800'."""
    if persons >= 1000:
        return f"{persons / 1000:,.1f}".removesuffix(".0") + "k"
    return f"{persons:,.0f}"


@dataclass(frozen=True)
class Label:
    """One label of a band: the day it marks, its text and colour."""

    day: dt.date
    text: str
    colour: str


def event_labels(result: TimelineResult) -> list[Label]:
    """The labels of the events band (events, not statements), by date."""
    return [Label(m.date, _cut(m.label), EVENT_COLOUR) for m in result.events if m.nation is None]


def statement_labels(result: TimelineResult, kind: str) -> list[Label]:
    """The labels of one lane of the statements strip: per date, the ISO3 codes of the
    nations whose statement of that kind is dated then ('ITA POL CZE +2')."""
    days: dict[dt.date, list[str]] = {}
    for m in result.events:
        if m.nation is not None and m.kind == kind:
            days.setdefault(m.date, []).append(m.nation)
    out = []
    for day, nations in days.items():
        more = f" +{len(nations) - MAX_CODES}" if len(nations) > MAX_CODES else ""
        text = " ".join(nations[:MAX_CODES]) + more
        out.append(Label(day, text, KIND_COLOURS.get(kind, EVENT_COLOUR)))
    return out


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "\u2026"


def stagger(
    spans: Sequence[tuple[float, float]], max_rows: int = MAX_ROWS
) -> tuple[list[int], int]:
    """Rows for labels occupying the intervals ``spans`` (in order): each in the first
    row where it overlaps no label placed before; when ``max_rows`` are full, the row it
    overlaps least. Returns the row of each and the number of rows used."""
    rows: list[list[tuple[float, float]]] = []
    out: list[int] = []
    for lo, hi in spans:
        free = next(
            (r for r, taken in enumerate(rows) if all(hi <= a or lo >= b for a, b in taken)),
            None,
        )
        if free is None and len(rows) < max_rows:
            rows.append([])
            free = len(rows) - 1
        if free is None:
            free = min(
                range(len(rows)),
                key=lambda r: sum(max(0.0, min(hi, b) - max(lo, a)) for a, b in rows[r]),
            )
        rows[free].append((lo, hi))
        out.append(free)
    return out, len(rows)


@dataclass(frozen=True)
class Placed:
    """Labels laid out in rows: the row of each, its anchor ('left': the text runs right
    of its day; 'right': it runs left, at the right edge) and the rows used."""

    labels: list[Label]
    rows: list[int]
    anchors: list[str]
    used: int


def place(
    labels: Sequence[Label],
    figure: Any,
    left: dt.date,
    right: dt.date,
    lead: float = 0.0,
) -> Placed:
    """Measure each label's text as drawn and stagger them so that none overlaps
    another; ``lead`` [days] is room kept before each text (a marker)."""
    renderer = figure.canvas.get_renderer()
    days_per_inch = (right - left).days / _AXES
    pad = 0.06 * days_per_inch  # a little air between two labels of one row
    intervals: list[tuple[float, float]] = []
    anchors: list[str] = []
    for lab in labels:
        probe = figure.text(0, 0, " " + lab.text, fontsize=_FONT)
        width = probe.get_window_extent(renderer).width / figure.dpi * days_per_inch + pad
        probe.remove()
        x = float((lab.day - left).days)
        if x + lead + width > (right - left).days:  # would run off: the text goes left
            intervals.append((x - width - lead, x + lead))
            anchors.append("right")
        else:
            intervals.append((x - lead, x + lead + width))
            anchors.append("left")
    rows, used = stagger(intervals)
    return Placed(list(labels), rows, anchors, used)


def timeline_chart(
    result: TimelineResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """Write ``timeline.png`` and ``timeline.svg`` in ``directory``; nation colours and
    the caption come from ``workspace`` when given."""
    plt = pyplot()
    fig = plt.figure(figsize=(_WIDTH, 6.0))
    days = list(result.dates)
    if days:
        low, high = days[0], days[-1]
    else:
        low = high = result.start or result.as_of or dt.date.today()
    span = max((high - low).days, 30)
    left = low - dt.timedelta(days=max(round(span * 0.02), 1))
    right = high + dt.timedelta(days=max(round(span * 0.05), 1))
    marker_days = 0.08 * (right - left).days / _AXES  # half a marker's width [days]

    events = place(event_labels(result), fig, left, right)
    lanes = [
        (kind, title, marker, place(statement_labels(result, kind), fig, left, right, marker_days))
        for kind, title, marker in LANES
    ]
    lanes = [lane for lane in lanes if lane[3].labels]
    band = events.used * _ROW + (0.1 if events.used else 0.0)
    strip = sum(max(p.used, 1) * _ROW for *_, p in lanes) + (0.1 if lanes else 0.0)
    height = _TOP + band + strip + _MAIN + _GAP + _STATUS + _BOTTOM
    fig.set_size_inches(_WIDTH, height)

    def rect(bottom: float, h: float) -> list[float]:
        return [_LEFT / _WIDTH, bottom / height, _AXES / _WIDTH, h / height]

    ax_status = fig.add_axes(rect(_BOTTOM, _STATUS))
    ax = fig.add_axes(rect(_BOTTOM + _STATUS + _GAP, _MAIN), sharex=ax_status)
    x = [*days, right]

    def extend(values: Sequence[float | None]) -> list[float]:
        vals = [float("nan") if v is None else float(v) for v in values]
        return [*vals, vals[-1]] if vals else []

    # -- top panel: promised personnel by nation, force options --------------------
    colours = nation_colours(workspace) if workspace is not None else {}
    ranked = sorted(
        (iso3 for iso3, v in result.by_nation.items() if any(v)),
        key=lambda iso3: -max(result.by_nation[iso3]),
    )
    named, rest = ranked[:MAX_NATIONS], ranked[MAX_NATIONS:]
    series = [extend(result.by_nation[iso3]) for iso3 in named]
    stack_labels = [result.nation_names.get(iso3, iso3) for iso3 in named]
    stack_colours = [colours.get(iso3, "#999999") for iso3 in named]
    if rest:
        series.append(extend([sum(result.by_nation[i][n] for i in rest) for n in range(len(days))]))
        stack_labels.append(f"{len(rest):,} other nations")
        stack_colours.append(OTHERS_COLOUR)
    if days and series:
        ax.stackplot(
            x,
            series,
            labels=stack_labels,
            colors=stack_colours if workspace is not None else None,
            step="post",
            alpha=0.9,
            linewidth=0,
        )
    if days:
        ax.plot(
            x,
            extend(result.total),
            color="black",
            linewidth=1.0,
            drawstyle="steps-post",
            label="total promised",
        )
    top = max([*result.total, 0])
    first_option = True
    for values in result.options.values():
        shown = [v for v in values if v is not None]
        if not shown:
            continue
        top = max(top, *shown)
        ax.plot(
            x,
            extend(values),
            color="#444444",
            linewidth=1.0,
            linestyle=(0, (5, 3)),
            drawstyle="steps-post",
            label="force options on the table" if first_option else None,
        )
        first_option = False
        start = next(n for n, v in enumerate(values) if v is not None)
        ax.text(
            days[start],
            shown[0],
            f" {short_size(shown[0])}",
            fontsize=7,
            color="#222222",
            ha="left",
            va="bottom",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "alpha": 0.7, "lw": 0},
        )
    ax.set_ylim(0, max(top, 1) * 1.1)
    ax.set_ylabel("promised personnel [persons]")
    thousands(ax.yaxis)
    ax.tick_params(labelbottom=False)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if not days:
        ax.text(0.5, 0.5, "nothing dated in this period", transform=ax.transAxes, ha="center")

    # -- bottom panel: by status ----------------------------------------------------
    if days:
        ax_status.stackplot(
            x,
            [extend(result.personnel[s]) for s in STATUS_COLOURS],
            labels=list(STATUS_COLOURS),
            colors=list(STATUS_COLOURS.values()),
            step="post",
            linewidth=0,
        )
        if any(result.personnel.get("withdrawn", ())):
            ax_status.plot(
                x,
                extend(result.personnel["withdrawn"]),
                color=WITHDRAWN_COLOUR,
                linestyle=":",
                linewidth=1.2,
                drawstyle="steps-post",
                label="withdrawn (not counted)",
            )
    ax_status.set_ylabel("by status [persons]")
    ax_status.set_ylim(bottom=0)
    thousands(ax_status.yaxis)
    ax_status.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ticks = month_ticks(left, right)
    ax_status.set_xticks(ticks, [_month_label(d, n) for n, d in enumerate(ticks)])
    ax_status.set_xlim(left, right)

    # -- statements: one lane per kind, a marker and the nations' codes --------------
    bottom = _BOTTOM + _STATUS + _GAP + _MAIN + 0.1
    for kind, title, marker, placed in reversed(lanes):
        rows = max(placed.used, 1)
        lane = fig.add_axes(rect(bottom, rows * _ROW), sharex=ax_status)
        lane.set_ylim(0, rows)
        lane.axis("off")
        lane.axhline(0, color="#DDDDDD", linewidth=0.5)
        colour = KIND_COLOURS[kind]
        lane.text(
            -0.01, 0.5, title, transform=lane.transAxes, ha="right", va="center",
            fontsize=_FONT, color=colour,
        )  # fmt: skip
        for lab, row, anchor in zip(placed.labels, placed.rows, placed.anchors, strict=True):
            y = rows - row - 0.5
            lane.plot([lab.day], [y], marker=marker, markersize=3.5, color=colour, lw=0)
            offset = dt.timedelta(days=marker_days)
            lane.text(
                lab.day + offset if anchor == "left" else lab.day - offset,
                y,
                lab.text,
                fontsize=_FONT,
                color=colour,
                ha=anchor,
                va="center",
            )
        bottom += rows * _ROW

    # -- events: thin lines through both panels, staggered labels above --------------
    if events.labels:
        ax_band = fig.add_axes(rect(height - _TOP - band, band), sharex=ax_status)
        ax_band.set_ylim(0, events.used)
        ax_band.axis("off")
        for lab, row, anchor in zip(events.labels, events.rows, events.anchors, strict=True):
            y = events.used - row - 0.5
            ax_band.vlines(lab.day, 0, y, color=lab.colour, linewidth=0.5, alpha=0.6)
            ax_band.text(
                lab.day,
                y,
                (" " + lab.text) if anchor == "left" else (lab.text + " "),
                fontsize=_FONT,
                color=lab.colour,
                ha=anchor,
                va="center",
            )
        for lab in events.labels:
            for panel in (ax, ax_status):
                panel.axvline(lab.day, color=EVENT_COLOUR, linewidth=0.5, alpha=0.5, zorder=3)
    fig.suptitle(_title(workspace, result), x=_LEFT / _WIDTH, ha="left", y=1 - 0.12 / height)
    if workspace is not None:
        caption(fig, _caption(workspace, result))
    return save(fig, directory, "timeline", out)


def month_ticks(left: dt.date, right: dt.date, most: int = 12) -> list[dt.date]:
    """First days of months from ``left`` to ``right``, every 1, 2, 3, 6 or 12 months,
    the smallest step that gives at most ``most`` ticks."""
    first = (left.year * 12 + left.month - 1) + (left.day > 1)
    last = right.year * 12 + right.month - 1
    step = next((k for k in (1, 2, 3, 6, 12) if (last - first) // k + 1 <= most), 12)
    start = first + (-first % step)  # months of the same phase: Jan, Apr, Jul, Oct...
    return [dt.date(m // 12, m % 12 + 1, 1) for m in range(start, last + 1, step)]


def _month_label(day: dt.date, n: int) -> str:
    """'Mar' under a tick; the year under the first tick and each January."""
    return f"{day:%b}\n{day:%Y}" if n == 0 or day.month == 1 else f"{day:%b}"


def _scenario(workspace: Workspace | None, result: TimelineResult) -> str:
    if result.scenario is None:
        return "every pledge not withdrawn"
    return names.scenario(workspace, result.scenario)


def _title(workspace: Workspace | None, result: TimelineResult) -> str:
    when = f", as of {result.as_of:%d %b %Y}" if result.as_of is not None else ""
    return f"The promised force over time: {_scenario(workspace, result)}{when}"


def event_publishers(result: TimelineResult, limit: int = 4) -> tuple[list[str], int]:
    """The most cited publishers (web domains) of the events' and statements' sources,
    and how many distinct sources they cite."""
    urls = {m.source for m in result.events}
    hosts = Counter(
        (urlsplit(u).hostname or u).removeprefix("www.").removeprefix("en.")
        for u in (m.source for m in result.events)
    )
    top = [h for h, _ in sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
    return top, len(urls)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _caption(workspace: Workspace, result: TimelineResult) -> str:
    events = sum(1 for m in result.events if m.nation is None)
    statements = len(result.events) - events
    top, n = event_publishers(result)
    marked = (
        f"Marked: {_plural(events, 'event')} (lines) and {_plural(statements, 'statement')} "
        f"of nations (offers troops, on conditions, no troops: ISO 3166 codes); their "
        f"{_plural(n, 'source')}" + (f" (most cited: {', '.join(top)})" if top else "") + "."
        if result.events
        else "No events or statements in this period."
    )
    return caption_text(
        workspace,
        scenario=_scenario(workspace, result),
        note="Personnel as promised on each date: each pledge as its latest revision on or "
        "before it says (undated pledges from the start); force options dashed while on "
        f"the table. {marked}",
    )
