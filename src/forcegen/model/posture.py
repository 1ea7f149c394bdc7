"""Posture: where the force stands against the line of contact, and the planning figures
that measure it (docs/posture.md).

Two top-level keys of a workspace:

- ``posture`` (a mapping, :class:`PosturePlanning`): the detour factor, convoy speed,
  coverage times, distance bands, segment length, risk distance and the scenario read as
  "ceasefire without Russian consent"; every figure sourced or labelled an assumption.
  A workspace without the key gets the built-in values below.
- ``postures`` (a list of :class:`Posture`): where units stand. A pledge is stationed in
  the first zone of the posture's ``zone_order`` that its own ``zones`` allow (a pledge
  with no zones may go anywhere); inside a zone, at the posture's ``stations`` for it,
  else at the network's destination for the zone.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, field_validator

from forcegen.limits import LIMITS
from forcegen.model.common import AtMost, Id, Number, Sourced

DETOUR_FACTOR = 1.25
"""Built-in road km per great-circle km [ratio]: the network's own road assumption."""

CONVOY_SPEED_KMH = 40.0
"""Built-in rate of march of a road column [km/h], short halts included."""

COVERAGE_HOURS = (6.0, 24.0)
"""Built-in reinforcement times for coverage [h]."""

WITHIN_KM = (50.0, 100.0, 200.0)
"""Built-in distance bands for personnel near the line [km]."""

SEGMENT_KM = 10.0
"""Built-in longest piece the line is split into for coverage [km]."""

RISK_KM = 80.0
"""Built-in distance within which a unit is exposed to Russian fires [km]."""

Km = Annotated[Number, AtMost(LIMITS["MAX_ROUTE_KM"])]
"""A distance [km], at most MAX_ROUTE_KM."""

Hours = Annotated[Number, Field(gt=0, le=8_760)]
"""A time [h], more than 0 and at most a year (8,760 h)."""


class PosturePlanning(Sourced):
    """The ``posture`` key: planning figures of posture, coverage and risk."""

    FIGURES: ClassVar[tuple[str, ...]] = (
        "detour_factor",
        "convoy_speed_kmh",
        "coverage_hours",
        "within_km",
        "segment_km",
        "risk_km",
    )
    CLAIMS: ClassVar[tuple[str, ...]] = ("risk_scenario",)

    detour_factor: Number = Field(
        default=DETOUR_FACTOR,
        ge=1.0,
        le=10.0,
        description="Road km per great-circle km where no leg gives a route length [ratio].",
    )
    convoy_speed_kmh: Number = Field(
        default=CONVOY_SPEED_KMH,
        ge=1.0,
        le=200.0,
        description="Rate of march of a road column, short halts included [km/h].",
    )
    coverage_hours: tuple[Hours, ...] = Field(
        default=COVERAGE_HOURS,
        min_length=1,
        max_length=12,
        description="Reinforcement times for coverage [h], e.g. [6, 24].",
    )
    within_km: tuple[Annotated[Km, Field(gt=0)], ...] = Field(
        default=WITHIN_KM,
        min_length=1,
        max_length=12,
        description="Distance bands for personnel near the line [km], e.g. [50, 100, 200].",
    )
    segment_km: Km = Field(
        default=SEGMENT_KM,
        ge=0.1,
        description="Longest piece the line of contact is split into for coverage [km].",
    )
    risk_km: Km = Field(
        default=RISK_KM,
        ge=0.0,
        description="Distance from the line within which a unit is exposed to Russian fires [km].",
    )
    risk_scenario: Id | None = Field(
        default=None,
        description="Scenario read as 'ceasefire without Russian consent' for the pledges "
        "at risk; omitted = no risk reported.",
    )

    @field_validator("coverage_hours", "within_km")
    @classmethod
    def _distinct(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a value is given twice; expected distinct values")
        return tuple(sorted(value))


class Posture(Sourced):
    """Where units stand, e.g. ``forward-hubs`` (Dnipro, Zaporizhzhia, Kharkiv)."""

    CLAIMS: ClassVar[tuple[str, ...]] = ("zone_order", "stations")

    id: Id = Field(description="Posture id, e.g. lviv-hub.")
    name: str = Field(min_length=1, description="Name in words, used in reports.")
    description: str = Field(default="", description="What it is and who proposed it.")
    zone_order: tuple[Id, ...] = Field(
        default=(),
        description="Zones in order of preference: a pledge is stationed in the first one "
        "its own zones allow (a pledge with no zones, in the first); omitted = each pledge's "
        "own order (as deploy moves it).",
    )
    stations: dict[Id, tuple[Id, ...]] = Field(
        default_factory=dict,
        description="Zone -> node ids where its units stand: every unit of the zone spread "
        "over them balanced by personnel (manoeuvre units first, largest first, each to the "
        "station with the fewest personnel so far); a zone not listed uses the network's "
        "destination for it.",
    )

    @field_validator("stations")
    @classmethod
    def _some_node(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        empty = sorted(zone for zone, nodes in value.items() if not nodes)
        if empty:
            raise ValueError(
                f"stations of {', '.join(empty)} list no node; expected at least one node id"
            )
        return value
