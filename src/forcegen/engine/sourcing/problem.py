"""The force-sourcing problem: which pledged units may fill which requirement line.

A pledge may fill a line when (1) it offers the line's capability, or a capability the
line's capability lists as a substitute (``ratio`` substitute units per unit), (2) the
line's zone is among the pledge's zones (a pledge without zones goes anywhere; a line
without a zone takes any pledge), and (3) the pledge's ``readiness_days`` is at most the
line's ``needed_by_day`` (a line without one has no deadline).

Organic enablers: a pledge of q units of a capability that ``includes`` k units of an
enabler E per unit also offers q x k units of E (an *organic offer*), with the pledge's
nation, zones, readiness and firmness. An organic offer fills lines for E (or lines that
accept E as a substitute) under the same three rules, each of its units at most once,
like any offer; the parent's own q units are unaffected (a brigade that fills a
brigade line still brings its logistics battalion to a logistics line). Organic offers
carry no personnel of their own (they are inside the parent's). One level only: the
includes of an included capability are not followed (a brigade including a battalion
that itself includes a company offers the battalion, not the company).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

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
    organic: bool = False
    """True for an organic offer: ``capability`` is an enabler the pledge's units bring
    (``quantity`` enabler units in all), not the pledge's own capability."""

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


@dataclass(frozen=True, eq=False)
class ProblemArrays:
    """The figures of a :class:`SourcingProblem` as NumPy arrays, for the model builder:
    per edge its offer, line and ratio; per offer its units [units], whether they are
    whole, firm, and its nation (an index into ``nations``); per line its quantity [line
    units] and priority."""

    edge_offer: np.ndarray
    edge_line: np.ndarray
    edge_ratio: np.ndarray
    offer_quantity: np.ndarray
    offer_integral: np.ndarray
    offer_firm: np.ndarray
    offer_nation: np.ndarray
    nations: tuple[str, ...]
    line_quantity: np.ndarray
    line_priority: np.ndarray


@dataclass(frozen=True)
class SourcingProblem:
    """Lines of one requirement, the offers, and who may fill what."""

    requirement_id: str
    name: str
    lines: tuple[RequirementLine, ...]
    offers: tuple[Offer, ...]
    edges: tuple[Edge, ...]

    @cached_property
    def arrays(self) -> ProblemArrays:
        """The problem's figures as arrays (worked out once)."""
        n_edges = len(self.edges)
        nations = tuple(sorted({o.nation for o in self.offers}))
        code = {nation: k for k, nation in enumerate(nations)}
        return ProblemArrays(
            edge_offer=np.fromiter((e.offer for e in self.edges), np.int64, n_edges),
            edge_line=np.fromiter((e.line for e in self.edges), np.int64, n_edges),
            edge_ratio=np.fromiter((e.ratio for e in self.edges), np.float64, n_edges),
            offer_quantity=np.array([o.quantity for o in self.offers], dtype=np.float64),
            offer_integral=np.array([o.integral for o in self.offers], dtype=bool),
            offer_firm=np.array([o.firm for o in self.offers], dtype=bool),
            offer_nation=np.array([code[o.nation] for o in self.offers], dtype=np.int64),
            nations=nations,
            line_quantity=np.array([line.quantity for line in self.lines], dtype=np.float64),
            line_priority=np.array([line.priority for line in self.lines], dtype=np.int64),
        )


def substitution_ratio(workspace: Workspace, offered: str, wanted: str) -> float | None:
    """Units of ``offered`` that fill one unit of ``wanted`` (1 for the same capability)."""
    if offered == wanted:
        return 1.0
    for sub in workspace.capabilities[wanted].substitutes:
        if sub.capability == offered:
            return sub.ratio
    return None


def may_fill(
    workspace: Workspace, pledge: Pledge, line: RequirementLine, capability: str | None = None
) -> float | None:
    """The substitution ratio when ``pledge``'s units of ``capability`` (default: the
    pledge's own capability; an enabler it includes for an organic offer) may fill
    ``line``, else None."""
    offered = pledge.capability if capability is None else capability
    ratio = substitution_ratio(workspace, offered, line.capability)
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

    Pledges of ``exclude_nations`` are left out (used for US dependence). The offers are
    the pledges' own units in the order of ``available``, then the organic offers (units
    x the enabler's quantity per unit [enabler units]) of the same pledges, in the same
    order: a workspace without ``includes`` gets exactly the offers it always had.
    """
    offers = []
    organic = []
    for pid, units in available.items():
        pledge = workspace.pledges[pid]
        if units <= 0 or pledge.nation in exclude_nations:
            continue
        firm = pledge.status.is_firm
        offers.append(Offer(pid, pledge.nation, pledge.capability, float(units), firm))
        for enabler in workspace.capabilities[pledge.capability].includes:
            organic.append(
                Offer(
                    pid,
                    pledge.nation,
                    enabler.capability,
                    float(units) * enabler.quantity,
                    firm,
                    organic=True,
                )
            )
    offers += organic
    edges = _edges(workspace, requirement.lines, offers)
    return SourcingProblem(
        requirement.id, requirement.name, requirement.lines, tuple(offers), edges
    )


def _edges(
    workspace: Workspace, lines: Sequence[RequirementLine], offers: Sequence[Offer]
) -> tuple[Edge, ...]:
    """Every (offer, line) pair :func:`may_fill` accepts, by offer then line, worked out
    with arrays over the lines (the same three rules, one offer at a time)."""
    zone_code: dict[str, int] = {}
    line_zone = np.array(
        [-1 if line.zone is None else zone_code.setdefault(line.zone, len(zone_code))
         for line in lines],
        dtype=np.int64,
    )  # fmt: skip
    deadline = np.array(
        [np.inf if line.needed_by_day is None else line.needed_by_day for line in lines],
        dtype=np.float64,
    )  # [days]
    wanted = sorted({line.capability for line in lines})
    line_capability = np.array([wanted.index(line.capability) for line in lines], np.int64)
    accepting: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    edges: list[Edge] = []
    for o, offer in enumerate(offers):
        found = accepting.get(offer.capability)
        if found is None:  # the lines that take this capability, and at what ratio
            ratios = np.array(
                [substitution_ratio(workspace, offer.capability, c) or 0.0 for c in wanted]
            )
            per_line = ratios[line_capability] if len(lines) else np.zeros(0)
            candidates = np.flatnonzero(per_line > 0)
            found = accepting[offer.capability] = (candidates, per_line[candidates])
        candidates, ratio = found
        pledge = workspace.pledges[offer.pledge]
        keep = deadline[candidates] >= pledge.readiness_days
        if pledge.zones is not None:
            codes = [zone_code[z] for z in pledge.zones if z in zone_code]
            zones = line_zone[candidates]
            keep &= (zones < 0) | np.isin(zones, codes)
        edges += [
            Edge(o, n, r)
            for n, r in zip(candidates[keep].tolist(), ratio[keep].tolist(), strict=True)
        ]
    return tuple(edges)


def offered_capabilities(workspace: Workspace, pledge: Pledge) -> tuple[str, ...]:
    """The capabilities ``pledge`` offers: its own, then its organic enablers (one level)."""
    enablers = workspace.capabilities[pledge.capability].includes
    return (pledge.capability, *(e.capability for e in enablers))


def relevant_pledges(workspace: Workspace, requirement: Requirement) -> tuple[str, ...]:
    """Pledges that could fill some line of ``requirement`` if active, by their own units
    or an organic enabler (workspace order)."""
    return tuple(
        pid
        for pid, pledge in workspace.pledges.items()
        if any(
            may_fill(workspace, pledge, line, capability) is not None
            for capability in offered_capabilities(workspace, pledge)
            for line in requirement.lines
        )
    )


def offered_units(workspace: Workspace, requirement: Requirement) -> tuple[float, ...]:
    """Per line, the units of matching capability pledged by anyone in any scenario
    [line units]: every pledge that is not withdrawn, whatever its condition, that may
    serve the line's zone by its deadline; substitutes count at their ratio (units /
    ratio) and organic enablers at the pledge's units x their quantity per unit. Each
    offer counts in full toward every line it could fill (an upper bound per line, not
    a fill)."""
    available = {
        pid: pledge.quantity
        for pid, pledge in workspace.pledges.items()
        if pledge.status is not PledgeStatus.WITHDRAWN
    }
    problem = build_problem(workspace, requirement, available)
    offered = [0.0] * len(requirement.lines)
    for edge in problem.edges:
        offered[edge.line] += problem.offers[edge.offer].quantity / edge.ratio
    return tuple(offered)
