"""A straightforward per-item simulation of the same movements, first come, first
served: the baseline the exact planner is measured against (benchmarks, tests).

Each unit's personnel and its cargo each follow their fastest route (transit plus
dwell, ignoring congestion) from the nearest of the nation's origins. Day by day, the
items waiting at a node, in order of arrival (then ready day), take what is left of
the next leg's departures and of the next node's handling on the arrival day, under
the same conventions as the planner. It is a feasible plan, so the exact plan never
closes later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from forcegen.engine.deployment.graphs import LOADS, build_graphs
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.time_expanded import Graph, time_to
from forcegen.model.network import Network


@dataclass
class _Parcel:
    unit: int
    route: list[int]  # legs still to travel
    node: int
    free_day: int  # day it may leave (or enter its origin, when at home)
    amount: float
    at_home: bool


def _route(
    graph: Graph, start: int, dest: int, legs: Sequence[int], remaining: Mapping[int, float]
) -> list[int]:
    """The fastest legs from ``start`` to ``dest`` (``remaining``: days to ``dest``)."""
    route: list[int] = []
    node = start
    while node != dest:
        best, best_time = -1, np.inf
        for leg in legs:
            if int(graph.leg_from[leg]) != node:
                continue
            to = int(graph.leg_to[leg])
            time = float(graph.transit[leg]) + (
                0.0 if to == dest else float(graph.dwell[to]) + remaining.get(to, np.inf)
            )
            if time < best_time:
                best, best_time = leg, time
        if best < 0:
            raise ValueError("no route")  # pragma: no cover - validation rejects it
        route.append(best)
        node = int(graph.leg_to[best])
    return route


def simulate_fcfs(
    network: Network, movements: Sequence[Movement], horizon: int | None = None
) -> list[int | None]:
    """Closure day of each movement (None = not by the horizon) [days]."""
    horizon = network.horizon_days if horizon is None else horizon
    graphs = build_graphs(network, horizon)
    index = {node.id: i for i, node in enumerate(network.nodes)}
    closure: list[int | None] = [m.ready_day for m in movements]
    for load, graph in graphs.items():
        legs = [int(leg) for leg in graph.usable()]
        cap = graph.leg_capacity.copy()
        handling = graph.handling.copy()
        parcels: list[_Parcel] = []
        remaining = {}
        to_destination: dict[int, dict[int, float]] = {}
        for m, movement in enumerate(movements):
            amount = movement.personnel if load == LOADS[0] else movement.short_tons
            if amount <= 0:
                continue
            dest = index[movement.destination]
            if dest not in to_destination:
                to_destination[dest] = time_to(graph, dest, legs)
            times = to_destination[dest]
            origin = min(
                (index[o] for o in movement.origins),
                key=lambda o: times.get(o, np.inf) + (0 if o == dest else graph.dwell[o]),
            )
            route = _route(graph, origin, dest, legs, times)
            parcels.append(_Parcel(m, route, origin, movement.ready_day, amount, True))
            remaining[m] = amount
        last: dict[int, int] = {}
        for day in range(horizon + 1):
            if not parcels:
                break
            waiting = sorted(
                (p for p in parcels if p.free_day <= day),
                key=lambda p: (p.free_day, movements[p.unit].ready_day, p.unit),
            )
            for parcel in waiting:
                if parcel.at_home:
                    room = handling[parcel.node, day]
                    give = min(parcel.amount, room)
                    if give <= 1e-9:
                        continue
                    handling[parcel.node, day] -= give
                    moved = _Parcel(
                        parcel.unit,
                        parcel.route,
                        parcel.node,
                        day + int(graph.dwell[parcel.node]),
                        give,
                        False,
                    )
                    parcel.amount -= give
                    if not moved.route:  # the origin is the destination
                        remaining[parcel.unit] -= give
                        last[parcel.unit] = max(last.get(parcel.unit, 0), day)
                    else:
                        parcels.append(moved)
                    continue
                leg = parcel.route[0]
                arrive = day + int(graph.transit[leg])
                if arrive > horizon:
                    continue
                to = int(graph.leg_to[leg])
                give = min(parcel.amount, cap[leg, day], handling[to, arrive])
                if give <= 1e-9:
                    continue
                cap[leg, day] -= give
                handling[to, arrive] -= give
                parcel.amount -= give
                if len(parcel.route) == 1:
                    remaining[parcel.unit] -= give
                    last[parcel.unit] = max(last.get(parcel.unit, 0), arrive)
                else:
                    parcels.append(
                        _Parcel(
                            parcel.unit,
                            parcel.route[1:],
                            to,
                            arrive + int(graph.dwell[to]),
                            give,
                            False,
                        )
                    )
            parcels = [p for p in parcels if p.amount > 1e-9]
        for m, left in remaining.items():
            amount = movements[m].personnel if load == LOADS[0] else movements[m].short_tons
            previous = closure[m]
            if left > 1e-6 * max(1.0, amount) or previous is None:
                closure[m] = None
            else:
                closure[m] = max(previous, last.get(m, movements[m].ready_day))
    return closure
