"""The odds: P(met) by force option, the spread of the force and the tornado."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from forcegen.web.charts.base import (
    ACCENT,
    INK,
    MET,
    SHORT,
    Y_NAME,
    Row,
    base,
    data_values,
)


def _bands(rows: Sequence[Row], band: str, offset: str, step: int) -> int:
    """Height [px] of a grouped bar chart: ``step`` per bar, a bar per (band, offset)."""
    return max(40, step * len({r[band] for r in rows}) * len({r[offset] for r in rows}))


def probability_bars(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """Bars per force option: P(met) and P(headcount) [0-1], side by side, each with its
    95 % interval (rows: name, measure, p, low, high)."""
    spec = base("Probability that each force option is met, and that its headcount is", caption)
    spec.update(
        {
            # a fixed height, 14 px a bar: a step height makes Vega-Lite drop "fit-y"
            # with a console warning (autosize fit-x, base())
            "height": _bands(rows, "name", "measure", 14),
            "data": data_values(rows),
            "encoding": {
                "y": Y_NAME,
                "yOffset": {"field": "measure", "sort": None},
            },
            "layer": [
                {
                    "mark": {"type": "bar"},
                    "encoding": {
                        "x": {
                            "field": "p",
                            "type": "quantitative",
                            "title": "probability",
                            "scale": {"domain": [0, 1]},
                            "axis": {"format": ".0%", "tickCount": 5},
                        },
                        "color": {
                            "field": "measure",
                            "type": "nominal",
                            "title": None,
                            "sort": None,
                            "scale": {"range": [ACCENT, "#a3bde0"]},
                        },
                        "tooltip": [
                            {"field": "name", "title": "force option"},
                            {"field": "measure"},
                            {"field": "p", "format": ".1%", "title": "probability"},
                        ],
                    },
                },
                {
                    "mark": {"type": "rule", "color": INK},
                    "encoding": {
                        "x": {"field": "low", "type": "quantitative"},
                        "x2": {"field": "high"},
                    },
                },
            ],
        }
    )
    return spec


def tornado(rows: Sequence[Row], mean: float, caption: str = "") -> dict[str, Any]:
    """A tornado of the conditions: expected personnel with each condition false and
    true [persons], widest first, a rule at the mean (rows: name, if_false, if_true,
    shapley, variance_share [0-1])."""
    spec = base("Sensitivity: expected personnel with each condition false / true", caption)
    spec.update(
        {
            "height": max(80, 30 * len(rows)),
            "data": data_values(rows),
            "layer": [
                {
                    "mark": {"type": "bar", "color": "#c9d6ea"},
                    "encoding": {
                        "y": Y_NAME,
                        "x": {
                            "field": "if_false",
                            "type": "quantitative",
                            "title": "expected personnel",
                            "axis": {"format": ",d", "tickCount": 8},
                        },
                        "x2": {"field": "if_true"},
                        "tooltip": [
                            {"field": "name", "title": "condition"},
                            {"field": "if_false", "format": ",.0f", "title": "if false"},
                            {"field": "if_true", "format": ",.0f", "title": "if true"},
                            {"field": "shapley", "format": ".1%", "title": "Shapley share"},
                            {
                                "field": "variance_share",
                                "format": ".1%",
                                "title": "first-order share",
                            },
                        ],
                    },
                },
                {
                    "mark": {"type": "tick", "color": SHORT, "thickness": 3},
                    "encoding": {"y": Y_NAME, "x": {"field": "if_false", "type": "quantitative"}},
                },
                {
                    "mark": {"type": "tick", "color": MET, "thickness": 3},
                    "encoding": {"y": Y_NAME, "x": {"field": "if_true", "type": "quantitative"}},
                },
                {
                    "mark": {"type": "rule", "color": INK, "strokeDash": [4, 3]},
                    "encoding": {"x": {"datum": mean}},
                },
            ],
        }
    )
    return spec


def histogram(rows: Sequence[Mapping[str, Any]], caption: str) -> dict[str, Any]:
    """Share of the draws by personnel bin (rows: from, to, probability)."""
    spec = base("Personnel that materialise: share of the draws", caption)
    spec.update(
        {
            "height": 220,
            "data": {"values": [dict(r) for r in rows]},
            "mark": {"type": "bar", "color": ACCENT},
            "encoding": {
                "x": {
                    "field": "from",
                    "type": "quantitative",
                    "bin": {"binned": True},
                    "title": "personnel",
                    "axis": {"format": ",d"},
                },
                "x2": {"field": "to"},
                "y": {
                    "field": "probability",
                    "type": "quantitative",
                    "title": "share of draws",
                    "axis": {"format": ".0%"},
                },
                "tooltip": [
                    {"field": "from", "format": ",.0f"},
                    {"field": "to", "format": ",.0f"},
                    {"field": "probability", "format": ".1%"},
                ],
            },
        }
    )
    return spec


PLANNING_COLOURS = {"low": "#4c72b0", "high": "#dd8452"}
"""The figure varied down and up: the matplotlib tornado's colours
(``forcegen sensitivity --plot``)."""


def planning_tornado(
    rows: Sequence[Row], months: int, spread: float, caption: str = ""
) -> dict[str, Any]:
    """The planning-figures tornado: the change in coalition strength in the field at
    month ``months`` [persons] with each figure varied down and up by ``spread`` [0-1],
    two bars per figure in the rows' (rank) order, a rule at no change (rows: name, low,
    high). The page draws it with the rows of ``/api/sensitivity`` (static/app.js sets
    ``data.values`` and ``height``)."""
    spec = base(f"Planning figures: change in strength in the field at month {months:,}", caption)
    variants = [f"figure -{spread:.0%}", f"figure +{spread:.0%}"]
    spec.update(
        {
            "height": max(80, 30 * len(rows)),
            "data": data_values(rows),
            "transform": [{"fold": ["low", "high"], "as": ["variant", "change"]}],
            "layer": [
                {
                    "mark": {"type": "bar"},
                    "encoding": {
                        "y": Y_NAME,
                        "yOffset": {"field": "variant", "sort": ["low", "high"]},
                        "x": {
                            "field": "change",
                            "type": "quantitative",
                            "title": "change from the base plan (persons)",
                            "axis": {"format": ",d", "tickCount": 8},
                        },
                        "color": {
                            "field": "variant",
                            "type": "nominal",
                            "title": None,
                            "scale": {
                                "domain": ["low", "high"],
                                "range": [PLANNING_COLOURS["low"], PLANNING_COLOURS["high"]],
                            },
                            "legend": {
                                "labelExpr": f"datum.label == 'low' ? "
                                f"'{variants[0]}' : '{variants[1]}'"
                            },
                        },
                        "tooltip": [
                            {"field": "name", "title": "planning figure"},
                            {"field": "variant", "title": "varied"},
                            {"field": "change", "format": "+,.0f", "title": "change (persons)"},
                        ],
                    },
                },
                {
                    "mark": {"type": "rule", "color": INK},
                    "encoding": {"x": {"datum": 0}},
                },
            ],
        }
    )
    return spec
