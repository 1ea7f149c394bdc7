"""Deployment: the closure curve."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forcegen.web.charts.base import (
    ACCENT,
    Row,
    base,
    data_values,
)


def closure_curve(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """Personnel in place by day [persons] (rows: day, personnel), a step line."""
    spec = base("Closure: personnel in place by day", caption)
    spec.update(
        {
            "height": 240,
            "data": data_values(rows),
            "mark": {"type": "line", "interpolate": "step-after", "color": ACCENT, "point": True},
            "encoding": {
                "x": {"field": "day", "type": "quantitative", "title": "day of the deployment"},
                "y": {
                    "field": "personnel",
                    "type": "quantitative",
                    "title": "personnel in place",
                    "axis": {"format": ",d"},
                },
                "tooltip": [{"field": "day"}, {"field": "personnel", "format": ",.0f"}],
            },
        }
    )
    return spec
