"""The force-sourcing problem: which pledged units may fill which requirement line.

A pledge may fill a line when (1) it offers the line's capability, or a capability the
line's capability lists as a substitute (``ratio`` substitute units per unit), (2) the
line's zone is among the pledge's zones (a pledge without zones goes anywhere; a line
without a zone takes any pledge), and (3) the pledge's ``readiness_days`` is at most the
line's ``needed_by_day`` (a line without one has no deadline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from forcegen.model.pledges import Pledge, PledgeStatus
from forcegen.model.requirements import Requirement, RequirementLine
from forcegen.model.workspace import Workspace


@dataclass(frozen=True)
class Offer:
    """Units of one active pledge available to the sourcing [units]."""

    pledge: str
    nation: str
    capability: str
    quantity: float
    firm: bool

    @property
    def integral(self) -> bool:
        """Whole units only (the pledge's quantity is a whole number)."""
        return float(self.quantity).is_integer()


@dataclass(frozen=True)
class Edge:
    """Offer ``offer`` may fill line ``line``; ``ratio`` offer units fill one line unit."""

    offer: int
    line: int
    ratio: float


@dataclass(frozen=True)
class SourcingProblem:
    """Lines of one requirement, the offers, and who may fill what."""

    requirement_id: str
    name: str
    lines: tuple[RequirementLine, ...]
    offers: tuple[Offer, ...]
    edges: tuple[Edge, ...]


def substitution_ratio(workspace: Workspace, offered: str, wanted: str) -> float | None:
    """Units of ``offered`` that fill one unit of ``wanted`` (1 for the same capability)."""
    if offered == wanted:
        return 1.0
    for sub in workspace.capabilities[wanted].substitutes:
        if sub.capability == offered:
            return sub.ratio
    return None


def may_fill(workspace: Workspace, pledge: Pledge, line: RequirementLine) -> float | None:
    """The substitution ratio when ``pledge`` may fill ``line``, else None."""
    ratio = substitution_ratio(workspace, pledge.capability, line.capability)
    if ratio is None:
        return None
    if line.zone is not None and pledge.zones is not None and line.zone not in pledge.zones:
        return None
    if line.needed_by_day is not None and pledge.readiness_days > line.needed_by_day:
        return None
    return ratio


def build_problem(
    workspace: Workspace,
    requirement: Requirement,
    available: Mapping[str, float],
    exclude_nations: frozenset[str] = frozenset(),
) -> SourcingProblem:
    """The problem for ``requirement`` with ``available`` units per pledge id [units].

    Pledges of ``exclude_nations`` are left out (used for US dependence).
    """
    offers = []
    for pid, units in available.items():
        pledge = workspace.pledges[pid]
        if units <= 0 or pledge.nation in exclude_nations:
            continue
        offers.append(
            Offer(
                pid,
                pledge.nation,
                pledge.capability,
                float(units),
                pledge.status is PledgeStatus.FIRM,
            )
        )
    edges = []
    for o, offer in enumerate(offers):
        pledge = workspace.pledges[offer.pledge]
        for n, line in enumerate(requirement.lines):
            ratio = may_fill(workspace, pledge, line)
            if ratio is not None:
                edges.append(Edge(o, n, ratio))
    return SourcingProblem(
        requirement.id, requirement.name, requirement.lines, tuple(offers), tuple(edges)
    )


def relevant_pledges(workspace: Workspace, requirement: Requirement) -> tuple[str, ...]:
    """Pledges that could fill some line of ``requirement`` if active (workspace order)."""
    return tuple(
        pid
        for pid, pledge in workspace.pledges.items()
        if any(may_fill(workspace, pledge, line) is not None for line in requirement.lines)
    )
