"""The coalition view of sustainability for a scenario over a horizon.

What loads a nation (docs/rotation.md): its active pledges of land and joint capabilities,
and the staff of each headquarters while it leads it. A pledge of a capability that a
headquarters record names (``force_hq``, ``forward_hq`` in the built-in data) does not
load its own nation here: it says the headquarters is stood up in the scenario, and the
headquarters records put its staff on whichever nation leads, month by month (``run``,
``source`` and ``deploy`` still count the pledge, which fills the force option's
headquarters line). Air and maritime pledges are left out: they come from air forces
and navies, not the land forces whose rotation is modelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from forcegen.engine.activation import resolve_scenario, scenario_pledges, scenario_view
from forcegen.engine.bounds import check_count
from forcegen.engine.rotation.rotation import (
    HeadquartersLoad,
    LoadProfile,
    NationSustainment,
    coalition_curve,
    failure,
    sustain_nation,
)
from forcegen.engine.totals import checked_personnel
from forcegen.model.capabilities import Domain
from forcegen.model.defaults import PARAMETERS, Defaults
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
    """One headquarters led by one nation over months [from_month, to_month] (within the
    horizon), its staff [persons] and whether the scenario stands it up."""

    hq: str
    name: str
    location: str
    lead: str
    from_month: int
    to_month: int
    staff: int = 0
    capability: str | None = None
    stood_up: bool = True
    """False when the scenario activates no pledge of its capability (or no pledge at
    all): then its staff loads no one."""


@dataclass(frozen=True)
class Position:
    """A nation's position in one month [persons]: its load, what it fields, the
    shortfall, and its ceiling minus the load."""

    load: float
    deployed: float
    short: float
    headroom: float
    fails_at_month: int | None

    @classmethod
    def of(cls, nation: NationSustainment, month: int) -> Position:
        """``nation`` in ``month``."""
        return cls.at(nation.profile, nation, month, nation.fails_at_month)

    @classmethod
    def at(
        cls, load: LoadProfile, nation: NationSustainment, month: int, fails_at: int | None
    ) -> Position:
        """``nation`` in ``month`` carrying ``load``, which it keeps in full up to month
        ``fails_at`` (None: always)."""
        persons = load(month)
        kept = fails_at is None or month <= fails_at
        deployed = persons if kept else min(persons, max(nation.ceiling, 0.0))
        return cls(
            load=persons,
            deployed=deployed,
            short=max(persons - deployed, 0.0),
            headroom=nation.ceiling - persons,
            fails_at_month=fails_at,
        )

    def to_json(self) -> dict[str, object]:
        """``{load, deployed, short, headroom, fails_at_month}``."""
        return {
            "load": self.load,
            "deployed": self.deployed,
            "short": self.short,
            "headroom": self.headroom,
            "fails_at_month": self.fails_at_month,
        }


@dataclass(frozen=True)
class Handover:
    """A headquarters changing lead within the horizon: the new lead's position in its
    first month, with and without the headquarters' staff."""

    hq: str
    name: str
    lead: str
    month: int
    staff: int
    with_hq: Position
    without_hq: Position

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "hq": self.hq,
            "lead": self.lead,
            "month": self.month,
            "staff": self.staff,
            "with_hq": self.with_hq.to_json(),
            "without_hq": self.without_hq.to_json(),
        }


@dataclass(frozen=True)
class Scope:
    """What ``sustain`` counts of the scenario's active personnel, and what it leaves
    out [persons]."""

    active_personnel: int
    """Personnel of every active pledge, as ``run`` reports it."""
    counted: int
    """Of which land and joint pledges, the personnel that load nations' land forces."""
    left_out: Mapping[str, int]
    """Personnel of active pledges by domain left out (air, maritime)."""
    headquarters_pledges: int
    """Of ``counted``, pledges of headquarters capabilities: carried by each
    headquarters' lead month by month instead of by the pledging nation."""

    def text(self) -> str:
        """One line: the total, what is left out and why."""
        line = (
            f"counts {self.counted:,} of the {self.active_personnel:,} active personnel "
            "(as run reports them)"
        )
        out = [f"{domain} units ({persons:,})" for domain, persons in self.left_out.items()]
        if out:
            line += (
                ": " + " and ".join(out) + " are left out, as they come from air forces and "
                "navies, not the land forces whose rotation is modelled"
            )
        if self.headquarters_pledges:
            line += (
                f"; the headquarters pledges ({self.headquarters_pledges:,}) are carried "
                "by each headquarters' lead nation, month by month"
            )
        return line

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "active_personnel": self.active_personnel,
            "counted": self.counted,
            "left_out": dict(self.left_out),
            "headquarters_pledges": self.headquarters_pledges,
            "text": self.text(),
        }


@dataclass(frozen=True)
class SustainmentResult:
    """Per-nation sustainability and the coalition strength month by month."""

    scenario: str | None
    months: int
    nations: Mapping[str, NationSustainment]
    month: tuple[int, ...]
    deployed: tuple[float, ...]
    headquarters: tuple[HeadquartersPeriod, ...]
    scope: Scope = Scope(0, 0, {}, 0)
    handovers: tuple[Handover, ...] = ()
    defaults: Defaults = field(default_factory=Defaults)
    notes: tuple[str, ...] = ()
    """Warnings about the data of this run (e.g. headquarters pledges and staff differ)."""

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
    def load(self) -> tuple[float, ...]:
        """The coalition's load each month: what it must field [persons]."""
        return tuple(sum(n.load(m) for n in self.nations.values()) for m in self.month)

    @property
    def personnel_over_horizon(self) -> float:
        """Distinct personnel who serve over the horizon, all nations [persons] (each
        nation's :meth:`~NationSustainment.personnel_over_horizon`, added up)."""
        return float(sum(n.personnel_over_horizon(self.months) for n in self.nations.values()))

    @property
    def warnings(self) -> tuple[str, ...]:
        """Nations whose commitments alone exceed their deployable pool, and notes."""
        return (*(w for n in self.nations.values() for w in n.warnings), *self.notes)

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        given = self.defaults.given
        return {
            "scenario": self.scenario,
            "months": self.months,
            "scope": self.scope.to_json(),
            "defaults": {
                **{name: getattr(self.defaults, name) for name in PARAMETERS},
                "given": list(given),
            },
            "nations": {k: v.to_json(self.months) for k, v in self.nations.items()},
            "coalition": {
                "month": list(self.month),
                "load": list(self.load),
                "deployed": list(self.deployed),
                "after_first_rotation": self.after_first_rotation,
                "at_horizon": self.at_horizon,
                "personnel_over_horizon": self.personnel_over_horizon,
            },
            "headquarters": [
                {
                    "hq": h.hq,
                    "name": h.name,
                    "location": h.location,
                    "lead": h.lead,
                    "from_month": h.from_month,
                    "to_month": h.to_month,
                    "staff": h.staff,
                    "capability": h.capability,
                    "stood_up": h.stood_up,
                }
                for h in self.headquarters
            ],
            "handovers": [h.to_json() for h in self.handovers],
            "warnings": list(self.warnings),
        }

    def nations_frame(self) -> pd.DataFrame:
        """One row per nation: pledged, peak load, pool, tied, ceiling, fails at month...
        [persons]; personnel over the horizon."""
        import pandas as pd

        rows = []
        for iso3, n in self.nations.items():
            row = {"nation": iso3, **n.to_json(self.months)}
            row["draw_down_from"] = "; ".join(
                f"{d.commitment} ({d.personnel:,.0f})" for d in n.draw_down_from
            )
            rows.append(row)
        columns = [
            "nation",
            "pledged",
            "peak_load",
            "pool",
            "tied",
            "available",
            "ceiling",
            "headroom",
            "sustainable",
            "fails_at_month",
            "draw_down_needed",
            "draw_down_from",
            "personnel_over_horizon",
            "steady_state_pool",
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

    def load_frame(self) -> pd.DataFrame:
        """Load by month (rows) and nation (columns), headquarters staff included
        [persons]."""
        import pandas as pd

        data = {iso3: [n.load(m) for m in self.month] for iso3, n in self.nations.items()}
        frame = pd.DataFrame(data, index=pd.Index(self.month, name="month"))
        frame["coalition"] = list(self.load)
        return frame


def headquarters_capabilities(workspace: Workspace) -> frozenset[str]:
    """Capabilities that a headquarters record names: their pledges load the lead of
    the headquarters, not the pledging nation."""
    return frozenset(
        hq.capability for hq in workspace.headquarters.values() if hq.capability is not None
    )


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


def _scope(
    workspace: Workspace,
    pledge_ids: tuple[str, ...],
    personnel: Mapping[str, int],
    hq_capabilities: frozenset[str],
) -> Scope:
    left_out: dict[str, int] = {}
    counted = hq_pledges = 0
    for pid in pledge_ids:
        pledge = workspace.pledges[pid]
        domain = workspace.capabilities[pledge.capability].domain
        if domain in LAND_POOL_DOMAINS:
            counted += personnel[pid]
            if pledge.capability in hq_capabilities:
                hq_pledges += personnel[pid]
        else:
            left_out[domain.value] = left_out.get(domain.value, 0) + personnel[pid]
    return Scope(
        active_personnel=sum(personnel[pid] for pid in pledge_ids),
        counted=counted,
        left_out=dict(sorted(left_out.items())),
        headquarters_pledges=hq_pledges,
    )


def _stood_up(workspace: Workspace, hq_capability: str | None, pledge_ids: tuple[str, ...]) -> bool:
    """Whether a headquarters is stood up in the scenario: an active pledge of its
    capability, or (when no pledge in the workspace offers it, or it names none) any
    active pledge. One of air or maritime capability loads no land forces."""
    if hq_capability is not None:
        if workspace.capabilities[hq_capability].domain not in LAND_POOL_DOMAINS:
            return False
        offered = any(p.capability == hq_capability for p in workspace.pledges.values())
        if offered:
            return any(workspace.pledges[pid].capability == hq_capability for pid in pledge_ids)
    return bool(pledge_ids)


def sustainment(
    workspace: Workspace,
    scenario: str | Scenario | None = None,
    months: int = DEFAULT_HORIZON,
) -> SustainmentResult:
    """Sustainability of the pledges active in ``scenario`` and of the headquarters each
    nation leads, over ``months`` months.

    Without a scenario every pledge that is not withdrawn counts (the most that is on
    offer). Only land and joint capabilities load a nation's land forces; pledges of a
    headquarters capability load the headquarters' lead month by month instead of the
    pledging nation (see the module). Figures a nation leaves unset come from the
    workspace's ``defaults``. ``months`` is at most :data:`~forcegen.limits.MAX_MONTHS`,
    checked before any work.
    """
    workspace, scenario = scenario_view(workspace, scenario)
    months = check_count("months", months, "MAX_MONTHS")
    personnel = checked_personnel(workspace)
    resolved = resolve_scenario(workspace, scenario)
    scenario_id = None if resolved is None else resolved.id
    pledge_ids = scenario_pledges(workspace, resolved)
    hq_capabilities = headquarters_capabilities(workspace)
    pledged = land_pledged(
        workspace,
        [pid for pid in pledge_ids if workspace.pledges[pid].capability not in hq_capabilities],
        personnel,
    )
    periods: list[HeadquartersPeriod] = []
    carried: dict[str, list[HeadquartersLoad]] = {}
    for hq in workspace.headquarters.values():
        staff = workspace.headquarters_staff(hq.id)
        up = _stood_up(workspace, hq.capability, pledge_ids)
        if up and staff > 0:
            carried.setdefault(hq.lead, []).append(
                HeadquartersLoad(hq.id, hq.from_month, hq.to_month, staff)
            )
        if hq.from_month <= months:
            periods.append(
                HeadquartersPeriod(
                    hq=hq.id,
                    name=hq.name,
                    location=hq.location,
                    lead=hq.lead,
                    from_month=hq.from_month,
                    to_month=min(hq.to_month or months, months),
                    staff=staff,
                    capability=hq.capability,
                    stood_up=up,
                )
            )

    def nation(iso3: str, hqs: list[HeadquartersLoad]) -> NationSustainment:
        return sustain_nation(
            workspace.nations[iso3], pledged.get(iso3, 0), workspace.defaults, hqs
        )

    # in the order of the pledges, then of the headquarters (ties keep it)
    loaded = [iso3 for iso3, persons in pledged.items() if persons > 0]
    loaded += [
        iso3
        for iso3, hqs in carried.items()
        if iso3 not in loaded and any(h.from_month <= months for h in hqs)
    ]
    everyone = {iso3: nation(iso3, carried.get(iso3, [])) for iso3 in loaded}
    order = sorted(everyone, key=lambda iso3: -everyone[iso3].profile.peak(1, months))
    nations = {iso3: everyone[iso3] for iso3 in order}
    month, deployed = coalition_curve(nations, months)
    handovers = _handovers(nations, periods, carried, months)
    return SustainmentResult(
        scenario=scenario_id,
        months=months,
        nations=nations,
        month=tuple(month),
        deployed=tuple(deployed),
        headquarters=tuple(periods),
        scope=_scope(workspace, pledge_ids, personnel, hq_capabilities),
        handovers=handovers,
        defaults=workspace.defaults,
        notes=_staff_notes(workspace, pledge_ids, personnel, periods),
    )


def _handovers(
    nations: Mapping[str, NationSustainment],
    periods: list[HeadquartersPeriod],
    carried: Mapping[str, list[HeadquartersLoad]],
    months: int,
) -> tuple[Handover, ...]:
    """Each headquarters whose lead takes over from another nation within the horizon:
    a record that starts the month after a record of the same headquarters (the same
    capability, or without one the same name) led by another nation ends. The new lead's
    position that month with the staff and without the staff of every headquarters it
    takes over that month."""

    def key(h: HeadquartersPeriod) -> str:
        return f"capability:{h.capability}" if h.capability else f"name:{h.name}"

    counted = [h for h in periods if h.stood_up and h.staff > 0]
    ended: dict[tuple[str, int], set[str]] = {}
    for h in counted:
        ended.setdefault((key(h), h.to_month), set()).add(h.lead)
    taken = [
        h
        for h in counted
        if 1 < h.from_month <= months and ended.get((key(h), h.from_month - 1), set()) - {h.lead}
    ]
    groups: dict[tuple[str, int], list[str]] = {}
    for h in taken:
        groups.setdefault((h.lead, h.from_month), []).append(h.hq)
    without: dict[tuple[str, int], Position] = {}
    for (lead, month), hq_ids in groups.items():
        n = nations[lead]
        ids = set(hq_ids)
        load = n.profile.without([c for c in carried[lead] if c.hq in ids])
        fails_at, _ = failure(load, n.rotation_ratio, n.tour_months, n.available)
        without[lead, month] = Position.at(load, n, month, fails_at)
    return tuple(
        Handover(
            hq=h.hq,
            name=h.name,
            lead=h.lead,
            month=h.from_month,
            staff=h.staff,
            with_hq=Position.of(nations[h.lead], h.from_month),
            without_hq=without[h.lead, h.from_month],
        )
        for h in taken
    )


def _staff_notes(
    workspace: Workspace,
    pledge_ids: tuple[str, ...],
    personnel: Mapping[str, int],
    periods: list[HeadquartersPeriod],
) -> tuple[str, ...]:
    """A note for each headquarters capability whose active pledges add up to other than
    the staff the headquarters records carry (the largest month): sustain counts the
    records."""
    notes = []
    for capability in sorted(headquarters_capabilities(workspace)):
        offered = sum(
            personnel[pid] for pid in pledge_ids if workspace.pledges[pid].capability == capability
        )
        up = [
            HeadquartersLoad(h.hq, h.from_month, h.to_month, h.staff)
            for h in periods
            if h.capability == capability and h.stood_up
        ]
        if not offered or not up:
            continue
        staff = max(LoadProfile.of(0, up).values)
        if staff != offered:
            notes.append(
                f"pledges of {capability} add up to {offered:,} persons, but the "
                f"headquarters that use it staff {staff:,}: sustain counts the "
                "headquarters' staff, on its lead nation month by month"
            )
    return tuple(notes)
