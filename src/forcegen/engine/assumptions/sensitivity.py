"""Planning sensitivity: each planning figure varied down and up by ``spread``.

The figures (docs/assumptions.md), for each nation with an active pledge, in the order of
its first active pledge:

- ``rotation_ratio``: ``nations.ISO3.rotation_ratio``, the nation's own figure or the
  workspace default it takes; clamped to >= 1 [ratio]
- ``deployable_fraction``: ``nations.ISO3.deployable_fraction``, likewise; clamped to
  (0, 1] [share]
- ``tour_months``: ``nations.ISO3.tour_months`` for a nation that sets its own; one row
  ``defaults.tour_months`` for all the nations that take the default; rounded to whole
  months, at least 1 [months]
- ``readiness_days``: grouped per nation: every active pledge of the nation with a
  readiness above 0 scaled together (``pledges.ID.readiness_days``), rounded to whole
  days, at least 0 [days]; the row shows the nation's longest readiness. Pledges ready
  on day 0 cannot move by a share and are left out.

Each variant workspace is built from the scenario's workspace through the change
machinery of ``--set`` (:mod:`forcegen.model.changes`) and validated like input. Effects
are deltas from the base: coalition strength in the field at the horizon and after the
first rotation [persons] (:func:`~forcegen.engine.rotation.sustainment`), each force
option's personnel fill [0-1] (:func:`~forcegen.engine.evaluation.evaluate`, with a
scenario only), and the deployment closure day [days]
(:func:`~forcegen.engine.deployment.deploy`, readiness rows only, when the workspace has
a network and ``closure`` is set). Rows are ranked by the largest absolute effect on
sustainable strength (either side, at the horizon or after the first rotation), then
on a fill, then on closure, then in the order above.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forcegen.engine.activation import scenario_pledges, scenario_view
from forcegen.engine.bounds import check_count
from forcegen.errors import ForcegenError, WorkspaceError
from forcegen.model.changes import Change, apply_changes, split_path
from forcegen.model.scenario_changes import keep_scenarios, workspace_data
from forcegen.model.workspace import Workspace, build_workspace

if TYPE_CHECKING:
    import pandas as pd

    from forcegen.model.scenarios import Scenario

DEFAULT_SPREAD = 0.2
"""Default share each figure is varied by, down and up [0-1]: +/-20 %."""

FIGURES = ("rotation_ratio", "deployable_fraction", "tour_months", "readiness_days")
"""The planning figures varied, in the order of the rows of one nation."""

RANKED_BY = (
    "largest absolute change in coalition strength in the field (at the horizon or after "
    "the first rotation, either side), then in a force option's personnel fill, then in "
    "closure day"
)
"""How the rows are ordered, in words (reports and JSON state it)."""


@dataclass(frozen=True)
class Effect:
    """One end of a bar: the figure's varied value and the deltas from the base."""

    value: float
    """The figure after the change (for readiness, the nation's longest) [its unit]."""
    clamped: bool
    """True when the valid range (or rounding) moved the value from base x (1 +/- spread)."""
    at_horizon: float
    """Change in coalition strength in the field in the last month [persons]."""
    after_first_rotation: float | None
    """Change in coalition strength after the first rotation [persons]; None when the
    first rotation is beyond the horizon in the base or the variant."""
    fills: Mapping[str, float]
    """Force option id -> change in personnel fill [0-1 share points]."""
    closure_day: int | None
    """Change in the deployment's closure day [days]; None when not worked out (not a
    readiness row, no network, closure off) or when either plan does not close."""

    @property
    def strength(self) -> float:
        """Largest absolute change in sustainable strength [persons]."""
        return max(abs(self.at_horizon), abs(self.after_first_rotation or 0.0))

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape of one side (docs/json.md)."""
        return {
            "value": self.value,
            "clamped": self.clamped,
            "at_horizon": self.at_horizon,
            "after_first_rotation": self.after_first_rotation,
            "fills": dict(self.fills),
            "closure_day": self.closure_day,
        }


@dataclass(frozen=True)
class Bar:
    """One planning figure varied down and up: a bar of the tornado."""

    figure: str
    """One of :data:`FIGURES`."""
    nation: str | None
    """The nation (ISO alpha-3), None for the workspace default tour length."""
    paths: tuple[str, ...]
    """The ``--set`` paths changed together."""
    base: float
    """The figure as the base plan has it [its unit]."""
    from_default: bool
    """True when the nation takes the figure from the workspace defaults."""
    low: Effect
    high: Effect

    @property
    def strength(self) -> float:
        """Largest absolute change in sustainable strength, either side [persons]."""
        return max(self.low.strength, self.high.strength)

    @property
    def fill(self) -> float:
        """Largest absolute change in a personnel fill, either side [share]."""
        return max((abs(v) for e in (self.low, self.high) for v in e.fills.values()), default=0.0)

    @property
    def closure(self) -> int:
        """Largest absolute change in closure day, either side [days]."""
        return max(abs(e.closure_day or 0) for e in (self.low, self.high))

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape of one row (docs/json.md)."""
        return {
            "figure": self.figure,
            "nation": self.nation,
            "paths": list(self.paths),
            "base": self.base,
            "from_default": self.from_default,
            "low": self.low.to_json(),
            "high": self.high.to_json(),
        }


@dataclass(frozen=True)
class PlanningSensitivity:
    """The tornado over the planning figures, rows ranked (:data:`RANKED_BY`)."""

    scenario: str | None
    months: int
    """Horizon of the sustainment runs [months]."""
    spread: float
    """Share each figure is varied by, down and up [0-1]."""
    base_at_horizon: float
    """Coalition strength in the field in the last month, base plan [persons]."""
    base_after_first_rotation: float | None
    """Coalition strength after the first rotation, base plan [persons]."""
    base_fills: Mapping[str, float]
    """Force option id -> personnel fill of the base plan [0-1] (empty without scenario)."""
    base_closure_day: int | None
    """Closure day of the base deployment [days]; None when not worked out or not closing."""
    closure: bool
    """True when closure days were worked out."""
    bars: tuple[Bar, ...]
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "scenario": self.scenario,
            "months": self.months,
            "spread": self.spread,
            "ranked_by": RANKED_BY,
            "closure": self.closure,
            "base": {
                "at_horizon": self.base_at_horizon,
                "after_first_rotation": self.base_after_first_rotation,
                "fills": dict(self.base_fills),
                "closure_day": self.base_closure_day,
            },
            "rows": [bar.to_json() for bar in self.bars],
            "notes": list(self.notes),
        }

    def frame(self) -> pd.DataFrame:
        """One row per bar and side (low, high): figure, nation, base, value and the
        deltas (strength [persons], closure [days], one ``fill:ID`` column per force
        option [share]), in rank order."""
        import pandas as pd

        rows: list[dict[str, Any]] = []
        for rank, bar in enumerate(self.bars, start=1):
            for side, effect in (("low", bar.low), ("high", bar.high)):
                row: dict[str, Any] = {
                    "rank": rank,
                    "figure": bar.figure,
                    "nation": bar.nation,
                    "side": side,
                    "base": bar.base,
                    "value": effect.value,
                    "clamped": effect.clamped,
                    "at_horizon": effect.at_horizon,
                    "after_first_rotation": effect.after_first_rotation,
                    "closure_day": effect.closure_day,
                }
                row.update({f"fill:{rid}": v for rid, v in effect.fills.items()})
                rows.append(row)
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class _Outcome:
    at_horizon: float
    after_first_rotation: float | None
    fills: Mapping[str, float]
    closure_day: int | None


@dataclass(frozen=True)
class _Plan:
    """A bar to work out: the changes of each side."""

    figure: str
    nation: str | None
    paths: tuple[str, ...]
    base: float
    from_default: bool
    sides: tuple[tuple[float, bool, dict[str, Any]], tuple[float, bool, dict[str, Any]]]
    """(shown value, clamped, path -> value) for low and high."""


def _ratio(value: float, spread: float) -> tuple[tuple[float, bool], tuple[float, bool]]:
    low, high = value * (1 - spread), value * (1 + spread)
    return (max(1.0, round(low, 6)), low < 1.0), (round(high, 6), False)


def _fraction(value: float, spread: float) -> tuple[tuple[float, bool], tuple[float, bool]]:
    low, high = value * (1 - spread), value * (1 + spread)
    return (round(low, 6), False), (min(1.0, round(high, 6)), high > 1.0)


def _whole(
    value: float, spread: float, least: int
) -> tuple[tuple[float, bool], tuple[float, bool]]:
    out = []
    for raw in (value * (1 - spread), value * (1 + spread)):
        whole = max(least, math.floor(raw + 0.5))
        out.append((float(whole), not math.isclose(whole, raw, abs_tol=1e-9)))
    return out[0], out[1]


def _plans(view: Workspace, pledge_ids: tuple[str, ...], spread: float) -> list[_Plan]:
    """Every bar to work out, in nation order (first active pledge), then figure order."""
    defaults = view.defaults
    nations: dict[str, list[str]] = {}
    for pid in pledge_ids:
        nations.setdefault(view.pledges[pid].nation, []).append(pid)
    plans: list[_Plan] = []
    takes_default_tour = False
    for iso3, pids in nations.items():
        nation = view.nations[iso3]
        for figure, vary in (("rotation_ratio", _ratio), ("deployable_fraction", _fraction)):
            own = getattr(nation, figure)
            base = float(own if own is not None else getattr(defaults, figure))
            path = f"nations.{iso3}.{figure}"
            low, high = vary(base, spread)
            plans.append(
                _Plan(
                    figure,
                    iso3,
                    (path,),
                    base,
                    own is None,
                    ((low[0], low[1], {path: low[0]}), (high[0], high[1], {path: high[0]})),
                )
            )
        if nation.tour_months is not None:
            path = f"nations.{iso3}.tour_months"
            low, high = _whole(nation.tour_months, spread, 1)
            plans.append(
                _Plan(
                    "tour_months",
                    iso3,
                    (path,),
                    float(nation.tour_months),
                    False,
                    (
                        (low[0], low[1], {path: int(low[0])}),
                        (high[0], high[1], {path: int(high[0])}),
                    ),
                )
            )
        else:
            takes_default_tour = True
        ready = [pid for pid in pids if view.pledges[pid].readiness_days > 0]
        if ready:
            paths = tuple(f"pledges.{pid}.readiness_days" for pid in ready)
            sides: list[tuple[float, bool, dict[str, Any]]] = []
            for k in (0, 1):
                values = {}
                clamped = False
                for pid, path in zip(ready, paths, strict=True):
                    side = _whole(view.pledges[pid].readiness_days, spread, 0)[k]
                    values[path] = int(side[0])
                    clamped = clamped or side[1]
                sides.append((float(max(values.values())), clamped, values))
            plans.append(
                _Plan(
                    "readiness_days",
                    iso3,
                    paths,
                    float(max(view.pledges[pid].readiness_days for pid in ready)),
                    False,
                    (sides[0], sides[1]),
                )
            )
    if takes_default_tour:
        path = "defaults.tour_months"
        low, high = _whole(defaults.tour_months, spread, 1)
        plans.append(
            _Plan(
                "tour_months",
                None,
                (path,),
                float(defaults.tour_months),
                True,
                ((low[0], low[1], {path: int(low[0])}), (high[0], high[1], {path: int(high[0])})),
            )
        )
    return plans


def _base_data(view: Workspace, scenario: Scenario | None) -> dict[str, Any]:
    """The scenario's workspace as plain data, keeping only the scenario, its force
    changes already applied (so a variant never applies them twice)."""
    data = workspace_data(view)
    if scenario is None:
        keep_scenarios(data, [])
        return data
    own = scenario.model_dump(mode="json", exclude_unset=True)
    for key in ("extends", "add_pledges", "withdraw", "patch"):
        own.pop(key, None)
    own["assume"] = dict(scenario.assume)
    keep_scenarios(data, [own])
    return data


def _build(base: dict[str, Any], values: Mapping[str, Any], origin: str) -> Workspace:
    """The base data with ``values`` (path -> value) set, validated like input."""
    data = dict(base)
    changes = [
        Change("sensitivity", f"{path}={value}", split_path(path, "sensitivity"), value)
        for path, value in values.items()
    ]
    issues, _ = apply_changes(data, changes)
    if issues:  # pragma: no cover - the paths come from the workspace itself
        raise WorkspaceError(issues)
    return build_workspace(data, origin, variants=False)


def planning_sensitivity(
    workspace: Workspace,
    scenario: str | Scenario | None = None,
    *,
    months: int = 36,
    spread: float = DEFAULT_SPREAD,
    closure: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> PlanningSensitivity:
    """Vary each planning figure of the nations active in ``scenario`` (every pledge not
    withdrawn when None) down and up by ``spread`` (a share, 0 < spread < 1; clamped to
    the figure's valid range) and measure the change in coalition sustainable strength
    over ``months`` months [persons], in each force option's personnel fill (with a
    scenario) and, for readiness with ``closure`` and a network, in closure day [days].

    ``progress(done, total)`` is called after each variant is worked out. Raises
    :class:`~forcegen.errors.ForcegenError` for a spread outside (0, 1) and
    :class:`~forcegen.errors.WorkspaceError` when a variant does not validate.
    """
    from forcegen.engine.deployment import deploy
    from forcegen.engine.evaluation import evaluate
    from forcegen.engine.rotation import sustainment

    months = check_count("months", months, "MAX_MONTHS")
    if (
        isinstance(spread, bool)
        or not isinstance(spread, int | float)
        or not math.isfinite(spread)
        or not 0.0 < spread < 1.0
    ):
        raise ForcegenError(f"spread must be a share above 0 and below 1, e.g. 0.2; got {spread!r}")
    view, resolved = scenario_view(workspace, scenario)
    sid = None if resolved is None else resolved.id
    pledge_ids = scenario_pledges(view, resolved)
    data = _base_data(view, resolved)
    plans = _plans(view, pledge_ids, float(spread))
    notes: list[str] = []
    worked_closure = closure and view.network is not None
    if closure and view.network is None:
        notes.append("the workspace has no network: closure days are not worked out")
    if sid is None:
        notes.append("no scenario: force option fills are not worked out")

    def outcome(ws: Workspace, with_closure: bool) -> _Outcome:
        rota = sustainment(ws, sid, months)
        fills = (
            {rid: float(f.personnel_fill) for rid, f in evaluate(ws, sid).requirements.items()}
            if sid is not None
            else {}
        )
        day = deploy(ws, sid).plan.closure_day if with_closure else None
        return _Outcome(rota.at_horizon, rota.after_first_rotation, fills, day)

    readiness = any(p.figure == "readiness_days" for p in plans)
    total = 1 + sum(1 for p in plans for side in p.sides if side[0] != p.base)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    base_ws = _build(data, {}, view.origin)
    base = outcome(base_ws, worked_closure and readiness)
    tick()

    def delta(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    def effect(plan: _Plan, side: tuple[float, bool, dict[str, Any]]) -> Effect:
        value, clamped, values = side
        with_closure = worked_closure and plan.figure == "readiness_days"
        if value == plan.base:
            got = base
        else:
            got = outcome(_build(data, values, view.origin), with_closure)
            tick()
        day = delta(got.closure_day, base.closure_day) if with_closure else None
        return Effect(
            value=value,
            clamped=clamped,
            at_horizon=got.at_horizon - base.at_horizon,
            after_first_rotation=delta(got.after_first_rotation, base.after_first_rotation),
            fills={rid: got.fills[rid] - base.fills[rid] for rid in base.fills},
            closure_day=None if day is None else int(day),
        )

    bars = [
        Bar(
            p.figure,
            p.nation,
            p.paths,
            p.base,
            p.from_default,
            effect(p, p.sides[0]),
            effect(p, p.sides[1]),
        )
        for p in plans
    ]
    order = sorted(
        range(len(bars)),
        key=lambda n: (-round(bars[n].strength, 6), -round(bars[n].fill, 9), -bars[n].closure, n),
    )
    return PlanningSensitivity(
        scenario=sid,
        months=months,
        spread=float(spread),
        base_at_horizon=base.at_horizon,
        base_after_first_rotation=base.after_first_rotation,
        base_fills=base.fills,
        base_closure_day=base.closure_day,
        closure=worked_closure,
        bars=tuple(bars[n] for n in order),
        notes=tuple(notes),
    )
