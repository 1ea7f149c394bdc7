"""Disruptions: seeded draws of closed or reduced nodes and legs, and the closure day
of the whole force under each draw.

Draw i uses ``numpy.random.default_rng(SeedSequence(seed, spawn_key=(i,)))`` and, for
every disruption in input order, one number for whether it happens and one for its
first day, so a draw is the same whatever the number of draws. Draws with the same
disruptions are settled once. Most draws are settled by a proven bound, without planning
again (see :func:`simulate_disruptions`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from forcegen.engine.bounds import check_count
from forcegen.engine.deployment.closure_bounds import beyond_horizon
from forcegen.engine.deployment.graphs import LOADS, CapacityScale, build_graphs, build_groups
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.planner import DeploymentPlan, earliest_plan, plan_deployment
from forcegen.engine.deployment.probe import ArrivalProbe
from forcegen.engine.deployment.time_expanded import Graph
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
    base_closure: int | None = None
    """Closure day without disruptions [day] (None = not within the horizon)."""
    settled: Mapping[str, int] = field(default_factory=dict, compare=False)
    """How the distinct patterns were settled: ``plan_fits`` (the undisrupted plan fits),
    ``bound`` (an LP at the undisrupted closure day is feasible), ``replanned`` (planned
    again), ``never`` (the force cannot close even undisrupted) [patterns]."""

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

    def _later(self, day: int | None) -> bool:
        if self.base_closure is None:
            return False  # nothing closes later than "not at all"
        return day is None or day > self.base_closure

    @property
    def later_than_plan(self) -> int:
        """Draws in which the force closes later than without disruptions (or not at
        all) [draws]."""
        return sum(self._later(d) for d in self.closure_days)

    def delaying(self) -> dict[str, int]:
        """Per disruption, the draws it happens in that close later than without
        disruptions [draws], most first; disruptions never in such a draw are left out."""
        counts: dict[str, int] = {}
        for day, pattern in zip(self.closure_days, self.patterns, strict=True):
            if self._later(day):
                for disruption_id, _ in pattern:
                    counts[disruption_id] = counts.get(disruption_id, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


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
    network: Network,
    movements: Sequence[Movement],
    scale: CapacityScale | None,
    horizon: int,
    floor: int = 0,
    loads: Sequence[str] = LOADS,
) -> int | None:
    """The earliest day the whole force can close [day] (None = not by ``horizon``,
    without planning when some unit provably cannot close by then), planning ``loads``
    only (the others must be known to close earlier), each search starting at ``floor``
    [day] (a proven bound; 0 when unknown)."""
    graphs = build_graphs(network, horizon, scale)
    if beyond_horizon(network, graphs, movements, horizon):
        return None
    closure = 0
    for load in loads:
        groups, _ = build_groups(network, movements, load)
        if not groups:
            continue
        solution = earliest_plan(graphs[load], groups, network, horizon, floor=floor)
        if not solution.complete() or solution.last_arrival is None:
            return None
        closure = max(closure, solution.last_arrival)
    return closure


class _PlanFlows:
    """The flows of a plan by load, as arrays: leg or node index, day, flow [persons or
    short tons], for the vectorised fit check of :meth:`fits`."""

    def __init__(self, network: Network, plan: DeploymentPlan) -> None:
        legs = {leg.id: i for i, leg in enumerate(network.legs)}
        nodes = {node.id: i for i, node in enumerate(network.nodes)}
        usage = plan.utilisation
        self.by_load: dict[str, tuple[np.ndarray, ...]] = {}
        for load in LOADS:
            rows = usage[(usage["load"] == load) & (usage["flow"] > 0)]
            is_leg = (rows["kind"] == "leg").to_numpy()
            index = np.array(
                [
                    legs[r] if leg else nodes[r]
                    for r, leg in zip(rows["resource"], is_leg, strict=True)
                ],
                dtype=np.int64,
            )
            day = rows["day"].to_numpy(dtype=np.int64)
            flow = rows["flow"].to_numpy(dtype=float)
            self.by_load[load] = (is_leg, index, day, flow)

    def fits(self, load: str, graph: Graph) -> bool:
        """True when every flow of the load is within ``graph``'s capacities (to a
        relative FRACTION plus CAPACITY_SLACK)."""
        is_leg, index, day, flow = self.by_load[load]
        capacity = np.where(
            is_leg,
            graph.leg_capacity[np.where(is_leg, index, 0), day],
            graph.handling[np.where(is_leg, 0, index), day],
        )
        return bool((flow <= capacity * (1 + FRACTION) + CAPACITY_SLACK).all())


def plan_fits(network: Network, plan: DeploymentPlan, scale: CapacityScale) -> bool:
    """True when every flow of ``plan`` is within the capacities left under ``scale``: the
    plan is then still feasible and, capacity having only been taken away, still optimal,
    so the closure day is unchanged."""
    graphs = build_graphs(network, plan.horizon, scale)
    flows = _PlanFlows(network, plan)
    return all(flows.fits(load, graphs[load]) for load in LOADS)


def simulate_disruptions(
    network: Network,
    movements: Sequence[Movement],
    draws: int,
    seed: int,
    horizon: int | None = None,
    base_plan: DeploymentPlan | None = None,
    advance: Callable[[int], None] | None = None,
) -> DisruptionDraws:
    """Closure day of the whole force in each of ``draws`` seeded draws [day];
    ``base_plan`` is the undisrupted plan (planned here when not given or made for
    another horizon); ``advance(n)`` is called as draws are done (progress). Only the
    closure day and the pattern of each draw are kept (no per-draw plan); ``draws`` is
    at most :data:`~forcegen.limits.MAX_DISRUPTIONS`.

    A draw is planned again only when no proven bound settles it:

    1. A disruption only takes capacity away (each factor is in [0, 1]), so every plan
       feasible in a draw is feasible without disruptions: no draw closes before the
       undisrupted closure day C. If the force does not close undisrupted (or some unit
       provably cannot close by the horizon), it closes in no draw.
    2. Hence a draw closes on day C exactly when some plan finishing by C fits its
       capacities. First the undisrupted plan is checked against them (no solve: a
       disruption of capacity that plan does not use, or leaves enough of, changes
       nothing); for the loads it does not fit, the LP of that load at horizon C with the
       draw's capacities as row bounds (:class:`~forcegen.engine.deployment.probe.
       ArrivalProbe`, re-solved from the basis of the previous draw) decides whether
       everything can still arrive by C, rerouted or held.
    3. Only a draw in which some load cannot arrive by C is planned again, that load's
       search starting at C + 1 (proven by 2); the other loads close by C, before it.

    Steps 1 and 2 are exact, so the closure days are those of planning every draw again.
    """
    draws = check_count("draws", draws, "MAX_DISRUPTIONS", least=0)
    horizon = network.horizon_days if horizon is None else horizon
    if base_plan is None or base_plan.horizon != horizon:
        base_plan = plan_deployment(network, movements, horizon=horizon)
    base = base_plan.closure_day
    settled = {"plan_fits": 0, "bound": 0, "replanned": 0, "never": 0}
    flows = _PlanFlows(network, base_plan) if base is not None else None
    probes: dict[str, ArrivalProbe | None] = {}

    def probe(load: str) -> ArrivalProbe | None:
        if load not in probes:
            groups, _ = build_groups(network, movements, load)
            probes[load] = (
                ArrivalProbe(build_graphs(network, horizon)[load], groups, base)
                if groups and base is not None
                else None
            )
        return probes[load]

    def closure_of(pattern: Pattern) -> int | None:
        if base is None or base_plan.beyond_horizon:
            settled["never"] += 1
            return None  # step 1
        assert flows is not None
        graphs = build_graphs(network, horizon, scale_of(network, pattern, horizon))
        late: dict[str, int] = {}  # load -> a day before which it cannot arrive
        asked = False
        for load in LOADS:
            if not flows.by_load[load][0].size or flows.fits(load, graphs[load]):
                continue  # step 2: the undisrupted plan still fits
            check = probe(load)
            asked = True
            answer = (
                check.arrives_by(graphs[load].leg_capacity, graphs[load].handling)
                if check is not None
                else None
            )
            if answer is False:
                late[load] = base + 1  # step 3
            elif answer is None:  # the LP cannot tell: plan this load again
                late[load] = base
        if not late:
            settled["bound" if asked else "plan_fits"] += 1
            return base
        settled["replanned"] += 1
        scale = scale_of(network, pattern, horizon)
        closure: int | None = base
        for load, floor in late.items():
            day = force_closure(network, movements, scale, horizon, floor=floor, loads=(load,))
            closure = None if day is None or closure is None else max(closure, day)
        return closure

    known: dict[Pattern, int | None] = {}
    distinct: dict[Pattern, Pattern] = {}  # one copy of each pattern, shared by its draws
    patterns: list[Pattern] = []
    closures = []
    for drawn in iter_patterns(network, draws, seed):
        pattern = distinct.setdefault(drawn, drawn)
        patterns.append(pattern)
        if pattern not in known:
            known[pattern] = closure_of(pattern)
        closures.append(known[pattern])
        if advance is not None:
            advance(1)
    return DisruptionDraws(seed, tuple(closures), tuple(patterns), horizon, base, settled)
