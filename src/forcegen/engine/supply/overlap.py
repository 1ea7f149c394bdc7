"""Resupply while the force is still closing: on each day of the deployment, the units
already in place must be supplied over the capacity the movement leaves.

Day ``d`` (from the first unit in place to the closure day): the demand of the units whose
closure day is ``d`` or earlier, carried on each leg's and node's cargo capacity less the
deployment plan's own cargo flow that day (``DeploymentResult.utilisation_frame()``), at
the least highest utilisation of that residual (:func:`.resupply.steady_flow`).
Days with the same units in place and the same residual capacities are solved once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.supply.consumption import UnitDemand, by_destination
from forcegen.engine.supply.resupply import UTILISATION_SLACK, Capacities, steady_flow
from forcegen.model.network import Network

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ClosureDay:
    """One day of the deployment with units in place: their demand [short tons/day], the
    least highest utilisation of the residual capacity that carries it [share] (inf when
    some destination cannot be reached over what is left) and the capacity at it."""

    day: int
    demand: float
    utilisation: float
    binding: tuple[str, str, float] | None


@dataclass(frozen=True)
class ClosureOverlap:
    """Resupply over the days the force is closing."""

    days: tuple[ClosureDay, ...]
    solves: int
    """Distinct days solved [LPs]."""

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


def closure_overlap(
    network: Network,
    demands: Sequence[UnitDemand],
    sources: Sequence[str],
    usage: pd.DataFrame,
    closure_day: int | None,
) -> ClosureOverlap:
    """Resupply of the units in place on each day up to ``closure_day`` over the residual
    capacity (``usage``: the deployment's utilisation frame)."""
    placed = [d.closure_day for d in demands if d.closure_day is not None]
    if not placed:
        return ClosureOverlap((), 0)
    last = closure_day if closure_day is not None else max(placed)
    full = Capacities.full(network)
    cache: dict[tuple[object, ...], tuple[float, tuple[str, str, float] | None]] = {}
    out = []
    for day in range(min(placed), last + 1):
        in_place = [d for d in demands if d.closure_day is not None and d.closure_day <= day]
        demand = by_destination(in_place)
        caps = residual(network, usage, day, full)
        key = (tuple(sorted(demand.items())), caps.key())
        if key not in cache:
            flow = steady_flow(network, demand, sources, caps, routes=False)
            cache[key] = (flow.utilisation, flow.binding)
        util, binding = cache[key]
        out.append(ClosureDay(day, float(np.sum(list(demand.values()))), util, binding))
    return ClosureOverlap(tuple(out), len(cache))
