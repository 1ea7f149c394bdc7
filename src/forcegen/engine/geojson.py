"""GeoJSON features (RFC 7946) of the network, the line of contact and the force, for QGIS.

Pure: builds plain dictionaries; the CLI writes them (``--geojson FILE``). Coordinates are
``[longitude, latitude]`` in degrees (WGS 84, RFC 7946 section 3.1.1), rounded to
:data:`COORDINATE_DECIMALS` places (about 0.1 m). Every feature has a ``layer`` property
(``node``, ``leg``, ``zone``, ``line_of_contact``, ``unit``, ``coverage``, ...) so a GIS
can split the collection into layers, and every numeric property names its unit
(``personnel``, ``distance_km``, ``flow_short_tons_per_day``, ``utilisation_share``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

from forcegen.model.network import Network

COORDINATE_DECIMALS = 6
"""Decimal places kept in coordinates [degrees]: 1e-6 degree is about 0.11 m."""

Feature = dict[str, Any]
"""One GeoJSON Feature."""


def position(lon: float, lat: float) -> list[float]:
    """A GeoJSON position: ``[longitude, latitude]`` [degrees], rounded."""
    return [round(float(lon), COORDINATE_DECIMALS), round(float(lat), COORDINATE_DECIMALS)]


def point(lon: float, lat: float, properties: Mapping[str, Any]) -> Feature:
    """A Point feature at (``lon``, ``lat``) [degrees]."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": position(lon, lat)},
        "properties": dict(properties),
    }


def line(coordinates: Sequence[tuple[float, float]], properties: Mapping[str, Any]) -> Feature:
    """A LineString feature through (lon, lat) points [degrees]; at least two."""
    if len(coordinates) < 2:
        raise ValueError("a LineString needs at least two positions")
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [position(x, y) for x, y in coordinates]},
        "properties": dict(properties),
    }


def polygon(ring: Sequence[tuple[float, float]], properties: Mapping[str, Any]) -> Feature:
    """A Polygon feature with one exterior ring of (lon, lat) points [degrees], closed
    here if it is not, wound counter-clockwise (RFC 7946 section 3.1.6)."""
    points = [position(x, y) for x, y in ring]
    if points[0] != points[-1]:
        points.append(points[0])
    if len(points) < 4:
        raise ValueError("a Polygon ring needs at least three distinct positions")
    area2 = sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(points))
    if area2 < 0:
        points.reverse()
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [points]},
        "properties": dict(properties),
    }


def collection(features: Iterable[Feature], **members: Any) -> dict[str, Any]:
    """A FeatureCollection; ``members`` become foreign members (e.g. ``name``,
    ``scenario``), which RFC 7946 section 6.1 allows and QGIS ignores."""
    return {"type": "FeatureCollection", **members, "features": list(features)}


def network_features(
    network: Network,
    *,
    node_properties: Mapping[str, Mapping[str, Any]] | None = None,
    leg_properties: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Feature]:
    """Every node (layer ``node``), every leg as a straight line between its ends (layer
    ``leg``), each zone's destination (layer ``zone``) and the line of contact (layer
    ``line_of_contact``); ``node_properties`` / ``leg_properties`` add properties by id
    (flows, utilisation)."""
    node_properties = node_properties or {}
    leg_properties = leg_properties or {}
    nodes = {node.id: node for node in network.nodes}
    out: list[Feature] = []
    for node in network.nodes:
        handling = node.handling
        out.append(
            point(
                node.lon,
                node.lat,
                {
                    "layer": "node",
                    "id": node.id,
                    "name": node.name,
                    "kind": node.kind.value,
                    "country": node.country,
                    "handling_pax_per_day": None if handling is None else handling.pax_per_day,
                    "handling_short_tons_per_day": None
                    if handling is None
                    else handling.short_tons_per_day,
                    "dwell_days": node.dwell_days,
                    **node_properties.get(node.id, {}),
                },
            )
        )
    for leg in network.legs:
        a, b = nodes[leg.from_], nodes[leg.to]
        out.append(
            line(
                [(a.lon, a.lat), (b.lon, b.lat)],
                {
                    "layer": "leg",
                    "id": leg.id,
                    "name": leg.label,
                    "from": leg.from_,
                    "to": leg.to,
                    "mode": leg.mode.value,
                    "gauge_break": leg.gauge_break,
                    "transit_days": leg.transit_days,
                    "capacity_pax_per_day": leg.capacity.pax_per_day,
                    "capacity_short_tons_per_day": leg.capacity.short_tons_per_day,
                    **leg_properties.get(leg.id, {}),
                },
            )
        )
    for zone, node_id in network.zones.items():
        node = nodes[node_id]
        out.append(point(node.lon, node.lat, {"layer": "zone", "id": zone, "destination": node_id}))
    loc = line_of_contact_feature(network)
    if loc is not None:
        out.append(loc)
    return out


def line_of_contact_feature(network: Network) -> Feature | None:
    """The line of contact as a LineString (layer ``line_of_contact``), or None."""
    loc = network.line_of_contact
    if loc is None:
        return None
    return line(
        [(p.lon, p.lat) for p in loc.points],
        {
            "layer": "line_of_contact",
            "date": loc.date,
            "sources": [src.url for src in loc.sources],
        },
    )
