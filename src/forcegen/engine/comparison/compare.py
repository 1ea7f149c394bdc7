"""Compare evaluated results side by side: the force by nation and capability, the fill of
each force option, the lines whose status differs and the pledges that differ.

Each item is a workspace with a scenario (an id, a :class:`Scenario`, or None: every
pledge that is not withdrawn). The first item is the base: deltas are item minus base.
Every figure comes from the one definition used everywhere else: active pledges from
:func:`~forcegen.engine.activation.scenario_pledges`, personnel from
:func:`~forcegen.engine.totals.checked_personnel`, fills from
:func:`~forcegen.engine.sourcing.fill.fill_requirement`, odds from
:func:`~forcegen.engine.odds.montecarlo.monte_carlo`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from forcegen.engine.activation import scenario_pledges, scenario_view
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.odds.sampling import check_draws
from forcegen.engine.sourcing.fill import fill_requirement
from forcegen.engine.totals import checked_personnel
from forcegen.errors import ForcegenError
from forcegen.model.pledges import PledgeStatus
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

    from forcegen.engine.sourcing.fill import RequirementFill


class ComparisonItem(NamedTuple):
    """One side of a comparison: a label (how the user named it), a workspace and a
    scenario of it (id, object, or None: every pledge that is not withdrawn)."""

    label: str
    workspace: Workspace
    scenario: str | Scenario | None = None


PLEDGE_STATES = ("active", "inactive", "withdrawn", "absent")
"""Where a pledge stands in one item: active in its scenario, not active (its conditions
do not hold), withdrawn in that workspace, or not in that workspace at all."""


@dataclass(frozen=True)
class LineFlip:
    """A requirement line whose status (met, short, not_offered) differs between items;
    per item its status, required and filled units [units] (None where the item's
    workspace lacks the line)."""

    requirement: str
    line: int
    capability: str
    zone: str | None
    status: tuple[str | None, ...]
    required: tuple[float | None, ...]
    filled: tuple[float | None, ...]

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md, ``forcegen compare``)."""
        return {
            "requirement": self.requirement,
            "line": self.line,
            "capability": self.capability,
            "zone": self.zone,
            "status": list(self.status),
            "required": list(self.required),
            "filled": list(self.filled),
        }


@dataclass(frozen=True)
class PledgeChange:
    """A pledge that differs between items: its state in each (:data:`PLEDGE_STATES`) and
    the fields whose values differ between the workspaces that hold it (field -> value per
    item, None where absent)."""

    pledge: str
    nation: str
    capability: str
    state: tuple[str, ...]
    fields: Mapping[str, tuple[Any, ...]]

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md, ``forcegen compare``)."""
        return {
            "pledge": self.pledge,
            "nation": self.nation,
            "capability": self.capability,
            "state": list(self.state),
            "fields": {k: list(v) for k, v in self.fields.items()},
        }


@dataclass(frozen=True)
class RequirementComparison:
    """One force option in every item: personnel fill and unit fill [0-1], met, required
    and filled personnel [persons]; with draws, P(met) and P(headcount) [0-1]. None where
    the item's workspace lacks the option (or, for P(headcount), it gives no headline
    size; for both odds, without draws)."""

    requirement: str
    name: str
    personnel_fill: tuple[float | None, ...]
    fill_ratio: tuple[float | None, ...]
    met: tuple[bool | None, ...]
    required_personnel: tuple[float | None, ...]
    filled_personnel: tuple[float | None, ...]
    p_met: tuple[float | None, ...]
    p_headcount: tuple[float | None, ...]

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md, ``forcegen compare``)."""
        return {
            "name": self.name,
            "personnel_fill": list(self.personnel_fill),
            "fill_ratio": list(self.fill_ratio),
            "met": list(self.met),
            "required_personnel": list(self.required_personnel),
            "filled_personnel": list(self.filled_personnel),
            "p_met": list(self.p_met),
            "p_headcount": list(self.p_headcount),
        }


@dataclass(frozen=True)
class ComparisonResult:
    """Items side by side, in the order given (the first is the base of every delta).

    ``nations``: active personnel by nation [persons], one value per item (0 where the
    nation has no active pledge or is not in that workspace); ``capabilities``: active
    units [units] and personnel [persons] by capability, per item; ``requirements``: each
    force option per item; ``lines_flipped``: lines whose status differs; ``pledges_changed``:
    pledges whose state or fields differ. ``draws`` 0: no odds computed.
    """

    items: tuple[str, ...]
    workspaces: tuple[str, ...]
    scenarios: tuple[str | None, ...]
    scenario_names: tuple[str | None, ...]
    personnel: tuple[int, ...]
    nations: Mapping[str, tuple[int, ...]]
    capability_units: Mapping[str, tuple[float, ...]]
    capability_personnel: Mapping[str, tuple[int, ...]]
    requirements: Mapping[str, RequirementComparison]
    lines_flipped: tuple[LineFlip, ...]
    pledges_changed: tuple[PledgeChange, ...]
    draws: int
    seed: int

    def deltas(self, values: Sequence[float]) -> tuple[float, ...]:
        """Each value minus the first (the base): 0 for the base itself."""
        return tuple(v - values[0] for v in values)

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md, ``forcegen compare``)."""
        return {
            "items": list(self.items),
            "workspaces": list(self.workspaces),
            "scenarios": list(self.scenarios),
            "draws": self.draws,
            "seed": self.seed,
            "personnel": [int(v) for v in self.personnel],
            "nations": {k: [int(x) for x in v] for k, v in self.nations.items()},
            "capabilities": {
                cap: {
                    "units": [float(x) for x in self.capability_units[cap]],
                    "personnel": [int(x) for x in self.capability_personnel[cap]],
                }
                for cap in self.capability_units
            },
            "requirements": {rid: r.to_json() for rid, r in self.requirements.items()},
            "lines_flipped": [f.to_json() for f in self.lines_flipped],
            "pledges_changed": [c.to_json() for c in self.pledges_changed],
        }

    # -- DataFrame views ---------------------------------------------------------

    def nations_frame(self) -> pd.DataFrame:
        """Active personnel by nation [persons]: one column per item, then one
        ``delta:ITEM`` column per later item (item minus the first)."""
        return self._wide(self.nations, "nation")

    def capabilities_frame(self) -> pd.DataFrame:
        """By capability: ``units:ITEM`` [units] and ``personnel:ITEM`` [persons] per item,
        and ``delta_personnel:ITEM`` per later item."""
        import pandas as pd

        data: dict[str, list[float]] = {}
        caps = list(self.capability_units)
        for k, item in enumerate(self.items):
            data[f"units:{item}"] = [self.capability_units[c][k] for c in caps]
        for k, item in enumerate(self.items):
            data[f"personnel:{item}"] = [self.capability_personnel[c][k] for c in caps]
        for k, item in enumerate(self.items[1:], start=1):
            data[f"delta_personnel:{item}"] = [
                self.capability_personnel[c][k] - self.capability_personnel[c][0] for c in caps
            ]
        return pd.DataFrame(data, index=pd.Index(caps, name="capability"))

    def requirements_frame(self) -> pd.DataFrame:
        """One row per force option and item: personnel fill and unit fill [0-1], met,
        required and filled personnel [persons], P(met) and P(headcount) [0-1]."""
        import pandas as pd

        columns = [
            "personnel_fill",
            "fill_ratio",
            "met",
            "required_personnel",
            "filled_personnel",
            "p_met",
            "p_headcount",
        ]
        rows = [
            {
                "requirement": rid,
                "item": item,
                **{c: getattr(r, c)[k] for c in columns},
            }
            for rid, r in self.requirements.items()
            for k, item in enumerate(self.items)
        ]
        return pd.DataFrame(rows, columns=["requirement", "item", *columns]).set_index(
            ["requirement", "item"]
        )

    def lines_frame(self) -> pd.DataFrame:
        """The lines that flip: requirement, line, capability, zone, and ``status:ITEM``
        per item."""
        import pandas as pd

        rows = [
            {
                "requirement": f.requirement,
                "line": f.line,
                "capability": f.capability,
                "zone": f.zone,
                **{f"status:{item}": f.status[k] for k, item in enumerate(self.items)},
            }
            for f in self.lines_flipped
        ]
        columns = ["requirement", "line", "capability", "zone"]
        columns += [f"status:{item}" for item in self.items]
        return pd.DataFrame(rows, columns=columns).set_index(["requirement", "line"])

    def pledges_frame(self) -> pd.DataFrame:
        """The pledges that differ: nation, capability, ``state:ITEM`` per item, and the
        fields that differ (comma-separated)."""
        import pandas as pd

        rows = [
            {
                "pledge": c.pledge,
                "nation": c.nation,
                "capability": c.capability,
                **{f"state:{item}": c.state[k] for k, item in enumerate(self.items)},
                "fields_changed": ", ".join(c.fields),
            }
            for c in self.pledges_changed
        ]
        columns = ["pledge", "nation", "capability"]
        columns += [f"state:{item}" for item in self.items] + ["fields_changed"]
        return pd.DataFrame(rows, columns=columns).set_index("pledge")

    def _wide(self, table: Mapping[str, Sequence[float]], index: str) -> pd.DataFrame:
        import pandas as pd

        keys = list(table)
        data: dict[str, list[float]] = {
            item: [table[key][k] for key in keys] for k, item in enumerate(self.items)
        }
        for k, item in enumerate(self.items[1:], start=1):
            data[f"delta:{item}"] = [table[key][k] - table[key][0] for key in keys]
        return pd.DataFrame(data, index=pd.Index(keys, name=index))


@dataclass(frozen=True)
class _Side:
    """What one item gives: its active pledges and their fills."""

    workspace: Workspace
    scenario: Scenario | None
    active: frozenset[str]
    personnel: Mapping[str, int]
    fills: Mapping[str, RequirementFill]
    odds: Mapping[str, tuple[float, float | None]]


def _side(item: ComparisonItem, draws: int, seed: int) -> _Side:
    # the workspace the scenario is evaluated on: its added, withdrawn and patched
    # pledges applied, as every engine sees it
    ws, scenario = scenario_view(item.workspace, item.scenario)
    active = scenario_pledges(ws, scenario)
    fills = {rid: fill_requirement(ws, req, active) for rid, req in ws.requirements.items()}
    odds: dict[str, tuple[float, float | None]] = {}
    if draws:
        result = monte_carlo(
            item.workspace, item.scenario, draws=draws, seed=seed, sensitivity=False
        )
        for rid, option in result.options.items():
            head = option.p_headcount
            odds[rid] = (float(option.p_met.p), None if head is None else float(head.p))
    return _Side(ws, scenario, frozenset(active), checked_personnel(ws), fills, odds)


def _union(groups: Iterable[Iterable[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for group in groups:
        for key in group:
            seen.setdefault(key, None)
    return list(seen)


def _counted(side: _Side) -> list[str]:
    """Pledges that count in the tables: every pledge that is not withdrawn."""
    return [
        pid for pid, p in side.workspace.pledges.items() if p.status is not PledgeStatus.WITHDRAWN
    ]


def _totals(sides: Sequence[_Side], key: str, units: bool = False) -> dict[str, tuple[Any, ...]]:
    """Active personnel (or with ``units``, quantity) of the pledges by ``key`` (nation
    or capability), per side; keys in order of first appearance."""
    keys = _union([getattr(s.workspace.pledges[pid], key) for pid in _counted(s)] for s in sides)
    out: dict[str, tuple[Any, ...]] = {}
    for k in keys:
        values: list[Any] = []
        for s in sides:
            total: Any = 0.0 if units else 0
            for pid in _counted(s):
                pledge = s.workspace.pledges[pid]
                if getattr(pledge, key) == k and pid in s.active:
                    total += pledge.quantity if units else s.personnel[pid]
            values.append(total)
        out[k] = tuple(values)
    return out


def _requirements(sides: Sequence[_Side]) -> dict[str, RequirementComparison]:
    out = {}
    for rid in _union(s.fills for s in sides):
        fills = [s.fills.get(rid) for s in sides]
        name = next(f.name for f in fills if f is not None)
        out[rid] = RequirementComparison(
            requirement=rid,
            name=name,
            personnel_fill=tuple(None if f is None else float(f.personnel_fill) for f in fills),
            fill_ratio=tuple(None if f is None else float(f.fill_ratio) for f in fills),
            met=tuple(None if f is None else f.met for f in fills),
            required_personnel=tuple(
                None if f is None else float(f.required_personnel) for f in fills
            ),
            filled_personnel=tuple(None if f is None else float(f.filled_personnel) for f in fills),
            p_met=tuple(s.odds[rid][0] if rid in s.odds else None for s in sides),
            p_headcount=tuple(s.odds[rid][1] if rid in s.odds else None for s in sides),
        )
    return out


def _flips(sides: Sequence[_Side]) -> list[LineFlip]:
    out = []
    for rid in _union(s.fills for s in sides):
        fills = [s.fills.get(rid) for s in sides]
        count = max(len(f.lines) for f in fills if f is not None)
        for i in range(count):
            lines = [f.lines[i] if f is not None and i < len(f.lines) else None for f in fills]
            status = tuple(None if ln is None else ln.status.value for ln in lines)
            if len(set(status)) <= 1:
                continue
            first = next(ln for ln in lines if ln is not None)
            out.append(
                LineFlip(
                    requirement=rid,
                    line=i,
                    capability=first.capability,
                    zone=first.zone,
                    status=status,
                    required=tuple(None if ln is None else float(ln.required) for ln in lines),
                    filled=tuple(None if ln is None else float(ln.filled) for ln in lines),
                )
            )
    return out


def _state(side: _Side, pid: str) -> str:
    pledge = side.workspace.pledges.get(pid)
    if pledge is None:
        return "absent"
    if pledge.status is PledgeStatus.WITHDRAWN:
        return "withdrawn"
    return "active" if pid in side.active else "inactive"


def _pledge_changes(sides: Sequence[_Side]) -> list[PledgeChange]:
    out = []
    for pid in _union(s.workspace.pledges for s in sides):
        state = tuple(_state(s, pid) for s in sides)
        records = [s.workspace.pledges.get(pid) for s in sides]
        dumps = [None if r is None else r.model_dump(mode="json") for r in records]
        present = [d for d in dumps if d is not None]
        fields: dict[str, tuple[Any, ...]] = {}
        if len({id(s.workspace) for s in sides}) > 1:
            for name in _union(d for d in present):
                if name == "status":  # shown by the state
                    continue
                values = tuple(None if d is None else d.get(name) for d in dumps)
                if any(d.get(name) != present[0].get(name) for d in present):
                    fields[name] = values
        if len(set(state)) <= 1 and not fields:
            continue
        first = next(r for r in records if r is not None)
        out.append(
            PledgeChange(
                pledge=pid,
                nation=first.nation,
                capability=first.capability,
                state=state,
                fields=fields,
            )
        )
    return out


def compare(
    items: Sequence[ComparisonItem | tuple[str, Workspace, str | Scenario | None]],
    *,
    draws: int = 0,
    seed: int = 0,
) -> ComparisonResult:
    """Compare two or more items (label, workspace, scenario) side by side; the first is
    the base of every delta.

    With ``draws`` > 0, each item also gets P(met) and P(headcount) of every force option
    from :func:`~forcegen.engine.odds.montecarlo.monte_carlo` over the conditions its
    scenario leaves free (every condition for an item without a scenario), with ``seed``.
    Labels must be distinct; at least two items.
    """
    entries = [ComparisonItem(*item) for item in items]
    if len(entries) < 2:
        raise ForcegenError(f"compare needs at least two items, got {len(entries)}")
    labels = [e.label for e in entries]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        raise ForcegenError(f"compare: item given twice: {', '.join(twice)}")
    if draws:
        draws = check_draws(draws)
    if seed < 0:
        raise ForcegenError(f"compare: seed must be >= 0, got {seed}")
    sides = [_side(e, draws, seed) for e in entries]
    return ComparisonResult(
        items=tuple(labels),
        workspaces=tuple(str(s.workspace.origin) for s in sides),
        scenarios=tuple(None if s.scenario is None else s.scenario.id for s in sides),
        scenario_names=tuple(None if s.scenario is None else s.scenario.name for s in sides),
        personnel=tuple(sum(s.personnel[p] for p in s.active) for s in sides),
        nations=_totals(sides, "nation"),
        capability_units=_totals(sides, "capability", units=True),
        capability_personnel=_totals(sides, "capability"),
        requirements=_requirements(sides),
        lines_flipped=tuple(_flips(sides)),
        pledges_changed=tuple(_pledge_changes(sides)),
        draws=draws,
        seed=seed,
    )
