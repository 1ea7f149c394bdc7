"""Bounds on the closure day, found without a time-expanded LP.

:func:`fastest_routes` is the one route search of a plan (fastest transit and dwell from
every node to each destination [days]). From it: :func:`lower_bound`, a day before which
not everything of a load can arrive (ready day plus fastest route, and cuts at origins and
destinations), where the planner's horizon search starts; and :func:`beyond_horizon`, the
units that provably cannot close within the horizon, left out of the plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.time_expanded import (
    Graph,
    Group,
    time_to,
)
from forcegen.engine.tolerances import DAYS
from forcegen.errors import ForcegenError
from forcegen.model.network import Network

if TYPE_CHECKING:
    pass
from forcegen.engine.deployment.graphs import LOADS, load_amount


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


Routes = dict[int, dict[int, float]]
"""Per destination node: the fastest time [days] from each node that can reach it."""


def fastest_routes(graph: Graph, destinations: Iterable[int]) -> Routes:
    """The fastest route (transit and dwell) [days] from every node to each destination,
    over the legs with capacity: the one route search of a plan, shared by its bounds, its
    LP horizon search and the following of units."""
    legs = [int(leg) for leg in graph.usable()]
    return {d: time_to(graph, d, legs) for d in sorted(set(destinations))}


def lower_bound(
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
            amount = load_amount(movement, load)
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
