"""The greedy fill of forcegen's first release, kept ONLY as a benchmark baseline.

It is not used for any result: "met" and "fill ratio" come from the optimiser. Lines
are served in priority order (zoned lines first within a priority); each takes units,
pledge by pledge, from the most zone-restricted eligible pledges first.
"""

from __future__ import annotations

from collections.abc import Iterable

from forcegen.engine.sourcing.problem import may_fill
from forcegen.model.requirements import Requirement
from forcegen.model.workspace import Workspace

TOLERANCE = 1e-9


def greedy_fill(
    workspace: Workspace, requirement: Requirement, active: Iterable[str]
) -> list[float]:
    """Units filled per line by the greedy rule [line units]."""
    position = {pid: i for i, pid in enumerate(workspace.pledges)}

    def order(pid: str) -> tuple[int, int, int]:
        pledge = workspace.pledges[pid]
        breadth = len(pledge.zones) if pledge.zones is not None else 1_000_000
        return (breadth, 0 if pledge.status.is_firm else 1, position[pid])

    remaining = {pid: workspace.pledges[pid].quantity for pid in active}
    candidates = sorted(remaining, key=order)
    lines = requirement.lines
    filled = [0.0] * len(lines)
    for i in sorted(range(len(lines)), key=lambda i: (lines[i].priority, lines[i].zone is None, i)):
        need = lines[i].quantity
        for pid in candidates:
            if need <= TOLERANCE:
                break
            ratio = may_fill(workspace, workspace.pledges[pid], lines[i])
            if ratio is None or remaining[pid] <= TOLERANCE:
                continue
            take = min(need * ratio, remaining[pid])
            remaining[pid] -= take
            need -= take / ratio
        filled[i] = lines[i].quantity - max(need, 0.0)
    return filled
