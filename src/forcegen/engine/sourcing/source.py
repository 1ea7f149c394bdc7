"""Force sourcing of one requirement: fill table, unused pledges, dependence on one nation.

This is what a force-sourcing conference produces for a CJSOR: per requirement line what
is required, what is filled and by whom, the shortfall; the pledges left over; and how
much of the fill hangs on one nation (by default the United States).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.activation import resolve_scenario, scenario_pledges, scenario_view
from forcegen.engine.sourcing.budget import DEFAULT_TIME_LIMIT, Budget, check_time_limit
from forcegen.engine.sourcing.fill import RequirementFill, requirement_fill
from forcegen.engine.sourcing.problem import SourcingProblem, build_problem
from forcegen.engine.sourcing.solve import Assignment, SolverStatus, SourcingSolution, solve
from forcegen.engine.sourcing.stage_report import StageReport
from forcegen.engine.tolerances import UNITS
from forcegen.engine.totals import checked_personnel
from forcegen.errors import UnknownIdError
from forcegen.model.requirements import Requirement
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

UNITED_STATES = "USA"

NO_NATION = "none"
"""What asks :func:`dependence_nation` for no dependence test."""


def dependence_nation(workspace: Workspace, given: str | None = None) -> str | None:
    """The nation whose dependence a sourcing measures: ``given`` (an ISO 3166-1 alpha-3
    code, checked against the workspace; ``"none"`` in any case for none) or, when None,
    the United States if the workspace has it and else none (a coalition without the US
    is sourced without the second solve)."""
    if given is None:
        return UNITED_STATES if UNITED_STATES in workspace.nations else None
    if given.strip().lower() == NO_NATION:
        return None
    if given not in workspace.nations:
        raise UnknownIdError("nation", given, (*workspace.nations, NO_NATION))
    return given


FINISH_SECONDS_PER_EDGE = 1.5e-5
"""Time kept back from a solve's stages for the work after them, per edge of the problem
[seconds]: consolidating the fill point before the tie-breaks, reading the points and
building the result (fill table, assignments, idle personnel) take about 0.8 s at 63,638
edges (1,000 synthetic lines), 1.3e-5 s per edge, on the machine the figures of
docs/sourcing.md were measured on."""

DEPENDENCE_SHARE = 0.25
"""Share of the time budget kept for the solve without the dependence nation when one is
asked [fraction]: the first solve gets the rest; the second gets whatever is left of the
budget when the first is done (this share unless the first overran its own), never
more."""


@dataclass(frozen=True)
class LineDependence:
    """How one line depends on one nation's pledges [line units]."""

    line: int
    capability: str
    zone: str | None
    filled: float
    filled_without: float
    only_that_nation: bool

    @property
    def fill_lost(self) -> float:
        """Fill lost when that nation's pledges are removed and the rest re-optimised."""
        return max(0.0, self.filled - self.filled_without)


@dataclass(frozen=True)
class SourcingResult:
    """The optimal sourcing of one requirement under one scenario."""

    scenario: str | None
    fill: RequirementFill
    unused: Mapping[str, float]
    """Units of active pledges that could serve some line but are left unassigned [units]."""
    dependence_nation: str | None
    """The nation whose pledges were tested (None: dependence not measured)."""
    dependence: tuple[LineDependence, ...]
    status: SolverStatus
    problem: SourcingProblem
    assignments: tuple[Assignment, ...] = ()
    """Units of each pledge given to each line (line = index in the requirement): the
    pledges' own units only (what moves), organic enablers in ``organic_assignments``."""
    organic_assignments: tuple[Assignment, ...] = ()
    """Units of organic enablers given to lines (enabler units; they move with their
    parent pledge's units)."""
    personnel: int = 0
    """Personnel of the active pledges of the scenario, as ``forcegen run`` counts them
    [persons]."""
    idle_personnel: Mapping[str, int] = field(default_factory=dict)
    """Per active pledge, its personnel that fill no line of this requirement [persons]:
    the share of its units left unassigned, less the personnel of organic enablers those
    units give to lines. ``personnel`` minus their sum is the personnel that serves."""

    idle_by_capability: Mapping[str, int] = field(default_factory=dict)
    """``idle_personnel`` summed by the pledges' capability, largest first [persons]."""
    stage_values: Mapping[str, float] = field(default_factory=dict)
    """What each lexicographic stage reached, as the solver found it (see
    :attr:`forcegen.engine.sourcing.solve.SourcingSolution.stage_values`): the values the
    exported stages hold (:func:`forcegen.export_mps`)."""
    stages: tuple[StageReport, ...] = ()
    """Each lexicographic stage in order: objective, proven bound, gap, status and seconds
    (:class:`~forcegen.engine.sourcing.stage_report.StageReport`); ``stages_frame`` is the
    table."""
    time_limit: float | None = None
    """The time budget the solve was given [seconds]; None: bounded by work, the same
    result on every machine (``source_requirement(..., time_limit=None)``)."""
    dependence_status: SolverStatus | None = None
    """How the solve without the dependence nation ended (None when not measured): its
    fill stages share what the first solve left of the budget."""

    @property
    def idle_total(self) -> int:
        """Personnel in active pledges that fill no line of this requirement [persons]."""
        return sum(self.idle_personnel.values())

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "requirement": self.fill.requirement_id,
            "scenario": self.scenario,
            "status": self.status.value,
            "time_limit": self.time_limit,
            "stages": [stage.to_json() for stage in self.stages],
            "filled_units": self.fill.filled_units,
            "required_units": self.fill.required_units,
            "fill_ratio": self.fill.fill_ratio,
            "personnel_fill": self.fill.personnel_fill,
            "required_personnel": self.fill.required_personnel,
            "filled_personnel": self.fill.filled_personnel,
            "organic_personnel": self.fill.organic_personnel,
            "met": self.fill.met,
            "personnel": self.personnel,
            "idle_personnel": self.idle_total,
            "idle_personnel_by_capability": dict(self.idle_by_capability),
            "lines": [line.to_json() for line in self.fill.lines],
            "unused": dict(self.unused),
            "dependence_on": self.dependence_nation,
            "dependence_status": (
                None if self.dependence_status is None else self.dependence_status.value
            ),
            "us_dependence": [
                {
                    "line": d.line,
                    "capability": d.capability,
                    "zone": d.zone,
                    "filled": d.filled,
                    "filled_without": d.filled_without,
                    "fill_lost": d.fill_lost,
                    "only_this_nation": d.only_that_nation,
                }
                for d in self.dependence
            ],
        }

    def stages_frame(self) -> pd.DataFrame:
        """One row per lexicographic stage, in order: sense, objective, proven bound, gap,
        status and seconds (:meth:`StageReport.row`)."""
        import pandas as pd

        columns = ["stage", "sense", "objective", "bound", "gap", "status", "seconds"]
        frame = pd.DataFrame([stage.row() for stage in self.stages], columns=columns)
        return frame.set_index("stage")

    def lines_frame(self) -> pd.DataFrame:
        """One row per line: required, filled, shortfall [units] and the nations filling it."""
        import pandas as pd

        rows = []
        for i, line in enumerate(self.fill.lines):
            row = {
                **line.row(),
                "by_nation": "; ".join(f"{k} {v:g}" for k, v in line.by_nation.items()),
            }
            if self.dependence:
                dep = self.dependence[i]
                row[f"lost_without_{self.dependence_nation}"] = dep.fill_lost
                row[f"only_{self.dependence_nation}"] = dep.only_that_nation
            rows.append(row)
        return pd.DataFrame(rows).set_index("line")


def source_requirement(
    workspace: Workspace,
    requirement: str,
    scenario: str | Scenario | None = None,
    dependence_on: str | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> SourcingResult:
    """Source ``requirement`` from the pledges active in ``scenario`` (every pledge that
    is not withdrawn when None), and measure the dependence on the nation
    ``dependence_on`` when asked (an ISO 3166-1 alpha-3 code such as
    :data:`UNITED_STATES`; it costs a second solve without that nation's pledges).

    ``time_limit`` [seconds, above 0] is the budget of the whole call: the fill stages
    first, then the tie-breaks, then (when asked) the fill without the dependence nation,
    which gets what the first solve leaves (the first is given three quarters of the
    budget: :data:`DEPENDENCE_SHARE`; an overrun of it leaves less). A stage the budget stops
    keeps its best point and says so (``status``, ``stages``).

    ``time_limit=None`` bounds the solve by work instead, as ``run`` and ``monte_carlo``
    do: the fill stages (and the fill without the dependence nation) run to proof and
    the tie-breaks of each part get :data:`~forcegen.engine.sourcing.solve.TIE_BREAK_WORK`,
    so the same input gives the same assignments on every machine and under any load (a
    stage the work stops reports ``work_limit``); only the backstop clock of
    :data:`~forcegen.engine.sourcing.solve.TIE_BREAK_SECONDS` can make it differ, and a
    stage it stops reports ``time_limit``.
    """
    if time_limit is not None:
        time_limit = check_time_limit(time_limit)
    budget = Budget(time_limit)
    workspace, scenario = scenario_view(workspace, scenario)
    req = workspace.requirement(requirement)
    if dependence_on is not None and dependence_on not in workspace.nations:
        raise UnknownIdError("nation", dependence_on, workspace.nations)
    personnel = checked_personnel(workspace)
    resolved = resolve_scenario(workspace, scenario)
    scenario_id = None if resolved is None else resolved.id
    active = scenario_pledges(workspace, resolved)
    available = {pid: workspace.pledges[pid].quantity for pid in active}
    problem = build_problem(workspace, req, available)
    stages: float | None = None
    if time_limit is not None:
        first = time_limit if dependence_on is None else (1 - DEPENDENCE_SHARE) * time_limit
        stages = max(0.0, min(first, budget.left()) - finishing_seconds(problem))
    solution = solve(problem, full=True, time_limit=stages)
    fill = requirement_fill(workspace, req, solution)
    own = tuple(a for a in solution.assignments if a.organic is None)
    organic = tuple(a for a in solution.assignments if a.organic is not None)
    used: dict[str, float] = {}
    for a in own:
        used[a.pledge] = used.get(a.pledge, 0.0) + a.units
    useful = {
        problem.offers[e.offer].pledge for e in problem.edges if not problem.offers[e.offer].organic
    }
    unused = {
        pid: round(units - used.get(pid, 0.0), 6)
        for pid, units in available.items()
        if pid in useful and units - used.get(pid, 0.0) > UNITS
    }
    idle = _idle_personnel(workspace, available, personnel, used, organic)
    idle_by_capability: dict[str, int] = {}
    for pid, persons in idle.items():
        capability = workspace.pledges[pid].capability
        idle_by_capability[capability] = idle_by_capability.get(capability, 0) + persons
    dependence: list[LineDependence] = []
    dependence_status = None
    if dependence_on is not None:
        seconds = None  # by work: the fill stages run to proof
        if time_limit is not None:
            seconds = max(0.0, budget.left() - finishing_seconds(problem))  # never more
        dependence, dependence_status = _dependence(
            workspace, req, available, problem, solution, dependence_on, seconds
        )
    return SourcingResult(
        scenario_id,
        fill,
        unused,
        dependence_on,
        tuple(dependence),
        solution.status,
        problem,
        own,
        organic,
        sum(personnel[pid] for pid in active),
        idle,
        dict(sorted(idle_by_capability.items(), key=lambda kv: -kv[1])),
        dict(solution.stage_values),
        solution.stages,
        time_limit,
        dependence_status,
    )


def _idle_personnel(
    workspace: Workspace,
    available: Mapping[str, float],
    personnel: Mapping[str, int],
    used: Mapping[str, float],
    organic: tuple[Assignment, ...],
) -> dict[str, int]:
    """Per active pledge, its personnel that fill no line [persons], when not 0.

    A pledge of q units and P personnel with x units assigned leaves P (q - x) / q idle;
    organic enablers given to lines beyond the x k its assigned units bring (k enabler
    units per unit) come from the idle units, and their personnel (units x the enabler's
    personnel per unit) serves, up to what is idle. Rounded to whole persons.
    """
    enabler_units: dict[tuple[str, str], float] = {}
    for a in organic:
        assert a.organic is not None
        key = (a.pledge, a.organic)
        enabler_units[key] = enabler_units.get(key, 0.0) + a.units
    idle: dict[str, int] = {}
    for pid, quantity in available.items():
        pledge = workspace.pledges[pid]
        assigned = min(quantity, used.get(pid, 0.0))
        persons = personnel[pid] * (quantity - assigned) / quantity
        for enabler in workspace.capabilities[pledge.capability].includes:
            extra = enabler_units.get((pid, enabler.capability), 0.0) - assigned * enabler.quantity
            if extra > UNITS:
                persons -= extra * workspace.capabilities[enabler.capability].personnel
        whole = round(max(0.0, persons))
        if whole > 0:
            idle[pid] = whole
    return idle


def _dependence(
    workspace: Workspace,
    req: Requirement,
    available: dict[str, float],
    problem: SourcingProblem,
    solution: SourcingSolution,
    nation: str,
    seconds: float | None,
) -> tuple[list[LineDependence], SolverStatus]:
    """Per line: the fill with and without ``nation``'s pledges (solved within
    ``seconds``; None: to proof), and whether only that nation may fill it; also how that
    solve ended."""
    without = solve(
        build_problem(workspace, req, available, exclude_nations=frozenset({nation})),
        full=False,
        time_limit=seconds,
    )
    dependence = []
    only = _only_nation(problem, len(req.lines), nation)
    for i, line in enumerate(req.lines):
        dependence.append(
            LineDependence(
                line=i,
                capability=line.capability,
                zone=line.zone,
                filled=solution.filled[i],
                filled_without=without.filled[i],
                only_that_nation=bool(only[i]),
            )
        )
    return dependence, without.status


def _only_nation(problem: SourcingProblem, n_lines: int, nation: str) -> np.ndarray:
    """Per line, True when some offer can fill it and every one is ``nation``'s: one pass
    over the edges (counts of edges per line, all and of that nation's offers)."""
    if not problem.edges:
        return np.zeros(n_lines, dtype=bool)
    ours = np.array([offer.nation == nation for offer in problem.offers], dtype=bool)
    line = np.fromiter((e.line for e in problem.edges), dtype=np.int64, count=len(problem.edges))
    offer = np.fromiter((e.offer for e in problem.edges), dtype=np.int64, count=len(problem.edges))
    edges = np.bincount(line, minlength=n_lines)
    of_nation = np.bincount(line, weights=ours[offer], minlength=n_lines)
    result: np.ndarray = (edges > 0) & (of_nation == edges)
    return result


def finishing_seconds(problem: SourcingProblem) -> float:
    """Seconds kept back from the stages of a solve of ``problem`` for the work after
    them (:data:`FINISH_SECONDS_PER_EDGE`) [seconds]."""
    return FINISH_SECONDS_PER_EDGE * len(problem.edges)
