"""Filling a requirement's lines from active pledges: the one definition of "met".

Lines are served in priority order (1 first); within a priority, lines bound to a
zone before lines that take any zone (they have fewer candidates), then input order. Each line
takes units of its capability from active pledges that may serve in its zone (a
pledge without ``zones`` goes anywhere; a line without ``zone`` takes any pledge).
Pledges restricted to fewer zones are drawn first, so that flexible units stay free
for later lines; then firm before stated pledges; then input order. Units drawn by
one line are not available to another. A line is filled when its filled units reach
its quantity; a requirement is met when every line is filled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from forcegen.model.pledges import Pledge, PledgeStatus
from forcegen.model.requirements import Requirement, RequirementLine
from forcegen.model.workspace import Workspace

TOLERANCE = 1e-9
"""Units of slack when comparing filled and required quantities [units]."""


@dataclass(frozen=True)
class LineFill:
    """How one requirement line is filled; quantities in [units]."""

    index: int
    capability: str
    zone: str | None
    priority: int
    required: float
    filled: float
    by_nation: Mapping[str, float] = field(default_factory=dict)
    by_pledge: Mapping[str, float] = field(default_factory=dict)

    @property
    def shortfall(self) -> float:
        """Units still missing [units]."""
        return max(0.0, self.required - self.filled)

    @property
    def met(self) -> bool:
        """True when the line is filled."""
        return self.filled >= self.required - TOLERANCE

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape of a line."""
        return {
            "capability": self.capability,
            "zone": self.zone,
            "priority": self.priority,
            "required": float(self.required),
            "filled": float(self.filled),
            "by_nation": {k: float(v) for k, v in self.by_nation.items()},
            "shortfall": float(self.shortfall),
        }


@dataclass(frozen=True)
class RequirementFill:
    """How a requirement (force option) is filled by the active pledges."""

    requirement_id: str
    name: str
    lines: tuple[LineFill, ...]

    @property
    def required_units(self) -> float:
        """Units required over all lines [units]."""
        return sum(line.required for line in self.lines)

    @property
    def filled_units(self) -> float:
        """Units filled over all lines [units]."""
        return sum(line.filled for line in self.lines)

    @property
    def fill_ratio(self) -> float:
        """Filled units / required units over all lines [0-1] (summed as fill_batch does)."""
        required = float(np.sum([line.required for line in self.lines]))
        filled = float(np.sum([line.filled for line in self.lines]))
        return filled / required if required else 1.0

    @property
    def met(self) -> bool:
        """True when every line is filled."""
        return all(line.met for line in self.lines)

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape of a requirement result."""
        return {
            "fill_ratio": float(self.fill_ratio),
            "met": self.met,
            "lines": [line.to_json() for line in self.lines],
        }


def may_serve(pledge: Pledge, line: RequirementLine) -> bool:
    """True when ``pledge`` may fill ``line``: same capability, zone allowed."""
    if pledge.capability != line.capability:
        return False
    return line.zone is None or pledge.zones is None or line.zone in pledge.zones


def _draw_order(pledge: Pledge, position: int) -> tuple[int, int, int]:
    breadth = len(pledge.zones) if pledge.zones is not None else 1_000_000
    firm = 0 if pledge.status is PledgeStatus.FIRM else 1
    return (breadth, firm, position)


def line_order(requirement: Requirement) -> list[int]:
    """Indices of the lines in the order they are served."""
    lines = requirement.lines
    return sorted(range(len(lines)), key=lambda i: (lines[i].priority, lines[i].zone is None, i))


def _allocate(
    workspace: Workspace,
    requirement: Requirement,
    available: NDArray[np.float64],
    record: bool,
) -> tuple[NDArray[np.float64], dict[tuple[int, int], NDArray[np.float64]]]:
    """The fill rule, vectorised over rows of ``available`` [rows x pledges, units].

    Returns the units filled per line [rows x lines] and, with ``record``, the units
    each pledge gives each line, keyed (line index, pledge index). Every row is
    filled independently with exactly the same arithmetic as a single one.
    """
    pledges = list(workspace.pledges.values())
    candidates = sorted(range(len(pledges)), key=lambda k: _draw_order(pledges[k], k))
    remaining = np.ascontiguousarray(available.T)  # [pledges x rows]: contiguous per pledge
    rows = available.shape[0]
    filled = np.zeros((rows, len(requirement.lines)))
    takes: dict[tuple[int, int], NDArray[np.float64]] = {}
    for i in line_order(requirement):
        line = requirement.lines[i]
        need = np.full(rows, line.quantity)
        for k in candidates:
            if not may_serve(pledges[k], line):
                continue
            have = remaining[k]
            take = np.minimum(need, have)
            take[(need <= TOLERANCE) | (have <= TOLERANCE)] = 0.0
            remaining[k] = have - take
            need = need - take
            if record and take.any():
                takes[(i, k)] = take
        filled[:, i] = line.quantity - np.maximum(need, 0.0)
    return filled, takes


def fill_requirement(
    workspace: Workspace, requirement: Requirement, active: Iterable[str]
) -> RequirementFill:
    """Fill ``requirement`` from the active pledges (ids) by the rule in this module."""
    ids = list(workspace.pledges)
    available = np.zeros((1, len(ids)))
    for pid in active:
        available[0, ids.index(pid)] = workspace.pledges[pid].quantity
    filled, takes = _allocate(workspace, requirement, available, record=True)
    fills = []
    for i, line in enumerate(requirement.lines):
        by_pledge: dict[str, float] = {}
        by_nation: dict[str, float] = {}
        for (line_index, k), take in takes.items():
            if line_index != i:
                continue
            pid = ids[k]
            by_pledge[pid] = float(take[0])
            nation = workspace.pledges[pid].nation
            by_nation[nation] = by_nation.get(nation, 0.0) + float(take[0])
        fills.append(
            LineFill(
                index=i,
                capability=line.capability,
                zone=line.zone,
                priority=line.priority,
                required=line.quantity,
                filled=float(filled[0, i]),
                by_nation=by_nation,
                by_pledge=by_pledge,
            )
        )
    return RequirementFill(requirement_id=requirement.id, name=requirement.name, lines=tuple(fills))


def fill_batch(
    workspace: Workspace, requirement: Requirement, active: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Met [rows] and fill ratio [rows, 0-1] for many sets of active pledges at once.

    ``active`` is [rows x pledges] in workspace order; each row is filled exactly as
    :func:`fill_requirement` fills it.
    """
    quantities = np.array([p.quantity for p in workspace.pledges.values()])
    available = np.where(active, quantities, 0.0)
    filled, _ = _allocate(workspace, requirement, available, record=False)
    required = np.array([line.quantity for line in requirement.lines])
    met = np.all(filled >= required - TOLERANCE, axis=1)
    total = float(np.sum(required))
    ratio = np.sum(filled, axis=1) / total if total else np.ones(active.shape[0])
    return met, ratio
