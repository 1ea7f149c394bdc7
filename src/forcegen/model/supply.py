"""Supply: planning factors (what a person or a unit consumes a day) and the supply settings.

Two workspace keys:

* ``planning_factors`` (a section, a list of records): each factor is one class of supply
  consumed per person per day, or per unit of one capability per day (a per-capability
  override, e.g. a fighter squadron's jet fuel), with its source or labelled an
  assumption. The package ships a library of them (``datasets/planning_factors.yaml``,
  :func:`forcegen.planning_factors`); the loader merges it under the workspace's own
  (a workspace factor replaces the library's of the same id).
* ``supply`` (a mapping, like ``defaults``): days of stock held, climate, ammunition
  posture, fuel point in its range, ration cycle and the supply source nodes.

A factor may hold for one climate, ammunition posture or ration cycle only (``climate``,
``posture``, ``rations``); the supply settings pick which. Weights: short ton = 2,000 lb;
a factor in gallons gives its density [lb/gal].
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, field_validator, model_validator

from forcegen.limits import LIMITS
from forcegen.model.common import AtMost, Days, Id, Number, Sourced

POUNDS_PER_SHORT_TON = 2000.0
"""Pounds in one short ton [lb/short ton] (US customary, exact)."""

Quantity = Annotated[Number, AtMost(LIMITS["MAX_FACTOR"])]
"""A consumption figure [lb, gal or short tons per person or unit per day]."""


class SupplyClass(StrEnum):
    """Classes of supply (US / NATO numbering), plus water and mail."""

    CLASS_I = "class_i"
    """Subsistence (rations)."""
    WATER = "water"
    """Drinking and field water."""
    CLASS_II = "class_ii"
    """Clothing, individual equipment, tools."""
    CLASS_III_BULK = "class_iii_bulk"
    """Bulk fuel (diesel, JP-8)."""
    CLASS_III_PACKAGED = "class_iii_packaged"
    """Packaged petroleum, oils and lubricants."""
    CLASS_IV = "class_iv"
    """Barrier and construction material."""
    CLASS_V = "class_v"
    """Ammunition."""
    CLASS_VIII = "class_viii"
    """Medical material."""
    MAIL = "mail"
    """Mail."""


class Per(StrEnum):
    """What a factor counts per day."""

    PERSON = "person"
    UNIT = "unit"


class Measure(StrEnum):
    """The measure a factor's quantity is in."""

    LB = "lb"
    GAL = "gal"
    SHORT_TON = "short_ton"


class Climate(StrEnum):
    """Climate for water factors."""

    TEMPERATE = "temperate"
    COLD = "cold"


class AmmunitionPosture(StrEnum):
    """How much ammunition the force fires (or trains with)."""

    PEACEKEEPING = "peacekeeping"
    DETERRENCE = "deterrence"
    COMBAT = "combat"


class Rations(StrEnum):
    """Ration cycle: ``mre`` three meals ready to eat (M-M-M); ``field`` two hot meals and
    one ready to eat (U-M-U)."""

    MRE = "mre"
    FIELD = "field"


class FuelPoint(StrEnum):
    """Where in a fuel factor's range the base figure sits."""

    LOW = "low"
    MID = "mid"
    HIGH = "high"


class PlanningFactor(Sourced):
    """One class of supply consumed a day, per person or per unit of one capability,
    e.g. rations at 9.39 lb per person per day (ATP 4-90, Appendix C)."""

    FIGURES: ClassVar[tuple[str, ...]] = ("quantity", "quantity_high", "lb_per_gal")

    id: Id = Field(description="Factor id, e.g. class-i-field.")
    supply_class: SupplyClass = Field(
        description="class_i, water, class_ii, class_iii_bulk, class_iii_packaged, "
        "class_iv, class_v, class_viii or mail."
    )
    quantity: Quantity = Field(
        ge=0,
        description="Consumed per day [measure per person or per unit per day]; the "
        "low end when quantity_high is given.",
    )
    quantity_high: Quantity | None = Field(
        default=None,
        ge=0,
        description="High end of a range [same measure]; the supply setting 'fuel' picks "
        "the point used (low, mid, high or a figure).",
    )
    measure: Measure = Field(default=Measure.LB, description="lb, gal or short_ton.")
    lb_per_gal: Quantity | None = Field(
        default=None, gt=0, description="Density [lb/gal]; required when measure is gal."
    )
    per: Per = Field(default=Per.PERSON, description="person or unit (of the capability).")
    capability: Id | None = Field(
        default=None,
        description="Capability id: the factor replaces the general factor of its class "
        "for units of this capability (a per-capability override).",
    )
    climate: Climate | None = Field(
        default=None, description="Holds in this climate only (temperate or cold)."
    )
    posture: AmmunitionPosture | None = Field(
        default=None,
        description="Holds under this ammunition posture only (peacekeeping, deterrence, combat).",
    )
    rations: Rations | None = Field(
        default=None, description="Holds for this ration cycle only (mre or field)."
    )
    description: str = Field(default="", description="What it covers, in words.")

    @model_validator(mode="after")
    def _consistent(self) -> PlanningFactor:
        if self.measure is Measure.GAL and self.lb_per_gal is None:
            raise ValueError("measure is gal but lb_per_gal is not given; expected a density")
        if self.measure is not Measure.GAL and self.lb_per_gal is not None:
            raise ValueError(f"lb_per_gal is given but measure is {self.measure.value}")
        if self.per is Per.UNIT and self.capability is None:
            raise ValueError("per is unit but no capability is named; expected capability")
        if self.quantity_high is not None and self.quantity_high < self.quantity:
            raise ValueError(
                f"quantity_high {self.quantity_high} is below quantity {self.quantity}; "
                "expected quantity <= quantity_high"
            )
        return self

    @property
    def selector(self) -> tuple[str, str | None, str | None, str | None, str | None]:
        """(class, capability, climate, posture, rations): two factors with the same
        selector would both hold."""
        return (
            self.supply_class.value,
            self.capability,
            None if self.climate is None else self.climate.value,
            None if self.posture is None else self.posture.value,
            None if self.rations is None else self.rations.value,
        )

    def short_tons(self, quantity: float) -> float:
        """``quantity`` of this factor's measure in short tons [short tons]."""
        if self.measure is Measure.SHORT_TON:
            return quantity
        pounds = quantity * (self.lb_per_gal or 1.0) if self.measure is Measure.GAL else quantity
        return pounds / POUNDS_PER_SHORT_TON


STOCK_DAYS = 3
"""Built-in days of supply a unit holds [days]: US brigades plan on 3 days without
resupply (7 the goal); Exercise Orion tested 48-72 hours."""


class SupplySettings(Sourced):
    """How the force is supplied: days of stock, climate, ammunition posture, the fuel
    point and the nodes supply leaves from (the built-in values when the workspace has no
    ``supply`` key)."""

    FIGURES: ClassVar[tuple[str, ...]] = ("stock_days",)
    CLAIMS: ClassVar[tuple[str, ...]] = ("climate", "ammunition_posture", "fuel", "rations")

    stock_days: Days = Field(
        default=STOCK_DAYS, ge=0, description="Days of supply each unit holds [days]."
    )
    climate: Climate = Field(default=Climate.TEMPERATE, description="temperate or cold.")
    ammunition_posture: AmmunitionPosture = Field(
        default=AmmunitionPosture.DETERRENCE,
        description="peacekeeping, deterrence or combat.",
    )
    fuel: FuelPoint | Quantity = Field(
        default=FuelPoint.MID,
        description="Point in a fuel factor's range: low, mid, high, or a figure in the "
        "general per-person factor's measure [gal/person/day] (per-capability ranges take "
        "the same share of their range).",
    )
    rations: Rations = Field(default=Rations.FIELD, description="mre or field.")
    source_nodes: tuple[Id, ...] = Field(
        default=(),
        description="Node ids supply leaves from; empty = every staging node outside the "
        "destinations' country.",
    )

    @field_validator("fuel", mode="before")
    @classmethod
    def _fuel_word(cls, value: object) -> object:
        """A plain message for a word that is no fuel point (pydantic's union of a
        choice and a number would report both branches in its own terms)."""
        if isinstance(value, str) and value.strip() not in {p.value for p in FuelPoint}:
            try:
                float(value)
            except ValueError:
                raise ValueError(
                    f"fuel '{value}' is neither a point of the fuel range nor a number; "
                    "expected low, mid, high, or a figure in the general fuel factor's "
                    "range [gal/person/day]"
                ) from None
        return value

    @property
    def given(self) -> tuple[str, ...]:
        """The settings the workspace gives (the rest are the built-in values)."""
        names = ("stock_days", "climate", "ammunition_posture", "fuel", "rations")
        return tuple(n for n in names if n in self.model_fields_set)


__all__ = [
    "POUNDS_PER_SHORT_TON",
    "STOCK_DAYS",
    "AmmunitionPosture",
    "Climate",
    "FuelPoint",
    "Measure",
    "Per",
    "PlanningFactor",
    "Rations",
    "SupplyClass",
    "SupplySettings",
]
