"""Autonomy when cut off: units hold ``stock_days`` of supply; when the network delivers
less than a destination's demand, its units draw their stock down, and run out.

Day convention (days after activation, as the deployment counts them):

* A cut ``NODE_OR_LEG:DAYS:START`` closes the node or leg on days START .. START+DAYS-1
  (default START: the day after the force has closed). A network disruption drawn to
  start on day F with ``days`` D reduces it on days F .. F+D-1, as ``deploy --disruptions``.
* A unit holds ``stock_days`` days of its demand from its closure day. On each day the
  network delivers a share ``r`` of its destination's demand
  (:func:`~forcegen.engine.supply.resupply.deliverable`); the unit draws ``1 - r`` days
  of stock. A day whose shortfall the stock left cannot cover is a day *without supply*
  (the stock is then empty); the first such day is the day it *runs out*.
* Example: a cut covering days 1..5 of a unit holding 3 days: days 1, 2, 3 come out of
  stock, day 4 is the first day without supply (it runs out on day 4) and it is without
  supply on days 4 and 5: 2 days.
* Stock drawn down is not rebuilt within the days simulated (conservative when several
  disruptions follow each other). The steady flow is assumed: a cut reduces the flow on
  the days it lasts, goods already past it still arrive, transit lag is ignored; the
  deployment's own flows are not counted here (see :mod:`.overlap`).

Units at one destination share its deliveries in proportion to their demand, so they run
out together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from forcegen.engine.deployment.disruptions import Pattern, iter_patterns, scale_of
from forcegen.engine.deployment.graphs import CapacityScale, build_graphs
from forcegen.engine.supply.consumption import UnitDemand, by_destination
from forcegen.engine.supply.resupply import Capacities, deliverable
from forcegen.errors import ForcegenError
from forcegen.model.network import Network

SHORTFALL = 1e-9
"""Shortfall of a day's supply below which the day counts as supplied [days of supply]."""

CUT_FORMAT = "NODE_OR_LEG:DAYS or NODE_OR_LEG:DAYS:START (DAYS a whole number >= 1, START >= 0)"
_CUT = re.compile(r"^([^:\s]+):(\d+)(?::(\d+))?$")


@dataclass(frozen=True)
class SupplyCut:
    """A node or leg closed for ``days`` days from day ``start`` (None = the day after the
    force has closed) [days after activation]."""

    target: str
    days: int
    start: int | None = None

    def text(self) -> str:
        """``target:days[:start]``, as ``--cut`` takes it."""
        return f"{self.target}:{self.days}" + ("" if self.start is None else f":{self.start}")


def parse_cut(text: str, option: str = "--cut") -> SupplyCut:
    """A :class:`SupplyCut` from ``NODE_OR_LEG:DAYS[:START]``; a
    :class:`~forcegen.errors.ForcegenError` naming ``option``, the text and the form
    expected otherwise (the node or leg is checked against the network by :func:`supply`)."""
    from forcegen.limits import LIMITS, MAX_DAYS

    match = _CUT.match(text.strip())
    if match is None:
        raise ForcegenError(f"{option} {text!r}: expected {CUT_FORMAT}, e.g. przemysl:5")
    days, start = int(match.group(2)), match.group(3)
    if days < 1 or days > MAX_DAYS or (start is not None and int(start) > MAX_DAYS):
        raise ForcegenError(
            f"{option} {text!r}: DAYS must be from 1 to {MAX_DAYS:,} and START at most "
            f"{MAX_DAYS:,} ({LIMITS['MAX_DAYS'].why}); expected {CUT_FORMAT}"
        )
    return SupplyCut(match.group(1), days, None if start is None else int(start))


def check_cuts(network: Network, cuts: Sequence[SupplyCut], option: str = "--cut") -> None:
    """Every cut names a node or leg of ``network``."""
    known = {n.id for n in network.nodes} | {leg.id for leg in network.legs}
    for cut in cuts:
        if cut.target not in known:
            import difflib

            close = difflib.get_close_matches(cut.target, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ForcegenError(
                f"{option} {cut.text()!r}: no node or leg '{cut.target}' in the network"
                f"{hint}; expected {CUT_FORMAT} naming a node or leg id"
            )


@dataclass(frozen=True)
class UnitAutonomy:
    """How one unit fares: the first day without supply (None = never) [day after
    activation] and the days without supply [days]."""

    unit: str
    destination: str
    personnel: float
    runs_out_day: int | None
    days_without: int


@dataclass(frozen=True)
class Autonomy:
    """Every unit's outcome under one set of cuts and disruptions."""

    units: tuple[UnitAutonomy, ...]
    first_day: int
    """First day simulated [day after activation]."""
    last_day: int
    """Last day simulated [day after activation]."""
    lowest_share: float = 1.0
    """The smallest share of a destination's demand delivered on any day [0-1]."""

    @property
    def personnel_without(self) -> float:
        """Personnel of the units with at least one day without supply [persons]."""
        return float(sum(u.personnel for u in self.units if u.days_without))

    @property
    def person_days_without(self) -> float:
        """Personnel x days without supply [person-days]."""
        return float(sum(u.personnel * u.days_without for u in self.units))

    @property
    def max_days_without(self) -> int:
        """The most days any unit is without supply [days]."""
        return max((u.days_without for u in self.units), default=0)


class Delivery:
    """Shares delivered per destination and day, one LP pair per distinct day (units in
    place and capacities), cached across draws."""

    def __init__(
        self, network: Network, demands: Sequence[UnitDemand], sources: Sequence[str]
    ) -> None:
        self.network, self.demands, self.sources = network, demands, sources
        self.full = Capacities.full(network)
        self.cache: dict[tuple[object, ...], dict[str, float]] = {}

    def shares(self, day: int, caps: Capacities) -> dict[str, float]:
        """Destination -> share of its demand delivered on ``day`` [0-1]."""
        in_place = [d for d in self.demands if d.closure_day is not None and d.closure_day <= day]
        demand = by_destination(in_place)
        key = (tuple(sorted(demand.items())), caps.key())
        if key not in self.cache:
            self.cache[key] = deliverable(self.network, demand, self.sources, caps)
        return self.cache[key]


def _daily_caps(network: Network, scale: CapacityScale, last: int) -> list[Capacities]:
    graph = build_graphs(network, last, scale)["cargo"]
    return [Capacities(graph.leg_capacity[:, t], graph.handling[:, t]) for t in range(last + 1)]


def cut_scale(
    network: Network, cuts: Iterable[SupplyCut], default_start: int, days: int
) -> CapacityScale:
    """Share of capacity left per target and day [share] under ``cuts``."""
    factors: dict[str, np.ndarray] = {}
    for cut in cuts:
        start = default_start if cut.start is None else cut.start
        factor = factors.setdefault(cut.target, np.ones(days + 1))
        factor[start : min(days + 1, start + cut.days)] = 0.0
    return CapacityScale(factors)


def combine(a: CapacityScale, b: CapacityScale, days: int) -> CapacityScale:
    """Both reductions at once (shares multiply)."""
    out: dict[str, np.ndarray] = {}
    for scale in (a, b):
        for target, values in scale.by_target.items():
            full = np.ones(days + 1)
            n = min(days + 1, values.shape[0])
            full[:n] = values[:n]
            out[target] = out.get(target, np.ones(days + 1)) * full
    return CapacityScale(out)


def simulate(
    delivery: Delivery, scale: CapacityScale, first: int, last: int, stock_days: float
) -> Autonomy:
    """Stock of every unit day by day from ``first`` to ``last`` [days after activation]
    with the capacities ``scale`` leaves (see the module docstring for the convention)."""
    network = delivery.network
    affected = set(scale.by_target)
    caps = _daily_caps(network, scale, last) if affected else []
    lowest = 1.0
    stock: dict[str, float] = {}
    runs_out: dict[str, int | None] = {}
    without: dict[str, int] = {}
    by_unit = {d.unit: d for d in delivery.demands}
    for day in range(first, last + 1):
        if affected and any(
            float(scale.by_target[t][day]) < 1.0
            for t in affected
            if day < scale.by_target[t].shape[0]
        ):
            shares = delivery.shares(day, caps[day])
        else:
            shares = delivery.shares(day, delivery.full)
        lowest = min(lowest, *shares.values()) if shares else lowest
        for unit, d in by_unit.items():
            if d.closure_day is None or d.closure_day > day:
                continue
            level = stock.setdefault(unit, float(stock_days))
            short = 1.0 - shares.get(d.destination, 1.0)
            if short <= SHORTFALL:
                continue
            if level + SHORTFALL >= short:
                stock[unit] = max(0.0, level - short)
                continue
            stock[unit] = 0.0
            without[unit] = without.get(unit, 0) + 1
            if runs_out.get(unit) is None:
                runs_out[unit] = day
    units = tuple(
        UnitAutonomy(u, d.destination, d.personnel, runs_out.get(u), without.get(u, 0))
        for u, d in by_unit.items()
    )
    return Autonomy(units, first, last, lowest)


@dataclass(frozen=True)
class AutonomyDraws:
    """Days without supply and personnel affected in each seeded draw of the network's
    disruptions (plus the cuts, if any)."""

    seed: int
    max_days_without: tuple[int, ...]
    """Most days any unit is without supply, per draw [days]."""
    personnel_without: tuple[float, ...]
    """Personnel with at least one day without supply, per draw [persons]."""
    patterns: tuple[Pattern, ...]

    def quantiles(self, values: Sequence[float]) -> dict[str, float | None]:
        """p05, p50, p95 of ``values`` (inverted CDF: values that occur)."""
        if not values:
            return {"p05": None, "p50": None, "p95": None}
        array = np.array(values, dtype=float)
        return {
            name: float(np.quantile(array, q, method="inverted_cdf"))
            for name, q in (("p05", 0.05), ("p50", 0.5), ("p95", 0.95))
        }

    @property
    def short_draws(self) -> int:
        """Draws with at least one unit a day without supply."""
        return sum(d > 0 for d in self.max_days_without)


def simulate_draws(
    delivery: Delivery,
    cuts_scale: CapacityScale,
    draws: int,
    seed: int,
    first: int,
    last: int,
    stock_days: float,
    advance: Callable[[int], None] | None = None,
) -> AutonomyDraws:
    """:func:`simulate` under each of ``draws`` seeded draws of the network's
    disruptions (the same draws as ``deploy --disruptions`` with this seed), each with
    the cuts; draws with the same disruptions are simulated once."""
    network = delivery.network
    known: dict[Pattern, Autonomy] = {}
    days_out, personnel, patterns = [], [], []
    for pattern in iter_patterns(network, draws, seed):
        if pattern not in known:
            scale = combine(cuts_scale, scale_of(network, pattern, last), last)
            known[pattern] = simulate(delivery, scale, first, last, stock_days)
        outcome = known[pattern]
        days_out.append(outcome.max_days_without)
        personnel.append(outcome.personnel_without)
        patterns.append(pattern)
        if advance is not None:
            advance(1)
    return AutonomyDraws(seed, tuple(days_out), tuple(personnel), tuple(patterns))


def last_day(network: Network, cuts: Sequence[SupplyCut], default_start: int, closure: int) -> int:
    """The last day worth simulating: the end of the latest cut or possible disruption,
    and at least the closure day [day after activation]."""
    ends = [closure]
    ends += [(default_start if c.start is None else c.start) + c.days - 1 for c in cuts]
    ends += [d.latest_day + d.days - 1 for d in network.disruptions]
    return max(ends)


@dataclass(frozen=True)
class CriticalCut:
    """One node or leg cut alone for ``days`` days from ``start``: the personnel that
    run out of supply [persons], the first day one does [day after activation], the most
    days without supply [days] and the lowest share of a destination's demand delivered
    while it lasts [0-1]."""

    kind: str
    target: str
    start: int
    days: int
    personnel_out: float
    first_out_day: int | None
    max_days_without: int
    lowest_share: float


def hold(share: float, days: int, stock_days: float) -> tuple[int | None, int]:
    """A unit receiving ``share`` of its demand [0-1] for ``days`` days with a full stock
    of ``stock_days`` [days]: (the day of the cut it runs out on, 1 = the first; None =
    never) and its days without supply, by :func:`simulate`'s rule."""
    short = 1.0 - share
    level = float(stock_days)
    first: int | None = None
    without = 0
    if short <= SHORTFALL:
        return None, 0
    for day in range(1, days + 1):
        if level + SHORTFALL >= short:
            level = max(0.0, level - short)
            continue
        level = 0.0
        without += 1
        first = day if first is None else first
    return first, without


def critical_cuts(
    delivery: Delivery,
    used_legs: Iterable[str],
    used_nodes: Iterable[str],
    start: int,
    days: int,
    stock_days: float,
) -> list[CriticalCut]:
    """Every leg and node the steady resupply uses, cut alone for ``days`` days from
    ``start`` (a day every unit is in place): who runs out. A leg or node without
    resupply flow cannot matter (the steady flow avoids it) and is not tried; one whose
    loss leaves every destination its full demand (:func:`deliverable` = 1) costs no
    stock. Ranked by personnel out (most first), then the first day out, then the
    lowest share delivered."""
    network = delivery.network
    full = delivery.full
    legs = {leg.id: i for i, leg in enumerate(network.legs)}
    nodes = {n.id: i for i, n in enumerate(network.nodes)}
    personnel: dict[str, float] = {}
    for d in delivery.demands:
        if d.closure_day is not None and d.closure_day <= start:
            personnel[d.destination] = personnel.get(d.destination, 0.0) + d.personnel
    out = []
    candidates = [("leg", t) for t in used_legs] + [("node", t) for t in used_nodes]
    for kind, target in candidates:
        leg, node = full.leg.copy(), full.node.copy()
        if kind == "leg":
            leg[legs[target]] = 0.0
        else:
            node[nodes[target]] = 0.0
        shares = delivery.shares(start, Capacities(leg, node))
        people, first, most = 0.0, None, 0
        for dest, share in shares.items():
            runs_out, without = hold(share, days, stock_days)
            if runs_out is None:
                continue
            people += personnel.get(dest, 0.0)
            day = start + runs_out - 1
            first = day if first is None else min(first, day)
            most = max(most, without)
        lowest = min(shares.values(), default=1.0)
        out.append(CriticalCut(kind, target, start, days, people, first, most, lowest))
    big = float("inf")
    out.sort(
        key=lambda c: (
            -c.personnel_out,
            big if c.first_out_day is None else c.first_out_day,
            c.lowest_share,
            c.target,
        )
    )
    return out
