"""Deployment planning: when is each unit, each nation and the whole force in place,
and what holds it up.

Personnel and cargo use separate capacities (``pax_per_day``, ``short_tons_per_day``),
so each is planned by its own time-expanded LP (:mod:`forcegen.engine.deployment.time_expanded`).
For each, the planner finds the earliest day T by which everything can arrive (a
search over horizons: doubling, then bisection; the LP is feasible for every horizon
from T on), and then, among plans that finish by T, the one with the fewest item-days
to arrival. The force closes on the later of the two days. Units are then followed
through that plan, earliest required delivery day first (then earliest ready day), to
give each unit its closure day: the day its last personnel and cargo arrive.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Container, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.deployment.movement import Movement, NotMoved
from forcegen.engine.deployment.time_expanded import (
    INJECT,
    LEG,
    Graph,
    Group,
    LoadModel,
    LoadSolution,
    time_to,
)
from forcegen.engine.tolerances import DAYS, LOAD, LOAD_RELATIVE, SOLVER_GAP
from forcegen.errors import ForcegenError
from forcegen.model.network import Network

if TYPE_CHECKING:
    import pandas as pd

LOADS = ("personnel", "cargo")
"""The two kinds of load: personnel [persons] and cargo [short tons]."""

SATURATED = 1 - 1e-5
"""Utilisation from which a capacity counts as saturated [share]."""


@dataclass(frozen=True)
class UnitClosure:
    """When one unit is in place; days after activation (None = not by the horizon)."""

    movement: Movement
    closure_day: int | None
    personnel_day: int | None
    cargo_day: int | None

    @property
    def late_days(self) -> int | None:
        """Days after the required delivery day (0 when on time; None without one)."""
        if self.movement.required_day is None or self.closure_day is None:
            return None
        return max(0, self.closure_day - self.movement.required_day)


@dataclass(frozen=True)
class Bottleneck:
    """A capacity saturated over consecutive days, with a non-zero shadow price."""

    resource: str
    name: str
    what: str  # "departures" (a leg) or "handling" (a node)
    load: str
    first_day: int
    last_day: int
    shadow_price: float
    """Item-days saved per extra item a day over the run [item-days per item/day]."""

    @property
    def text(self) -> str:
        """In plain words, e.g. 'Przemysl rail transshipment (cargo handling), 100 % from
        day 3 to day 19'."""
        days = (
            f"on day {self.first_day}"
            if self.first_day == self.last_day
            else f"from day {self.first_day} to day {self.last_day}"
        )
        return f"{self.name} ({self.load} {self.what}), 100 % {days}"

    def row(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {
            "resource": self.resource,
            "name": self.name,
            "what": self.what,
            "load": self.load,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "shadow_price": round(self.shadow_price, 6),
            "text": self.text,
        }


@dataclass(frozen=True)
class BeyondHorizon:
    """A unit that cannot close within the horizon whatever else moves: ``earliest_day``
    is a lower bound on its closure [day], ``reason`` says why in words. Such a unit is
    left out of the plan (it would only take capacity from units that can close)."""

    unit: str
    pledge: str
    nation: str
    earliest_day: int
    reason: str

    def row(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {
            "unit": self.unit,
            "pledge": self.pledge,
            "nation": self.nation,
            "earliest_day": self.earliest_day,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DeploymentPlan:
    """The plan: closure per unit and for the force, utilisation and bottlenecks."""

    units: tuple[UnitClosure, ...]
    not_moved: tuple[NotMoved, ...]
    bottlenecks: tuple[Bottleneck, ...]
    utilisation: pd.DataFrame
    """Daily utilisation: one row per (resource, load, day) for every leg and node with a
    capacity, from day 0 to the plan's last movement, and for any other with flow:
    resource, name, kind (leg or node), load, day, flow [persons or short tons],
    capacity (None = no limit), utilisation [share] (None without a limit)."""
    horizon: int
    closure_by_load: Mapping[str, int | None] = field(default_factory=dict)
    beyond_horizon: tuple[BeyondHorizon, ...] = ()
    """Units that cannot close within the horizon, proven before planning (their
    closure day is None); the other units are planned as if they were not there."""

    @property
    def closure_day(self) -> int | None:
        """The day the whole force is in place (None = not within the horizon)."""
        if any(u.closure_day is None for u in self.units):
            return None
        return max((u.closure_day for u in self.units if u.closure_day is not None), default=0)

    def nation_closure(self) -> dict[str, int | None]:
        """Closure day of each nation's units (None = some unit not by the horizon)."""
        out: dict[str, int | None] = {}
        for u in self.units:
            nation = u.movement.nation
            if nation in out and out[nation] is None:
                continue
            if u.closure_day is None:
                out[nation] = None
            else:
                out[nation] = max(out.get(nation) or 0, u.closure_day)
        return out

    def units_frame(self) -> pd.DataFrame:
        """One row per unit: pledge, nation, destination, ready/required/closure day..."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "unit": u.movement.unit,
                    "pledge": u.movement.pledge,
                    "nation": u.movement.nation,
                    "destination": u.movement.destination,
                    "personnel": u.movement.personnel,
                    "short_tons": u.movement.short_tons,
                    "ready_day": u.movement.ready_day,
                    "closure_day": u.closure_day,
                    "required_day": u.movement.required_day,
                    "late_days": u.late_days,
                }
                for u in self.units
            ]
        )

    def in_place(self) -> pd.DataFrame:
        """Personnel in place by day, per nation [persons]: days as rows, nations as
        columns, counted when the unit has closed."""
        import pandas as pd

        horizon = self.closure_day if self.closure_day is not None else self.horizon
        days = np.arange(horizon + 1)
        table: dict[str, np.ndarray] = {}
        for u in self.units:
            if u.closure_day is None:
                continue
            column = table.setdefault(u.movement.nation, np.zeros(days.shape[0]))
            column[u.closure_day :] += u.movement.personnel
        return pd.DataFrame(table, index=pd.Index(days, name="day"))


# -- graphs ------------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityScale:
    """Share of capacity left on given days, by node or leg id: arrays of one value per
    day [share], from day 0; days past the end keep full capacity."""

    by_target: Mapping[str, np.ndarray] = field(default_factory=dict)


def build_graphs(
    network: Network, days: int, scale: CapacityScale | None = None
) -> dict[str, Graph]:
    """The graph of each load over days 0 .. ``days``. A disrupted leg loses capacity; a
    disrupted node loses that share of its handling, of the departures from it and of
    the arrivals over legs into it (a closed node receives nothing)."""
    node_index = {node.id: i for i, node in enumerate(network.nodes)}
    n_days = days + 1
    factors = {}
    for target, values in (scale.by_target if scale else {}).items():
        full = np.ones(n_days)
        n = min(n_days, values.shape[0])
        full[:n] = values[:n]
        factors[target] = full
    graphs = {}
    for load, attribute in zip(LOADS, ("pax_per_day", "short_tons_per_day"), strict=True):
        cap = np.zeros((len(network.legs), n_days))
        for i, leg in enumerate(network.legs):
            cap[i] = getattr(leg.capacity, attribute)
            for target in (leg.id, leg.from_):  # the leg, and departures from its start
                if target in factors:
                    cap[i] = cap[i] * factors[target]
            if leg.to in factors:  # arrivals at its end, on the arrival day
                arrive = np.ones(n_days)
                t = leg.transit_days
                arrive[: max(0, n_days - t)] = factors[leg.to][t:]
                cap[i] = cap[i] * arrive
        handling = np.full((len(network.nodes), n_days), np.inf)
        for i, node in enumerate(network.nodes):
            limit = getattr(node.handling, attribute) if node.handling else None
            if limit is not None:
                handling[i] = limit
            if node.id in factors:  # a closed node receives nothing, limit or not
                factor = factors[node.id]
                kept = handling[i] * np.where(factor == 0, 1.0, factor)  # no inf x 0
                handling[i] = np.where(factor == 0, 0.0, kept)
        graphs[load] = Graph(
            leg_from=np.array([node_index[leg.from_] for leg in network.legs], dtype=np.int64),
            leg_to=np.array([node_index[leg.to] for leg in network.legs], dtype=np.int64),
            transit=np.array([leg.transit_days for leg in network.legs], dtype=np.int64),
            leg_capacity=cap,
            dwell=np.array([node.dwell_days for node in network.nodes], dtype=np.int64),
            handling=handling,
        )
    return graphs


def _amount(movement: Movement, load: str) -> float:
    return movement.personnel if load == "personnel" else movement.short_tons


def build_groups(
    network: Network,
    movements: Sequence[Movement],
    load: str,
    skip: Container[int] = (),
) -> tuple[list[Group], list[list[int]]]:
    """Groups of units with the same origins and destination, and their members
    (indices into ``movements``; those in ``skip`` are left out)."""
    node_index = {node.id: i for i, node in enumerate(network.nodes)}
    keys: dict[tuple[tuple[int, ...], int], int] = {}
    supplies: list[dict[int, float]] = []
    members: list[list[int]] = []
    for m, movement in enumerate(movements):
        amount = _amount(movement, load)
        if amount <= 0 or m in skip:
            continue
        key = (tuple(node_index[o] for o in movement.origins), node_index[movement.destination])
        if key not in keys:
            keys[key] = len(supplies)
            supplies.append({})
            members.append([])
        g = keys[key]
        supplies[g][movement.ready_day] = supplies[g].get(movement.ready_day, 0.0) + amount
        members[g].append(m)
    groups = [Group(k[0], k[1], s) for k, s in zip(keys, supplies, strict=True)]
    return groups, members


# -- planning ----------------------------------------------------------------------


Routes = dict[int, dict[int, float]]
"""Per destination node: the fastest time [days] from each node that can reach it."""


def fastest_routes(graph: Graph, destinations: Iterable[int]) -> Routes:
    """The fastest route (transit and dwell) [days] from every node to each destination,
    over the legs with capacity: the one route search of a plan, shared by its bounds, its
    LP horizon search and the following of units."""
    legs = [int(leg) for leg in graph.usable()]
    return {d: time_to(graph, d, legs) for d in sorted(set(destinations))}


def _lower_bound(
    graph: Graph, groups: Sequence[Group], network: Network, routes: Routes | None = None
) -> int:
    """A day before which not everything can arrive [day]: the latest of each group's
    first ready day plus its fastest route, and of two cuts: everything leaving an
    origin must pass its outgoing legs, everything bound for a destination its incoming
    legs, at most their capacity a day."""
    legs = [int(leg) for leg in graph.usable()]
    most = graph.leg_capacity.max(axis=1)
    if routes is None:
        routes = fastest_routes(graph, (g.destination for g in groups))
    remaining = routes
    bound = 0
    leaving: dict[int, list[tuple[int, float, float]]] = {}  # origin -> (day, amount, time)
    arriving: dict[int, list[tuple[float, float]]] = {}  # destination -> (day, amount)
    for group in groups:
        times = remaining[group.destination]
        fastest = min(
            times.get(o, np.inf) + (0 if o == group.destination else graph.dwell[o])
            for o in group.origins
        )
        if not np.isfinite(fastest):
            names = ", ".join(network.nodes[o].id for o in group.origins)
            raise ForcegenError(
                f"destination '{network.nodes[group.destination].id}' cannot be reached "
                f"from {names} (no legs with capacity)"
            )
        bound = max(bound, min(group.supply) + int(fastest))
        for day, amount in group.supply.items():
            if group.destination not in group.origins:  # else it may arrive without a leg
                arriving.setdefault(group.destination, []).append((day + fastest, amount))
            if len(group.origins) == 1 and group.origins[0] != group.destination:
                o = group.origins[0]
                leaving.setdefault(o, []).append((day, amount, times.get(o, np.inf)))
    for o, items in leaving.items():
        out_of = [
            (float(most[leg]), float(graph.transit[leg]) + _after(graph, leg, o, groups, remaining))
            for leg in legs
            if graph.leg_from[leg] == o
        ]
        bound = max(bound, _origin_cut(items, out_of, int(graph.dwell[o])))
    for d, arrivals in arriving.items():
        into = float(sum(most[leg] for leg in legs if graph.leg_to[leg] == d))
        into = min(into, float(graph.handling[d].max()))  # valid: arrivals over legs count too
        bound = max(bound, _cut([(day, amount, 0.0) for day, amount in arrivals], into, 0))
    return bound


def beyond_horizon(
    network: Network,
    graphs: Mapping[str, Graph],
    movements: Sequence[Movement],
    horizon: int,
    routes: Mapping[str, Routes] | None = None,
) -> dict[int, BeyondHorizon]:
    """The units (by index) that cannot close by ``horizon`` [day] whatever else moves:
    for each load, the ready day plus the fastest route (transit and dwell), or what the
    legs out of its origins and into its destination can carry a day, already passes
    the horizon. Linear in units x legs: no time-expanded model is built."""
    out: dict[int, BeyondHorizon] = {}
    index = {node.id: i for i, node in enumerate(network.nodes)}
    for load in LOADS:
        graph = graphs[load]
        legs = [int(leg) for leg in graph.usable()]
        most = graph.leg_capacity.max(axis=1)
        times: dict[int, dict[int, float]] = dict(routes[load]) if routes is not None else {}
        for m, movement in enumerate(movements):
            amount = _amount(movement, load)
            if amount <= 0 or m in out:
                continue
            dest = index[movement.destination]
            if dest not in times:
                times[dest] = time_to(graph, dest, legs)
            origins = [index[o] for o in movement.origins]
            earliest, reason = _unit_bound(
                graph, legs, most, times[dest], movement, amount, load, origins, dest, network
            )
            if earliest is not None and earliest > horizon:
                out[m] = BeyondHorizon(
                    movement.unit,
                    movement.pledge,
                    movement.nation,
                    earliest,
                    f"{reason}: day {earliest:,} at the earliest, after the horizon "
                    f"(day {horizon:,})",
                )
    return out


def _unit_bound(
    graph: Graph,
    legs: Sequence[int],
    most: np.ndarray,
    remaining: Mapping[int, float],
    movement: Movement,
    amount: float,
    load: str,
    origins: Sequence[int],
    dest: int,
    network: Network,
) -> tuple[int | None, str]:
    """A lower bound on the day the unit's last item of ``load`` arrives, and why
    (None when its destination cannot be reached: the planner says so)."""
    if dest in origins:
        return movement.ready_day, ""
    route = min(remaining.get(o, np.inf) + float(graph.dwell[o]) for o in origins)
    if not np.isfinite(route):
        return None, ""
    what = "personnel" if load == "personnel" else "cargo"
    where = network.nodes[dest].id
    best = (
        movement.ready_day + int(route),
        f"ready on day {movement.ready_day:,}, its {what} needs at least {int(route):,} "
        f"days to reach {where}",
    )
    unit = "persons" if load == "personnel" else "short tons"
    into = float(sum(most[leg] for leg in legs if int(graph.leg_to[leg]) == dest))
    into = min(into, float(graph.handling[dest].max()))
    if into > 0 and np.isfinite(into):
        days = math.ceil(amount / into - DAYS)
        day = movement.ready_day + int(route) + days - 1
        if day > best[0]:
            best = (
                day,
                f"ready on day {movement.ready_day:,}, {amount:,.0f} {unit} arrive at "
                f"{where} at most {into:,.0f} a day after a route of {int(route):,} days",
            )
    out = [(float(most[leg]), int(leg)) for leg in legs if int(graph.leg_from[leg]) in origins]
    leave = sum(c for c, _ in out)
    if leave > 0:
        after = min(
            float(graph.transit[leg])
            + (
                0.0
                if int(graph.leg_to[leg]) == dest
                else float(graph.dwell[int(graph.leg_to[leg])])
                + remaining.get(int(graph.leg_to[leg]), np.inf)
            )
            for _, leg in out
        )
        first = movement.ready_day + min(int(graph.dwell[o]) for o in origins)
        if np.isfinite(after):
            days = math.ceil(amount / leave - DAYS)
            day = first + days - 1 + int(after)
            if day > best[0]:
                names = ", ".join(movement.origins)
                best = (
                    day,
                    f"ready on day {movement.ready_day:,}, {amount:,.0f} {unit} leave "
                    f"{names} at most {leave:,.0f} a day",
                )
    return best


def _after(
    graph: Graph,
    leg: int,
    origin: int,
    groups: Sequence[Group],
    remaining: Mapping[int, Mapping[int, float]],
) -> float:
    """Fewest days from arriving over ``leg`` to a destination of a group leaving
    ``origin`` (0 when the leg ends there) [days]."""
    to = int(graph.leg_to[leg])
    best = np.inf
    for group in groups:
        if group.origins != (origin,):
            continue
        if to == group.destination:
            return 0.0
        best = min(best, float(graph.dwell[to]) + remaining[group.destination].get(to, np.inf))
    return best


def _origin_cut(
    items: Sequence[tuple[int, float, float]], routes: Sequence[tuple[float, float]], delay: int
) -> int:
    """Earliest finish of the items (ready day, amount, -) leaving one origin over legs
    (capacity a day, days to a destination): by day T a leg can have delivered capacity x
    (T - days - first departure + 1) at most."""
    routes = [(c, t) for c, t in routes if c > 0 and np.isfinite(t)]
    if not routes:
        return 0
    bound = 0
    total = 0.0
    for day, amount, _ in sorted(items, key=lambda item: -item[0]):
        total += amount
        start = day + delay

        def carried(finish: int, start: int = start) -> float:
            return sum(c * max(0.0, finish - t - start + 1) for c, t in routes)

        low, high = start, start + 1
        while carried(high) < total:
            high = high * 2 + 1
        while high - low > 1:
            middle = (low + high) // 2
            if carried(middle) >= total:
                high = middle
            else:
                low = middle
        bound = max(bound, high)
    return bound


def _cut(items: Sequence[tuple[float, float, float]], capacity: float, delay: int) -> int:
    """Latest finish forced by a cut of ``capacity`` a day: items (free day, amount,
    fastest time after crossing) crossing no earlier than free day + ``delay``."""
    if capacity <= 0 or not np.isfinite(capacity):
        return 0
    bound = 0.0
    items = sorted(items, key=lambda item: -item[0])
    total = 0.0
    after = np.inf
    for day, amount, time_after in items:
        total += amount
        after = min(after, time_after)
        days = int(np.ceil(total / capacity - DAYS))
        bound = max(bound, day + delay + days - 1 + (after if np.isfinite(after) else 0))
    return int(bound)


def earliest_plan(
    graph: Graph,
    groups: Sequence[Group],
    network: Network,
    horizon: int,
    routes: Routes | None = None,
) -> LoadSolution:
    """The plan of one load that finishes earliest, then with the fewest item-days, up
    to ``horizon`` [days]; if not everything can arrive by then, the plan delivering the
    most by it.

    The horizon is searched upwards from a lower bound (ready day plus fastest route,
    and cuts at origins and destinations), first a quarter above it, then growing by
    half each time, until everything can arrive; that model is then re-solved from its
    last basis with arrivals after day M - 1 forbidden, M the last arrival of
    the plan in hand, until that is infeasible: M is then the earliest finish.
    """
    low = _lower_bound(graph, groups, network, routes)
    trial = min(horizon, low + max(5, low // 4))
    while True:
        model = LoadModel(graph, groups, trial)
        if model.run():
            break
        if trial >= horizon:
            model.deliver_what_can_be()
            return model.solution()
        trial = min(horizon, max(trial + 7, trial + trial // 2))
    best = model.solution()
    while best.last_arrival is not None and best.last_arrival > low:
        model.finish_by(best.last_arrival - 1)
        if not model.run():
            break
        best = model.solution()
    return best


def plan_deployment(
    network: Network,
    movements: Sequence[Movement],
    not_moved: Sequence[NotMoved] = (),
    scale: CapacityScale | None = None,
    horizon: int | None = None,
) -> DeploymentPlan:
    """The exact earliest deployment of ``movements`` over ``network``.

    Units that provably cannot close within the horizon (:func:`beyond_horizon`) are
    listed as such and left out; the others are planned as if they were not there, so
    such a unit costs a bound, not a search of every horizon up to ``horizon``.
    """
    horizon = network.horizon_days if horizon is None else horizon
    graphs = build_graphs(network, horizon, scale)
    index = {node.id: i for i, node in enumerate(network.nodes)}
    routes = {
        load: fastest_routes(
            graphs[load],
            (index[m.destination] for m in movements if _amount(m, load) > 0),
        )
        for load in LOADS
    }
    late = beyond_horizon(network, graphs, movements, horizon, routes)
    days: dict[str, list[int | None]] = {}
    solutions: dict[str, LoadSolution] = {}
    closure_by_load: dict[str, int | None] = {}
    grouped = {load: build_groups(network, movements, load, skip=late) for load in LOADS}
    with ThreadPoolExecutor(max_workers=len(LOADS)) as pool:  # HiGHS releases the GIL
        futures = {
            load: pool.submit(
                earliest_plan, graphs[load], grouped[load][0], network, horizon, routes[load]
            )
            for load in LOADS
            if grouped[load][0]
        }
        for load, future in futures.items():
            solutions[load] = future.result()
    for load in LOADS:
        groups, members = grouped[load]
        left_out = any(_amount(movements[m], load) > 0 for m in late)
        if load not in solutions:
            days[load] = [None] * len(movements)
            closure_by_load[load] = None if left_out else 0
            continue
        solution = solutions[load]
        complete = solution.complete() and not left_out
        closure_by_load[load] = solution.last_arrival if complete else None
        days[load] = follow_units(
            graphs[load], groups, members, movements, solution, load, routes[load]
        )
    units = []
    for m, movement in enumerate(movements):
        per_load = []
        closed = True
        for load in LOADS:
            if _amount(movement, load) <= 0:
                continue
            day = days[load][m]
            if day is None:
                closed = False
            else:
                per_load.append(day)
        closure = max(per_load, default=movement.ready_day) if closed else None
        units.append(UnitClosure(movement, closure, days["personnel"][m], days["cargo"][m]))
    usage = {load: _usage(graphs[load], solution) for load, solution in solutions.items()}
    utilisation = _utilisation(network, graphs, solutions, usage)
    bottlenecks = _bottlenecks(network, graphs, solutions, usage)
    return DeploymentPlan(
        tuple(units),
        tuple(not_moved),
        tuple(bottlenecks),
        utilisation,
        horizon,
        closure_by_load,
        tuple(late[m] for m in sorted(late)),
    )


# -- following units through the plan -------------------------------------------------


def follow_units(
    graph: Graph,
    groups: Sequence[Group],
    members: Sequence[Sequence[int]],
    movements: Sequence[Movement],
    solution: LoadSolution,
    load: str,
    routes: Routes | None = None,
) -> list[int | None]:
    """Day each unit's last item of ``load`` arrives (None = not all by the horizon),
    following the plan's flows day by day; at every node the units with the earliest
    required day (then ready day) take the departures that arrive soonest."""
    n = len(movements)
    remaining = np.zeros(n)
    last_day: list[int | None] = [None] * n
    for m, movement in enumerate(movements):
        remaining[m] = _amount(movement, load)
        if remaining[m] <= 0:
            last_day[m] = None

    def key(m: int) -> tuple[float, int, int]:
        required = movements[m].required_day
        return (float("inf") if required is None else required, movements[m].ready_day, m)

    # columns with flow, by day
    active = np.flatnonzero(solution.flow > LOAD)
    by_day: dict[int, list[int]] = {}
    for c in (int(x) for x in active):
        if solution.kind[c] in (LEG, INJECT):
            by_day.setdefault(int(solution.day[c]), []).append(int(c))
    homes: list[list[tuple[tuple[float, int, int], int, float]]] = [[] for _ in groups]
    ready: dict[int, list[tuple[int, int]]] = {}
    for g, unit_ids in enumerate(members):
        for m in unit_ids:
            ready.setdefault(movements[m].ready_day, []).append((g, m))
    queues: dict[tuple[int, int], list[tuple[tuple[float, int, int], int, float]]] = {}
    pending: dict[int, list[tuple[int, int, int, float]]] = {}  # day -> (dest, node, unit, amount)
    if routes is None:
        routes = fastest_routes(graph, (g.destination for g in groups))
    remaining_time = routes
    amount_tol = LOAD_RELATIVE

    def arrive(m: int, amount: float, day: int) -> None:
        remaining[m] -= amount
        last_day[m] = day if last_day[m] is None else max(last_day[m] or 0, day)

    def take(
        queue: list[tuple[tuple[float, int, int], int, float]], amount: float
    ) -> list[tuple[int, float]]:
        out = []
        while amount > amount_tol and queue:
            k, m, have = heapq.heappop(queue)
            give = min(have, amount)
            out.append((m, give))
            amount -= give
            if have - give > amount_tol * max(1.0, _amount(movements[m], load)):
                heapq.heappush(queue, (k, m, have - give))
        return out

    def eta(c: int, dest: int) -> float:
        if solution.kind[c] == INJECT:
            o = int(solution.place[c])
            return 0.0 if o == dest else remaining_time[dest].get(o, np.inf)
        leg = int(solution.place[c])
        to = int(graph.leg_to[leg])
        return float(graph.transit[leg]) + (
            0.0 if to == dest else graph.dwell[to] + remaining_time[dest].get(to, np.inf)
        )

    last = max(by_day, default=0)
    for d in range(0, last + 1):
        for g, m in ready.get(d, ()):
            heapq.heappush(homes[g], (key(m), m, remaining[m]))
        columns = by_day.get(d, [])
        injects = [c for c in columns if solution.kind[c] == INJECT]
        moves = [c for c in columns if solution.kind[c] == LEG]
        for c in sorted(injects, key=lambda c: eta(c, groups[int(solution.owner[c])].destination)):
            group_index = int(solution.owner[c])
            dest, o = groups[group_index].destination, int(solution.place[c])
            for m, amount in take(homes[group_index], float(solution.flow[c])):
                if o == dest:
                    arrive(m, amount, d)
                else:
                    pending.setdefault(d + int(graph.dwell[o]), []).append((dest, o, m, amount))
        for dest, v, m, amount in pending.pop(d, ()):
            heapq.heappush(queues.setdefault((dest, v), []), (key(m), m, amount))
        for c in sorted(
            moves, key=lambda c: (int(solution.owner[c]), eta(c, int(solution.owner[c])))
        ):
            dest, leg = int(solution.owner[c]), int(solution.place[c])
            u, v = int(graph.leg_from[leg]), int(graph.leg_to[leg])
            t = int(graph.transit[leg])
            for m, amount in take(queues.setdefault((dest, u), []), float(solution.flow[c])):
                if v == dest:
                    arrive(m, amount, d + t)
                else:
                    pending.setdefault(d + t + int(graph.dwell[v]), []).append((dest, v, m, amount))
    out: list[int | None] = []
    for m, movement in enumerate(movements):
        amount = _amount(movement, load)
        if amount <= 0 or remaining[m] > LOAD_RELATIVE * max(1.0, amount):
            out.append(None)
        else:
            out.append(last_day[m])
    return out


# -- utilisation and bottlenecks --------------------------------------------------------


def _usage(graph: Graph, solution: LoadSolution) -> tuple[np.ndarray, np.ndarray]:
    """Departures per (leg, day) and arrivals per (node, day) of one load."""
    n_days = graph.leg_capacity.shape[1]
    legs = np.zeros((graph.leg_capacity.shape[0], n_days))
    nodes = np.zeros((graph.n_nodes, n_days))
    is_leg = solution.kind == LEG
    np.add.at(legs, (solution.place[is_leg], solution.day[is_leg]), solution.flow[is_leg])
    arrive = solution.day[is_leg] + graph.transit[solution.place[is_leg]]
    np.add.at(nodes, (graph.leg_to[solution.place[is_leg]], arrive), solution.flow[is_leg])
    inj = solution.kind == INJECT
    np.add.at(nodes, (solution.place[inj], solution.day[inj]), solution.flow[inj])
    return legs, nodes


def _leg_name(network: Network, index: int) -> str:
    leg = network.legs[index]
    if leg.name:
        return leg.name
    names = {node.id: node.name for node in network.nodes}
    return f"{names[leg.from_]} - {names[leg.to]} ({leg.mode.value})"


Usage = tuple[np.ndarray, np.ndarray]
"""Departures per (leg, day) and arrivals per (node, day) of one load [persons or short tons]."""


def _utilisation(
    network: Network,
    graphs: Mapping[str, Graph],
    solutions: Mapping[str, LoadSolution],
    usage_of: Mapping[str, Usage],
) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for load in solutions:
        graph = graphs[load]
        legs, nodes = usage_of[load]
        busy = np.flatnonzero((legs > LOAD).any(axis=0) | (nodes > LOAD).any(axis=0))
        last = int(busy.max()) if busy.size else -1
        for kind, usage, capacity, records in (
            ("leg", legs, graph.leg_capacity, network.legs),
            ("node", nodes, graph.handling, network.nodes),
        ):
            limited = np.isfinite(capacity) & (capacity > 0)
            limited[:, last + 1 :] = False
            for i_, d_ in zip(*np.nonzero((usage > LOAD) | limited), strict=True):
                i, d = int(i_), int(d_)
                cap = float(capacity[i, d])
                record = records[i]
                rows.append(
                    {
                        "resource": record.id,
                        "name": _leg_name(network, i) if kind == "leg" else record.name,
                        "kind": kind,
                        "load": load,
                        "day": int(d),
                        "flow": round(float(usage[i, d]), 6),
                        "capacity": cap if np.isfinite(cap) else None,
                        "utilisation": round(float(usage[i, d]) / cap, 6)
                        if np.isfinite(cap) and cap > 0
                        else None,
                    }
                )
    columns = ["resource", "name", "kind", "load", "day", "flow", "capacity", "utilisation"]
    return pd.DataFrame(rows, columns=columns)


def _runs(days: np.ndarray) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for d in sorted(int(x) for x in days):
        if out and d == out[-1][1] + 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def _bottlenecks(
    network: Network,
    graphs: Mapping[str, Graph],
    solutions: Mapping[str, LoadSolution],
    usage_of: Mapping[str, Usage],
) -> list[Bottleneck]:
    found: list[Bottleneck] = []
    for load, solution in solutions.items():
        graph = graphs[load]
        legs, nodes = usage_of[load]
        leg_dual = np.zeros_like(legs)
        leg_dual[solution.cap_rows, solution.cap_days] = np.abs(solution.cap_duals)
        node_dual = np.zeros_like(nodes)
        node_dual[solution.handling_rows, solution.handling_days] = np.abs(solution.handling_duals)
        for what, usage, capacity, dual, records in (
            ("departures", legs, graph.leg_capacity, leg_dual, network.legs),
            ("handling", nodes, graph.handling, node_dual, network.nodes),
        ):
            with np.errstate(invalid="ignore", divide="ignore"):
                full = (capacity > 0) & np.isfinite(capacity) & (usage >= capacity * SATURATED)
            for i_ in np.flatnonzero(full.any(axis=1)):
                i = int(i_)
                record = records[i]
                for first, last in _runs(np.flatnonzero(full[i])):
                    price = float(dual[i, first : last + 1].sum())
                    if price <= SOLVER_GAP:
                        continue  # saturated but not holding anything up
                    name = _leg_name(network, i) if what == "departures" else record.name
                    found.append(Bottleneck(record.id, name, what, load, first, last, price))
    found.sort(key=lambda b: (-b.shadow_price, b.first_day, b.resource))
    return found


__all__ = [
    "LOADS",
    "BeyondHorizon",
    "Bottleneck",
    "CapacityScale",
    "DeploymentPlan",
    "UnitClosure",
    "beyond_horizon",
    "build_graphs",
    "build_groups",
    "earliest_plan",
    "follow_units",
    "plan_deployment",
]
