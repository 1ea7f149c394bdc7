"""Posture: distances, road times, coverage, caveat costs and risk on toy networks worked
by hand; GeoJSON validity; the built-in postures; the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape

import forcegen
from forcegen.errors import WorkspaceError
from helpers.cli import cli

DEG = 6371.0088 * math.pi / 180
"""Great-circle km per degree along the equator or a meridian: 111.195 km."""


def _node(nid: str, lat: float, lon: float, kind: str = "destination") -> dict[str, Any]:
    return {"id": nid, "name": nid.upper(), "kind": kind, "lat": lat, "lon": lon}


def _air(a: str, b: str) -> dict[str, Any]:
    # air legs carry the deployment and are no roads: they do not enter road times
    return {
        "id": f"{a}-{b}-air",
        "from": a,
        "to": b,
        "mode": "air",
        "transit_days": 1,
        "capacity": {"pax_per_day": 10_000, "short_tons_per_day": 10_000},
    }


def toy(
    nodes: list[dict[str, Any]],
    legs: list[dict[str, Any]],
    line: list[tuple[float, float]],
    zones: dict[str, str],
    pledges: list[dict[str, Any]],
    settings: dict[str, Any],
    postures: list[dict[str, Any]] | None = None,
    zone_records: list[dict[str, Any]] | None = None,
) -> forcegen.Workspace:
    """A workspace of two nations, a manoeuvre brigade and a company, one scenario."""
    return forcegen.build_workspace(
        {
            "nations": [
                {
                    "id": "GBR",
                    "name": "United Kingdom",
                    "active_personnel": 140_000,
                    "land_personnel": 75_000,
                },
                {
                    "id": "EST",
                    "name": "Estonia",
                    "active_personnel": 7_000,
                    "land_personnel": 6_000,
                },
            ],
            "capabilities": [
                {
                    "id": "bde",
                    "name": "Brigade",
                    "domain": "land",
                    "personnel": 1000,
                    "manoeuvre": True,
                },
                {"id": "coy", "name": "Company", "domain": "land", "personnel": 100},
            ],
            "zones": zone_records
            or [{"id": z, "name": z, "country": "UKR"} for z in sorted(set(zones))],
            "conditions": [
                {"id": "ceasefire", "description": "A ceasefire holds.", "probability": 0.5}
            ],
            "scenarios": [{"id": "cf", "name": "Ceasefire", "assume": {"ceasefire": True}}],
            "pledges": pledges,
            "network": {
                "nodes": [_node("o", 0.0, -10.0, "origin"), *nodes],
                "legs": legs,
                "origins": {"GBR": ["o"], "EST": ["o"]},
                "zones": zones,
                "default_zone": next(iter(zones)),
                "line_of_contact": {"points": [{"lat": a, "lon": b} for a, b in line]},
            },
            "posture": settings,
            "postures": postures or [],
        }
    )


def _pledge(pid: str, nation: str, capability: str, zones: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": pid,
        "nation": nation,
        "capability": capability,
        "quantity": 1,
        "requires": "ceasefire",
    }
    if zones is not None:
        out["zones"] = zones
    return out


# -- distances and road times -------------------------------------------------------------


def test_distance_and_road_time_by_hand() -> None:
    # A (0, 0), B (0, 1), C (0, 2) on the equator; the line runs north-south along
    # longitude 3 from latitude -0.5 to 0.5. Road A-B is 100 km (length_km), road B-C has
    # no length: 1 degree x 1.25 = 138.99 km. Convoys at 50 km/h, detour 1.25.
    ws = toy(
        nodes=[_node("a", 0.0, 0.0), _node("b", 0.0, 1.0), _node("c", 0.0, 2.0)],
        legs=[
            _air("o", "a"),
            {**_air("a", "b"), "id": "a-b-road", "mode": "road", "length_km": 100},
            {**_air("b", "c"), "id": "b-c-road", "mode": "road"},
        ],
        line=[(-0.5, 3.0), (0.5, 3.0)],
        zones={"za": "a"},
        pledges=[_pledge("gbr-bde", "GBR", "bde", ["za"])],
        settings={"detour_factor": 1.25, "convoy_speed_kmh": 50, "basis": "assumption"},
    )
    result = forcegen.posture(ws, "cf")
    (unit,) = result.units
    assert unit.station.node == "a"
    # nearest point of the line to A is (0, 3): 3 degrees = 333.585 km
    assert unit.distance_km == pytest.approx(3 * DEG, rel=1e-9)
    # by road to m, then across country x 1.25:
    #   m = A: 0 + 1.25 x 3 DEG = 416.98 km
    #   m = B: 100 + 1.25 x 2 DEG = 377.99 km
    #   m = C: 100 + 1.25 x DEG (road B-C) + 1.25 x DEG = 377.99 km
    # fastest 377.99 km / 50 km/h = 7.560 h
    assert unit.road_hours == pytest.approx((100 + 2.5 * DEG) / 50, rel=1e-9)
    assert result.to_json()["units"][0]["road_hours"] == pytest.approx(7.56, abs=0.005)


def test_personnel_within_bands_by_hand() -> None:
    # a brigade (1,000) 0.3 degrees (33.4 km) from the line, a company (100) 1 degree
    # (111.2 km) from it: within 50 km 1,000; within 100 km 1,000; within 200 km 1,100
    ws = toy(
        nodes=[_node("near", 0.0, 2.7), _node("far", 0.0, 2.0)],
        legs=[_air("o", "near"), _air("o", "far")],
        line=[(-1.0, 3.0), (1.0, 3.0)],
        zones={"z1": "near", "z2": "far"},
        pledges=[
            _pledge("gbr-bde", "GBR", "bde", ["z1"]),
            _pledge("est-coy", "EST", "coy", ["z2"]),
        ],
        settings={"basis": "assumption"},
    )
    assert forcegen.posture(ws, "cf").to_json()["within_km"] == {
        "50": 1000,
        "100": 1000,
        "200": 1100,
    }


# -- coverage ----------------------------------------------------------------------------


def test_coverage_of_a_straight_line_by_one_unit() -> None:
    # One brigade at (0, 0), no roads; the line runs along longitude 0.2 from latitude -1
    # to 1: L = 2 degrees = 222.39 km, d = 0.2 degrees = 22.239 km from the unit.
    # Within T = 1 h at 40 km/h with detour 1.25 a column covers r = 1 x 40 / 1.25 = 32 km
    # as the crow flies: the chord 2 sqrt(r^2 - d^2) = 2 sqrt(1024 - 494.58) = 46.02 km,
    # a share 46.02 / 222.39 = 0.2069 (to within two 1-km segments: +/- 0.009).
    # Within 24 h (r = 768 km) the whole line.
    ws = toy(
        nodes=[_node("a", 0.0, 0.0)],
        legs=[_air("o", "a")],
        line=[(-1.0, 0.2), (1.0, 0.2)],
        zones={"za": "a"},
        pledges=[_pledge("gbr-bde", "GBR", "bde", ["za"])],
        settings={
            "coverage_hours": [1, 24],
            "convoy_speed_kmh": 40,
            "detour_factor": 1.25,
            "segment_km": 1,
            "basis": "assumption",
        },
    )
    result = forcegen.posture(ws, "cf")
    r, d, length = 32.0, 0.2 * DEG, 2 * DEG
    assert result.coverage[1.0] == pytest.approx(2 * math.sqrt(r * r - d * d) / length, abs=0.01)
    assert result.coverage[24.0] == 1.0
    assert result.line_km == pytest.approx(length, rel=1e-6)
    assert len(result.segments) == math.ceil(length / 1)  # 223 pieces of at most 1 km
    # the worst segment is at an end: its midpoint ~0.5 km in, ~sqrt(0.9955^2 + 0.2^2)
    # degrees = 112.9 km away: 112.9 x 1.25 / 40 = 3.53 h
    worst = result.worst_segment
    assert worst is not None and worst.unit == "gbr-bde"
    assert worst.hours == pytest.approx(math.hypot(1 - 0.5 / DEG, 0.2) * DEG * 1.25 / 40, abs=0.01)
    assert worst.piece.start_km == 0 or worst.piece.end_km == pytest.approx(length)


def test_no_manoeuvre_unit_covers_nothing() -> None:
    ws = toy(
        nodes=[_node("a", 0.0, 0.0)],
        legs=[_air("o", "a")],
        line=[(-1.0, 0.2), (1.0, 0.2)],
        zones={"za": "a"},
        pledges=[_pledge("est-coy", "EST", "coy", ["za"])],
        settings={"basis": "assumption"},
    )
    result = forcegen.posture(ws, "cf")
    assert result.coverage == {6.0: 0.0, 24.0: 0.0}
    assert result.worst_segment is not None and result.worst_segment.hours is None


# -- caveats and risk --------------------------------------------------------------------


def _front_workspace(
    pledges: list[dict[str, Any]] | None = None, f1: tuple[float, float] = (-0.5, 2.8)
) -> forcegen.Workspace:
    # The line runs along longitude 3 from latitude -1 to 1 (222.39 km). Rear node R at
    # (0, 0), 333 km away; forward stations F1 (-0.5, 2.8) and F2 (0.5, 2.8), each 0.2
    # degrees = 22.24 km from the line. The UK brigade may serve only in the rear zone
    # (a front-line caveat); the Estonian brigade names no zone (it may go anywhere).
    # Posture "forward": front first, stations F1 and F2 (units balanced by personnel).
    return toy(
        nodes=[_node("r", 0.0, 0.0), _node("f1", *f1), _node("f2", 0.5, 2.8)],
        legs=[_air("o", "r"), _air("o", "f1")],
        line=[(-1.0, 3.0), (1.0, 3.0)],
        zones={"rear": "r", "front": "f1"},
        zone_records=[
            {"id": "rear", "name": "Rear", "country": "UKR"},
            {"id": "front", "name": "Front", "country": "UKR", "front_line": True},
        ],
        pledges=pledges
        or [
            _pledge("gbr-bde", "GBR", "bde", ["rear"]),
            _pledge("est-bde", "EST", "bde", None),
        ],
        settings={
            "coverage_hours": [1, 24],
            "convoy_speed_kmh": 40,
            "segment_km": 1,
            "risk_km": 50,
            "risk_scenario": "cf",
            "basis": "assumption",
        },
        postures=[
            {
                "id": "forward",
                "name": "Forward",
                "zone_order": ["front", "rear"],
                "stations": {"front": ["f1", "f2"]},
                "basis": "assumption",
            }
        ],
    )


def test_caveat_cost_and_risk_by_hand() -> None:
    ws = _front_workspace()
    result = forcegen.posture(ws, "cf", posture="forward")
    where = {u.station.pledge: u.station.node for u in result.units}
    # the UK brigade stops in the rear; the Estonian goes to the first station, F1
    # (both stations empty: the first listed)
    assert where == {"gbr-bde": "r", "est-bde": "f1"}
    assert [u.station.caveated for u in result.units] == [True, False]
    # within 1 h a column covers 32 km around F1: a chord 2 sqrt(32^2 - 22.239^2) =
    # 46.02 km of 222.39 km = 0.2069; R (333 km away) covers nothing
    chord = 2 * math.sqrt(32**2 - (0.2 * DEG) ** 2)
    assert result.coverage[1.0] == pytest.approx(chord / (2 * DEG), abs=0.01)
    # at risk (within 50 km, in the risk scenario): the Estonian brigade at F1 (22.24 km)
    assert [(a.pledge, a.node) for a in result.at_risk] == [("est-bde", "f1")]
    # 0.2 degrees of longitude at latitude -0.5: 0.2 x 111.195 x cos(0.5 deg) = 22.238 km
    assert result.at_risk[0].distance_km == pytest.approx(
        0.2 * DEG * math.cos(math.radians(0.5)), rel=1e-6
    )
    # lifting the UK caveat: the UK brigade goes first to F1, the Estonian to F2; the
    # two chords do not overlap (F1 covers latitudes -0.5 +/- 0.207, F2 0.5 +/- 0.207):
    # 2 x 46.02 / 222.39 = 0.4139, a gain of 0.2069 within 1 h, none within 24 h
    (cost,) = result.caveats
    assert cost.nations == ("GBR",)
    assert cost.coverage[1.0] == pytest.approx(2 * chord / (2 * DEG), abs=0.015)
    assert cost.gained[1.0] == pytest.approx(chord / (2 * DEG), abs=0.015)
    assert cost.gained[24.0] == 0.0
    # 1 h: the re-stationed layout (in place, R adds nothing); 24 h: equal, in place first
    assert cost.layout == {1.0: "restationed", 24.0: "in place"}
    assert cost.restationed == {1.0: ("GBR",), 24.0: ()}
    # ... and the UK brigade at F1 is then newly at risk
    assert cost.newly_at_risk == ("gbr-bde",)


def test_a_caveated_unit_does_not_cover_the_line() -> None:
    # Only the UK brigade, caveated, in the rear at R (0, 0). By the roads it would reach
    # the line (no road legs: 1.25 x great circle at 40 km/h) at its nearest point (0, 3)
    # in 1.25 x 3 DEG / 40 = 10.42 h and at its ends (+/-1, 3) in 1.25 x 351.6 / 40 =
    # 10.99 h: all within 24 h, none within 1 h. Free to move to the line: nobody.
    ws = _front_workspace([_pledge("gbr-bde", "GBR", "bde", ["rear"])])
    result = forcegen.posture(ws, "cf", posture="forward")
    assert result.coverage == {1.0: 0.0, 24.0: 0.0}
    assert result.worst_segment is not None and result.worst_segment.hours is None
    assert result.coverage_including_caveated == {1.0: 0.0, 24.0: 1.0}
    # the exposure still counts it: 333.6 km from the line, within 400 km
    assert result.personnel == 1000.0


def test_every_unit_of_a_zone_is_spread_over_its_stations() -> None:
    # Posture "forward": front stations F1, F2; every Estonian pledge goes to the front.
    # Pledges in order: company c1 (100), brigade b1 (1000), brigade b2 (1000), company
    # c2 (100). Manoeuvre first, largest first (pledge order among equals), each to the
    # station with the fewest personnel (the first among equals):
    #   b1 -> F1 (0, 0: first), b2 -> F2 (1000, 0)
    # then the others: c1 -> F1 (1000, 1000: first), c2 -> F2 (1100, 1000)
    ws = _front_workspace(
        [
            _pledge("c1", "EST", "coy", None),
            _pledge("b1", "EST", "bde", None),
            _pledge("b2", "EST", "bde", None),
            _pledge("c2", "EST", "coy", None),
        ]
    )
    result = forcegen.posture(ws, "cf", posture="forward")
    assert {u.station.pledge: u.station.node for u in result.units} == {
        "c1": "f1",
        "b1": "f1",
        "b2": "f2",
        "c2": "f2",
    }
    assert [s.to_json() for s in result.stations] == [
        {"node": "f1", "zone": "front", "personnel": 1100.0, "units": 2},
        {"node": "f2", "zone": "front", "personnel": 1100.0, "units": 2},
    ]
    assert result.warnings == ()
    assert result.stations_frame()["personnel"].tolist() == [1100.0, 1100.0]


def test_an_empty_station_is_warned() -> None:
    # one company only: it goes to F1; F2 holds nobody
    ws = _front_workspace([_pledge("c1", "EST", "coy", None)])
    result = forcegen.posture(ws, "cf", posture="forward")
    assert [(s.node, s.personnel, s.units) for s in result.stations] == [
        ("f1", 100.0, 1),
        ("f2", 0.0, 0),
    ]
    assert result.warnings == ("F2 (front), a station of the posture, holds nobody",)
    assert result.to_json()["warnings"] == list(result.warnings)


def test_a_unit_shifted_by_another_nations_lifted_caveat_is_newly_at_risk() -> None:
    # F1 now at (-0.5, 2.4): 0.6 degrees of longitude at latitude -0.5 = 66.7 km from the
    # line, beyond risk_km 50; F2 22.2 km. Base: the Estonian brigade alone at the front
    # goes to F1 (first among equals): not at risk. UK caveat lifted: the UK brigade
    # (first in pledge order among equals) takes F1, the Estonian brigade is shifted to F2:
    # newly at risk, although Estonia lifted nothing; the UK brigade at F1 is not.
    ws = _front_workspace(f1=(-0.5, 2.4))
    result = forcegen.posture(ws, "cf", posture="forward")
    assert result.at_risk == ()
    (cost,) = result.caveats
    assert cost.newly_at_risk == ("est-bde",)


def test_best_coverage_is_monotone_even_when_restationing_is_not() -> None:
    # A value function whose re-stationed layouts are deliberately non-monotone: lifting
    # A and re-stationing A gives 0.6, lifting A and B and re-stationing both 0.3; in
    # place, each lifted nation adds 0.1 to 0.2. The best over every subset re-stationed
    # (with every lifted unit counting) is monotone: for S within T, best(T) >= best(S).
    from itertools import combinations

    from forcegen.engine.posture.caveats import best_coverage

    restationed = {("A",): 0.6, ("B",): 0.4, ("C",): 0.1, ("A", "B"): 0.3}

    def value(moved: tuple[str, ...], counting: tuple[str, ...]) -> dict[float, float]:
        base = 0.2 + 0.1 * len(counting)
        return {6.0: max(base, restationed.get(moved, 0.0)) if moved else base}

    nations = ("A", "B", "C")
    sets = [c for k in range(4) for c in combinations(nations, k)]
    best = {s: best_coverage(s, [6.0], value)[0][6.0] for s in sets}
    # by hand: {} 0.2; A 0.6 (re-stationed); B 0.4; C 0.3 (in place 0.2 + 0.1);
    # A,B 0.6 (A re-stationed); A,C 0.6; B,C 0.4; A,B,C 0.6
    assert best[()] == pytest.approx(0.2)
    assert best[("A",)] == 0.6 and best[("A", "B")] == 0.6 and best[("C",)] == pytest.approx(0.3)
    assert best_coverage(("A", "B"), [6.0], value)[1] == {6.0: "restationed"}
    for s in sets:
        for t in sets:
            if set(s) <= set(t):
                assert best[t] >= best[s] >= best[()], (s, t)


def test_builtin_caveat_price_is_monotone_and_never_negative(
    builtin: forcegen.Workspace,
) -> None:
    for scenario in ("ceasefire-us-backstop", "ceasefire-only"):
        for result in forcegen.compare_postures(builtin, scenario).results:
            *alone, together = result.caveats
            assert len(alone) >= 2, (scenario, result.posture)
            for h, base in result.coverage.items():
                for cost in alone:
                    assert together.coverage[h] >= cost.coverage[h] >= base, (cost.nations, h)
                    assert cost.gained[h] >= 0


def test_without_a_posture_units_stand_where_deploy_sends_them() -> None:
    ws = _front_workspace()
    result = forcegen.posture(ws, "cf")
    # no posture: each pledge's own first zone, the default zone for a pledge without one
    assert {u.station.pledge: u.station.node for u in result.units} == {
        "gbr-bde": "r",
        "est-bde": "r",
    }
    assert result.at_risk == ()


def test_unknown_posture_id_is_refused() -> None:
    with pytest.raises(forcegen.UnknownIdError, match="unknown posture 'nope'"):
        forcegen.posture(_front_workspace(), "cf", posture="nope")


def test_unknown_zones_and_nodes_name_the_field_path() -> None:
    with pytest.raises(WorkspaceError) as caught:
        toy(
            nodes=[_node("a", 0.0, 0.0)],
            legs=[_air("o", "a")],
            line=[(-1.0, 0.2), (1.0, 0.2)],
            zones={"za": "a"},
            pledges=[_pledge("gbr-bde", "GBR", "bde", ["za"])],
            settings={"risk_scenario": "no-such", "basis": "assumption"},
            postures=[
                {
                    "id": "p",
                    "name": "P",
                    "zone_order": ["zb"],
                    "stations": {"za": ["nowhere"]},
                }
            ],
        )
    paths = {issue.path for issue in caught.value.issues}
    assert ("postures", 0, "zone_order", 0) in paths
    assert ("postures", 0, "stations", "za", 0) in paths
    assert ("posture", "risk_scenario") in paths


# -- GeoJSON -----------------------------------------------------------------------------


def test_geojson_is_valid_in_lon_lat_order_and_round_trips() -> None:
    ws = _front_workspace()
    document = forcegen.posture(ws, "cf", posture="forward").to_geojson()
    assert document["type"] == "FeatureCollection"
    json.dumps(document)  # plain JSON
    for feature in document["features"]:
        assert shape(feature["geometry"]).is_valid, feature["properties"]
    assert ws.network is not None
    nodes = {n.id: (n.lon, n.lat) for n in ws.network.nodes}
    points = {
        f["properties"]["id"]: tuple(f["geometry"]["coordinates"])
        for f in document["features"]
        if f["properties"]["layer"] == "node"
    }
    assert points == nodes  # every node in, every node out, [lon, lat]
    coverage = [f for f in document["features"] if f["properties"]["layer"] == "coverage"]
    assert len(coverage) == 223  # 222.39 km in pieces of at most 1 km
    # the line runs along longitude 3: the first coordinate of every position is 3
    assert {x for f in coverage for x, _ in f["geometry"]["coordinates"]} == {3.0}
    units = [f for f in document["features"] if f["properties"]["layer"] == "unit"]
    assert [u["geometry"]["coordinates"] for u in units] == [[0.0, 0.0], [2.8, -0.5]]
    assert units[0]["properties"]["caveated"] is True
    assert {"covered_1h", "covered_24h", "hours_to_reach"} <= set(coverage[0]["properties"])


def test_posture_maps_are_written_for_each_posture(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from forcegen.plots.posture import posture_charts

    ws = _front_workspace()
    written = posture_charts(forcegen.compare_postures(ws, "cf"), tmp_path, workspace=ws)
    assert sorted(p.name for p in written) == ["posture_map_forward.png", "posture_map_forward.svg"]
    assert all(p.stat().st_size > 0 for p in written)


# -- the built-in data -------------------------------------------------------------------


def test_lviv_hub_is_the_deployment_layout(builtin: forcegen.Workspace) -> None:
    for scenario in builtin.scenarios:
        hub = forcegen.posture(builtin, scenario, posture="lviv-hub")
        default = forcegen.posture(builtin, scenario)
        assert [(u.station.unit, u.station.node) for u in hub.units] == [
            (u.station.unit, u.station.node) for u in default.units
        ], scenario


def test_forward_hubs_bring_the_force_closer(builtin: forcegen.Workspace) -> None:
    both = forcegen.compare_postures(builtin, "ceasefire-us-backstop")
    hub, forward = both.results
    assert (hub.posture, forward.posture) == ("lviv-hub", "forward-hubs")
    assert hub.within_km[200.0] == 0  # Lviv is ~700 km from the line
    assert forward.within_km[200.0] > 0
    # every station of forward-hubs that holds a unit is reported; in this scenario the
    # east gets only two units (Dutch infantry, a company), so Kharkiv is warned empty
    rows = {s.node: s for s in forward.stations if s.zone == "ukraine-east"}
    assert list(rows) == ["dnipro", "zaporizhzhia", "kharkiv"]
    assert rows["dnipro"].units == 1 and rows["zaporizhzhia"].units == 1
    assert any(w.startswith("Kharkiv") for w in forward.warnings)
    # nobody free to move to the line stands in Ukraine: the UK and French brigades are
    # caveated; the line waits for the German battlegroup from Poland
    assert hub.coverage[24.0] == 0 and forward.coverage[24.0] == 0
    assert forward.worst_segment is not None and forward.worst_segment.nation == "DEU"
    assert forward.coverage_including_caveated is not None
    assert forward.coverage_including_caveated[24.0] == 1.0


def test_report_says_who_covers_and_where_the_force_stands() -> None:
    code, out, err = cli("posture", "-s", "ceasefire-us-backstop", "--posture", "forward-hubs")
    assert code == 0, err
    text = " ".join(out.split())
    assert "Coverage by units free to move to the line" in text
    # Dnipro: Dutch infantry 300; Zaporizhzhia: one company 120; Kharkiv: nobody
    assert (
        "Personnel per station: Dnipro 300 (1 unit), Zaporizhzhia 120 (1 unit), Kharkiv 0," in text
    )
    assert "Warning: Kharkiv (ukraine-east), a station of the posture, holds nobody." in text
    assert "reckoned for posture.risk_scenario only" in text


def test_empty_coverage_hours_says_so_plainly() -> None:
    code, out, err = cli("posture", "--set", "posture.coverage_hours=[]")
    assert code == 2 and out == ""
    assert "posture.coverage_hours: too few values" in err
    assert "expected at least 1 value" in err
    assert "Tuple" not in err


# -- command line ------------------------------------------------------------------------


def test_cli_json_shape(tmp_path: Path) -> None:
    target = tmp_path / "posture.geojson"
    code, out, err = cli(
        "posture", "-s", "ceasefire-us-backstop", "--posture", "forward-hubs", "--json",
        "--geojson", str(target),
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc["within_km"]) == {"50", "100", "200"}
    assert set(doc["coverage"]) == {"6", "24"}
    assert {"pledge", "nation", "node", "distance_km", "road_hours"} <= set(doc["units"][0])
    assert {"start_km", "end_km", "unit", "hours"} <= set(doc["worst_segment"])
    assert doc["posture"] == "forward-hubs"
    assert json.loads(target.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_cli_compare_json() -> None:
    code, out, err = cli("posture", "-s", "ceasefire-us-backstop", "--compare", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert [p["posture"] for p in doc["postures"]] == ["lviv-hub", "forward-hubs"]


def test_cli_unknown_posture_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.geojson"
    code, out, err = cli("posture", "--posture", "nowhere", "--geojson", str(target))
    assert code == 2
    assert "unknown posture 'nowhere'" in err
    assert out == ""
    assert not target.exists()


def test_a_scenario_built_alone_drops_the_risk_scenario_it_does_not_hold(
    builtin: forcegen.Workspace,
) -> None:
    # a scenario object that changes pledges is evaluated on a workspace holding it alone;
    # the posture's risk scenario (ceasefire-only) must not make that workspace invalid
    # (it did: "posture.risk_scenario: unknown scenario 'ceasefire-only'")
    what_if = builtin.scenarios["italy-joins-brigade"].model_copy(update={"id": "what-if"})
    assert (
        forcegen.evaluate(builtin, what_if).to_json()["personnel"]
        == forcegen.evaluate(builtin, "italy-joins-brigade").to_json()["personnel"]
    )
