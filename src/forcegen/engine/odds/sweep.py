"""Sweeps: Monte Carlo over a grid of probability assumptions, one Dask task per point.

Every grid point uses the same seed (common random numbers), so the differences
between points are the effect of the assumptions, not sampling noise; and a
distributed run gives exactly the rows of a serial run.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forcegen.engine.activation import resolve_scenario, scenario_view
from forcegen.engine.odds.condition_model import condition_model
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.odds.sampling import check_draws, check_workers
from forcegen.engine.tolerances import FRACTION
from forcegen.errors import ForcegenError, UnknownIdError
from forcegen.limits import (
    LIMITS,
    MAX_AXIS_VALUES,
    MAX_EXACT_CONDITIONS,
    MAX_GRID_POINTS,
    MIN_SWEEP_STEP,
)
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd


AXIS_FORMS = (
    f"CONDITION=START:STOP:STEP with 0 <= START <= STOP <= 1 and STEP >= {MIN_SWEEP_STEP:g}, "
    "or CONDITION=V1,V2,... with each value from 0 to 1"
)
"""What a sweep axis may look like, for error messages."""


class SweepAxisError(ForcegenError):
    """A sweep axis (``--vary``) that cannot be read: ``text`` as given, ``problem`` in
    words and what was ``expected``."""

    def __init__(self, text: str, problem: str, expected: str = AXIS_FORMS) -> None:
        self.text = text
        self.problem = problem
        self.expected = expected
        super().__init__(f"sweep axis {text!r}: {problem}; expected {expected}")


def _number(part: str, whole: str) -> float:
    """``part`` of the axis ``whole`` as a finite float."""
    try:
        value = float(part)
    except ValueError:
        raise SweepAxisError(whole, f"{part.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise SweepAxisError(whole, f"{part.strip()!r} is not a finite number")
    return value


def _probabilities(whole: str, values: Sequence[float]) -> None:
    bad = [v for v in values if not 0.0 <= v <= 1.0]
    if bad:
        shown = ", ".join(f"{v:g}" for v in bad[:5]) + (", ..." if len(bad) > 5 else "")
        raise SweepAxisError(whole, f"probabilities {shown} are outside [0, 1]")


def _too_many(found: str) -> str:
    limit = LIMITS["MAX_AXIS_VALUES"]
    return f"{found}, over the limit of {limit.value:,} {limit.unit}: {limit.why}"


def _range_values(whole: str, spec: str) -> tuple[float, ...]:
    """The values of ``START:STOP:STEP`` (stop included), counted before any is made."""
    parts = spec.split(":")
    if len(parts) != 3:
        raise SweepAxisError(whole, f"a range has three parts, START:STOP:STEP; found {len(parts)}")
    start, stop, step = (_number(part, whole) for part in parts)
    _probabilities(whole, [start, stop])
    if stop < start:
        raise SweepAxisError(whole, f"STOP {stop:g} is below START {start:g}")
    if step < MIN_SWEEP_STEP:
        limit = LIMITS["MIN_SWEEP_STEP"]
        raise SweepAxisError(
            whole,
            f"STEP {parts[2].strip()} is below the smallest step of {MIN_SWEEP_STEP:g}: "
            f"{limit.why}",
        )
    # 0 <= stop - start <= 1 and step >= MIN_SWEEP_STEP: the quotient is finite and small
    intervals = math.floor((stop - start) / step + FRACTION)
    count = intervals + 1
    if count > MAX_AXIS_VALUES:
        raise SweepAxisError(
            whole, _too_many(f"the range has {count:,} values") + "; use a larger STEP"
        )
    return tuple(min(round(start + i * step, 10), stop) for i in range(count))


def _list_values(whole: str, spec: str) -> tuple[float, ...]:
    """The values of ``V1,V2,...``."""
    items = spec.split(",")
    if len(items) > MAX_AXIS_VALUES:
        raise SweepAxisError(whole, _too_many(f"the list has {len(items):,} values"))
    values = tuple(_number(item, whole) for item in items)
    _probabilities(whole, values)
    return values


@dataclass(frozen=True)
class SweepAxis:
    """One condition whose probability [0-1] takes each of ``values``."""

    condition: str
    values: tuple[float, ...]

    @classmethod
    def parse(cls, text: str) -> SweepAxis:
        """``cid=start:stop:step`` (stop included) or ``cid=v1,v2,...``.

        Probabilities are from 0 to 1, a step is at least
        :data:`~forcegen.limits.MIN_SWEEP_STEP` and an axis has at most
        :data:`~forcegen.limits.MAX_AXIS_VALUES` values, counted before any is made.
        Raises :class:`SweepAxisError` (text, problem, expected) otherwise.
        """
        condition, sep, spec = text.partition("=")
        condition = condition.strip()
        if not sep:
            raise SweepAxisError(text, "no '=' between the condition and its values")
        if not condition:
            raise SweepAxisError(text, "no condition before '='")
        if not spec.strip():
            raise SweepAxisError(text, "no values after '='")
        values = _range_values(text, spec) if ":" in spec else _list_values(text, spec)
        return cls(condition, values)


@dataclass(frozen=True)
class SweepResult:
    """One row per grid point: the probabilities used and the Monte Carlo summaries."""

    axes: tuple[SweepAxis, ...]
    draws: int
    seed: int
    exact: bool
    rows: tuple[Mapping[str, float], ...]

    def frame(self) -> pd.DataFrame:
        """The table: one column per varied condition, then the results."""
        import pandas as pd

        return pd.DataFrame(list(self.rows))

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "draws": self.draws,
            "seed": self.seed,
            "exact": self.exact,
            "axes": {a.condition: list(a.values) for a in self.axes},
            "rows": [dict(r) for r in self.rows],
        }


def grid(axes: Sequence[SweepAxis]) -> list[dict[str, float]]:
    """Every combination of the axes' values (the first axis varies slowest)."""
    names = [a.condition for a in axes]
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(a.values for a in axes))
    ]


def sweep_point(
    workspace: Workspace,
    scenario: Scenario | None,
    probabilities: Mapping[str, float],
    draws: int,
    seed: int,
    exact: bool,
) -> dict[str, float]:
    """Monte Carlo at one grid point; the row of the sweep table (a Dask task)."""
    result = monte_carlo(
        workspace,
        scenario,
        draws=draws,
        seed=seed,
        exact=exact,
        probabilities=probabilities,
        sensitivity=False,
    )
    row: dict[str, float] = dict(probabilities)
    d = result.personnel
    row.update(
        {
            "personnel_mean": d.mean,
            "personnel_stderr": d.stderr,
            "personnel_p05": d.p05,
            "personnel_p50": d.p50,
            "personnel_p95": d.p95,
        }
    )
    for rid, prob in result.requirements.items():
        row[f"p_met:{rid}"] = prob.p
        row[f"p_met_stderr:{rid}"] = prob.stderr
        row[f"fill:{rid}"] = result.fill_ratio[rid]
        option = result.options[rid]
        row[f"personnel_fill:{rid}"] = option.personnel_fill.mean
        if option.p_headcount is not None:
            row[f"p_headcount:{rid}"] = option.p_headcount.p
    return row


def check_sweep(
    workspace: Workspace,
    axes: Sequence[SweepAxis],
    scenario: str | Scenario | None,
    *,
    draws: int,
    exact: bool,
) -> None:
    """Refuse a sweep that cannot run, before any task is submitted."""
    scenario = resolve_scenario(workspace, scenario)
    _check_axes(workspace, scenario, axes)
    points = math.prod(len(a.values) for a in axes)
    if points > MAX_GRID_POINTS:
        raise ForcegenError(f"the sweep has {points:,} grid points; at most {MAX_GRID_POINTS:,}")
    if not exact:
        check_draws(draws)
    assume = scenario.assume if scenario is not None else {}
    model = condition_model(workspace, assume, {a.condition: a.values[0] for a in axes})
    if exact and len(model.rules) > MAX_EXACT_CONDITIONS:
        raise ForcegenError(
            f"exact enumeration takes at most {MAX_EXACT_CONDITIONS} free conditions; "
            f"this sweep leaves {len(model.rules)} free"
        )


def _check_axes(workspace: Workspace, scenario: Scenario | None, axes: Sequence[SweepAxis]) -> None:
    if not axes:
        raise ForcegenError("a sweep needs at least one axis (--vary CONDITION=...)")
    fixed: Mapping[str, bool] = scenario.assume if scenario is not None else {}
    seen = set()
    for axis in axes:
        if axis.condition not in workspace.conditions:
            raise UnknownIdError("condition", axis.condition, workspace.conditions)
        if axis.condition in fixed:
            raise ForcegenError(
                f"scenario '{scenario.id if scenario else None}' fixes '{axis.condition}'; "
                "vary a free condition"
            )
        if axis.condition in seen:
            raise ForcegenError(f"condition '{axis.condition}' is varied twice")
        seen.add(axis.condition)


def run_sweep(
    workspace: Workspace,
    axes: Sequence[SweepAxis],
    scenario: str | Scenario | None = None,
    *,
    draws: int = 100_000,
    seed: int = 0,
    exact: bool = False,
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run the grid; each point is a task on the Dask ``client`` (serial if None).

    Rows come back in grid order whatever order the tasks finish in.
    """
    workspace, scenario = scenario_view(workspace, scenario)
    resolved = resolve_scenario(workspace, scenario)
    check_sweep(workspace, axes, resolved, draws=draws, exact=exact)
    points = grid(axes)
    rows: list[dict[str, float] | None] = [None] * len(points)
    if client is None:
        for i, point in enumerate(points):
            rows[i] = sweep_point(workspace, resolved, point, draws, seed, exact)
            if progress is not None:
                progress(i + 1, len(points))
    else:
        from dask.distributed import as_completed

        shared = client.scatter(workspace, broadcast=True)
        futures = [
            client.submit(
                sweep_point,
                shared,
                resolved,
                point,
                draws,
                seed,
                exact,
                key=f"forcegen-sweep-{seed}-{i}-{id(points)}",
                pure=False,
            )
            for i, point in enumerate(points)
        ]
        index = {future.key: i for i, future in enumerate(futures)}
        for done, future in enumerate(as_completed(futures), start=1):
            rows[index[future.key]] = future.result()
            if progress is not None:
                progress(done, len(points))
    return SweepResult(
        tuple(axes), 0 if exact else draws, seed, exact, tuple(r for r in rows if r is not None)
    )


def parse_axes(vary: Sequence[str | SweepAxis]) -> list[SweepAxis]:
    """Axes from ``CONDITION=START:STOP:STEP`` or ``CONDITION=V1,V2,...`` texts (or axes
    already parsed); a malformed text raises :class:`SweepAxisError`."""
    return [axis if isinstance(axis, SweepAxis) else SweepAxis.parse(axis) for axis in vary]


def sweep(
    workspace: Workspace,
    vary: Sequence[str | SweepAxis],
    scenario: str | Scenario | None = None,
    *,
    draws: int = 100_000,
    seed: int = 0,
    exact: bool = False,
    scheduler: str | None = None,
    workers: int = 2,
    serial: bool = False,
    quiet: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Monte Carlo over a grid of probability assumptions (the entry point of sweeps).

    ``vary``: one axis per condition (:func:`parse_axes`); the grid is their product, at
    most :data:`~forcegen.limits.MAX_GRID_POINTS` points of ``draws`` draws each (or exact
    enumeration), all with the same ``seed``. Points run as tasks on the Dask scheduler at
    ``scheduler`` (``tcp://HOST:PORT``), else on a local cluster of ``workers`` processes
    opened and closed by this call (:func:`~forcegen.engine.odds.cluster.dask_cluster`),
    or one after another in this process when ``serial``. Everything that can be refused
    (axes, scheduler address, draws, grid size) is refused before a cluster starts.
    """
    workspace, scenario = scenario_view(workspace, scenario)
    from forcegen.engine.odds.cluster import dask_cluster
    from forcegen.engine.odds.scheduler import tcp_address

    check_draws(draws)
    check_workers(workers)
    if scheduler is not None and not serial:
        tcp_address(scheduler)
    axes = parse_axes(vary)
    resolved = resolve_scenario(workspace, scenario)
    check_sweep(workspace, axes, resolved, draws=draws, exact=exact)
    if serial:
        return run_sweep(
            workspace, axes, resolved, draws=draws, seed=seed, exact=exact, progress=progress
        )
    with dask_cluster(scheduler, workers, quiet=quiet) as client:
        return run_sweep(
            workspace,
            axes,
            resolved,
            draws=draws,
            seed=seed,
            exact=exact,
            client=client,
            progress=progress,
        )
