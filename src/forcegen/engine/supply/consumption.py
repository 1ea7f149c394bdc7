"""Consumption: the daily demand of each unit in place, by class of supply [short tons/day].

For every unit and class of supply one planning factor holds (:func:`factor_for`): the
unit's capability's own factor if one holds, else the general one; among several that
hold, the one naming most of climate, posture and ration cycle. A factor counts per person
(times the unit's personnel) or per unit of the capability (times its units). A factor
with a range (``quantity`` .. ``quantity_high``, the fuel) gives three figures: low, base
(the supply setting ``fuel``) and high; the others give one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from forcegen.errors import ForcegenError
from forcegen.model.supply import (
    FuelPoint,
    Per,
    PlanningFactor,
    SupplyClass,
    SupplySettings,
)

FUEL_SHARES = {FuelPoint.LOW: 0.0, FuelPoint.MID: 0.5, FuelPoint.HIGH: 1.0}
"""Share of a factor's range [0-1] each named fuel point takes."""

CASES = ("low", "base", "high")
"""The three demand figures: range factors at their low end, at the setting, at the high end."""


@dataclass(frozen=True)
class Consumer:
    """A unit to supply: who, where, how many, from which day."""

    unit: str
    pledge: str
    nation: str
    capability: str
    destination: str
    zone: str
    personnel: float
    """Personnel [persons]."""
    units: float
    """Units of the capability [units]."""
    closure_day: int | None
    """Day the unit is in place [day after activation]; None = not within the horizon."""


@dataclass(frozen=True)
class UnitDemand(Consumer):
    """What one unit in place consumes a day [short tons/day], by class (base case), and
    in total at the low, base and high end of the range factors."""

    by_class: Mapping[str, float]
    """Class of supply -> short tons a day, base case [short tons/day]."""
    low: float
    """Total at the low end of every range [short tons/day]."""
    base: float
    """Total at the fuel setting [short tons/day]."""
    high: float
    """Total at the high end of every range [short tons/day]."""

    def total(self, case: str) -> float:
        """The total of ``case`` (low, base, high) [short tons/day]."""
        return {"low": self.low, "base": self.base, "high": self.high}[case]


def _holds(factor: PlanningFactor, settings: SupplySettings) -> bool:
    return (
        (factor.climate is None or factor.climate == settings.climate)
        and (factor.posture is None or factor.posture == settings.ammunition_posture)
        and (factor.rations is None or factor.rations == settings.rations)
    )


def _specificity(factor: PlanningFactor) -> int:
    return sum(x is not None for x in (factor.climate, factor.posture, factor.rations))


def factor_for(
    factors: Mapping[str, PlanningFactor],
    settings: SupplySettings,
    supply_class: SupplyClass,
    capability: str | None,
) -> PlanningFactor | None:
    """The factor of ``supply_class`` that holds for a unit of ``capability`` under
    ``settings`` (None = the class is not consumed: no factor holds). Two that hold and
    are equally specific are a :class:`~forcegen.errors.ForcegenError` naming both."""
    holding = [
        f for f in factors.values() if f.supply_class == supply_class and _holds(f, settings)
    ]
    own = [f for f in holding if capability is not None and f.capability == capability]
    pool = own or [f for f in holding if f.capability is None]
    if not pool:
        return None
    best = max(_specificity(f) for f in pool)
    chosen = [f for f in pool if _specificity(f) == best]
    if len(chosen) > 1:
        ids = ", ".join(f"'{f.id}'" for f in chosen)
        raise ForcegenError(
            f"planning_factors: {ids} all hold for {supply_class.value}"
            + (f" of capability '{capability}'" if capability else "")
            + "; expected one (give them different climate, posture or rations)"
        )
    return chosen[0]


def fuel_share(factors: Mapping[str, PlanningFactor], settings: SupplySettings) -> float:
    """The share of every range [0-1] the ``fuel`` setting picks: low 0, mid 0.5, high 1,
    or a figure's place in the general fuel factor's range."""
    if isinstance(settings.fuel, FuelPoint):
        return FUEL_SHARES[settings.fuel]
    general = factor_for(factors, settings, SupplyClass.CLASS_III_BULK, None)
    if general is None or general.quantity_high is None:
        raise ForcegenError(
            f"supply.fuel: {settings.fuel:g} needs a general class_iii_bulk factor with a "
            "range (quantity and quantity_high); expected low, mid or high"
        )
    lo, hi = general.quantity, general.quantity_high
    if not lo <= settings.fuel <= hi:
        raise ForcegenError(
            f"supply.fuel: {settings.fuel:g} is outside the fuel range of '{general.id}'; "
            f"expected low, mid, high or a figure from {lo:g} to {hi:g} "
            f"[{general.measure.value}/{general.per.value}/day]"
        )
    return 0.0 if hi == lo else (settings.fuel - lo) / (hi - lo)


def factor_short_tons(
    factor: PlanningFactor, share: float, personnel: float, units: float
) -> float:
    """Short tons a day [short tons/day] of ``factor`` at ``share`` [0-1] of its range, for
    ``personnel`` [persons] or ``units`` [units] by what it counts per."""
    quantity = factor.quantity
    if factor.quantity_high is not None:
        quantity += share * (factor.quantity_high - factor.quantity)
    count = personnel if factor.per is Per.PERSON else units
    return factor.short_tons(quantity) * count


def check_factors(factors: Mapping[str, PlanningFactor]) -> None:
    """A :class:`~forcegen.errors.ForcegenError` when there are none to plan with."""
    if not factors:
        raise ForcegenError(
            "the workspace has no planning factors: load it with forcegen.load_workspace or "
            "open_workspace (which add the package's library, forcegen.planning_factors()), "
            "or give a 'planning_factors:' section (see docs/supply.md)"
        )


def unit_demands(
    consumers: Sequence[Consumer],
    factors: Mapping[str, PlanningFactor],
    settings: SupplySettings,
) -> tuple[tuple[UnitDemand, ...], dict[str, dict[str, str]]]:
    """The demand of each consumer, and the factor used per capability and class
    (capability -> class -> factor id)."""
    check_factors(factors)
    share = fuel_share(factors, settings)
    used: dict[str, dict[str, str]] = {}
    out = []
    for c in consumers:
        chosen = used.setdefault(c.capability, {})
        by_class: dict[str, float] = {}
        totals = dict.fromkeys(CASES, 0.0)
        for supply_class in SupplyClass:
            factor = factor_for(factors, settings, supply_class, c.capability)
            if factor is None:
                continue
            chosen[supply_class.value] = factor.id
            for case, at in (("low", 0.0), ("base", share), ("high", 1.0)):
                tons = factor_short_tons(factor, at, c.personnel, c.units)
                totals[case] += tons
                if case == "base":
                    by_class[supply_class.value] = tons
        who = {f.name: getattr(c, f.name) for f in fields(Consumer)}
        out.append(
            UnitDemand(
                **who,
                by_class=by_class,
                low=totals["low"],
                base=totals["base"],
                high=totals["high"],
            )
        )
    return tuple(out), used


def by_destination(demands: Sequence[UnitDemand], case: str = "base") -> dict[str, float]:
    """Destination node -> demand [short tons/day], in first-seen order."""
    out: dict[str, float] = {}
    for d in demands:
        out[d.destination] = out.get(d.destination, 0.0) + d.total(case)
    return out
