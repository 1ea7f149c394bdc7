"""GeoJSON for QGIS: valid RFC 7946 FeatureCollections, [lon, lat] order, coordinates that
round-trip, properties that name their units (``deploy --geojson``; posture and supply
have their own checks in their test files)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

import forcegen
from forcegen.engine.geojson import collection, line, point, polygon
from helpers.cli import cli

shapely_geometry = pytest.importorskip("shapely.geometry", reason="shapely is in the test extra")


def strict_load(path: Path) -> dict[str, Any]:
    """Parse JSON refusing NaN and infinity (RFC 8259, which RFC 7946 builds on)."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)
    return data


def check_collection(data: dict[str, Any]) -> None:
    """Every feature is a valid geometry with longitudes in [-180, 180] and latitudes in
    [-90, 90], and a ``layer`` property."""
    assert data["type"] == "FeatureCollection"
    assert data["features"], "an empty collection"
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert "layer" in feature["properties"]
        shape = shapely_geometry.shape(feature["geometry"])
        assert shape.is_valid, feature
        for lon, lat in _positions(feature["geometry"]):
            assert -180 <= lon <= 180 and -90 <= lat <= 90


def _positions(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    coords = geometry["coordinates"]
    if geometry["type"] == "Point":
        return [tuple(coords)]  # type: ignore[list-item]
    if geometry["type"] == "LineString":
        return [tuple(c) for c in coords]
    return [tuple(c) for ring in coords for c in ring]


def test_deploy_geojson_is_valid_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "deploy.geojson"
    result = cli("deploy", "-s", "ceasefire-us-backstop", "--geojson", str(path), "--json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["closure_day"] is not None  # stdout still the results
    data = strict_load(path)
    check_collection(data)
    network = forcegen.load_builtin("mnf-ukraine").network
    assert network is not None
    layers: dict[str, list[dict[str, Any]]] = {}
    for feature in data["features"]:
        layers.setdefault(feature["properties"]["layer"], []).append(feature)
    assert {"node", "leg", "zone", "line_of_contact", "unit"} <= set(layers)

    # every node comes back at its own [lon, lat] (not [lat, lon])
    nodes = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in layers["node"]}
    assert len(nodes) == len(network.nodes)
    for node in network.nodes:
        lon, lat = nodes[node.id]
        assert math.isclose(lon, node.lon, abs_tol=1e-6) and math.isclose(
            lat, node.lat, abs_tol=1e-6
        )
    assert nodes["lviv"] == pytest.approx([24.0, 49.84], abs=0.1)  # east, north: lon first

    # each leg runs from its first node to its second
    legs = {f["properties"]["id"]: f for f in layers["leg"]}
    assert len(legs) == len(network.legs)
    for leg in network.legs:
        coords = legs[leg.id]["geometry"]["coordinates"]
        assert coords == [nodes[leg.from_], nodes[leg.to]]

    # the line of contact, north to south, as drawn
    loc = layers["line_of_contact"][0]["geometry"]["coordinates"]
    assert network.line_of_contact is not None
    assert loc == [[p.lon, p.lat] for p in network.line_of_contact.points]

    # flows and units carry their units in their names and add up
    deployed = json.loads(result.stdout)
    units = layers["unit"]
    assert len(units) == len(deployed["units"])
    assert sum(u["properties"]["personnel"] for u in units) == pytest.approx(
        deployed["moved_personnel"]
    )
    used = [f["properties"] for f in layers["leg"] if f["properties"]["moved_personnel"] > 0]
    assert used, "no leg carried anyone"
    for props in used:
        assert 0 < props["peak_utilisation_share"] <= 1 + 1e-9
        assert props["peak_day"] is not None
    into_lviv = sum(
        f["properties"]["moved_personnel"] for f in layers["leg"] if f["properties"]["to"] == "lviv"
    )
    at_lviv = sum(u["properties"]["personnel"] for u in units if u["properties"]["node"] == "lviv")
    assert into_lviv == pytest.approx(at_lviv)  # what the legs into Lviv carried is who is there


def test_a_bad_geojson_path_is_refused_before_any_work(tmp_path: Path) -> None:
    result = cli("deploy", "--geojson", str(tmp_path / "missing" / "d.geojson"))
    assert result.code == 2
    assert "--geojson" in result.stderr or "missing" in result.stderr
    assert result.stdout == ""


def test_builders_follow_rfc_7946() -> None:
    assert point(30.5, 50.45, {"layer": "x"})["geometry"]["coordinates"] == [30.5, 50.45]
    with pytest.raises(ValueError, match="two positions"):
        line([(0.0, 0.0)], {})
    # a clockwise ring is rewound counter-clockwise and closed
    square = polygon([(0, 0), (0, 1), (1, 1), (1, 0)], {"layer": "x"})
    ring = square["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    assert shapely_geometry.shape(square["geometry"]).exterior.is_ccw
    data = collection([square], name="t")
    assert data["type"] == "FeatureCollection" and data["name"] == "t"
