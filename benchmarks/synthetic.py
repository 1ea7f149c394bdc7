"""Synthetic coalitions for benchmarks and tests: plausible, seeded, any size.

``synthetic_coalition(seed=0)`` returns workspace data (a plain mapping, as read from
YAML) with ``nations`` nations (real ISO codes), ``capabilities`` capabilities each
listing up to two substitutes, ``zones`` zones, pledges adding up to ``units`` units
(1-9 units each; half restricted to 1-3 zones; readiness 0-90 days; 30 % firm) and one
requirement of ``lines`` lines (1-15 units each; 70 % bound to a zone; 60 % with a
deadline of 10-120 days; priorities 1-3). The same seed gives the same coalition.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def nation_codes(count: int) -> list[str]:
    """The first ``count`` ISO 3166 alpha-3 codes, sorted: the synthetic nations' ids."""
    import pycountry

    return sorted(c.alpha_3 for c in pycountry.countries)[:count]


def synthetic_nations(codes: list[str]) -> list[dict[str, Any]]:
    """One nation record per code, 100,000 active and 50,000 land personnel each."""
    return [
        {
            "id": c,
            "name": c,
            "active_personnel": 100_000,
            "land_personnel": 50_000,
            "basis": "assumption",
        }
        for c in codes
    ]


def synthetic_coalition(
    nations: int = 40,
    units: int = 5_000,
    lines: int = 500,
    capabilities: int = 20,
    zones: int = 8,
    seed: int = 0,
) -> dict[str, Any]:
    """Workspace data for a synthetic coalition (see the module docstring)."""
    rng = np.random.default_rng(seed)
    codes = nation_codes(nations)
    zone_ids = [f"z{i}" for i in range(zones)]
    caps = []
    for i in range(capabilities):
        others = [j for j in range(capabilities) if j != i]
        subs = rng.choice(others, size=int(rng.integers(0, 3)), replace=False)
        caps.append(
            {
                "id": f"c{i}",
                "name": f"Capability {i}",
                "domain": "land",
                "personnel": int(rng.integers(100, 5000)),
                "basis": "assumption",
                "substitutes": [
                    {"capability": f"c{j}", "ratio": float(rng.choice([1, 2, 3]))} for j in subs
                ],
            }
        )
    pledges: list[dict[str, Any]] = []
    remaining = units
    while remaining > 0:
        quantity = min(remaining, int(rng.integers(1, 10)))
        remaining -= quantity
        pledge: dict[str, Any] = {
            "id": f"p{len(pledges)}",
            "nation": codes[int(rng.integers(0, nations))],
            "capability": f"c{int(rng.integers(0, capabilities))}",
            "quantity": quantity,
            "readiness_days": int(rng.integers(0, 91)),
            "status": "firm" if rng.random() < 0.3 else "stated",
            "basis": "assumption",
        }
        if rng.random() < 0.5:
            k = int(rng.integers(1, 4))
            pledge["zones"] = [zone_ids[z] for z in rng.choice(zones, size=k, replace=False)]
        pledges.append(pledge)
    requirement_lines = []
    for _ in range(lines):
        line: dict[str, Any] = {
            "capability": f"c{int(rng.integers(0, capabilities))}",
            "quantity": int(rng.integers(1, 16)),
            "priority": int(rng.integers(1, 4)),
        }
        if rng.random() < 0.7:
            line["zone"] = zone_ids[int(rng.integers(0, zones))]
        if rng.random() < 0.6:
            line["needed_by_day"] = int(rng.integers(10, 121))
        requirement_lines.append(line)
    return {
        "nations": synthetic_nations(codes),
        "capabilities": caps,
        "zones": [{"id": z, "name": z} for z in zone_ids],
        "pledges": pledges,
        "requirements": [
            {
                "id": "synthetic",
                "name": "Synthetic CJSOR",
                "basis": "assumption",
                "lines": requirement_lines,
            }
        ],
    }


def synthetic_deployment(
    units: int = 1_000,
    nodes: int = 80,
    destinations: int = 6,
    nations: int = 30,
    seed: int = 0,
) -> tuple[Any, list[Any]]:
    """A synthetic deployment network and movements: ``nations`` origins, airfields and
    ports of debarkation, staging areas, border crossings and ``destinations``, joined
    by air, sea, road and rail legs (``nodes`` nodes in all); ``units`` units of 20-180
    personnel and 3 short tons per person (about 100,000 personnel and 300,000 short
    tons for 1,000 units), ready on days 0-30, half with a required day. Returns
    ``(Network, [Movement])``; the same seed gives the same case."""
    from forcegen.engine.deployment.movement import Movement
    from forcegen.model.network import Network

    rng = np.random.default_rng(seed)
    hubs = nodes - nations - destinations
    n_air, n_sea = max(1, hubs // 6), max(1, hubs // 8)
    n_border = max(1, hubs // 4)
    n_stage = max(1, hubs - n_air - n_sea - n_border)
    node_list: list[dict[str, Any]] = []
    legs: list[dict[str, Any]] = []

    def add_node(prefix: str, kind: str, count: int, lon: float, **extra: Any) -> list[str]:
        ids = [f"{prefix}{i}" for i in range(count)]
        for i, nid in enumerate(ids):
            node_list.append(
                {
                    "id": nid,
                    "name": f"{kind.title()} {i}",
                    "kind": kind,
                    "lat": float(45 + rng.uniform(0, 10)),
                    "lon": float(lon + rng.uniform(0, 3)),
                    "basis": "assumption",
                    **extra,
                }
            )
        return ids

    origins = add_node("o", "origin", nations, 0.0)
    air = add_node("a", "airfield", n_air, 20.0, handling={"pax_per_day": 3000.0})
    sea = add_node("s", "port", n_sea, 22.0, dwell_days=2)
    stage = add_node("g", "staging", n_stage, 24.0, dwell_days=1)
    border = add_node("b", "border", n_border, 27.0, handling={"short_tons_per_day": 2500.0})
    dests = add_node("d", "destination", destinations, 30.0)

    def add_leg(a: str, b: str, mode: str, transit: int, pax: float, tons: float) -> None:
        legs.append(
            {
                "id": f"{a}-{b}-{mode}",
                "from": a,
                "to": b,
                "mode": mode,
                "transit_days": transit,
                "capacity": {"pax_per_day": pax, "short_tons_per_day": tons},
                "basis": "assumption",
            }
        )

    # about 2.2 legs per node, as in the built-in MNF-U network
    for i, o in enumerate(origins):
        add_leg(o, air[i % n_air], "air", 1, 400.0, 120.0)
        add_leg(o, sea[i % n_sea], "sea", int(rng.integers(4, 12)), 0.0, 1500.0)
    for i, hub in enumerate([*air, *sea]):
        add_leg(hub, stage[i % n_stage], "road", 1, 2000.0, 800.0)
        add_leg(hub, stage[(i + 1) % n_stage], "rail", 2, 1000.0, 1500.0)
    for i, g in enumerate(stage):
        add_leg(g, border[i % n_border], "road", 1, 1500.0, 600.0)
        add_leg(g, border[(i + 1) % n_border], "rail", 1, 500.0, 900.0)
    for i, b in enumerate(border):
        for j in range(2):
            d = dests[(2 * i + j) % destinations]
            add_leg(b, d, "road", int(rng.integers(1, 4)), 2000.0, 700.0)
            add_leg(b, d, "rail", int(rng.integers(1, 3)), 800.0, 1200.0)
    network = Network.model_validate(
        {
            "nodes": node_list,
            "legs": legs,
            "origins": {f"N{i:02d}": [o] for i, o in enumerate(origins)},
            "zones": {f"z{i}": d for i, d in enumerate(dests)},
            "horizon_days": 180,
        }
    )
    movements = []
    for u in range(units):
        nation = int(rng.integers(0, nations))
        zone = int(rng.integers(0, destinations))
        personnel = float(rng.integers(20, 181))
        ready = int(rng.integers(0, 31))
        movements.append(
            Movement(
                unit=f"u{u}",
                pledge=f"u{u}",
                nation=f"N{nation:02d}",
                capability="synthetic",
                origins=(origins[nation],),
                destination=dests[zone],
                zone=f"z{zone}",
                ready_day=ready,
                required_day=ready + int(rng.integers(10, 60)) if rng.random() < 0.5 else None,
                personnel=personnel,
                short_tons=3.0 * personnel,
                vehicles=round(personnel / 4),
            )
        )
    return network, movements
