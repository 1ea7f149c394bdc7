"""Filling a requirement's lines from active pledges: the one definition of "met".

Every "filled", "met" and "fill ratio" in forcegen comes from the sourcing optimiser
(:mod:`forcegen.engine.sourcing.solve`): the exact lexicographic optimum of an integer
programme. This module wraps it for one scenario (:func:`fill_requirement`) and for
many condition patterns at once (:func:`fill_batch`).

Two fills are reported: the unit fill (filled units / required units, every unit alike)
and the personnel fill (each line's units weighted by its capability's personnel per
unit, so that a brigade counts for more than a tanker). Organic enablers of active
pledges count toward their lines (:mod:`forcegen.engine.sourcing.problem`).

Historical note: the first release filled lines greedily; that rule survives only as
the benchmark baseline in :mod:`benchmarks.baselines.greedy`.

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

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.sourcing.cuts import CutPart, cut_part, priority_fills
from forcegen.engine.sourcing.problem import (
    Edge,
    Offer,
    SourcingProblem,
    build_problem,
    offered_units,
    relevant_pledges,
)
from forcegen.engine.sourcing.solve import DIGITS, SourcingSolution, _components, solve
from forcegen.engine.tolerances import UNITS

if TYPE_CHECKING:
    import pandas as pd
from forcegen.model.requirements import Requirement
from forcegen.model.workspace import Workspace


class LineStatus(StrEnum):
    """Where a line stands in one scenario."""

    MET = "met"
    """Filled to its quantity."""
    SHORT = "short"
    """Someone offers matching units (``offered`` > 0), but the line is not filled in this
    scenario (the pledges are not active, are drawn by other lines, or are too few)."""
    NOT_OFFERED = "not_offered"
    """No pledge that is not withdrawn, in any scenario, could fill it."""


@dataclass(frozen=True)
class LineFill:
    """How one requirement line is filled; quantities in [units] of the line's capability,
    personnel in [persons].

    ``offered`` is what every pledge that is not withdrawn could bring to this line in any
    scenario (see :func:`~forcegen.engine.sourcing.problem.offered_units`);
    ``personnel_per_unit`` the line capability's personnel per unit, the weight of the
    line in the personnel fill; ``organic`` the part of ``filled`` given by organic
    enablers of other units.
    """

    index: int
    capability: str
    zone: str | None
    priority: int
    required: float
    filled: float
    offered: float
    personnel_per_unit: int
    organic: float = 0.0
    by_nation: Mapping[str, float] = field(default_factory=dict)
    by_pledge: Mapping[str, float] = field(default_factory=dict)

    @property
    def shortfall(self) -> float:
        """Units still missing [units]."""
        return max(0.0, self.required - self.filled)

    @property
    def met(self) -> bool:
        """True when the line is filled."""
        return self.filled >= self.required - UNITS

    @property
    def status(self) -> LineStatus:
        """met, short (offered but not filled in this scenario) or not_offered."""
        if self.met:
            return LineStatus.MET
        return LineStatus.SHORT if self.offered > UNITS else LineStatus.NOT_OFFERED

    @property
    def required_personnel(self) -> float:
        """Required units x the line capability's personnel per unit [persons]."""
        return self.required * self.personnel_per_unit

    @property
    def filled_personnel(self) -> float:
        """Filled units x the line capability's personnel per unit [persons]."""
        return self.filled * self.personnel_per_unit

    def row(self) -> dict[str, object]:
        """Line, capability, zone, priority, required, filled, shortfall and offered
        [units], status, and required and filled personnel [persons]."""
        return {
            "line": self.index,
            "capability": self.capability,
            "zone": self.zone,
            "priority": self.priority,
            "required": self.required,
            "filled": self.filled,
            "shortfall": self.shortfall,
            "offered": self.offered,
            "status": self.status.value,
            "required_personnel": self.required_personnel,
            "filled_personnel": self.filled_personnel,
        }

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
            "offered": float(self.offered),
            "status": self.status.value,
            "filled_organic": float(self.organic),
            "required_personnel": float(self.required_personnel),
            "filled_personnel": float(self.filled_personnel),
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
    def required_personnel(self) -> float:
        """Personnel the lines require: units x the line capability's personnel per unit,
        summed [persons] (summed as fill_batch does)."""
        return float(np.sum([line.required * line.personnel_per_unit for line in self.lines]))

    @property
    def filled_personnel(self) -> float:
        """Personnel of the filled units, each line's units weighted by its capability's
        personnel per unit [persons]. Line-weighted, like ``required_personnel``: an
        organic enabler counts in its parent's line (inside the parent's personnel) and
        again in its own line, as the requirement counts it in both; the people are
        ``filled_personnel - organic_personnel``."""
        return float(np.sum([line.filled * line.personnel_per_unit for line in self.lines]))

    @property
    def organic_personnel(self) -> float:
        """Of ``filled_personnel``, what organic enablers fill in their own lines: already
        counted inside their parent units' personnel [persons]."""
        return float(np.sum([line.organic * line.personnel_per_unit for line in self.lines]))

    @property
    def personnel_fill(self) -> float:
        """Filled personnel / required personnel [0-1]: the fill with each line weighted by
        its capability's personnel per unit, so a brigade weighs more than a tanker."""
        required = self.required_personnel
        return self.filled_personnel / required if required else 1.0

    @property
    def met(self) -> bool:
        """True when every line is filled."""
        return all(line.met for line in self.lines)

    @property
    def blocking(self) -> tuple[LineFill, ...]:
        """The lines that keep the requirement from being met (not filled), in order."""
        return tuple(line for line in self.lines if not line.met)

    def lines_frame(self) -> pd.DataFrame:
        """One row per line: capability, zone, required, filled, shortfall and offered
        [units], status, required and filled personnel [persons]."""
        import pandas as pd

        return pd.DataFrame([line.row() for line in self.lines]).set_index("line")

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape of a requirement result."""
        return {
            "fill_ratio": float(self.fill_ratio),
            "personnel_fill": float(self.personnel_fill),
            "required_personnel": float(self.required_personnel),
            "filled_personnel": float(self.filled_personnel),
            "organic_personnel": float(self.organic_personnel),
            "met": self.met,
            "lines": [line.to_json() for line in self.lines],
        }


MEMO_SIZE = 1024
"""Fills remembered per workspace (least recently used dropped first) [fills]."""

_memo: weakref.WeakKeyDictionary[Workspace, _FillMemo] = weakref.WeakKeyDictionary()
_memo_lock = threading.Lock()


class _FillMemo:
    """One workspace's fills by (requirement, the active pledges that could fill it), and
    each requirement's relevant pledges."""

    def __init__(self) -> None:
        self.fills: OrderedDict[tuple[int, frozenset[str]], tuple[Requirement, RequirementFill]]
        self.fills = OrderedDict()
        self.relevant: dict[int, tuple[Requirement, frozenset[str]]] = {}


def fill_requirement(
    workspace: Workspace, requirement: Requirement, active: Iterable[str]
) -> RequirementFill:
    """Fill ``requirement`` from the active pledges (ids) with the sourcing optimiser.

    The fill depends only on the active pledges that could fill some line of the
    requirement (:func:`relevant_pledges`: the others make no offer), so it is
    remembered per workspace by that set: the scenarios and what-ifs that differ only in
    other pledges (most condition patterns) share one solve. The workspace is frozen and
    held weakly; at most :data:`MEMO_SIZE` fills are kept per workspace."""
    active = list(active)
    with _memo_lock:
        memo = _memo.get(workspace)
        if memo is None:
            memo = _memo[workspace] = _FillMemo()
        known = memo.relevant.get(id(requirement))
    if known is None or known[0] is not requirement:
        known = (requirement, frozenset(relevant_pledges(workspace, requirement)))
        with _memo_lock:
            memo.relevant[id(requirement)] = known
    key = (id(requirement), frozenset(p for p in active if p in known[1]))
    with _memo_lock:
        hit = memo.fills.get(key)
        if hit is not None and hit[0] is requirement:
            memo.fills.move_to_end(key)
            return hit[1]
    problem = build_problem(
        workspace, requirement, {pid: workspace.pledges[pid].quantity for pid in active}
    )
    fill = requirement_fill(workspace, requirement, solve(problem, full=True))
    with _memo_lock:
        memo.fills[key] = (requirement, fill)
        while len(memo.fills) > MEMO_SIZE:
            memo.fills.popitem(last=False)
    return fill


def requirement_fill(
    workspace: Workspace, requirement: Requirement, solution: SourcingSolution
) -> RequirementFill:
    """The per-line view (filled, offered, by nation, by pledge) of a full sourcing
    solution."""
    offered = offered_units(workspace, requirement)
    fills = []
    for i, line in enumerate(requirement.lines):
        by_pledge: dict[str, float] = {}
        by_nation: dict[str, float] = {}
        organic = 0.0
        for a in solution.assignments:
            if a.line != i:
                continue
            by_pledge[a.pledge] = by_pledge.get(a.pledge, 0.0) + a.filled
            by_nation[a.nation] = by_nation.get(a.nation, 0.0) + a.filled
            if a.organic:
                organic += a.filled
        fills.append(
            LineFill(
                index=i,
                capability=line.capability,
                zone=line.zone,
                priority=line.priority,
                required=line.quantity,
                filled=solution.filled[i],
                offered=round(offered[i], DIGITS),
                personnel_per_unit=workspace.capabilities[line.capability].personnel,
                organic=round(organic, DIGITS),
                by_nation=by_nation,
                by_pledge=by_pledge,
            )
        )
    return RequirementFill(requirement_id=requirement.id, name=requirement.name, lines=tuple(fills))


@overload
def fill_batch(
    workspace: Workspace,
    requirement: Requirement,
    active: NDArray[np.bool_],
    cache: dict[Any, Any] | None = None,
    *,
    personnel: Literal[False] = False,
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]: ...


@overload
def fill_batch(
    workspace: Workspace,
    requirement: Requirement,
    active: NDArray[np.bool_],
    cache: dict[Any, Any] | None = None,
    *,
    personnel: Literal[True],
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]: ...


def fill_batch(
    workspace: Workspace,
    requirement: Requirement,
    active: NDArray[np.bool_],
    cache: dict[Any, Any] | None = None,
    *,
    personnel: bool = False,
) -> (
    tuple[NDArray[np.bool_], NDArray[np.float64]]
    | tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]
):
    """Met [rows] and fill ratio [rows, 0-1] for many sets of active pledges at once;
    with ``personnel``, also the personnel fill [rows, 0-1]
    (:attr:`RequirementFill.personnel_fill`, in the same arithmetic).

    ``active`` is [rows x pledges] in workspace order; how the rows are filled:
    :class:`BatchFill`. The numbers are those of :func:`fill_requirement`.
    """
    met, ratio, by_personnel = BatchFill(
        workspace, requirement, active, cache, personnel=personnel
    ).finish()
    if personnel:
        return met, ratio, by_personnel
    return met, ratio


class BatchFill:
    """The fill of one requirement for many sets of active pledges (the rows of
    ``active``, [rows x pledges] in workspace order), in two steps: everything but the
    optimiser's solves when it is made, so that :attr:`solves` says before any solve
    how many it will take; then those solves, one at a time, in :meth:`finish`.

    The requirement's offer-line graph with every relevant pledge active splits into
    independent parts (no pledge that could fill a line of one part could fill a line of
    another). A line alone in its part is filled in closed form, min(quantity, units of
    its active pledges / ratio), for every row at once when those terms are whole numbers
    (then exact in any order). Every other part is filled once per distinct set of *its
    own* active pledges (and, through ``cache``, once per run): by minimum cuts
    (:mod:`~forcegen.engine.sourcing.cuts`) where its fill stages are a whole-number
    maximum flow and the reported figures do not depend on how a short priority level is
    spread over its lines; else by the optimiser on the part's active offers alone, the
    same model the optimiser builds for that part of the whole problem. The numbers are
    those of :func:`fill_requirement`.
    """

    def __init__(
        self,
        workspace: Workspace,
        requirement: Requirement,
        active: NDArray[np.bool_],
        cache: dict[Any, Any] | None = None,
        *,
        personnel: bool = False,
    ) -> None:
        self.personnel = personnel
        self.cache = cache if cache is not None else {}
        position = {pid: k for k, pid in enumerate(workspace.pledges)}
        relevant = [position[pid] for pid in relevant_pledges(workspace, requirement)]
        self.required = np.array([line.quantity for line in requirement.lines])
        self.weights = np.array(
            [workspace.capabilities[line.capability].personnel for line in requirement.lines],
            dtype=np.float64,
        )  # [persons/unit] per line
        self.active = active  # read again by finish(), not copied
        self.relevant = relevant
        self._closed: list[int] = []  # lines filled in closed form
        self._terms: list[NDArray[np.float64]] = []  # their units per relevant pledge
        self._parts: list[tuple[_PartFill, _PartRows]] = []
        if not relevant:
            return
        ids = list(workspace.pledges)
        whole = build_problem(
            workspace, requirement, {ids[k]: workspace.pledges[ids[k]].quantity for k in relevant}
        )
        column = {ids[k]: j for j, k in enumerate(relevant)}  # pledge -> column of relevant
        full = False  # solve with the tie-breaks: the per-line fill is then fill_requirement's
        closed, terms = self._closed, self._terms
        parts: list[tuple[list[int], list[int], list[int]]] = []  # filled part by part
        for lines, offers, edges in _components(whole):
            units = np.zeros(len(relevant))
            for e in edges:
                edge = whole.edges[e]
                units[column[whole.offers[edge.offer].pledge]] += (
                    whole.offers[edge.offer].quantity / edge.ratio
                )
            if len(lines) == 1 and np.all(units == np.rint(units)) and units.sum() < 2.0**52:
                closed.append(lines[0])
                terms.append(units)
            else:
                parts.append((lines, offers, edges))
                full = full or (personnel and _weights_tie(requirement, lines, self.weights))
        if not parts:
            return
        on_relevant = active[:, relevant]  # a copy, freed once planned
        spread_free = _exact_sums(whole)
        for lines, offers, edges in parts:
            part = _PartFill(
                workspace, requirement, whole, lines, offers, edges, full, spread_free, personnel
            )
            columns = [column[pid] for pid in part.pledges]
            keys, inverse = distinct_rows(on_relevant[:, columns])
            self._parts.append((part, part.plan(keys, inverse, self.cache)))

    @property
    def solves(self) -> int:
        """The part fills :meth:`finish` leaves to the optimiser: the distinct sets of a
        part's active pledges that neither the closed form, the minimum cuts nor the
        cache settle [part fills] (one solve each, of which the optimiser's own cache of
        parts may answer some at once)."""
        return sum(len(rows.pending) for _, rows in self._parts)

    def finish(
        self, solved: Callable[[], None] | None = None
    ) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
        """Met [rows], fill ratio [rows, 0-1] and personnel fill [rows, 0-1] (ones when
        the batch was made without ``personnel``): the pending solves are run first,
        ``solved`` called after each. Until then a batch holds only its parts' distinct
        sets of active pledges (and a reference to ``active``): the [rows x lines] fill
        is made here, so that many batches made at once cost little memory."""
        required, weights = self.required, self.weights
        total = float(np.sum(required))
        required_personnel = float(np.sum(required * weights))
        n_rows = self.active.shape[0]
        filled = np.zeros((n_rows, required.shape[0]))
        if self._closed:
            capacity = _bool_times(self.active[:, self.relevant], np.stack(self._terms, axis=1))
            values = np.minimum(capacity, required[self._closed])
            distinct, where = np.unique(values, return_inverse=True)
            filled[:, self._closed] = np.array([round(float(v), DIGITS) for v in distinct])[
                where.reshape(values.shape)
            ]
            del capacity, values, where
        for part, rows in self._parts:
            part.solve(rows, self.cache, solved)
            filled[:, part.lines] = rows.values[rows.inverse]
        if not self.relevant:  # nothing can fill it
            return (
                np.full(n_rows, total == 0),
                np.full(n_rows, 0.0 if total else 1.0),
                np.full(n_rows, 0.0 if required_personnel else 1.0)
                if self.personnel
                else np.ones(n_rows),
            )
        # row by row, in the arithmetic of RequirementFill (a sum along the rows of a
        # C-ordered matrix adds each row as np.sum adds it alone)
        met = np.all(filled >= required - UNITS, axis=1)
        ratio = filled.sum(axis=1) / total if total else np.ones(n_rows)
        if not self.personnel:
            return met, ratio, np.ones(n_rows)
        weighted = (filled * weights).sum(axis=1)
        by_personnel = weighted / required_personnel if required_personnel else np.ones(n_rows)
        return met, ratio, by_personnel


@dataclass
class _PartRows:
    """One part's fill over a batch: ``values`` [keys x the part's lines, line units] of
    its distinct sets of active pledges, ``inverse`` the distinct set of each row, and
    ``pending`` (index in ``values``, cache key) of those left to the optimiser."""

    values: NDArray[np.float64]
    inverse: NDArray[np.intp]
    keys: NDArray[np.bool_]
    pending: list[tuple[int, tuple[Any, ...]]]


def distinct_rows(on: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], NDArray[np.intp]]:
    """The distinct rows of a boolean matrix and, for each row, the index of its distinct
    row: rows packed into bytes and sorted as such (``np.unique(axis=0)`` compares them
    column by column, some 30 times slower on a million rows)."""
    rows = on.shape[0]
    packed = np.packbits(on, axis=1)
    width = packed.shape[1]
    key: NDArray[Any]
    if width <= 8:
        padded = np.zeros((rows, 8), dtype=np.uint8)
        padded[:, :width] = packed
        key = padded.view(np.uint64).reshape(rows)
    else:
        key = np.ascontiguousarray(packed).view(np.dtype((np.void, width))).reshape(rows)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return on[first], inverse.reshape(-1)


SPREAD_FREE_RATIOS = frozenset(2.0**k for k in range(-4, 5))
"""Substitution ratios whose fills are multiples of 1/16 of a unit when every quantity is a
whole number: sums of such fills are exact in any order."""


def _exact_sums(problem: SourcingProblem) -> bool:
    """True when every fill of ``problem`` is a multiple of 1/16 unit far below 2^48 (whole
    offer and line quantities, ratios powers of two from 1/16 to 16): the fill ratio and
    personnel fill of a row then come out the same bits however a priority level's units
    are spread over its lines (every partial sum is exact)."""
    quantities = [o.quantity for o in problem.offers] + [n.quantity for n in problem.lines]
    return (
        all(float(q).is_integer() for q in quantities)
        and all(e.ratio in SPREAD_FREE_RATIOS for e in problem.edges)
        and sum(quantities) < 2.0**40
    )


class _PartFill:
    """One part of a requirement (lines, offers and edges of the problem with every
    relevant pledge active), filled for distinct sets of its active pledges.

    ``spread_free`` (:func:`_exact_sums`): the row's figures do not depend on how a short
    priority level is spread over its lines, unless those lines differ in personnel per
    unit and the personnel fill is asked for. Then the fill is taken from the cheapest
    exact source: minimum cuts (whole-number maximum flow), else the fill stages alone
    when no such level is short, else (and always without ``spread_free``) the
    optimiser exactly as :func:`fill_requirement` runs it on this part.
    """

    def __init__(
        self,
        workspace: Workspace,
        requirement: Requirement,
        whole: SourcingProblem,
        lines: list[int],
        offers: list[int],
        edges: list[int],
        full: bool,
        spread_free: bool,
        personnel: bool,
    ) -> None:
        self.requirement = requirement
        self.whole = whole
        self.lines = lines
        self.offers = offers
        self.edges = edges
        self.full = full
        self.spread_free = spread_free
        self.pledges = tuple(dict.fromkeys(whole.offers[o].pledge for o in offers))
        self.weights = {
            n: workspace.capabilities[requirement.lines[n].capability].personnel for n in lines
        }
        self.personnel = personnel
        column = {pid: j for j, pid in enumerate(self.pledges)}
        self.cuts = cut_part(whole, lines, offers, edges, column) if spread_free else None

    def _mixed(self, group: Sequence[int]) -> bool:
        """True when the lines of one priority differ in personnel per unit (and the
        personnel fill is asked for): how a shortfall is spread then matters."""
        return self.personnel and len({self.weights[n] for n in group}) > 1

    def plan(
        self, keys: NDArray[np.bool_], inverse: NDArray[np.intp], cache: dict[Any, Any]
    ) -> _PartRows:
        """The fill of the part's lines for each row of ``keys`` (distinct sets of active
        pledges, columns in the order of ``pledges``) that the minimum cuts or ``cache``
        settle; the others are left pending for :meth:`solve`."""
        values = np.zeros((keys.shape[0], len(self.lines)))
        todo = np.ones(keys.shape[0], dtype=bool)
        if self.cuts is not None:
            todo = self._by_cuts(self.cuts, keys, values)
        prefix = ("part", self.requirement.id, self.full, tuple(self.lines))
        pending = []
        for k in np.flatnonzero(todo):
            key = (*prefix, np.packbits(keys[k]).tobytes())
            hit = cache.get(key)
            if hit is None:
                pending.append((int(k), key))
            else:
                values[k] = hit
        return _PartRows(values, inverse, keys, pending)

    def solve(
        self, rows: _PartRows, cache: dict[Any, Any], solved: Callable[[], None] | None = None
    ) -> None:
        """Fill the rows :meth:`plan` left pending, by the optimiser (each result kept in
        ``cache``), calling ``solved`` after each."""
        for k, key in rows.pending:
            hit = cache.get(key)
            if hit is None:
                hit = cache[key] = self._by_solver(rows.keys[k], cache)
            rows.values[k] = hit
            if solved is not None:
                solved()
        rows.pending = []

    def _by_cuts(
        self, cuts: CutPart, keys: NDArray[np.bool_], values: NDArray[np.float64]
    ) -> NDArray[np.bool_]:
        """Fill ``values`` by minimum cuts where the figures are settled; the rows left
        (a short level of lines that differ in personnel per unit)."""
        level_fill = priority_fills(cuts, keys)
        where = {n: j for j, n in enumerate(self.lines)}
        todo = np.zeros(keys.shape[0], dtype=bool)
        for level, group in enumerate(cuts.groups):
            quantity = np.array([self.whole.lines[n].quantity for n in group])
            left = level_fill[:, level].copy()
            short = left < quantity.sum()
            if self._mixed(group):
                todo |= short
            for n, q in zip(group, quantity, strict=True):  # any spread: all sums exact
                given = np.minimum(left, q)
                values[:, where[n]] = given
                left -= given
        return todo

    def _by_solver(self, key: NDArray[np.bool_], cache: dict[Any, Any]) -> NDArray[np.float64]:
        """The fill of the part's lines for one set of active pledges, by the optimiser on
        the part's active offers (the fill stages alone when they settle the figures)."""
        on = {pid for pid, a in zip(self.pledges, key, strict=True) if a}
        problem = self._restricted(on)
        if self.full and self.spread_free:
            stages = solve(problem, full=False, cache=cache).filled
            if self._settled(problem, stages):
                return np.array([stages[n] for n in self.lines])
        filled = solve(problem, full=self.full, cache=cache).filled
        return np.array([filled[n] for n in self.lines])

    def _settled(self, problem: SourcingProblem, filled: Sequence[float]) -> bool:
        """True when no level of lines that differ in personnel per unit is short in any
        part of ``problem``: the tie-break stages cannot then move a unit that counts."""
        for lines, _, _ in _components(problem):
            for level in {problem.lines[n].priority for n in lines}:
                group = [n for n in lines if problem.lines[n].priority == level]
                if self._mixed(group) and any(filled[n] < problem.lines[n].quantity for n in group):
                    return False
        return True

    def _restricted(self, on: set[str]) -> SourcingProblem:
        """The part with only the offers of the pledges in ``on``: the offers and edges of
        the whole problem in their order, so each of its parts is the very part the
        optimiser builds from these pledges (same lines, offers and edges, same order)."""
        index: dict[int, int] = {}
        offers: list[Offer] = []
        for o in self.offers:
            if self.whole.offers[o].pledge in on:
                index[o] = len(offers)
                offers.append(self.whole.offers[o])
        edges = [
            Edge(index[edge.offer], edge.line, edge.ratio)
            for edge in (self.whole.edges[e] for e in self.edges)
            if edge.offer in index
        ]
        whole = self.whole
        return SourcingProblem(
            whole.requirement_id, whole.name, whole.lines, tuple(offers), tuple(edges)
        )


def _weights_tie(requirement: Requirement, lines: list[int], weights: NDArray[np.float64]) -> bool:
    """True when lines of one priority in a part have different personnel per unit.

    The fill stages fix the units filled per priority, not how they are spread over the
    lines of one priority; the unit fill and "met" do not depend on the spread, the
    personnel fill does. Such a part is then solved with the tie-breaks, as
    :func:`fill_requirement` solves it, so that both give the same personnel fill.
    """
    seen: dict[int, float] = {}
    for n in lines:
        priority = requirement.lines[n].priority
        if seen.setdefault(priority, float(weights[n])) != float(weights[n]):
            return True
    return False


ELEMENTS_AT_ONCE = 1 << 22
"""Elements of a boolean matrix converted to float64 at once (32 MB)."""


def _bool_times(on: NDArray[np.bool_], matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """``on @ matrix`` in row blocks; exact when ``matrix`` holds whole numbers whose
    column sums are below 2**52."""
    out = np.zeros((on.shape[0], matrix.shape[1]))
    step = max(1, ELEMENTS_AT_ONCE // max(1, on.shape[1]))
    for start in range(0, on.shape[0], step):
        out[start : start + step] = on[start : start + step].astype(np.float64) @ matrix
    return out
