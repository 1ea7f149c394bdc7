"""Checked totals: the figures every engine adds up, refused before they could overflow.

The workspace loader bounds each figure (:data:`~forcegen.limits.MAX_QUANTITY`,
:data:`~forcegen.limits.MAX_PERSONNEL`, :data:`~forcegen.limits.MAX_RECORDS`); the
engines check each pledge's quantity and personnel against the same bounds and the
totals they imply (:data:`~forcegen.limits.MAX_TOTAL_UNITS`,
:data:`~forcegen.limits.MAX_TOTAL_PERSONNEL`), so that a workspace made any other way
cannot make a sum wrap around in an int64, lose precision in a float64 or overflow to
infinity: it is refused with a :class:`~forcegen.errors.ForcegenError` instead. Under
these totals every personnel sum is exact in an int64 and in a float64 (below 2**53).
"""

from __future__ import annotations

import math

from forcegen.errors import ForcegenError
from forcegen.limits import (
    LIMITS,
    MAX_PERSONNEL,
    MAX_QUANTITY,
    MAX_TOTAL_PERSONNEL,
    MAX_TOTAL_UNITS,
)
from forcegen.model.workspace import Workspace


def _over(what: str, found: float, limit: str) -> ForcegenError:
    bound = LIMITS[limit]
    return ForcegenError(f"{what}: {bound.refusal(found)}")


def _total_over(total: float, limit: str, what: str) -> ForcegenError:
    bound = LIMITS[limit]
    return ForcegenError(
        f"the pledges add up to {total:,.0f} {bound.unit} ({what}), over the limit of "
        f"{bound.value:,} {bound.unit}: {bound.why}"
    )


def check_units(workspace: Workspace) -> float:
    """Units of all pledges together [units]: each quantity finite and at most
    :data:`~forcegen.limits.MAX_QUANTITY`, the total at most
    :data:`~forcegen.limits.MAX_TOTAL_UNITS`."""
    total = 0.0
    for pid, pledge in workspace.pledges.items():
        quantity = float(pledge.quantity)
        if not math.isfinite(quantity) or quantity > MAX_QUANTITY:
            raise _over(f"pledge '{pid}': quantity", quantity, "MAX_QUANTITY")
        total += quantity
    if total > MAX_TOTAL_UNITS:
        raise _total_over(total, "MAX_TOTAL_UNITS", "units of all pledges")
    return total


def checked_personnel(workspace: Workspace) -> dict[str, int]:
    """Personnel of every pledge [persons], as :meth:`Workspace.pledge_personnel` gives
    it, with the units checked (:func:`check_units`), each pledge at most
    :data:`~forcegen.limits.MAX_PERSONNEL` and the total at most
    :data:`~forcegen.limits.MAX_TOTAL_PERSONNEL` (Python integers: exact)."""
    check_units(workspace)
    out: dict[str, int] = {}
    total = 0
    for pid in workspace.pledges:
        try:
            persons = int(workspace.pledge_personnel(pid))
        except (OverflowError, ValueError):  # quantity x strength is not finite
            raise ForcegenError(
                f"pledge '{pid}': its personnel is not a finite number; "
                f"expected {LIMITS['MAX_PERSONNEL'].describe()}"
            ) from None
        if persons < 0:
            raise ForcegenError(f"pledge '{pid}': personnel {persons:,} is negative")
        if persons > MAX_PERSONNEL:
            raise _over(f"pledge '{pid}': personnel", persons, "MAX_PERSONNEL")
        total += persons
        out[pid] = persons
    if total > MAX_TOTAL_PERSONNEL:
        raise _total_over(total, "MAX_TOTAL_PERSONNEL", "personnel of all pledges")
    return out
