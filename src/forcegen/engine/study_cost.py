"""How long a study will take, before it starts: the measured cost of each command
against its size.

Each :class:`CostCurve` is a benchmark measured on the project's 2-core machine
(``python benchmarks/run.py ...``, the command and date in ``measured``), as points
(size, seconds). Between two points the cost is interpolated on a log-log scale (a
power law through both); beyond the largest point it grows with the curve's ``beyond``
exponent, else the larger of the last segment's and 1, below the smallest with the
first segment's. The same table
is in docs/benchmarks.md ("Cost against size"; a test keeps the two in step).

An estimate is a warning, never a refusal: the command runs whatever the estimate says.
The size of a study is what its benchmark varies: requirement lines for ``source``,
units moving for ``deploy``, distinct condition patterns times requirement lines for
``montecarlo`` (and each point of a ``sweep``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from forcegen.engine.odds.condition_model import ConditionModel
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
    beyond: float | None = None
    """The exponent beyond the largest point (None: the larger of the last segment's
    and 1)."""

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
        return float(t_last * (size / s_last) ** self.beyond_exponent())

    def beyond_exponent(self) -> float:
        """k in seconds ~ size**k beyond the largest measured point."""
        return self.beyond if self.beyond is not None else max(self.segment_exponents()[-1], 1.0)


@dataclass(frozen=True)
class CostEstimate:
    """The estimated cost of one study."""

    curve: CostCurve
    size: float
    """The study's size, in the curve's unit."""
    seconds: float
    """Estimated wall time [seconds] on the machine the curve was measured on."""
    what: str = ""
    """What is being sized, in words (e.g. "montecarlo of 4,096 distinct patterns x 12
    requirement lines"); empty: the curve's command and size."""

    @property
    def slow(self) -> bool:
        """Above :data:`SLOW_SECONDS`: worth a warning before starting."""
        return self.seconds > SLOW_SECONDS

    def warning(self) -> str:
        """One line for the user: the size, the estimate and where it comes from."""
        what = self.what or f"{self.curve.command} of {_count(self.size)} {self.curve.size}"
        largest = self.curve.points[-1][0]
        growth = (
            f"exponent {self.curve.beyond_exponent():.1f} beyond the largest measured size, "
            f"{_count(largest)}"
            if self.size > largest
            else f"exponent {self.curve.exponent():.1f}"
        )
        return (
            f"{what} will take about {duration(self.seconds)} by the measured cost "
            f"(docs/benchmarks.md, curve {self.curve.command!r}: {self.curve.held}; {growth}; "
            f"{self.curve.measured}); running it anyway"
        )


PACE_SECONDS = 5.0
"""Time into a batch of work [seconds] before :class:`StudyPace` reads its pace: long
enough for a few part fills, short against the minute a warning is about."""


@dataclass
class StudyPace:
    """The pace of a study's batches of work, read while they run: the estimate made
    before any work (:func:`study_cost`) sizes a Monte Carlo run by distinct patterns x
    requirement lines and cannot see how hard each part of a requirement is (a
    1,000-pledge coalition whose patterns each need the tie-breaks on an 18-line part:
    1.4 s a part fill, where the curve says about a second for the whole study). The
    fills themselves can: each batch reports (done, total) before its first
    (:func:`~forcegen.engine.odds.outcomes.requirement_fills`), so a few seconds in, the
    time so far gives the batch's time to come, and with the batches before it the
    study's fill time so far (later batches are not known yet: the warning may come in a
    later batch than the one that makes the study slow).

    A sweep reads its pace the same way, one batch of grid points (:meth:`for_sweep`):
    its estimate sizes every point as the workspace's own probabilities draw it, and the
    grid's probabilities can draw many more patterns.

    ``estimate``: the estimate before the run (None: there was none); a study it already
    called slow is not warned about again. ``unit``: what (done, total) counts.
    ``parallel``: how many pieces of a batch run side by side (the workers of a Dask
    cluster, whose chunks come back in waves): the pace is read only once that many
    reports of the batch have come, as the first piece back says nothing of those
    running beside it. ``subject``: what the warning says is slower; ``batch``: what it
    calls the batch running; ``blind``: why the estimate could not see it.
    """

    estimate: CostEstimate | None
    unit: str = "part fills"
    parallel: int = 1
    subject: str = "the requirement fills"
    batch: str = "this batch"
    blind: str = (
        "the cost table counts distinct patterns x requirement lines and cannot see how "
        "hard each part of a requirement is"
    )
    started: float = 0.0
    """When the current batch started [seconds, on the caller's clock]."""
    last: float = 0.0
    """The caller's clock at the last report [seconds]."""
    spent: float = 0.0
    """Time of the batches before the current one [seconds]."""
    reports: int = 0
    """Reports of the current batch with work done."""
    warned: bool = False
    running: bool = False

    def __post_init__(self) -> None:
        self.warned = self.warned or (self.estimate is not None and self.estimate.slow)

    @classmethod
    def for_sweep(cls, estimate: CostEstimate | None, parallel: int = 1) -> StudyPace:
        """The pace of a sweep's grid points, ``parallel`` of them at a time [points]."""
        return cls(
            estimate,
            "points",
            parallel,
            subject="the sweep's points",
            batch="the sweep",
            blind=(
                "the cost table sizes every point by the workspace's own probabilities, "
                "counts distinct patterns x requirement lines and cannot see how hard each "
                "part of a requirement is"
                if estimate is not None
                else "the cost table has no curve for a sweep without requirements"
            ),
        )

    def check(self, done: int, total: int, now: float) -> str | None:
        """Read the pace at ``now`` [seconds, the caller's monotonic clock], ``done`` of
        ``total`` of the current batch done (0 done: a new batch starts now). One
        warning, once per study, when the batch is :data:`PACE_SECONDS` in (and has
        ``parallel`` reports) and the fills, those of the batches before it and this
        batch's at its pace so far, will take more than :data:`SLOW_SECONDS`; else
        None."""
        if done == 0:
            if self.running:
                self.spent += self.last - self.started
            self.started = self.last = now
            self.reports = 0
            self.running = True
            return None
        self.last = now
        self.reports += 1
        elapsed = now - self.started
        if (
            self.warned
            or elapsed < PACE_SECONDS
            or done >= total
            or self.reports < max(1, self.parallel)
        ):
            return None
        batch = elapsed * total / done
        if self.spent + batch <= SLOW_SECONDS:
            return None
        self.warned = True
        if self.estimate is None:
            said = "no estimate"
        elif self.estimate.seconds < 0.5:
            said = "under a second"
        else:
            said = f"about {duration(self.estimate.seconds)}"
        before = (
            f", {duration(self.spent + batch)} with the batches before it"
            if self.spent >= 1.0
            else ""
        )
        return (
            f"{self.subject} are slower than the measured cost said ({said}): "
            f"{done:,} of {total:,} {self.unit} took {duration(elapsed)}, so {self.batch} "
            f"will take about {duration(batch)}{before} ({self.blind}; docs/benchmarks.md)"
        )


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _figure(seconds: float) -> str:
    """Seconds of a measured point as the table prints them: three significant figures,
    whole seconds from 100 s on."""
    return f"{seconds:,.0f}" if seconds >= 100 else f"{seconds:.3g}"


def duration(seconds: float) -> str:
    """``seconds`` in words a user reads at a glance: "45 s", "12 min", "3.5 h", "9 days"."""
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
        ((500, 0.75), (1_000, 3.15), (2_000, 2.02)),
        "python benchmarks/run.py sourcing --lines 500,1000,2000, 2026-12-02",
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
        beyond=1.0,
    )
)
_curve(
    CostCurve(
        "montecarlo-substitutes",
        "distinct patterns x requirement lines",
        "as montecarlo, a third of the capabilities with a substitute: short levels of mixed "
        "personnel need the tie-break solves; 8 conditions and 1,000,000 draws, 16 and "
        "2,000 and 20,000 draws (256, 1,662 and 9,099 patterns)",
        ((25_600, 4.0), (166_200, 214.0), (909_900, 1263.0)),
        "python benchmarks/run.py montecarlo --conditions 8 (16) --requirements 5x20 "
        "--substitutes 0.33 --mc-draws 1000000 (2000, 20000), 2026-12-02",
        beyond=1.0,
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
        points = ", ".join(f"{_count(s)}: {_figure(t)}" for s, t in curve.points)
        segments = ", ".join(f"{k:.2f}" for k in curve.segment_exponents())
        beyond = "" if curve.beyond is None else f"; beyond the largest: {curve.beyond:g}"
        lines.append(
            f"| `{curve.command}` | {curve.size} | {curve.held} | {points} | "
            f"{curve.exponent():.2f}; {segments}{beyond} |"
        )
    return "\n".join(lines) + "\n"


ESTIMATE_DRAWS = 4_096
"""Draws of the condition model from which a study's distinct patterns are estimated
[draws] (seed 0: the same estimate every time)."""

ESTIMATE_ROWS = 1 << 15
"""Patterns whose probability the estimate works out at once [patterns] (memory: about
16 bytes a pattern and free condition)."""


def distinct_patterns(model: ConditionModel, draws: int, flips: Sequence[str] = ()) -> float:
    """Expected distinct condition patterns a run of ``draws`` draws evaluates
    [patterns]: those drawn and, with ``flips`` (free conditions), each drawn pattern
    with one of those conditions flipped (sensitivity's forced cases worked out from the
    base table).

    That is the sum over patterns z of 1 - (1 - P'(z))**draws, P'(z) the chance that
    one draw is z or one flip from it (P(z) plus P of each flip of z, the condition
    model's own probabilities, dependent rules included). It is estimated by importance
    sampling from :data:`ESTIMATE_DRAWS` draws x of the model: the mean over x of the
    sum, over z in {x and its flips}, of (1 - (1 - P'(z))**draws) / P'(z), which is
    unbiased (z is one of those of x with probability P'(z)); capped at every pattern.
    P of a flip is P(z) with the factors of the flipped condition and of the rules that
    read it replaced (:class:`_Factors`), so the estimate stays linear in the flips for
    independent conditions (62 free conditions with every flip: about 0.5 s, was 3.9 s).
    """
    import numpy as np

    from forcegen.engine.odds.sampling import sample_patterns

    if draws <= 0:
        return 0.0
    if not model.rules:
        return 1.0
    table = sample_patterns(model, ESTIMATE_DRAWS, 0)
    columns = [model.column(c) for c in flips]
    bits = [np.uint64(1) << np.uint64(j) for j in columns]
    share = table.weights / table.total
    factors = _Factors(model)
    children = [np.uint64(0), *bits]  # z = x, then x with each condition flipped
    group = max(1, ESTIMATE_ROWS // table.codes.shape[0])
    total = 0.0
    for start in range(0, len(children), group):
        some = children[start : start + group]
        codes = np.concatenate([table.codes ^ child for child in some])
        reach = factors.reach(codes, columns)
        reach = np.clip(reach, np.finfo(float).tiny, 1.0)  # > 0: a neighbour x was drawn
        met = -np.expm1(draws * np.log1p(-np.minimum(reach, 1.0 - 1e-16)))
        met = np.where(reach >= 1.0 - 1e-16, 1.0, met)
        total += float(np.sum(np.tile(share, len(some)) * met / reach))
    return float(min(2.0 ** len(model.rules), total))


class _Factors:
    """P(z) of patterns z and of z with one condition flipped, from each rule's factor
    (P of that condition's value given the conditions its rule reads): a flip changes
    only the factors of the flipped condition and of the rules that read it."""

    def __init__(self, model: ConditionModel) -> None:
        self.model = model
        self.readers = [
            [j for j, rule in enumerate(model.rules) if any(c == name for c, _ in rule.given)]
            for name in model.free
        ]

    def factor(self, j: int, codes: Any) -> Any:
        """P of condition ``j``'s value in each of ``codes`` given what its rule reads."""
        from forcegen.engine.odds.sampling import rule_factor

        return rule_factor(self.model, j, codes)

    def reach(self, codes: Any, flips: Sequence[int]) -> Any:
        """P(z) plus P(z with each of the columns ``flips`` flipped), for z in ``codes``:
        a product of factors as logs, its zero factors counted apart."""
        import numpy as np

        k = len(self.model.rules)
        logs = np.zeros((k, codes.shape[0]))
        zeros = np.zeros((k, codes.shape[0]), dtype=np.int64)
        for j in range(k):
            f = self.factor(j, codes)
            zeros[j] = f <= 0.0
            logs[j] = np.log(np.where(f > 0.0, f, 1.0))
        log_sum, zero_sum = logs.sum(axis=0), zeros.sum(axis=0)
        reach = np.where(zero_sum == 0, np.exp(log_sum), 0.0)
        for b in flips:
            flipped = codes ^ (np.uint64(1) << np.uint64(b))
            changed = [b, *self.readers[b]]
            log_b = log_sum - logs[changed].sum(axis=0)
            zero_b = zero_sum - zeros[changed].sum(axis=0)
            for j in changed:
                f = self.factor(j, flipped)
                zero_b = zero_b + (f <= 0.0)
                log_b = log_b + np.log(np.where(f > 0.0, f, 1.0))
            reach = reach + np.where(zero_b == 0, np.exp(log_b), 0.0)
        return reach


def filled_patterns(
    model: ConditionModel, draws: int, exact: bool = False, sensitivity: bool = True
) -> float:
    """The distinct patterns a Monte Carlo run fills [patterns], as
    :func:`~forcegen.engine.odds.montecarlo.monte_carlo` runs it: those of its base table
    (``exact``: every pattern) and, with ``sensitivity``, those of the free conditions
    forced true and false that the base table lacks, its own patterns being read from
    it. A forced pattern is a drawn one with that condition flipped (drawn again for a
    condition that changes how others are drawn, but mostly the same patterns), so
    under Monte Carlo they are the flips of :func:`distinct_patterns`; an enumeration
    already has every pattern."""
    if exact:
        return possible_patterns(model)
    return distinct_patterns(model, draws, model.free if sensitivity else ())


def possible_patterns(model: ConditionModel) -> float:
    """The patterns of non-zero probability [patterns], those an exact enumeration
    fills: every one of the 2**free, each worked out (at most
    :data:`~forcegen.limits.MAX_EXACT_CONDITIONS` free conditions, about 0.3 s at 20)."""
    import numpy as np

    from forcegen.engine.odds.sampling import pattern_probability
    from forcegen.limits import MAX_EXACT_CONDITIONS

    free = len(model.rules)
    if free > MAX_EXACT_CONDITIONS:
        return 2.0**free
    codes = np.arange(1 << free, dtype=np.uint64)
    return float(np.count_nonzero(pattern_probability(model, codes) > 0))


def study_cost(
    workspace: Workspace,
    command: str,
    scenario: str | Scenario | None = None,
    *,
    requirement: str | None = None,
    draws: int = 100_000,
    exact: bool = False,
    sensitivity: bool = True,
    points: int = 1,
    parallel: int = 1,
) -> CostEstimate | None:
    """The estimated cost of ``command`` ("source", "deploy", "montecarlo" or "sweep")
    on ``workspace``, read before any work from the sizes its benchmark varies; None
    when the table has no curve for it (``montecarlo`` and ``sweep`` without a
    requirement, whose cost is draws and stays under a minute within the limits) or the
    command refuses the study before any work (``exact`` with more free conditions than
    :data:`~forcegen.limits.MAX_EXACT_CONDITIONS`).

    - ``source``: the requirement's lines (``requirement`` must name one).
    - ``deploy``: the pledges active in ``scenario``, one movement each (with
      ``requirement`` the sourced assignments move instead: about as many).
    - ``montecarlo``: the distinct condition patterns it fills (:func:`filled_patterns`:
      with ``sensitivity``, its forced cases too; ``exact``: every pattern) times the
      lines of every requirement, by the curve ``montecarlo``, or
      ``montecarlo-substitutes`` when a line's capability has substitutes (short levels
      of mixed personnel per unit then need the tie-break solves).
    - ``sweep``: ``points`` Monte Carlo runs without sensitivity, each sized as
      ``montecarlo`` on ``workspace`` (the grid's own probabilities are not read), run
      ``parallel`` at a time.
    """
    from forcegen.engine.activation import resolve_scenario, scenario_pledges

    resolved = resolve_scenario(workspace, scenario)
    if command == "source":
        if requirement is None or requirement not in workspace.requirements:
            return None
        return estimate("source", len(workspace.requirements[requirement].lines))
    if command == "deploy":
        return estimate("deploy", len(scenario_pledges(workspace, resolved)))
    if command in ("montecarlo", "sweep"):
        from forcegen.engine.odds.condition_model import condition_model
        from forcegen.limits import MAX_EXACT_CONDITIONS

        lines = sum(len(r.lines) for r in workspace.requirements.values())
        if lines == 0:
            return None
        assume = {} if resolved is None else dict(resolved.assume)
        model = condition_model(workspace, assume)
        if exact and len(model.rules) > MAX_EXACT_CONDITIONS:
            return None  # the run refuses the enumeration before any work
        if command == "sweep":
            sensitivity = False
        patterns = filled_patterns(model, draws, exact, sensitivity)
        substitutes = any(
            workspace.capabilities[line.capability].substitutes
            for r in workspace.requirements.values()
            for line in r.lines
            if line.capability in workspace.capabilities
        )
        curve = "montecarlo-substitutes" if substitutes else "montecarlo"
        forced = " (sensitivity's forced cases included)" if sensitivity and not exact else ""
        what = (
            f"montecarlo of {_count(patterns)} distinct patterns{forced} x {lines:,} "
            "requirement lines"
        )
        sized = estimate(curve, patterns * lines)
        one = CostEstimate(sized.curve, sized.size, sized.seconds, what)
        if command == "montecarlo":
            return one
        points = max(1, points)
        at_once = max(1, min(parallel, points))
        return CostEstimate(
            one.curve,
            one.size,
            one.seconds * math.ceil(points / at_once),
            f"sweep of {points:,} points, {at_once:,} at a time, each a {one.what}",
        )
    raise ValueError(f"no cost curve for {command!r}: one of source, deploy, montecarlo, sweep")
