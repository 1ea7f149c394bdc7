"""Disruptions: seeded draws of closed or reduced nodes and legs, and the closure day
of the whole force under each draw (the planner re-run on the sampled capacities).

Draw i uses ``numpy.random.default_rng(SeedSequence(seed, spawn_key=(i,)))`` and, for
every disruption in input order, one number for whether it happens and one for its
first day, so a draw is the same whatever the number of draws. Draws with the same
disruptions are planned once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from forcegen.engine.bounds import check_count
from forcegen.engine.deployment.closure_bounds import beyond_horizon
from forcegen.engine.deployment.graphs import LOADS, CapacityScale, build_graphs, build_groups
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.planner import DeploymentPlan, earliest_plan
from forcegen.engine.tolerances import CAPACITY_SLACK, FRACTION
from forcegen.model.network import Network

Pattern = tuple[tuple[str, int], ...]
"""The disruptions that happen in one draw: (disruption id, first day)."""


@dataclass(frozen=True)
class DisruptionDraws:
    """Closure day of the whole force in each draw (None = not within the horizon)."""

    seed: int
    closure_days: tuple[int | None, ...]
    patterns: tuple[Pattern, ...]
    horizon: int

    def quantiles(self) -> dict[str, int | None]:
        """5th, 50th and 95th percentile closure days (p05, p50, p95) [day]; a draw that
        does not close within the horizon counts as later than any that does, and a
        percentile falling on one is None."""
        if not self.closure_days:
            return {"p05": None, "p50": None, "p95": None}
        late = self.horizon + 1
        values = np.array([late if d is None else d for d in self.closure_days])
        out: dict[str, int | None] = {}
        for name, q in (("p05", 0.05), ("p50", 0.5), ("p95", 0.95)):
            value = int(np.quantile(values, q, method="inverted_cdf"))
            out[name] = None if value == late else value
        return out

    @property
    def not_closed(self) -> int:
        """Draws in which the force does not close within the horizon."""
        return sum(d is None for d in self.closure_days)


def draw_patterns(network: Network, draws: int, seed: int) -> list[Pattern]:
    """The disruptions of each of ``draws`` draws."""
    return list(iter_patterns(network, draws, seed))


def iter_patterns(network: Network, draws: int, seed: int) -> Iterator[Pattern]:
    """The disruptions of each of ``draws`` draws, one draw at a time."""
    for i in range(draws):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        hits = []
        for disruption in network.disruptions:
            happens = rng.random() < disruption.probability
            first = int(rng.integers(disruption.earliest_day, disruption.latest_day + 1))
            if happens:
                hits.append((disruption.id, first))
        yield tuple(hits)


def scale_of(network: Network, pattern: Pattern, days: int) -> CapacityScale:
    """Share of capacity left per target and day under ``pattern``."""
    by_id = {d.id: d for d in network.disruptions}
    factors: dict[str, np.ndarray] = {}
    for disruption_id, first in pattern:
        disruption = by_id[disruption_id]
        factor = factors.setdefault(disruption.target, np.ones(days + 1))
        last = min(days + 1, first + disruption.days)
        factor[first:last] *= 1.0 - disruption.reduction
    return CapacityScale(factors)


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
    """True when every flow of ``plan`` is within the capacities left under ``scale``: the
    plan is then still feasible and, capacity having only been taken away, still optimal,
    so the closure day is unchanged."""
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


def simulate_disruptions(
    network: Network,
    movements: Sequence[Movement],
    draws: int,
    seed: int,
    horizon: int | None = None,
    base_plan: DeploymentPlan | None = None,
    advance: Callable[[int], None] | None = None,
) -> DisruptionDraws:
    """Closure day of the whole force in each of ``draws`` seeded draws.
    With ``base_plan`` (the undisrupted plan), a draw whose disruptions leave that plan
    feasible keeps its closure day without a re-plan (exact: see :func:`plan_fits`);
    ``advance(n)`` is called as draws are done (progress). Only the closure day and the
    pattern of each draw are kept (no per-draw plan); ``draws`` is at most
    :data:`~forcegen.limits.MAX_DISRUPTIONS`."""
    draws = check_count("draws", draws, "MAX_DISRUPTIONS", least=0)
    horizon = network.horizon_days if horizon is None else horizon
    known: dict[Pattern, int | None] = {}
    if base_plan is not None:
        known[()] = base_plan.closure_day
    # a unit that cannot close undisrupted cannot close disrupted (capacity only shrinks)
    never = base_plan is not None and base_plan.horizon == horizon and base_plan.beyond_horizon
    distinct: dict[Pattern, Pattern] = {}  # one copy of each pattern, shared by its draws
    patterns: list[Pattern] = []
    closures = []
    for drawn in iter_patterns(network, draws, seed):
        pattern = distinct.setdefault(drawn, drawn)
        patterns.append(pattern)
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
    return DisruptionDraws(seed, tuple(closures), tuple(patterns), horizon)
