"""Nations: coalition members and reference rows, their forces and existing commitments."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, field_validator

from forcegen.limits import LIMITS, MAX_PERSONNEL
from forcegen.model.common import (
    Day,
    Flag,
    Months,
    Number,
    Persons,
    Record,
    RotationRatio,
    Source,
    Sourced,
    id_checker,
)

_CAPITALS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class NationRole(StrEnum):
    """Why a nation is in the workspace."""

    MEMBER = "member"
    HOST = "host"
    REFERENCE = "reference"


class Stance(StrEnum):
    """A nation's public position on sending forces."""

    TROOPS = "troops"
    CONDITIONAL = "conditional"
    SUPPORT_ONLY = "support_only"
    NO_TROOPS = "no_troops"
    UNDECIDED = "undecided"


class Commitment(Sourced):
    """An existing deployment that competes for the same troops [persons]."""

    FIGURES: ClassVar[tuple[str, ...]] = ("personnel", "rotation_ratio")
    CLAIMS: ClassVar[tuple[str, ...]] = ("drawable",)

    name: str = Field(min_length=1, description="Operation or deployment, e.g. NATO FLF Estonia.")
    personnel: Persons = Field(ge=0, description="Deployed strength [persons].")
    location: str | None = Field(default=None, description="Where, in words or ISO alpha-3.")
    rotation_ratio: RotationRatio | None = Field(
        default=None,
        ge=1.0,
        description="Personnel in the cycle per person deployed [ratio]; default: the nation's.",
    )
    drawable: Flag = Field(
        default=False, description="May be drawn down to free troops for a new operation."
    )


class Statement(Record):
    """A dated public statement of a nation's position (used to record refusals and caveats)."""

    date: Day = Field(description="Date of the statement.")
    stance: Stance = Field(description="The position it states.")
    summary: str = Field(min_length=1, description="What was said, in short.")
    sources: tuple[Source, ...] = Field(min_length=1, description="At least one source.")


class Nation(Sourced):
    """A nation: ISO 3166 alpha-3 id, personnel strengths [persons] and commitments."""

    FIGURES: ClassVar[tuple[str, ...]] = (
        "active_personnel",
        "land_personnel",
        "deployable_fraction",
        "rotation_ratio",
        "tour_months",
    )

    id: Annotated[
        str, id_checker(_CAPITALS, _CAPITALS, "an ISO 3166-1 alpha-3 code in capitals, e.g. GBR")
    ] = Field(description="ISO 3166-1 alpha-3 code, e.g. GBR.")
    name: str = Field(min_length=1, description="Name in words.")
    role: NationRole = Field(
        default=NationRole.MEMBER,
        description="member of the coalition, host nation, or reference row.",
    )
    memberships: tuple[str, ...] = Field(default=(), description="E.g. [NATO, EU].")
    active_personnel: Persons = Field(ge=0, description="Active military personnel [persons].")
    land_personnel: Persons = Field(ge=0, description="Army / land-forces personnel [persons].")
    deployable_fraction: Number | None = Field(
        default=None,
        gt=0.0,
        le=1.0,
        description="Share of land forces deployable [0-1]; default: the workspace's defaults.",
    )
    rotation_ratio: RotationRatio | None = Field(
        default=None,
        ge=1.0,
        description="Personnel in the cycle per person deployed continuously [ratio]; "
        "default: the workspace's defaults.",
    )
    tour_months: Months | None = Field(
        default=None,
        gt=0,
        description="Length of one tour [months]; default: the workspace's defaults.",
    )
    commitments: tuple[Commitment, ...] = Field(
        default=(), description="Existing deployments that compete for troops."
    )
    statements: tuple[Statement, ...] = Field(
        default=(), description="Dated public positions (refusals, caveats, offers)."
    )

    @field_validator("commitments")
    @classmethod
    def _committed_within_limit(cls, value: tuple[Commitment, ...]) -> tuple[Commitment, ...]:
        total = sum(c.personnel for c in value)
        if total > MAX_PERSONNEL:
            limit = LIMITS["MAX_PERSONNEL"]
            raise ValueError(
                f"the commitments add up to more than any one figure may: {limit.refusal(total)}"
                f"; expected {limit.at_most()} in all"
            )
        return value

    @field_validator("id")
    @classmethod
    def _iso3(cls, value: str) -> str:
        from forcegen.model.iso import is_iso3

        if not is_iso3(value):
            raise ValueError(
                f"'{value}' is not an ISO 3166-1 alpha-3 country code; "
                "expected an assigned code in capitals, e.g. GBR"
            )
        return value

    @property
    def committed_personnel(self) -> int:
        """Personnel in existing commitments [persons]."""
        return sum(c.personnel for c in self.commitments)

    def latest_stance(self) -> Stance | None:
        """The stance of the most recent statement, if any."""
        if not self.statements:
            return None
        return max(self.statements, key=lambda s: s.date).stance
