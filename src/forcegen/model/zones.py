"""Zones: named areas where pledged units may be employed (caveats refer to them)."""

from __future__ import annotations

from pydantic import Field

from forcegen.model.common import Flag, Id, Sourced


class Zone(Sourced):
    """An area of employment, e.g. ``ukraine-west`` or ``poland``."""

    id: Id = Field(description="Zone id, e.g. ukraine-west.")
    name: str = Field(min_length=1, description="Name in words.")
    description: str = Field(default="", description="Where it is.")
    country: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="ISO 3166 alpha-3 code, if one country."
    )
    front_line: Flag = Field(
        default=False, description="True when the zone touches the line of contact."
    )
