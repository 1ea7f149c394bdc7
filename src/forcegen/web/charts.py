"""Vega-Lite specs of the dashboard's and the report's charts: pure functions from result
rows to a spec (a dict), drawn in the browser by the vendored Vega. Nation colours are
the same as the matplotlib charts' (:func:`forcegen.nation_colours` via plots/style)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
"""The spec's ``$schema``: an identifier only, never fetched (vega-embed reads its version)."""

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
"""Fonts installed on the reader's machine; no web font is loaded."""


def base(title: str, caption: str = "") -> dict[str, Any]:
    """What every spec shares: schema, title with the caption (sources) as subtitle,
    fonts, a responsive width."""
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": caption, "anchor": "start", "subtitleFontSize": 11},
        "width": "container",
        "config": {
            "font": FONT,
            "axis": {"labelFontSize": 12, "titleFontSize": 12},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "view": {"stroke": None},
        },
    }


def scenario_personnel(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A bar per scenario: personnel that materialise [persons]."""
    spec = base("Personnel that materialise, by scenario", "forcegen evaluate")
    spec.update(
        {
            "data": {"values": [dict(r) for r in rows]},
            "mark": {"type": "bar", "color": "#4c72b0"},
            "encoding": {
                "y": {"field": "name", "type": "nominal", "sort": "-x", "title": None},
                "x": {
                    "field": "personnel",
                    "type": "quantitative",
                    "title": "personnel",
                    "axis": {"format": ",d"},
                },
                "tooltip": [
                    {"field": "name", "title": "scenario"},
                    {"field": "personnel", "format": ",d"},
                ],
            },
        }
    )
    return spec
