"""Rotation and sustainability: can each nation keep its load in the field?

A nation's **load** in month m [persons] is its pledged land and joint personnel plus the
staff of every headquarters it leads in month m. Tours are synchronous: tour i covers
months (i-1) x T + 1 .. i x T (T = ``tour_months``) and must field the largest load of
its months. A person who serves a tour is away from it for the next R - 1 tours
(R = ``rotation_ratio``: personnel in the cycle per person deployed), so no one serves
twice in any R consecutive tours; a fractional R is read as sub-units rotating
staggered (the fluid limit: in any stretch of R tours' time, each person serves one
tour's time).

Per nation (docs/rotation.md, docs/sustainment.md):

- pool = land_personnel x deployable_fraction [persons]
- tied = sum over commitments of personnel x their rotation ratio [persons]
- available = pool - tied [persons]
- ceiling = available / rotation_ratio: the continuous strength it can sustain [persons]
- distinct personnel for tours 1..k (:func:`distinct_personnel`): the most any window of
  R consecutive tours needs; for a constant load P that is P x min(k, R)
- fails at month k x T for the largest k whose tours 1..k need no more than available;
  never (sustainable) when the load can be held indefinitely (``steady_state_pool`` <=
  available). For a constant load this is floor(available / P) tours, as before.
- draw-down needed = the continuous strength to withdraw from drawable commitments, in
  the order the data lists them, to make the load sustainable [persons]
- personnel over a horizon of H months: the distinct personnel of tours 1..ceil(H / T),
  each tour's load taken within the horizon; for a constant load P that is
  P x min(ceil(H / T), R) (64,000 over 24 months with 6-month tours and R = 5: 256,000)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from forcegen.engine.tolerances import FRACTION, PERSONS
from forcegen.model.defaults import PARAMETERS, Defaults
from forcegen.model.nations import Nation

_BUILTIN = Defaults()


@dataclass(frozen=True)
class DrawDown:
    """Continuous strength withdrawn from one commitment [persons]."""

    commitment: str
    personnel: float
    location: str | None = None


@dataclass(frozen=True)
class HeadquartersLoad:
    """Staff of one headquarters carried by its lead nation in months
    [``from_month``, ``to_month``] (``to_month`` None: open-ended) [persons]."""

    hq: str
    from_month: int
    to_month: int | None
    staff: int

    def on(self, month: int) -> bool:
        """True when the lead carries this staff in ``month`` (1-based)."""
        return self.from_month <= month and (self.to_month is None or month <= self.to_month)


def tour_loads(load: Callable[[int], float], tour_months: int, months: int) -> list[float]:
    """The load of each tour that starts within months 1..``months``: the largest
    monthly load among its months up to ``months`` [persons]."""
    tours = math.ceil(months / tour_months)
    return [
        max(load(m) for m in range(i * tour_months + 1, min((i + 1) * tour_months, months) + 1))
        for i in range(tours)
    ]


def distinct_personnel(loads: Sequence[float], rotation_ratio: float) -> float:
    """Fewest distinct persons who fill tours with these loads [persons], no one serving
    twice within ``rotation_ratio`` consecutive tours.

    That is the largest load of any window of ``rotation_ratio`` consecutive tours (a
    window's persons are all different; one pool that size fills every tour in turn);
    with no more tours than that, the sum of all of them. A fractional ratio counts its
    window's last tour in part (the fluid limit of staggered rotation). Constant loads P
    give P x min(len(loads), rotation_ratio).
    """
    n = len(loads)
    if n == 0:
        return 0.0
    if n <= rotation_ratio + FRACTION:
        return float(sum(loads))
    prefix = [0.0]
    for value in loads:
        prefix.append(prefix[-1] + value)

    def integral(x: float) -> float:  # load summed over tours [0, x)
        whole = min(math.floor(x + FRACTION), n)
        part = x - whole
        return prefix[whole] + (part * loads[whole] if whole < n and part > FRACTION else 0.0)

    span = n - rotation_ratio
    starts = {float(s) for s in range(math.floor(span + FRACTION) + 1)}
    starts |= {j - rotation_ratio for j in range(math.ceil(rotation_ratio), n + 1)}
    return max(integral(s + rotation_ratio) - integral(s) for s in starts if s >= -FRACTION)


@dataclass(frozen=True)
class NationSustainment:
    """What one nation can keep in the field; personnel in [persons], months in [months]."""

    nation: str
    pledged: int
    """Land and joint personnel of its active pledges, headquarters pledges aside."""
    pool: float
    tied: float
    available: float
    ceiling: float
    rotation_ratio: float
    tour_months: int
    fails_at_month: int | None
    draw_down_needed: float
    """Continuous strength to withdraw to make the load sustainable [persons]."""
    draw_down_from: tuple[DrawDown, ...]
    """What the drawable commitments can give, in data order (may fall short)."""
    draw_down_enough: bool
    warnings: tuple[str, ...] = field(default=())
    deployable_fraction: float = _BUILTIN.deployable_fraction
    from_defaults: tuple[str, ...] = ()
    """Rotation figures taken from the workspace defaults (the nation gives none)."""
    headquarters: tuple[HeadquartersLoad, ...] = ()
    """Headquarters staff it carries while it leads."""
    steady_state_pool: float = 0.0
    """Distinct personnel to hold the load indefinitely: rotation_ratio x the load for a
    constant load [persons]."""

    @property
    def sustainable(self) -> bool:
        """True when the load can be held indefinitely."""
        return self.fails_at_month is None

    @property
    def peak_load(self) -> float:
        """The largest monthly load, in or after any horizon [persons]."""
        return max(self.load(m) for m in _change_months(self.headquarters))

    @property
    def headroom(self) -> float:
        """Ceiling minus the peak load [persons]; negative when the load is too large."""
        return self.ceiling - self.peak_load

    def load(self, month: int) -> float:
        """Personnel it must field in ``month`` (1-based): pledged plus the staff of the
        headquarters it leads that month [persons]."""
        return float(self.pledged + sum(h.staff for h in self.headquarters if h.on(month)))

    def deployed(self, month: int) -> float:
        """Strength in the field in ``month`` (1-based) [persons].

        The full load until it fails, then what can be sustained (the ceiling, if any).
        """
        load = self.load(month)
        if self.fails_at_month is None or month <= self.fails_at_month:
            return load
        return min(load, max(self.ceiling, 0.0))

    def personnel_over_horizon(self, months: int) -> float:
        """Distinct personnel who serve to hold the load over months 1..``months``
        (see :func:`distinct_personnel`) [persons]."""
        return distinct_personnel(
            tour_loads(self.load, self.tour_months, months), self.rotation_ratio
        )

    def to_json(self, months: int | None = None) -> dict[str, object]:
        """The documented JSON shape of one nation; with ``months``, also its load by
        month and its personnel over that horizon."""
        out: dict[str, object] = {
            "pledged": self.pledged,
            "headquarters": [
                {"hq": h.hq, "from_month": h.from_month, "to_month": h.to_month, "staff": h.staff}
                for h in self.headquarters
            ],
            "peak_load": self.peak_load,
            "deployable_fraction": self.deployable_fraction,
            "rotation_ratio": self.rotation_ratio,
            "tour_months": self.tour_months,
            "from_defaults": list(self.from_defaults),
            "pool": self.pool,
            "tied": self.tied,
            "available": self.available,
            "ceiling": self.ceiling,
            "headroom": self.headroom,
            "sustainable": self.sustainable,
            "fails_at_month": self.fails_at_month,
            "steady_state_pool": self.steady_state_pool,
            "draw_down_needed": self.draw_down_needed,
            "draw_down_from": [
                {"commitment": d.commitment, "location": d.location, "personnel": d.personnel}
                for d in self.draw_down_from
            ],
            "draw_down_enough": self.draw_down_enough,
            "warnings": list(self.warnings),
        }
        if months is not None:
            out["load"] = [self.load(m) for m in range(1, months + 1)]
            out["personnel_over_horizon"] = self.personnel_over_horizon(months)
        return out


def _change_months(headquarters: Sequence[HeadquartersLoad]) -> list[int]:
    """Month 1 and every month the headquarters staff changes: the load is constant
    between them and after the last."""
    months = {1}
    for h in headquarters:
        months.add(h.from_month)
        if h.to_month is not None:
            months.add(h.to_month + 1)
    return sorted(months)


def sustain_nation(
    nation: Nation,
    pledged: int,
    defaults: Defaults | None = None,
    headquarters: Sequence[HeadquartersLoad] = (),
) -> NationSustainment:
    """Apply the definitions in this module to one nation pledging ``pledged`` persons
    and leading ``headquarters``; figures the nation leaves unset come from
    ``defaults`` (the built-in defaults when None)."""
    chosen = defaults if defaults is not None else _BUILTIN
    own = {name: getattr(nation, name) for name in PARAMETERS}
    from_defaults = tuple(name for name in PARAMETERS if own[name] is None)
    fraction = own["deployable_fraction"] or chosen.deployable_fraction
    ratio = float(own["rotation_ratio"] or chosen.rotation_ratio)
    tour = int(own["tour_months"] or chosen.tour_months)
    pool = nation.land_personnel * fraction
    tied = float(sum((c.personnel * (c.rotation_ratio or ratio) for c in nation.commitments), 0.0))
    available = pool - tied
    warnings: list[str] = []
    if available < 0:
        warnings.append(
            f"{nation.id}: existing commitments tie up {tied:,.0f} of a deployable pool of "
            f"{pool:,.0f}; nothing is left for a new operation"
        )
    # after the last change the load is constant: enough tours for a window of R tours
    # to lie wholly in the constant stretch
    hqs = tuple(headquarters)
    last_change = _change_months(hqs)[-1]
    horizon = (math.ceil(last_change / tour) + math.ceil(ratio) + 1) * tour

    def load(month: int) -> float:
        return float(pledged + sum(h.staff for h in hqs if h.on(month)))

    loads = tour_loads(load, tour, horizon)
    steady = distinct_personnel(loads, ratio)
    room = max(available, 0.0)
    fails_at: int | None = None
    if steady > room * (1 + FRACTION) + PERSONS * ratio and steady > 0:
        fails_at = _tours_kept(loads, ratio, room) * tour
    deficit = steady - available  # rotation-weighted strength still needed
    draws: list[DrawDown] = []
    if fails_at is not None:
        for commitment in nation.commitments:
            if deficit <= PERSONS:
                break
            if not commitment.drawable or commitment.personnel <= 0:
                continue
            r = commitment.rotation_ratio or ratio
            take = min(float(commitment.personnel), deficit / r)
            draws.append(DrawDown(commitment.name, take, commitment.location))
            deficit -= take * r
    return NationSustainment(
        nation=nation.id,
        pledged=pledged,
        pool=pool,
        tied=tied,
        available=available,
        ceiling=available / ratio,
        rotation_ratio=ratio,
        tour_months=tour,
        fails_at_month=fails_at,
        draw_down_needed=float(sum((d.personnel for d in draws), 0.0))
        + (max(deficit, 0.0) / ratio if fails_at is not None else 0.0),
        draw_down_from=tuple(draws),
        draw_down_enough=fails_at is None or deficit <= PERSONS,
        warnings=tuple(warnings),
        deployable_fraction=fraction,
        from_defaults=from_defaults,
        headquarters=hqs,
        steady_state_pool=steady,
    )


def _tours_kept(loads: Sequence[float], rotation_ratio: float, room: float) -> int:
    """The most tours 1..k whose distinct personnel fit in ``room`` [persons] (the
    count grows with k: a binary search)."""
    low, high = 0, len(loads)  # tours 1..low fit; 1..high may not
    while low < high:
        middle = (low + high + 1) // 2
        if distinct_personnel(loads[:middle], rotation_ratio) <= room * (1 + FRACTION) + PERSONS:
            low = middle
        else:
            high = middle - 1
    return low


def coalition_curve(
    nations: Mapping[str, NationSustainment], months: int
) -> tuple[list[int], list[float]]:
    """Months 1..``months`` and the coalition strength in the field each month [persons]."""
    month_list = list(range(1, months + 1))
    return month_list, [sum(n.deployed(m) for n in nations.values()) for m in month_list]
