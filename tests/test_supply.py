"""Supply: daily demand from the planning factors, resupply on the network, resupply while
the force closes, autonomy under a cut, seeded draws, GeoJSON and the CLI. Every expected
figure is worked out by hand in the comments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape

import forcegen
from forcegen.errors import ForcegenError
from helpers.cli import cli, invoke

# A toy theatre: home (origin, GBR) -> src (staging, POL: the supply source) -> dst
# (destination, UKR) over a rail gauge break of 10 short tons a day.
NODES = [
    {"id": "home", "name": "Home", "kind": "origin", "lat": 51.0, "lon": -1.0, "country": "GBR"},
    {"id": "src", "name": "Source", "kind": "staging", "lat": 50.0, "lon": 22.0,
     "country": "POL"},
    {"id": "dst", "name": "Dest", "kind": "destination", "lat": 49.8, "lon": 24.0,
     "country": "UKR"},
]  # fmt: skip


def legs(gauge_tons: float = 10.0) -> list[dict[str, Any]]:
    return [
        {"id": "home-src", "from": "home", "to": "src", "mode": "road", "transit_days": 1,
         "capacity": {"pax_per_day": 1000, "short_tons_per_day": 1000}},
        {"id": "src-dst", "from": "src", "to": "dst", "mode": "rail", "transit_days": 1,
         "gauge_break": True,
         "capacity": {"pax_per_day": 1000, "short_tons_per_day": gauge_tons}},
    ]  # fmt: skip


RATIONS_40 = {"id": "food", "supply_class": "class_i", "quantity": 40, "basis": "assumption"}
"""40 lb a person a day: 100 persons eat 100 x 40 / 2,000 = 2 short tons a day."""


def workspace(
    factors: list[dict[str, Any]],
    pledges: list[dict[str, Any]] | None = None,
    supply: dict[str, Any] | None = None,
    disruptions: list[dict[str, Any]] | None = None,
    lift: float = 5.0,
    network_legs: list[dict[str, Any]] | None = None,
) -> forcegen.Workspace:
    data: dict[str, Any] = {
        "zones": [{"id": "west", "name": "West"}],
        "capabilities": [
            {
                "id": "coy",
                "name": "Company",
                "domain": "land",
                "personnel": 100,
                "basis": "assumption",
                "lift": {"short_tons": lift, "vehicles": 1},
            },
        ],
        "nations": [
            {
                "id": "GBR",
                "name": "United Kingdom",
                "active_personnel": 100000,
                "land_personnel": 50000,
                "basis": "assumption",
            },
        ],
        "pledges": pledges
        or [
            {
                "id": "a",
                "nation": "GBR",
                "capability": "coy",
                "quantity": 1,
                "readiness_days": 0,
                "zones": ["west"],
                "basis": "assumption",
            }
        ],
        "network": {
            "nodes": NODES,
            "legs": network_legs or legs(),
            "origins": {"GBR": ["home"]},
            "zones": {"west": "dst"},
            "horizon_days": 40,
            "disruptions": disruptions or [],
        },
        "planning_factors": factors,
    }
    if supply is not None:
        data["supply"] = supply
    return forcegen.build_workspace(data)


def test_daily_tonnage_of_a_small_force_from_the_factors() -> None:
    factors = [
        {"id": "food", "supply_class": "class_i", "quantity": 10, "basis": "assumption"},
        {"id": "water-t", "supply_class": "water", "climate": "temperate", "quantity": 5,
         "measure": "gal", "lb_per_gal": 8, "basis": "assumption"},
        {"id": "water-c", "supply_class": "water", "climate": "cold", "quantity": 6,
         "measure": "gal", "lb_per_gal": 8, "basis": "assumption"},
        {"id": "fuel", "supply_class": "class_iii_bulk", "quantity": 10, "quantity_high": 30,
         "measure": "gal", "lb_per_gal": 6, "basis": "assumption"},
    ]  # fmt: skip
    result = forcegen.supply(workspace(factors))
    # 100 persons: rations 100 x 10 lb = 1,000 lb = 0.5 st; water (temperate, the default)
    # 100 x 5 gal x 8 lb/gal = 4,000 lb = 2 st; fuel 100 x {10, 20 (mid), 30} gal x 6 lb/gal
    # = 6,000 / 12,000 / 18,000 lb = 3 / 6 / 9 st. Totals 5.5 / 8.5 / 11.5 st a day.
    assert result.to_json()["demand_short_tons_per_day"] == {
        "low": 5.5,
        "base": 8.5,
        "high": 11.5,
    }
    assert result.by_class() == pytest.approx({"class_i": 0.5, "water": 2.0, "class_iii_bulk": 6.0})
    cold = forcegen.supply(workspace(factors, supply={"climate": "cold", "fuel": 15}))
    # cold water 100 x 6 x 8 = 4,800 lb = 2.4 st; fuel at 15 gal: 100 x 15 x 6 = 9,000 lb
    # = 4.5 st; 0.5 + 2.4 + 4.5 = 7.4 st a day
    assert cold.total("base") == pytest.approx(7.4)


def test_a_single_leg_carrying_closure_then_resupply() -> None:
    pledges = [
        {"id": "a", "nation": "GBR", "capability": "coy", "quantity": 1, "readiness_days": 0,
         "zones": ["west"], "basis": "assumption"},
        {"id": "b", "nation": "GBR", "capability": "coy", "quantity": 1, "readiness_days": 3,
         "zones": ["west"], "basis": "assumption"},
    ]  # fmt: skip
    result = forcegen.supply(workspace([RATIONS_40], pledges))
    # a: leaves home day 0, src day 1, in place day 2; b: ready day 3, in place day 5.
    assert {d.unit: d.closure_day for d in result.demands} == {"a": 2, "b": 5}
    # After closure: 2 units x 2 st = 4 st a day over src-dst (10 st a day): 40 %, all of
    # it through the gauge break.
    assert result.resupply.feasible
    assert result.resupply.utilisation == pytest.approx(0.4)
    assert result.resupply.binding is not None and result.resupply.binding[1] == "src-dst"
    # one leg binds alone: it is the JSON's binding, and the cut of one member
    data = result.to_json()["resupply"]
    assert data["binding"]["id"] == "src-dst"
    assert data["binding_cut"] == {"legs": 1, "nodes": 0, "capacity_short_tons_per_day": 10.0,
                                   "flow_short_tons_per_day": 4.0, "utilisation": 0.4}  # fmt: skip
    assert result.gauge_break_short_tons() == pytest.approx(4.0)
    # While closing: a's 2 st a day on days 2..5; b's 5 st of cargo leave src over src-dst
    # on day 4, leaving 10 - 5 = 5: day 2, 3: 2/10 = 0.2; day 4: 2/5 = 0.4; day 5: both in
    # place, 4/10 = 0.4. Worst day 4 (the first at 0.4).
    by_day = {d.day: d.utilisation for d in result.overlap.days}
    assert by_day == pytest.approx({2: 0.2, 3: 0.2, 4: 0.4, 5: 0.4})
    worst = result.overlap.worst
    assert worst is not None and worst.day == 4 and worst.demand == pytest.approx(2.0)


def test_three_days_of_stock_behind_a_node_cut_for_five_days() -> None:
    ws = workspace([RATIONS_40], supply={"stock_days": 3})
    result = forcegen.supply(ws, cuts=["src:5:10"])
    # src (the only source) receives nothing on days 10..14. Stock 3 days: days 10, 11, 12
    # come out of it; day 13 is the first day without supply; days 13 and 14: 2 days.
    assert result.autonomy is not None
    (unit,) = result.autonomy.units
    assert (unit.runs_out_day, unit.days_without) == (13, 2)
    assert result.autonomy.personnel_without == 100
    # default start: the day after the force closes (in place day 2): cut days 3..7
    default = forcegen.supply(ws, cuts=[forcegen.SupplyCut("src-dst", 5)])
    assert default.autonomy is not None
    assert default.autonomy.units[0].runs_out_day == 6  # 3, 4, 5 from stock


def test_a_half_cut_is_covered_by_stock() -> None:
    disruptions = [
        {"id": "half", "target": "src-dst", "probability": 1.0, "days": 5, "reduction": 0.5,
         "earliest_day": 10, "latest_day": 10, "basis": "assumption"},
    ]  # fmt: skip
    # capacity 10 -> 5 st a day for 2 st of demand: full deliveries, nobody short
    result = forcegen.supply(workspace([RATIONS_40], disruptions=disruptions), draws=3)
    assert result.draws is not None and result.draws.max_days_without == (0, 0, 0)


def test_seeded_draws_are_bit_identical() -> None:
    disruptions = [
        {"id": "strike", "target": "src", "probability": 0.5, "days": 5,
         "earliest_day": 10, "latest_day": 20, "basis": "assumption"},
    ]  # fmt: skip
    ws = workspace([RATIONS_40], disruptions=disruptions)
    first = forcegen.supply(ws, draws=40, seed=7)
    again = forcegen.supply(ws, draws=40, seed=7)
    assert first.draws is not None and again.draws is not None
    assert first.draws == again.draws
    assert first.to_json()["disruptions"] == again.to_json()["disruptions"]
    # a strike closes the only source for 5 days after the unit is in place (day 2): 3 days
    # from stock, 2 without; no strike: none
    expected = tuple(2 if pattern else 0 for pattern in first.draws.patterns)
    assert first.draws.max_days_without == expected
    assert 0 < first.draws.short_draws < 40


def test_geojson_is_valid_lon_lat_and_round_trips() -> None:
    result = forcegen.supply(workspace([RATIONS_40]))
    document = json.loads(json.dumps(result.to_geojson()))
    assert document["type"] == "FeatureCollection"
    layers = {f["properties"]["layer"] for f in document["features"]}
    assert {"node", "leg", "zone", "demand"} <= layers
    for feature in document["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid
        assert (
            json.loads(json.dumps(feature["geometry"]["coordinates"]))
            == feature["geometry"]["coordinates"]
        )
    nodes = {n["id"]: n for n in NODES}
    for feature in document["features"]:
        props = feature["properties"]
        if props["layer"] in ("node", "demand"):
            node = nodes[props["id"]]
            # lon first (RFC 7946), the round trip through shapely gives the same place
            assert feature["geometry"]["coordinates"] == [node["lon"], node["lat"]]
            point = shape(feature["geometry"])
            assert (point.x, point.y) == (node["lon"], node["lat"])
    (leg,) = [
        f["properties"]
        for f in document["features"]
        if f["properties"]["layer"] == "leg" and f["properties"]["id"] == "src-dst"
    ]
    # 2 st a day over 10: 0.2
    assert leg["resupply_flow_short_tons_per_day"] == pytest.approx(2.0)
    assert leg["utilisation_share"] == pytest.approx(0.2)
    # the only leg into dst binds alone: the cut of one leg of 10 st a day at 20 %
    assert leg["in_binding_cut"] is True
    assert document["binding_cut"] == {
        "legs": 1,
        "nodes": 0,
        "capacity_short_tons_per_day": 10.0,
        "flow_short_tons_per_day": 2.0,
        "utilisation": 0.2,
    }
    others = [
        f["properties"]["in_binding_cut"]
        for f in document["features"]
        if f["properties"]["layer"] == "leg" and f["properties"]["id"] != "src-dst"
    ]
    assert others == [False]
    (demand,) = [
        f["properties"] for f in document["features"] if f["properties"]["layer"] == "demand"
    ]
    assert demand["demand_short_tons_per_day"] == pytest.approx(2.0)


def test_no_factors_is_a_clear_error() -> None:
    with pytest.raises(ForcegenError, match="no planning factors"):
        forcegen.supply(workspace([]))


def test_library_figures_are_sourced_or_assumed() -> None:
    library = forcegen.planning_factors()
    assert library["class-i-field"].quantity == 9.39
    assert library["water-temperate"].short_tons(6.5) == pytest.approx(6.5 * 8.34 / 2000)
    for factor in library.values():
        assert factor.unsourced_figures() == [], factor.id
    # the built-in dataset gets the library merged under it
    assert set(library) <= set(forcegen.open_workspace().planning_factors)


def test_workspace_factor_replaces_the_librarys_by_id(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    for path in Path(forcegen.builtin_path()).glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "factors.yaml").write_text(
        "planning_factors:\n  - {id: mail, supply_class: mail, quantity: 4, basis: assumption}\n",
        encoding="utf-8",
    )
    ws = forcegen.load_workspace(folder)
    assert ws.planning_factors["mail"].quantity == 4
    assert "class-i-field" in ws.planning_factors


def test_cli_json_shape() -> None:
    code, out, err = cli("supply", "--scenario", "ceasefire-us-backstop", "--cut", "lviv:5:100",
                         "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    for key in ("settings", "demand_short_tons_per_day", "destinations", "zones", "units",
                "resupply", "during_closure", "autonomy", "disruptions"):  # fmt: skip
        assert key in data
    assert set(data["demand_short_tons_per_day"]) == {"low", "base", "high"}
    assert data["resupply"]["feasible"] is True
    lviv = [u for u in data["autonomy"]["units"] if u["destination"] == "lviv"]
    # Lviv closed on days 100..104 with 3 days of stock: out on day 103, 2 days without
    assert lviv and all((u["runs_out_day"], u["days_without_supply"]) == (103, 2) for u in lviv)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("przemysl:five", "NODE_OR_LEG:DAYS"), ("przemysl", "NODE_OR_LEG:DAYS"),
     ("przemysl:0", "DAYS must be from 1"), ("nowhere:5", "no node or leg 'nowhere'")],
)  # fmt: skip
def test_cli_bad_cut_exits_2(value: str, expected: str) -> None:
    result = invoke("supply", "--cut", value)
    assert result.exit_code == 2
    assert "--cut" in result.stderr and value in result.stderr and expected in result.stderr
    assert result.stdout == ""


def test_bad_supply_keys_name_the_field() -> None:
    bad = [
        {"id": "jet", "supply_class": "class_iii_bulk", "capability": "jets", "per": "unit",
         "quantity": 1, "basis": "assumption"},
        {"id": "food2", "supply_class": "class_i", "quantity": 5, "basis": "assumption"},
    ]  # fmt: skip
    with pytest.raises(forcegen.WorkspaceError) as info:
        workspace([RATIONS_40, *bad], supply={"source_nodes": ["nowhere"]})
    paths = {tuple(i.path) for i in info.value.issues}
    assert ("planning_factors", 1, "capability") in paths  # unknown capability 'jets'
    assert ("planning_factors", 2, "id") in paths  # holds in the same case as 'food'
    assert ("supply", "source_nodes", 0) in paths  # no node 'nowhere'


def test_a_fuel_figure_outside_the_range_is_refused() -> None:
    fuel = {
        "id": "fuel",
        "supply_class": "class_iii_bulk",
        "quantity": 10,
        "quantity_high": 30,
        "measure": "gal",
        "lb_per_gal": 6,
        "basis": "assumption",
    }
    with pytest.raises(ForcegenError, match=r"supply.fuel: 40 is outside .* from 10 to 30"):
        forcegen.supply(workspace([fuel], supply={"fuel": 40}))


def parallel_legs(a: float, b: float) -> list[dict[str, Any]]:
    """home -> src, then two rail legs src -> dst of ``a`` and ``b`` short tons a day."""
    return [
        legs()[0],
        {"id": "src-dst-a", "from": "src", "to": "dst", "mode": "rail", "transit_days": 1,
         "capacity": {"pax_per_day": 1000, "short_tons_per_day": a}},
        {"id": "src-dst-b", "from": "src", "to": "dst", "mode": "road", "transit_days": 1,
         "capacity": {"pax_per_day": 1000, "short_tons_per_day": b}},
    ]  # fmt: skip


def test_two_legs_that_bind_together_are_reported_as_the_cut() -> None:
    result = forcegen.supply(workspace([RATIONS_40], network_legs=parallel_legs(10, 30)))
    # 2 st a day over 10 + 30 = 40: the least highest utilisation is 2 / 40 = 5 %, on both
    # legs at once (0.5 and 1.5 st a day): neither binds alone.
    assert result.resupply.utilisation == pytest.approx(0.05)
    data = result.to_json()["resupply"]
    assert data["binding"] is None
    assert {m["id"] for m in data["binding_set"]} == {"src-dst-a", "src-dst-b"}
    assert data["binding_cut"] == {"legs": 2, "nodes": 0, "capacity_short_tons_per_day": 40.0,
                                   "flow_short_tons_per_day": 2.0, "utilisation": 0.05}  # fmt: skip
    shares = {m["id"]: m["utilisation"] for m in data["binding_set"]}
    assert shares == pytest.approx({"src-dst-a": 0.05, "src-dst-b": 0.05})
    out = cli_report(result)
    assert "the cut of 2 legs" in out and "(40 short tons a day together), used at 5.0 %" in out


def cli_report(result: forcegen.SupplyResult) -> str:
    """The Rich report of ``result`` as printed (80 columns joined into one line)."""
    import contextlib
    import io

    from forcegen.cli.supply_report import print_supply_report

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        print_supply_report(result, forcegen.open_workspace())
    return " ".join(buffer.getvalue().split())


def test_closure_keeps_the_steady_routes_and_collides_with_the_movement() -> None:
    import pandas as pd

    from forcegen.engine.supply.consumption import by_destination
    from forcegen.engine.supply.overlap import closure_overlap

    result = forcegen.supply(workspace([RATIONS_40], network_legs=parallel_legs(10, 10)))
    # steady: 2 st a day over two legs of 10: 1 st a day on each (10 %)
    assert dict(result.resupply.leg_flow) == pytest.approx({"src-dst-a": 1.0, "src-dst-b": 1.0})
    assert by_destination(result.demands) == pytest.approx({"dst": 2.0})
    (unit,) = result.demands
    assert unit.closure_day == 2
    # a movement that takes 9.5 st of leg a on day 3 and all 10 of leg b on day 4
    usage = pd.DataFrame(
        [
            {"load": "cargo", "day": 3, "flow": 9.5, "resource": "src-dst-a", "kind": "leg"},
            {"load": "cargo", "day": 4, "flow": 10.0, "resource": "src-dst-b", "kind": "leg"},
            {"load": "personnel", "day": 5, "flow": 99.0, "resource": "src-dst-a", "kind": "leg"},
        ]
    )
    overlap = closure_overlap(result.network, result.demands, result.resupply, usage, 5)
    by_day = {d.day: d.utilisation for d in overlap.days}
    # day 2: 1 / 10 = 0.1; day 3: 1 / (10 - 9.5) = 2.0 (rerouting over b would have fit:
    # it is not allowed); day 4: leg b has nothing left: inf; day 5: personnel flows do not
    # count against cargo: 0.1
    assert by_day == {2: pytest.approx(0.1), 3: pytest.approx(2.0), 4: float("inf"),
                      5: pytest.approx(0.1)}  # fmt: skip
    assert overlap.infeasible_days == (3, 4) and not overlap.feasible
    worst = overlap.worst
    assert worst is not None and worst.day == 4 and worst.binding is not None
    assert worst.binding[:2] == ("leg", "src-dst-b")


def test_steady_routes_add_up_to_the_steady_flow_on_the_builtin_data() -> None:
    from forcegen.engine.supply.consumption import by_destination
    from forcegen.engine.supply.overlap import decompose

    result = forcegen.supply(forcegen.open_workspace(), "ceasefire-us-backstop")
    demand = by_destination(result.demands)
    shares = decompose(result.network, result.resupply, demand)
    for j, leg in enumerate(result.network.legs):
        carried = sum(demand[d] * shares[d][0][j] for d in shares)
        assert carried == pytest.approx(result.resupply.leg_flow.get(leg.id, 0.0), abs=1e-6)
    # every destination's paths carry all of its demand into it (share 1 of arrivals)
    index = {n.id: i for i, n in enumerate(result.network.nodes)}
    for dest, (_, arrivals) in shares.items():
        assert arrivals[index[dest]] == pytest.approx(1.0)


def test_critical_cuts_ranked_by_hand() -> None:
    ws = workspace([RATIONS_40], supply={"stock_days": 3}, network_legs=parallel_legs(10, 1))
    result = forcegen.supply(ws, critical=8)
    # in place day 2, so the cuts run on days 3..10. Candidates: the legs and nodes with
    # resupply flow: src-dst-a, src-dst-b, src (the source), dst. Cutting:
    # - dst or src: nothing arrives; 3 days from stock (3, 4, 5), out on day 6, without
    #   on days 6..10: 5 days;
    # - leg a: leg b delivers 1 of 2 st (50 %); stock 3 drawn 0.5 a day lasts 6 days
    #   (3..8), out on day 9, without on days 9 and 10: 2 days;
    # - leg b: leg a carries all 2 st: nobody.
    # Ranked: 100 personnel out before 0; then the first day out (6 before 9); dst before
    # src by id.
    assert result.critical is not None
    ranked = [(c.kind, c.target, c.personnel_out, c.first_out_day, c.max_days_without,
               c.lowest_share) for c in result.critical]  # fmt: skip
    assert ranked == [
        ("node", "dst", 100.0, 6, 5, 0.0),
        ("node", "src", 100.0, 6, 5, 0.0),
        ("leg", "src-dst-a", 100.0, 9, 2, pytest.approx(0.5)),
        ("leg", "src-dst-b", 0.0, None, 0, 1.0),
    ]
    data = result.to_json()["critical_cuts"]
    assert (data["days"], data["start"], data["tried"]) == (8, 3, 4)
    assert forcegen.supply(ws).to_json()["critical_cuts"] is None


def test_the_stock_chart_spans_the_days_that_matter() -> None:
    from forcegen.plots.supply import stock_days_shown

    ws = workspace([RATIONS_40], supply={"stock_days": 3})
    result = forcegen.supply(ws, cuts=["src:5:10"])
    # cut days 10..14, without supply on days 13 and 14: from 10 - 2 = 8 to 14 + 2 = 16
    assert stock_days_shown(result) == (8, 16)
    assert stock_days_shown(forcegen.supply(ws)) is None


def test_the_supply_map_marks_cuts_and_keeps_destinations_neutral(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.colors import to_hex

    from forcegen.model.network import NodeKind
    from forcegen.plots.deployment import utilisation_map
    from forcegen.plots.supply import DESTINATION_COLOUR, supply_map

    result = forcegen.supply(workspace([RATIONS_40]), cuts=["src:5:10", "src-dst:2:20"])
    written = supply_map(result, tmp_path)
    assert {p.suffix for p in written} == {".png", ".svg"}
    assert DESTINATION_COLOUR == "#ffffff"
    import matplotlib.pyplot as plt

    fig, ax = utilisation_map(
        result.network, {}, colour_label="x", title="t", labels={"dst": "Dest\n2 st"},
        marker_colours={NodeKind.DESTINATION: DESTINATION_COLOUR},
    )  # fmt: skip
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "node-label"]
    assert "Dest\n2 st" in texts
    faces = {to_hex(c) for coll in ax.collections for c in coll.get_facecolors()}
    plt.close(fig)
    assert "#ffffff" in faces and "#c44e52" not in faces  # no red star
    svg = next(p for p in written if p.suffix == ".svg").read_text(encoding="utf-8")
    assert "cut days 10-14" in svg and "cut days 20-21" in svg


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("supply.fuel=max", "expected low, mid, high, or a figure"),
        ("supply.source_nodes=[lviv]", "'lviv' is a destination node"),
        ("supply.source_nodes=[kovel]", "inside a destination's country (UKR)"),
        ("supply.source_nodes=[]", "an empty list names no node"),
    ],
)
def test_bad_supply_settings_exit_2_with_a_plain_message(setting: str, expected: str) -> None:
    result = invoke("supply", "--set", setting, "--json")
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "function-after" not in result.stderr and "str-enum" not in result.stderr
    assert result.stdout == ""


def test_geojson_unit_points_at_their_destination() -> None:
    result = forcegen.supply(workspace([RATIONS_40]), cuts=["src:5:10"])
    document = json.loads(json.dumps(result.to_geojson()))
    (unit,) = [f for f in document["features"] if f["properties"]["layer"] == "unit"]
    point = shape(unit["geometry"])
    assert point.is_valid and point.geom_type == "Point"
    assert (point.x, point.y) == (24.0, 49.8)  # dst: lon 24.0, lat 49.8
    props = unit["properties"]
    # 100 persons x 40 lb = 2 st a day; out on day 13, 2 days without (see the cut test)
    assert props == {"layer": "unit", "unit": "a", "pledge": "a", "nation": "GBR",
                     "destination": "dst", "personnel": 100.0, "closure_day": 2,
                     "demand_short_tons_per_day": 2.0, "runs_out_day": 13,
                     "days_without_supply": 2}  # fmt: skip
