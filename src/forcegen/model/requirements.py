"""Requirements (force options): what the force needs, as prioritised requirement lines."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from forcegen.limits import LIMITS
from forcegen.model.common import AtMost, Count, Days, Id, Persons, Record, Sourced, Units


class RequirementLine(Record):
    """``quantity`` units of ``capability`` (in ``zone``, if given), priority 1 = highest."""

    capability: Id = Field(description="Capability id.")
    quantity: Units = Field(gt=0, description="Units required [units].")
    zone: Id | None = Field(default=None, description="Zone id; omitted = anywhere.")
    needed_by_day: Days | None = Field(
        default=None,
        ge=0,
        description="Latest readiness accepted [days after activation]; omitted = no deadline.",
    )
    priority: Annotated[Count, AtMost(LIMITS["MAX_PRIORITY"])] = Field(
        default=1, ge=1, description="1 = highest."
    )
    description: str = Field(default="", description="What the line is for.")


class Requirement(Sourced):
    """A force option, e.g. the 25,000-strong division-sized force."""

    FIGURES: ClassVar[tuple[str, ...]] = ("personnel", "lines")

    id: Id = Field(description="Requirement id, e.g. force-25k.")
    name: str = Field(min_length=1, description="Name in words.")
    personnel: Persons | None = Field(
        default=None, gt=0, description="Headline size as reported [persons]."
    )
    description: str = Field(default="", description="What the option is.")
    lines: tuple[RequirementLine, ...] = Field(
        min_length=1, description="Requirement lines (at least one)."
    )
