"""How long a study will take, before it starts: the measured cost of each command
against its size.

Each :class:`CostCurve` is a benchmark measured on the project's 2-core machine
(``python benchmarks/run.py ...``, the command and date in ``measured``), as points
(size, seconds). Between two points the cost is interpolated on a log-log scale (a
power law through both); beyond the largest point it grows with the larger of the last
segment's exponent and 1, below the smallest with the first segment's. The same table
is in docs/benchmarks.md ("Cost against size"; a test keeps the two in step).

An estimate is a warning, never a refusal: the command runs whatever the estimate says.
The size of a study is what its benchmark varies: requirement lines for ``source``,
units moving for ``deploy``, distinct condition patterns times requirement lines for
``montecarlo``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forcegen.model.scenarios import Scenario
    from forcegen.model.workspace import Workspace

SLOW_SECONDS = 60.0
"""An estimate above this [seconds] is warned about before the work starts."""


@dataclass(frozen=True)
class CostCurve:
    """The measured cost of one command against one size."""

    command: str
    size: str
    """What the size counts (the unit of ``points[i][0]``)."""
    held: str
    """What the benchmark held fixed while the size grew."""
    points: tuple[tuple[float, float], ...]
    """(size, seconds), sizes increasing."""
    measured: str
    """The benchmark command and the date it was run."""

    def exponent(self) -> float:
        """k in seconds ~ size**k over the whole measured range."""
        (s0, t0), (s1, t1) = self.points[0], self.points[-1]
        return math.log(t1 / t0) / math.log(s1 / s0)

    def segment_exponents(self) -> tuple[float, ...]:
        """k between each measured point and the next."""
        return tuple(
            math.log(t1 / t0) / math.log(s1 / s0)
            for (s0, t0), (s1, t1) in zip(self.points, self.points[1:], strict=False)
        )

    def seconds(self, size: float) -> float:
        """Estimated seconds at ``size`` (0 for a size of 0 or less)."""
        if size <= 0:
            return 0.0
        pts = self.points
        ks = self.segment_exponents()
        if size <= pts[0][0]:
            s0, t0 = pts[0]
            return float(t0 * (size / s0) ** ks[0])
        for (s0, t0), k, (s1, _) in zip(pts, ks, pts[1:], strict=False):
            if size <= s1:
                return float(t0 * (size / s0) ** k)
        s_last, t_last = pts[-1]
        return float(t_last * (size / s_last) ** max(ks[-1], 1.0))


@dataclass(frozen=True)
class CostEstimate:
    """The estimated cost of one study."""

    curve: CostCurve
    size: float
    """The study's size, in the curve's unit."""
    seconds: float
    """Estimated wall time [seconds] on the machine the curve was measured on."""

    @property
    def slow(self) -> bool:
        """Above :data:`SLOW_SECONDS`: worth a warning before starting."""
        return self.seconds > SLOW_SECONDS

    def warning(self) -> str:
        """One line for the user: the size, the estimate and where it comes from."""
        return (
            f"{self.curve.command} of {_count(self.size)} {self.curve.size} will take about "
            f"{_duration(self.seconds)} by the measured cost (docs/benchmarks.md: "
            f"{self.curve.held}; exponent {self.curve.exponent():.1f}; {self.curve.measured}); "
            "running it anyway"
        )


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


CURVES: dict[str, CostCurve] = {}


def _curve(curve: CostCurve) -> None:
    sizes = [s for s, _ in curve.points]
    if len(sizes) < 2 or sizes != sorted(sizes) or len(set(sizes)) != len(sizes):
        raise ValueError(f"{curve.command}: at least two points of increasing size")
    CURVES[curve.command] = curve


_curve(
    CostCurve(
        "source",
        "requirement lines",
        "40 nations, 5,000 pledge units; the proven fill, problem built (tie-breaks stop at "
        "--time-limit)",
        ((500, 0.66), (1_000, 3.60), (2_000, 2.31)),
        "python benchmarks/run.py sourcing --lines 500,1000,2000, 2026-12-01",
    )
)
_curve(
    CostCurve(
        "deploy",
        "units moving",
        "80 nodes, 170 legs, 6 destinations; the plan and why it closes then (critical "
        "path), as `forcegen deploy` computes them; cost follows the closure day (56, 90, "
        "148 days)",
        ((1_000, 6.19), (2_000, 20.8), (4_000, 61.0)),
        "python benchmarks/run.py deploy --units 1000,2000,4000, 2026-12-01 (later)",
    )
)


_curve(
    CostCurve(
        "montecarlo",
        "distinct patterns x requirement lines",
        "1,000,000 draws, 5 force options of 20 lines, no substitutes; 8, 16, 24 independent "
        "conditions (256, 44,752, 637,089 patterns)",
        ((25_600, 0.14), (4_475_200, 3.78), (63_708_900, 49.1)),
        "python benchmarks/run.py montecarlo --conditions 8,16,24 --requirements 5x20, 2026-12-01",
    )
)
_curve(
    CostCurve(
        "montecarlo-substitutes",
        "distinct patterns x requirement lines",
        "as montecarlo, a third of the capabilities with a substitute: short levels of mixed "
        "personnel need the tie-break solves; 8 and 16 conditions (256 and 1,294 patterns)",
        ((25_600, 23.0), (129_400, 416.0)),
        "python benchmarks/run.py montecarlo --conditions 8,16 --requirements 5x20 "
        "--substitutes 0.33, 2026-12-01",
    )
)


def estimate(command: str, size: float) -> CostEstimate:
    """The estimated cost of ``command`` at ``size`` (in its curve's unit)."""
    curve = CURVES[command]
    return CostEstimate(curve, float(size), curve.seconds(float(size)))


def cost_markdown() -> str:
    """The table of docs/benchmarks.md, "Cost against size"."""
    lines = [
        "| command | size | held fixed | size: seconds | exponent (whole range; per segment) |",
        "|---|---|---|---|---|",
    ]
    for curve in CURVES.values():
        points = ", ".join(f"{_count(s)}: {t:.3g}" for s, t in curve.points)
        segments = ", ".join(f"{k:.2f}" for k in curve.segment_exponents())
        lines.append(
            f"| `{curve.command}` | {curve.size} | {curve.held} | {points} | "
            f"{curve.exponent():.2f}; {segments} |"
        )
    return "\n".join(lines) + "\n"


def expected_patterns(draws: int, free_conditions: int) -> float:
    """Expected distinct condition patterns in ``draws`` draws of ``free_conditions``
    conditions, were every pattern equally likely (an upper bound: skewed
    probabilities repeat patterns more): N (1 - (1 - 1/N)**draws), N = 2**free."""
    if draws <= 0:
        return 0.0
    n = 2.0**free_conditions
    return n * -math.expm1(draws * math.log1p(-1.0 / n)) if n > 1 else 1.0


def study_cost(
    workspace: Workspace,
    command: str,
    scenario: str | Scenario | None = None,
    *,
    requirement: str | None = None,
    draws: int = 100_000,
    exact: bool = False,
) -> CostEstimate | None:
    """The estimated cost of ``command`` ("source", "deploy" or "montecarlo") on
    ``workspace``, read before any work from the sizes its benchmark varies; None when
    the table has no curve for it (``montecarlo`` without a requirement, whose cost is
    draws and stays under a minute within the limits).

    - ``source``: the requirement's lines (``requirement`` must name one).
    - ``deploy``: the pledges active in ``scenario``, one movement each (with
      ``requirement`` the sourced assignments move instead: about as many).
    - ``montecarlo``: expected distinct condition patterns (:func:`expected_patterns`;
      ``exact``: every pattern) times the lines of every requirement; the curve
      ``montecarlo-substitutes`` when a line's capability has substitutes (short levels
      of mixed personnel per unit then need the tie-break solves).
    """
    from forcegen.engine.activation import resolve_scenario, scenario_pledges

    resolved = resolve_scenario(workspace, scenario)
    if command == "source":
        if requirement is None or requirement not in workspace.requirements:
            return None
        return estimate("source", len(workspace.requirements[requirement].lines))
    if command == "deploy":
        return estimate("deploy", len(scenario_pledges(workspace, resolved)))
    if command == "montecarlo":
        from forcegen.engine.odds.condition_model import condition_model

        lines = sum(len(r.lines) for r in workspace.requirements.values())
        if lines == 0:
            return None
        assume = {} if resolved is None else dict(resolved.assume)
        free = len(condition_model(workspace, assume).rules)
        patterns = 2.0**free if exact else expected_patterns(draws, free)
        substitutes = any(
            workspace.capabilities[line.capability].substitutes
            for r in workspace.requirements.values()
            for line in r.lines
            if line.capability in workspace.capabilities
        )
        return estimate("montecarlo-substitutes" if substitutes else "montecarlo", patterns * lines)
    raise ValueError(f"no cost curve for {command!r}: one of source, deploy, montecarlo")
