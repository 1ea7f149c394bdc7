"""The house style of forcegen charts: one colour per nation, captions, number formats.

* :func:`nation_colours` gives every nation of a workspace its own colour, the same in
  every chart of that workspace (keyed by nation, never by position in a chart), and no
  two nations of a workspace share one.
* :func:`caption` writes what a published chart must say under it: the scenario, the
  seed and draws where the result is stochastic, and the data sources.
* :func:`thousands` puts thousands separators on an axis; :func:`threshold_lines` marks
  force-option sizes on a distribution.

Only the chart modules import this; it needs matplotlib only inside the functions that
draw.
"""

from __future__ import annotations

import colorsys
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from forcegen.model.workspace import Workspace

FIXED = {
    "GBR": "#012169",  # navy (Union flag blue)
    "FRA": "#D62728",  # red
    "USA": "#6B6B6B",  # grey: a reference row, not a member
    "UKR": "#F3C300",  # yellow
    "DEU": "#222222",  # black
}
"""Nations whose colour readers recognise; the rest are dealt from :data:`PALETTE`."""

CANDIDATES = (
    # Kelly's 22 colours of maximum contrast (1965), without white, black and yellow
    "#875692", "#F38400", "#A1CAF1", "#BE0032", "#C2B280", "#848482", "#008856",
    "#E68FAC", "#0067A5", "#F99379", "#604E97", "#F6A600", "#B3446C", "#DCD300",
    "#882D17", "#8DB600", "#654522", "#E25822", "#2B3D26",
    # matplotlib's tab20
    "#1F77B4", "#AEC7E8", "#FF7F0E", "#FFBB78", "#2CA02C", "#98DF8A", "#D62728",
    "#FF9896", "#9467BD", "#C5B0D5", "#8C564B", "#C49C94", "#E377C2", "#F7B6D2",
    "#7F7F7F", "#C7C7C7", "#BCBD22", "#DBDB8D", "#17BECF", "#9EDAE5",
)  # fmt: skip
"""Colours tried in order for the palette, then golden-angle hues."""

MIN_DELTA_E = 20.0
"""Least colour difference (CIE76 Delta E) between two palette colours: below ~20 two
small areas of a stacked chart read as one colour."""


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a '#RRGGBB' colour."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: str, b: str) -> float:
    """CIE76 colour difference of two '#RRGGBB' colours."""
    return math.dist(_lab(a), _lab(b))


def _hue(n: int) -> str:
    hue = (0.61803398875 * n) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, (0.3, 0.5, 0.7)[n % 3], 0.7)
    return f"#{round(255 * r):02X}{round(255 * g):02X}{round(255 * b):02X}"


def _palette() -> tuple[str, ...]:
    """Candidates and golden-angle hues, each kept only when at least
    :data:`MIN_DELTA_E` from :data:`FIXED` and every colour kept before it."""
    kept: list[str] = []
    taken = list(FIXED.values())
    for colour in (*CANDIDATES, *(_hue(n) for n in range(90))):
        if all(delta_e(colour, other) >= MIN_DELTA_E for other in (*taken, *kept)):
            kept.append(colour)
    return tuple(kept)


PALETTE = _palette()
"""Distinct colours dealt to nations in workspace order (40 of them)."""


def nation_colours(workspace: Workspace) -> dict[str, str]:
    """Colour (hex) of every nation of ``workspace``: fixed ones first (:data:`FIXED`),
    then :data:`PALETTE` in the workspace's nation order (any two at least
    :data:`MIN_DELTA_E` apart), then further hues, distinct but closer. The same
    workspace always gives the same colours, and no two nations share one."""
    colours = {iso3: FIXED[iso3] for iso3 in workspace.nations if iso3 in FIXED}
    used = set(colours.values())
    free = [c for c in PALETTE if c not in used]
    extra = 0
    for iso3 in workspace.nations:
        if iso3 in colours:
            continue
        if free:
            colours[iso3] = free.pop(0)
        else:
            while (colour := _hue(90 + extra)) in used:
                extra += 1
            colours[iso3] = colour
            extra += 1
        used.add(colours[iso3])
    return colours


def nation_colour(workspace: Workspace, iso3: str) -> str:
    """The colour of one nation (grey for a nation the workspace does not hold)."""
    return nation_colours(workspace).get(iso3, "#999999")


_CODE_HOSTS = frozenset({"github.com", "gitlab.com", "raw.githubusercontent.com"})


def source_publishers(workspace: Workspace, limit: int = 4) -> tuple[list[str], int]:
    """The most cited publishers (web domains) of the workspace's sources and how many
    distinct sources there are in all."""
    urls: list[str] = []
    publisher: dict[str, str] = {}
    for section in (
        workspace.nations,
        workspace.pledges,
        workspace.capabilities,
        workspace.requirements,
        workspace.conditions,
    ):
        for record in section.values():
            for source in getattr(record, "sources", ()):
                url = str(source.url)
                urls.append(url)
                host = (urlsplit(url).hostname or url).removeprefix("www.").removeprefix("en.")
                if host in _CODE_HOSTS and source.title:
                    # a data file on a code host: its title names the publisher
                    host = source.title.split(",")[0].split(" (")[0]
                publisher[url] = host
    domains = Counter(publisher[u] for u in urls)
    top = [d for d, _ in sorted(domains.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
    return top, len(set(urls))


def caption_text(
    workspace: Workspace,
    *,
    scenario: str | None,
    seed: int | None = None,
    draws: int | None = None,
    exact: bool = False,
    note: str | None = None,
) -> str:
    """'Scenario: ... | seed 1, 20,000 draws | Sources: ...' for the foot of a chart."""
    parts = [f"Scenario: {scenario or 'every condition free'}"]
    if workspace.as_of is not None:
        parts.append(f"force as of {workspace.as_of:%d %b %Y}")
    if workspace.overrides:
        parts.append("with --set " + "; ".join(workspace.overrides))
    if exact:
        parts.append("exact enumeration of the conditions")
    elif seed is not None:
        parts.append(f"seed {seed:,}" + (f", {draws:,} draws" if draws else ""))
    top, n = source_publishers(workspace)
    sources = f"Sources: forcegen dataset, {n:,} cited sources"
    if top:
        sources += " (most cited: " + ", ".join(top) + ")"
    parts.append(sources)
    text = " | ".join(parts)
    return f"{text}\n{note}" if note else text


def caption(figure: Any, text: str) -> None:
    """Write ``text`` under the axes of ``figure``, left-aligned, small and grey."""
    figure.text(0.01, -0.02, text, ha="left", va="top", fontsize=7, color="#444444", wrap=True)


def thousands(axis: Any) -> None:
    """Thousands separators on a matplotlib axis (``ax.xaxis`` or ``ax.yaxis``)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:,.0f}"))


def threshold_lines(
    ax: Any, thresholds: Mapping[str, float] | Iterable[tuple[str, float]], colour: str = "#444444"
) -> None:
    """Dashed vertical lines at each threshold (e.g. force-option sizes [persons]), each
    labelled at the top; labels of close lines are staggered so they do not overlap."""
    items: Sequence[tuple[str, float]] = sorted(
        thresholds.items() if isinstance(thresholds, Mapping) else list(thresholds),
        key=lambda kv: kv[1],
    )
    low, high = ax.get_xlim()
    span = (high - low) or 1.0
    last_x: float | None = None
    level = 0
    for label, x in items:
        if not low <= x <= high:
            continue
        ax.axvline(x, color=colour, linestyle="--", linewidth=0.8)
        level = level + 1 if last_x is not None and (x - last_x) / span < 0.12 else 0
        ax.text(
            x,
            1.0 - 0.06 * level,
            f" {label}",
            transform=ax.get_xaxis_transform(),
            ha="left",
            va="top",
            fontsize=7,
            color=colour,
        )
        last_x = x
