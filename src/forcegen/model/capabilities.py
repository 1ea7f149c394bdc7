"""Capabilities: the kinds of unit that pledges offer and requirement lines ask for."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field

from forcegen.limits import LIMITS
from forcegen.model.common import AtMost, Count, Flag, Id, Number, Persons, Record, Sourced, Units


class Domain(StrEnum):
    """Operational domain of a capability."""

    LAND = "land"
    AIR = "air"
    MARITIME = "maritime"
    JOINT = "joint"


class Substitute(Record):
    """Units of another capability that can fill a line of this one: ``ratio`` of them
    stand in for one unit [units of the substitute per unit of this capability]."""

    capability: Id = Field(description="Capability id of the substitute.")
    ratio: Units = Field(gt=0, description="Substitute units per unit replaced [ratio].")


class Organic(Record):
    """An enabler a unit brings with it: ``quantity`` units of ``capability`` per unit
    [units of the enabler per unit], e.g. a brigade's own logistics battalion. Its
    personnel are part of the unit's ``personnel``; it counts toward requirement lines
    for that capability, once (see :mod:`forcegen.engine.sourcing.problem`)."""

    capability: Id = Field(description="Capability id of the organic enabler.")
    quantity: Units = Field(gt=0, description="Enabler units per unit [units/unit].")


class Lift(Record):
    """What one unit moves besides its personnel."""

    short_tons: Annotated[Number, AtMost(LIMITS["MAX_SHORT_TONS_PER_UNIT"])] = Field(
        ge=0, description="Cargo per unit [short tons/unit]."
    )
    vehicles: Annotated[Count, AtMost(LIMITS["MAX_VEHICLES_PER_UNIT"])] = Field(
        default=0, ge=0, description="Vehicles per unit [vehicles/unit]."
    )


class Capability(Sourced):
    """A kind of unit, e.g. a manoeuvre battlegroup; ``personnel`` is per unit [persons/unit]."""

    FIGURES: ClassVar[tuple[str, ...]] = ("personnel", "includes", "lift")

    id: Id = Field(description="Capability id, e.g. manoeuvre_battlegroup.")
    name: str = Field(min_length=1, description="Name in words.")
    domain: Domain = Field(description="land, air, maritime or joint.")
    personnel: Persons = Field(gt=0, description="Personnel per unit [persons/unit].")
    description: str = Field(default="", description="What one unit is and does.")
    substitutes: tuple[Substitute, ...] = Field(
        default=(), description="Other capabilities that can fill this one's lines."
    )
    includes: tuple[Organic, ...] = Field(
        default=(),
        description="Organic enablers per unit, counted toward matching lines once.",
    )
    lift: Lift | None = Field(
        default=None,
        description="Cargo and vehicles per unit, for deployment; omitted = personnel only.",
    )
    manoeuvre: Flag = Field(
        default=False,
        description="True for a manoeuvre unit (a brigade or battlegroup): the units whose "
        "reach counts in posture coverage (docs/posture.md).",
    )
