"""A congestion-aware greedy plan of one load: a feasible closure day fast.

Each parcel (a group's items ready on one day) in turn takes the earliest arrival at its
destination over what the parcels before it left of the legs' departures and the nodes'
handling, as much as that route carries, then the next earliest route for the rest.
Parcels go in this priority order: earlier ready day first, then the longer fastest
route first (the parcels that set the closure pick first), then group order.

The conventions are those of the time-expanded LP
(:mod:`~forcegen.engine.deployment.time_expanded`): departures over a leg on day d count
against its capacity of day d, arrivals on day a against the handling of the node on
day a, an item may leave a node ``dwell`` days after it arrives (entering its origin
counts as an arrival there), and arriving at the destination is delivery. So the greedy
plan is a feasible point of the LP at any horizon at or after its last arrival (it may
leave ROOM of each parcel behind; :func:`greedy_delivers` holds it to the LP's own
tolerance): the exact horizon search
(:func:`forcegen.engine.deployment.planner.earliest_plan`) starts there. It is also the
quality baseline of the deployment benchmark.

Cost: one earliest-arrival search (Dijkstra over nodes, waiting allowed) per route
taken; the next day with room on a leg or at a node is found through "next free day"
pointers with path compression, so a full leg costs nothing on later searches.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.deployment.closure_bounds import Routes, fastest_routes
from forcegen.engine.deployment.graphs import LOADS, build_graphs, build_groups
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.time_expanded import DELIVERY_ROW_SLACK, Graph, Group

if TYPE_CHECKING:
    from forcegen.model.network import Network

ROOM = 1e-7
"""Residual capacity [persons or short tons a day] below which a leg or node is full."""


class _Free:
    """Residual room by day of one leg or node, with the next day that has room."""

    __slots__ = ("next", "room")

    def __init__(self, room: np.ndarray) -> None:
        self.room = [float(r) for r in room]  # inf: no limit that day
        self.next = [d if r > ROOM else d + 1 for d, r in enumerate(self.room)]
        self.next.append(len(self.room))

    def first(self, day: int) -> int:
        """The first day >= ``day`` with room (len(room) when none) [day]."""
        nxt = self.next
        root = day
        while nxt[root] != root:
            root = nxt[root]
        while nxt[day] != root:  # path compression
            nxt[day], day = root, nxt[day]
        return root

    def take(self, day: int, amount: float) -> None:
        self.room[day] -= amount
        if self.room[day] <= ROOM:
            self.next[day] = day + 1


def greedy_last_arrival(
    graph: Graph,
    groups: Sequence[Group],
    horizon: int,
    routes: Routes | None = None,
    parcels: list[tuple[int, int, float, list[tuple[str, int, int]]]] | None = None,
) -> int | None:
    """The last arrival [day] of the greedy plan of one load (see the module), or None
    when the greedy does not deliver everything by ``horizon`` [day]; 0 without groups.

    ``parcels``, when given, receives the plan: one (group index, ready day, amount
    [persons or short tons], steps) per route taken, the steps ("inject", origin, day)
    then ("leg", leg, departure day)."""
    if not groups:
        return 0
    if routes is None:
        routes = fastest_routes(graph, (g.destination for g in groups))
    n_days = horizon + 1
    legs = [int(leg) for leg in graph.usable()]
    leg_room = {leg: _Free(graph.leg_capacity[leg, :n_days]) for leg in legs}
    node_room = {
        v: _Free(graph.handling[v, :n_days])
        for v in range(graph.n_nodes)
        if np.isfinite(graph.handling[v, :n_days]).any()
    }
    out_of: dict[int, list[tuple[int, int, int]]] = {}
    for leg in legs:
        u, v = int(graph.leg_from[leg]), int(graph.leg_to[leg])
        out_of.setdefault(u, []).append((leg, v, int(graph.transit[leg])))
    dwell = [int(d) for d in graph.dwell]

    def arrival_room(v: int, day: int) -> int:
        """First day >= day with handling room at v."""
        free = node_room.get(v)
        return day if free is None else free.first(day)

    def search(group: Group, ready: int) -> tuple[int, list[tuple[str, int, int]]] | None:
        """Earliest delivery day and its steps: ("inject", origin, day) then
        ("leg", leg, departure day)."""
        if ready >= n_days:
            return None  # ready after the horizon: it cannot arrive by it
        dest = group.destination
        remaining = routes[dest]
        best: dict[int, int] = {}
        how: dict[int, tuple[str, int, int, int]] = {}  # node -> (kind, what, day, previous)
        queue: list[tuple[int, int]] = []
        done_day, done_how = n_days, None
        for o in group.origins:
            day = arrival_room(o, ready)  # entering the origin is an arrival there
            if day >= n_days:
                continue
            if o == dest:
                if day < done_day:
                    done_day, done_how = day, ("inject", o, day, -1)
                continue
            free_at = day + dwell[o]
            if (
                o in remaining
                and free_at + remaining[o] <= horizon
                and free_at < best.get(o, n_days)
            ):
                best[o] = free_at
                how[o] = ("inject", o, day, -1)
                heapq.heappush(queue, (free_at, o))
        while queue:
            t, u = heapq.heappop(queue)
            if t > best.get(u, n_days) or t + remaining.get(u, math.inf) >= done_day:
                continue
            for leg, v, transit in out_of.get(u, ()):
                if v != dest and v not in remaining:
                    continue
                room = leg_room[leg]
                day = t
                while True:
                    day = room.first(day)
                    if day + transit > horizon:
                        day = n_days
                        break
                    ok = arrival_room(v, day + transit)
                    if ok == day + transit:
                        break
                    day = ok - transit
                if day >= n_days:
                    continue
                arrive = day + transit
                if v == dest:
                    if arrive < done_day:
                        done_day, done_how = arrive, ("leg", leg, day, u)
                    continue
                free_at = arrive + dwell[v]
                if free_at + remaining[v] <= horizon and free_at < best.get(v, n_days):
                    best[v] = free_at
                    how[v] = ("leg", leg, day, u)
                    heapq.heappush(queue, (free_at, v))
        if done_how is None:
            return None
        steps: list[tuple[str, int, int]] = []
        step: tuple[str, int, int, int] | None = done_how
        while step is not None:
            kind, what, day, previous = step
            steps.append((kind, what, day))
            step = None if kind == "inject" else how[previous]
        steps.reverse()
        return done_day, steps

    order = sorted(
        (
            (ready, -_fastest(graph, group, routes), g, amount)
            for g, group in enumerate(groups)
            for ready, amount in group.supply.items()
        ),
    )
    last = 0
    for ready, _, g, amount in order:
        group = groups[g]
        left = float(amount)
        while left > ROOM * max(1.0, float(amount)):
            found = search(group, ready)
            if found is None:
                return None
            day, steps = found
            send = left
            for kind, what, d in steps:
                if kind == "inject":
                    free = node_room.get(what)
                    if free is not None:
                        send = min(send, free.room[d])
                else:
                    send = min(send, leg_room[what].room[d])
                    free = node_room.get(int(graph.leg_to[what]))
                    if free is not None:
                        send = min(send, free.room[d + int(graph.transit[what])])
            for kind, what, d in steps:
                if kind == "inject":
                    free = node_room.get(what)
                    if free is not None:
                        free.take(d, send)
                else:
                    leg_room[what].take(d, send)
                    free = node_room.get(int(graph.leg_to[what]))
                    if free is not None:
                        free.take(d + int(graph.transit[what]), send)
            left -= send
            last = max(last, day)
            if parcels is not None:
                parcels.append((g, ready, send, steps))
    return last


def greedy_delivers(graph: Graph, groups: Sequence[Group], horizon: int, routes: Routes) -> bool:
    """True when the congestion-aware greedy plan
    (:func:`greedy_last_arrival`) delivers
    all of ``groups`` by ``horizon`` [day], to within the share of the load the probe's
    LP may leave (:data:`~forcegen.engine.deployment.time_expanded.DELIVERY_ROW_SLACK`,
    tighter than the greedy's own ROOM): that plan is then a feasible point of the LP of
    :class:`~forcegen.engine.deployment.probe.ArrivalProbe` at ``horizon``, which would
    answer yes too."""
    parcels: list[tuple[int, int, float, list[tuple[str, int, int]]]] = []
    if greedy_last_arrival(graph, groups, horizon, routes, parcels) is None:
        return False
    supplied = math.fsum(float(amount) for g in groups for amount in g.supply.values())
    delivered = math.fsum(parcel[2] for parcel in parcels)
    return delivered >= supplied * (1 - DELIVERY_ROW_SLACK)


def _fastest(graph: Graph, group: Group, routes: Routes) -> float:
    """The group's fastest route from being ready to arriving [days]."""
    times = routes[group.destination]
    return min(
        times.get(o, math.inf) + (0 if o == group.destination else float(graph.dwell[o]))
        for o in group.origins
    )


def greedy_closure(
    network: Network, movements: Sequence[Movement], horizon: int | None = None
) -> int | None:
    """The day the greedy plan closes the whole force [day] (personnel and cargo each
    planned by :func:`greedy_last_arrival`; a unit with neither closes on its ready day),
    or None when it does not close everything by ``horizon`` (default: the network's)."""
    horizon = network.horizon_days if horizon is None else horizon
    graphs = build_graphs(network, horizon)
    closure = max((m.ready_day for m in movements), default=0)
    for load in LOADS:
        groups, _ = build_groups(network, movements, load)
        last = greedy_last_arrival(graphs[load], groups, horizon)
        if last is None:
            return None
        closure = max(closure, last)
    return closure
