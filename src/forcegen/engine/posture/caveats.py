"""The price of caveats: the coverage gained if nations lifted their front-line caveat.

A pledge carries a front-line caveat when it may stand in a country with a front-line
zone but in none of its front-line zones (:func:`~forcegen.engine.posture.stationing.
is_caveated`): the UK, French and Canadian pledges of the built-in data. Coverage counts
only units free to move to the line, so a caveated unit covers nothing.

With the caveat of the nations ``T`` lifted, their units count, and the posture may
station them again (each front-line zone added to their pledges' zones; re-stationing
moves other units too, since each zone's units are balanced over its stations). The
coverage of lifting ``T`` is, for each reinforcement time, the best of the layouts
"the nations ``S`` re-stationed by the posture, every other unit where it stands, the
units of ``T`` counting" over every ``S`` within ``T`` (``S`` empty: every lifted unit
stays in place but now counts). Hence, by construction:

- the price is never negative: coverage(T) >= coverage(nothing lifted);
- it is monotone in the set lifted: S within T gives coverage(T) >= coverage(S), at each
  reinforcement time (every layout open to S is open to T, with more units counting).

The search covers every subset up to :data:`MAX_SEARCH` nations; beyond that only the
empty set, each nation alone and the whole set are tried, and only the first guarantee
holds. ``layout`` says which layout gave the figure at each time: "in place" or
"restationed" (with the nations re-stationed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from forcegen.engine.posture.stationing import Station

MAX_SEARCH = 8
"""Most caveated nations lifted together for which every subset is re-stationed (2^8
layouts)."""

IN_PLACE = "in place"
RESTATIONED = "restationed"


@dataclass(frozen=True)
class CaveatCost:
    """Coverage with the front-line caveat of ``nations`` lifted: ``coverage`` and
    ``gained`` (over the posture as given) by reinforcement time [h -> share 0-1], the
    layout that gave it at each time ("in place" or "restationed") with the nations
    re-stationed, and the pledges of the risk scenario at risk when the lifted units are
    re-stationed by the posture that are not already."""

    nations: tuple[str, ...]
    coverage: Mapping[float, float]
    gained: Mapping[float, float]
    newly_at_risk: tuple[str, ...] = ()
    layout: Mapping[float, str] | None = None
    restationed: Mapping[float, tuple[str, ...]] | None = None

    def to_json(self) -> dict[str, object]:
        """Nations lifted, coverage and coverage gained by hours, the layout that gave
        it, pledges newly at risk."""
        return {
            "nations": list(self.nations),
            "coverage": {hours_key(h): round(v, 4) for h, v in self.coverage.items()},
            "gained": {hours_key(h): round(v, 4) for h, v in self.gained.items()},
            "layout": {hours_key(h): v for h, v in (self.layout or {}).items()},
            "restationed": {hours_key(h): list(v) for h, v in (self.restationed or {}).items()},
            "newly_at_risk": list(self.newly_at_risk),
        }


def hours_key(hours: float) -> str:
    """A JSON key for a number of hours or km: '6', '24', '1.5'."""
    return f"{hours:g}"


def caveated_nations(stations: Sequence[Station]) -> tuple[str, ...]:
    """Nations with a caveated unit among ``stations``, in order of first appearance."""
    return tuple(dict.fromkeys(s.nation for s in stations if s.caveated))


def _layouts(nations: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The sets of nations re-stationed tried for lifting ``nations``: the empty set
    first, then by size, in the given order."""
    if len(nations) <= MAX_SEARCH:
        return [c for k in range(len(nations) + 1) for c in combinations(nations, k)]
    return [(), *((n,) for n in nations), nations]


def best_coverage(
    nations: tuple[str, ...],
    hours: Sequence[float],
    value: Callable[[tuple[str, ...], tuple[str, ...]], Mapping[float, float]],
) -> tuple[dict[float, float], dict[float, str], dict[float, tuple[str, ...]]]:
    """Coverage with the caveat of ``nations`` lifted, by hours [h -> 0-1], the layout
    that gave it and the nations re-stationed. ``value(restationed, counting)`` is the
    coverage with the nations ``restationed`` re-stationed by the posture and the units
    of ``counting`` free to move to the line. The first layout wins among equals (in
    place first)."""
    best: dict[float, float] = {}
    moved: dict[float, tuple[str, ...]] = {}
    for restation in _layouts(nations):
        covered = value(restation, nations)
        for h in hours:
            if h not in best or covered[h] > best[h]:
                best[h] = covered[h]
                moved[h] = restation
    layout = {h: IN_PLACE if not moved[h] else RESTATIONED for h in hours}
    return best, layout, moved


def caveat_costs(
    nations: Sequence[str],
    base: Mapping[float, float],
    base_at_risk: Sequence[str],
    value: Callable[[tuple[str, ...], tuple[str, ...]], Mapping[float, float]],
    at_risk: Callable[[tuple[str, ...]], Sequence[str]],
) -> tuple[CaveatCost, ...]:
    """One :class:`CaveatCost` per nation of ``nations`` and one for all of them (when
    several); ``value`` as in :func:`best_coverage`; ``at_risk(lifted)`` the pledges at
    risk with those nations' units re-stationed."""
    groups: list[tuple[str, ...]] = [(n,) for n in nations]
    if len(nations) > 1:
        groups.append(tuple(nations))
    out = []
    before = set(base_at_risk)
    for group in groups:
        covered, layout, moved = best_coverage(group, list(base), value)
        gained = {h: covered[h] - base[h] for h in base}
        newly = tuple(p for p in at_risk(group) if p not in before)
        out.append(CaveatCost(group, covered, gained, newly, layout, moved))
    return tuple(out)
