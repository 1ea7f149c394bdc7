"""Why the force closes when it does: the critical path of a deployment plan.

Every unit's load needs at least its ready day plus its fastest route (transit and dwell
[days]) to arrive, whatever the capacities: the latest of these over all units, the
*transit bound* L, is the day the force would close if no capacity were limited. The
plan's closure day C is never earlier.

- C = L: the closure is set by the units whose ready day plus fastest route is L (their
  readiness, reported or assumed, then transit). No capacity is binding: removing any
  limit cannot bring the closure before L (proven by the bound), so every saturated
  capacity is "congested, not binding".
- C > L: capacity holds the force up. A capacity is *binding* only when removing its
  limit (on every day, for both loads) lets everything arrive by day C - 1, tested by
  re-solving the LP of each load closing on day C at horizon C - 1 with that limit
  lifted (:class:`~forcegen.engine.deployment.probe.ArrivalProbe`); most capacities are
  cleared first without solving, by the duals of the LP that delivers the most by day
  C - 1 (:class:`~forcegen.engine.deployment.probe.DeliveryBound`: a capacity whose
  rows have no price cannot let more arrive, however far its limit is lifted), and a
  "yes" is often proven without solving too, by the congestion-aware greedy plan
  (:mod:`~forcegen.engine.deployment.residual_routes`) over the lifted capacities
  delivering everything by C - 1 (a feasible point of that LP). For a
  binding capacity the closure day without its limit is found by the same LP. A
  congested capacity whose removal does not move the closure is "congested, not
  binding". When no single one moves it, every limited capacity of the loads closing on
  day C is lifted (the closure then meets L); those the resulting plan uses beyond their
  limits are lifted alone as a set (which admits that plan, so it moves the closure),
  and narrowed by divide and conquer to an irreducible set (lifting it moves the
  closure, lifting it without any one member does not): "binding together" (it may
  include a capacity the plan did not saturate: another optimal plan could have).
  The closure day without a binding limit (or set) is found by planning every load
  it limits again, as the planner does, over the graph with it lifted.

Disruptions are a third cause, in the draws only: see
:meth:`~forcegen.engine.deployment.disruptions.DisruptionDraws.delaying`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from forcegen.engine.deployment.bottlenecks import SATURATED, leg_name, usage_by_day
from forcegen.engine.deployment.closure_bounds import fastest_routes
from forcegen.engine.deployment.graphs import LOADS, build_graphs, build_groups, load_amount
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.planner import DeploymentPlan, earliest_plan
from forcegen.engine.deployment.probe import ArrivalProbe
from forcegen.engine.deployment.residual_routes import greedy_delivers
from forcegen.engine.deployment.time_expanded import Graph
from forcegen.engine.tolerances import CAPACITY_SLACK, FRACTION, LOAD_RELATIVE
from forcegen.model.network import Network

MAX_NAMED_UNITS = 3
"""Critical units named in the sentence (all are in the JSON)."""


@dataclass(frozen=True)
class CriticalUnit:
    """A unit that closes on the force's closure day: ``load`` is the one that arrives
    last, ``transit_days`` its fastest route from the unit's origins [days],
    ``earliest_day`` = ready day + transit [day], the day it would close if no capacity
    were limited."""

    unit: str
    pledge: str
    nation: str
    nation_name: str
    capability: str
    capability_name: str
    load: str
    ready_day: int
    readiness_assumed: bool
    transit_days: int
    earliest_day: int
    closure_day: int | None

    @property
    def label(self) -> str:
        """'France manoeuvre brigade'."""
        return f"{self.nation_name} {self.capability_name.lower()}"

    def row(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {
            "unit": self.unit,
            "pledge": self.pledge,
            "nation": self.nation,
            "capability": self.capability,
            "load": self.load,
            "ready_day": self.ready_day,
            "readiness": "assumption" if self.readiness_assumed else "reported",
            "transit_days": self.transit_days,
            "earliest_day": self.earliest_day,
            "closure_day": self.closure_day,
        }


@dataclass(frozen=True)
class CapacityTest:
    """A congested capacity (a leg's departures or a node's handling, saturated on some
    day of the plan) and whether removing its limit moves the closure day:
    ``closure_without`` [day] is the closure day without it (None = not computed)."""

    resource: str
    name: str
    kind: str  # "leg" or "node"
    loads: tuple[str, ...]
    binding: bool
    closure_without: int | None
    proof: str  # "transit bound", "dual bound", "relaxed" or "relaxed together"

    @property
    def text(self) -> str:
        """'RAF Brize Norton - Rzeszow-Jasionka Airport (air) (cargo departures)'."""
        what = "departures" if self.kind == "leg" else "handling"
        return f"{self.name} ({' and '.join(self.loads)} {what})"

    def row(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {
            "resource": self.resource,
            "name": self.name,
            "kind": self.kind,
            "loads": list(self.loads),
            "binding": self.binding,
            "closure_without": self.closure_without,
            "proof": self.proof,
            "text": self.text,
        }


@dataclass(frozen=True)
class CriticalPath:
    """Why the force closes on ``closure_day``: ``cause`` is ``readiness`` (ready day
    plus transit of the last units: no capacity binding), ``capacity`` (some capacity
    holds it beyond that), ``not_closed`` (not within the horizon) or ``nothing_moves``;
    ``transit_bound`` [day] the closure with no capacity limited."""

    closure_day: int | None
    cause: str
    transit_bound: int | None
    units: tuple[CriticalUnit, ...]
    capacities: tuple[CapacityTest, ...]
    horizon: int

    @property
    def binding(self) -> tuple[CapacityTest, ...]:
        """The capacities that hold the closure (relaxing them moves it)."""
        return tuple(c for c in self.capacities if c.binding)

    @property
    def congested(self) -> tuple[CapacityTest, ...]:
        """Saturated capacities that are not binding."""
        return tuple(c for c in self.capacities if not c.binding)

    @property
    def text(self) -> str:
        """One sentence, e.g. 'closes on day 39: France manoeuvre brigade ready on day 30
        (assumption), then 9 days in transit'."""
        if self.cause == "nothing_moves":
            return "nothing moves through the network"
        if self.cause == "not_closed":
            names = _names(self.units)
            return f"does not close by day {self.horizon:,}: {names} cannot close in time"
        named = self.units[:MAX_NAMED_UNITS]
        parts = []
        for unit in named:
            basis = "assumption" if unit.readiness_assumed else "reported"
            parts.append(
                f"{unit.label} ready on day {unit.ready_day:,} ({basis}), then "
                f"{unit.transit_days:,} days in transit"
                + (f" ({unit.load})" if unit.load != "personnel" else "")
            )
        more = len(self.units) - len(named)
        text = f"closes on day {self.closure_day:,}: " + "; ".join(parts)
        if more:
            text += f"; and {more:,} more"
        if self.cause == "readiness":
            return text
        binding = self.binding
        if not binding:
            return (
                f"{text}; with no capacity limited the force could close on day "
                f"{self.transit_bound:,}, held by the capacity "
                "of the network (no congested capacity moves the closure, alone or "
                "together)"
            )
        start = (
            f"{text}; with no capacity limited the force could close on day "
            f"{self.transit_bound:,}; it is held to day "
            f"{self.closure_day:,} by"
        )
        if binding[0].proof == "relaxed together":
            shown = ", ".join(c.text for c in binding[:MAX_NAMED_UNITS])
            more = len(binding) - MAX_NAMED_UNITS
            shown += f" and {more:,} more" if more > 0 else ""
            day = binding[0].closure_without
            without = f"; without their limits: day {day:,}" if day is not None else ""
            return f"{start} {shown} together (no single one moves it{without})"
        held = "; ".join(
            c.text
            + (f" (without its limit: day {c.closure_without:,})" if c.closure_without else "")
            for c in binding[:MAX_NAMED_UNITS]
        )
        more = len(binding) - MAX_NAMED_UNITS
        return f"{start} {held}" + (f"; and {more:,} more" if more > 0 else "")

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "closure_day": self.closure_day,
            "cause": self.cause,
            "transit_bound": self.transit_bound,
            "units": [u.row() for u in self.units],
            "binding": [c.row() for c in self.binding],
            "congested_not_binding": [c.row() for c in self.congested],
            "text": self.text,
        }


def _names(units: Sequence[CriticalUnit]) -> str:
    shown = ", ".join(u.label for u in units[:MAX_NAMED_UNITS])
    more = len(units) - MAX_NAMED_UNITS
    return shown + (f" and {more:,} more" if more > 0 else "")


def _transit(
    graph: Graph, routes: Mapping[int, Mapping[int, float]], index: Mapping[str, int], m: Movement
) -> float:
    """Fastest route of a unit's load from its origins to its destination [days]."""
    dest = index[m.destination]
    origins = [index[o] for o in m.origins]
    if dest in origins:
        return 0.0
    remaining = routes[dest]
    return min(remaining.get(o, np.inf) + float(graph.dwell[o]) for o in origins)


def explain_closure(
    network: Network,
    movements: Sequence[Movement],
    plan: DeploymentPlan,
    *,
    readiness_assumed: Mapping[str, bool],
    nation_names: Mapping[str, str],
    capability_names: Mapping[str, str],
) -> CriticalPath:
    """The critical path of ``plan`` (see the module): ``readiness_assumed`` by pledge id,
    readable names by nation and capability id."""
    horizon = plan.horizon
    closure = plan.closure_day
    graphs = build_graphs(network, horizon)
    index = {node.id: i for i, node in enumerate(network.nodes)}
    routes = {
        load: fastest_routes(
            graphs[load], (index[m.destination] for m in movements if load_amount(m, load) > 0)
        )
        for load in LOADS
    }
    bound_of: list[tuple[int, str, int] | None] = []  # per unit: earliest day, load, transit
    for m in movements:
        best: tuple[int, str, int] | None = None
        for load in LOADS:
            if load_amount(m, load) <= 0:
                continue
            route = _transit(graphs[load], routes[load], index, m)
            if not np.isfinite(route):
                continue
            earliest = m.ready_day + int(route)
            if best is None or earliest > best[0]:
                best = (earliest, load, int(route))
        bound_of.append(best)

    def critical(m: int, closure_day: int | None) -> CriticalUnit:
        movement = movements[m]
        earliest, load, transit = bound_of[m] or (movement.ready_day, "personnel", 0)
        return CriticalUnit(
            movement.unit,
            movement.pledge,
            movement.nation,
            nation_names.get(movement.nation, movement.nation),
            movement.capability,
            capability_names.get(movement.capability, movement.capability),
            load,
            movement.ready_day,
            bool(readiness_assumed.get(movement.pledge, False)),
            transit,
            earliest,
            closure_day,
        )

    closures = [u.closure_day for u in plan.units]
    if not movements:
        return CriticalPath(0, "nothing_moves", None, (), (), horizon)
    if closure is None:
        late = [critical(m, None) for m, day in enumerate(closures) if day is None]
        return CriticalPath(None, "not_closed", None, tuple(late), (), horizon)
    transit_bound = max((b[0] for b in bound_of if b is not None), default=0)
    congested = _congested(network, plan, closure)
    if closure <= transit_bound:
        units = tuple(
            critical(m, closures[m])
            for m, b in enumerate(bound_of)
            if b is not None and b[0] == closure
        )
        tests = tuple(
            CapacityTest(r, name, kind, loads, False, closure, "transit bound")
            for r, (name, kind, loads) in congested.items()
        )
        return CriticalPath(closure, "readiness", transit_bound, units, tests, horizon)
    units = tuple(critical(m, day) for m, day in enumerate(closures) if day == closure)
    tests = _relax(network, movements, plan, graphs, congested, closure)
    return CriticalPath(closure, "capacity", transit_bound, units, tests, horizon)


def _congested(
    network: Network, plan: DeploymentPlan, closure: int
) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Resources saturated on some day up to ``closure`` in the plan: id -> (name,
    kind, loads), the bottlenecks (largest shadow price) first."""
    usage = plan.utilisation
    full = usage[
        usage["utilisation"].notna()
        & (usage["utilisation"].astype(float) >= SATURATED)
        & (usage["day"] <= closure)
    ]
    loads: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for resource, kind, load in zip(full["resource"], full["kind"], full["load"], strict=True):
        loads.setdefault(str(resource), set()).add(str(load))
        kinds[str(resource)] = str(kind)
    order = list(dict.fromkeys(b.resource for b in plan.bottlenecks if b.resource in loads))
    order += sorted(r for r in loads if r not in order)
    return {resource: _described(network, resource, loads[resource]) for resource in order}


def _described(
    network: Network, resource: str, loads: Collection[str]
) -> tuple[str, str, tuple[str, ...]]:
    """(name, kind, loads) of a leg or node id, ``loads`` in the order of LOADS."""
    legs = {leg.id: i for i, leg in enumerate(network.legs)}
    if resource in legs:
        name, kind = leg_name(network, legs[resource]), "leg"
    else:
        name, kind = network.node(resource).name, "node"
    return name, kind, tuple(x for x in LOADS if x in loads)


def _lifted(
    network: Network, graph: Graph, resources: Sequence[str], plenty: float
) -> tuple[np.ndarray, np.ndarray]:
    """The capacities of ``graph`` with the limits of ``resources`` lifted to ``plenty``
    a day (legs: on the days they run; nodes: every day)."""
    legs = {leg.id: i for i, leg in enumerate(network.legs)}
    nodes = {node.id: i for i, node in enumerate(network.nodes)}
    leg_capacity, handling = graph.leg_capacity.copy(), graph.handling.copy()
    for resource in resources:
        if resource in legs:
            row = leg_capacity[legs[resource]]
            leg_capacity[legs[resource]] = np.where(row > 0, np.maximum(row, plenty), 0.0)
        else:
            row = handling[nodes[resource]]
            handling[nodes[resource]] = np.where(np.isfinite(row), np.maximum(row, plenty), row)
    return leg_capacity, handling


def _relax(
    network: Network,
    movements: Sequence[Movement],
    plan: DeploymentPlan,
    graphs: Mapping[str, Graph],
    congested: Mapping[str, tuple[str, str, tuple[str, ...]]],
    closure: int,
) -> tuple[CapacityTest, ...]:
    """Each congested capacity tested: can everything arrive by ``closure`` - 1 without
    its limit? (See the module.)"""
    critical = [load for load in LOADS if plan.closure_by_load.get(load) == closure]
    moving = [load for load in LOADS if plan.closure_by_load.get(load) is not None]
    grouped = {load: build_groups(network, movements, load)[0] for load in moving}
    plenty = {
        load: 1.0 + sum(float(sum(g.supply.values())) for g in grouped[load]) for load in moving
    }
    probes = {load: ArrivalProbe(graphs[load], grouped[load], closure - 1) for load in critical}
    routes = {
        load: fastest_routes(graphs[load], (g.destination for g in grouped[load]))
        for load in moving
    }
    limits = _limited(network, graphs, moving)
    bounds = {load: probes[load].delivery_bound() for load in critical}
    legs = {leg.id: i for i, leg in enumerate(network.legs)}
    nodes = {node.id: i for i, node in enumerate(network.nodes)}

    def cannot(load: str, resources: Sequence[str], lifted: tuple[np.ndarray, ...]) -> bool:
        """Proven by the duals: the load still cannot all arrive by closure - 1."""
        graph, bound = graphs[load], bounds[load]
        leg_lift = {
            legs[r]: lifted[0][legs[r]] - graph.leg_capacity[legs[r]]
            for r in resources
            if r in legs
        }
        node_lift = {
            nodes[r]: np.nan_to_num(lifted[1][nodes[r]] - graph.handling[nodes[r]])
            for r in resources
            if r in nodes
        }
        margin = LOAD_RELATIVE * max(1.0, bound.supplied)
        return bound.most_with(leg_lift, node_lift) < bound.supplied - margin

    def witnessed(load: str, lifted: tuple[np.ndarray, ...]) -> bool:
        graph = dataclasses.replace(graphs[load], leg_capacity=lifted[0], handling=lifted[1])
        return greedy_delivers(graph, grouped[load], closure - 1, routes[load])

    def test(resources: Sequence[str], *, solve: bool = False) -> str:
        """'moves', or why not: 'dual bound' (proven without solving) or 'relaxed'.
        ``solve``: ask each load's LP even when the greedy plan already answers (the
        plan the LP finds is read next)."""
        for load in critical:
            lifted = _lifted(network, graphs[load], resources, plenty[load])
            if cannot(load, resources, lifted):
                return "dual bound"
            if not solve and witnessed(load, lifted):
                continue
            if probes[load].arrives_by(*lifted) is not True:
                return "relaxed"
        return "moves"

    def moves(resources: Sequence[str]) -> bool:
        return test(resources) == "moves"

    def closure_without(resources: Sequence[str]) -> int | None:
        """The closure day with the limits of ``resources`` lifted: each load they limit
        planned again as the planner plans it (its earliest finish, proven), over the
        graph with those limits lifted, up to its closure day with them (a load they
        do not limit keeps its day). The loads closing on day C first: a load that
        closed earlier is planned again only when the day found so far is before its
        own (planning again cannot make it later)."""
        day = 0
        for load in sorted(moving, key=lambda load: load not in critical):
            own = plan.closure_by_load[load]
            assert own is not None
            if own <= day or not any(load in limits[r][2] for r in resources if r in limits):
                day = max(day, own)
                continue
            leg_capacity, handling = _lifted(network, graphs[load], resources, plenty[load])
            graph = dataclasses.replace(graphs[load], leg_capacity=leg_capacity, handling=handling)
            horizon = closure - 1 if load in critical else own
            solution = earliest_plan(graph, grouped[load], network, horizon, routes[load])
            if not solution.complete() or solution.last_arrival is None:
                if load in critical:
                    return None
                day = max(day, own)  # pragma: no cover - it closed by then with the limits
                continue
            day = max(day, solution.last_arrival)
        return day

    tests: list[CapacityTest] = []
    for resource, (name, kind, loads) in congested.items():
        outcome = test([resource])
        binding = outcome == "moves"
        tests.append(
            CapacityTest(
                resource,
                name,
                kind,
                loads,
                binding,
                closure_without([resource]) if binding else closure,
                "relaxed" if binding else outcome,
            )
        )
    if congested and not any(t.binding for t in tests):
        # no single one moves it: lift every limited capacity of the critical loads (the
        # plan then meets the transit bound), take those the resulting plan uses beyond
        # their limits (lifting them alone admits that plan), then narrow them to an
        # irreducible set that holds the closure together, whichever optimal plan the
        # solver returned
        limited = _limited(network, graphs, critical)  # in the order the loads list them
        candidates = list(congested) + [r for r in limited if r not in congested]
        if test(candidates, solve=True) == "moves":
            needed = _beyond_limits(network, graphs, probes, critical, candidates)
            if needed and moves(needed):
                needed = _irreducible(needed, moves)
                together = closure_without(needed)
                tests = [
                    CapacityTest(
                        t.resource, t.name, t.kind, t.loads, True, together, "relaxed together"
                    )
                    if t.resource in needed
                    else t
                    for t in tests
                ]
                tests += [
                    CapacityTest(r, *limited[r], True, together, "relaxed together")
                    for r in needed
                    if r not in congested
                ]
    return tuple(tests)


def _irreducible(found: list[str], moves: Callable[[list[str]], bool]) -> list[str]:
    """An irreducible subset of ``found`` (which moves the closure; nothing lifted does
    not): lifting it moves the closure, lifting it without any one member does not.

    Divide and conquer (QuickXplain, Junker 2004): about 2 k log2(n / k) tests for k
    members out of n, where dropping members one by one needs n (179 tests for a set of 2
    on a network whose every leg is split in two)."""

    def search(background: list[str], added: bool, items: list[str]) -> list[str]:
        if added and moves(background):
            return []
        if len(items) == 1:
            return items
        half = len(items) // 2
        first, second = items[:half], items[half:]
        in_second = search(background + first, True, second)
        in_first = search(background + in_second, bool(in_second), first)
        return in_first + in_second

    if len(found) <= 1:
        return found
    return search([], False, found)


def _limited(
    network: Network, graphs: Mapping[str, Graph], loads: Sequence[str]
) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Every leg and node with a limit for one of ``loads``: id -> (name, kind, loads)."""
    found: dict[str, set[str]] = {}
    for load in loads:
        graph = graphs[load]
        for i, leg in enumerate(network.legs):
            row = graph.leg_capacity[i]
            if np.isfinite(row[row > 0]).any():
                found.setdefault(leg.id, set()).add(load)
        for i, node in enumerate(network.nodes):
            if np.isfinite(graph.handling[i]).any():
                found.setdefault(node.id, set()).add(load)
    return {
        resource: _described(network, resource, with_limit)
        for resource, with_limit in found.items()
    }


def _beyond_limits(
    network: Network,
    graphs: Mapping[str, Graph],
    probes: Mapping[str, ArrivalProbe],
    loads: Sequence[str],
    congested: Sequence[str],
) -> list[str]:
    """The resources of ``congested`` that the probes' last solutions use beyond the
    limits of ``graphs`` on some day, in the order given."""
    legs = {leg.id: i for i, leg in enumerate(network.legs)}
    nodes = {node.id: i for i, node in enumerate(network.nodes)}
    out: list[str] = []
    for load in loads:
        graph = graphs[load]
        leg_use, node_use = usage_by_day(graph, probes[load].model.solution())
        n_days = leg_use.shape[1]
        for resource in congested:
            if resource in out:
                continue
            if resource in legs:
                use, limit = leg_use[legs[resource]], graph.leg_capacity[legs[resource], :n_days]
            else:
                use, limit = node_use[nodes[resource]], graph.handling[nodes[resource], :n_days]
            if (use > limit * (1 + FRACTION) + CAPACITY_SLACK).any():
                out.append(resource)
    return out
