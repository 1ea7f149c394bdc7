"""Capabilities: the kinds of unit that pledges offer and requirement lines ask for."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from forcegen.model.common import Count, Id, Sourced


class Domain(StrEnum):
    """Operational domain of a capability."""

    LAND = "land"
    AIR = "air"
    MARITIME = "maritime"
    JOINT = "joint"


class Capability(Sourced):
    """A kind of unit, e.g. a manoeuvre battlegroup; ``personnel`` is per unit [persons/unit]."""

    FIGURES: ClassVar[tuple[str, ...]] = ("personnel",)

    id: Id = Field(description="Capability id, e.g. manoeuvre_battlegroup.")
    name: str = Field(min_length=1, description="Name in words.")
    domain: Domain = Field(description="land, air, maritime or joint.")
    personnel: Count = Field(gt=0, description="Personnel per unit [persons/unit].")
    description: str = Field(default="", description="What one unit is and does.")
