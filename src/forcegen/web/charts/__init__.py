"""Vega-Lite specs of the dashboard's and the report's charts: pure functions from result
rows to a spec (a dict), drawn in the browser by the vendored Vega. Nation colours are
the same as the matplotlib charts' (:func:`forcegen.plots.style.nation_colours`, passed in
as ``colours``: nation iso3 -> '#RRGGBB').

Every spec carries its data inline (``data.values``), never a URL; the map's country
outlines are the package's ``datasets/geo/countries.geojson`` clipped to the map's extent
(:func:`clip_countries`).

:mod:`.base` holds what every spec shares; one module per domain holds its charts.
"""

from forcegen.web.charts.base import (
    ACCENT,
    FIRMNESS,
    FONT,
    INK,
    MET,
    MUTED,
    SCHEMA,
    SHORT,
    UTILISATION,
    Y_NAME,
    Row,
    base,
    data_values,
    nation_scale,
)
from forcegen.web.charts.deployment import closure_curve
from forcegen.web.charts.force import (
    fill_heatmap,
    nation_bars,
    option_fill,
    scenario_personnel,
    veto_bars,
)
from forcegen.web.charts.maps import (
    WINDOW,
    clip_countries,
    clip_lines,
    clip_segment,
    extent,
    network_map,
)
from forcegen.web.charts.odds import (
    PLANNING_COLOURS,
    histogram,
    planning_tornado,
    probability_bars,
    tornado,
)
from forcegen.web.charts.series import grouped_bars, stacked_area
from forcegen.web.charts.sourcing import line_fill
from forcegen.web.charts.sustainment import coalition_curve, gantt

__all__ = [
    "ACCENT",
    "FIRMNESS",
    "FONT",
    "INK",
    "MET",
    "MUTED",
    "PLANNING_COLOURS",
    "SCHEMA",
    "SHORT",
    "UTILISATION",
    "WINDOW",
    "Y_NAME",
    "Row",
    "base",
    "clip_countries",
    "clip_lines",
    "clip_segment",
    "closure_curve",
    "coalition_curve",
    "data_values",
    "extent",
    "fill_heatmap",
    "gantt",
    "grouped_bars",
    "histogram",
    "line_fill",
    "nation_bars",
    "nation_scale",
    "network_map",
    "option_fill",
    "planning_tornado",
    "probability_bars",
    "scenario_personnel",
    "stacked_area",
    "tornado",
    "veto_bars",
]
