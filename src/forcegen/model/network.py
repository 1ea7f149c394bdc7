"""The deployment network: origins, airfields, ports, staging areas, border crossings and
destinations (nodes), the road, rail, air and sea legs between them, and what may
disrupt them.

Conventions (``docs/deployment.md``): day 0 = activation; a leg's capacity counts
departures per day; leaving on day d over a leg of transit t arrives on day d + t; a
node's handling capacity counts arrivals per day; an item may leave a node no earlier
than ``dwell_days`` after it arrived.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from forcegen.limits import LIMITS
from forcegen.model.common import AtMost, Days, Id, Number, PerDay, Record, Sourced


class NodeKind(StrEnum):
    """What a node is in the deployment chain."""

    ORIGIN = "origin"
    AIRFIELD = "airfield"
    PORT = "port"
    STAGING = "staging"
    BORDER = "border"
    DESTINATION = "destination"


class Mode(StrEnum):
    """How a leg is travelled."""

    ROAD = "road"
    RAIL = "rail"
    AIR = "air"
    SEA = "sea"


class Handling(Record):
    """Arrivals a node can receive per day; a field left out sets no limit."""

    pax_per_day: PerDay | None = Field(
        default=None, ge=0, description="Personnel received per day [persons/day]."
    )
    short_tons_per_day: PerDay | None = Field(
        default=None, ge=0, description="Cargo received per day [short tons/day]."
    )


class Capacity(Record):
    """Departures a leg can take per day, per kind of load."""

    pax_per_day: PerDay = Field(ge=0, description="Personnel leaving per day [persons/day].")
    short_tons_per_day: PerDay = Field(ge=0, description="Cargo leaving per day [short tons/day].")


class Node(Sourced):
    """A place in the deployment chain, e.g. the Przemysl rail transshipment yard."""

    FIGURES: ClassVar[tuple[str, ...]] = ("handling", "dwell_days")

    id: Id = Field(description="Node id, e.g. przemysl.")
    name: str = Field(min_length=1, description="Name in words, used in reports.")
    kind: NodeKind = Field(description="origin, airfield, port, staging, border or destination.")
    lat: Number = Field(ge=-90, le=90, description="Latitude [degrees north].")
    lon: Number = Field(ge=-180, le=180, description="Longitude [degrees east].")
    country: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="ISO 3166 alpha-3 code."
    )
    handling: Handling | None = Field(
        default=None, description="Arrivals received per day; omitted = no limit."
    )
    dwell_days: Days = Field(
        default=0, ge=0, description="Days an item stays before it may leave [days]."
    )
    description: str = Field(default="", description="What it is.")


class Leg(Sourced):
    """A link between two nodes by one mode, e.g. rail from Przemysl to Lviv."""

    FIGURES: ClassVar[tuple[str, ...]] = ("transit_days", "capacity", "length_km")

    id: Id = Field(description="Leg id, e.g. przemysl-lviv-rail.")
    name: str = Field(default="", description="Name in words; default 'from - to (mode)'.")
    from_: Id = Field(alias="from", description="Node id where the leg starts.")
    to: Id = Field(description="Node id where the leg ends.")
    mode: Mode = Field(description="road, rail, air or sea.")
    transit_days: Days = Field(
        ge=1, description="Days from departure to arrival [days]; at least 1."
    )
    capacity: Capacity = Field(description="Departures per day.")
    length_km: Annotated[Number, AtMost(LIMITS["MAX_ROUTE_KM"])] | None = Field(
        default=None,
        gt=0,
        description="Route length [km], for road times (docs/posture.md); omitted = great "
        "circle x the posture detour factor.",
    )
    gauge_break: bool = Field(
        default=False,
        strict=True,
        description="True for a rail leg across the 1,435 / 1,520 mm gauge break; its "
        "capacity is then the transshipment or bogie-exchange capacity.",
    )

    @model_validator(mode="after")
    def _ends_differ(self) -> Leg:
        if self.from_ == self.to:
            raise ValueError(f"the leg starts and ends at '{self.to}'; expected two nodes")
        return self

    @property
    def label(self) -> str:
        """The name, or 'from - to (mode)'."""
        return self.name or f"{self.from_} - {self.to} ({self.mode.value})"


class Point(Record):
    """A place on the map."""

    lat: Number = Field(ge=-90, le=90, description="Latitude [degrees north].")
    lon: Number = Field(ge=-180, le=180, description="Longitude [degrees east].")


class LineOfContact(Sourced):
    """The line of contact as a polyline, for maps and distances."""

    date: str = Field(default="", description="When it was drawn, e.g. 2026-02.")
    points: tuple[Point, ...] = Field(min_length=2, description="Points, north to south.")


class Disruption(Sourced):
    """A node or leg closed (``reduction`` 1) or reduced for ``days`` days, with a
    ``probability``; the first day is drawn uniformly from ``earliest_day`` to
    ``latest_day``."""

    FIGURES: ClassVar[tuple[str, ...]] = ("probability", "days", "reduction")

    id: Id = Field(description="Disruption id, e.g. przemysl-strike.")
    target: Id = Field(description="Node or leg id.")
    probability: Number = Field(ge=0, le=1, description="Chance it happens [0-1].")
    days: Days = Field(ge=1, description="How long it lasts [days].")
    reduction: Number = Field(
        default=1.0, gt=0, le=1, description="Share of capacity lost [0-1]; 1 = closed."
    )
    earliest_day: Days = Field(default=0, ge=0, description="Earliest first day [day].")
    latest_day: Days = Field(default=30, ge=0, description="Latest first day [day].")
    description: str = Field(default="", description="What happens, e.g. a missile strike.")

    @model_validator(mode="after")
    def _window(self) -> Disruption:
        if self.latest_day < self.earliest_day:
            raise ValueError(
                f"latest_day {self.latest_day} is before earliest_day {self.earliest_day}; "
                "expected latest_day >= earliest_day"
            )
        return self


class Network(Record):
    """The ``network`` key of a workspace."""

    nodes: tuple[Node, ...] = Field(min_length=1, description="Places.")
    legs: tuple[Leg, ...] = Field(default=(), description="Links between places.")
    origins: dict[str, tuple[Id, ...]] = Field(
        default_factory=dict,
        description="Nation id -> the node(s) its units leave from (any of them).",
    )
    zones: dict[str, Id] = Field(
        default_factory=dict,
        description="Zone id -> destination node; units bound for a zone not listed "
        "(e.g. airspace, the Black Sea) are not moved through the network.",
    )
    default_zone: Id | None = Field(
        default=None, description="Zone for units whose pledge names no zone."
    )
    horizon_days: Days = Field(default=180, ge=1, description="Longest plan considered [days].")
    line_of_contact: LineOfContact | None = Field(
        default=None, description="Polyline of the line of contact."
    )
    disruptions: tuple[Disruption, ...] = Field(
        default=(), description="What may close or reduce a node or leg."
    )

    def node(self, node_id: str) -> Node:
        """The node with this id."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)
