"""Requirements (force options): what the force needs, as prioritised requirement lines."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from forcegen.model.common import Id, Record, Sourced


class RequirementLine(Record):
    """``quantity`` units of ``capability`` (in ``zone``, if given), priority 1 = highest."""

    capability: Id
    quantity: float = Field(gt=0, description="Units required [units].")
    zone: Id | None = None
    priority: int = Field(default=1, ge=1, description="1 = highest.")
    description: str = ""


class Requirement(Sourced):
    """A force option, e.g. the 25,000-strong division-sized force."""

    FIGURES: ClassVar[tuple[str, ...]] = ("personnel", "lines")

    id: Id
    name: str = Field(min_length=1)
    personnel: int | None = Field(
        default=None, gt=0, description="Headline size as reported [persons]."
    )
    description: str = ""
    lines: tuple[RequirementLine, ...] = Field(min_length=1)
