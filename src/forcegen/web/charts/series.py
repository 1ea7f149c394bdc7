"""Shapes several pages share: personnel stacked over dates, bars grouped by
series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from forcegen.web.charts.base import (
    FIRMNESS,
    MUTED,
    SHORT,
    Row,
    base,
    data_values,
)


def stacked_area(
    rows: Sequence[Row],
    colours: Mapping[str, str] | None,
    title: str,
    caption: str = "",
    *,
    series_title: str = "status",
    marks: Sequence[Row] = (),
    as_of: str | None = None,
) -> dict[str, Any]:
    """Personnel over dates, stacked by ``series`` (rows: date, series, name,
    personnel), with vertical rules at ``marks`` (rows: date, label) and at ``as_of``."""
    spec = base(title, caption)
    colour: dict[str, Any] = {
        "field": "name",
        "type": "nominal",
        "title": series_title,
        "sort": None,
        # pledge status, from the loosest to the firmest: light to dark
        "scale": {"domain": ["stated", "earmarked", "deployed"], "range": FIRMNESS},
    }
    if colours is not None:  # series are nations: their names in the legend, their colours
        shown = {r["name"]: r["series"] for r in rows}
        colour["scale"] = {
            "domain": list(shown),
            "range": [colours.get(iso3, "#999999") for iso3 in shown.values()],
        }
        colour["legend"] = {"columns": 5}
    layers: list[dict[str, Any]] = [
        {
            "data": data_values(rows),
            "mark": {"type": "area", "interpolate": "step-after", "opacity": 0.9},
            "encoding": {
                "x": {"field": "date", "type": "temporal", "title": None},
                "y": {
                    "field": "personnel",
                    "type": "quantitative",
                    "stack": "zero",
                    "title": "personnel",
                    "axis": {"format": ",d"},
                },
                "color": colour,
                "order": {"field": "order", "type": "quantitative"},
                "tooltip": [
                    {"field": "date", "type": "temporal"},
                    {"field": "name"},
                    {"field": "personnel", "format": ",d"},
                ],
            },
        }
    ]
    if marks:
        layers.append(
            {
                "data": data_values(marks),
                "mark": {"type": "rule", "color": MUTED, "strokeDash": [2, 3]},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "tooltip": [
                        {"field": "date", "type": "temporal"},
                        {"field": "label", "title": "event"},
                    ],
                },
            }
        )
    if as_of:
        layers.append(
            {
                "data": {"values": [{"date": as_of}]},
                "mark": {"type": "rule", "color": SHORT, "strokeWidth": 2},
                "encoding": {"x": {"field": "date", "type": "temporal"}},
            }
        )
    spec.update({"height": 300, "layer": layers})
    return spec


def grouped_bars(
    rows: Sequence[Row],
    title: str,
    caption: str = "",
    *,
    value_title: str = "personnel",
    fmt: str = ",d",
) -> dict[str, Any]:
    """Bars per ``category`` side by side for each ``item`` (rows: category, item,
    value)."""
    spec = base(title, caption)
    spec.update(
        {
            # 11 px a bar (a fixed height: a step height warns "Dropping fit-y")
            "height": max(
                40, 11 * len({r["category"] for r in rows}) * len({r["item"] for r in rows})
            ),
            "data": data_values(rows),
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "category", "type": "nominal", "sort": None, "title": None},
                "yOffset": {"field": "item", "sort": None},
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title,
                    "axis": {"format": fmt},
                },
                "color": {
                    "field": "item",
                    "type": "nominal",
                    "title": None,
                    "sort": None,
                    "scale": {"scheme": "tableau10"},
                },
                "tooltip": [
                    {"field": "category"},
                    {"field": "item"},
                    {"field": "value", "format": fmt},
                ],
            },
        }
    )
    return spec
