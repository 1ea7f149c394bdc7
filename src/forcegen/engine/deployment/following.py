"""Following units through a plan of flows: the day each unit's last item arrives [day]."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.time_expanded import (
    INJECT,
    LEG,
    Graph,
    Group,
    LoadSolution,
)
from forcegen.engine.tolerances import LOAD, LOAD_RELATIVE, UNIT_LOAD_RELATIVE

if TYPE_CHECKING:
    pass
from forcegen.engine.deployment.closure_bounds import Routes, fastest_routes
from forcegen.engine.deployment.graphs import load_amount


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
        remaining[m] = load_amount(movement, load)
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
            if have - give > amount_tol * max(1.0, load_amount(movements[m], load)):
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
        amount = load_amount(movement, load)
        if amount <= 0 or remaining[m] > UNIT_LOAD_RELATIVE * max(1.0, amount):
            out.append(None)
        else:
            out.append(last_day[m])
    return out
