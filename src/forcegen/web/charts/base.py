"""What every chart spec shares: the schema, the fonts, the house colours, the title
and caption block (:func:`base`), inline data and the nation colour scale."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
"""The spec's ``$schema``: an identifier only, never fetched (vega-embed reads its version)."""

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
"""Fonts installed on the reader's machine; no web font is loaded."""

INK = "#1f2933"
MUTED = "#9aa5b1"
MET = "#2a7f62"
"""Colour of a force option that is met (a calm green), and of 'short' below."""
SHORT = "#c0392b"
ACCENT = "#4c72b0"
UTILISATION = ["#fee8c8", "#fdbb84", "#e34a33", "#7f0000"]
"""Sequential ramp for the peak utilisation of a leg (0 -> 1)."""

FIRMNESS = ["#a3bde0", "#3b5f9a", "#14284b"]
"""Colours of the pledge statuses stated, earmarked, deployed."""

Row = Mapping[str, Any]

Y_NAME: dict[str, Any] = {"field": "name", "type": "nominal", "sort": None, "title": None}
"""The category axis of the horizontal bar charts: rows in the order given."""


def base(title: str, caption: str = "", *, subtitle: bool = False) -> dict[str, Any]:
    """What every spec shares: schema, title, fonts, a responsive width. ``caption`` (the
    sources line) is the spec's ``description`` (read out by screen readers; the page
    prints it in the figure's caption) and, with ``subtitle``, also drawn under the
    title (for a chart exported alone)."""
    title_block: dict[str, Any] = {"text": title, "anchor": "start", "fontSize": 14}
    if subtitle and caption:
        title_block.update({"subtitle": caption, "subtitleFontSize": 11})
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "title": title_block,
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {
            "font": FONT,
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelColor": INK,
                "labelLimit": 320,
            },
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "orient": "bottom",
                "labelLimit": 420,
            },
            "view": {"stroke": None},
        },
    }
    if caption:
        spec["description"] = f"{title}. {caption}"
    return spec


def data_values(rows: Iterable[Row]) -> dict[str, Any]:
    return {"values": [dict(r) for r in rows]}


def nation_scale(colours: Mapping[str, str], nations: Iterable[str]) -> dict[str, Any]:
    """A colour scale mapping each nation shown to its house colour."""
    shown = [n for n in dict.fromkeys(nations) if n]
    return {"domain": shown, "range": [colours.get(n, "#999999") for n in shown]}
