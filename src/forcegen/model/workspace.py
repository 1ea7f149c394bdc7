"""The Workspace container and the pipeline that builds it from plain data.

``build_workspace(data)`` is pure: it takes the merged mapping read from YAML (or made
in code), validates every record of every section, runs the cross-reference checks
and returns a :class:`Workspace`, or raises :class:`~forcegen.errors.WorkspaceError`
listing every problem with its field path. The loader adds file and line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from forcegen.errors import Issue, PathPart, UnknownIdError, WorkspaceError, format_path, shown
from forcegen.expressions import Expression
from forcegen.limits import LIMITS, MAX_RECORDS
from forcegen.model.capabilities import Capability
from forcegen.model.checks import (
    CROSS_CHECKS,
    CheckContext,
    check_unique_ids,
    find_cycles,
    parse_requires,
)
from forcegen.model.common import Basis, Sourced
from forcegen.model.conditions import UNION_TAGS, Condition
from forcegen.model.defaults import Defaults
from forcegen.model.events import Event
from forcegen.model.headquarters import Headquarters
from forcegen.model.nations import Nation
from forcegen.model.network import Network
from forcegen.model.network_checks import check_network
from forcegen.model.pledges import Pledge
from forcegen.model.posture import Posture, PosturePlanning
from forcegen.model.posture_checks import check_postures
from forcegen.model.requirements import Requirement
from forcegen.model.scalars import hint_for
from forcegen.model.scenarios import Scenario
from forcegen.model.stance import StanceConflict, stance_conflicts
from forcegen.model.supply import PlanningFactor, SupplySettings
from forcegen.model.supply_checks import check_planning_factors, check_supply
from forcegen.model.zones import Zone

if TYPE_CHECKING:
    import pandas as pd

    from forcegen.model.history import History

SECTIONS: dict[str, type[BaseModel]] = {
    "nations": Nation,
    "capabilities": Capability,
    "zones": Zone,
    "conditions": Condition,
    "pledges": Pledge,
    "requirements": Requirement,
    "scenarios": Scenario,
    "headquarters": Headquarters,
    "events": Event,
    "postures": Posture,
    "planning_factors": PlanningFactor,
}
"""Top-level workspace keys and the record type of their list items."""

NETWORK = "network"
"""A top-level key that holds a mapping, not a list: the deployment network."""

DEFAULTS = "defaults"
"""A top-level key that holds a mapping, not a list: the planning defaults."""

POSTURE = "posture"
"""A top-level key that holds a mapping, not a list: the posture planning figures."""

SUPPLY = "supply"
"""A top-level key that holds a mapping, not a list: the supply settings."""

MAPPINGS = (NETWORK, DEFAULTS, POSTURE, SUPPLY)
"""The top-level keys that hold one mapping each."""

RECORD_MODELS: dict[str, type[BaseModel]] = {
    **SECTIONS,
    NETWORK: Network,
    DEFAULTS: Defaults,
    POSTURE: PosturePlanning,
    SUPPLY: SupplySettings,
}
"""Every top-level key and the record type of its items (a section) or of its mapping."""


@dataclass(frozen=True, eq=False)
class Workspace:
    """A validated workspace: records keyed by id, in input order.

    Build one with :func:`build_workspace` or :func:`forcegen.load_workspace`.
    """

    nations: Mapping[str, Nation]
    capabilities: Mapping[str, Capability]
    zones: Mapping[str, Zone]
    conditions: Mapping[str, Condition]
    pledges: Mapping[str, Pledge]
    requirements: Mapping[str, Requirement]
    scenarios: Mapping[str, Scenario]
    requires: Mapping[str, Expression]
    """Parsed ``requires`` expression of each pledge, by pledge id."""
    origin: str = ""
    """Where the workspace came from (a path or ``builtin:<name>``)."""
    headquarters: Mapping[str, Headquarters] = field(default_factory=dict)
    """Headquarters and their lead nations over time."""
    warnings: tuple[Issue, ...] = field(default=())
    network: Network | None = None
    """The deployment network (nodes, legs, origins, destinations), if given."""
    defaults: Defaults = field(default_factory=Defaults)
    """Planning defaults for nations that leave a rotation figure unset (the built-in
    values when the workspace has no ``defaults`` key)."""
    overrides: tuple[str, ...] = ()
    """The ``PATH=VALUE`` overrides applied when it was loaded (``--set``), in order."""
    variants: Mapping[str, Workspace] = field(default_factory=dict, repr=False)
    """Scenario id -> the workspace it is evaluated on, for scenarios that add, withdraw
    or patch pledges (:mod:`forcegen.model.scenario_changes`)."""
    variant_of: str | None = None
    """The scenario whose changes this workspace carries, if it is such a variant."""
    events: Mapping[str, Event] = field(default_factory=dict)
    """Dated events (summits, declarations) marked on the timeline."""
    as_of: dt.date | None = None
    """The date the force stands as of (``--as-of``); None = every revision applied."""
    history: History | None = field(default=None, repr=False)
    """The pledges, force options, statements and events as given, revisions and all
    (:class:`forcegen.model.history.History`); None for a workspace made by hand."""
    postures: Mapping[str, Posture] = field(default_factory=dict)
    """Where units stand (docs/posture.md), by id, in input order."""
    posture: PosturePlanning = field(default_factory=PosturePlanning)
    """Posture planning figures: detour factor, convoy speed, coverage times, distance
    bands, risk distance (the built-in values when the workspace has no ``posture`` key)."""
    planning_factors: Mapping[str, PlanningFactor] = field(default_factory=dict)
    """Consumption planning factors by id (the package's library merged under the
    workspace's own by the loader; empty for a workspace made by hand without them)."""
    supply: SupplySettings = field(default_factory=SupplySettings)
    """Supply settings: days of stock, climate, ammunition posture, fuel point, source
    nodes (the built-in values when the workspace has no ``supply`` key)."""

    def dated_like(self, other: Workspace) -> Workspace:
        """This workspace standing as of ``other``'s date, with its history (for a
        workspace rebuilt from ``other``'s data: a what-if, a sweep point)."""
        return dataclasses.replace(self, as_of=other.as_of, history=other.history)

    def recorded(self) -> History:
        """The records as given (``history``), or this workspace's own when it has none."""
        from forcegen.model.history import History

        return self.history if self.history is not None else History.of(self)

    def headquarters_staff(self, hq_id: str) -> int:
        """Staff of a headquarters [persons]: its ``personnel``, else the personnel of one
        unit of its ``capability``, else 0 (no staff given)."""
        hq = self.headquarters[hq_id]
        if hq.personnel is not None:
            return hq.personnel
        if hq.capability is not None:
            return self.capabilities[hq.capability].personnel
        return 0

    def staff_is_assumed(self, hq_id: str) -> bool:
        """True when a headquarters' staff rests on an assumption (its own ``personnel``,
        or the capability's personnel per unit)."""
        hq = self.headquarters[hq_id]
        if hq.personnel is not None:
            return hq.is_assumption("personnel")
        if hq.capability is not None:
            return self.capabilities[hq.capability].is_assumption("personnel")
        return False

    def pledge_personnel(self, pledge_id: str) -> int:
        """Personnel of a pledge [persons]: as given, else quantity x per-unit personnel."""
        pledge = self.pledges[pledge_id]
        if pledge.personnel is not None:
            return pledge.personnel
        return round(pledge.quantity * self.capabilities[pledge.capability].personnel)

    def size_is_assumed(self, pledge_id: str) -> bool:
        """True when the pledge's personnel rests on an assumption.

        That is: its quantity is assumed, or its personnel is given and assumed, or its
        personnel comes from a per-unit strength that is assumed.
        """
        pledge = self.pledges[pledge_id]
        if pledge.is_assumption("quantity"):
            return True
        if pledge.personnel is not None:
            return pledge.is_assumption("personnel")
        return self.capabilities[pledge.capability].is_assumption("personnel")

    def readiness_is_assumed(self, pledge_id: str) -> bool:
        """True when the pledge's ``readiness_days`` rests on an assumption: labelled so
        (``basis: assumption`` or an ``assumptions`` entry), or not given at all (the
        default, ready on day 0, is then the model's assumption, not a report)."""
        pledge = self.pledges[pledge_id]
        if pledge.is_assumption("readiness_days"):
            return True
        return "readiness_days" not in pledge.model_fields_set

    def condition_is_assumed(self, pledge_id: str) -> bool:
        """True when the pledge's ``requires`` is the project's assumption."""
        pledge = self.pledges[pledge_id]
        return pledge.basis is Basis.ASSUMPTION or "requires" in pledge.assumptions

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id (clear error listing the known ids otherwise)."""
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            why = next(
                (
                    w.message.partition(": ")[2]
                    for w in self.warnings
                    if w.message.startswith(f"scenario '{scenario_id}' is left out as of")
                ),
                None,
            )
            if why:
                why = f"is left out as of {self.as_of}: {why}"
            raise UnknownIdError("scenario", scenario_id, self.scenarios, why) from None

    def requirement(self, requirement_id: str) -> Requirement:
        """The requirement with this id (clear error listing the known ids otherwise)."""
        try:
            return self.requirements[requirement_id]
        except KeyError:
            later = self.recorded().requirements.get(requirement_id)
            why = None
            if later is not None and self.as_of is not None:
                why = f"was not yet floated on {self.as_of} (floated {later.floated})"
            raise UnknownIdError("requirement", requirement_id, self.requirements, why) from None

    @cached_property
    def condition_order(self) -> tuple[str, ...]:
        """Condition ids in dependency order: each after the conditions it is given.

        The order of repeated passes over the conditions in input order, each pass taking
        every condition whose given conditions are already placed; found in one pass
        over the dependencies (a chain of 100,000 conditions written last-first would
        take 100,000 passes): a condition's pass is 1 + the latest pass among its given
        conditions that come after it in the input, and at least the pass of those before.
        """
        ids = list(self.conditions)
        position = {cid: n for n, cid in enumerate(ids)}
        users: dict[str, list[str]] = {cid: [] for cid in ids}
        waiting = {}
        for cid in ids:
            depends = [d for d in self.conditions[cid].depends_on if d in position]
            waiting[cid] = len(depends)
            for d in depends:
                users[d].append(cid)
        rank = dict.fromkeys(ids, 1)
        ready = [cid for cid in ids if waiting[cid] == 0]
        placed = 0
        while ready:
            cid = ready.pop()
            placed += 1
            for user in users[cid]:
                later = position[cid] > position[user]
                rank[user] = max(rank[user], rank[cid] + later)
                waiting[user] -= 1
                if waiting[user] == 0:
                    ready.append(user)
        if placed < len(ids):  # pragma: no cover - cycles are rejected at build
            raise WorkspaceError([Issue(("conditions",), "cyclic given rules")])
        return tuple(sorted(ids, key=lambda cid: (rank[cid], position[cid])))

    def counts(self) -> dict[str, int]:
        """Records per section [records], network nodes and legs included."""
        return {
            "nations": len(self.nations),
            "capabilities": len(self.capabilities),
            "zones": len(self.zones),
            "conditions": len(self.conditions),
            "pledges": len(self.pledges),
            "requirements": len(self.requirements),
            "scenarios": len(self.scenarios),
            "headquarters": len(self.headquarters),
            "events": len(self.events),
            "postures": len(self.postures),
            "network_nodes": len(self.network.nodes) if self.network else 0,
            "network_legs": len(self.network.legs) if self.network else 0,
        }

    def stance_conflicts(self) -> list[StanceConflict]:
        """Pledges that contradict their nation's latest statement
        (:mod:`forcegen.model.stance`)."""
        return stance_conflicts(self.nations, self.pledges, self.capabilities, self.zones)

    def unsourced_figures(self) -> list[Issue]:
        """Figures with neither a source nor an assumption label (provenance gaps)."""
        out: list[Issue] = []
        for section in (
            "nations",
            "capabilities",
            "zones",
            "conditions",
            "pledges",
            "requirements",
            "scenarios",
            "headquarters",
            "postures",
            "planning_factors",
        ):
            records: Mapping[str, Sourced] = getattr(self, section)
            for index, record in enumerate(records.values()):
                for name in record.unsourced_figures():
                    out.append(_provenance_issue((section, index, name), record))
                if isinstance(record, Pledge):
                    for j, revision in enumerate(record.revisions):
                        for name in revision.unsourced_figures():
                            path = (section, index, "revisions", j, name)
                            out.append(_provenance_issue(path, record))
                if isinstance(record, Nation):
                    for n, commitment in enumerate(record.commitments):
                        for name in commitment.unsourced_figures():
                            path = (section, index, "commitments", n, name)
                            out.append(_provenance_issue(path, record))
        for name in self.defaults.unsourced_figures():
            out.append(_provenance_issue((DEFAULTS, name), self.defaults))
        for name in self.posture.unsourced_figures():
            out.append(_provenance_issue((POSTURE, name), self.posture))
        for name in self.supply.unsourced_figures():
            out.append(_provenance_issue((SUPPLY, name), self.supply))
        if self.network is not None:
            for part in ("nodes", "legs", "disruptions"):
                for index, item in enumerate(getattr(self.network, part)):
                    for name in item.unsourced_figures():
                        out.append(_provenance_issue(("network", part, index, name), item))
        return out

    # -- DataFrame views -------------------------------------------------------------

    def pledges_frame(self) -> pd.DataFrame:
        """Pledges indexed by id: nation, capability, quantity [units], personnel [persons]..."""
        import pandas as pd

        rows = [
            {
                "pledge": p.id,
                "nation": p.nation,
                "capability": p.capability,
                "quantity": p.quantity,
                "personnel": self.pledge_personnel(p.id),
                "requires": p.requires,
                "readiness_days": p.readiness_days,
                "zones": ",".join(p.zones) if p.zones is not None else None,
                "status": p.status.value,
                "basis": p.basis.value if p.basis else None,
            }
            for p in self.pledges.values()
        ]
        return pd.DataFrame(rows).set_index("pledge") if rows else pd.DataFrame()

    def nations_frame(self) -> pd.DataFrame:
        """Nations indexed by ISO alpha-3 id, with personnel [persons] and stance."""
        import pandas as pd

        rows = [
            {
                "nation": n.id,
                "name": n.name,
                "role": n.role.value,
                "memberships": ",".join(n.memberships),
                "active_personnel": n.active_personnel,
                "land_personnel": n.land_personnel,
                "committed_personnel": n.committed_personnel,
                "stance": s.value if (s := n.latest_stance()) else None,
            }
            for n in self.nations.values()
        ]
        return pd.DataFrame(rows).set_index("nation") if rows else pd.DataFrame()


def _provenance_issue(path: tuple[PathPart, ...], record: Sourced) -> Issue:
    rid = getattr(record, "id", "")
    return Issue(
        path=path,
        message=f"figure of '{rid}' has no source and is not labelled an assumption",
        expected="a source covering it, basis: assumption, or an assumptions entry",
        severity="warning",
    )


# -- building ------------------------------------------------------------------------


def build_workspace(
    data: Any, origin: str = "", *, variants: bool = True, as_of: dt.date | None = None
) -> Workspace:
    """Validate plain data (as read from YAML) into a :class:`Workspace`.

    Raises :class:`~forcegen.errors.WorkspaceError` with every problem found; issue
    paths are field paths such as ``("pledges", 3, "quantity")``. With ``variants``, the
    workspace of each scenario that changes the force is built and checked too.

    The workspace holds the force as of ``as_of`` (:mod:`forcegen.model.history`): each
    pledge as its latest revision on or before that date says, pledges not yet made and
    force options not yet floated left out; without a date, every revision applies. The
    records as given, revisions and all, stay in ``history``. Every record is validated
    as given, whatever the date; an issue of the force as of the date names the input
    entry behind it (a revision's field, not the pledge's).
    """
    from forcegen.model import history
    from forcegen.model.common import parse_day

    if as_of is not None:
        as_of = parse_day(as_of)  # text YYYY-MM-DD too (ValueError otherwise)
    full = _validate(data, origin)
    recorded = history.History.of(full)
    given = full.unsourced_figures()
    if not history.needs_resolving(full, as_of):
        workspace = _finish(full, data, variants, given)
        return _dated(dataclasses.replace(workspace, history=recorded))
    resolution = history.resolve(data, full, as_of)
    try:
        dated = _validate(resolution.data, origin)
        workspace = _finish(
            dated, resolution.data, variants, dated.unsourced_figures(), as_of=as_of
        )
    except WorkspaceError as exc:
        located = {(i.path, i.message): i for i in map(resolution.locate, exc.issues)}
        raise WorkspaceError(sorted(located.values(), key=_issue_order)) from None
    warnings: dict[tuple[Any, str], Issue] = {(w.path, w.message): w for w in given}
    for warning in (*map(resolution.locate, workspace.warnings), *resolution.notes):
        warnings.setdefault((warning.path, warning.message), warning)
    return _dated(
        dataclasses.replace(
            workspace, warnings=tuple(warnings.values()), as_of=as_of, history=recorded
        )
    )


def _without_failing_scenarios(
    workspace: Workspace,
    built: dict[str, Workspace],
    errors: list[Issue],
    added: list[Issue],
    as_of: dt.date,
) -> Workspace:
    """The workspace without the scenarios whose changes fail as of ``as_of``, each left
    out with a warning carrying the first problem."""
    ids = list(workspace.scenarios)
    failing: dict[str, Issue] = {}
    for issue in errors:
        if len(issue.path) >= 2 and issue.path[0] == "scenarios" and isinstance(issue.path[1], int):
            failing.setdefault(ids[issue.path[1]], issue)
        else:  # not a scenario's own problem: the workspace is refused
            raise WorkspaceError(sorted(errors, key=_issue_order))
    notes = [
        Issue(
            ("scenarios", ids.index(sid)),
            f"scenario '{sid}' is left out as of {as_of}: its changes do not apply to the "
            f"force of that date ({issue.message})",
            severity="warning",
        )
        for sid, issue in failing.items()
    ]
    scenarios = {sid: s for sid, s in workspace.scenarios.items() if sid not in failing}
    variants = {sid: v for sid, v in built.items() if sid not in failing}
    return dataclasses.replace(
        workspace,
        scenarios=scenarios,
        variants=variants,
        warnings=(*workspace.warnings, *added, *notes),
    )


def _dated(workspace: Workspace) -> Workspace:
    """The workspace with its scenario variants standing as of its date, with its history."""
    if not workspace.variants:
        return workspace
    variants = {sid: v.dated_like(workspace) for sid, v in workspace.variants.items()}
    return dataclasses.replace(workspace, variants=variants)


def _finish(
    workspace: Workspace,
    data: Any,
    variants: bool,
    provenance: list[Issue],
    as_of: dt.date | None = None,
) -> Workspace:
    """The workspace with its warnings (provenance, stance) and scenario variants. As of
    a date, a scenario whose changes do not apply to the force of that date (a patch of a
    force option not yet floated, a wildcard that matches nothing yet) is left out with a
    warning saying why, rather than refusing the workspace."""
    from forcegen.model import scenario_changes

    # warnings are found on the built workspace; the result is a new frozen object
    position = {pid: k for k, pid in enumerate(workspace.pledges)}
    stances = [c.issue(position[c.pledge]) for c in workspace.stance_conflicts()]
    workspace = dataclasses.replace(workspace, warnings=(*provenance, *stances))
    if not variants or not any(s.changes_force for s in workspace.scenarios.values()):
        return workspace
    built, errors, added = scenario_changes.build_variants(data, workspace)
    if errors and as_of is not None:
        return _without_failing_scenarios(workspace, built, errors, added, as_of)
    if errors:
        raise WorkspaceError(sorted(errors, key=_issue_order))
    return dataclasses.replace(workspace, variants=built, warnings=(*workspace.warnings, *added))


def _validate(data: Any, origin: str) -> Workspace:
    """The records of ``data`` validated and checked against each other (no warnings,
    no scenario variants); raises :class:`~forcegen.errors.WorkspaceError`."""
    from forcegen.model import scenario_changes

    issues: list[Issue] = []
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise WorkspaceError(
            [
                Issue(
                    (),
                    "a workspace must be a mapping of sections",
                    found=_kind(data),
                    expected="keys " + ", ".join([*SECTIONS, *MAPPINGS]),
                )
            ]
        )
    for key in data:
        if key not in SECTIONS and key not in MAPPINGS:
            issues.append(
                Issue(
                    path=(str(key),),
                    message=f"unknown section '{shown(key)}'",
                    expected="one of: " + ", ".join([*SECTIONS, *MAPPINGS]),
                )
            )
    records: dict[str, list[Any]] = {}
    raw: dict[str, list[Any]] = {}
    ids: dict[str, frozenset[str]] = {}
    for section, model in SECTIONS.items():
        items = data.get(section, [])
        if items is None:
            items = []
        if not isinstance(items, list):
            issues.append(
                Issue(
                    (section,),
                    f"section '{section}' must be a list of records",
                    found=_kind(items),
                    expected="a YAML list (lines starting with '- ')",
                )
            )
            items = []
        if len(items) > MAX_RECORDS:
            issues.append(_too_many((section,), items))
            items = []  # not checked further: the workspace is refused
        issues.extend(check_unique_ids(section, items))
        ids[section] = frozenset(
            item["id"]
            for item in items
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        )
        raw[section] = items
        valid: list[Any] = []
        for index, item in enumerate(items):
            try:
                valid.append(model.model_validate(item))
            except ValidationError as exc:
                issues.extend(translate(exc, (section, index), model))
        records[section] = valid
    if not any(v for k, v in raw.items() if k != "planning_factors") and not issues:
        issues.append(
            Issue(
                (),
                "the workspace is empty",
                found="no records",
                expected="sections such as nations:, pledges:, scenarios:",
            )
        )
    ctx = CheckContext(raw=raw, ids=ids)
    for check in CROSS_CHECKS:
        issues.extend(check(ctx))
    issues.extend(scenario_changes.check_extends(raw["scenarios"]))
    network: Network | None = None
    raw_network = data.get(NETWORK)
    if raw_network is not None:
        if not isinstance(raw_network, dict):
            issues.append(
                Issue(
                    (NETWORK,),
                    "the network must be a mapping",
                    found=_kind(raw_network),
                    expected="keys nodes:, legs:, origins:, zones:",
                )
            )
        else:
            too_many = [
                _too_many((NETWORK, part), raw_network[part])
                for part in ("nodes", "legs", "disruptions", "origins", "zones")
                if isinstance(raw_network.get(part), list | dict)
                and len(raw_network[part]) > MAX_RECORDS
            ]
            issues.extend(too_many)
            if not too_many:
                try:
                    network = Network.model_validate(raw_network)
                except ValidationError as exc:
                    issues.extend(translate(exc, (NETWORK,), Network))
                issues.extend(check_network(raw_network, ctx))
    defaults = Defaults()
    raw_defaults = data.get(DEFAULTS)
    if raw_defaults is not None:
        if not isinstance(raw_defaults, dict):
            issues.append(
                Issue(
                    (DEFAULTS,),
                    "the defaults must be a mapping",
                    found=_kind(raw_defaults),
                    expected="keys deployable_fraction:, rotation_ratio:, tour_months:, sources:",
                )
            )
        else:
            try:
                defaults = Defaults.model_validate(raw_defaults)
            except ValidationError as exc:
                issues.extend(translate(exc, (DEFAULTS,), Defaults))
    posture = PosturePlanning()
    raw_posture = data.get(POSTURE)
    if raw_posture is not None:
        if not isinstance(raw_posture, dict):
            issues.append(
                Issue(
                    (POSTURE,),
                    "the posture settings must be a mapping",
                    found=_kind(raw_posture),
                    expected="keys detour_factor:, convoy_speed_kmh:, coverage_hours:, "
                    "risk_km:, sources:",
                )
            )
            raw_posture = None
        else:
            try:
                posture = PosturePlanning.model_validate(raw_posture)
            except ValidationError as exc:
                issues.extend(translate(exc, (POSTURE,), PosturePlanning))
    issues.extend(check_postures(ctx, raw_posture, raw_network))
    supply = SupplySettings()
    raw_supply = data.get(SUPPLY)
    if raw_supply is not None:
        if not isinstance(raw_supply, dict):
            issues.append(
                Issue(
                    (SUPPLY,),
                    "the supply settings must be a mapping",
                    found=_kind(raw_supply),
                    expected="keys stock_days:, climate:, ammunition_posture:, fuel:, "
                    "rations:, source_nodes:, sources:",
                )
            )
        else:
            try:
                supply = SupplySettings.model_validate(raw_supply)
            except ValidationError as exc:
                issues.extend(translate(exc, (SUPPLY,), SupplySettings))
            issues.extend(check_supply(raw_supply, raw_network))
    issues.extend(check_planning_factors(ctx))
    requires, expression_issues = parse_requires(ctx)
    issues.extend(expression_issues)
    if issues:
        raise WorkspaceError(sorted(issues, key=_issue_order))

    def keyed(section: str) -> dict[str, Any]:
        out = {record.id: record for record in records[section]}
        assert len(out) == len(records[section]), "ids were checked unique"
        return out

    return Workspace(
        nations=keyed("nations"),
        capabilities=keyed("capabilities"),
        zones=keyed("zones"),
        conditions=keyed("conditions"),
        pledges=keyed("pledges"),
        requirements=keyed("requirements"),
        scenarios=scenario_changes.merge_extends(raw["scenarios"], keyed("scenarios")),
        requires=requires,
        origin=origin,
        headquarters=keyed("headquarters"),
        network=network,
        defaults=defaults,
        events=keyed("events"),
        postures=keyed("postures"),
        posture=posture,
        planning_factors=keyed("planning_factors"),
        supply=supply,
    )


def _too_many(path: tuple[PathPart, ...], items: list[Any] | dict[Any, Any]) -> Issue:
    limit = LIMITS["MAX_RECORDS"]
    return Issue(
        path=path,
        message=f"{format_path(path)} has {len(items):,} records: {limit.refusal(len(items))}",
        expected=f"{limit.at_most()} (split the work into several workspaces)",
    )


def _issue_order(issue: Issue) -> tuple[str, int, str]:
    section = str(issue.path[0]) if issue.path else ""
    index = issue.path[1] if len(issue.path) > 1 and isinstance(issue.path[1], int) else -1
    return (section, index, str(issue.path[2:]))


def _kind(value: Any) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        type(None): "nothing",
        bool: "true/false",
        int: "a whole number",
        float: "a number",
    }
    return names.get(type(value), type(value).__name__)


_REPR = reprlib.Repr()  # bounded: deeply nested input must not recurse without end
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict = 2, 50, 50, 4, 4


def _short(value: Any, limit: int = 60) -> str:
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def translate(
    exc: ValidationError, prefix: tuple[PathPart, ...], model: type[BaseModel]
) -> list[Issue]:
    """Turn pydantic errors into issues that say what was found and what was expected."""
    out: list[Issue] = []
    errors = exc.errors(include_url=False)
    # every proper prefix of a failing location: linear, where comparing each error with
    # every other is quadratic in the errors of a record (a list of 100,000 bad items)
    enclosing = {loc[:n] for loc in (tuple(e["loc"]) for e in errors) for n in range(len(loc))}
    for err in errors:
        here = tuple(err["loc"])
        nested = here in enclosing
        if err["type"] == "too_short" and nested:
            continue  # "at least 1 item" only because its items failed: noise
        loc = tuple(p for p in here if p not in UNION_TAGS and p not in _LOC_NOISE)
        path = (*prefix, *loc)
        kind = err["type"]
        found: str | None = _short(err.get("input"))
        hint = None
        expected: str | None
        if kind == "missing":
            message = f"required field '{loc[-1]}' is missing"
            expected = f"a value for '{loc[-1]}'"
            found = None
        elif kind == "extra_forbidden":
            message = f"unknown field '{shown(loc[-1])}'"
            parent = _model_at(model, loc[:-1])
            allowed = list(parent.model_fields) if parent else []
            expected = "one of: " + ", ".join(allowed) if allowed else "no extra fields"
            found = None
            import difflib

            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else None
        elif kind in _WANTED and isinstance(err.get("input"), str):
            wanted, what = _WANTED[kind]
            message = f"{_field_name(loc, here)} must be {what}, not text"
            expected = _expected_from(err["msg"])
            hint = hint_for(err["input"], wanted)
        elif kind == "string_type":
            message = f"{_field_name(loc, here)} must be text"
            expected = "text"
            found = f"{_kind(err.get('input'))} {found}"
        elif kind == "model_type" or kind == "model_attributes_type":
            message = "wrong kind of value"
            expected = "a mapping of fields (key: value lines)"
            found = _kind(err.get("input"))
        elif kind in ("too_short", "too_long") and isinstance(err.get("ctx"), dict):
            bound = err["ctx"].get("min_length" if kind == "too_short" else "max_length")
            items = "value" if bound == 1 else "values"
            message = "too few values" if kind == "too_short" else "too many values"
            expected = (
                f"at least {bound} {items}" if kind == "too_short" else f"at most {bound} {items}"
            )
        elif kind == "value_error":
            text = err["msg"].removeprefix("Value error, ")
            message, _, expected_text = text.partition("; expected ")
            expected = expected_text or None
        else:
            message = "invalid value"
            expected = _expected_from(err["msg"])
        out.append(Issue(path=path, message=message, found=found, expected=expected, hint=hint))
    return out


_WANTED = {
    "int_type": ("number", "a whole number"),
    "int_parsing": ("number", "a whole number"),
    "float_type": ("number", "a number"),
    "float_parsing": ("number", "a number"),
    "bool_type": ("flag", "true or false"),
    "bool_parsing": ("flag", "true or false"),
}
"""pydantic error types for text where a number or true/false belongs."""

_LOC_NOISE = frozenset({"function-after", "function-before", "[key]"})
"""Steps pydantic adds to error locations that are not field paths."""


def _field_name(loc: tuple[PathPart, ...], raw: tuple[Any, ...]) -> str:
    """How a message names the field at ``loc``: ``id``, ``zones[1]``, ``a key of assume``."""
    if raw and raw[-1] == "[key]":
        parent = next((p for p in reversed(loc[:-1]) if isinstance(p, str)), "the mapping")
        return f"each key of {parent}"
    tail: list[PathPart] = []
    for part in reversed(loc):
        tail.insert(0, part)
        if isinstance(part, str):
            break
    return format_path(tail) if tail else "the value"


def _expected_from(msg: str) -> str:
    text = msg.removeprefix("Value error, ")
    for prefix in ("Input should be ", "String should ", "Value should "):
        if text.startswith(prefix):
            rest = text[len(prefix) :]
            return ("a string that should " + rest) if prefix == "String should " else rest
    return text


def _model_at(model: type[BaseModel], loc: tuple[PathPart, ...]) -> type[BaseModel] | None:
    """The nested model class at ``loc`` (skipping list indices), if it can be found."""
    import typing

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = info.annotation
        for _ in range(3):  # unwrap tuple[X, ...] / X | None
            args = [a for a in typing.get_args(current) if a is not type(None) and a is not ...]
            if isinstance(current, type) and issubclass(current, BaseModel):
                break
            if not args:
                break
            current = args[0]
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


__all__ = [
    "DEFAULTS",
    "MAPPINGS",
    "POSTURE",
    "SECTIONS",
    "SUPPLY",
    "Workspace",
    "build_workspace",
    "find_cycles",
    "translate",
]
