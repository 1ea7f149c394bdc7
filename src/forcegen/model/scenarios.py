"""Scenarios: which conditions are fixed true or false."""

from __future__ import annotations

from pydantic import Field

from forcegen.model.common import ConditionId, Id, Record


class Scenario(Record):
    """A named political situation; conditions it does not fix count as false in ``run``."""

    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    assume: dict[ConditionId, bool] = Field(default_factory=dict)
