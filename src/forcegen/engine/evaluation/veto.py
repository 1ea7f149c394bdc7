"""Veto analysis: how many troops hang on each condition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.totals import checked_personnel
from forcegen.expressions import Expression
from forcegen.model.pledges import PledgeStatus
from forcegen.model.workspace import Workspace

BLOCK = 256
"""Conditions of one expression flipped at once [conditions]: memory is O(BLOCK**2)."""


def veto(
    workspace: Workspace,
    values: Mapping[str, bool],
    personnel: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """For each condition: active personnel with it true minus with it false [persons].

    Every other condition keeps the value in ``values``. A large positive veto means
    the condition is a real veto over that many troops; a negative one means troops
    are withdrawn when it holds. ``personnel`` (pledge id -> [persons], as
    :func:`~forcegen.engine.totals.checked_personnel` gives it) saves working it out again.

    Only a pledge whose ``requires`` mentions a condition can change with it, so each
    pledge's expression is evaluated once, vectorised over its own conditions forced
    true and false: linear in the size of the expressions, not conditions x pledges.
    Sums are Python integers (exact).
    """
    if personnel is None:
        personnel = checked_personnel(workspace)
    out = dict.fromkeys(workspace.conditions, 0)
    for pid, pledge in workspace.pledges.items():
        if pledge.status is PledgeStatus.WITHDRAWN:
            continue
        expression = workspace.requires[pid]
        mentioned = sorted(expression.conditions)
        if not mentioned:
            continue
        strength = personnel[pid]
        for cid, swing in zip(mentioned, swings(expression, values, mentioned), strict=True):
            if swing:
                out[cid] += int(swing) * strength
    return out


def swings(
    expression: Expression, values: Mapping[str, bool], conditions: list[str]
) -> NDArray[np.int8]:
    """For each of ``conditions``: the expression with it true minus with it false (1, 0
    or -1), every other condition as in ``values``."""
    out = np.zeros(len(conditions), dtype=np.int8)
    base: dict[str, Any] = {c: np.bool_(values[c]) for c in expression.conditions}
    for start in range(0, len(conditions), BLOCK):
        block = conditions[start : start + BLOCK]
        n = len(block)
        # row 2j: block[j] forced true; row 2j + 1: forced false; others as in values
        forced = dict(base)
        for j, cid in enumerate(block):
            column = np.full(2 * n, base[cid], dtype=bool)
            column[2 * j] = True
            column[2 * j + 1] = False
            forced[cid] = column
        result = np.broadcast_to(np.asarray(expression.evaluate(forced), dtype=bool), (2 * n,))
        out[start : start + n] = result[0::2].astype(np.int8) - result[1::2].astype(np.int8)
    return out
