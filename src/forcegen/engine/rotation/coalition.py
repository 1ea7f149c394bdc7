"""The coalition view of sustainability for a scenario over a horizon."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forcegen.engine.activation import resolve_scenario, scenario_pledges
from forcegen.engine.bounds import check_count
from forcegen.engine.rotation.rotation import NationSustainment, coalition_curve, sustain_nation
from forcegen.engine.totals import checked_personnel
from forcegen.model.capabilities import Domain
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

LAND_POOL_DOMAINS = (Domain.LAND, Domain.JOINT)
"""Capability domains whose personnel come out of a nation's land forces."""

DEFAULT_HORIZON = 36
"""Months looked ahead by default [months]."""


@dataclass(frozen=True)
class HeadquartersPeriod:
    """One headquarters led by one nation over months [from_month, to_month]."""

    hq: str
    name: str
    location: str
    lead: str
    from_month: int
    to_month: int


@dataclass(frozen=True)
class SustainmentResult:
    """Per-nation sustainability and the coalition strength month by month."""

    scenario: str | None
    months: int
    nations: Mapping[str, NationSustainment]
    month: tuple[int, ...]
    deployed: tuple[float, ...]
    headquarters: tuple[HeadquartersPeriod, ...]

    @property
    def after_first_rotation(self) -> float | None:
        """Coalition strength after the first rotation [persons]: each nation in month
        ``tour_months + 1`` of its own tours; None when that is beyond the horizon."""
        if not self.nations:
            return 0.0
        if max(n.tour_months for n in self.nations.values()) + 1 > self.months:
            return None
        return float(sum(n.deployed(n.tour_months + 1) for n in self.nations.values()))

    @property
    def at_horizon(self) -> float:
        """Coalition strength in the last month of the horizon [persons]."""
        return self.deployed[-1] if self.deployed else 0.0

    @property
    def warnings(self) -> tuple[str, ...]:
        """Nations whose commitments alone exceed their deployable pool."""
        return tuple(w for n in self.nations.values() for w in n.warnings)

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "scenario": self.scenario,
            "months": self.months,
            "nations": {k: v.to_json() for k, v in self.nations.items()},
            "coalition": {
                "month": list(self.month),
                "deployed": list(self.deployed),
                "after_first_rotation": self.after_first_rotation,
                "at_horizon": self.at_horizon,
            },
            "headquarters": [
                {
                    "hq": h.hq,
                    "name": h.name,
                    "location": h.location,
                    "lead": h.lead,
                    "from_month": h.from_month,
                    "to_month": h.to_month,
                }
                for h in self.headquarters
            ],
            "warnings": list(self.warnings),
        }

    def nations_frame(self) -> pd.DataFrame:
        """One row per nation: pledged, pool, tied, ceiling, fails at month... [persons]."""
        import pandas as pd

        rows = []
        for iso3, n in self.nations.items():
            row = {"nation": iso3, **n.to_json()}
            row["draw_down_from"] = "; ".join(
                f"{d.commitment} ({d.personnel:,.0f})" for d in n.draw_down_from
            )
            rows.append(row)
        columns = [
            "nation",
            "pledged",
            "pool",
            "tied",
            "available",
            "ceiling",
            "headroom",
            "sustainable",
            "fails_at_month",
            "draw_down_needed",
            "draw_down_from",
        ]
        frame = pd.DataFrame(rows, columns=[*columns, "draw_down_enough", "warnings"])
        return frame[columns].set_index("nation")

    def timeline_frame(self) -> pd.DataFrame:
        """Strength in the field by month (rows) and nation (columns) [persons]."""
        import pandas as pd

        data = {iso3: [n.deployed(m) for m in self.month] for iso3, n in self.nations.items()}
        frame = pd.DataFrame(data, index=pd.Index(self.month, name="month"))
        frame["coalition"] = list(self.deployed)
        return frame


def land_pledged(
    workspace: Workspace,
    pledge_ids: list[str] | tuple[str, ...],
    personnel: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Personnel of the given pledges drawn from land forces (land and joint), by nation
    [persons]; ``personnel`` as :func:`~forcegen.engine.totals.checked_personnel` gives it
    (worked out when None). Exact integers."""
    if personnel is None:
        personnel = checked_personnel(workspace)
    out: dict[str, int] = {}
    for pid in pledge_ids:
        pledge = workspace.pledges[pid]
        if workspace.capabilities[pledge.capability].domain in LAND_POOL_DOMAINS:
            out[pledge.nation] = out.get(pledge.nation, 0) + personnel[pid]
    return out


def sustainment(
    workspace: Workspace,
    scenario: str | Scenario | None = None,
    months: int = DEFAULT_HORIZON,
) -> SustainmentResult:
    """Sustainability of the pledges active in ``scenario`` over ``months`` months.

    Without a scenario every pledge that is not withdrawn counts (the most that is on
    offer). Only land and joint capabilities load a nation's land forces. ``months`` is
    at most :data:`~forcegen.limits.MAX_MONTHS`, checked before any work.
    """
    months = check_count("months", months, "MAX_MONTHS")
    personnel = checked_personnel(workspace)
    resolved = resolve_scenario(workspace, scenario)
    scenario_id = None if resolved is None else resolved.id
    pledge_ids = scenario_pledges(workspace, resolved)
    pledged = land_pledged(workspace, pledge_ids, personnel)
    nations = {
        iso3: sustain_nation(workspace.nations[iso3], personnel)
        for iso3, personnel in sorted(pledged.items(), key=lambda kv: -kv[1])
        if personnel > 0
    }
    month, deployed = coalition_curve(nations, months)
    periods = tuple(
        HeadquartersPeriod(
            hq=hq.id,
            name=hq.name,
            location=hq.location,
            lead=hq.lead,
            from_month=hq.from_month,
            to_month=min(hq.to_month or months, months),
        )
        for hq in workspace.headquarters.values()
        if hq.from_month <= months
    )
    return SustainmentResult(
        scenario=scenario_id,
        months=months,
        nations=nations,
        month=tuple(month),
        deployed=tuple(deployed),
        headquarters=periods,
    )
