"""The disruption draws as forcegen computed them before the closure-day bound (issue 12,
point 4): the baseline ``python benchmarks/run.py disruptions`` measures the engine's
:func:`forcegen.engine.deployment.disruptions.simulate_disruptions` against, in the same
run, and checks that both give the same closure day in every draw.

Each distinct pattern of disruptions is checked against the undisrupted plan (the plan
still fits the capacities left: closure unchanged); any other pattern is planned again in
full (:func:`force_closure`: the horizon search of every load from its lower bound).
Copied from ``forcegen/engine/deployment/disruptions.py`` as it stood at commit 10bd9c9;
only the draws and the capacity scale (unchanged since) are imported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from forcegen.engine.deployment.closure_bounds import beyond_horizon
from forcegen.engine.deployment.disruptions import Pattern, iter_patterns, scale_of
from forcegen.engine.deployment.graphs import LOADS, CapacityScale, build_graphs, build_groups
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.planner import DeploymentPlan, earliest_plan
from forcegen.engine.tolerances import CAPACITY_SLACK, FRACTION
from forcegen.model.network import Network


def force_closure(
    network: Network, movements: Sequence[Movement], scale: CapacityScale, horizon: int
) -> int | None:
    """The earliest day the whole force can close [day] (None = not by ``horizon``,
    without planning when some unit provably cannot close by then)."""
    graphs = build_graphs(network, horizon, scale)
    if beyond_horizon(network, graphs, movements, horizon):
        return None
    closure = 0
    for load in LOADS:
        groups, _ = build_groups(network, movements, load)
        if not groups:
            continue
        solution = earliest_plan(graphs[load], groups, network, horizon)
        if not solution.complete() or solution.last_arrival is None:
            return None
        closure = max(closure, solution.last_arrival)
    return closure


def plan_fits(network: Network, plan: DeploymentPlan, scale: CapacityScale) -> bool:
    """True when every flow of ``plan`` is within the capacities left under ``scale``."""
    graphs = build_graphs(network, plan.horizon, scale)
    legs = {leg.id: i for i, leg in enumerate(network.legs)}
    nodes = {node.id: i for i, node in enumerate(network.nodes)}
    usage = plan.utilisation
    for resource, kind, load, day, flow in zip(
        usage["resource"], usage["kind"], usage["load"], usage["day"], usage["flow"], strict=True
    ):
        graph = graphs[load]
        if kind == "leg":
            capacity = graph.leg_capacity[legs[resource], day]
        else:
            capacity = graph.handling[nodes[resource], day]
        if flow > capacity * (1 + FRACTION) + CAPACITY_SLACK:
            return False
    return True


def simulate_disruptions_baseline(
    network: Network,
    movements: Sequence[Movement],
    draws: int,
    seed: int,
    horizon: int | None = None,
    base_plan: DeploymentPlan | None = None,
    advance: Callable[[int], None] | None = None,
) -> tuple[int | None, ...]:
    """Closure day of the whole force in each of ``draws`` seeded draws (None = not by
    the horizon), the method of commit 10bd9c9."""
    horizon = network.horizon_days if horizon is None else horizon
    known: dict[Pattern, int | None] = {}
    if base_plan is not None:
        known[()] = base_plan.closure_day
    never = base_plan is not None and base_plan.horizon == horizon and base_plan.beyond_horizon
    closures = []
    for pattern in iter_patterns(network, draws, seed):
        if never:
            known.setdefault(pattern, None)
        if pattern not in known:
            scale = scale_of(network, pattern, horizon)
            if (
                base_plan is not None
                and base_plan.horizon == horizon
                and plan_fits(network, base_plan, scale)
            ):
                known[pattern] = base_plan.closure_day
            else:
                known[pattern] = force_closure(network, movements, scale, horizon)
        closures.append(known[pattern])
        if advance is not None:
            advance(1)
    return tuple(closures)
