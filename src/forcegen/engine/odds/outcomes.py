"""What each condition pattern yields: active pledges, personnel, requirement fill.

Condition expressions are evaluated as NumPy array operations over all patterns at
once, and so is the requirement fill (:class:`~forcegen.engine.sourcing.fill.BatchFill`, the
same rule and arithmetic as ``forcegen run``'s ``fill_requirement``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.odds.condition_model import ConditionModel
from forcegen.engine.odds.sampling import Progress, pattern_values
from forcegen.engine.sourcing.fill import BatchFill
from forcegen.engine.totals import checked_personnel
from forcegen.model.pledges import PledgeStatus
from forcegen.model.workspace import Workspace


@dataclass(frozen=True)
class PatternOutcomes:
    """Per-pattern results, rows aligned with ``codes``.

    ``active`` [patterns x pledges]; ``personnel`` [persons]; ``by_nation`` [persons],
    ``by_capability`` [units], ``by_capability_personnel`` [persons]; ``met``,
    ``fill_ratio`` and ``personnel_fill`` [patterns x requirements, 0-1].
    """

    codes: NDArray[np.uint64]
    pledges: tuple[str, ...]
    nations: tuple[str, ...]
    capabilities: tuple[str, ...]
    requirements: tuple[str, ...]
    active: NDArray[np.bool_]
    personnel: NDArray[np.int64]
    by_nation: NDArray[np.int64]
    by_capability: NDArray[np.float64]
    by_capability_personnel: NDArray[np.int64]
    nation_pledged: NDArray[np.int64]
    """Personnel pledged by each nation, all pledges active [persons]."""
    capability_pledged: NDArray[np.int64]
    """Personnel pledged of each capability, all pledges active [persons]."""
    met: NDArray[np.bool_]
    fill_ratio: NDArray[np.float64]
    personnel_fill: NDArray[np.float64]
    """Filled / required personnel of each requirement, lines weighted by their
    capability's personnel per unit [0-1]."""


def pattern_outcomes(
    workspace: Workspace,
    model: ConditionModel,
    codes: NDArray[np.uint64],
    cache: dict[Any, Any] | None = None,
    personnel: Mapping[str, int] | None = None,
    breakdown: bool = True,
    fills: Fills | None = None,
    progress: Progress | None = None,
) -> PatternOutcomes:
    """Evaluate every pattern in ``codes`` (vectorised over patterns).

    ``fills``: the requirement fills of these patterns when already worked out (by
    :func:`requirement_fills`, on Dask workers); else they are worked out here, with
    ``progress`` as :func:`requirement_fills` calls it.

    Without ``breakdown`` (sensitivity passes need only personnel and P(met)),
    ``by_nation``, ``by_capability`` and ``by_capability_personnel`` have no columns.

    ``personnel`` (pledge id -> [persons]) is :func:`~forcegen.engine.totals.checked_personnel`
    of the workspace (worked out when None): its total is checked, so that no sum below
    can wrap around in an int64 or lose precision in a float64.
    """
    if personnel is None:
        personnel = checked_personnel(workspace)
    pledge_ids = tuple(workspace.pledges)
    active = pattern_active(workspace, model, codes)
    personnel_per_pledge = np.array([personnel[pid] for pid in pledge_ids], dtype=np.int64)
    nations = tuple(dict.fromkeys(p.nation for p in workspace.pledges.values()))
    capabilities = tuple(dict.fromkeys(p.capability for p in workspace.pledges.values()))
    nation_of = np.zeros((len(pledge_ids), len(nations)), dtype=np.int64)
    units_of = np.zeros((len(pledge_ids), len(capabilities)))
    capability_personnel_of = np.zeros((len(pledge_ids), len(capabilities)), dtype=np.int64)
    nation_column = {nation: j for j, nation in enumerate(nations)}
    capability_column = {capability: j for j, capability in enumerate(capabilities)}
    for k, pid in enumerate(pledge_ids):
        pledge = workspace.pledges[pid]
        nation_of[k, nation_column[pledge.nation]] = personnel_per_pledge[k]
        units_of[k, capability_column[pledge.capability]] = pledge.quantity
        capability_personnel_of[k, capability_column[pledge.capability]] = personnel_per_pledge[k]
    if not breakdown:
        nation_of = nation_of[:, :0]
        units_of = units_of[:, :0]
        capability_personnel_of = capability_personnel_of[:, :0]
    # every integer sum in one product: ``active`` is converted once
    n_nations = nation_of.shape[1]
    sums = _rows_times(
        active, np.hstack([personnel_per_pledge[:, None], nation_of, capability_personnel_of])
    )
    requirement_ids = tuple(workspace.requirements)
    met, ratio, personnel_fill = (
        requirement_fills(workspace, active, cache, progress) if fills is None else fills
    )
    return PatternOutcomes(
        codes=codes,
        pledges=pledge_ids,
        nations=nations,
        capabilities=capabilities,
        requirements=requirement_ids,
        active=active,
        personnel=sums[:, 0],
        by_nation=sums[:, 1 : 1 + n_nations],
        by_capability=_rows_times(active, units_of),
        by_capability_personnel=sums[:, 1 + n_nations :],
        nation_pledged=nation_of.sum(axis=0),
        capability_pledged=capability_personnel_of.sum(axis=0),
        met=met,
        fill_ratio=ratio,
        personnel_fill=personnel_fill,
    )


Fills = tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]
"""Met, fill ratio and personnel fill [patterns x requirements]."""


def pattern_active(
    workspace: Workspace, model: ConditionModel, codes: NDArray[np.uint64]
) -> NDArray[np.bool_]:
    """Which pledges each pattern activates [patterns x pledges, workspace order]."""
    values = pattern_values(model, codes)
    n = codes.shape[0]
    # one contiguous column per pledge: written and read a pledge at a time
    active = np.zeros((n, len(workspace.pledges)), dtype=bool, order="F")
    for k, pid in enumerate(workspace.pledges):
        if workspace.pledges[pid].status is PledgeStatus.WITHDRAWN:
            continue
        active[:, k] = np.broadcast_to(workspace.requires[pid].evaluate(values), (n,))
    return active


def requirement_fills(
    workspace: Workspace,
    active: NDArray[np.bool_],
    cache: dict[Any, Any] | None = None,
    progress: Progress | None = None,
) -> Fills:
    """Met, fill ratio and personnel fill [rows x requirements, 0-1] of each requirement for
    each row of ``active`` (:class:`~forcegen.engine.sourcing.fill.BatchFill`): each row's
    figures depend on that row alone, whatever rows come with it.

    ``progress(done, total)`` counts the part fills left to the optimiser [part fills]
    (:attr:`~forcegen.engine.sourcing.fill.BatchFill.solves`): once with 0 done when
    every requirement's closed forms, minimum cuts and cache hits are worked out
    (``total``, every one left, known before the first), then after each; not at all
    when none is left. The closed forms and cuts are vectorised over the rows; these
    fills are what takes long (a part that needs the tie-breaks: seconds each).
    """
    n = active.shape[0]
    count = len(workspace.requirements)
    met = np.zeros((n, count), dtype=bool)
    ratio = np.zeros((n, count))
    personnel_fill = np.zeros((n, count))
    batches: list[tuple[int, BatchFill]] = []  # those with solves left, finished below
    for r, requirement in enumerate(workspace.requirements.values()):
        batch = BatchFill(workspace, requirement, active, cache, personnel=True)
        if batch.solves:
            batches.append((r, batch))
        else:  # settled without the optimiser: done now, its rows freed
            met[:, r], ratio[:, r], personnel_fill[:, r] = batch.finish()
    total = sum(batch.solves for _, batch in batches)
    solved = None
    if progress is not None and total:
        progress(0, total)
        done = itertools.count(1)
        solved = lambda: progress(next(done), total)  # noqa: E731
    for r, batch in batches:
        met[:, r], ratio[:, r], personnel_fill[:, r] = batch.finish(solved)
    return met, ratio, personnel_fill


ROWS_AT_ONCE = 1 << 16
"""Patterns multiplied at once by a float matrix: bounds the temporary copy of ``active``."""

ELEMENTS_AT_ONCE = 1 << 22
"""Elements of ``active`` converted at once for an integer matrix (32 MB as float64)."""

FLOAT_EXACT = 2.0**52
"""Integer sums below this are exact in float64 whatever the order of the additions."""


def _rows_times(active: NDArray[np.bool_], matrix: NDArray[Any]) -> NDArray[Any]:
    """``active @ matrix`` for a boolean ``active``, in row blocks (exact for integers).

    An integer matrix whose columns add up to less than :data:`FLOAT_EXACT` (always, under
    :data:`~forcegen.limits.MAX_TOTAL_PERSONNEL`) is multiplied in float64 (BLAS): every
    partial sum is a whole number below 2**53, so the result is the exact integer.
    """
    rows, columns = active.shape[0], matrix.shape[1]
    out = np.zeros((rows, columns), dtype=matrix.dtype)
    if columns == 0:
        return out
    if (
        matrix.dtype.kind in "iu"
        and float(np.abs(matrix.astype(np.float64)).sum(axis=0).max(initial=0.0)) < FLOAT_EXACT
    ):
        as_float = matrix.astype(np.float64)
        step = max(1, ELEMENTS_AT_ONCE // max(1, active.shape[1]))
        for start in range(0, rows, step):
            block = active[start : start + step].astype(np.float64)
            out[start : start + step] = np.rint(block @ as_float).astype(matrix.dtype)
        return out
    for start in range(0, rows, ROWS_AT_ONCE):
        block = active[start : start + ROWS_AT_ONCE].astype(matrix.dtype)
        out[start : start + ROWS_AT_ONCE] = block @ matrix
    return out
