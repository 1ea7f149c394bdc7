"""Supply the force in place: the public entry point behind ``forcegen supply``.

``supply(workspace, scenario, requirement)`` plans the deployment (:func:`forcegen.deploy`),
takes its moving units as the force in place, and reports what they consume a day
(:mod:`.consumption`), whether the network carries it from the supply sources
(:mod:`.resupply`), also while the force is still closing (:mod:`.overlap`), and which
units run out of stock, when, under cuts and the network's disruptions (:mod:`.autonomy`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forcegen.engine.activation import scenario_view
from forcegen.engine.bounds import check_count
from forcegen.engine.deployment.deploy import DeploymentResult, deploy
from forcegen.engine.odds.sampling import check_seed
from forcegen.engine.supply.autonomy import (
    Autonomy,
    AutonomyDraws,
    CriticalCut,
    Delivery,
    SupplyCut,
    check_cuts,
    critical_cuts,
    cut_scale,
    last_day,
    simulate,
    simulate_draws,
)
from forcegen.engine.supply.consumption import (
    CASES,
    Consumer,
    UnitDemand,
    by_destination,
    check_factors,
    unit_demands,
)
from forcegen.engine.supply.overlap import ClosureOverlap, closure_overlap
from forcegen.engine.supply.resupply import ResupplyFlow, steady_flow
from forcegen.errors import ForcegenError
from forcegen.model.network import Network, NodeKind
from forcegen.model.scenarios import Scenario
from forcegen.model.supply import FuelPoint, PlanningFactor, SupplySettings
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

ROUND = 3
"""Decimals kept in JSON figures [short tons/day, persons, shares]."""


def supply_sources(network: Network, settings: SupplySettings) -> tuple[str, ...]:
    """The nodes supply leaves from: the settings' ``source_nodes``, else every staging
    node outside the countries of the zones' destinations."""
    if settings.source_nodes:
        return tuple(settings.source_nodes)
    countries = {n.country for n in network.nodes if n.kind is NodeKind.DESTINATION and n.country}
    out = tuple(
        n.id for n in network.nodes if n.kind is NodeKind.STAGING and n.country not in countries
    )
    if not out:
        raise ForcegenError(
            "supply.source_nodes: the network has no staging node outside the destinations' "
            "country; expected source_nodes naming the nodes supply leaves from"
        )
    return out


@dataclass(frozen=True)
class SupplyResult:
    """What the force in place consumes, whether the network carries it, and how long
    its units hold out when cut off."""

    scenario: str | None
    requirement: str | None
    settings: SupplySettings
    network: Network
    deployment: DeploymentResult
    sources: tuple[str, ...]
    demands: tuple[UnitDemand, ...]
    factors_used: dict[str, dict[str, str]]
    """Capability -> class of supply -> the factor id used."""
    factors: dict[str, PlanningFactor]
    resupply: ResupplyFlow
    """The steady flow at the base fuel figure."""
    utilisation_by_case: dict[str, float]
    """Highest utilisation at the low, base and high demand [share]."""
    overlap: ClosureOverlap
    cuts: tuple[SupplyCut, ...]
    cut_start: int
    """Day a cut without START begins: the day after the force has closed [day]."""
    autonomy: Autonomy | None
    draws: AutonomyDraws | None
    critical: tuple[CriticalCut, ...] | None = None
    """Each leg and node the resupply uses cut alone for ``critical_days`` days from
    ``cut_start``, ranked (most personnel out first); None when not asked."""
    critical_days: int | None = None

    # -- figures -----------------------------------------------------------------------

    def total(self, case: str = "base") -> float:
        """Daily demand of the force in place [short tons/day]."""
        return float(sum(d.total(case) for d in self.demands))

    @property
    def personnel(self) -> float:
        """Personnel of the force in place [persons]."""
        return float(sum(d.personnel for d in self.demands))

    def gauge_break_short_tons(self) -> float:
        """Resupply tonnage a day over gauge-break legs [short tons/day]."""
        breaks = {leg.id for leg in self.network.legs if leg.gauge_break}
        return float(sum(v for k, v in self.resupply.leg_flow.items() if k in breaks))

    def destinations(self) -> list[dict[str, Any]]:
        """Each destination: zone, personnel, demand low/base/high [short tons/day]."""
        zones = {node: zone for zone, node in self.network.zones.items()}
        out: dict[str, dict[str, Any]] = {}
        for d in self.demands:
            row = out.setdefault(
                d.destination,
                {
                    "node": d.destination,
                    "name": self.network.node(d.destination).name,
                    "zone": zones.get(d.destination),
                    "personnel": 0.0,
                    **dict.fromkeys(("low", "base", "high"), 0.0),
                },
            )
            row["personnel"] += d.personnel
            for case in CASES:
                row[case] += d.total(case)
        return [
            {k: round(v, ROUND) if isinstance(v, float) else v for k, v in r.items()}
            for r in out.values()
        ]

    def by_class(self) -> dict[str, float]:
        """Class of supply -> demand of the force, base case [short tons/day]."""
        out: dict[str, float] = {}
        for d in self.demands:
            for k, v in d.by_class.items():
                out[k] = out.get(k, 0.0) + v
        return out

    def binding_cut(self) -> dict[str, Any] | None:
        """The capacities that hold the highest resupply utilisation where it is (the
        binding cut, LP rows with a nonzero dual): its members with their flow, capacity
        [short tons/day] and share of capacity, and the cut's total flow, capacity and
        utilisation [share]; None when nothing binds."""
        cut = self.resupply.binding_set
        if not cut:
            return None
        members: list[dict[str, Any]] = []
        legs = nodes = 0
        for kind, rid, _ in cut:
            legs += kind == "leg"
            nodes += kind == "node"
            if kind == "leg":
                leg = next(x for x in self.network.legs if x.id == rid)
                capacity = float(leg.capacity.short_tons_per_day)
                flow = float(self.resupply.leg_flow.get(rid, 0.0))
            else:
                node = self.network.node(rid)
                assert node.handling is not None and node.handling.short_tons_per_day
                capacity = float(node.handling.short_tons_per_day)
                flow = float(self.resupply.node_flow.get(rid, 0.0))
            members.append(
                {
                    "kind": kind,
                    "id": rid,
                    "name": self.resource_name(kind, rid),
                    "flow_short_tons_per_day": round(flow, ROUND),
                    "capacity_short_tons_per_day": round(capacity, ROUND),
                    "utilisation": round(flow / capacity, 6),
                }
            )
        capacity = sum(m["capacity_short_tons_per_day"] for m in members)
        flow = sum(m["flow_short_tons_per_day"] for m in members)
        return {
            "legs": legs,
            "nodes": nodes,
            "capacity_short_tons_per_day": round(capacity, ROUND),
            "flow_short_tons_per_day": round(flow, ROUND),
            "utilisation": round(flow / capacity, 6) if capacity else None,
            "members": members,
        }

    def binding(self) -> dict[str, Any] | None:
        """The one capacity at the highest resupply utilisation, with its name; None when
        nothing binds or when several bind together (see :meth:`binding_cut`)."""
        cut = self.resupply.binding_set
        if len(cut) > 1:
            return None
        b = self.resupply.binding
        if b is None:
            return None
        kind, rid, util = b
        name = self.resource_name(kind, rid)
        return {"kind": kind, "id": rid, "name": name, "utilisation": round(util, 6)}

    def resource_name(self, kind: str, rid: str) -> str:
        """The name in words of a ``leg`` or ``node`` by id."""
        if kind == "node":
            return self.network.node(rid).name
        return next(leg.label for leg in self.network.legs if leg.id == rid)

    # -- frames --------------------------------------------------------------------------

    def demand_frame(self) -> pd.DataFrame:
        """One row per unit in place: destination, personnel [persons], closure day, demand
        by class (base) and in total low/base/high [short tons/day]."""
        import pandas as pd

        rows = [
            {
                "unit": d.unit,
                "nation": d.nation,
                "capability": d.capability,
                "destination": d.destination,
                "zone": d.zone,
                "personnel": d.personnel,
                "closure_day": d.closure_day,
                **d.by_class,
                "low": d.low,
                "base": d.base,
                "high": d.high,
            }
            for d in self.demands
        ]
        return pd.DataFrame(rows)

    def resupply_frame(self) -> pd.DataFrame:
        """One row per leg and node the resupply uses: flow [short tons/day], capacity
        [short tons/day], utilisation [share]."""
        import pandas as pd

        return pd.DataFrame(self.resources(), columns=list(_RESOURCE_COLUMNS))

    def closure_frame(self) -> pd.DataFrame:
        """Day by day while the force closes: demand in place [short tons/day] and the
        utilisation of the capacity the movement leaves [share]."""
        return self.overlap.frame()

    def autonomy_frame(self) -> pd.DataFrame:
        """Per unit under the cuts: the day it runs out [day] and days without supply."""
        import pandas as pd

        return pd.DataFrame(self._autonomy_units(), columns=list(_AUTONOMY_COLUMNS))

    def resources(self) -> list[dict[str, Any]]:
        """Every leg and node the resupply uses: flow and capacity [short tons/day],
        utilisation [share] (None for a node without a handling limit)."""
        legs = {leg.id: leg for leg in self.network.legs}
        rows: list[dict[str, Any]] = []
        for rid, flow in self.resupply.leg_flow.items():
            leg = legs[rid]
            rows.append(
                {
                    "kind": "leg",
                    "id": rid,
                    "name": leg.label,
                    "mode": leg.mode.value,
                    "gauge_break": leg.gauge_break,
                    "flow_short_tons_per_day": round(flow, ROUND),
                    "capacity_short_tons_per_day": leg.capacity.short_tons_per_day,
                    "utilisation": round(self.resupply.leg_utilisation[rid], 6),
                }
            )
        for rid, flow in self.resupply.node_flow.items():
            node = self.network.node(rid)
            limit = None if node.handling is None else node.handling.short_tons_per_day
            rows.append(
                {
                    "kind": "node",
                    "id": rid,
                    "name": node.name,
                    "mode": None,
                    "gauge_break": False,
                    "flow_short_tons_per_day": round(flow, ROUND),
                    "capacity_short_tons_per_day": limit,
                    "utilisation": None
                    if rid not in self.resupply.node_utilisation
                    else round(self.resupply.node_utilisation[rid], 6),
                }
            )
        return rows

    def _autonomy_units(self) -> list[dict[str, Any]]:
        if self.autonomy is None:
            return []
        return [
            {
                "unit": u.unit,
                "destination": u.destination,
                "personnel": round(u.personnel, ROUND),
                "runs_out_day": u.runs_out_day,
                "days_without_supply": u.days_without,
            }
            for u in self.autonomy.units
        ]

    # -- JSON ----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape (docs/json.md, ``supply --json``)."""
        s = self.settings
        worst = self.overlap.worst
        cut = self.binding_cut()
        return {
            "scenario": self.scenario,
            "requirement": self.requirement,
            "settings": {
                "stock_days": s.stock_days,
                "climate": s.climate.value,
                "ammunition_posture": s.ammunition_posture.value,
                "rations": s.rations.value,
                "fuel": s.fuel.value if isinstance(s.fuel, FuelPoint) else s.fuel,
                "source_nodes": list(self.sources),
            },
            "factors": self.factors_used,
            "personnel": round(self.personnel, ROUND),
            "demand_short_tons_per_day": {c: round(self.total(c), ROUND) for c in CASES},
            "by_class_short_tons_per_day": {k: round(v, ROUND) for k, v in self.by_class().items()},
            "destinations": self.destinations(),
            "zones": _by_zone(self.demands),
            "units": [
                {
                    "unit": d.unit,
                    "pledge": d.pledge,
                    "nation": d.nation,
                    "capability": d.capability,
                    "destination": d.destination,
                    "zone": d.zone,
                    "personnel": round(d.personnel, ROUND),
                    "closure_day": d.closure_day,
                    "short_tons_per_day": {c: round(d.total(c), ROUND) for c in CASES},
                }
                for d in self.demands
            ],
            "not_supplied": [
                {
                    "unit": n.unit,
                    "nation": n.nation,
                    "reason": n.reason,
                    "personnel": round(n.personnel, ROUND),
                }
                for n in self.deployment.plan.not_moved
            ],
            "resupply": {
                "feasible": self.resupply.feasible,
                "max_utilisation": _finite(self.resupply.utilisation),
                "max_utilisation_by_case": {
                    k: _finite(v) for k, v in self.utilisation_by_case.items()
                },
                "binding": self.binding(),
                "binding_set": [] if cut is None else cut["members"],
                "binding_cut": None
                if cut is None
                else {k: v for k, v in cut.items() if k != "members"},
                "gauge_break_short_tons_per_day": round(self.gauge_break_short_tons(), ROUND),
                "sources_short_tons_per_day": {
                    k: round(v, ROUND) for k, v in self.resupply.source_flow.items()
                },
                "unreachable": list(self.resupply.unreachable),
                "resources": self.resources(),
            },
            "during_closure": {
                "closure_day": self.deployment.plan.closure_day,
                "feasible": self.overlap.feasible,
                "days": len(self.overlap.days),
                "routing": "steady routes, no rerouting around the movement",
                "infeasible_days": list(self.overlap.infeasible_days),
                "worst_day": None if worst is None else worst.day,
                "worst_utilisation": None if worst is None else _finite(worst.utilisation),
                "worst_demand_short_tons_per_day": None
                if worst is None
                else round(worst.demand, ROUND),
                "binding": None
                if worst is None or worst.binding is None
                else {
                    "kind": worst.binding[0],
                    "id": worst.binding[1],
                    "name": self.resource_name(worst.binding[0], worst.binding[1]),
                    "utilisation": _finite(worst.binding[2]),
                },
            },
            "autonomy": None
            if self.autonomy is None
            else {
                "cuts": [
                    {
                        "target": c.target,
                        "days": c.days,
                        "start": self.cut_start if c.start is None else c.start,
                    }
                    for c in self.cuts
                ],
                "units": self._autonomy_units(),
                "personnel_without_supply": round(self.autonomy.personnel_without, ROUND),
                "person_days_without_supply": round(self.autonomy.person_days_without, ROUND),
                "max_days_without_supply": self.autonomy.max_days_without,
                "lowest_share_delivered": round(self.autonomy.lowest_share, 6),
            },
            "disruptions": None if self.draws is None else self._draws_json(),
            "critical_cuts": None if self.critical is None else self._critical_json(),
        }

    def _critical_json(self) -> dict[str, Any]:
        assert self.critical is not None
        return {
            "days": self.critical_days,
            "start": self.cut_start,
            "tried": len(self.critical),
            "cuts": [
                {
                    "kind": c.kind,
                    "target": c.target,
                    "name": self.resource_name(c.kind, c.target),
                    "personnel_out": round(c.personnel_out, ROUND),
                    "first_out_day": c.first_out_day,
                    "max_days_without_supply": c.max_days_without,
                    "lowest_share_delivered": round(c.lowest_share, 6),
                }
                for c in self.critical
            ],
        }

    def _draws_json(self) -> dict[str, Any]:
        assert self.draws is not None
        d = self.draws
        return {
            "draws": len(d.max_days_without),
            "seed": d.seed,
            "days_without_supply": d.quantiles(d.max_days_without),
            "personnel_without_supply": d.quantiles(d.personnel_without),
            "draws_with_shortage": d.short_draws,
        }

    def to_geojson(self) -> dict[str, Any]:
        """Nodes, legs (resupply flow, utilisation, the movement's peak utilisation), zones,
        the line of contact, the destinations' demand (layer ``demand``) and one Point per
        unit in place at its destination (layer ``unit``: personnel, demand [short
        tons/day], and under ``--cut`` the day it runs out and its days without supply,
        null without cuts), RFC 7946. Legs and nodes say whether they are in the binding
        cut (``in_binding_cut``); the collection carries the cut's totals."""
        from forcegen.engine.geojson import collection, network_features, point

        peak = _movement_peak(self.deployment)
        in_cut = {(kind, rid) for kind, rid, _ in self.resupply.binding_set}
        legs = {
            leg.id: {
                "resupply_flow_short_tons_per_day": round(
                    self.resupply.leg_flow.get(leg.id, 0.0), ROUND
                ),
                "utilisation_share": round(self.resupply.leg_utilisation.get(leg.id, 0.0), 6),
                "movement_peak_utilisation_share": peak.get(leg.id),
                "in_binding_cut": ("leg", leg.id) in in_cut,
            }
            for leg in self.network.legs
        }
        nodes = {
            n.id: {
                "resupply_arrivals_short_tons_per_day": round(
                    self.resupply.node_flow.get(n.id, 0.0), ROUND
                ),
                "utilisation_share": None
                if n.id not in self.resupply.node_utilisation
                else round(self.resupply.node_utilisation[n.id], 6),
                "movement_peak_utilisation_share": peak.get(n.id),
                "supply_source": n.id in self.sources,
                "in_binding_cut": ("node", n.id) in in_cut,
            }
            for n in self.network.nodes
        }
        features = network_features(self.network, node_properties=nodes, leg_properties=legs)
        for row in self.destinations():
            node = self.network.node(row["node"])
            features.append(
                point(
                    node.lon,
                    node.lat,
                    {
                        "layer": "demand",
                        "id": row["node"],
                        "name": row["name"],
                        "zone": row["zone"],
                        "personnel": row["personnel"],
                        "demand_short_tons_per_day": row["base"],
                        "demand_low_short_tons_per_day": row["low"],
                        "demand_high_short_tons_per_day": row["high"],
                    },
                )
            )
        outcome = {} if self.autonomy is None else {u.unit: u for u in self.autonomy.units}
        for d in self.demands:
            node = self.network.node(d.destination)
            fate = outcome.get(d.unit)
            features.append(
                point(
                    node.lon,
                    node.lat,
                    {
                        "layer": "unit",
                        "unit": d.unit,
                        "pledge": d.pledge,
                        "nation": d.nation,
                        "destination": d.destination,
                        "personnel": round(d.personnel, ROUND),
                        "closure_day": d.closure_day,
                        "demand_short_tons_per_day": round(d.total("base"), ROUND),
                        "runs_out_day": None if fate is None else fate.runs_out_day,
                        "days_without_supply": None if fate is None else fate.days_without,
                    },
                )
            )
        cut = self.binding_cut()
        return collection(
            features,
            name="forcegen supply",
            scenario=self.scenario,
            binding_cut=None if cut is None else {k: v for k, v in cut.items() if k != "members"},
        )


_RESOURCE_COLUMNS = (
    "kind",
    "id",
    "name",
    "mode",
    "gauge_break",
    "flow_short_tons_per_day",
    "capacity_short_tons_per_day",
    "utilisation",
)
_AUTONOMY_COLUMNS = ("unit", "destination", "personnel", "runs_out_day", "days_without_supply")


def _finite(value: float) -> float | None:
    """A share for JSON: rounded; None for inf (some demand cannot be reached)."""
    return None if value == float("inf") else round(value, 6)


def _by_zone(demands: Sequence[UnitDemand]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for d in demands:
        row = out.setdefault(
            d.zone, {"zone": d.zone, "personnel": 0.0, **dict.fromkeys(CASES, 0.0)}
        )
        row["personnel"] += d.personnel
        for case in CASES:
            row[case] += d.total(case)
    return [
        {k: round(v, ROUND) if isinstance(v, float) else v for k, v in r.items()}
        for r in out.values()
    ]


def _movement_peak(result: DeploymentResult) -> dict[str, float]:
    """Resource id -> the deployment's highest daily utilisation, over both loads [share]."""
    usage = result.utilisation_frame()
    rows = usage[usage["utilisation"].notna()]
    if rows.empty:
        return {}
    peak = rows.groupby("resource")["utilisation"].max()
    return {str(k): round(float(v), 6) for k, v in peak.items()}


def _consumers(workspace: Workspace, result: DeploymentResult) -> list[Consumer]:
    closure = {u.movement.unit: u.closure_day for u in result.plan.units}
    out = []
    for m in result.movements:
        pledge = workspace.pledges[m.pledge]
        full = workspace.pledge_personnel(m.pledge)
        units = pledge.quantity * (m.personnel / full) if full else pledge.quantity
        out.append(
            Consumer(
                m.unit,
                m.pledge,
                m.nation,
                m.capability,
                m.destination,
                m.zone,
                m.personnel,
                float(units),
                closure.get(m.unit),
            )
        )
    return out


def supply(
    workspace: Workspace,
    scenario: str | Scenario | None = None,
    requirement: str | None = None,
    *,
    cuts: Sequence[SupplyCut | str] = (),
    draws: int = 0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    critical: int | None = None,
) -> SupplyResult:
    """Supply the force that :func:`forcegen.deploy` moves for ``scenario`` (or for the
    sourcing of ``requirement``): daily demand [short tons/day], the resupply flow on the
    network, the days it closes, and, under ``cuts`` (``SupplyCut`` records or
    ``NODE_OR_LEG:DAYS[:START]`` texts) and ``draws`` seeded draws of the network's
    disruptions (at most :data:`~forcegen.limits.MAX_DISRUPTIONS`), which units run out
    of stock and when; ``progress(done, total)`` is called as draws are done. With
    ``critical`` [days], every leg and node the resupply uses is also cut alone for that
    many days from the day after closure, and ranked by the personnel that run out
    (:func:`~forcegen.engine.supply.autonomy.critical_cuts`)."""
    from forcegen.engine.supply.autonomy import parse_cut

    workspace, resolved = scenario_view(workspace, scenario)
    draws = check_count("draws", draws, "MAX_DISRUPTIONS", least=0)
    check_count("cuts", len(cuts), "MAX_CUTS", least=0)
    check_seed(seed)
    if critical is not None:
        critical = check_count("critical", critical, "MAX_DAYS", least=1)
    check_factors(workspace.planning_factors)
    parsed = tuple(parse_cut(c) if isinstance(c, str) else c for c in cuts)
    network = workspace.network
    if network is None:
        raise ForcegenError(
            "the workspace has no network: add a 'network:' key (see docs/deployment.md)"
        )
    check_cuts(network, parsed)
    settings = workspace.supply
    sources = supply_sources(network, settings)
    result = deploy(workspace, resolved, requirement)
    demands, used = unit_demands(
        _consumers(workspace, result), workspace.planning_factors, settings
    )
    flow = steady_flow(network, by_destination(demands), sources)
    by_case = {"base": flow.utilisation}
    for case in ("low", "high"):
        by_case[case] = steady_flow(
            network, by_destination(demands, case), sources, routes=False
        ).utilisation
    overlap = closure_overlap(
        network, demands, flow, result.utilisation_frame(), result.plan.closure_day
    )
    placed = [d.closure_day for d in demands if d.closure_day is not None]
    closure = result.plan.closure_day
    if closure is None:
        closure = max(placed, default=network.horizon_days)
    cut_start = closure + 1
    delivery = Delivery(network, demands, sources)
    first = min(placed, default=0)
    autonomy = None
    if parsed:
        last = last_day(network, parsed, cut_start, closure)
        scale = cut_scale(network, parsed, cut_start, last)
        autonomy = simulate(delivery, scale, first, last, settings.stock_days)
    draws_result = None
    if draws:
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(done, draws)

        last = last_day(network, parsed, cut_start, closure)
        draws_result = simulate_draws(
            delivery,
            cut_scale(network, parsed, cut_start, last),
            draws,
            seed,
            first,
            last,
            settings.stock_days,
            advance,
        )
    ranked = None
    if critical is not None:
        ranked = tuple(
            critical_cuts(
                delivery,
                flow.leg_flow,
                flow.node_flow,
                cut_start,
                critical,
                settings.stock_days,
            )
        )
    return SupplyResult(
        scenario=None if resolved is None else resolved.id,
        requirement=requirement,
        settings=settings,
        network=network,
        deployment=result,
        sources=sources,
        demands=demands,
        factors_used=used,
        factors=dict(workspace.planning_factors),
        resupply=flow,
        utilisation_by_case=by_case,
        overlap=overlap,
        cuts=parsed,
        cut_start=cut_start,
        autonomy=autonomy,
        draws=draws_result,
        critical=ranked,
        critical_days=critical,
    )
