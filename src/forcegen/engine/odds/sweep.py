"""Sweeps: Monte Carlo over a grid of assumptions, one Dask task per point.

An axis varies a condition's probability (``us_backstop=0:1:0.25``) or any field that
``--set`` can address (``nations.GBR.rotation_ratio=3:6:0.5``, ``defaults.tour_months=4,6``,
``pledges.*.readiness_days=7,14``): each grid point's workspace is built from the
workspace's data with the point's values applied by the path machinery of ``--set``
(:mod:`forcegen.model.changes`) and validated like a file, all before any task runs.
Every grid point uses the same seed (common random numbers), so the differences
between points are the effect of the assumptions, not sampling noise; and a
distributed run gives exactly the rows of a serial run.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forcegen.engine.activation import resolve_scenario, scenario_view
from forcegen.engine.odds.cluster import work_on_cluster
from forcegen.engine.odds.condition_model import condition_model
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.odds.sampling import check_draws, check_workers
from forcegen.engine.rotation.coalition import DEFAULT_HORIZON, sustainment
from forcegen.engine.tolerances import FRACTION
from forcegen.errors import ForcegenError, UnknownIdError, WorkspaceError
from forcegen.limits import (
    LIMITS,
    MAX_AXIS_VALUES,
    MAX_EXACT_CONDITIONS,
    MAX_GRID_POINTS,
    MIN_SWEEP_STEP,
)
from forcegen.model.changes import (
    Change,
    PathSyntaxError,
    apply_changes,
    locate_change,
    split_path,
)
from forcegen.model.scenario_changes import workspace_data
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import MAPPINGS, SECTIONS, Workspace, build_workspace

if TYPE_CHECKING:
    import pandas as pd


AXIS_FORMS = (
    f"CONDITION=START:STOP:STEP with 0 <= START <= STOP <= 1 and STEP >= {MIN_SWEEP_STEP:g}, "
    "or CONDITION=V1,V2,... with each value from 0 to 1"
)
"""What a sweep axis may look like, for error messages."""

PATH_AXIS_FORMS = (
    "PATH=START:STOP:STEP with START <= STOP and STEP > 0, or PATH=V1,V2,... of numbers, "
    "where PATH is a field path as --set takes it, e.g. nations.GBR.rotation_ratio"
)
"""What a sweep axis over a field path may look like, for error messages."""


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


def _path_number(part: str, whole: str) -> float:
    """``part`` of a path axis as an int when written as one (as YAML reads it), else a
    finite float."""
    text = part.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise SweepAxisError(whole, f"{text!r} is not a number", expected=PATH_AXIS_FORMS) from None
    if not math.isfinite(value):
        raise SweepAxisError(whole, f"{text!r} is not a finite number", expected=PATH_AXIS_FORMS)
    return value


def _path_range(whole: str, spec: str) -> tuple[float, ...]:
    """The values of ``START:STOP:STEP`` of a path axis (stop included; ints when all
    three are ints), counted before any is made."""
    parts = spec.split(":")
    if len(parts) != 3:
        raise SweepAxisError(
            whole,
            f"a range has three parts, START:STOP:STEP; found {len(parts)}",
            expected=PATH_AXIS_FORMS,
        )
    start, stop, step = (_path_number(part, whole) for part in parts)
    if stop < start:
        raise SweepAxisError(
            whole, f"STOP {stop:g} is below START {start:g}", expected=PATH_AXIS_FORMS
        )
    if step <= 0:
        raise SweepAxisError(whole, f"STEP {step:g} is not above 0", expected=PATH_AXIS_FORMS)
    quotient = (stop - start) / step + FRACTION
    if not quotient < MAX_AXIS_VALUES:
        raise SweepAxisError(
            whole,
            _too_many(f"the range has over {MAX_AXIS_VALUES:,} values") + "; use a larger STEP",
            expected=PATH_AXIS_FORMS,
        )
    count = math.floor(quotient) + 1
    if all(isinstance(v, int) for v in (start, stop, step)):
        return tuple(int(start + i * step) for i in range(count))
    return tuple(min(round(start + i * step, 10), stop) for i in range(count))


def _path_list(whole: str, spec: str) -> tuple[float, ...]:
    """The values of ``V1,V2,...`` of a path axis."""
    items = spec.split(",")
    if len(items) > MAX_AXIS_VALUES:
        raise SweepAxisError(
            whole, _too_many(f"the list has {len(items):,} values"), expected=PATH_AXIS_FORMS
        )
    return tuple(_path_number(item, whole) for item in items)


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
    """One varied assumption: a condition whose probability [0-1] takes each of
    ``values``, or (when ``condition`` holds a dot) the field path ``condition``
    (``nations.GBR.rotation_ratio``, as ``--set`` addresses it) set to each of ``values``
    in the field's own unit. ``condition`` is also the axis's key in rows and JSON."""

    condition: str
    values: tuple[float, ...]

    @property
    def is_path(self) -> bool:
        """True for a field-path axis, False for a condition-probability axis."""
        return "." in self.condition

    @property
    def steps(self) -> tuple[str, ...]:
        """The steps of a path axis (``("nations", "GBR", "rotation_ratio")``)."""
        return split_path(self.condition, "--vary")

    def label(self, workspace: Workspace) -> str:
        """A readable name: 'P(US backstop)' for a condition, 'United Kingdom rotation
        ratio' for ``nations.GBR.rotation_ratio``, 'every pledge readiness days' for
        ``pledges.*.readiness_days``, 'default tour months' for ``defaults.tour_months``."""
        if not self.is_path:
            record = workspace.conditions.get(self.condition)
            return f"P({record.label if record is not None else self.condition})"
        steps = self.steps
        field = steps[-1].replace("_", " ")
        section = steps[0]
        if section in MAPPINGS and len(steps) == 2:
            return f"{'default' if section == 'defaults' else section} {field}"
        if section in SECTIONS and len(steps) == 3:
            if steps[1] == "*":
                return f"every {section.rstrip('s')} {field}"
            records: Mapping[str, Any] = getattr(workspace, section)
            record = records.get(steps[1])
            name = getattr(record, "label", None) if section == "conditions" else None
            name = name or getattr(record, "name", None) or steps[1]
            return f"{name} {field}"
        return self.condition

    @classmethod
    def parse(cls, text: str) -> SweepAxis:
        """``cid=start:stop:step`` (stop included) or ``cid=v1,v2,...``; or the same with
        a field path (``nations.GBR.rotation_ratio=3:6:0.5``) in place of ``cid``.

        Probabilities are from 0 to 1, a step is at least
        :data:`~forcegen.limits.MIN_SWEEP_STEP` and an axis has at most
        :data:`~forcegen.limits.MAX_AXIS_VALUES` values, counted before any is made. A
        path axis takes numbers (ints when written as ints), a step above 0; whether they
        suit the field is checked against the workspace (:func:`check_sweep`). Raises
        :class:`SweepAxisError` (text, problem, expected) otherwise.
        """
        condition, sep, spec = text.partition("=")
        condition = condition.strip()
        if not sep:
            raise SweepAxisError(text, "no '=' between the condition and its values")
        if not condition:
            raise SweepAxisError(text, "no condition before '='")
        if not spec.strip():
            raise SweepAxisError(text, "no values after '='")
        if "." in condition:
            try:
                steps = split_path(condition, "--vary", text)
            except PathSyntaxError as exc:
                raise SweepAxisError(text, exc.problem, expected=PATH_AXIS_FORMS) from None
            values = _path_range(text, spec) if ":" in spec else _path_list(text, spec)
            return cls(".".join(steps), values)
        values = _range_values(text, spec) if ":" in spec else _list_values(text, spec)
        return cls(condition, values)


@dataclass(frozen=True)
class SweepResult:
    """One row per grid point: the values used and the Monte Carlo summaries (and, when
    an axis is a field path, the coalition's sustainment over ``sustain_months``)."""

    axes: tuple[SweepAxis, ...]
    draws: int
    seed: int
    exact: bool
    rows: tuple[Mapping[str, float], ...]
    sustain_months: int | None = None
    """Horizon of the sustainment figures in the rows [months]; None without path axes."""

    def frame(self) -> pd.DataFrame:
        """The table: one column per varied condition, then the results."""
        import pandas as pd

        return pd.DataFrame(list(self.rows))

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        out: dict[str, object] = {
            "draws": self.draws,
            "seed": self.seed,
            "exact": self.exact,
            "axes": {a.condition: list(a.values) for a in self.axes},
            "rows": [dict(r) for r in self.rows],
        }
        if self.sustain_months is not None:
            out["sustain_months"] = self.sustain_months
        return out


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
    sustain_months: int | None = None,
) -> dict[str, float]:
    """Monte Carlo at one grid point; the row of the sweep table (a Dask task).

    ``probabilities`` is the grid point: condition ids with their probability [0-1], and
    field paths with the value they were given (``workspace`` is the point's workspace,
    :func:`point_workspace`). With ``sustain_months``, the row also has the coalition's
    sustainable strength at that horizon and the personnel who serve over it [persons].
    """
    result = monte_carlo(
        workspace,
        scenario,
        draws=draws,
        seed=seed,
        exact=exact,
        probabilities={k: v for k, v in probabilities.items() if "." not in k},
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
    if sustain_months is not None:
        held = sustainment(workspace, scenario, months=sustain_months)
        row["sustain_at_horizon"] = held.at_horizon
        row["sustain_personnel_over_horizon"] = held.personnel_over_horizon
    return row


def _base_data(workspace: Workspace) -> dict[str, Any]:
    """The workspace's plain data to apply a point's values to: scenarios carry what
    their ``extends`` chain gave them already, so the link is dropped."""
    data = workspace_data(workspace)
    data["scenarios"] = [{k: v for k, v in s.items() if k != "extends"} for s in data["scenarios"]]
    return data


def point_workspace(
    workspace: Workspace, axes: Sequence[SweepAxis], point: Mapping[str, float]
) -> Workspace:
    """The workspace of one grid point: ``workspace`` with the point's field-path values
    set as ``--set`` sets them and validated like a file (``workspace`` itself when no
    axis is a path). Raises :class:`SweepAxisError` naming the axis and value when the
    changed workspace does not validate."""
    paths = [a for a in axes if a.is_path]
    if not paths:
        return workspace
    data = _base_data(workspace)
    changes = [
        Change(
            f"--vary {a.condition}={point[a.condition]!r}", a.condition, a.steps, point[a.condition]
        )
        for a in paths
    ]
    problems, placed = apply_changes(data, changes)
    try:
        if problems:
            raise WorkspaceError(problems)
        built = build_workspace(data, workspace.origin)
    except WorkspaceError as exc:
        given = ", ".join(f"{a.condition}={point[a.condition]:g}" for a in paths)
        text = paths[0].condition if len(paths) == 1 else given
        value = f"{point[paths[0].condition]:g}" if len(paths) == 1 else given
        found = [locate_change(i, placed) or i for i in exc.issues]
        detail = "; ".join(
            i.render().replace("\n    ", " (") + ")" * ("\n" in i.render()) for i in found[:3]
        )
        raise SweepAxisError(
            text,
            f"the value {value} is refused: {detail}",
            expected="values the field accepts, as --set does",
        ) from None
    applied = tuple(f"{a.condition}={point[a.condition]!r}" for a in paths)
    return dataclasses.replace(
        built.dated_like(workspace), overrides=(*workspace.overrides, *applied)
    )


def _prepared(
    workspace: Workspace,
    axes: Sequence[SweepAxis],
    scenario: str | Scenario | None,
    points: Sequence[Mapping[str, float]],
) -> list[tuple[Workspace, Scenario | None]]:
    """The workspace and scenario of every grid point, all built (and refused) before
    any task runs; ``workspace`` is the one as loaded, before any scenario's changes."""
    view, resolved = scenario_view(workspace, scenario)
    if not any(a.is_path for a in axes):
        return [(view, resolved)] * len(points)
    key: str | Scenario | None = resolved
    if resolved is not None and workspace.scenarios.get(resolved.id) == resolved:
        key = resolved.id
    out = []
    for point in points:
        built = point_workspace(workspace, axes, point)
        out.append(scenario_view(built, key))
    return out


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
    model = condition_model(
        workspace, assume, {a.condition: a.values[0] for a in axes if not a.is_path}
    )
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
        if axis.condition in seen:
            raise ForcegenError(f"'{axis.condition}' is varied twice")
        seen.add(axis.condition)
        if axis.is_path:
            continue
        if axis.condition not in workspace.conditions:
            raise UnknownIdError("condition", axis.condition, workspace.conditions)
        if axis.condition in fixed:
            raise ForcegenError(
                f"scenario '{scenario.id if scenario else None}' fixes '{axis.condition}'; "
                "vary a free condition"
            )


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

    ``workspace`` is the workspace as loaded (a scenario's changes are applied at each
    point, after the point's field-path values, as ``--set`` and ``--scenario`` compose).
    Every point's workspace is built and checked before any task runs. Rows come back in
    grid order whatever order the tasks finish in. ``progress`` gets (0, points) when
    the first task starts, then (done, points) as each point finishes.
    """
    view, resolved = scenario_view(workspace, scenario)
    check_sweep(view, axes, resolved, draws=draws, exact=exact)
    points = grid(axes)
    spaces = _prepared(workspace, axes, scenario, points)
    months = DEFAULT_HORIZON if any(a.is_path for a in axes) else None
    rows: list[dict[str, float] | None] = [None] * len(points)
    if progress is not None:
        progress(0, len(points))  # the points are built and checked: the work starts now
    if client is None:
        for i, point in enumerate(points):
            ws, sc = spaces[i]
            rows[i] = sweep_point(ws, sc, point, draws, seed, exact, months)
            if progress is not None:
                progress(i + 1, len(points))
    else:
        from dask.distributed import as_completed

        shared: dict[int, Any] = {}
        for ws, _ in spaces:
            if id(ws) not in shared:
                shared[id(ws)] = client.scatter(ws, broadcast=True)
        futures = [
            client.submit(
                sweep_point,
                shared[id(spaces[i][0])],
                spaces[i][1],
                point,
                draws,
                seed,
                exact,
                months,
                key=f"forcegen-sweep-{seed}-{i}-{id(points)}",
                pure=False,
            )
            for i, point in enumerate(points)
        ]
        index = {future.key: i for i, future in enumerate(futures)}
        with work_on_cluster():
            for done, future in enumerate(as_completed(futures), start=1):
                rows[index[future.key]] = future.result()
                if progress is not None:
                    progress(done, len(points))
    return SweepResult(
        tuple(axes),
        0 if exact else draws,
        seed,
        exact,
        tuple(r for r in rows if r is not None),
        months,
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
    """Monte Carlo over a grid of assumptions (the entry point of sweeps).

    ``vary``: one axis per condition probability or field path (:func:`parse_axes`; a
    path's values are set as ``--set`` sets them, each value checked against the
    workspace before a cluster starts, every grid point before any task runs); the grid
    is their product, at most :data:`~forcegen.limits.MAX_GRID_POINTS` points of
    ``draws`` draws each (or exact enumeration), all with the same ``seed``. Points run
    as tasks on the Dask scheduler at ``scheduler`` (``tcp://HOST:PORT``), else on a
    local cluster of ``workers`` processes opened and closed by this call
    (:func:`~forcegen.engine.odds.cluster.dask_cluster`), or one after another in this
    process when ``serial``. Everything that can be refused (axes and their values,
    scheduler address, draws, grid size) is refused before a cluster starts.
    """
    from forcegen.engine.odds.cluster import dask_cluster
    from forcegen.engine.odds.scheduler import tcp_address

    check_draws(draws)
    check_workers(workers)
    if scheduler is not None and not serial:
        tcp_address(scheduler)
    axes = parse_axes(vary)
    view, resolved = scenario_view(workspace, scenario)
    check_sweep(view, axes, resolved, draws=draws, exact=exact)
    for axis in axes:  # each value alone, before a cluster starts; combinations at the run
        if axis.is_path:
            for value in axis.values:
                point_workspace(workspace, [axis], {axis.condition: value})
    if serial:
        return run_sweep(
            workspace, axes, scenario, draws=draws, seed=seed, exact=exact, progress=progress
        )
    with dask_cluster(scheduler, workers, quiet=quiet) as client:
        return run_sweep(
            workspace,
            axes,
            scenario,
            draws=draws,
            seed=seed,
            exact=exact,
            client=client,
            progress=progress,
        )
