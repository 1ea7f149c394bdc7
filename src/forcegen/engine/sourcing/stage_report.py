"""What each lexicographic stage of a sourcing solve reached, and what it proved.

A stage's ``objective`` is the value of the point it kept; its ``bound`` is a proven bound
on the stage's optimum (at least the objective for a fill stage, which maximises; at most
it for a tie-break stage, which minimises), given the values the stages before it were
held to. The ``gap`` between them is 0 when the stage is proven optimal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from forcegen.engine.tolerances import SOLVER_GAP

DESCRIPTIONS = {
    "nations": "fewest (nation, line) pairs [nation-lines]",
    "stated": "fewest units of stated (not firm) pledges used [units]",
    "units": "fewest units used [units]",
}
"""What each tie-break stage minimises; a fill stage ``fill-p<k>`` maximises the filled
units of the priority-k lines [line units]."""


class StageStatus(StrEnum):
    """How one stage ended."""

    OPTIMAL = "optimal"
    """Proven optimal: its bound equals its objective."""
    TIME_LIMIT = "time_limit"
    """Stopped by the time budget with the best point found (or, given no time, the point
    of the stage before); the bound is what was proven by then."""
    WORK_LIMIT = "work_limit"
    """Stopped by the work budget of the tie-breaks of a solve given no time limit (a
    count of the solver's steps) with the best point found; the bound is what was proven
    by then. The same input gives the same result on every machine."""
    NOT_PROVEN = "not_proven"
    """Not proven for a reason other than the clock: the solver found the values held by
    the stages before too tight to keep (within its tolerances), so the stage kept the
    point in hand; the bound is what was proven without the solver. The same input gives
    the same result."""


@dataclass(frozen=True)
class StageReport:
    """One stage, summed over the independent parts of the problem.

    ``objective`` and ``bound`` are in the stage's units (``fill-p<k>`` [line units],
    ``nations`` [nation-lines], ``stated`` and ``units`` [units]); ``seconds`` the time the
    stage took over all parts [s].
    """

    name: str
    maximise: bool
    objective: float
    bound: float
    status: StageStatus
    seconds: float

    @property
    def gap(self) -> float:
        """|bound - objective| / max(1, |objective|, |bound|) [fraction, 0-1]: the share of
        the larger of the two that the proof leaves open (1: nothing proven, as a bound of
        0 under a minimised count); 0 when proven."""
        if self.status == StageStatus.OPTIMAL:
            return 0.0
        shortfall = self.bound - self.objective if self.maximise else self.objective - self.bound
        return max(0.0, shortfall) / max(1.0, abs(self.objective), abs(self.bound))

    @property
    def description(self) -> str:
        """What the stage optimises, in words."""
        if self.name.startswith("fill-p"):
            return f"most filled units of the priority-{self.name[6:]} lines [line units]"
        return DESCRIPTIONS[self.name]

    def row(self) -> dict[str, object]:
        """The stage as a table row: stage, sense, objective, bound, gap, status, seconds."""
        return {
            "stage": self.name,
            "sense": "maximise" if self.maximise else "minimise",
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "status": self.status.value,
            "seconds": self.seconds,
        }

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape of a stage (docs/json.md): without ``seconds``, so that
        the same problem solved to proof gives byte-identical JSON however fast the
        machine."""
        return {
            "stage": self.name,
            "sense": "maximise" if self.maximise else "minimise",
            "objective": round(float(self.objective), 6),
            "bound": round(float(self.bound), 6),
            "gap": round(float(self.gap), 6),
            "status": self.status.value,
        }


def combine(name: str, maximise: bool, parts: Iterable[StageReport]) -> StageReport:
    """One stage summed over parts: objectives and bounds added (the parts share no
    variable), optimal when every part's is, else time_limit when a part's is, else
    work_limit when a part's is, else not_proven; seconds added."""
    parts = list(parts)
    statuses = {p.status for p in parts}
    if statuses <= {StageStatus.OPTIMAL}:
        status = StageStatus.OPTIMAL
    elif StageStatus.TIME_LIMIT in statuses:
        status = StageStatus.TIME_LIMIT
    elif StageStatus.WORK_LIMIT in statuses:
        status = StageStatus.WORK_LIMIT
    else:
        status = StageStatus.NOT_PROVEN
    return StageReport(
        name,
        maximise,
        float(sum(p.objective for p in parts)),
        float(sum(p.bound for p in parts)),
        status,
        float(sum(p.seconds for p in parts)),
    )


def proven(objective: float, bound: float, maximise: bool) -> bool:
    """True when ``bound`` leaves no room above (``maximise``) or below ``objective``
    beyond SOLVER_GAP relative."""
    slack = SOLVER_GAP * max(1.0, abs(objective))
    return bound <= objective + slack if maximise else bound >= objective - slack


__all__ = ["DESCRIPTIONS", "StageReport", "StageStatus", "combine", "proven"]
