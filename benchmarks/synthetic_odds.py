"""A synthetic coalition for the odds with requirements: plausible, seeded, any size.

``synthetic_odds(conditions=16, options=5, lines=20, seed=0)`` returns workspace data (a
plain mapping, as read from YAML) in the style of :mod:`benchmarks.synthetic`:
``conditions`` independent political conditions (P(true) 0.35-0.9), 30 nations
(real ISO codes), 12 capabilities (a share ``substitutes``, by default a third, with a
substitute at 1 or 2 units per unit),
4 zones, and ``pledges`` pledges (1-6 units each; 40 % restricted to one or two zones;
readiness 0-90 days; 30 % firm), each requiring one to three of the conditions
(``and``/``or``, one in ten negated). ``options`` force options (requirements) of
``lines`` lines each ask for 40 % to 90 % of the units expected to be active, capability
by capability, spread over the lines (half bound to a zone, a quarter with a deadline of
60-120 days, priorities 1-3), so that no option is met in every draw or in none: the
options are met with probabilities from about 2 % to 90 % and their fills spread over
[0.6, 1]. The same arguments give the same coalition.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.synthetic import nation_codes, synthetic_nations

NATIONS = 30
CAPABILITIES = 12
ZONES = 4


def synthetic_odds(
    conditions: int = 16,
    options: int = 5,
    lines: int = 20,
    pledges: int = 160,
    substitutes: float = 1 / 3,
    seed: int = 0,
) -> dict[str, Any]:
    """Workspace data for the odds benchmark (see the module docstring)."""
    rng = np.random.default_rng(seed)
    codes = nation_codes(NATIONS)
    zone_ids = [f"z{i}" for i in range(ZONES)]
    condition_ids = [f"k{i}" for i in range(conditions)]
    probability = {cid: round(float(rng.uniform(0.35, 0.9)), 3) for cid in condition_ids}
    caps = []
    for i in range(CAPABILITIES):
        cap: dict[str, Any] = {
            "id": f"c{i}",
            "name": f"Capability {i}",
            "domain": "land",
            "personnel": int(rng.integers(100, 5000)),
            "basis": "assumption",
        }
        if rng.random() < substitutes:
            other = int(rng.choice([j for j in range(CAPABILITIES) if j != i]))
            cap["substitutes"] = [{"capability": f"c{other}", "ratio": float(rng.choice([1, 2]))}]
        caps.append(cap)
    pledge_list: list[dict[str, Any]] = []
    expected = np.zeros(CAPABILITIES)  # expected active units per capability [units]
    for k in range(pledges):
        capability = int(rng.integers(0, CAPABILITIES))
        quantity = int(rng.integers(1, 7))
        terms = [str(c) for c in rng.choice(condition_ids, size=int(rng.integers(1, 4)))]
        ands = [rng.random() < 0.6 for _ in terms[1:]]
        negated = rng.random() < 0.1
        text = terms[0] + "".join(
            (" and " if a else " or ") + t for a, t in zip(ands, terms[1:], strict=True)
        )
        pledge: dict[str, Any] = {
            "id": f"p{k}",
            "nation": codes[int(rng.integers(0, NATIONS))],
            "capability": f"c{capability}",
            "quantity": quantity,
            "readiness_days": int(rng.integers(0, 91)),
            "status": "firm" if rng.random() < 0.3 else "stated",
            "requires": ("not " if negated else "") + f"({text})",
            "basis": "assumption",
        }
        if rng.random() < 0.4:
            size = int(rng.integers(1, 3))
            pledge["zones"] = [zone_ids[z] for z in rng.choice(ZONES, size=size, replace=False)]
        pledge_list.append(pledge)
        expected[capability] += quantity * _p_true(terms, ands, negated, probability)
    requirements = []
    for r in range(options):
        share = 0.4 + 0.5 * r / max(1, options - 1)  # of the expected active units
        demand = expected * share
        weights = demand / demand.sum()
        chosen = rng.choice(CAPABILITIES, size=lines, p=weights)
        per_line = np.bincount(chosen, minlength=CAPABILITIES)
        requirement_lines = []
        for c in chosen:
            quantity = max(1, int(np.rint(demand[c] / per_line[c])))
            line: dict[str, Any] = {
                "capability": f"c{int(c)}",
                "quantity": quantity,
                "priority": int(rng.integers(1, 4)),
            }
            if rng.random() < 0.5:
                line["zone"] = zone_ids[int(rng.integers(0, ZONES))]
            if rng.random() < 0.25:
                line["needed_by_day"] = int(rng.integers(60, 121))
            requirement_lines.append(line)
        requirements.append(
            {
                "id": f"option-{r + 1}",
                "name": f"Option {r + 1} ({share:.0%} of the expected force)",
                "basis": "assumption",
                "lines": requirement_lines,
            }
        )
    return {
        "conditions": [
            {
                "id": cid,
                "description": f"Condition {cid}",
                "probability": probability[cid],
                "basis": "assumption",
            }
            for cid in condition_ids
        ],
        "nations": synthetic_nations(codes),
        "capabilities": caps,
        "zones": [{"id": z, "name": z} for z in zone_ids],
        "pledges": pledge_list,
        "requirements": requirements,
    }


def _p_true(terms: list[str], ands: list[bool], negated: bool, p: dict[str, float]) -> float:
    """P(the pledge's expression holds), by enumerating its (at most three) conditions;
    ``and`` binds tighter than ``or``, as in forcegen's expressions."""
    distinct = sorted(set(terms))
    total = 0.0
    for bits in range(1 << len(distinct)):
        value = {c: bool(bits >> j & 1) for j, c in enumerate(distinct)}
        weight = float(np.prod([p[c] if value[c] else 1 - p[c] for c in distinct]))
        groups = [[value[terms[0]]]]
        for a, t in zip(ands, terms[1:], strict=True):
            if a:
                groups[-1].append(value[t])
            else:
                groups.append([value[t]])
        holds = any(all(g) for g in groups)
        total += weight * (holds != negated)
    return total
