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
        """Filled units / required units over all lines [0-1]."""
        required = self.required_units
        return self.filled_units / required if required else 1.0

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


def fill_requirement(
    workspace: Workspace, requirement: Requirement, active: Iterable[str]
) -> RequirementFill:
    """Fill ``requirement`` from the active pledges (ids) by the rule in this module."""
    position = {pid: i for i, pid in enumerate(workspace.pledges)}
    remaining = {pid: workspace.pledges[pid].quantity for pid in active}
    candidates = sorted(
        remaining, key=lambda pid: _draw_order(workspace.pledges[pid], position[pid])
    )
    lines = requirement.lines
    order = sorted(range(len(lines)), key=lambda i: (lines[i].priority, lines[i].zone is None, i))
    fills: dict[int, LineFill] = {}
    for i in order:
        line = requirement.lines[i]
        need = line.quantity
        by_nation: dict[str, float] = {}
        by_pledge: dict[str, float] = {}
        for pid in candidates:
            if need <= TOLERANCE:
                break
            pledge = workspace.pledges[pid]
            if remaining[pid] <= TOLERANCE or not may_serve(pledge, line):
                continue
            take = min(need, remaining[pid])
            remaining[pid] -= take
            need -= take
            by_pledge[pid] = take
            by_nation[pledge.nation] = by_nation.get(pledge.nation, 0.0) + take
        fills[i] = LineFill(
            index=i,
            capability=line.capability,
            zone=line.zone,
            priority=line.priority,
            required=line.quantity,
            filled=line.quantity - max(need, 0.0),
            by_nation=by_nation,
            by_pledge=by_pledge,
        )
    return RequirementFill(
        requirement_id=requirement.id,
        name=requirement.name,
        lines=tuple(fills[i] for i in range(len(requirement.lines))),
    )
