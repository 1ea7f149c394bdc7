"""A unit that cannot close within the network's horizon is proven late by a bound of its
own, before any horizon search, reported with the reason, and the rest is planned."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import forcegen
from forcegen.engine.deployment import planner as deployment
from forcegen.engine.deployment.disruptions import simulate_disruptions
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.planner import plan_deployment
from forcegen.model.network import Network
from helpers.cli import invoke


def line_network(horizon: int, **extra: Any) -> Network:
    """a -> s (1 day, 100 persons a day) -> b (2 days); 2 days' dwell at s."""
    nodes = [
        {"id": "a", "name": "A", "kind": "origin", "lat": 50.0, "lon": 0.0},
        {"id": "s", "name": "S", "kind": "staging", "lat": 50.0, "lon": 10.0, "dwell_days": 2},
        {"id": "b", "name": "B", "kind": "destination", "lat": 50.0, "lon": 20.0},
    ]
    legs = [
        {"id": "a-s", "from": "a", "to": "s", "mode": "road", "transit_days": 1,
         "capacity": {"pax_per_day": 100, "short_tons_per_day": 50}},
        {"id": "s-b", "from": "s", "to": "b", "mode": "road", "transit_days": 2,
         "capacity": {"pax_per_day": 1000, "short_tons_per_day": 500}},
    ]  # fmt: skip
    return Network.model_validate(
        {"nodes": nodes, "legs": legs, "origins": {"GBR": ["a"]}, "zones": {"west": "b"},
         "horizon_days": horizon, **extra}
    )  # fmt: skip


def unit(name: str, personnel: float, ready: int, tons: float = 0.0) -> Movement:
    return Movement(
        name, name, "GBR", "coy", ("a",), "b", "west", ready, None, personnel, tons, 0.0
    )


class Recorder:
    """Counts the time-expanded models built, and their horizons."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.horizons: list[int] = []
        original = deployment.LoadModel
        recorder = self

        class Recording(original):  # type: ignore[misc, valid-type]
            def __init__(self, graph: Any, groups: Any, horizon: int) -> None:
                recorder.horizons.append(horizon)
                super().__init__(graph, groups, horizon)

        monkeypatch.setattr(deployment, "LoadModel", Recording)


def test_a_unit_ready_after_the_horizon_is_reported_and_the_rest_planned_as_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = line_network(3650)
    on_time = [unit("u1", 300, 0, tons=100), unit("u2", 200, 5)]
    late = unit("late", 100, 3650, tons=50)
    recorder = Recorder(monkeypatch)
    alone = plan_deployment(network, on_time)
    built_alone = list(recorder.horizons)
    recorder.horizons.clear()
    plan = plan_deployment(network, [*on_time, late])
    # the late unit adds no model, no search (the two loads are planned in parallel)
    assert sorted(recorder.horizons) == sorted(built_alone)
    assert max(recorder.horizons) < 100  # nowhere near the 3,650-day horizon
    assert [u.closure_day for u in plan.units[:2]] == [u.closure_day for u in alone.units]
    assert alone.closure_day == 11 and plan.closure_day is None  # u2 leaves a on days 5-6
    assert plan.units[2].closure_day is None
    assert plan.closure_by_load == {"personnel": None, "cargo": None}
    (beyond,) = plan.beyond_horizon
    assert (beyond.unit, beyond.pledge, beyond.nation) == ("late", "late", "GBR")
    # ready day 3,650 + 1 day to s + 2 days' dwell + 2 days to b
    assert beyond.earliest_day == 3655
    assert beyond.reason == (
        "ready on day 3,650, its personnel needs at least 5 days to reach b: day 3,655 at "
        "the earliest, after the horizon (day 3,650)"
    )


def test_a_unit_too_big_for_its_route_within_the_horizon_is_reported_with_the_capacity() -> None:
    plan = plan_deployment(line_network(30), [unit("big", 5000, 0), unit("small", 100, 0)])
    big, small = plan.units
    assert big.closure_day is None and small.closure_day == 5
    (beyond,) = plan.beyond_horizon
    # 5,000 persons leave a at most 100 a day: the last on day 49, at b on day 54
    assert beyond.earliest_day == 54
    assert beyond.reason == (
        "ready on day 0, 5,000 persons leave a at most 100 a day: day 54 at the earliest, "
        "after the horizon (day 30)"
    )


def test_a_unit_that_fits_is_never_reported_beyond_the_horizon() -> None:
    plan = plan_deployment(line_network(6), [unit("u", 100, 1)])
    assert plan.beyond_horizon == () and plan.closure_day == 6


def test_disruption_draws_of_a_force_that_cannot_close_are_not_replanned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = line_network(
        400,
        disruptions=[
            {"id": "cut", "target": "a-s", "reduction": 1.0, "days": 5, "probability": 0.5,
             "earliest_day": 0, "latest_day": 3}
        ],
    )  # fmt: skip
    moving = [unit("u1", 300, 0), unit("late", 100, 400)]
    base = plan_deployment(network, moving)
    recorder = Recorder(monkeypatch)
    draws = simulate_disruptions(network, moving, 50, 1, base_plan=base)
    assert draws.closure_days == (None,) * 50 and draws.not_closed == 50
    assert recorder.horizons == []


def test_deploy_cli_reports_a_pledge_ready_after_the_horizon(
    write_yaml: Callable[[str], Path],
) -> None:
    path = write_yaml(
        """
        zones:
          - {id: west, name: West}
        capabilities:
          - {id: coy, name: Company, domain: land, personnel: 100, basis: assumption,
             lift: {short_tons: 100}}
        nations:
          - {id: GBR, name: UK, active_personnel: 1000, land_personnel: 500, basis: assumption}
        pledges:
          - {id: now, nation: GBR, capability: coy, quantity: 2, zones: [west],
             basis: assumption}
          - {id: later, nation: GBR, capability: coy, quantity: 1, readiness_days: 1500,
             zones: [west], basis: assumption}
        network:
          horizon_days: 1000
          nodes:
            - {id: a, name: A, kind: origin, lat: 50, lon: 0}
            - {id: b, name: B, kind: destination, lat: 50, lon: 20}
          legs:
            - {id: a-b, from: a, to: b, mode: road, transit_days: 2,
               capacity: {pax_per_day: 100, short_tons_per_day: 100}, basis: assumption}
          origins: {GBR: [a]}
          zones: {west: b}
        """
    )
    result = invoke("deploy", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["closure_day"] is None
    assert {u["unit"]: u["closure_day"] for u in payload["units"]} == {"now": 3, "later": None}
    assert payload["beyond_horizon"] == [
        {
            "unit": "later",
            "pledge": "later",
            "nation": "GBR",
            "earliest_day": 1502,
            "reason": "ready on day 1,500, its personnel needs at least 2 days to reach b: "
            "day 1,502 at the earliest, after the horizon (day 1,000)",
        }
    ]
    report = invoke("deploy", str(path))
    assert report.exit_code == 0
    assert "Cannot close within the horizon (day 1,000), left out of the plan (1): later" in (
        " ".join(report.stdout.split())
    )


def test_the_builtin_plan_has_no_unit_beyond_the_horizon(builtin: forcegen.Workspace) -> None:
    result = forcegen.deploy(builtin, "ceasefire-only")
    assert result.plan.beyond_horizon == () and result.plan.closure_day is not None
