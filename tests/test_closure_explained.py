"""Issue 12, point 4 (and point 3 for deploy): the deployment explains its closure day.

The critical path names the last units, their ready day (reported or assumed) and
transit; capacities are called binding only when lifting their limit moves the closure
day (checked here by planning again with the limit lifted); disruption draws settled by
proven bounds give the closure days of planning every draw again; deploy reports the
scenario's personnel as run does and what it does not move.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from benchmarks.baselines.disruptions import simulate_disruptions_baseline
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forcegen
from forcegen.engine.deployment.critical_path import explain_closure
from forcegen.engine.deployment.deploy import DeploymentResult
from forcegen.engine.deployment.disruptions import simulate_disruptions
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.planner import plan_deployment
from forcegen.model.network import Network
from helpers.cli import cli
from helpers.layout import too_wide

# -- helpers ---------------------------------------------------------------------------


@functools.cache
def builtin() -> forcegen.Workspace:
    return forcegen.load_builtin()


@functools.cache
def deployed(scenario: str | None) -> DeploymentResult:
    return forcegen.deploy(builtin(), scenario)


def node(nid: str, kind: str = "staging", **extra: Any) -> dict[str, Any]:
    return {"id": nid, "name": nid.upper(), "kind": kind, "lat": 50.0, "lon": 20.0, **extra}


def leg(a: str, b: str, transit: int, pax: float, tons: float = 0.0, tag: str = "road") -> dict:
    return {
        "id": f"{a}-{b}-{tag}",
        "from": a,
        "to": b,
        "mode": "rail" if tag == "rail" else "road",
        "transit_days": transit,
        "capacity": {"pax_per_day": pax, "short_tons_per_day": tons},
    }


def network(nodes: list[dict[str, Any]], legs: list[dict[str, Any]], **extra: Any) -> Network:
    return Network.model_validate(
        {"nodes": nodes, "legs": legs, "origins": {"GBR": ["a"]}, "zones": {"west": "b"}, **extra}
    )


def unit(personnel: float, ready: int = 0, name: str = "u", tons: float = 0.0) -> Movement:
    return Movement(name, name, "GBR", "c", ("a",), "b", "west", ready, None, personnel, tons, 0.0)


def explain(net: Network, movements: Sequence[Movement], assumed: bool = True) -> Any:
    plan = plan_deployment(net, movements)
    return plan, explain_closure(
        net,
        movements,
        plan,
        readiness_assumed={m.pledge: assumed for m in movements},
        nation_names={"GBR": "United Kingdom"},
        capability_names={"c": "Company"},
    )


def lifted(net: Network, resources: Sequence[str], plenty: float = 1e9) -> Network:
    """``net`` with the limits of ``resources`` (legs or nodes) lifted to ``plenty``."""
    data = net.model_dump(by_alias=True, exclude_unset=True)
    for item in data["legs"]:
        if item["id"] in resources:
            capacity = item["capacity"]
            for key in ("pax_per_day", "short_tons_per_day"):
                if capacity.get(key):
                    capacity[key] = plenty
    for item in data["nodes"]:
        if item["id"] in resources and item.get("handling"):
            item["handling"] = {k: plenty for k, v in item["handling"].items() if v is not None}
    return Network.model_validate(data)


# -- point 4: the critical path on the built-in data -------------------------------------


def test_ceasefire_only_names_the_french_brigade_and_the_french_lift_not_brize_norton() -> None:
    path = deployed("ceasefire-only").to_json()["critical_path"]
    assert path["closure_day"] == 39 and path["cause"] == "capacity"
    units = {u["pledge"]: u for u in path["units"]}
    brigade = units["fra-brigade-1"]
    assert (brigade["ready_day"], brigade["readiness"], brigade["transit_days"]) == (
        30,
        "assumption",
        5,
    )
    assert brigade["earliest_day"] == path["transit_bound"] == 35
    binding = {c["resource"]: c["closure_without"] for c in path["binding"]}
    assert binding == {
        "orleans-bricy-rzeszow-jasionka-air": 38,
        "strasbourg-swiecko-rail": 37,
        "strasbourg-swiecko-road": 38,
    }
    congested = {c["resource"] for c in path["congested_not_binding"]}
    assert "brize-norton-rzeszow-jasionka-air" in congested
    assert path["text"].startswith(
        "closes on day 39: France manoeuvre brigade ready on day 30 (assumption), then 5 "
        "days in transit"
    )
    rows = deployed("ceasefire-only").to_json()["bottlenecks"]
    assert not any(r["binding"] for r in rows if r["resource"].startswith("brize-norton"))  # type: ignore[index]
    assert any(r["binding"] for r in rows)  # type: ignore[index]


def test_every_pledge_closes_on_day_109_held_by_canadas_assumed_readiness_and_trenton() -> None:
    path = deployed(None).to_json()["critical_path"]
    assert (path["closure_day"], path["cause"], path["transit_bound"]) == (109, "capacity", 97)
    assert [(u["pledge"], u["ready_day"], u["readiness"]) for u in path["units"]] == [
        ("can-battlegroup-1", 90, "assumption")
    ]
    assert [(c["resource"], c["closure_without"]) for c in path["binding"]] == [
        ("trenton-rzeszow-jasionka-air", 102)
    ]


def test_binding_means_lifting_the_limit_moves_the_closure_day_replanned_in_full() -> None:
    result = deployed("ceasefire-only")
    path = result.critical_path
    assert path is not None
    movements = list(result.movements)
    for capacity in path.binding:
        plan = plan_deployment(lifted(result.network, [capacity.resource]), movements)
        assert plan.closure_day == capacity.closure_without < 39, capacity.resource
    brize = [c for c in path.congested if c.resource == "brize-norton-rzeszow-jasionka-air"]
    plan = plan_deployment(lifted(result.network, [brize[0].resource]), movements)
    assert plan.closure_day == 39


def test_readiness_is_reported_or_an_assumption() -> None:
    ws = builtin()
    assert ws.readiness_is_assumed("fra-brigade-1")  # assumptions: {readiness_days: ...}
    assert ws.readiness_is_assumed("can-battlegroup-1")
    assert not ws.readiness_is_assumed("fra-force-hq-1")  # sourced: fields [readiness_days]
    data = {
        "nations": [{"id": "GBR", "name": "UK", "active_personnel": 1000, "land_personnel": 500,
             "basis": "assumption"}],
        "capabilities": [
            {"id": "coy", "name": "Company", "domain": "land", "personnel": 100,
             "basis": "assumption"}
        ],
        "pledges": [
            {"id": "given", "nation": "GBR", "capability": "coy", "quantity": 1,
             "readiness_days": 5, "sources": ["https://example.org/a"]},
            {"id": "unset", "nation": "GBR", "capability": "coy", "quantity": 1,
             "sources": ["https://example.org/b"]},
        ],
    }  # fmt: skip
    small = forcegen.build_workspace(data)
    assert not small.readiness_is_assumed("given")
    assert small.readiness_is_assumed("unset")  # the default, day 0, is the model's


# -- point 4: the critical path on small networks (analytic) ---------------------------------


def test_readiness_and_transit_set_the_closure_and_no_capacity_is_binding() -> None:
    # u1 (ready day 10, 3 days over a wide leg) closes on day 13; u2 saturates its own
    # leg (100 a day, 500 personnel, days 0-4) but is in place by day 6
    net = Network.model_validate(
        {
            "nodes": [node("a", "origin"), node("o2", "origin"), node("b", "destination")],
            "legs": [leg("a", "b", 3, 10_000), leg("o2", "b", 2, 100)],
            "origins": {"GBR": ["a"], "FRA": ["o2"]},
            "zones": {"west": "b"},
        }
    )
    slow = Movement("late", "late", "GBR", "c", ("a",), "b", "west", 10, None, 50, 0, 0)
    busy = Movement("busy", "busy", "FRA", "c", ("o2",), "b", "west", 0, None, 500, 0, 0)
    plan, path = explain(net, [slow, busy])
    assert plan.closure_day == 13
    assert (path.cause, path.transit_bound) == ("readiness", 13)
    assert [(u.unit, u.ready_day, u.transit_days) for u in path.units] == [("late", 10, 3)]
    assert path.text == (
        "closes on day 13: United Kingdom company ready on day 10 (assumption), then 3 days "
        "in transit"
    )
    assert not path.binding
    assert [(c.resource, c.proof) for c in path.congested] == [("o2-b-road", "transit bound")]
    _, reported = explain(net, [slow, busy], assumed=False)
    assert "ready on day 10 (reported)" in reported.text


def test_one_leg_binds_and_its_closure_without_is_the_replanned_one() -> None:
    net = network([node("a", "origin"), node("b", "destination")], [leg("a", "b", 2, 100)])
    plan, path = explain(net, [unit(1000)])
    assert plan.closure_day == 11 and path.cause == "capacity" and path.transit_bound == 2
    assert [(c.resource, c.binding, c.closure_without) for c in path.capacities] == [
        ("a-b-road", True, 2)
    ]
    assert "held to day 11 by A - B (road) (personnel departures)" in path.text


def test_capacities_in_series_bind_only_together() -> None:
    # two parallel routes, each of two legs of 50 a day: lifting any one leg leaves its
    # route at 50 a day, so no single leg moves the closure; a whole route lifted does
    legs = [
        leg("a", "m1", 1, 50),
        leg("m1", "b", 1, 50),
        leg("a", "m2", 1, 50),
        leg("m2", "b", 1, 50),
    ]
    net = network([node("a", "origin"), node("m1"), node("m2"), node("b", "destination")], legs)
    plan, path = explain(net, [unit(1000)])
    assert plan.closure_day == 11  # 100 a day over two days of transit: days 0-9, +2
    binding = path.binding
    assert binding and all(c.proof == "relaxed together" for c in binding)
    for c in path.capacities:  # and none alone
        assert plan_deployment(lifted(net, [c.resource]), [unit(1000)]).closure_day == 11
    together = plan_deployment(lifted(net, [c.resource for c in binding]), [unit(1000)])
    assert together.closure_day == binding[0].closure_without < 11
    assert "together (no single one moves it" in path.text


def random_case(seed: int) -> tuple[Network, list[Movement]]:
    rng = np.random.default_rng(seed)
    mids = [f"m{i}" for i in range(int(rng.integers(1, 4)))]
    nodes = [node("a", "origin"), node("b", "destination")]
    nodes += [
        node(m, handling={"pax_per_day": float(rng.integers(20, 200))})
        if rng.random() < 0.3
        else node(m)
        for m in mids
    ]
    legs = [leg("a", "b", int(rng.integers(2, 8)), float(rng.integers(10, 80)))]
    for m in mids:
        legs.append(leg("a", m, int(rng.integers(1, 4)), float(rng.integers(10, 120))))
        legs.append(leg(m, "b", int(rng.integers(1, 4)), float(rng.integers(10, 120))))
    disruptions = [
        {
            "id": f"d{i}",
            "target": str(rng.choice([x["id"] for x in legs] + mids)),
            "probability": float(rng.uniform(0.2, 0.9)),
            "days": int(rng.integers(1, 6)),
            "reduction": float(rng.choice([0.5, 1.0])),
            "earliest_day": 0,
            "latest_day": int(rng.integers(0, 12)),
        }
        for i in range(int(rng.integers(1, 4)))
    ]
    movements = [
        unit(float(rng.integers(50, 800)), ready=int(rng.integers(0, 10)), name=f"u{k}")
        for k in range(int(rng.integers(1, 4)))
    ]
    return network(nodes, legs, disruptions=disruptions), movements


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000))
def test_every_binding_verdict_is_confirmed_by_planning_again(seed: int) -> None:
    net, movements = random_case(seed)
    plan, path = explain(net, movements)
    if plan.closure_day is None:
        return
    closure = plan.closure_day
    for capacity in path.capacities:
        replanned = plan_deployment(lifted(net, [capacity.resource]), movements).closure_day
        if capacity.proof == "relaxed together":
            assert replanned == closure  # none alone
        elif capacity.binding:
            assert replanned == capacity.closure_without < closure
        else:
            assert replanned == closure, (capacity.resource, capacity.proof)
    if path.cause == "readiness":
        assert closure == path.transit_bound and not path.binding


# -- point 4: disruption draws settled by proven bounds ------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000))
def test_bounded_draws_give_the_closure_days_of_planning_every_draw(seed: int) -> None:
    net, movements = random_case(seed)
    base = plan_deployment(net, movements)
    ours = simulate_disruptions(net, movements, draws=12, seed=seed, base_plan=base)
    before = simulate_disruptions_baseline(net, movements, 12, seed, base_plan=base)
    assert ours.closure_days == before


def test_a_disruption_on_the_critical_route_delays_and_is_named() -> None:
    # one leg at 100 a day, 1,000 personnel: closes on day 11; a closed leg for 3 days
    # from day 2 delays every draw it happens in by 3 days
    net = network(
        [node("a", "origin"), node("b", "destination"), node("c")],
        [leg("a", "b", 2, 100), leg("a", "c", 1, 100), leg("c", "b", 1, 5)],
        disruptions=[
            {"id": "cut", "target": "a-b-road", "probability": 0.5, "days": 3,
             "earliest_day": 2, "latest_day": 2},
            {"id": "side", "target": "a-c-road", "probability": 0.5, "days": 2,
             "earliest_day": 20, "latest_day": 30},
        ],
    )  # fmt: skip
    movements = [unit(1000)]
    base = plan_deployment(net, movements)
    draws = simulate_disruptions(net, movements, draws=40, seed=3, base_plan=base)
    assert draws.closure_days == simulate_disruptions_baseline(
        net, movements, 40, 3, base_plan=base
    )
    cut = [any(d == "cut" for d, _ in p) for p in draws.patterns]
    assert draws.base_closure == base.closure_day
    assert all(
        (day is not None and day > draws.base_closure) == hit  # type: ignore[operator]
        for day, hit in zip(draws.closure_days, cut, strict=True)
    )
    assert draws.later_than_plan == sum(cut) > 0
    assert next(iter(draws.delaying())) == "cut"
    assert draws.settled["replanned"] >= 1 and draws.settled["plan_fits"] >= 1


def test_builtin_draws_are_all_on_the_undisrupted_day_and_need_no_replanning() -> None:
    result = deployed("ceasefire-only")
    moving = list(result.movements)
    draws = simulate_disruptions(result.network, moving, 60, 0, base_plan=result.plan)
    assert set(draws.closure_days) == {39}
    assert draws.settled["replanned"] == 0 and draws.settled["bound"] > 0
    assert draws.closure_days == simulate_disruptions_baseline(
        result.network, moving, 60, 0, base_plan=result.plan
    )


def test_builtin_sameness_is_the_data_a_disruption_on_the_french_lift_moves_it() -> None:
    ws = builtin()
    assert ws.network is not None
    data = ws.network.model_dump(by_alias=True, exclude_unset=True)
    data["disruptions"] = [
        *data["disruptions"],
        {"id": "strasbourg-rail-cut", "target": "strasbourg-swiecko-rail", "probability": 1.0,
         "days": 5, "reduction": 1.0, "earliest_day": 30, "latest_day": 30,
         "basis": "assumption"},
    ]  # fmt: skip
    shut = dataclasses.replace(ws, network=Network.model_validate(data))
    result = forcegen.deploy(shut, "ceasefire-only", draws=4, seed=0)
    assert result.disruptions is not None
    assert result.plan.closure_day == 39
    assert all(d is not None and d > 39 for d in result.disruptions.closure_days)
    assert result.disruptions.delaying()["strasbourg-rail-cut"] == 4
    assert result.disruptions.closure_days == simulate_disruptions_baseline(
        result.network, list(result.movements), 4, 0, base_plan=result.plan
    )


def test_benchmark_reports_both_times_the_ratio_and_identical_distributions() -> None:
    from benchmarks.run import bench_disruptions

    out = bench_disruptions(1, draws=3)
    assert out["identical"] is True
    assert out["seconds"] > 0 and out["baseline_seconds"] > 0
    assert out["closure_day"] == 109 and out["draws"] == 3


# -- point 3: one total, explained -----------------------------------------------------------


def test_deploy_counts_the_scenario_personnel_as_run_does_and_says_what_it_leaves() -> None:
    ws = builtin()
    payload = deployed("ceasefire-only").to_json()
    run_total = forcegen.evaluate(ws, "ceasefire-only").personnel
    assert payload["active_personnel"] == run_total == 13_590
    # the force HQ sits at Mont-Valerien (home_based): 800 not moved, with the ships' 640
    assert payload["moved_personnel"] == 12_150
    assert payload["not_moved_personnel"] == 800 + 640
    left = payload["not_moved"]
    assert {n["domain"] for n in left} == {"maritime", "joint"}  # type: ignore[index]
    assert sum(n["personnel"] for n in left) == 1_440  # type: ignore[index,misc]
    report = cli("deploy", "-s", "ceasefire-only").stdout
    flat = " ".join(report.split())
    assert "13,590 personnel active in the scenario (as forcegen run counts them)" in flat
    assert "12,150 in 8 units move through the network" in flat
    assert (
        "Headquarters that sit at home (Fort Mont-Valerien, Suresnes, near Paris), 800 "
        "personnel (1 unit), are not moved: they command from outside the theatre." in flat
    )
    assert (
        "Maritime units for Black Sea, 640 personnel (3 units), are not moved over land: "
        "the network has no destination node there." in flat
    )


@pytest.mark.parametrize("columns", [80, 120])
def test_deploy_report_says_why_and_separates_binding_from_congested(columns: int) -> None:
    report = cli("deploy", "-s", "ceasefire-only", columns=columns).stdout
    assert too_wide(report, columns) == []
    flat = " ".join(report.split())
    assert (
        "Why: the force closes on day 39: France manoeuvre brigade ready on day 30 "
        "(assumption), then 5 days in transit" in flat
    )
    binding, congested = flat.split("Congested, not binding")
    binding = binding.split("Binding capacities")[1]
    assert "Orleans-Bricy Air Base (BA 123) - Rzeszow-Jasionka Airport (air)" in binding
    assert "RAF Brize Norton" not in binding
    assert "RAF Brize Norton - Rzeszow-Jasionka Airport (air)" in congested
    assert "France" in flat and "| FRA " not in flat  # readable nation names in tables


def test_a_home_based_headquarters_is_not_moved_and_one_in_the_theatre_is() -> None:
    """The MNF-U force HQ sits near Paris (then London): deploy leaves it at home; the
    forward HQ in Kyiv moves. Without the home_based flag the Paris HQ went to Lviv."""
    import dataclasses

    ws = builtin()
    result = forcegen.deploy(ws, "ceasefire-only")
    moved = {m.pledge for m in result.movements}
    assert "fra-force-hq-1" not in moved and "gbr-forward-hq-1" in moved
    reasons = {n.pledge: n.reason for n in result.plan.not_moved}
    assert reasons["fra-force-hq-1"].startswith("home-based headquarters")
    in_theatre = {
        hid: hq.model_copy(update={"home_based": False}) for hid, hq in ws.headquarters.items()
    }
    result = forcegen.deploy(dataclasses.replace(ws, headquarters=in_theatre), "ceasefire-only")
    assert "fra-force-hq-1" in {m.pledge for m in result.movements}
