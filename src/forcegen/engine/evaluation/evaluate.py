"""Scenario evaluation: what force materialises, how much of each force option it fills."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forcegen.engine.activation import (
    active_pledges,
    assumed_false,
    scenario_values,
    scenario_view,
)
from forcegen.engine.evaluation.veto import veto
from forcegen.engine.sourcing.fill import RequirementFill, fill_requirement
from forcegen.engine.totals import checked_personnel
from forcegen.errors import ForcegenError
from forcegen.model.pledges import PledgeStatus
from forcegen.model.scenarios import Scenario
from forcegen.model.stance import StanceConflict
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ScenarioResult:
    """The force that materialises under one scenario.

    Personnel in [persons], capabilities in [units]. ``by_nation`` and
    ``by_capability`` list every nation and capability with a pledge that is not
    withdrawn (zero when none of its pledges is active).
    """

    scenario: Scenario
    values: Mapping[str, bool]
    assumed_false: tuple[str, ...]
    active: tuple[str, ...]
    personnel_by_pledge: Mapping[str, int]
    by_nation: Mapping[str, int]
    by_capability: Mapping[str, float]
    by_capability_personnel: Mapping[str, int]
    requirements: Mapping[str, RequirementFill]
    veto: Mapping[str, int]
    _provenance: Mapping[str, int]
    stance_conflicts: tuple[StanceConflict, ...] = ()
    """Active pledges that contradict their nation's latest statement."""

    @property
    def personnel(self) -> int:
        """Total personnel of the active pledges [persons]."""
        return sum(self.personnel_by_pledge[pid] for pid in self.active)

    @property
    def provenance(self) -> dict[str, int]:
        """Active personnel [persons] by how solid it is.

        ``reported_personnel``: size and condition both sourced; ``assumed_size_personnel``:
        the size rests on an assumption; ``assumed_condition_personnel``: the condition it
        depends on is the project's assumption (a pledge can be in both).
        """
        return dict(self._provenance)

    @property
    def biggest_veto(self) -> tuple[str, int] | None:
        """The condition with the most troops hanging on it, and how many [persons]."""
        if not self.veto:
            return None
        cid = max(self.veto, key=lambda c: (self.veto[c], -list(self.veto).index(c)))
        return cid, self.veto[cid]

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (see ``docs/json.md``)."""
        return {
            "name": self.scenario.name,
            "personnel": int(self.personnel),
            "by_nation": {k: int(v) for k, v in self.by_nation.items()},
            "by_capability": {k: float(v) for k, v in self.by_capability.items()},
            "requirements": {rid: fill.to_json() for rid, fill in self.requirements.items()},
            "veto": {k: int(v) for k, v in self.veto.items()},
            "assumed_false": list(self.assumed_false),
            "provenance": self.provenance,
            "stance_conflicts": [c.to_json() for c in self.stance_conflicts],
        }

    # -- DataFrame views ---------------------------------------------------------

    def nations_frame(self) -> pd.DataFrame:
        """Active personnel by nation [persons], largest first."""
        import pandas as pd

        frame = pd.DataFrame(
            {"personnel": pd.Series(dict(self.by_nation), dtype="int64")}
        ).rename_axis("nation")
        return frame.sort_values("personnel", ascending=False, kind="stable")

    def capabilities_frame(self) -> pd.DataFrame:
        """Active units [units] and personnel [persons] by capability."""
        import pandas as pd

        return pd.DataFrame(
            {
                "units": pd.Series(dict(self.by_capability), dtype="float64"),
                "personnel": pd.Series(dict(self.by_capability_personnel), dtype="int64"),
            }
        ).rename_axis("capability")

    def requirements_frame(self) -> pd.DataFrame:
        """One row per requirement: required and filled units, fill ratio [0-1], required
        and filled personnel [persons], personnel fill [0-1], met, and the lines that
        block "met" (their count)."""
        import pandas as pd

        rows = [
            {
                "requirement": rid,
                "name": fill.name,
                "required_units": fill.required_units,
                "filled_units": fill.filled_units,
                "fill_ratio": fill.fill_ratio,
                "required_personnel": fill.required_personnel,
                "filled_personnel": fill.filled_personnel,
                "personnel_fill": fill.personnel_fill,
                "met": fill.met,
                "blocking_lines": len(fill.blocking),
            }
            for rid, fill in self.requirements.items()
        ]
        columns = [
            "requirement",
            "name",
            "required_units",
            "filled_units",
            "fill_ratio",
            "required_personnel",
            "filled_personnel",
            "personnel_fill",
            "met",
            "blocking_lines",
        ]
        return pd.DataFrame(rows, columns=columns).set_index("requirement")

    def lines_frame(self) -> pd.DataFrame:
        """One row per requirement line: required, filled, shortfall and offered [units],
        status (met, short, not_offered), required and filled personnel [persons]."""
        import pandas as pd

        rows = [
            {"requirement": rid, **line.row()}
            for rid, fill in self.requirements.items()
            for line in fill.lines
        ]
        columns = [
            "requirement",
            "line",
            "capability",
            "zone",
            "priority",
            "required",
            "filled",
            "shortfall",
            "offered",
            "status",
            "required_personnel",
            "filled_personnel",
        ]
        return pd.DataFrame(rows, columns=columns).set_index(["requirement", "line"])

    def veto_frame(self) -> pd.DataFrame:
        """Troops hanging on each condition [persons], largest first."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "veto": pd.Series(dict(self.veto), dtype="int64"),
                "value": pd.Series(dict(self.values), dtype="bool"),
                "fixed_by_scenario": pd.Series(
                    {c: c in self.scenario.assume for c in self.values}, dtype="bool"
                ),
            }
        ).rename_axis("condition")
        return frame.sort_values("veto", ascending=False, kind="stable")


def evaluate(workspace: Workspace, scenario: str | Scenario) -> ScenarioResult:
    """Evaluate one scenario (by id or object) on ``workspace``.

    Personnel sums are exact integers; totals beyond
    :data:`~forcegen.limits.MAX_TOTAL_PERSONNEL` are refused (:mod:`~forcegen.engine.totals`).
    """
    workspace, resolved = scenario_view(workspace, scenario)
    if resolved is None:
        raise ForcegenError("evaluate needs a scenario: an id or a Scenario")
    scenario = resolved
    values = scenario_values(workspace, scenario)
    active = active_pledges(workspace, values)
    active_set = set(active)
    personnel = checked_personnel(workspace)
    by_nation: dict[str, int] = {}
    by_capability: dict[str, float] = {}
    by_capability_personnel: dict[str, int] = {}
    for pid, pledge in workspace.pledges.items():
        if pledge.status is PledgeStatus.WITHDRAWN:
            continue
        on = pid in active_set
        by_nation[pledge.nation] = by_nation.get(pledge.nation, 0) + (personnel[pid] if on else 0)
        by_capability[pledge.capability] = by_capability.get(pledge.capability, 0.0) + (
            pledge.quantity if on else 0.0
        )
        by_capability_personnel[pledge.capability] = by_capability_personnel.get(
            pledge.capability, 0
        ) + (personnel[pid] if on else 0)
    requirements = {
        rid: fill_requirement(workspace, requirement, active)
        for rid, requirement in workspace.requirements.items()
    }
    size = sum(personnel[p] for p in active if workspace.size_is_assumed(p))
    condition = sum(personnel[p] for p in active if workspace.condition_is_assumed(p))
    solid = sum(
        personnel[p]
        for p in active
        if not workspace.size_is_assumed(p) and not workspace.condition_is_assumed(p)
    )
    return ScenarioResult(
        scenario=scenario,
        values=values,
        assumed_false=assumed_false(workspace, scenario),
        active=active,
        personnel_by_pledge=personnel,
        by_nation=by_nation,
        by_capability=by_capability,
        by_capability_personnel=by_capability_personnel,
        requirements=requirements,
        veto=veto(workspace, values, personnel),
        _provenance={
            "reported_personnel": solid,
            "assumed_size_personnel": size,
            "assumed_condition_personnel": condition,
        },
        stance_conflicts=tuple(c for c in workspace.stance_conflicts() if c.pledge in active_set),
    )


def evaluate_all(workspace: Workspace) -> dict[str, ScenarioResult]:
    """Evaluate every scenario of the workspace, in input order."""
    return {sid: evaluate(workspace, scenario) for sid, scenario in workspace.scenarios.items()}
