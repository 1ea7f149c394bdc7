"""Headquarters and their lead nations over time (e.g. MNF-U's rotating command)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from forcegen.model.common import Id, Months, Sourced


class Headquarters(Sourced):
    """A headquarters led by one nation from ``from_month`` to ``to_month`` [months after
    activation, 1 = the first month]; a change of lead is a new record."""

    FIGURES: ClassVar[tuple[str, ...]] = ("from_month", "to_month")

    id: Id = Field(description="Record id, e.g. mnf-u-hq-paris.")
    name: str = Field(min_length=1, description="E.g. MNF-U headquarters (three-star).")
    location: str = Field(min_length=1, description="Where it sits, e.g. Mont-Valerien, Paris.")
    lead: str = Field(description="ISO alpha-3 id of the lead nation.")
    from_month: Months = Field(default=1, ge=1, description="First month led [month].")
    to_month: Months | None = Field(
        default=None, ge=1, description="Last month led [month]; omitted = open-ended."
    )
    description: str = Field(default="", description="What it does.")

    @model_validator(mode="after")
    def _months_in_order(self) -> Headquarters:
        if self.to_month is not None and self.to_month < self.from_month:
            raise ValueError(
                f"to_month {self.to_month} is before from_month {self.from_month}; "
                "expected to_month >= from_month"
            )
        return self
