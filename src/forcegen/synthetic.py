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


def synthetic_coalition(
    nations: int = 40,
    units: int = 5_000,
    lines: int = 500,
    capabilities: int = 20,
    zones: int = 8,
    seed: int = 0,
) -> dict[str, Any]:
    """Workspace data for a synthetic coalition (see the module docstring)."""
    import pycountry

    rng = np.random.default_rng(seed)
    codes = sorted(c.alpha_3 for c in pycountry.countries)[:nations]
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
        "nations": [
            {
                "id": c,
                "name": c,
                "active_personnel": 100_000,
                "land_personnel": 50_000,
                "basis": "assumption",
            }
            for c in codes
        ],
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
