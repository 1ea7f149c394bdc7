"""Sourcing: each line's fill by nation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forcegen.web.charts.base import (
    MET,
    SHORT,
    Row,
    base,
    data_values,
)


def line_fill(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """Requirement lines as bullet bars: required [units] (grey) and filled (coloured by
    status) over it (rows: line, required, filled, status)."""
    spec = base("Each line: units required (grey) and filled", caption)
    status = {
        "field": "status",
        "type": "nominal",
        "title": None,
        "scale": {"domain": ["met", "short", "not offered"], "range": [MET, "#e08a1e", SHORT]},
    }
    spec.update(
        {
            # 20 px a line (a fixed height: a step height warns "Dropping fit-y")
            "height": max(40, 20 * len({r["line"] for r in rows})),
            "data": data_values(rows),
            "encoding": {"y": {"field": "line", "type": "nominal", "sort": None, "title": None}},
            "layer": [
                {
                    "mark": {"type": "bar", "color": "#d5dbe1", "size": 15},
                    "encoding": {
                        "x": {"field": "required", "type": "quantitative", "title": "units"}
                    },
                },
                {
                    "mark": {"type": "bar", "size": 7},
                    "encoding": {
                        "x": {"field": "filled", "type": "quantitative"},
                        "color": status,
                        "tooltip": [
                            {"field": "line"},
                            {"field": "required", "format": ",.1f"},
                            {"field": "filled", "format": ",.1f"},
                            {"field": "status"},
                        ],
                    },
                },
            ],
        }
    )
    return spec
