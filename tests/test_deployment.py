"""Deployment planner: analytic cases, capacity property, FCFS comparison, disruptions."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from benchmarks.baselines.fcfs import simulate_fcfs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forcegen.engine.deployment.disruptions import simulate_disruptions
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.planner import plan_deployment
from forcegen.model.network import Network
from helpers.cli import cli


def node(nid: str, kind: str = "staging", **extra: Any) -> dict[str, Any]:
    return {"id": nid, "name": nid.upper(), "kind": kind, "lat": 50.0, "lon": 20.0, **extra}


def leg(
    a: str, b: str, transit: int, pax: float, tons: float = 0.0, **extra: Any
) -> dict[str, Any]:
    return {
        "id": f"{a}-{b}-{extra.pop('tag', 'road')}",
        "from": a,
        "to": b,
        "mode": extra.pop("mode", "road"),
        "transit_days": transit,
        "capacity": {"pax_per_day": pax, "short_tons_per_day": tons},
        **extra,
    }


def network(nodes: list[dict[str, Any]], legs: list[dict[str, Any]], **extra: Any) -> Network:
    return Network.model_validate(
        {"nodes": nodes, "legs": legs, "origins": {"GBR": ["a"]}, "zones": {"west": "b"}, **extra}
    )


def unit(
    personnel: float,
    ready: int = 0,
    tons: float = 0.0,
    required: int | None = None,
    name: str = "u",
    origins: tuple[str, ...] = ("a",),
    destination: str = "b",
) -> Movement:
    return Movement(
        name, name, "GBR", "c", origins, destination, "west", ready, required, personnel, tons, 0.0
    )


def one_leg(capacity: float, transit: int) -> Network:
    return network(
        [node("a", "origin"), node("b", "destination")], [leg("a", "b", transit, capacity)]
    )


@pytest.mark.parametrize(
    ("n", "c", "t"), [(1000, 100, 3), (1050, 100, 2), (99, 100, 5), (1, 1, 1), (700, 70, 10)]
)
def test_one_leg_closes_on_ceil_n_over_c_minus_one_plus_t(n: int, c: int, t: int) -> None:
    plan = plan_deployment(one_leg(c, t), [unit(n)])
    assert plan.closure_day == math.ceil(n / c) - 1 + t
    assert plan.units[0].closure_day == plan.closure_day


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 5000),
    c=st.integers(1, 800),
    t=st.integers(1, 20),
    ready=st.integers(0, 30),
)
def test_one_leg_formula_holds_for_any_size(n: int, c: int, t: int, ready: int) -> None:
    plan = plan_deployment(one_leg(c, t), [unit(n, ready=ready)], horizon=400)
    expected = ready + math.ceil(n / c) - 1 + t
    assert plan.closure_day == (expected if expected <= 400 else None)


def test_two_parallel_routes_share_the_load() -> None:
    # 10 a day arriving after 1 day and 30 a day after 3 days: by day T they deliver
    # 10 T + 30 (T - 2); 100 personnel need T = 4 (40 + 60), day 3 gives only 60.
    net = network(
        [node("a", "origin"), node("b", "destination")],
        [leg("a", "b", 1, 10, tag="road"), leg("a", "b", 3, 30, tag="rail", mode="rail")],
    )
    assert plan_deployment(net, [unit(100)]).closure_day == 4
    # the same capacity on one route: ceil(100 / 40) - 1 + 1 = 3
    same = network(
        [node("a", "origin"), node("b", "destination")],
        [leg("a", "b", 1, 10, tag="road"), leg("a", "b", 1, 30, tag="rail", mode="rail")],
    )
    assert plan_deployment(same, [unit(100)]).closure_day == 3


def test_transshipment_handling_is_the_bottleneck() -> None:
    # legs take 100 a day, the yard at m receives 20 a day: arrivals at m on days 1-5,
    # departures on days 1-5, arrivals at b on days 2-6.
    net = network(
        [
            node("a", "origin"),
            node("m", "border", handling={"pax_per_day": 20}),
            node("b", "destination"),
        ],
        [leg("a", "m", 1, 100), leg("m", "b", 1, 100)],
    )
    plan = plan_deployment(net, [unit(100)])
    assert plan.closure_day == 6
    top = plan.bottlenecks[0]
    assert (top.resource, top.what, top.first_day, top.last_day) == ("m", "handling", 1, 5)
    assert top.text == "M (personnel handling), 100 % from day 1 to day 5"


def test_dwell_days_delay_departure() -> None:
    net = network(
        [node("a", "origin"), node("m", dwell_days=3), node("b", "destination")],
        [leg("a", "m", 1, 1000), leg("m", "b", 2, 1000)],
    )
    # day 0 leave a, day 1 at m, free on day 4, arrive b on day 6
    assert plan_deployment(net, [unit(10)]).closure_day == 6
    assert plan_deployment(net, [unit(10, ready=5)]).closure_day == 11


def test_personnel_and_cargo_close_separately() -> None:
    net = network(
        [node("a", "origin"), node("b", "destination")],
        [
            leg("a", "b", 1, 100, 0, tag="air", mode="air"),
            leg("a", "b", 8, 0, 50, tag="sea", mode="sea"),
        ],
    )
    plan = plan_deployment(net, [unit(100, tons=500)])
    assert plan.closure_by_load == {"personnel": 1, "cargo": math.ceil(500 / 50) - 1 + 8}
    only = plan.units[0]
    assert (only.personnel_day, only.cargo_day, only.closure_day) == (1, 17, 17)


def test_lateness_against_the_required_day_and_priority_to_the_earliest() -> None:
    # 100 a day over one leg of 1 day: 200 personnel of two units need days 1 and 2.
    net = one_leg(100, 1)
    early, late = unit(100, name="early", required=1), unit(100, name="late", required=5)
    plan = plan_deployment(net, [late, early])
    days = {u.movement.unit: (u.closure_day, u.late_days) for u in plan.units}
    assert days == {"early": (1, 0), "late": (2, 0)}
    tight = plan_deployment(net, [unit(100, name="x", required=1), unit(100, name="y", required=1)])
    assert sorted(u.late_days or 0 for u in tight.units) == [0, 1]


def test_nothing_by_the_horizon_says_so() -> None:
    plan = plan_deployment(one_leg(1, 1), [unit(500)], horizon=30)
    assert plan.closure_day is None
    assert plan.units[0].closure_day is None
    assert plan.closure_by_load["personnel"] is None


def test_closing_the_only_leg_shifts_closure_by_the_days_closed() -> None:
    net = network(
        [node("a", "origin"), node("b", "destination")],
        [leg("a", "b", 2, 100)],
        disruptions=[
            {
                "id": "strike",
                "target": "a-b-road",
                "probability": 1.0,
                "days": 4,
                "earliest_day": 0,
                "latest_day": 0,
            }
        ],
    )
    draws = simulate_disruptions(net, [unit(1000)], draws=3, seed=1)
    assert draws.closure_days == (15, 15, 15)  # ceil(1000/100) - 1 + 2 + 4
    assert draws.quantiles() == {"p05": 15, "p50": 15, "p95": 15}


def test_a_unit_already_at_its_destination_does_not_raise_the_closure_day() -> None:
    # review case: a host unit starting at its destination arrives without any leg, so it
    # must not count in the cut of the legs into that destination.
    def n(nid: str, kind: str = "staging") -> dict[str, Any]:
        return node(nid, kind)

    net = Network.model_validate(
        {
            "nodes": [
                n("s", "origin"),
                n("h"),
                n("d1", "destination"),
                n("d2", "destination"),
                n("pl", "origin"),
            ],
            "legs": [
                leg("s", "h", 1, 1, 1),
                leg("h", "d1", 1, 100, 100),
                leg("h", "d2", 10, 100, 100),
                leg("s", "d2", 12, 100, 100),
                leg("s", "pl", 1, 1, 1),
            ],
            "origins": {"GBR": ["s"], "POL": ["pl"]},
            "zones": {"w": "d1", "e": "d2"},
        }
    )
    base = [
        unit(2, name="p", origins=("s",), destination="d1"),
        unit(1, name="q", origins=("s",), destination="d2"),
    ]
    host = unit(100, name="host", origins=("pl",), destination="pl")
    assert plan_deployment(net, base).closure_day == 11
    assert plan_deployment(net, [*base, host]).closure_day == 11


def test_a_closed_node_receives_nothing_even_without_a_handling_limit() -> None:
    for handling in ({}, {"handling": {"pax_per_day": 1000}}):
        net = network(
            [node("a", "origin"), node("b", "destination", **handling)],
            [leg("a", "b", 1, 100)],
            disruptions=[
                {"id": "shut", "target": "b", "probability": 1.0, "days": 20, "latest_day": 0}
            ],
        )
        draws = simulate_disruptions(net, [unit(100)], draws=1, seed=0)
        assert draws.closure_days == (20,)


def random_network(seed: int) -> tuple[Network, list[Movement]]:
    rng = np.random.default_rng(seed)
    n_mid = int(rng.integers(1, 5))
    mids = [f"m{i}" for i in range(n_mid)]
    nodes = [
        node("a", "origin"),
        node("a2", "origin"),
        node("b", "destination"),
        node("c", "destination"),
    ]
    for m in mids:
        extra: dict[str, Any] = {"dwell_days": int(rng.integers(0, 3))}
        if rng.random() < 0.5:
            extra["handling"] = {
                "pax_per_day": float(rng.integers(5, 60)),
                "short_tons_per_day": float(rng.integers(5, 60)),
            }
        nodes.append(node(m, **extra))
    legs = []
    for source in ("a", "a2"):
        for m in mids:
            if rng.random() < 0.7 or m == mids[0]:
                legs.append(
                    leg(
                        source,
                        m,
                        int(rng.integers(1, 4)),
                        float(rng.integers(5, 50)),
                        float(rng.integers(5, 50)),
                    )
                )
    for i, m in enumerate(mids):
        for dest in ("b", "c"):
            legs.append(
                leg(
                    m,
                    dest,
                    int(rng.integers(1, 4)),
                    float(rng.integers(5, 50)),
                    float(rng.integers(5, 50)),
                )
            )
        if i + 1 < n_mid and rng.random() < 0.5:
            legs.append(
                leg(m, mids[i + 1], 1, float(rng.integers(5, 50)), float(rng.integers(5, 50)))
            )
    net = Network.model_validate(
        {
            "nodes": nodes,
            "legs": legs,
            "origins": {"GBR": ["a", "a2"]},
            "zones": {"w": "b", "e": "c"},
            "horizon_days": 120,
        }
    )
    movements = [
        unit(
            float(rng.integers(1, 200)),
            ready=int(rng.integers(0, 6)),
            tons=float(rng.integers(0, 200)),
            required=int(rng.integers(1, 20)) if rng.random() < 0.5 else None,
            name=f"u{k}",
            origins=("a", "a2") if rng.random() < 0.5 else ("a",),
            destination=str(rng.choice(["b", "c"])),
        )
        for k in range(int(rng.integers(1, 7)))
    ]
    return net, movements


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_a_plan_never_exceeds_any_capacity_and_beats_fcfs(seed: int) -> None:
    net, movements = random_network(seed)
    plan = plan_deployment(net, movements)
    used = plan.utilisation.dropna(subset=["capacity"])
    assert (used["flow"] <= used["capacity"] * (1 + 1e-6) + 1e-6).all()
    fcfs = simulate_fcfs(net, movements)
    if None not in fcfs:  # the simulation closes: the exact plan closes no later
        assert plan.closure_day is not None
        assert plan.closure_day <= max(d for d in fcfs if d is not None)
    for closure, movement in zip(plan.units, movements, strict=True):
        if closure.closure_day is not None:
            assert closure.closure_day >= movement.ready_day + 1  # every leg takes a day


def test_same_seed_same_draws_and_draws_do_not_depend_on_their_number() -> None:
    net = network(
        [node("a", "origin"), node("m"), node("b", "destination")],
        [leg("a", "m", 1, 50), leg("m", "b", 1, 50), leg("a", "b", 3, 20, tag="rail", mode="rail")],
        disruptions=[
            {"id": "yard", "target": "m", "probability": 0.5, "days": 3, "latest_day": 5},
            {"id": "line", "target": "a-b-rail", "probability": 0.3, "days": 2, "reduction": 0.5},
        ],
    )
    movements = [unit(600)]
    five = simulate_disruptions(net, movements, draws=5, seed=7)
    ten = simulate_disruptions(net, movements, draws=10, seed=7)
    assert ten.closure_days[:5] == five.closure_days
    assert simulate_disruptions(net, movements, draws=10, seed=7) == ten
    base_plan = plan_deployment(net, movements)
    base = base_plan.closure_day
    assert base is not None
    assert all(d is not None and d >= base for d in ten.closure_days)
    assert any(d != base for d in ten.closure_days)  # some draws do hold the force up
    # the shortcut (a draw that leaves the base plan feasible keeps its closure) is exact
    shortcut = simulate_disruptions(net, movements, draws=10, seed=7, base_plan=base_plan)
    assert shortcut.closure_days == ten.closure_days


# -- validation ------------------------------------------------------------------------

BASE = """
zones:
  - {id: west, name: West}
capabilities:
  - {id: coy, name: Company, domain: land, personnel: 150, basis: assumption,
     lift: {short_tons: 100}}
nations:
  - {id: GBR, name: United Kingdom, active_personnel: 1000, land_personnel: 500, basis: assumption}
pledges:
  - {id: p1, nation: GBR, capability: coy, quantity: 2, zones: [west], basis: assumption}
"""


NETWORK = """
network:
  nodes:
    - {{id: a, name: A, kind: origin, lat: 51, lon: 0}}
    - {{id: b, name: B, kind: destination, lat: 50, lon: 24}}
  legs:
    - {{id: {leg}, from: {start}, to: {end}, mode: road, transit_days: 1,
       capacity: {{pax_per_day: {pax}, short_tons_per_day: {tons}}}}}
  origins: {{{nation}: [a]}}
  zones: {{west: b}}
"""
"""A one-leg network; each bad case below changes one of its fields."""


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"leg": "ab", "start": "a", "end": "x", "pax": 10, "tons": 10, "nation": "GBR"},
            ["ws.yaml:16", "unknown node 'x'"],
        ),
        (
            {"leg": "ab", "start": "a", "end": "b", "pax": -5, "tons": 10, "nation": "GBR"},
            ["ws.yaml:17", "pax_per_day", "greater than or equal to 0"],
        ),
        (
            {"leg": "ba", "start": "b", "end": "a", "pax": 10, "tons": 10, "nation": "GBR"},
            ["ws.yaml:18", "destination 'b' cannot be reached"],
        ),
        (
            {"leg": "ab", "start": "a", "end": "b", "pax": 10, "tons": 0, "nation": "GBR"},
            ["ws.yaml:18", "cannot be reached with cargo"],
        ),
        (
            {"leg": "ab", "start": "a", "end": "b", "pax": 10, "tons": 10, "nation": "FRA"},
            ["unknown nation 'FRA'", "has a pledge to move but no origin"],
        ),
    ],
    ids=["unknown-node", "negative-capacity", "unreachable", "no-cargo-route", "no-origin"],
)
def test_bad_networks_give_file_line_and_exit_2(
    write_yaml: Callable[[str, str], Path],
    fields: dict[str, object],
    expected: list[str],
) -> None:
    path = write_yaml(BASE + NETWORK.format(**fields), "ws.yaml")
    result = cli("validate", str(path))
    assert result.code == 2, result.stdout
    assert result.stdout == ""
    for text in expected:
        assert text in result.stderr, result.stderr


def test_deploy_without_a_network_is_a_clear_error(
    write_yaml: Callable[[str, str], Path],
) -> None:
    path = write_yaml(BASE, "ws.yaml")
    result = cli("deploy", str(path))
    assert result.code != 0
    assert "no network" in result.stderr


SOURCED = (
    BASE
    + """
requirements:
  - id: req
    name: Requirement
    basis: assumption
    lines:
      - {capability: coy, quantity: 1, zone: west, needed_by_day: 2}
      - {capability: coy, quantity: 1, zone: west, needed_by_day: 9}
network:
  nodes:
    - {id: a, name: A, kind: origin, lat: 51, lon: 0}
    - {id: b, name: B, kind: destination, lat: 50, lon: 24}
  legs:
    - {id: ab, from: a, to: b, mode: road, transit_days: 3,
       capacity: {pax_per_day: 150, short_tons_per_day: 50}}
  origins: {GBR: [a]}
  zones: {west: b}
  line_of_contact:
    basis: assumption
    points: [{lat: 50, lon: 30}, {lat: 47, lon: 30}]
"""
)


def test_deploy_a_sourced_requirement_uses_the_lines_deadlines(
    write_yaml: Callable[[str, str], Path],
) -> None:
    import forcegen
    from forcegen.engine.deployment.deploy import deploy

    ws = forcegen.load_workspace(write_yaml(SOURCED, "ws.yaml"))
    result = deploy(ws, requirement="req")
    # two companies of 150 personnel and 100 short tons, one per line: personnel leave on
    # days 0 and 1 (150 a day), cargo on days 0-1 and 2-3 (50 a day), transit 3 days.
    units = {u.movement.unit: u for u in result.plan.units}
    assert set(units) == {"p1@line1", "p1@line2"}
    assert units["p1@line1"].movement.required_day == 2
    assert units["p1@line1"].closure_day == 4  # the earliest deadline goes first
    assert units["p1@line1"].late_days == 2
    assert units["p1@line2"].closure_day == 6
    assert units["p1@line2"].late_days == 0
    payload = result.to_json()
    assert payload["closure_day"] == 6
    destinations = payload["destinations"]
    assert isinstance(destinations, list)
    km = destinations[0]["km_to_line_of_contact"]
    assert 400 < km < 450  # 6 degrees of longitude at 50 N is about 429 km


def test_cli_deploy_json_shape_on_the_builtin_dataset() -> None:
    import json

    result = cli("deploy", "-s", "ceasefire-only", "--disruptions", "3", "--json")
    assert result.code == 0, result.stderr
    payload = json.loads(result.stdout)
    for key in ("closure_day", "units", "bottlenecks", "disruptions"):
        assert key in payload
    assert isinstance(payload["closure_day"], int)
    assert set(payload["disruptions"]) >= {"p05", "p50", "p95"}
    unit_keys = {"pledge", "nation", "destination", "ready_day", "closure_day"}
    assert all(unit_keys | {"required_day", "late_days"} <= set(u) for u in payload["units"])
    assert max(u["closure_day"] for u in payload["units"]) == payload["closure_day"]
    assert all(b["text"].endswith(f"day {b['last_day']}") for b in payload["bottlenecks"])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP's notices about its 4.0 API
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), host_unit=st.booleans())
def test_earliest_closure_matches_an_independent_lp(seed: int, host_unit: bool) -> None:
    """The planner's closure day per load equals that of a naive, unpruned LP written
    with PuLP and solved by CBC; a host-nation unit already at its destination is
    included half the time (it arrives without using any leg)."""
    from forcegen.engine.deployment.graphs import build_graphs, build_groups
    from helpers.deployment_reference import earliest_day, is_earliest_day

    net, movements = random_network(seed)
    if host_unit:
        movements.append(unit(80.0, tons=40.0, name="host", origins=("b",), destination="b"))
    horizon = 60
    plan = plan_deployment(net, movements, horizon=horizon)
    graphs = build_graphs(net, horizon)
    for load in ("personnel", "cargo"):
        groups, _ = build_groups(net, movements, load)
        if not groups:
            continue
        closure = plan.closure_by_load[load]
        assert is_earliest_day(graphs[load], groups, horizon, closure), (
            load,
            closure,
            earliest_day(graphs[load], groups, horizon),
        )


def test_every_unit_of_the_benchmark_deployment_closes_despite_rounding() -> None:
    # 1,000 units over many flows each: rounding adds up along a unit's flows, and a
    # completion tolerance tighter than the flows allow left the whole force "not closed"
    from benchmarks.synthetic import synthetic_deployment

    network, movements = synthetic_deployment(seed=0)
    plan = plan_deployment(network, movements)
    assert plan.closure_day == 56
    assert all(u.closure_day is not None for u in plan.units)
