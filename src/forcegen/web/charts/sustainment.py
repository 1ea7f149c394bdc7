"""Sustainment: the coalition curve and the rotation Gantt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from forcegen.web.charts.base import (
    ACCENT,
    MUTED,
    Row,
    base,
    data_values,
    nation_scale,
)


def coalition_curve(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """Coalition load and deployed strength by month [persons] (rows: month, series,
    personnel)."""
    spec = base("Coalition strength over the months", caption)
    spec.update(
        {
            "height": 260,
            "data": data_values(rows),
            "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2.5},
            "encoding": {
                "x": {
                    "field": "month",
                    "type": "quantitative",
                    "title": "month",
                    "scale": {"nice": False},
                    "axis": {"tickMinStep": 1, "tickCount": 12},
                },
                "y": {
                    "field": "personnel",
                    "type": "quantitative",
                    "title": "personnel",
                    "axis": {"format": ",d"},
                    "scale": {"zero": True},
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "sort": None,
                    "scale": {"range": [MUTED, ACCENT]},
                },
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "sort": None,
                    "scale": {"range": [[5, 4], [1, 0]]},
                },
                "tooltip": [
                    {"field": "month"},
                    {"field": "series"},
                    {"field": "personnel", "format": ",.0f"},
                ],
            },
        }
    )
    return spec


def gantt(
    rows: Sequence[Row],
    colours: Mapping[str, str],
    title: str,
    caption: str = "",
    *,
    months: int | None = None,
    legend: bool = True,
) -> dict[str, Any]:
    """Bars from month ``start`` to ``end`` per row ``label``, coloured by ``nation``
    (rows: label, nation, nation_name, start, end, note)."""
    spec = base(title, caption)
    spec.update(
        {
            "height": max(80, 26 * len({r["label"] for r in rows})),
            "data": data_values(rows),
            "mark": {"type": "bar", "cornerRadius": 2},
            "encoding": {
                "y": {"field": "label", "type": "nominal", "sort": None, "title": None},
                "x": {
                    "field": "start",
                    "type": "quantitative",
                    "title": "month",
                    "scale": {"domain": [1, months + 1], "nice": False} if months else {},
                    "axis": {"tickMinStep": 1, "tickCount": 12},
                },
                "x2": {"field": "end"},
                "color": {
                    "field": "nation",
                    "type": "nominal",
                    "title": "lead nation",
                    "scale": nation_scale(colours, (r["nation"] for r in rows)),
                    **({} if legend else {"legend": None}),
                },
                "tooltip": [
                    {"field": "label"},
                    {"field": "nation_name", "title": "nation"},
                    {"field": "start", "title": "from month"},
                    {"field": "end", "title": "to month"},
                    {"field": "note"},
                ],
            },
        }
    )
    return spec
