"""Ways to solve the one LP that costs the 4,000-unit deployment plan (issue 17, point 4).

The cargo load of ``synthetic_deployment(units=4000, seed=0)`` at a given horizon (the
greedy's last arrival, day 157, by default; the exact closure is day 148), built by
:class:`forcegen.engine.deployment.time_expanded.LoadModel` as the planner builds it, then
solved in one of these ways, on one thread, in a process of its own:

- ``ipm``: interior point (IPX) with crossover, as the planner does;
- ``dual``: dual simplex from scratch;
- ``xover_primal``: the greedy plan as a point of the LP, IPX crossover from it to a basis,
  then primal simplex (HiGHS 1.16 crashes in ``crossover`` on a model never run, so a run
  of 0 iterations comes first);
- ``setsol_primal``: the greedy point given by ``setSolution``, then primal simplex;
- ``feas_dual``, ``feas_ipm``: the same LP with a zero objective (is day D feasible?);
  ``feas_ipm_then``: then the item-days objective by primal simplex from that basis;
- ``pdlp_TOL``: PDLP to the optimality tolerance TOL, IPX crossover from its primal and
  dual point, then primal simplex;
- prefixes ``bs10_`` (``user_bound_scale`` -10), ``nosink_`` (no item may stay at home
  or at a node past its last useful day, and no delivery row) and ``local_`` (the same
  item-days charged where they are spent: each holdover, home holdover, leg and origin
  dwell costs its days, so that a plan's cost is its item-days less the fixed sum of
  ready days; prefixes combine in this order, e.g. ``nosink_local_ipm``).

Usage: ``python benchmarks/deploy_lp_variants.py VARIANT [--day D] [--units N]``; prints
one JSON line per step (seconds, status, objective [item-days], last arrival [day]).
Results are in docs/benchmarks.md ("Deployment: cost against size").
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np

from benchmarks.synthetic import synthetic_deployment
from forcegen.engine.deployment.graphs import build_groups
from forcegen.engine.deployment.planner import load_graphs
from forcegen.engine.deployment.residual_routes import greedy_last_arrival
from forcegen.engine.deployment.time_expanded import (
    DETOUR_COST,
    HOLD,
    HOME,
    INJECT,
    LEG,
    LoadModel,
)

PRIMAL, DUAL = 4, 1  # HiGHS simplex_strategy


def cargo_instance(units: int) -> tuple[Any, Any, int, Any]:
    """Graph, groups, horizon and fastest routes of the cargo load."""
    network, movements = synthetic_deployment(units=units, seed=0)
    horizon = network.horizon_days
    graphs, routes, late = load_graphs(network, movements, horizon)
    groups, _ = build_groups(network, movements, "cargo", skip=late)
    return graphs["cargo"], groups, horizon, routes["cargo"]


def greedy_point(model: LoadModel, parcels: list[Any]) -> np.ndarray:
    """The greedy plan as a vector over the model's columns (a feasible point at any
    horizon at or after its last arrival)."""
    built, graph, groups = model.built, model.graph, model.groups
    key = {
        k: c
        for c, k in enumerate(
            zip(
                built.kind.tolist(),
                built.owner.tolist(),
                built.place.tolist(),
                built.day.tolist(),
                strict=True,
            )
        )
    }
    x = np.zeros(built.kind.shape[0])
    dwell = graph.dwell.astype(int)
    net: dict[tuple[int, int, int], float] = {}  # (commodity, node, day free) -> in - out
    entered: dict[tuple[int, int], float] = {}
    for g, _, amount, steps in parcels:
        dest = groups[g].destination
        _, o, d = steps[0]
        x[key[(INJECT, g, o, d)]] += amount
        entered[(g, d)] = entered.get((g, d), 0.0) + amount
        if o != dest:
            net[(dest, o, d + dwell[o])] = net.get((dest, o, d + dwell[o]), 0.0) + amount
        for _, leg, d in steps[1:]:
            x[key[(LEG, dest, leg, d)]] += amount
            u, v, t = int(graph.leg_from[leg]), int(graph.leg_to[leg]), int(graph.transit[leg])
            net[(dest, u, d)] = net.get((dest, u, d), 0.0) - amount
            if v != dest:
                free = d + t + dwell[v]
                net[(dest, v, free)] = net.get((dest, v, free), 0.0) + amount
    held: dict[tuple[int, int], float] = {}
    for c in np.flatnonzero(built.kind == HOLD):  # in day order within a (commodity, node)
        k = (int(built.owner[c]), int(built.place[c]))
        held[k] = held.get(k, 0.0) + net.get((k[0], k[1], int(built.day[c])), 0.0)
        x[c] = held[k]
    home: dict[int, float] = {}
    for c in np.flatnonzero(built.kind == HOME):
        g, d = int(built.owner[c]), int(built.day[c])
        home[g] = home.get(g, 0.0) + groups[g].supply.get(d, 0.0) - entered.get((g, d), 0.0)
        x[c] = home[g]
    return x


def local_costs(model: LoadModel) -> tuple[np.ndarray, np.ndarray]:
    """Columns and their days spent [days per item] (leg columns plus DETOUR_COST): the
    item-days objective, less the fixed sum of ready days, charged column by column."""
    built, graph = model.built, model.graph
    destination = np.array([g.destination for g in model.groups])
    cost = np.zeros(built.kind.shape[0])
    cost[(built.kind == HOLD) | (built.kind == HOME)] = 1.0
    legs = built.kind == LEG
    to = graph.leg_to[built.place[legs]]
    stay = np.where(to == built.owner[legs], 0, graph.dwell[to])
    cost[legs] = graph.transit[built.place[legs]] + stay + DETOUR_COST
    enter = built.kind == INJECT
    at = built.place[enter]
    cost[enter] = np.where(at == destination[built.owner[enter]], 0, graph.dwell[at])
    return np.arange(cost.shape[0], dtype=np.int32), cost


def main() -> None:
    import highspy

    parser = argparse.ArgumentParser()
    parser.add_argument("variant")
    parser.add_argument("--day", type=int, default=None)
    parser.add_argument("--units", type=int, default=4000)
    parser.add_argument("--time-limit", type=float, default=300.0)
    args = parser.parse_args()
    variant: str = args.variant
    graph, groups, horizon, routes = cargo_instance(args.units)
    parcels: list[Any] = []
    last = greedy_last_arrival(graph, groups, horizon, routes, parcels)
    day = args.day or last
    model = LoadModel(graph, groups, day)
    h = model.solver._h  # the experiment drives HiGHS directly
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", args.time_limit)

    def report(step: str, start: float) -> None:
        info = h.getInfo()
        x = np.asarray(h.getSolution().col_value) if info.primal_solution_status else None
        arrived = None if x is None else (model.arrival >= 0) & (x > model.tolerance)
        row = {
            "variant": args.variant,
            "day": day,
            "step": step,
            "seconds": round(time.perf_counter() - start, 2),
            "status": h.modelStatusToString(h.getModelStatus()),
            "objective": info.objective_function_value,
            "item_days": None
            if x is None
            else float((x[model.arrival >= 0] * model.arrival[model.arrival >= 0]).sum()),
            "simplex_iterations": info.simplex_iteration_count,
            "last_arrival": None
            if arrived is None or not arrived.any()
            else int(model.arrival[arrived].max()),
        }
        print(json.dumps(row), flush=True)

    def simplex(strategy: int) -> None:
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("simplex_strategy", strategy)

    if variant.startswith("bs10_"):
        h.setOptionValue("user_bound_scale", -10)
        variant = variant.removeprefix("bs10_")
    if variant.startswith("nosink_"):
        built = model.built
        ends = []
        for kind in (HOLD, HOME):
            idx = np.flatnonzero(built.kind == kind)
            if idx.shape[0] == 0:
                continue
            run = built.owner[idx].astype(np.int64) * 100_000 + built.place[idx]
            ends.append(idx[np.r_[run[1:] != run[:-1], True]])
        fixed = np.concatenate(ends).astype(np.int32)
        h.changeColsBounds(len(fixed), fixed, np.zeros(len(fixed)), np.zeros(len(fixed)))
        h.changeRowBounds(model.delivery_row, -highspy.kHighsInf, highspy.kHighsInf)
        variant = variant.removeprefix("nosink_")
    if variant.startswith("local_"):
        h.changeColsCost(model.built.kind.shape[0], *local_costs(model))
        variant = variant.removeprefix("local_")
    start = time.perf_counter()
    if variant == "ipm":
        h.setOptionValue("solver", "ipm")
        h.run()
        report("ipm with crossover", start)
    elif variant == "dual":
        simplex(DUAL)
        h.run()
        report("dual simplex", start)
    elif variant in ("xover_primal", "setsol_primal"):
        x = greedy_point(model, parcels)
        point = highspy.HighsSolution()
        point.col_value = list(x)
        point.value_valid = True
        if variant == "setsol_primal":
            h.setSolution(point)
        else:
            h.setOptionValue("presolve", "off")
            simplex(DUAL)
            h.setOptionValue("simplex_iteration_limit", 0)
            h.run()  # crossover on a model never run crashes HiGHS 1.16
            h.setOptionValue("simplex_iteration_limit", 2**31 - 1)
            n = x.shape[0]
            lp = h.getLp()
            ax = np.zeros(h.getNumRow())
            cols = np.repeat(np.arange(n), np.diff(np.asarray(lp.a_matrix_.start_)))
            np.add.at(
                ax, np.asarray(lp.a_matrix_.index_), np.asarray(lp.a_matrix_.value_) * x[cols]
            )
            point.row_value = list(ax)
            h.crossover(point)
            report("crossover from the greedy point", start)
        simplex(PRIMAL)
        h.run()
        report("then primal simplex", start)
    elif variant.startswith("feas"):
        cost = np.asarray(h.getLp().col_cost_).copy()
        n = cost.shape[0]
        every = np.arange(n, dtype=np.int32)
        h.changeColsCost(n, every, np.zeros(n))
        if variant.startswith("feas_ipm"):
            h.setOptionValue("solver", "ipm")
        else:
            simplex(DUAL)
        h.run()
        report("zero objective", start)
        if variant.endswith("_then"):
            h.changeColsCost(n, every, cost)
            simplex(PRIMAL)
            h.run()
            report("then item-days by primal simplex", start)
    elif variant.startswith("pdlp_"):
        h.setOptionValue("solver", "pdlp")
        h.setOptionValue("pdlp_optimality_tolerance", float(variant.split("_")[1]))
        h.run()
        report("pdlp", start)
        s = h.getSolution()
        point = highspy.HighsSolution()
        point.col_value = list(np.maximum(np.asarray(s.col_value), 0.0))
        point.row_value = list(s.row_value)
        point.col_dual = list(s.col_dual)
        point.row_dual = list(s.row_dual)
        point.value_valid = point.dual_valid = True
        h.crossover(point)
        report("then crossover", start)
        simplex(PRIMAL)
        h.run()
        report("then primal simplex", start)
    else:
        raise SystemExit(f"unknown variant {args.variant}")


if __name__ == "__main__":
    main()
