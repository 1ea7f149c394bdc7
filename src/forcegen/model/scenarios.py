"""Scenarios: which conditions are fixed true or false."""

from __future__ import annotations

from pydantic import Field

from forcegen.model.common import ConditionId, Flag, Id, Record


class Scenario(Record):
    """A named political situation; conditions it does not fix count as false in ``run``."""

    id: Id = Field(description="Scenario id, e.g. ceasefire-only.")
    name: str = Field(min_length=1, description="Name in words.")
    description: str = Field(default="", description="The situation in words.")
    assume: dict[ConditionId, Flag] = Field(
        default_factory=dict, description="Condition id -> fixed value; others count as false."
    )
