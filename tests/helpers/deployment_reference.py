"""An independent reference for the deployment planner: a naive time-expanded
feasibility LP with no pruning, written with PuLP and solved by CBC (not HiGHS), a
bisection for the earliest day by which everything can arrive, and a check of a claimed
earliest day in two solves.

Feasibility is monotone in the last day (a plan that delivers everything by day d does by
day d + 1: holding costs nothing), which both the bisection and the check rely on."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pulp

from forcegen.engine.deployment.time_expanded import Graph, Group


def feasible(graph: Graph, groups: Sequence[Group], last_day: int) -> bool:
    """Can every item arrive by ``last_day``, under the documented conventions?"""
    if max(max(g.supply) for g in groups) > last_day:
        return False
    days = range(last_day + 1)
    problem = pulp.LpProblem("deploy", pulp.LpMinimize)
    flows: dict[tuple[object, ...], pulp.LpVariable] = {}
    inflow: dict[tuple[object, ...], list[pulp.LpVariable]] = {}
    outflow: dict[tuple[object, ...], list[pulp.LpVariable]] = {}
    leg_use: dict[tuple[int, int], list[pulp.LpVariable]] = {}
    arrivals: dict[tuple[int, int], list[pulp.LpVariable]] = {}
    delivered: dict[int, list[pulp.LpVariable]] = {}

    def var(*key: object) -> pulp.LpVariable:
        v = problem.add_variable("x" + str(len(flows)), lowBound=0)
        flows[key] = v
        return v

    destinations = sorted({g.destination for g in groups})
    for k in destinations:
        delivered[k] = []
        for v in range(graph.n_nodes):
            if v == k:
                continue
            for d in days:
                hold = var("hold", k, v, d)
                outflow.setdefault((k, v, d), []).append(hold)
                if d + 1 <= last_day:
                    inflow.setdefault((k, v, d + 1), []).append(hold)
        for leg in range(graph.leg_from.shape[0]):
            u, w = int(graph.leg_from[leg]), int(graph.leg_to[leg])
            t = int(graph.transit[leg])
            if u == k:
                continue
            for d in days:
                if d + t > last_day:
                    continue
                x = var("leg", k, leg, d)
                outflow.setdefault((k, u, d), []).append(x)
                leg_use.setdefault((leg, d), []).append(x)
                arrivals.setdefault((w, d + t), []).append(x)
                if w == k:
                    delivered[k].append(x)
                elif d + t + int(graph.dwell[w]) <= last_day:
                    inflow.setdefault((k, w, d + t + int(graph.dwell[w])), []).append(x)
    for g, group in enumerate(groups):
        k = group.destination
        for d in days:
            home_in = [] if d == 0 else [flows[("home", g, d - 1)]]
            home = var("home", g, d)
            enter = []
            for o in group.origins:
                x = var("enter", g, o, d)
                enter.append(x)
                arrivals.setdefault((o, d), []).append(x)
                if o == k:
                    delivered[k].append(x)
                elif d + int(graph.dwell[o]) <= last_day:
                    inflow.setdefault((k, o, d + int(graph.dwell[o])), []).append(x)
            problem += pulp.lpSum(home_in) + group.supply.get(d, 0.0) == pulp.lpSum(enter) + home
    for key, outs in outflow.items():
        problem += pulp.lpSum(inflow.get(key, [])) == pulp.lpSum(outs)
    for (leg, d), used in leg_use.items():
        problem += pulp.lpSum(used) <= float(graph.leg_capacity[leg, d])
    for (v, d), came in arrivals.items():
        if d <= last_day and np.isfinite(graph.handling[v, d]):
            problem += pulp.lpSum(came) <= float(graph.handling[v, d])
    for k in destinations:
        need = sum(sum(g.supply.values()) for g in groups if g.destination == k)
        problem += pulp.lpSum(delivered[k]) >= need * (1 - 1e-9)
    problem += pulp.lpSum([])
    problem.solve(pulp.PULP_CBC_CMD(msg=False))
    return pulp.LpStatus[problem.status] == "Optimal"


def earliest_day(graph: Graph, groups: Sequence[Group], horizon: int) -> int | None:
    """The earliest day by which everything can arrive (None: not by ``horizon``)."""
    if not feasible(graph, groups, horizon):
        return None
    low, high = -1, horizon
    while high - low > 1:
        middle = (low + high) // 2
        if feasible(graph, groups, middle):
            high = middle
        else:
            low = middle
    return high


def is_earliest_day(graph: Graph, groups: Sequence[Group], horizon: int, day: int | None) -> bool:
    """Whether ``day`` is :func:`earliest_day` (None: nothing by ``horizon``): everything
    can arrive by ``day`` and not by the day before. Two solves, where the bisection
    takes about log2(horizon)."""
    if day is None:
        return not feasible(graph, groups, horizon)
    if not 0 <= day <= horizon:
        return False
    return feasible(graph, groups, day) and (day == 0 or not feasible(graph, groups, day - 1))
