"""Checks of the counts the engines are asked for (draws, workers, months...) against
the documented limits (:mod:`forcegen.limits`), made before any work is done."""

from __future__ import annotations

import numpy as np

from forcegen.errors import ForcegenError
from forcegen.limits import LIMITS


def check_count(what: str, value: object, limit: str, least: int = 1) -> int:
    """``value`` as an int when it is a whole number from ``least`` to the limit named
    ``limit``; else a :class:`~forcegen.errors.ForcegenError` naming ``what`` (an option
    such as ``--draws``, or an argument such as ``draws``) and stating the bound and why."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        shown = int(value) if isinstance(value, np.integer) else value
        raise ForcegenError(f"{what} must be a whole number of at least {least}; got {shown!r}")
    bound = LIMITS[limit]
    if value > bound.value:
        raise ForcegenError(f"{what}: {bound.refusal(int(value))}")
    return int(value)
