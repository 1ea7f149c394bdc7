"""The distinct condition patterns of a Monte Carlo run, filled on a Dask cluster.

What costs in a run with requirements is the requirement fill of each distinct pattern
(:func:`~forcegen.engine.odds.outcomes.requirement_fills`); each pattern's fill depends on
that pattern alone. :func:`distributed_outcomes` splits the distinct patterns into
:data:`TASKS_PER_WORKER` chunks per worker, fills each chunk as one task (the workspace
scattered to every worker once), puts the chunks back in order and works out everything
else in this process, so the result is the serial one, bit for bit, however the patterns
are chunked and whichever worker fills them. Each worker keeps its own sourcing cache
for the length of a task; the calling process keeps the fills already done
(:class:`KnownFills`), so that a pattern met again in a later pass of the same run (a
forced case of sensitivity) is not filled again.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.odds.cluster import work_on_cluster
from forcegen.engine.odds.condition_model import ConditionModel
from forcegen.engine.odds.outcomes import (
    Fills,
    PatternOutcomes,
    pattern_active,
    pattern_outcomes,
    requirement_fills,
)
from forcegen.engine.odds.sampling import Progress, find_codes
from forcegen.model.workspace import Workspace

TASKS_PER_WORKER = 4
"""Chunks of patterns per worker, so that a slow chunk does not hold the others [tasks]."""

MIN_PATTERNS_PER_TASK = 64
"""Fewest patterns in a chunk: smaller tables are not worth a task each [patterns]."""


def chunk_fills(workspace: Workspace, model: ConditionModel, codes: NDArray[np.uint64]) -> Fills:
    """The requirement fills of the patterns ``codes`` (one Dask task)."""
    return requirement_fills(workspace, pattern_active(workspace, model, codes), {})


def distributed_fills(
    client: Any,
    workspace: Workspace,
    model: ConditionModel,
    codes: NDArray[np.uint64],
    progress: Progress | None = None,
) -> Fills:
    """:func:`~forcegen.engine.odds.outcomes.requirement_fills` of the patterns ``codes``
    (at least one, the workspace with requirements), in chunks on the Dask ``client``'s
    workers, rows in the order of ``codes``. ``progress(done, total)`` counts the
    patterns [patterns]: once with 0 done when the chunks are sent, then as each chunk
    comes back, whichever comes first."""
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
        with work_on_cluster():
            if progress is not None:
                from distributed import as_completed

                size = {
                    f.key: int(hi - lo)
                    for f, (lo, hi) in zip(futures, itertools.pairwise(bounds), strict=True)
                }
                done = 0
                progress(0, codes.shape[0])
                for future in as_completed(futures):  # type: ignore[no-untyped-call]
                    done += size[future.key]
                    progress(done, codes.shape[0])
            parts = client.gather(futures)
    finally:
        client.cancel(shared)
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


class KnownFills:
    """The fills of the patterns already filled on the cluster in one run, by pattern
    code, so that a later pass (a forced case of sensitivity, drawn again or
    enumerated) sends only the patterns not filled yet: the serial run's sourcing
    cache, kept in the calling process. A pattern's fill depends on that pattern
    alone, so the figures are those of filling every pass in full."""

    def __init__(self) -> None:
        self.codes = np.zeros(0, dtype=np.uint64)
        self.fills: Fills | None = None

    def fills_of(
        self,
        client: Any,
        workspace: Workspace,
        model: ConditionModel,
        codes: NDArray[np.uint64],
        progress: Progress | None = None,
    ) -> Fills:
        """The fills of ``codes`` [codes x requirements], those not known yet filled on
        the ``client`` first (``progress``: :func:`distributed_fills`)."""
        _, known = find_codes(self.codes, codes)
        missing = np.unique(codes[~known])
        if missing.shape[0]:
            new = distributed_fills(client, workspace, model, missing, progress)
            merged = np.concatenate([self.codes, missing])
            order = np.argsort(merged, kind="stable")
            old: Fills = self.fills or (new[0][:0], new[1][:0], new[2][:0])
            self.codes = merged[order]
            self.fills = (
                np.concatenate([old[0], new[0]])[order],
                np.concatenate([old[1], new[1]])[order],
                np.concatenate([old[2], new[2]])[order],
            )
        found, _ = find_codes(self.codes, codes)
        assert self.fills is not None
        return self.fills[0][found], self.fills[1][found], self.fills[2][found]


def distributed_outcomes(
    client: Any,
    workspace: Workspace,
    model: ConditionModel,
    codes: NDArray[np.uint64],
    personnel: Mapping[str, int],
    breakdown: bool = True,
    known: KnownFills | None = None,
    progress: Progress | None = None,
) -> PatternOutcomes:
    """:func:`~forcegen.engine.odds.outcomes.pattern_outcomes` of ``codes`` with the
    requirement fills computed in chunks on the Dask ``client``'s workers (only those of
    patterns not in ``known``, which then holds them too; ``progress``:
    :func:`distributed_fills`)."""
    if not workspace.requirements or codes.shape[0] == 0:
        return pattern_outcomes(workspace, model, codes, None, personnel, breakdown)
    known = known if known is not None else KnownFills()
    fills = known.fills_of(client, workspace, model, codes, progress)
    return pattern_outcomes(workspace, model, codes, None, personnel, breakdown, fills)
