"""Force sourcing of one requirement: fill table, unused pledges, dependence on one nation.

This is what a force-sourcing conference produces for a CJSOR: per requirement line what
is required, what is filled and by whom, the shortfall; the pledges left over; and how
much of the fill hangs on one nation (by default the United States).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forcegen.engine.activation import resolve_scenario, scenario_pledges
from forcegen.engine.sourcing.fill import RequirementFill, requirement_fill
from forcegen.engine.sourcing.problem import SourcingProblem, build_problem
from forcegen.engine.sourcing.solve import Assignment, SolverStatus, SourcingSolution, solve
from forcegen.engine.tolerances import UNITS
from forcegen.engine.totals import check_units
from forcegen.errors import UnknownIdError
from forcegen.model.requirements import Requirement
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

UNITED_STATES = "USA"


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
    """Units of each pledge given to each line (line = index in the requirement)."""

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "requirement": self.fill.requirement_id,
            "scenario": self.scenario,
            "status": self.status.value,
            "filled_units": self.fill.filled_units,
            "required_units": self.fill.required_units,
            "fill_ratio": self.fill.fill_ratio,
            "met": self.fill.met,
            "lines": [line.to_json() for line in self.fill.lines],
            "unused": dict(self.unused),
            "dependence_on": self.dependence_nation,
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
) -> SourcingResult:
    """Source ``requirement`` from the pledges active in ``scenario`` (every pledge that
    is not withdrawn when None), and measure the dependence on the nation
    ``dependence_on`` when asked (an ISO 3166-1 alpha-3 code such as
    :data:`UNITED_STATES`; it costs a second solve without that nation's pledges).
    """
    req = workspace.requirement(requirement)
    if dependence_on is not None and dependence_on not in workspace.nations:
        raise UnknownIdError("nation", dependence_on, workspace.nations)
    check_units(workspace)
    resolved = resolve_scenario(workspace, scenario)
    scenario_id = None if resolved is None else resolved.id
    active = scenario_pledges(workspace, resolved)
    available = {pid: workspace.pledges[pid].quantity for pid in active}
    problem = build_problem(workspace, req, available)
    solution = solve(problem, full=True)
    fill = requirement_fill(req, solution)
    used: dict[str, float] = {}
    for a in solution.assignments:
        used[a.pledge] = used.get(a.pledge, 0.0) + a.units
    useful = {problem.offers[e.offer].pledge for e in problem.edges}
    unused = {
        pid: round(units - used.get(pid, 0.0), 6)
        for pid, units in available.items()
        if pid in useful and units - used.get(pid, 0.0) > UNITS
    }
    dependence = []
    if dependence_on is not None:
        dependence = _dependence(workspace, req, available, problem, solution, dependence_on)
    return SourcingResult(
        scenario_id,
        fill,
        unused,
        dependence_on,
        tuple(dependence),
        solution.status,
        problem,
        solution.assignments,
    )


def _dependence(
    workspace: Workspace,
    req: Requirement,
    available: dict[str, float],
    problem: SourcingProblem,
    solution: SourcingSolution,
    nation: str,
) -> list[LineDependence]:
    """Per line: the fill with and without ``nation``'s pledges, and whether only that
    nation may fill it."""
    without = solve(
        build_problem(workspace, req, available, exclude_nations=frozenset({nation})),
        full=False,
    )
    dependence = []
    for i, line in enumerate(req.lines):
        eligible = {problem.offers[e.offer].nation for e in problem.edges if e.line == i}
        dependence.append(
            LineDependence(
                line=i,
                capability=line.capability,
                zone=line.zone,
                filled=solution.filled[i],
                filled_without=without.filled[i],
                only_that_nation=eligible == {nation},
            )
        )
    return dependence
