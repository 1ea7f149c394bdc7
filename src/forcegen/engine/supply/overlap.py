"""Resupply while the force is still closing: on each day of the deployment, the units
already in place must be supplied over the capacity the movement leaves.

The resupply of each destination keeps the routes of the steady solution
(:func:`.resupply.steady_flow`): its flow is split into paths from the sources
(:func:`decompose`), and on day ``d`` (from the first unit in place to the closure day)
each destination's paths carry the demand of its units whose closure day is ``d`` or
earlier. That flow is set against each leg's and node's cargo capacity *less the
deployment plan's own cargo flow that day* (``DeploymentResult.utilisation_frame()``).
The day's figure is the highest utilisation of that residual [share]; over 1 the
movement and the resupply collide on that leg or node (inf: the movement takes all of a
capacity the resupply needs). No rerouting around the movement: no LP per day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.supply.consumption import UnitDemand, by_destination
from forcegen.engine.supply.resupply import UTILISATION_SLACK, Capacities, ResupplyFlow
from forcegen.model.network import Network

if TYPE_CHECKING:
    import pandas as pd

FLOW_ZERO = 1e-9
"""Flow below this is no flow [short tons/day]."""


@dataclass(frozen=True)
class ClosureDay:
    """One day of the deployment with units in place: their demand [short tons/day], the
    highest utilisation of the residual capacity on the steady routes [share] (inf when
    the movement leaves nothing on a leg or node the resupply uses) and where."""

    day: int
    demand: float
    utilisation: float
    binding: tuple[str, str, float] | None


@dataclass(frozen=True)
class ClosureOverlap:
    """Resupply over the days the force is closing (steady routes, residual capacity)."""

    days: tuple[ClosureDay, ...]

    @property
    def worst(self) -> ClosureDay | None:
        """The day at the highest utilisation (the first such day), or None."""
        if not self.days:
            return None
        return max(self.days, key=lambda d: (d.utilisation, -d.day))

    @property
    def feasible(self) -> bool:
        """True when every day's resupply fits in what the movement leaves."""
        return all(d.utilisation <= 1 + UTILISATION_SLACK for d in self.days)

    @property
    def infeasible_days(self) -> tuple[int, ...]:
        """Days on which the resupply does not fit beside the movement."""
        return tuple(d.day for d in self.days if d.utilisation > 1 + UTILISATION_SLACK)

    def frame(self) -> pd.DataFrame:
        """One row per day: demand [short tons/day], utilisation [share], binding."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "day": d.day,
                    "demand_short_tons_per_day": d.demand,
                    "utilisation": d.utilisation,
                    "binding": None if d.binding is None else d.binding[1],
                }
                for d in self.days
            ],
            columns=["day", "demand_short_tons_per_day", "utilisation", "binding"],
        )


def residual(network: Network, usage: pd.DataFrame, day: int, full: Capacities) -> Capacities:
    """Cargo capacity left on ``day`` after the deployment's own cargo flows [short tons/day]."""
    rows = usage[(usage["load"] == "cargo") & (usage["day"] == day) & (usage["flow"] > 0)]
    leg = full.leg.copy()
    node = full.node.copy()
    legs = {leg.id: i for i, leg in enumerate(network.legs)}
    nodes = {n.id: i for i, n in enumerate(network.nodes)}
    for resource, kind, flow in zip(rows["resource"], rows["kind"], rows["flow"], strict=True):
        if kind == "leg":
            i = legs[resource]
            leg[i] = max(0.0, leg[i] - float(flow))
        else:
            i = nodes[resource]
            node[i] = max(0.0, node[i] - float(flow))
    return Capacities(leg, node)


def decompose(
    network: Network, flow: ResupplyFlow, demand: Mapping[str, float]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Destination -> (leg flow, node arrivals) per short ton a day of its demand
    [share], in the network's order: the steady flow split into paths from the sources,
    traced back from each destination."""
    legs = list(network.legs)
    nodes = [n.id for n in network.nodes]
    index = {n: i for i, n in enumerate(nodes)}
    left_leg = np.array([flow.leg_flow.get(leg.id, 0.0) for leg in legs], dtype=float)
    left_src = {k: float(v) for k, v in flow.source_flow.items()}
    into: dict[str, list[int]] = {}
    for j, leg in enumerate(legs):
        into.setdefault(leg.to, []).append(j)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for dest, want in demand.items():
        if want <= 0:
            continue
        leg_share = np.zeros(len(legs))
        node_share = np.zeros(len(nodes))
        need = float(want)
        for _ in range(4 * len(legs) + 8):  # paths: at most one per leg emptied, plus sources
            if need <= FLOW_ZERO:
                break
            path: list[int] = []
            at, amount, seen = dest, need, {dest}
            while True:
                if left_src.get(at, 0.0) > FLOW_ZERO:
                    amount = min(amount, left_src[at])
                    break
                step = next((k for k in into.get(at, ()) if left_leg[k] > FLOW_ZERO), None)
                if step is None or legs[step].from_ in seen:
                    path = []
                    break
                j = step
                path.append(j)
                amount = min(amount, float(left_leg[j]))
                at = legs[j].from_
                seen.add(at)
            if not path and left_src.get(at, 0.0) <= FLOW_ZERO:
                break
            for j in path:
                left_leg[j] -= amount
                leg_share[j] += amount
                node_share[index[legs[j].to]] += amount
            left_src[at] = left_src.get(at, 0.0) - amount
            node_share[index[at]] += amount  # a source's handling counts what it receives
            need -= amount
        out[dest] = (leg_share / want, node_share / want)
    return out


def closure_overlap(
    network: Network,
    demands: Sequence[UnitDemand],
    flow: ResupplyFlow,
    usage: pd.DataFrame,
    closure_day: int | None,
) -> ClosureOverlap:
    """Resupply of the units in place on each day up to ``closure_day`` on the steady
    routes of ``flow``, against the residual capacity (``usage``: the deployment's
    utilisation frame)."""
    placed = [d.closure_day for d in demands if d.closure_day is not None]
    if not placed:
        return ClosureOverlap(())
    last = closure_day if closure_day is not None else max(placed)
    full = Capacities.full(network)
    shares = decompose(network, flow, by_destination(demands))
    usage = usage[(usage["load"] == "cargo") & (usage["flow"] > 0)]
    out = []
    for day in range(min(placed), last + 1):
        in_place = [d for d in demands if d.closure_day is not None and d.closure_day <= day]
        demand = by_destination(in_place)
        leg = np.zeros(len(network.legs))
        node = np.zeros(len(network.nodes))
        for dest, tons in demand.items():
            if dest in shares:
                leg += tons * shares[dest][0]
                node += tons * shares[dest][1]
        caps = residual(network, usage, day, full)
        util, binding = _worst(network, leg, node, caps)
        out.append(ClosureDay(day, float(sum(demand.values())), util, binding))
    return ClosureOverlap(tuple(out))


def _worst(
    network: Network, leg: np.ndarray, node: np.ndarray, caps: Capacities
) -> tuple[float, tuple[str, str, float] | None]:
    best: tuple[str, str, float] | None = None
    for kind, flows, limits, ids in (
        ("leg", leg, caps.leg, [x.id for x in network.legs]),
        ("node", node, caps.node, [n.id for n in network.nodes]),
    ):
        for f, cap, rid in zip(flows, limits, ids, strict=True):
            if f <= FLOW_ZERO or np.isinf(cap):
                continue
            util = float(f / cap) if cap > 0 else float("inf")
            if best is None or util > best[2]:
                best = (kind, rid, util)
    return (0.0, None) if best is None else (best[2], best)
