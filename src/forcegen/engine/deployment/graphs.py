"""The time-expanded graphs of a network and the groups of items that move over them.

One graph per load (personnel [persons], cargo [short tons]): node handling and leg
capacities per day over the horizon [per day], transit and dwell [days]. Items bound for
the same destination from the same origins and ready on the same day form a group.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.time_expanded import (
    Graph,
    Group,
)
from forcegen.model.network import Network

if TYPE_CHECKING:
    pass


LOADS = ("personnel", "cargo")
"""The two kinds of load: personnel [persons] and cargo [short tons]."""


@dataclass(frozen=True)
class CapacityScale:
    """Share of capacity left on given days, by node or leg id: arrays of one value per
    day [share], from day 0; days past the end keep full capacity."""

    by_target: Mapping[str, np.ndarray] = field(default_factory=dict)


def build_graphs(
    network: Network, days: int, scale: CapacityScale | None = None
) -> dict[str, Graph]:
    """The graph of each load over days 0 .. ``days``. A disrupted leg loses capacity; a
    disrupted node loses that share of its handling, of the departures from it and of
    the arrivals over legs into it (a closed node receives nothing)."""
    node_index = {node.id: i for i, node in enumerate(network.nodes)}
    n_days = days + 1
    factors = {}
    for target, values in (scale.by_target if scale else {}).items():
        full = np.ones(n_days)
        n = min(n_days, values.shape[0])
        full[:n] = values[:n]
        factors[target] = full
    graphs = {}
    for load, attribute in zip(LOADS, ("pax_per_day", "short_tons_per_day"), strict=True):
        cap = np.zeros((len(network.legs), n_days))
        for i, leg in enumerate(network.legs):
            cap[i] = getattr(leg.capacity, attribute)
            for target in (leg.id, leg.from_):  # the leg, and departures from its start
                if target in factors:
                    cap[i] = cap[i] * factors[target]
            if leg.to in factors:  # arrivals at its end, on the arrival day
                arrive = np.ones(n_days)
                t = leg.transit_days
                arrive[: max(0, n_days - t)] = factors[leg.to][t:]
                cap[i] = cap[i] * arrive
        handling = np.full((len(network.nodes), n_days), np.inf)
        for i, node in enumerate(network.nodes):
            limit = getattr(node.handling, attribute) if node.handling else None
            if limit is not None:
                handling[i] = limit
            if node.id in factors:  # a closed node receives nothing, limit or not
                factor = factors[node.id]
                kept = handling[i] * np.where(factor == 0, 1.0, factor)  # no inf x 0
                handling[i] = np.where(factor == 0, 0.0, kept)
        graphs[load] = Graph(
            leg_from=np.array([node_index[leg.from_] for leg in network.legs], dtype=np.int64),
            leg_to=np.array([node_index[leg.to] for leg in network.legs], dtype=np.int64),
            transit=np.array([leg.transit_days for leg in network.legs], dtype=np.int64),
            leg_capacity=cap,
            dwell=np.array([node.dwell_days for node in network.nodes], dtype=np.int64),
            handling=handling,
        )
    return graphs


def load_amount(movement: Movement, load: str) -> float:
    return movement.personnel if load == "personnel" else movement.short_tons


def build_groups(
    network: Network,
    movements: Sequence[Movement],
    load: str,
    skip: Container[int] = (),
) -> tuple[list[Group], list[list[int]]]:
    """Groups of units with the same origins and destination, and their members
    (indices into ``movements``; those in ``skip`` are left out)."""
    node_index = {node.id: i for i, node in enumerate(network.nodes)}
    keys: dict[tuple[tuple[int, ...], int], int] = {}
    supplies: list[dict[int, float]] = []
    members: list[list[int]] = []
    for m, movement in enumerate(movements):
        amount = load_amount(movement, load)
        if amount <= 0 or m in skip:
            continue
        key = (tuple(node_index[o] for o in movement.origins), node_index[movement.destination])
        if key not in keys:
            keys[key] = len(supplies)
            supplies.append({})
            members.append([])
        g = keys[key]
        supplies[g][movement.ready_day] = supplies[g].get(movement.ready_day, 0.0) + amount
        members[g].append(m)
    groups = [Group(k[0], k[1], s) for k, s in zip(keys, supplies, strict=True)]
    return groups, members
