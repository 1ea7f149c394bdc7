"""What each condition pattern yields: active pledges, personnel, requirement fill.

Condition expressions are evaluated as NumPy array operations over all patterns at
once. Whether a requirement is met comes from :func:`~forcegen.engine.filling.
fill_requirement` (the one definition of "met"), called once per distinct set of
active pledges and cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.condition_model import ConditionModel
from forcegen.engine.filling import RequirementFill, fill_requirement
from forcegen.engine.sampling import pattern_values
from forcegen.model.pledges import PledgeStatus
from forcegen.model.workspace import Workspace


@dataclass
class FillCache:
    """Requirement fills by distinct set of active pledges (bytes of the active mask)."""

    fills: dict[bytes, dict[str, RequirementFill]] = field(default_factory=dict)

    def get(
        self, workspace: Workspace, pledge_ids: tuple[str, ...], active: NDArray[np.bool_]
    ) -> dict[str, RequirementFill]:
        """Fills of every requirement for one active mask (computed once per mask)."""
        key = np.packbits(active).tobytes()
        hit = self.fills.get(key)
        if hit is None:
            ids = [pid for pid, on in zip(pledge_ids, active.tolist(), strict=True) if on]
            hit = {
                rid: fill_requirement(workspace, requirement, ids)
                for rid, requirement in workspace.requirements.items()
            }
            self.fills[key] = hit
        return hit


@dataclass(frozen=True)
class PatternOutcomes:
    """Per-pattern results, rows aligned with ``codes``.

    ``active`` [patterns x pledges]; ``personnel`` [persons]; ``by_nation`` [persons],
    ``by_capability`` [units], ``by_capability_personnel`` [persons]; ``met`` and
    ``fill_ratio`` [patterns x requirements].
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


def pattern_outcomes(
    workspace: Workspace,
    model: ConditionModel,
    codes: NDArray[np.uint64],
    cache: FillCache | None = None,
) -> PatternOutcomes:
    """Evaluate every pattern in ``codes`` (vectorised over patterns)."""
    cache = cache if cache is not None else FillCache()
    values = pattern_values(model, codes)
    n = codes.shape[0]
    pledge_ids = tuple(workspace.pledges)
    active = np.zeros((n, len(pledge_ids)), dtype=bool)
    for k, pid in enumerate(pledge_ids):
        if workspace.pledges[pid].status is PledgeStatus.WITHDRAWN:
            continue
        active[:, k] = np.broadcast_to(workspace.requires[pid].evaluate(values), (n,))
    personnel_per_pledge = np.array(
        [workspace.pledge_personnel(pid) for pid in pledge_ids], dtype=np.int64
    )
    nations = tuple(dict.fromkeys(p.nation for p in workspace.pledges.values()))
    capabilities = tuple(dict.fromkeys(p.capability for p in workspace.pledges.values()))
    nation_of = np.zeros((len(pledge_ids), len(nations)), dtype=np.int64)
    units_of = np.zeros((len(pledge_ids), len(capabilities)))
    capability_personnel_of = np.zeros((len(pledge_ids), len(capabilities)), dtype=np.int64)
    for k, pid in enumerate(pledge_ids):
        pledge = workspace.pledges[pid]
        nation_of[k, nations.index(pledge.nation)] = personnel_per_pledge[k]
        units_of[k, capabilities.index(pledge.capability)] = pledge.quantity
        capability_personnel_of[k, capabilities.index(pledge.capability)] = personnel_per_pledge[k]
    as_int = active.astype(np.int64)
    requirement_ids = tuple(workspace.requirements)
    met = np.zeros((n, len(requirement_ids)), dtype=bool)
    ratio = np.zeros((n, len(requirement_ids)))
    for row in range(n):
        fills = cache.get(workspace, pledge_ids, active[row])
        for r, rid in enumerate(requirement_ids):
            met[row, r] = fills[rid].met
            ratio[row, r] = fills[rid].fill_ratio
    return PatternOutcomes(
        codes=codes,
        pledges=pledge_ids,
        nations=nations,
        capabilities=capabilities,
        requirements=requirement_ids,
        active=active,
        personnel=as_int @ personnel_per_pledge,
        by_nation=as_int @ nation_of,
        by_capability=active.astype(np.float64) @ units_of,
        by_capability_personnel=as_int @ capability_personnel_of,
        nation_pledged=nation_of.sum(axis=0),
        capability_pledged=capability_personnel_of.sum(axis=0),
        met=met,
        fill_ratio=ratio,
    )
