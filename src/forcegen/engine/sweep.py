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

from forcegen.engine.condition_model import condition_model
from forcegen.engine.montecarlo import monte_carlo
from forcegen.engine.sampling import check_draws
from forcegen.errors import ForcegenError, UnknownIdError
from forcegen.limits import MAX_AXIS_VALUES, MAX_EXACT_CONDITIONS, MAX_GRID_POINTS
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class SweepAxis:
    """One condition whose probability [0-1] takes each of ``values``."""

    condition: str
    values: tuple[float, ...]

    @classmethod
    def parse(cls, text: str) -> SweepAxis:
        """``cid=start:stop:step`` (stop included) or ``cid=v1,v2,...``."""
        condition, sep, spec = text.partition("=")
        condition = condition.strip()
        if not sep or not condition or not spec.strip():
            raise ForcegenError(
                f"cannot read sweep axis {text!r}; expected CONDITION=START:STOP:STEP "
                "or CONDITION=V1,V2,..."
            )
        try:
            if ":" in spec:
                parts = [float(x) for x in spec.split(":")]
                if len(parts) != 3 or not all(math.isfinite(x) for x in parts):
                    raise ValueError
                start, stop, step = parts
                if step <= 0 or stop < start:
                    raise ValueError
                count = math.floor((stop - start) / step + 1e-9) + 1
                if count > MAX_AXIS_VALUES:
                    raise ForcegenError(
                        f"sweep axis {condition}: {count:,} values; at most "
                        f"{MAX_AXIS_VALUES:,} (use a larger step)"
                    )
                values = tuple(round(start + i * step, 10) for i in range(count))
            else:
                values = tuple(float(x) for x in spec.split(","))
                if not all(math.isfinite(v) for v in values):
                    raise ValueError
                if len(values) > MAX_AXIS_VALUES:
                    raise ForcegenError(
                        f"sweep axis {condition}: at most {MAX_AXIS_VALUES:,} values"
                    )
        except ValueError:
            raise ForcegenError(
                f"cannot read sweep axis {text!r}; expected CONDITION=START:STOP:STEP with "
                "START <= STOP and STEP > 0, or CONDITION=V1,V2,..."
            ) from None
        bad = [v for v in values if not 0.0 <= v <= 1.0]
        if bad:
            raise ForcegenError(f"sweep axis {condition}: probabilities {bad} are outside [0, 1]")
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
    scenario: str | None,
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
    return row


def check_sweep(
    workspace: Workspace,
    axes: Sequence[SweepAxis],
    scenario: str | None,
    *,
    draws: int,
    exact: bool,
) -> None:
    """Refuse a sweep that cannot run, before any task is submitted."""
    _check_axes(workspace, scenario, axes)
    points = math.prod(len(a.values) for a in axes)
    if points > MAX_GRID_POINTS:
        raise ForcegenError(f"the sweep has {points:,} grid points; at most {MAX_GRID_POINTS:,}")
    if not exact:
        check_draws(draws)
    assume = workspace.scenario(scenario).assume if scenario else {}
    model = condition_model(workspace, assume, {a.condition: a.values[0] for a in axes})
    if exact and len(model.rules) > MAX_EXACT_CONDITIONS:
        raise ForcegenError(
            f"exact enumeration takes at most {MAX_EXACT_CONDITIONS} free conditions; "
            f"this sweep leaves {len(model.rules)} free"
        )


def _check_axes(workspace: Workspace, scenario: str | None, axes: Sequence[SweepAxis]) -> None:
    if not axes:
        raise ForcegenError("a sweep needs at least one axis (--vary CONDITION=...)")
    fixed: Mapping[str, bool] = workspace.scenario(scenario).assume if scenario else {}
    seen = set()
    for axis in axes:
        if axis.condition not in workspace.conditions:
            raise UnknownIdError("condition", axis.condition, workspace.conditions)
        if axis.condition in fixed:
            raise ForcegenError(
                f"scenario '{scenario}' fixes '{axis.condition}'; vary a free condition"
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
    scenario_id = scenario.id if isinstance(scenario, Scenario) else scenario
    check_sweep(workspace, axes, scenario_id, draws=draws, exact=exact)
    points = grid(axes)
    rows: list[dict[str, float] | None] = [None] * len(points)
    if client is None:
        for i, point in enumerate(points):
            rows[i] = sweep_point(workspace, scenario_id, point, draws, seed, exact)
            if progress is not None:
                progress(i + 1, len(points))
    else:
        from dask.distributed import as_completed

        shared = client.scatter(workspace, broadcast=True)
        futures = [
            client.submit(
                sweep_point,
                shared,
                scenario_id,
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


def dask_client(scheduler: str | None = None, workers: int = 2) -> Any:
    """A Dask client: connected to ``scheduler``, or on a new LocalCluster of ``workers``.

    Close it (``client.close()``, and ``client.cluster.close()`` for a local cluster).
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the installation
        raise ForcegenError("sweeps on Dask need: pip install 'forcegen[dask]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except (OSError, ValueError, TypeError) as exc:
            raise ForcegenError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    if workers < 1:
        raise ForcegenError(f"workers must be at least 1; got {workers}")
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # no dashboard, and its HTTP server on a free port: no "port 8787 is already
        # in use" warning on stderr when another cluster runs on this machine
        scheduler_kwargs={"dashboard_address": ":0"},
    )
    return Client(cluster)
