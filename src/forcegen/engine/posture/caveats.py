"""The price of caveats: the coverage gained if a nation lifted its front-line caveat.

A pledge carries a front-line caveat when it may stand in a country with a front-line
zone but in none of its front-line zones (:func:`~forcegen.engine.posture.stationing.
is_caveated`): the UK, French and Canadian pledges of the built-in data. Lifting a
nation's caveat adds every front-line zone to its pledges' zones; the units are then
stationed again under the same posture. Each caveated nation is lifted alone, then all of
them together (when there are several).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from forcegen.engine.posture.stationing import Station


@dataclass(frozen=True)
class CaveatCost:
    """Coverage with the front-line caveat of ``nations`` lifted: ``coverage`` and
    ``gained`` (over the posture as given) by reinforcement time [h -> share 0-1], and the
    pledges that would then be at risk that are not already."""

    nations: tuple[str, ...]
    coverage: Mapping[float, float]
    gained: Mapping[float, float]
    newly_at_risk: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Nations lifted, coverage and coverage gained by hours, pledges newly at risk."""
        return {
            "nations": list(self.nations),
            "coverage": {hours_key(h): round(v, 4) for h, v in self.coverage.items()},
            "gained": {hours_key(h): round(v, 4) for h, v in self.gained.items()},
            "newly_at_risk": list(self.newly_at_risk),
        }


def hours_key(hours: float) -> str:
    """A JSON key for a number of hours or km: '6', '24', '1.5'."""
    return f"{hours:g}"


def caveated_nations(stations: Sequence[Station]) -> tuple[str, ...]:
    """Nations with a caveated unit among ``stations``, in order of first appearance."""
    return tuple(dict.fromkeys(s.nation for s in stations if s.caveated))


def caveat_costs(
    nations: Sequence[str],
    base: Mapping[float, float],
    base_at_risk: Sequence[str],
    measure: Callable[[tuple[str, ...]], tuple[Mapping[float, float], Sequence[str]]],
) -> tuple[CaveatCost, ...]:
    """One :class:`CaveatCost` per nation of ``nations`` and one for all of them (when
    several); ``measure(lifted)`` gives the coverage by hours and the pledges at risk
    with those nations' caveats lifted."""
    groups: list[tuple[str, ...]] = [(n,) for n in nations]
    if len(nations) > 1:
        groups.append(tuple(nations))
    out = []
    for group in groups:
        covered, at_risk = measure(group)
        gained = {h: covered[h] - base[h] for h in base}
        newly = tuple(p for p in at_risk if p not in set(base_at_risk))
        out.append(CaveatCost(group, dict(covered), gained, newly))
    return tuple(out)
