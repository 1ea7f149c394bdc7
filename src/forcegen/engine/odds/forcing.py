"""Sensitivity's forced cases (one free condition held true, then false) worked out from the
base pattern table instead of drawing every draw again.

Monte Carlo forces a condition with common random numbers: every draw keeps its own random
numbers and only the forced condition changes (:func:`~forcegen.engine.odds.sampling.
sample_patterns` with ``forced``). When no other free condition's ``given`` rule reads the
forced one, forcing it in a draw changes that draw's pattern in one bit and nothing else,
so the forced table is the base table with that bit set (or cleared) in every pattern,
counts merged: the very patterns and counts a redraw gives. For such a condition:

- expected personnel: the personnel of a draw changes only through the pledges whose
  ``requires`` names the condition, so the forced total [persons x draws] is the base
  total plus, over those pledges and the draws where the bit flips, each pledge's
  personnel times the change in its activity: whole numbers, summed exactly;
- P(met): a flipped pattern is looked up among the base patterns (its outcome is known)
  or, when the base draws never met it, evaluated once with the others of its kind.

Both are exact integer counts divided by the draws, the same bits as the mean over a
redrawn table (:func:`~forcegen.engine.odds.statistics.fdot` is the correctly rounded sum
of exact products; :data:`EXACT_BELOW` keeps every product exact). A condition that another
free condition's rule reads (its dependents would be drawn anew with the forced value) is
redrawn as before, and so is every condition of an exact enumeration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.odds.condition_model import ConditionModel
from forcegen.engine.odds.outcomes import PatternOutcomes
from forcegen.engine.odds.sampling import PatternTable, find_codes
from forcegen.model.pledges import PledgeStatus
from forcegen.model.workspace import Workspace

EXACT_BELOW = 2**53
"""Draws x total pledged personnel must stay below this for every product of a count and a
personnel figure to be exact in float64 (else the redraw is used)."""


@dataclass(frozen=True)
class ForcedSide:
    """One forced case: expected personnel [persons] and P(met) by requirement [0-1]."""

    personnel: float
    p_met: Mapping[str, float]


def redrawn(model: ConditionModel) -> frozenset[str]:
    """Free conditions whose forcing changes how other conditions are drawn (some free
    condition's ``given`` rule reads them): these are redrawn."""
    free = set(model.free)
    return frozenset(c for rule in model.rules for c, _ in rule.given if c in free)


def table_ok_for(draws: int, personnel: Mapping[str, int]) -> bool:
    """True when the forced cases of a table of ``draws`` counted draws can be worked out
    from it exactly: every product of a count and a personnel figure [persons] below
    :data:`EXACT_BELOW`."""
    return draws * max(1, sum(personnel.values())) < EXACT_BELOW


def forced_sides(
    workspace: Workspace,
    model: ConditionModel,
    table: PatternTable,
    outcomes: PatternOutcomes,
    personnel: Mapping[str, int],
    conditions: tuple[str, ...],
    evaluate: Callable[[NDArray[np.uint64]], PatternOutcomes],
) -> dict[tuple[str, bool], ForcedSide]:
    """Each of ``conditions`` forced true and false, from the base ``table`` and its
    ``outcomes`` (``personnel``: pledge id -> [persons]; ``evaluate``: outcomes of
    patterns the base draws never met, without breakdown). Only for conditions outside
    :func:`redrawn` and a counted table that passes :func:`table_ok_for`."""
    assert table.counts is not None
    counts = table.counts.astype(np.int64)
    codes = table.codes
    total = table.total
    values: dict[str, NDArray[np.bool_] | bool] = dict(model.fixed)
    for j, rule in enumerate(model.rules):
        values[rule.condition] = ((codes >> np.uint64(j)) & np.uint64(1)).astype(bool)
    base = int(np.dot(counts, outcomes.personnel.astype(np.int64)))
    requirements = outcomes.requirements
    flips: dict[tuple[str, bool], tuple[NDArray[np.bool_], NDArray[np.uint64]]] = {}
    for condition in conditions:
        bit = np.uint64(1) << np.uint64(model.column(condition))
        held = np.asarray(values[condition], dtype=bool)
        flips[(condition, True)] = (~held, codes[~held] | bit)
        flips[(condition, False)] = (held, codes[held] & ~bit)
    unseen = _unseen_outcomes(codes, flips, evaluate) if requirements else None
    sides: dict[tuple[str, bool], ForcedSide] = {}
    n = len(requirements)
    base_met = [int(np.dot(counts, outcomes.met[:, r].astype(np.int64))) for r in range(n)]
    for condition in conditions:
        change = _personnel_change(workspace, values, counts, condition, personnel)
        for value in (True, False):
            rows, flipped = flips[(condition, value)]
            p_met: dict[str, float] = {}
            if requirements:
                met = _flipped_met(codes, outcomes, unseen, flipped)
                moved = counts[rows]
                for r, rid in enumerate(requirements):
                    kept = base_met[r] - int(np.dot(moved, outcomes.met[rows, r].astype(np.int64)))
                    gained = int(np.dot(moved, met[:, r].astype(np.int64)))
                    p_met[rid] = float(kept + gained) / total
            sides[(condition, value)] = ForcedSide(float(base + change[value]) / total, p_met)
    return sides


def _personnel_change(
    workspace: Workspace,
    values: Mapping[str, NDArray[np.bool_] | bool],
    counts: NDArray[np.int64],
    condition: str,
    personnel: Mapping[str, int],
) -> dict[bool, int]:
    """The change in total personnel [persons x draws] when ``condition`` is forced true
    and false: over the pledges whose ``requires`` names it, in the draws where it flips."""
    held = np.asarray(values[condition], dtype=bool)
    rows = counts.shape[0]
    off = np.where(held, 0, counts)  # draws where the condition is false: forced true flips
    on = counts - off
    change = {True: 0, False: 0}
    for pid, pledge in workspace.pledges.items():
        expression = workspace.requires[pid]
        if pledge.status is PledgeStatus.WITHDRAWN or condition not in expression.conditions:
            continue
        if_true = np.broadcast_to(expression.evaluate({**values, condition: True}), (rows,))
        if_false = np.broadcast_to(expression.evaluate({**values, condition: False}), (rows,))
        gain = if_true.astype(np.int64) - if_false.astype(np.int64)  # -1, 0 or 1 per pattern
        change[True] += personnel[pid] * int(np.dot(off, gain))
        change[False] -= personnel[pid] * int(np.dot(on, gain))
    return change


def _unseen_outcomes(
    codes: NDArray[np.uint64],
    flips: Mapping[tuple[str, bool], tuple[NDArray[np.bool_], NDArray[np.uint64]]],
    evaluate: Callable[[NDArray[np.uint64]], PatternOutcomes],
) -> tuple[NDArray[np.uint64], PatternOutcomes] | None:
    """Outcomes of the flipped patterns the base draws never met (ascending codes), all
    evaluated at once; None when there are none."""
    missing = []
    for _, flipped in flips.values():
        _, known = find_codes(codes, flipped)
        missing.append(flipped[~known])
    extra = np.unique(np.concatenate(missing)) if missing else np.zeros(0, np.uint64)
    if extra.shape[0] == 0:
        return None
    return extra, evaluate(extra)


def _flipped_met(
    codes: NDArray[np.uint64],
    outcomes: PatternOutcomes,
    unseen: tuple[NDArray[np.uint64], PatternOutcomes] | None,
    flipped: NDArray[np.uint64],
) -> NDArray[np.bool_]:
    """Met [flipped patterns x requirements] of each flipped pattern."""
    met = np.zeros((flipped.shape[0], len(outcomes.requirements)), dtype=bool)
    found, known = find_codes(codes, flipped)
    met[known] = outcomes.met[found[known]]
    if unseen is not None and not known.all():
        extra, extra_out = unseen
        met[~known] = extra_out.met[np.searchsorted(extra, flipped[~known])]
    return met
