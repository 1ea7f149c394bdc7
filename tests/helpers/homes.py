"""Random deployment cases for the home-less groups of the time-expanded LP, and a
``LoadModel`` that keeps every home (the model before the change) as the oracle."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

import forcegen.engine.deployment.planner as planner
import forcegen.engine.deployment.probe as probe
from forcegen.engine.deployment import time_expanded as new
from forcegen.engine.deployment.movement import Movement
from forcegen.engine.deployment.time_expanded import LoadModel as NewModel
from forcegen.model.network import Network


def random_case(seed: int) -> tuple[new.Graph, list[new.Group]]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    horizon_max = 40
    n_days = horizon_max + 1
    legs = []
    for _ in range(int(rng.integers(1, 3 * n))):
        u, v = rng.choice(n, 2, replace=False)
        legs.append((int(u), int(v)))
    leg_from = np.array([u for u, _ in legs], dtype=np.int64)
    leg_to = np.array([v for _, v in legs], dtype=np.int64)
    transit = rng.integers(1, 4, len(legs)).astype(np.int64)
    cap = rng.integers(1, 30, (len(legs), 1)).astype(float) * np.ones((1, n_days))
    off = rng.random((len(legs), n_days)) < rng.choice([0.0, 0.2, 0.5])
    cap[off] = 0.0
    dwell = rng.integers(0, 4, n).astype(np.int64) * (rng.random(n) < 0.6)
    handling = np.full((n, n_days), np.inf)
    for v in range(n):
        if rng.random() < 0.3:
            handling[v] = float(rng.integers(1, 40))
    graph = new.Graph(leg_from, leg_to, transit, cap, dwell, handling)
    groups = []
    for _ in range(int(rng.integers(1, 5))):
        dest = int(rng.integers(0, n))
        k = int(rng.integers(1, min(n, 3) + 1))
        origins = tuple(int(x) for x in rng.choice(n, k, replace=False))
        if rng.random() < 0.8:
            origins = tuple(o for o in origins if o != dest) or origins
        supply = {}
        for _ in range(int(rng.integers(1, 4))):
            day = int(rng.integers(0, 15))
            supply[day] = supply.get(day, 0.0) + float(rng.integers(1, 60))
        groups.append(new.Group(origins, dest, supply))
    return graph, groups


class HomesKept(NewModel):
    """The LP with a home for every group, as before groups without a handling-limited
    origin lost theirs: every origin without a handling limit gets one no load can reach
    (everything supplied, plus one, a day), which keeps the home and its holdovers and
    changes no plan."""

    def __init__(self, graph: new.Graph, groups: Any, horizon: int) -> None:
        supplied = 1.0 + sum(float(sum(g.supply.values())) for g in groups)
        handling = graph.handling.copy()
        for group in groups:
            for o in group.origins:
                if not np.isfinite(handling[o]).any():
                    handling[o] = supplied
        super().__init__(dataclasses.replace(graph, handling=handling), groups, horizon)


@contextmanager
def model(cls: Any) -> Iterator[None]:
    planner.LoadModel, probe.LoadModel = cls, cls
    try:
        yield
    finally:
        planner.LoadModel, probe.LoadModel = NewModel, NewModel


def random_net(seed: int) -> tuple[Network, list[Movement]]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 7))
    ids = [f"n{i}" for i in range(n)]
    nodes = []
    for i in ids:
        extra: dict[str, Any] = {"dwell_days": int(rng.integers(0, 3)) if rng.random() < 0.5 else 0}
        if rng.random() < 0.25:
            extra["handling"] = {
                "pax_per_day": float(rng.integers(5, 80)),
                "short_tons_per_day": float(rng.integers(5, 80)),
            }
        nodes.append(
            {"id": i, "name": i.upper(), "kind": "staging", "lat": 50.0, "lon": 20.0, **extra}
        )
    legs = []
    seen = set()
    ring = [(ids[i], ids[(i + 1) % n]) for i in range(n)]
    extra_pairs = [
        tuple(str(x) for x in rng.choice(ids, 2, replace=False))
        for _ in range(int(rng.integers(0, 2 * n)))
    ]
    for a, b in ring + extra_pairs:
        if (a, b) in seen:
            continue
        seen.add((a, b))
        legs.append(
            {
                "id": f"{a}-{b}",
                "from": a,
                "to": b,
                "mode": "road",
                "transit_days": int(rng.integers(1, 4)),
                "capacity": {
                    "pax_per_day": float(rng.integers(5, 60)),
                    "short_tons_per_day": float(rng.integers(5, 60)),
                },
            }
        )
    disruptions = []
    for k in range(int(rng.integers(0, 3))):
        target = str(rng.choice(ids + [leg["id"] for leg in legs]))
        disruptions.append(
            {
                "id": f"d{k}",
                "target": target,
                "probability": float(rng.random()),
                "days": int(rng.integers(1, 6)),
                "reduction": float(rng.choice([1.0, 0.5])),
                "latest_day": int(rng.integers(0, 10)),
            }
        )
    net = Network.model_validate(
        {
            "nodes": nodes,
            "legs": legs,
            "origins": {"GBR": ids},
            "zones": {"w": ids[-1]},
            "horizon_days": int(rng.integers(20, 60)),
            "disruptions": disruptions,
        }
    )
    movements = []
    for k in range(int(rng.integers(1, 7))):
        dest = str(rng.choice(ids))
        origins = tuple(str(x) for x in rng.choice(ids, int(rng.integers(1, 3)), replace=False))
        movements.append(
            Movement(
                f"u{k}",
                f"u{k}",
                "GBR",
                "c",
                origins,
                dest,
                "w",
                int(rng.integers(0, 12)),
                int(rng.integers(1, 25)) if rng.random() < 0.5 else None,
                float(rng.integers(0, 200)),
                float(rng.integers(0, 200)),
                0.0,
            )
        )
    return net, movements
