"""The force by scenario, nation and force option, and the vetoes (overview,
explorer, report)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from forcegen.web.charts.base import (
    ACCENT,
    INK,
    MET,
    SHORT,
    Row,
    base,
    data_values,
    nation_scale,
)


def scenario_personnel(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """A bar per scenario: personnel that materialise [persons] (rows: name, personnel)."""
    spec = base("Personnel that materialise, by scenario", caption)
    spec.update(
        {
            "height": max(120, 28 * len(rows)),
            "data": data_values(rows),
            "mark": {"type": "bar", "color": ACCENT},
            "encoding": {
                "y": {"field": "name", "type": "nominal", "sort": None, "title": None},
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


def fill_heatmap(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """Scenario x force option: personnel fill [0-1] as a heat table, the share printed
    in each cell, met options outlined (rows: scenario, option, personnel_fill, met,
    label)."""
    spec = base("Personnel fill of each force option, by scenario", caption)
    cells = {
        "x": {
            "field": "option",
            "type": "nominal",
            "sort": None,
            "title": None,
            "axis": {"orient": "top", "labelAngle": 0},
        },
        "y": {"field": "scenario", "type": "nominal", "sort": None, "title": None},
    }
    spec.update(
        {
            "height": max(120, 30 * len({r["scenario"] for r in rows})),
            "data": data_values(rows),
            "encoding": cells,
            "layer": [
                {
                    "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
                    "encoding": {
                        "color": {
                            "field": "personnel_fill",
                            "type": "quantitative",
                            "title": "personnel fill",
                            "scale": {"domain": [0, 1], "scheme": "blues"},
                            "legend": {"format": ".0%"},
                        },
                        "tooltip": [
                            {"field": "scenario"},
                            {"field": "option", "title": "force option"},
                            {"field": "personnel_fill", "format": ".0%", "title": "fill"},
                            {"field": "met"},
                        ],
                    },
                },
                {
                    "mark": {"type": "text", "fontSize": 12},
                    "encoding": {
                        "text": {"field": "label"},
                        "color": {
                            "condition": {"test": "datum.personnel_fill > 0.55", "value": "white"},
                            "value": INK,
                        },
                    },
                },
            ],
        }
    )
    return spec


def nation_bars(
    rows: Sequence[Row], colours: Mapping[str, str], title: str, caption: str = ""
) -> dict[str, Any]:
    """A bar per nation in its house colour (rows: nation, name, personnel), largest
    first."""
    spec = base(title, caption)
    spec.update(
        {
            "height": max(80, 22 * len(rows)),
            "data": data_values(rows),
            "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": "name", "type": "nominal", "sort": "-x", "title": None},
                "x": {
                    "field": "personnel",
                    "type": "quantitative",
                    "title": "personnel",
                    "axis": {"format": ",d"},
                },
                "color": {
                    "field": "nation",
                    "type": "nominal",
                    "scale": nation_scale(colours, (r["nation"] for r in rows)),
                    "legend": None,
                },
                "tooltip": [
                    {"field": "name", "title": "nation"},
                    {"field": "personnel", "format": ",d"},
                ],
            },
        }
    )
    return spec


def option_fill(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """A bar per force option: personnel fill [0-1], green when met, red when not, a rule
    at 100 % (rows: name, personnel_fill, met)."""
    spec = base("Force options: personnel fill", caption)
    spec.update(
        {
            "height": max(100, 28 * len(rows)),
            "data": data_values(rows),
            "layer": [
                {
                    "mark": {"type": "bar"},
                    "encoding": {
                        "y": {"field": "name", "type": "nominal", "sort": None, "title": None},
                        "x": {
                            "field": "personnel_fill",
                            "type": "quantitative",
                            "title": "personnel fill",
                            "scale": {"domain": [0, 1]},
                            "axis": {"format": ".0%", "tickCount": 5},
                        },
                        "color": {
                            "field": "met",
                            "type": "nominal",
                            "title": None,
                            "scale": {"domain": [True, False], "range": [MET, SHORT]},
                            "legend": {"labelExpr": "datum.value ? 'met' : 'not met'"},
                        },
                        "tooltip": [
                            {"field": "name", "title": "force option"},
                            {"field": "personnel_fill", "format": ".1%", "title": "fill"},
                            {"field": "met"},
                        ],
                    },
                },
                {
                    "mark": {"type": "rule", "color": INK, "strokeDash": [4, 3]},
                    "encoding": {"x": {"datum": 1}},
                },
            ],
        }
    )
    return spec


def veto_bars(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """A bar per condition: troops hanging on it [persons] (rows: name, personnel)."""
    spec = base("Vetoes: troops hanging on each condition", caption)
    spec.update(
        {
            "height": max(80, 28 * len(rows)),
            "data": data_values(rows),
            "mark": {"type": "bar", "color": "#7b6888"},
            "encoding": {
                "y": {"field": "name", "type": "nominal", "sort": None, "title": None},
                "x": {
                    "field": "personnel",
                    "type": "quantitative",
                    "title": "personnel",
                    "axis": {"format": ",d"},
                },
                "tooltip": [
                    {"field": "name", "title": "condition"},
                    {"field": "personnel", "format": ",d"},
                ],
            },
        }
    )
    return spec
