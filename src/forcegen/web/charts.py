"""Vega-Lite specs of the dashboard's and the report's charts: pure functions from result
rows to a spec (a dict), drawn in the browser by the vendored Vega. Nation colours are
the same as the matplotlib charts' (:func:`forcegen.plots.style.nation_colours`, passed in
as ``colours``: nation iso3 -> '#RRGGBB').

Every spec carries its data inline (``data.values``), never a URL; the map's country
outlines are the package's ``datasets/geo/countries.geojson`` clipped to the map's extent
(:func:`clip_countries`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
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


def _values(rows: Iterable[Row]) -> dict[str, Any]:
    return {"values": [dict(r) for r in rows]}


def nation_scale(colours: Mapping[str, str], nations: Iterable[str]) -> dict[str, Any]:
    """A colour scale mapping each nation shown to its house colour."""
    shown = [n for n in dict.fromkeys(nations) if n]
    return {"domain": shown, "range": [colours.get(n, "#999999") for n in shown]}


def scenario_personnel(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """A bar per scenario: personnel that materialise [persons] (rows: name, personnel)."""
    spec = base("Personnel that materialise, by scenario", caption)
    spec.update(
        {
            "height": max(120, 28 * len(rows)),
            "data": _values(rows),
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
            "data": _values(rows),
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
            "data": _values(rows),
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
            "data": _values(rows),
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
            "data": _values(rows),
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


def probability_bars(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """Bars per force option: P(met) and P(headcount) [0-1], side by side, each with its
    95 % interval (rows: name, measure, p, low, high)."""
    spec = base("Probability that each force option is met, and that its headcount is", caption)
    spec.update(
        {
            "height": {"step": 14},
            "data": _values(rows),
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
    true [persons], widest first, a rule at the mean (rows: name, if_false, if_true)."""
    spec = base("Sensitivity: expected personnel with each condition false / true", caption)
    spec.update(
        {
            "height": max(80, 30 * len(rows)),
            "data": _values(rows),
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
                            {"field": "variance_share", "format": ".0%", "title": "variance share"},
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
            "height": {"step": 20},
            "data": _values(rows),
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


def coalition_curve(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """Coalition load and deployed strength by month [persons] (rows: month, series,
    personnel)."""
    spec = base("Coalition strength over the months", caption)
    spec.update(
        {
            "height": 260,
            "data": _values(rows),
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
            "data": _values(rows),
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


def closure_curve(rows: Sequence[Row], caption: str = "") -> dict[str, Any]:
    """Personnel in place by day [persons] (rows: day, personnel), a step line."""
    spec = base("Closure: personnel in place by day", caption)
    spec.update(
        {
            "height": 240,
            "data": _values(rows),
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


# -- maps ---------------------------------------------------------------------------


def _clip_ring(
    ring: Sequence[Sequence[float]], box: tuple[float, float, float, float]
) -> list[list[float]]:
    """Sutherland-Hodgman clip of one polygon ring to ``box`` (west, south, east,
    north) [degrees]."""
    west, south, east, north = box
    # (axis, bound, keep points above the bound)
    edges = ((0, west, True), (0, east, False), (1, south, True), (1, north, False))
    points = [[float(p[0]), float(p[1])] for p in ring]
    for axis, bound, above in edges:
        if not points:
            break
        out: list[list[float]] = []
        previous = points[-1]
        for point in points:
            if _inside(point, axis, bound, above):
                if not _inside(previous, axis, bound, above):
                    out.append(_cut(previous, point, axis, bound))
                out.append(point)
            elif _inside(previous, axis, bound, above):
                out.append(_cut(previous, point, axis, bound))
            previous = point
        points = out
    if len(points) >= 3 and points[0] != points[-1]:
        points.append(points[0])
    return points if len(points) >= 4 else []


def _inside(point: Sequence[float], axis: int, bound: float, above: bool) -> bool:
    return point[axis] >= bound if above else point[axis] <= bound


def _cut(a: Sequence[float], b: Sequence[float], axis: int, bound: float) -> list[float]:
    """Where the segment a-b crosses ``bound`` on ``axis`` (0: longitude, 1: latitude)."""
    t = (bound - a[axis]) / (b[axis] - a[axis])
    other = 1 - axis
    crossing = [0.0, 0.0]
    crossing[axis] = bound
    crossing[other] = round(a[other] + t * (b[other] - a[other]), 4)
    return crossing


def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Shoelace area of a ring in longitude/latitude: positive when counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


def _wound(ring: list[list[float]], clockwise: bool) -> list[list[float]]:
    """``ring`` in the winding asked for. Vega draws with d3-geo, which reads a polygon's
    exterior ring clockwise (RFC 7946 GeoJSON has it counter-clockwise; read that way,
    d3 fills the whole globe but the country)."""
    is_clockwise = _signed_area(ring) < 0
    return ring if is_clockwise == clockwise else ring[::-1]


def clip_countries(
    countries: Mapping[str, Any], box: tuple[float, float, float, float]
) -> list[dict[str, Any]]:
    """The country features of a GeoJSON FeatureCollection clipped to ``box`` (west,
    south, east, north) [degrees], those outside it dropped: the map fits its extent,
    not the world."""
    out = []
    for feature in countries.get("features", []):
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        clipped = []
        for polygon in polygons:
            rings = [_clip_ring(ring, box) for ring in polygon]
            if rings and rings[0]:
                clipped.append([_wound(r, clockwise=(k == 0)) for k, r in enumerate(rings) if r])
        if clipped:
            out.append(
                {
                    "type": "Feature",
                    "properties": dict(feature.get("properties", {})),
                    "geometry": {"type": "MultiPolygon", "coordinates": clipped},
                }
            )
    return out


WINDOW = (-30.0, 25.0, 60.0, 72.0)
"""(west, south, east, north) [degrees]: the part of the world a map is fitted within
(Europe and its approaches); points beyond it (a transatlantic origin) leave the extent
alone and their legs are cut at the map's edge."""


def clip_segment(
    a: Sequence[float], b: Sequence[float], box: tuple[float, float, float, float]
) -> list[list[float]] | None:
    """The part of the segment a-b inside ``box`` (Liang-Barsky), or None."""
    west, south, east, north = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - west), (dx, east - a[0]), (-dy, a[1] - south), (dy, north - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return [[a[0] + t0 * dx, a[1] + t0 * dy], [a[0] + t1 * dx, a[1] + t1 * dy]]


def clip_lines(
    features: Iterable[Mapping[str, Any]], box: tuple[float, float, float, float]
) -> list[dict[str, Any]]:
    """LineString features cut to ``box`` (segment by segment, as MultiLineStrings);
    those wholly outside it dropped."""
    out = []
    for feature in features:
        coordinates = feature["geometry"]["coordinates"]
        pieces = [
            piece
            for a, b in itertools.pairwise(coordinates)
            if (piece := clip_segment(a, b, box)) is not None
        ]
        if pieces:
            out.append(
                {
                    "type": "Feature",
                    "properties": dict(feature["properties"]),
                    "geometry": {"type": "MultiLineString", "coordinates": pieces},
                }
            )
    return out


def extent(
    features: Iterable[Mapping[str, Any]], margin: float = 1.5
) -> tuple[float, float, float, float]:
    """(west, south, east, north) [degrees] of the points and lines of ``features``
    within :data:`WINDOW`, widened by ``margin`` degrees."""
    xs: list[float] = []
    ys: list[float] = []
    for feature in features:
        geometry = feature.get("geometry") or {}
        coordinates = geometry.get("coordinates")
        if geometry.get("type") == "Point":
            coordinates = [coordinates]
        for x, y, *_ in coordinates or []:
            if WINDOW[0] <= x <= WINDOW[2] and WINDOW[1] <= y <= WINDOW[3]:
                xs.append(x)
                ys.append(y)
    if not xs:
        return (14.0, 43.0, 42.0, 56.0)
    return (min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)


def network_map(
    countries: Sequence[Mapping[str, Any]],
    legs: Sequence[Mapping[str, Any]],
    nodes: Sequence[Row],
    line_of_contact: Sequence[Mapping[str, Any]],
    title: str,
    caption: str = "",
    *,
    stations: Sequence[Row] = (),
    height: int = 560,
) -> dict[str, Any]:
    """A map: country outlines (``countries``, clipped GeoJSON features), network legs
    (GeoJSON line features with ``peak_utilisation_share`` 0-1 or null) coloured by their
    peak utilisation, nodes (rows: lon, lat, name, kind, moved_personnel) sized by the
    personnel through them, the line of contact in red, and ``stations`` (rows: lon, lat,
    name, personnel) as labelled circles. Mercator, fitted to the countries given; no
    tiles. Layers without data are left out."""
    spec = base(title, caption)
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": list(countries)},
            "mark": {
                "type": "geoshape",
                "fill": "#e3e7eb",
                "stroke": "#ffffff",
                "strokeWidth": 0.8,
            },
            "encoding": {"tooltip": [{"field": "properties.name", "title": "country"}]},
        }
    ]
    if legs:
        layers.append(
            {
                "data": {"values": list(legs)},
                "mark": {
                    "type": "geoshape",
                    "filled": False,
                    "strokeWidth": 2,
                    "strokeCap": "round",
                },
                "encoding": {
                    "stroke": {
                        "field": "properties.peak_utilisation_share",
                        "type": "quantitative",
                        "title": "peak utilisation of the leg",
                        "scale": {"domain": [0, 1], "range": UTILISATION},
                        "legend": {"format": ".0%", "gradientLength": 160},
                    },
                    "tooltip": [
                        {"field": "properties.name", "title": "leg"},
                        {"field": "properties.mode", "title": "mode"},
                        {
                            "field": "properties.moved_personnel",
                            "title": "personnel moved",
                            "format": ",.0f",
                        },
                        {
                            "field": "properties.peak_utilisation_share",
                            "title": "peak utilisation",
                            "format": ".0%",
                        },
                    ],
                },
            }
        )
    if line_of_contact:
        layers.append(
            {
                "data": {"values": list(line_of_contact)},
                "mark": {"type": "geoshape", "filled": False, "stroke": SHORT, "strokeWidth": 3},
                "encoding": {"tooltip": {"value": "line of contact"}},
            }
        )
    if nodes:
        layers.append(
            {
                "data": {"values": [dict(n) for n in nodes]},
                "mark": {"type": "circle", "stroke": "white", "strokeWidth": 0.8, "opacity": 0.95},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "size": {
                        "field": "moved_personnel",
                        "type": "quantitative",
                        "title": "personnel through",
                        "scale": {"range": [15, 300]},
                        "legend": {"format": ",d"},
                    },
                    "color": {
                        "field": "kind",
                        "type": "nominal",
                        "title": "node",
                        "scale": {"scheme": "dark2"},
                    },
                    "tooltip": [
                        {"field": "name", "title": "node"},
                        {"field": "kind"},
                        {"field": "moved_personnel", "title": "personnel moved", "format": ",.0f"},
                    ],
                },
            }
        )
    if stations:
        where = {
            "longitude": {"field": "lon", "type": "quantitative"},
            "latitude": {"field": "lat", "type": "quantitative"},
        }
        layers.append(
            {
                "data": {"values": [dict(p) for p in stations]},
                "layer": [
                    {
                        "mark": {
                            "type": "circle",
                            "color": ACCENT,
                            "opacity": 0.75,
                            "stroke": "white",
                        },
                        "encoding": {
                            **where,
                            "size": {
                                "field": "personnel",
                                "type": "quantitative",
                                "title": "personnel at the station",
                                "scale": {"range": [30, 1400]},
                                "legend": {"format": ",d"},
                            },
                            "tooltip": [
                                {"field": "name", "title": "station"},
                                {"field": "personnel", "format": ",.0f"},
                                {"field": "units"},
                            ],
                        },
                    },
                    {
                        "mark": {
                            "type": "text",
                            "dy": -14,
                            "fontSize": 12,
                            "fontWeight": "bold",
                            "color": INK,
                        },
                        "encoding": {**where, "text": {"field": "label"}},
                    },
                ],
            }
        )
    spec.update(
        {
            "height": height,
            "projection": {"type": "mercator"},
            "layer": layers,
            "resolve": {"scale": {"color": "independent", "size": "independent"}},
        }
    )
    return spec


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
            "data": _values(rows),
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
                "data": _values(marks),
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
            "height": {"step": 11},
            "data": _values(rows),
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
