"""What holds the deployment up: daily utilisation of every node and leg, and the
bottlenecks (capacities saturated over consecutive days with a non-zero shadow price).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.deployment.time_expanded import (
    INJECT,
    LEG,
    Graph,
    LoadSolution,
)
from forcegen.engine.tolerances import LOAD, SOLVER_GAP
from forcegen.model.network import Network

if TYPE_CHECKING:
    import pandas as pd


SATURATED = 1 - 1e-5
"""Utilisation from which a capacity counts as saturated [share]."""


@dataclass(frozen=True)
class Bottleneck:
    """A capacity saturated over consecutive days, with a non-zero shadow price."""

    resource: str
    name: str
    what: str  # "departures" (a leg) or "handling" (a node)
    load: str
    first_day: int
    last_day: int
    shadow_price: float
    """Item-days saved per extra item a day over the run [item-days per item/day]."""

    @property
    def text(self) -> str:
        """In plain words, e.g. 'Przemysl rail transshipment (cargo handling), 100 % from
        day 3 to day 19'."""
        days = (
            f"on day {self.first_day}"
            if self.first_day == self.last_day
            else f"from day {self.first_day} to day {self.last_day}"
        )
        return f"{self.name} ({self.load} {self.what}), 100 % {days}"

    def row(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {
            "resource": self.resource,
            "name": self.name,
            "what": self.what,
            "load": self.load,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "shadow_price": round(self.shadow_price, 6),
            "text": self.text,
        }


def usage_by_day(graph: Graph, solution: LoadSolution) -> tuple[np.ndarray, np.ndarray]:
    """Departures per (leg, day) and arrivals per (node, day) of one load."""
    n_days = graph.leg_capacity.shape[1]
    legs = np.zeros((graph.leg_capacity.shape[0], n_days))
    nodes = np.zeros((graph.n_nodes, n_days))
    is_leg = solution.kind == LEG
    np.add.at(legs, (solution.place[is_leg], solution.day[is_leg]), solution.flow[is_leg])
    arrive = solution.day[is_leg] + graph.transit[solution.place[is_leg]]
    np.add.at(nodes, (graph.leg_to[solution.place[is_leg]], arrive), solution.flow[is_leg])
    inj = solution.kind == INJECT
    np.add.at(nodes, (solution.place[inj], solution.day[inj]), solution.flow[inj])
    return legs, nodes


def leg_name(network: Network, index: int) -> str:
    leg = network.legs[index]
    if leg.name:
        return leg.name
    names = {node.id: node.name for node in network.nodes}
    return f"{names[leg.from_]} - {names[leg.to]} ({leg.mode.value})"


Usage = tuple[np.ndarray, np.ndarray]
"""Departures per (leg, day) and arrivals per (node, day) of one load [persons or short tons]."""


def utilisation_table(
    network: Network,
    graphs: Mapping[str, Graph],
    solutions: Mapping[str, LoadSolution],
    usage_of: Mapping[str, Usage],
) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for load in solutions:
        graph = graphs[load]
        legs, nodes = usage_of[load]
        busy = np.flatnonzero((legs > LOAD).any(axis=0) | (nodes > LOAD).any(axis=0))
        last = int(busy.max()) if busy.size else -1
        for kind, usage, capacity, records in (
            ("leg", legs, graph.leg_capacity, network.legs),
            ("node", nodes, graph.handling, network.nodes),
        ):
            limited = np.isfinite(capacity) & (capacity > 0)
            limited[:, last + 1 :] = False
            for i_, d_ in zip(*np.nonzero((usage > LOAD) | limited), strict=True):
                i, d = int(i_), int(d_)
                cap = float(capacity[i, d])
                record = records[i]
                rows.append(
                    {
                        "resource": record.id,
                        "name": leg_name(network, i) if kind == "leg" else record.name,
                        "kind": kind,
                        "load": load,
                        "day": int(d),
                        "flow": round(float(usage[i, d]), 6),
                        "capacity": cap if np.isfinite(cap) else None,
                        "utilisation": round(float(usage[i, d]) / cap, 6)
                        if np.isfinite(cap) and cap > 0
                        else None,
                    }
                )
    columns = ["resource", "name", "kind", "load", "day", "flow", "capacity", "utilisation"]
    return pd.DataFrame(rows, columns=columns)


def _runs(days: np.ndarray) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for d in sorted(int(x) for x in days):
        if out and d == out[-1][1] + 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def find_bottlenecks(
    network: Network,
    graphs: Mapping[str, Graph],
    solutions: Mapping[str, LoadSolution],
    usage_of: Mapping[str, Usage],
) -> list[Bottleneck]:
    found: list[Bottleneck] = []
    for load, solution in solutions.items():
        graph = graphs[load]
        legs, nodes = usage_of[load]
        leg_dual = np.zeros_like(legs)
        leg_dual[solution.cap_rows, solution.cap_days] = np.abs(solution.cap_duals)
        node_dual = np.zeros_like(nodes)
        node_dual[solution.handling_rows, solution.handling_days] = np.abs(solution.handling_duals)
        for what, usage, capacity, dual, records in (
            ("departures", legs, graph.leg_capacity, leg_dual, network.legs),
            ("handling", nodes, graph.handling, node_dual, network.nodes),
        ):
            with np.errstate(invalid="ignore", divide="ignore"):
                full = (capacity > 0) & np.isfinite(capacity) & (usage >= capacity * SATURATED)
            for i_ in np.flatnonzero(full.any(axis=1)):
                i = int(i_)
                record = records[i]
                for first, last in _runs(np.flatnonzero(full[i])):
                    price = float(dual[i, first : last + 1].sum())
                    if price <= SOLVER_GAP:
                        continue  # saturated but not holding anything up
                    name = leg_name(network, i) if what == "departures" else record.name
                    found.append(Bottleneck(record.id, name, what, load, first, last, price))
    found.sort(key=lambda b: (-b.shadow_price, b.first_day, b.resource))
    return found
