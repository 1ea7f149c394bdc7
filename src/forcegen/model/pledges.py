"""Pledges: a nation's offer of units of one capability, under a condition."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from forcegen.model.common import Day, Days, Id, Persons, Sourced, Units


class PledgeStatus(StrEnum):
    """How solid a pledge is."""

    STATED = "stated"
    FIRM = "firm"
    WITHDRAWN = "withdrawn"


class Pledge(Sourced):
    """``quantity`` units of ``capability`` from ``nation``, active when ``requires`` holds."""

    FIGURES: ClassVar[tuple[str, ...]] = ("quantity", "personnel", "readiness_days")
    CLAIMS: ClassVar[tuple[str, ...]] = ("requires", "zones")

    id: Id = Field(description="Pledge id, e.g. gbr-brigade-1.")
    nation: str = Field(description="ISO alpha-3 id of a nation in the workspace.")
    capability: Id = Field(description="Capability id.")
    quantity: Units = Field(gt=0, description="Units offered [units].")
    personnel: Persons | None = Field(
        default=None,
        gt=0,
        description="Personnel [persons]; default quantity x the capability's personnel per unit.",
    )
    requires: str = Field(default="true", description="Condition expression; default always.")
    readiness_days: Days = Field(
        default=0, ge=0, description="Days after activation until ready to move [days]."
    )
    zones: tuple[Id, ...] | None = Field(
        default=None,
        min_length=1,
        description="Zones where the units may be used; omitted = anywhere.",
    )
    status: PledgeStatus = Field(
        default=PledgeStatus.STATED, description="stated, firm or withdrawn."
    )
    date: Day | None = Field(default=None, description="Date of the statement.")
    description: str = Field(default="", description="What is offered, in words.")
