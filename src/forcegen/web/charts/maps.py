"""The deployment and posture maps: country outlines clipped to the map's extent,
the network coloured by utilisation."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from forcegen.web.charts.base import (
    ACCENT,
    INK,
    SHORT,
    UTILISATION,
    Row,
    base,
)


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
