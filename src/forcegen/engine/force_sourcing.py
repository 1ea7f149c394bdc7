"""Force sourcing of one requirement: fill table, unused pledges, dependence on one nation.

This is what a force-sourcing conference produces for a CJSOR: per requirement line what
is required, what is filled and by whom, the shortfall; the pledges left over; and how
much of the fill hangs on one nation (by default the United States).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forcegen.engine.activation import active_pledges, scenario_values
from forcegen.engine.filling import RequirementFill, requirement_fill
from forcegen.engine.sourcing import Assignment, SolverStatus, solve
from forcegen.engine.sourcing_problem import SourcingProblem, build_problem
from forcegen.engine.totals import check_units
from forcegen.model.pledges import PledgeStatus
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
    dependence_nation: str
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

        rows = [
            {
                **line.row(),
                "by_nation": "; ".join(f"{k} {v:g}" for k, v in line.by_nation.items()),
                f"lost_without_{self.dependence_nation}": dep.fill_lost,
                f"only_{self.dependence_nation}": dep.only_that_nation,
            }
            for line, dep in zip(self.fill.lines, self.dependence, strict=True)
        ]
        return pd.DataFrame(rows).set_index("line")


def active_pledge_ids(
    workspace: Workspace, scenario: str | Scenario | None
) -> tuple[str | None, list[str]]:
    """(scenario id, ids of the pledges active in it); with no scenario, every pledge
    that is not withdrawn."""
    if scenario is None:
        ids = [p for p, pl in workspace.pledges.items() if pl.status is not PledgeStatus.WITHDRAWN]
        return None, ids
    if isinstance(scenario, str):
        scenario = workspace.scenario(scenario)
    return scenario.id, list(active_pledges(workspace, scenario_values(workspace, scenario)))


def source_requirement(
    workspace: Workspace,
    requirement: str,
    scenario: str | Scenario | None = None,
    dependence_on: str = UNITED_STATES,
) -> SourcingResult:
    """Source ``requirement`` from the pledges active in ``scenario`` (every pledge that
    is not withdrawn when None), and measure the dependence on ``dependence_on``."""
    req = workspace.requirement(requirement)
    check_units(workspace)
    scenario_id, active = active_pledge_ids(workspace, scenario)
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
        if pid in useful and units - used.get(pid, 0.0) > 1e-6
    }
    without = solve(
        build_problem(workspace, req, available, exclude_nations=frozenset({dependence_on})),
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
                only_that_nation=eligible == {dependence_on},
            )
        )
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
