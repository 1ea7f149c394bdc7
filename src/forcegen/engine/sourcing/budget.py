"""The time budget of one sourcing solve: one deadline shared by its stages and parts."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from forcegen.errors import ForcegenError

DEFAULT_TIME_LIMIT = 20.0
"""Time budget of ``forcegen source`` and :func:`forcegen.source_requirement` when none is
given [seconds]: the fill stages are proven within it on coalitions of thousands of
lines; the tie-breaks use what is left."""

RESERVE = 0.1
"""Share of the time left that a budget keeps back for the work after the solver calls
(reading points, building the result) and for the solver's overshoot of its own time
limit (HiGHS checks it between steps: up to a few tenths of a second on a large model)
[fraction]; at least :data:`RESERVE_SECONDS`."""

RESERVE_SECONDS = 0.3
"""Least time kept back [s]."""

MIN_STAGE_SECONDS = 0.05
"""A stage given less than this [seconds] is not started: it keeps the point of the
stage before (reported as stopped by the time limit, with the bound known without it)."""


def check_time_limit(seconds: object, what: str = "time_limit") -> float:
    """Validate a time budget: a finite number of seconds above 0 (``what`` names it in the
    message, e.g. ``--time-limit``)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ForcegenError(f"{what} must be a finite number of seconds above 0; got {seconds!r}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ForcegenError(f"{what} must be a finite number of seconds above 0; got {seconds!r}")
    return float(seconds)


class Budget:
    """Seconds left until a deadline (``None``: no deadline), on a monotonic clock."""

    def __init__(self, seconds: float | None, reserve: bool = True) -> None:
        self.seconds = seconds
        self.reserve = reserve
        """Keep back :data:`RESERVE` of what is left in :meth:`share` (the budget of a
        whole solve does; a part's share of it need not do it again)."""
        self._deadline = None if seconds is None else time.monotonic() + seconds

    @property
    def limited(self) -> bool:
        """True when there is a deadline."""
        return self._deadline is not None

    def left(self) -> float:
        """Seconds left [s] (``inf`` without a deadline, never below 0)."""
        if self._deadline is None:
            return float("inf")
        return max(0.0, self._deadline - time.monotonic())

    def share(self, weights: Sequence[float], k: int, least: float = 0.0) -> float:
        """The seconds item ``k`` of ``weights`` may use [s]: what is left (less the
        reserve), in proportion to its weight among the items from ``k`` on (time an item
        leaves unused goes to those after it), and at least ``least`` while that much is
        left."""
        left = self.left()
        if left == float("inf"):
            return left
        if self.reserve:
            left = max(0.0, left - max(RESERVE * left, RESERVE_SECONDS))
        rest = float(sum(weights[k:]))
        share = left if rest <= 0 else left * float(weights[k]) / rest
        return max(share, min(least, left))


__all__ = [
    "DEFAULT_TIME_LIMIT",
    "MIN_STAGE_SECONDS",
    "RESERVE",
    "RESERVE_SECONDS",
    "Budget",
    "check_time_limit",
]
