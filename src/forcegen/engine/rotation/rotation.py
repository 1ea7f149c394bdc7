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

import bisect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

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


@dataclass(frozen=True)
class LoadProfile:
    """A monthly load that is constant between change months [persons]: ``values[i]``
    from month ``starts[i]`` (``starts[0]`` = 1) until the next start, the last one
    for ever after."""

    starts: tuple[int, ...]
    values: tuple[float, ...]

    @classmethod
    def of(cls, pledged: float, headquarters: Sequence[HeadquartersLoad]) -> LoadProfile:
        """``pledged`` every month plus each headquarters' staff in its months."""
        change: dict[int, float] = {1: float(pledged)}
        for h in headquarters:
            change[h.from_month] = change.get(h.from_month, 0.0) + h.staff
            if h.to_month is not None:
                change[h.to_month + 1] = change.get(h.to_month + 1, 0.0) - h.staff
        return cls._build(change)

    @classmethod
    def _build(cls, change: Mapping[int, float]) -> LoadProfile:
        """From the change of load at each month (month 1: the first load)."""
        starts: list[int] = []
        values: list[float] = []
        running = 0.0
        for month in sorted(change):
            running += change[month]
            if values and running == values[-1]:
                continue
            starts.append(month)
            values.append(running)
        return cls(tuple(starts), tuple(values))

    def __call__(self, month: int) -> float:
        """The load in ``month`` (1-based) [persons]."""
        return self.values[bisect.bisect_right(self.starts, month) - 1]

    def peak(self, first: int, last: int) -> float:
        """The largest load in months ``first``..``last`` [persons]."""
        i = bisect.bisect_right(self.starts, first) - 1
        j = bisect.bisect_right(self.starts, last) - 1
        return max(self.values[i : j + 1])

    def without(self, headquarters: Sequence[HeadquartersLoad]) -> LoadProfile:
        """This load less the staff of ``headquarters`` (which it must include)."""
        change: dict[int, float] = {}
        previous = 0.0
        for start, value in zip(self.starts, self.values, strict=True):
            change[start] = value - previous
            previous = value
        for h in headquarters:
            change[h.from_month] = change.get(h.from_month, 0.0) - h.staff
            if h.to_month is not None:
                change[h.to_month + 1] = change.get(h.to_month + 1, 0.0) + h.staff
        return LoadProfile._build(change)

    @property
    def settled(self) -> int:
        """The month from which the load no longer changes."""
        return self.starts[-1]


def tour_loads(
    load: Callable[[int], float] | LoadProfile, tour_months: int, months: int
) -> list[float]:
    """The load of each tour that starts within months 1..``months``: the largest
    monthly load among its months up to ``months`` [persons]."""
    tours = math.ceil(months / tour_months)
    spans = [(i * tour_months + 1, min((i + 1) * tour_months, months)) for i in range(tours)]
    if isinstance(load, LoadProfile):
        return [load.peak(first, last) for first, last in spans]
    return [max(load(m) for m in range(first, last + 1)) for first, last in spans]


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
    given_profile: LoadProfile | None = field(default=None, repr=False, compare=False)
    """The load profile, when worked out already (else built from the fields)."""

    @property
    def sustainable(self) -> bool:
        """True when the load can be held indefinitely."""
        return self.fails_at_month is None

    @cached_property
    def profile(self) -> LoadProfile:
        """The load month by month (see :meth:`load`)."""
        if self.given_profile is not None:
            return self.given_profile
        return LoadProfile.of(self.pledged, self.headquarters)

    @property
    def peak_load(self) -> float:
        """The largest monthly load, in or after any horizon [persons]."""
        return max(self.profile.values)

    @property
    def headroom(self) -> float:
        """Ceiling minus the peak load [persons]; negative when the load is too large."""
        return self.ceiling - self.peak_load

    def load(self, month: int) -> float:
        """Personnel it must field in ``month`` (1-based): pledged plus the staff of the
        headquarters it leads that month [persons]."""
        return self.profile(month)

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
            tour_loads(self.profile, self.tour_months, months), self.rotation_ratio
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
    hqs = tuple(headquarters)
    profile = LoadProfile.of(pledged, hqs)
    fails_at, steady = failure(profile, ratio, tour, available)
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
        given_profile=profile,
    )


def failure(
    profile: LoadProfile, rotation_ratio: float, tour_months: int, available: float
) -> tuple[int | None, float]:
    """The last month the full load is kept (None: never fails) and the steady-state
    pool [persons], for a load ``profile`` and ``available`` persons."""
    # after the last change the load is constant: enough tours for a window of R tours
    # to lie wholly in the constant stretch
    tours = math.ceil(profile.settled / tour_months) + math.ceil(rotation_ratio) + 1
    loads = tour_loads(profile, tour_months, tours * tour_months)
    steady = distinct_personnel(loads, rotation_ratio)
    room = max(available, 0.0)
    if steady > room * (1 + FRACTION) + PERSONS * rotation_ratio and steady > 0:
        return _tours_kept(loads, rotation_ratio, room) * tour_months, steady
    return None, steady


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
