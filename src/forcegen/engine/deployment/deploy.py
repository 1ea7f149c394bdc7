"""Deploy a force: the public entry point behind ``forcegen deploy``.

``deploy(workspace, scenario, requirement)`` takes the pledges active in the scenario
(or the assignment of the sourcing optimiser, when a requirement is given), turns them
into movement requirements, plans them exactly over the workspace's network and, on
request, re-plans under seeded disruptions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forcegen.engine.activation import resolve_scenario, scenario_pledges, scenario_view
from forcegen.engine.bounds import check_count
from forcegen.engine.deployment.critical_path import CriticalPath, explain_closure
from forcegen.engine.deployment.disruptions import DisruptionDraws, simulate_disruptions
from forcegen.engine.deployment.geography import distance_to_line_km
from forcegen.engine.deployment.movement import (
    Movement,
    movements,
    taskings_from_pledges,
    taskings_from_sourcing,
)
from forcegen.engine.deployment.planner import DeploymentPlan, plan_deployment
from forcegen.engine.odds.sampling import check_seed
from forcegen.engine.totals import checked_personnel
from forcegen.errors import ForcegenError
from forcegen.model.network import Network
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class DeploymentResult:
    """A deployment plan with what it was made from, and the disruption draws."""

    scenario: str | None
    requirement: str | None
    network: Network
    movements: tuple[Movement, ...]
    plan: DeploymentPlan
    disruptions: DisruptionDraws | None
    critical_path: CriticalPath | None = None
    """Why the force closes when it does (None when not computed)."""
    active_personnel: float = 0.0
    """Personnel of the units tasked [persons]: the active pledges of the scenario (as
    ``forcegen run`` counts them) or the sourced units; moved plus not moved."""

    @property
    def moved_personnel(self) -> float:
        """Personnel moved through the network [persons]."""
        return float(sum(m.personnel for m in self.movements))

    @property
    def not_moved_personnel(self) -> float:
        """Personnel of the units not moved through the network [persons]."""
        return float(sum(n.personnel for n in self.plan.not_moved))

    def units_frame(self) -> pd.DataFrame:
        """One row per moving unit: nation, pledge, ready day and closure days [day]."""
        return self.plan.units_frame()

    def in_place_frame(self) -> pd.DataFrame:
        """Personnel in place day by day, by nation [persons]."""
        return self.plan.in_place()

    def utilisation_frame(self) -> pd.DataFrame:
        """Daily flow and capacity of every node and leg used [persons or short tons/day]."""
        return self.plan.utilisation

    def bottlenecks_frame(self) -> pd.DataFrame:
        """The saturated capacities with a shadow price [item-days saved per extra item a
        day], largest first; whether one is binding (moves the closure day) is in
        :attr:`critical_path`."""
        import pandas as pd

        columns = [
            "resource",
            "name",
            "what",
            "load",
            "first_day",
            "last_day",
            "shadow_price",
            "text",
        ]
        return pd.DataFrame([b.row() for b in self.plan.bottlenecks], columns=columns)

    def destinations_frame(self) -> pd.DataFrame:
        """One row per destination: zone, closure day, personnel, distance to the line of
        contact [km]."""
        import pandas as pd

        return pd.DataFrame(self.destinations())

    def destinations(self) -> list[dict[str, object]]:
        """Each destination: zone, closure day, personnel and distance to the line of
        contact [km] (None without one)."""
        line = self.network.line_of_contact
        points = [(p.lat, p.lon) for p in line.points] if line else []
        zones = {node: zone for zone, node in self.network.zones.items()}
        out: list[dict[str, object]] = []
        for node_id in dict.fromkeys(m.destination for m in self.movements):
            node = self.network.node(node_id)
            units = [u for u in self.plan.units if u.movement.destination == node_id]
            closed = [u.closure_day for u in units]
            out.append(
                {
                    "node": node_id,
                    "name": node.name,
                    "zone": zones.get(node_id),
                    "personnel": round(sum(u.movement.personnel for u in units), 3),
                    "closure_day": None if None in closed else max(closed, default=0),  # type: ignore[type-var]
                    "km_to_line_of_contact": round(
                        distance_to_line_km(node.lat, node.lon, points), 1
                    )
                    if points
                    else None,
                }
            )
        return out

    def leg_flows(self) -> dict[str, dict[str, object]]:
        """Per leg and node used: personnel and cargo moved over the plan [persons, short
        tons], the peak utilisation [share of capacity] and its first day [day]; GeoJSON
        properties of :meth:`to_geojson`."""
        out: dict[str, dict[str, object]] = {}
        frame = self.plan.utilisation
        for resource, rows in frame.groupby("resource", sort=False):
            moved = rows.groupby("load")["flow"].sum()
            limited = rows[rows["utilisation"].notna()]
            peak = None if limited.empty else float(limited["utilisation"].max())
            peak_day = (
                None if not peak else int(limited.loc[limited["utilisation"] == peak, "day"].min())
            )
            flows: dict[str, object] = {
                "moved_personnel": round(float(moved.get("personnel", 0.0)), 3),
                "moved_short_tons": round(float(moved.get("cargo", 0.0)), 3),
                "peak_utilisation_share": None if peak is None else round(peak, 6),
                "peak_day": peak_day,
            }
            if rows["kind"].iloc[0] == "leg":
                out[str(resource)] = flows
            else:
                out[f"node:{resource}"] = flows
        return out

    def to_geojson(self) -> dict[str, object]:
        """Nodes, legs (moved personnel and cargo, peak utilisation), zones, the line of
        contact and each unit at its destination (layer ``unit``) as a GeoJSON
        FeatureCollection (RFC 7946, [lon, lat]); see docs/json.md."""
        from forcegen.engine.geojson import collection, network_features, point

        flows = self.leg_flows()
        nodes = {k.removeprefix("node:"): v for k, v in flows.items() if k.startswith("node:")}
        legs = {k: v for k, v in flows.items() if not k.startswith("node:")}
        features = network_features(self.network, node_properties=nodes, leg_properties=legs)
        for u in self.plan.units:
            node = self.network.node(u.movement.destination)
            features.append(
                point(
                    node.lon,
                    node.lat,
                    {
                        "layer": "unit",
                        "unit": u.movement.unit,
                        "pledge": u.movement.pledge,
                        "nation": u.movement.nation,
                        "capability": u.movement.capability,
                        "node": node.id,
                        "zone": u.movement.zone,
                        "personnel": round(u.movement.personnel, 3),
                        "short_tons": round(u.movement.short_tons, 3),
                        "ready_day": u.movement.ready_day,
                        "closure_day": u.closure_day,
                    },
                )
            )
        return collection(
            features,
            name="forcegen deploy",
            scenario=self.scenario,
            requirement=self.requirement,
            closure_day=self.plan.closure_day,
        )

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        plan = self.plan
        binding = (
            set()
            if self.critical_path is None
            else {c.resource for c in self.critical_path.binding}
        )
        return {
            "scenario": self.scenario,
            "requirement": self.requirement,
            "closure_day": plan.closure_day,
            "closure_by_load": dict(plan.closure_by_load),
            "horizon_days": plan.horizon,
            "nations": plan.nation_closure(),
            "destinations": self.destinations(),
            "units": [
                {
                    "unit": u.movement.unit,
                    "pledge": u.movement.pledge,
                    "nation": u.movement.nation,
                    "destination": u.movement.destination,
                    "personnel": round(u.movement.personnel, 3),
                    "short_tons": round(u.movement.short_tons, 3),
                    "ready_day": u.movement.ready_day,
                    "closure_day": u.closure_day,
                    "required_day": u.movement.required_day,
                    "late_days": u.late_days,
                }
                for u in plan.units
            ],
            "active_personnel": round(self.active_personnel, 3),
            "moved_personnel": round(self.moved_personnel, 3),
            "not_moved_personnel": round(self.not_moved_personnel, 3),
            "not_moved": [
                {
                    "unit": n.unit,
                    "pledge": n.pledge,
                    "nation": n.nation,
                    "reason": n.reason,
                    "personnel": round(n.personnel, 3),
                    "domain": n.domain,
                    "zone": n.zone,
                }
                for n in plan.not_moved
            ],
            "beyond_horizon": [b.row() for b in plan.beyond_horizon],
            "critical_path": None if self.critical_path is None else self.critical_path.to_json(),
            "bottlenecks": [
                {**b.row(), "binding": b.resource in binding} for b in plan.bottlenecks
            ],
            "disruptions": None
            if self.disruptions is None
            else {
                **self.disruptions.quantiles(),
                "draws": len(self.disruptions.closure_days),
                "seed": self.disruptions.seed,
                "not_closed": self.disruptions.not_closed,
                "closure_day_without": self.disruptions.base_closure,
                "later_than_plan": self.disruptions.later_than_plan,
                "delaying": [
                    {"disruption": d, "draws": n} for d, n in self.disruptions.delaying().items()
                ],
            },
        }


def deploy(
    workspace: Workspace,
    scenario: str | Scenario | None = None,
    requirement: str | None = None,
    *,
    draws: int = 0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> DeploymentResult:
    """Plan the deployment of the pledges active in ``scenario`` (all pledges not
    withdrawn when None), or of their optimal assignment to ``requirement``; with
    ``draws`` > 0, also the closure day under that many seeded disruption draws (at most
    :data:`~forcegen.limits.MAX_DISRUPTIONS`, checked before any work), ``progress(done,
    total)`` called as draws are done."""
    workspace, scenario = scenario_view(workspace, scenario)
    draws = check_count("draws", draws, "MAX_DISRUPTIONS", least=0)
    check_seed(seed)
    checked_personnel(workspace)  # every figure below is finite and its sums exact
    network = workspace.network
    if network is None:
        raise ForcegenError(
            "the workspace has no network: add a 'network:' key (see docs/deployment.md)"
        )
    resolved = resolve_scenario(workspace, scenario)
    if requirement is not None:
        from forcegen.engine.sourcing.source import source_requirement

        # one solve: the dependence on a nation is not part of a deployment plan
        sourced = source_requirement(workspace, requirement, resolved, dependence_on=None)
        tasks = taskings_from_sourcing(
            workspace, requirement, [(a.line, a.pledge, a.units) for a in sourced.assignments]
        )
    else:
        ids = scenario_pledges(workspace, resolved)
        tasks = taskings_from_pledges({pid: workspace.pledges[pid].quantity for pid in ids})
    moving, left = movements(workspace, network, tasks)
    plan = plan_deployment(network, moving, left)
    critical = explain_closure(
        network,
        moving,
        plan,
        readiness_assumed={m.pledge: workspace.readiness_is_assumed(m.pledge) for m in moving},
        nation_names={iso3: nation.name for iso3, nation in workspace.nations.items()},
        capability_names={cid: c.name for cid, c in workspace.capabilities.items()},
    )
    active = float(sum(m.personnel for m in moving) + sum(n.personnel for n in left))
    draws_result = None
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, draws)

    if draws:
        draws_result = simulate_disruptions(
            network, moving, draws, seed, base_plan=plan, advance=advance
        )
    scenario_id = None if resolved is None else resolved.id
    return DeploymentResult(
        scenario_id, requirement, network, tuple(moving), plan, draws_result, critical, active
    )
