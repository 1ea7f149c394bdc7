"""Planning defaults: the rotation figures a nation takes when it gives none of its own.

The workspace's top-level ``defaults`` key (a mapping, not a list) holds them, each figure
sourced or labelled an assumption like every other figure; a nation's own
``deployable_fraction``, ``rotation_ratio`` or ``tour_months`` overrides them. A workspace
without the key gets :class:`Defaults` as constructed here, whose values are the built-in
ones below (see ``docs/rotation.md`` for where they come from).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from forcegen.model.common import Months, Number, RotationRatio, Sourced

DEPLOYABLE_FRACTION = 0.5
"""Built-in share of land forces deployable [0-1]: NATO's land-force usability target."""

ROTATION_RATIO = 5.0
"""Built-in personnel in the cycle per person deployed [ratio]: UK harmony, one 6-month
tour in every 30 months (deployed, then recovering and preparing)."""

TOUR_MONTHS = 6
"""Built-in length of one tour [months]."""

PARAMETERS = ("deployable_fraction", "rotation_ratio", "tour_months")
"""The figures a defaults block gives and a nation may override, in report order."""


class Defaults(Sourced):
    """Planning defaults for nations that leave ``deployable_fraction``,
    ``rotation_ratio`` or ``tour_months`` unset; a nation's own figure overrides them."""

    FIGURES: ClassVar[tuple[str, ...]] = PARAMETERS

    deployable_fraction: Number = Field(
        default=DEPLOYABLE_FRACTION,
        gt=0.0,
        le=1.0,
        description="Share of a nation's land forces deployable [0-1].",
    )
    rotation_ratio: RotationRatio = Field(
        default=ROTATION_RATIO,
        ge=1.0,
        description="Personnel in the rotation cycle per person deployed continuously [ratio].",
    )
    tour_months: Months = Field(
        default=TOUR_MONTHS, gt=0, description="Length of one tour [months]."
    )

    @property
    def given(self) -> tuple[str, ...]:
        """The figures the workspace gives (the rest are the built-in values)."""
        return tuple(name for name in PARAMETERS if name in self.model_fields_set)
