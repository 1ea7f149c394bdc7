"""Requirements (force options): what the force needs, as prioritised requirement lines."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from forcegen.limits import LIMITS
from forcegen.model.common import AtMost, Count, Day, Days, Id, Persons, Record, Sourced, Units


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
    floated: Day | None = Field(
        default=None,
        description="Date the option was first floated; omitted = counted at every date.",
    )
    dropped: Day | None = Field(
        default=None, description="Date it was reported dropped; omitted = still on the table."
    )

    @model_validator(mode="after")
    def _dropped_after_floated(self) -> Requirement:
        if self.floated and self.dropped and self.dropped < self.floated:
            raise ValueError(
                f"dropped ({self.dropped}) is before floated ({self.floated}); expected a "
                "date on or after the one it was floated"
            )
        return self

    def on_table(self, day: dt.date) -> bool:
        """True when the option had been floated on ``day`` and not yet dropped."""
        floated = self.floated is None or self.floated <= day
        return floated and (self.dropped is None or day < self.dropped)
