"""Headquarters and their lead nations over time (e.g. MNF-U's rotating command).

A headquarters' staff is a load on its lead nation for the months it leads (see
``docs/rotation.md``): ``personnel`` when given, else one unit of ``capability`` (its
personnel per unit). A pledge of that capability then only says that the headquarters is
stood up in a scenario; ``sustain`` counts the staff on whichever nation leads.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from forcegen.model.common import Flag, Id, Months, Persons, Sourced


class Headquarters(Sourced):
    """A headquarters led by one nation from ``from_month`` to ``to_month`` [months after
    activation, 1 = the first month]; a change of lead is a new record. Its staff
    [persons] loads the lead nation in those months: ``personnel``, else one unit of
    ``capability``."""

    FIGURES: ClassVar[tuple[str, ...]] = ("from_month", "to_month", "personnel")
    CLAIMS: ClassVar[tuple[str, ...]] = ("home_based",)

    id: Id = Field(description="Record id, e.g. mnf-u-hq-paris.")
    name: str = Field(min_length=1, description="E.g. MNF-U headquarters (three-star).")
    location: str = Field(min_length=1, description="Where it sits, e.g. Mont-Valerien, Paris.")
    lead: str = Field(description="ISO alpha-3 id of the lead nation.")
    from_month: Months = Field(default=1, ge=1, description="First month led [month].")
    to_month: Months | None = Field(
        default=None, ge=1, description="Last month led [month]; omitted = open-ended."
    )
    description: str = Field(default="", description="What it does.")
    capability: Id | None = Field(
        default=None,
        description="Capability id of the headquarters (e.g. force_hq): one unit of it is "
        "the staff, unless personnel is given; pledges of it do not load their nation in "
        "sustain (the lead carries the staff).",
    )
    personnel: Persons | None = Field(
        default=None,
        gt=0,
        description="Staff [persons] carried by the lead nation; default: the capability's "
        "personnel per unit; neither given = no staff counted.",
    )
    home_based: Flag = Field(
        default=False,
        description="Sits at home, outside the theatre (e.g. near Paris): pledges of its "
        "capability are not moved by deploy.",
    )

    @model_validator(mode="after")
    def _months_in_order(self) -> Headquarters:
        if self.to_month is not None and self.to_month < self.from_month:
            raise ValueError(
                f"to_month {self.to_month} is before from_month {self.from_month}; "
                "expected to_month >= from_month"
            )
        return self
