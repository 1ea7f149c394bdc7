"""Rotation and sustainability: can each nation keep its pledge in the field?

Per nation (docs/sustainment.md):

- pool = land_personnel x deployable_fraction [persons]
- tied = sum over commitments of personnel x their rotation ratio [persons]
- available = pool - tied [persons]
- ceiling = available / rotation_ratio: the continuous strength it can sustain [persons]
- a contribution P above the ceiling lasts floor(available / P) tours, so it fails at
  month floor(available / P) x tour_months; at or below the ceiling it is sustainable
- draw-down needed = the continuous strength to withdraw from drawable commitments, in
  the order the data lists them, to make P sustainable [persons]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from forcegen.engine.tolerances import FRACTION, PERSONS
from forcegen.model.nations import Nation

DEFAULT_DEPLOYABLE_FRACTION = 0.5
"""NATO usability target for land forces [0-1] (see docs/sustainment.md for sources)."""

DEFAULT_ROTATION_RATIO = 5.0
"""Personnel in the cycle per person deployed: deployed, recovering, preparing (harmony
1:4, a 24-month interval between 6-month tours) [ratio]."""

DEFAULT_TOUR_MONTHS = 6
"""Length of one tour [months]."""


@dataclass(frozen=True)
class DrawDown:
    """Continuous strength withdrawn from one commitment [persons]."""

    commitment: str
    personnel: float
    location: str | None = None


@dataclass(frozen=True)
class NationSustainment:
    """What one nation can keep in the field; personnel in [persons], months in [months]."""

    nation: str
    pledged: int
    pool: float
    tied: float
    available: float
    ceiling: float
    rotation_ratio: float
    tour_months: int
    fails_at_month: int | None
    draw_down_needed: float
    """Continuous strength to withdraw to make the pledge sustainable [persons]."""
    draw_down_from: tuple[DrawDown, ...]
    """What the drawable commitments can give, in data order (may fall short)."""
    draw_down_enough: bool
    warnings: tuple[str, ...] = field(default=())

    @property
    def sustainable(self) -> bool:
        """True when the pledge is at or below the ceiling."""
        return self.fails_at_month is None

    @property
    def headroom(self) -> float:
        """Ceiling minus pledged [persons]; negative when the pledge is too large."""
        return self.ceiling - self.pledged

    def deployed(self, month: int) -> float:
        """Strength in the field in ``month`` (1-based) [persons].

        The full pledge until it fails, then what can be sustained (the ceiling, if any).
        """
        if self.fails_at_month is None or month <= self.fails_at_month:
            return float(self.pledged)
        return min(float(self.pledged), max(self.ceiling, 0.0))

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape of one nation."""
        return {
            "pledged": self.pledged,
            "pool": self.pool,
            "tied": self.tied,
            "available": self.available,
            "ceiling": self.ceiling,
            "headroom": self.headroom,
            "sustainable": self.sustainable,
            "fails_at_month": self.fails_at_month,
            "draw_down_needed": self.draw_down_needed,
            "draw_down_from": [
                {"commitment": d.commitment, "location": d.location, "personnel": d.personnel}
                for d in self.draw_down_from
            ],
            "draw_down_enough": self.draw_down_enough,
            "warnings": list(self.warnings),
        }


def sustain_nation(nation: Nation, pledged: int) -> NationSustainment:
    """Apply the definitions in this module to one nation pledging ``pledged`` persons."""
    fraction = nation.deployable_fraction or DEFAULT_DEPLOYABLE_FRACTION
    ratio = nation.rotation_ratio or DEFAULT_ROTATION_RATIO
    tour = nation.tour_months or DEFAULT_TOUR_MONTHS
    pool = nation.land_personnel * fraction
    tied = float(sum((c.personnel * (c.rotation_ratio or ratio) for c in nation.commitments), 0.0))
    available = pool - tied
    ceiling = available / ratio
    warnings: list[str] = []
    if available < 0:
        warnings.append(
            f"{nation.id}: existing commitments tie up {tied:,.0f} of a deployable pool of "
            f"{pool:,.0f}; nothing is left for a new operation"
        )
    fails_at: int | None = None
    if pledged > ceiling + PERSONS and pledged > 0:
        tours = math.floor(available / pledged + FRACTION) if available > 0 else 0
        fails_at = tours * tour
    deficit = pledged * ratio - available  # rotation-weighted strength still needed
    draws: list[DrawDown] = []
    if fails_at is not None:
        for commitment in nation.commitments:
            if deficit <= PERSONS:
                break
            if not commitment.drawable or commitment.personnel <= 0:
                continue
            r = commitment.rotation_ratio or ratio
            take = min(float(commitment.personnel), deficit / r)
            draws.append(DrawDown(commitment.name, take, commitment.location))
            deficit -= take * r
    return NationSustainment(
        nation=nation.id,
        pledged=pledged,
        pool=pool,
        tied=tied,
        available=available,
        ceiling=ceiling,
        rotation_ratio=ratio,
        tour_months=tour,
        fails_at_month=fails_at,
        draw_down_needed=float(sum((d.personnel for d in draws), 0.0))
        + (max(deficit, 0.0) / ratio if fails_at is not None else 0.0),
        draw_down_from=tuple(draws),
        draw_down_enough=fails_at is None or deficit <= PERSONS,
        warnings=tuple(warnings),
    )


def coalition_curve(
    nations: Mapping[str, NationSustainment], months: int
) -> tuple[list[int], list[float]]:
    """Months 1..``months`` and the coalition strength in the field each month [persons]."""
    month_list = list(range(1, months + 1))
    return month_list, [sum(n.deployed(m) for n in nations.values()) for m in month_list]
