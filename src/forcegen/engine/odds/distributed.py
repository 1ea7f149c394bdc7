"""The distinct condition patterns of a Monte Carlo run, filled on a Dask cluster.

What costs in a run with requirements is the requirement fill of each distinct pattern
(:func:`~forcegen.engine.odds.outcomes.requirement_fills`); each pattern's fill depends on
that pattern alone. :func:`distributed_outcomes` splits the distinct patterns into
:data:`TASKS_PER_WORKER` chunks per worker, fills each chunk as one task (the workspace
scattered to every worker once), puts the chunks back in order and works out everything
else in this process, so the result is the serial one, bit for bit, however the patterns
are chunked and whichever worker fills them. Each worker keeps its own sourcing cache
for the length of a task.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.odds.condition_model import ConditionModel
from forcegen.engine.odds.outcomes import (
    Fills,
    PatternOutcomes,
    pattern_active,
    pattern_outcomes,
    requirement_fills,
)
from forcegen.model.workspace import Workspace

TASKS_PER_WORKER = 4
"""Chunks of patterns per worker, so that a slow chunk does not hold the others [tasks]."""

MIN_PATTERNS_PER_TASK = 64
"""Fewest patterns in a chunk: smaller tables are not worth a task each [patterns]."""


def chunk_fills(workspace: Workspace, model: ConditionModel, codes: NDArray[np.uint64]) -> Fills:
    """The requirement fills of the patterns ``codes`` (one Dask task)."""
    return requirement_fills(workspace, pattern_active(workspace, model, codes), {})


def distributed_outcomes(
    client: Any,
    workspace: Workspace,
    model: ConditionModel,
    codes: NDArray[np.uint64],
    personnel: Mapping[str, int],
    breakdown: bool = True,
) -> PatternOutcomes:
    """:func:`~forcegen.engine.odds.outcomes.pattern_outcomes` of ``codes`` with the
    requirement fills computed in chunks on the Dask ``client``'s workers."""
    if not workspace.requirements or codes.shape[0] == 0:
        return pattern_outcomes(workspace, model, codes, None, personnel, breakdown)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    tasks = max(1, min(workers * TASKS_PER_WORKER, codes.shape[0] // MIN_PATTERNS_PER_TASK))
    bounds = np.linspace(0, codes.shape[0], tasks + 1).astype(int)
    # a key of its own (hash=False), dropped when done: a content key shared with the
    # previous call can be released by it while this one is in flight ("lost
    # dependencies"; github.com/stumpy-dev/stumpy/issues/289)
    shared = client.scatter(workspace, broadcast=True, hash=False)
    try:
        futures = [
            client.submit(chunk_fills, shared, model, codes[lo:hi], pure=False)
            for lo, hi in itertools.pairwise(bounds)
        ]
        parts = client.gather(futures)
    finally:
        client.cancel(shared)
    fills: Fills = (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )
    return pattern_outcomes(workspace, model, codes, None, personnel, breakdown, fills)
