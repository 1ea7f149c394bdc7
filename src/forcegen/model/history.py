"""The force as of a date: pledges as their latest revision on or before it says.

A pledge's fields describe it as first made on its ``date``; each revision changes some
of them from its own date on. As of day D a pledge made after D is left out; one made on
or before D (or undated) has every revision dated on or before D applied in date order
(revisions of the same date in input order). Force options floated after D are left
out; nations' statements and events dated after D are left out, so a nation's stance is
the one it had stated by D. Without a date (``day=None``) every revision applies: the
force as last recorded.

:func:`resolve` does this on the plain data of a workspace whose records have already
been validated, and keeps a map from each field of the result back to the input entry
it came from (a revision's field to that revision), so that every issue found on the
force as of D names the line that caused it. :func:`pledge_as_of` does it for one
validated pledge (the timeline's step).

Provenance moves with the figures: a figure a revision sets carries that revision's
sources or assumption label, and the earlier sources stop covering it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forcegen.errors import Issue, PathPart
from forcegen.model.pledges import Pledge, PledgeRevision

if TYPE_CHECKING:
    from forcegen.model.events import Event
    from forcegen.model.nations import Nation
    from forcegen.model.requirements import Requirement
    from forcegen.model.workspace import Workspace

PLEDGES = "pledges"
REQUIREMENTS = "requirements"
NATIONS = "nations"
EVENTS = "events"
SCENARIOS = "scenarios"

_PLEDGE_CLAIMS = (*Pledge.FIGURES, *Pledge.CLAIMS)
_FIRST_ASSUMED = "The pledge as first made is the project's assumption."


def applied(revisions: Sequence[PledgeRevision], day: dt.date | None) -> list[int]:
    """Positions of the revisions that hold on ``day`` (all when None), in the order they
    apply: by date, then input order."""
    order = sorted(range(len(revisions)), key=lambda j: revisions[j].date)
    return [j for j in order if day is None or revisions[j].date <= day]


def made_by(pledge: Pledge, day: dt.date | None) -> bool:
    """True when the pledge had been made on ``day`` (undated pledges always have)."""
    return day is None or pledge.date is None or pledge.date <= day


def pledge_as_of(pledge: Pledge, day: dt.date | None) -> Pledge | None:
    """The pledge as it stood on ``day`` (None when it had not been made yet), its
    revisions applied and dropped. Provenance is not moved: for that, load the workspace
    with ``as_of`` (:func:`resolve`)."""
    if not made_by(pledge, day):
        return None
    update: dict[str, Any] = {"revisions": ()}
    for j in applied(pledge.revisions, day):
        update.update(pledge.revisions[j].changes())
    return pledge.model_copy(update=update)


def latest_revision(pledge: Pledge, day: dt.date | None) -> PledgeRevision | None:
    """The last revision that holds on ``day``, if any."""
    order = applied(pledge.revisions, day)
    return pledge.revisions[order[-1]] if order else None


@dataclass(frozen=True)
class History:
    """The records as given, whatever date the workspace stands as of: pledges with all
    their revisions, every force option, every nation's every statement, every event."""

    pledges: Mapping[str, Pledge]
    requirements: Mapping[str, Requirement]
    nations: Mapping[str, Nation]
    events: Mapping[str, Event]

    @classmethod
    def of(cls, workspace: Workspace) -> History:
        """The history held by a workspace's own records."""
        return cls(workspace.pledges, workspace.requirements, workspace.nations, workspace.events)

    def dates(self) -> list[dt.date]:
        """Every date something changed, in order: pledges made and revised, options
        floated and dropped, statements, events."""
        days: set[dt.date] = set()
        for pledge in self.pledges.values():
            if pledge.date is not None:
                days.add(pledge.date)
            days.update(r.date for r in pledge.revisions)
        for requirement in self.requirements.values():
            days.update(d for d in (requirement.floated, requirement.dropped) if d is not None)
        for nation in self.nations.values():
            days.update(s.date for s in nation.statements)
        days.update(e.date for e in self.events.values())
        return sorted(days)


@dataclass
class Resolution:
    """The plain data of the force as of a day, and where each part of it came from."""

    data: dict[str, Any]
    day: dt.date | None
    moved: dict[tuple[PathPart, ...], tuple[PathPart, ...]] = field(default_factory=dict)
    """Path prefix in ``data`` -> the path of the input entry it came from."""
    notes: list[Issue] = field(default_factory=list)
    """Warnings about what was left out (scenarios that change a pledge not yet made)."""

    def locate(self, issue: Issue) -> Issue:
        """The issue at the input entry behind its path (the longest prefix moved)."""
        path = issue.path
        for cut in range(len(path), 0, -1):
            origin = self.moved.get(tuple(path[:cut]))
            if origin is not None:
                return dataclasses.replace(issue, path=(*origin, *path[cut:]))
        return issue


def needs_resolving(workspace: Workspace, day: dt.date | None) -> bool:
    """True when the force as of ``day`` differs from the records as given: a date is
    asked for, or some pledge has revisions."""
    return day is not None or any(p.revisions for p in workspace.pledges.values())


def resolve(data: Mapping[str, Any], full: Workspace, day: dt.date | None) -> Resolution:
    """The plain data of the force as of ``day`` (every revision when None).

    ``data`` is the input that ``full`` was validated from (same records, same order).
    """
    out = Resolution(dict(data), day)
    _pledges(out, data, full)
    if day is not None:
        _requirements(out, data, full)
        _nations(out, data)
        _events(out, data)
        _scenarios(out, data)
    return out


def _pledges(out: Resolution, data: Mapping[str, Any], full: Workspace) -> None:
    items = data.get(PLEDGES) or []
    result: list[Any] = []
    for i, (raw, pledge) in enumerate(zip(items, full.pledges.values(), strict=True)):
        if not made_by(pledge, out.day):
            continue
        k = len(result)
        out.moved[(PLEDGES, k)] = (PLEDGES, i)
        order = applied(pledge.revisions, out.day)
        if not pledge.revisions:
            result.append(raw)
            continue
        merged = {key: value for key, value in raw.items() if key != "revisions"}
        if order:
            _apply(merged, raw, pledge, order, (PLEDGES, i), (PLEDGES, k), out.moved)
        result.append(merged)
    out.data[PLEDGES] = result


def _apply(
    merged: dict[str, Any],
    raw: Mapping[str, Any],
    pledge: Pledge,
    order: list[int],
    source: tuple[PathPart, ...],
    target: tuple[PathPart, ...],
    moved: dict[tuple[PathPart, ...], tuple[PathPart, ...]],
) -> None:
    """Overlay the revisions ``order`` on ``merged`` (a copy of the pledge as first made),
    moving provenance with each figure."""
    sources = [_source_dict(s) for s in merged.get("sources") or ()]
    assumptions = dict(merged.get("assumptions") or {})
    if merged.get("basis") == "assumption":
        # the whole pledge as first made is assumed: say so figure by figure, so that a
        # revision's sourced figure is not labelled an assumption with it
        for name in _PLEDGE_CLAIMS:
            if name in merged:
                assumptions.setdefault(
                    name, "The pledge as first made is the project's assumption."
                )
        merged.pop("basis")
    raw_revisions = raw["revisions"]
    for j in order:
        revision = pledge.revisions[j]
        raw_revision = raw_revisions[j]
        changed = revision.changes()
        for name, _ in changed.items():
            value = raw_revision[name]
            if value is None:
                merged.pop(name, None)  # personnel or zones back to the default
            else:
                merged[name] = value
            moved[(*target, name)] = (*source, "revisions", j, name)
        for s in sources:
            covered = s.get("fields")
            if covered is None:
                covered = [f for f in Pledge.FIGURES if f in merged or f in changed]
            s["fields"] = [f for f in covered if f not in changed]
        for s in raw_revision.get("sources") or ():
            entry = _source_dict(s)
            covered = entry.get("fields")
            entry["fields"] = [f for f in (covered or changed) if f in changed]
            sources.append(entry)
        for name in changed:
            assumptions.pop(name, None)
        assumptions.update(raw_revision.get("assumptions") or {})
        if raw_revision.get("basis") == "assumption":
            why = f"Assumed in the revision of {revision.date}" + (
                f": {revision.summary}" if revision.summary else "."
            )
            for name in changed:
                if name in _PLEDGE_CLAIMS:
                    assumptions[name] = why
    merged["sources"] = sources
    merged["assumptions"] = {k: v for k, v in assumptions.items() if k in _PLEDGE_CLAIMS}
    if merged.get("basis") == "reported" and not sources:
        merged.pop("basis")


def _source_dict(source: Any) -> dict[str, Any]:
    return {"url": source} if isinstance(source, str) else dict(source)


def _requirements(out: Resolution, data: Mapping[str, Any], full: Workspace) -> None:
    assert out.day is not None
    items = data.get(REQUIREMENTS) or []
    kept: list[Any] = []
    for r, (raw, requirement) in enumerate(zip(items, full.requirements.values(), strict=True)):
        if requirement.floated is not None and requirement.floated > out.day:
            continue
        out.moved[(REQUIREMENTS, len(kept))] = (REQUIREMENTS, r)
        kept.append(raw)
    out.data[REQUIREMENTS] = kept


def _dated_before(items: Sequence[Any], day: dt.date) -> list[int]:
    """Positions of the items dated on or before ``day`` (dates as validated)."""
    from forcegen.model.common import parse_day

    return [n for n, item in enumerate(items) if parse_day(item["date"]) <= day]


def _nations(out: Resolution, data: Mapping[str, Any]) -> None:
    assert out.day is not None
    nations: list[Any] = []
    for n, raw in enumerate(data.get(NATIONS) or []):
        statements = raw.get("statements") or []
        keep = _dated_before(statements, out.day)
        if len(keep) == len(statements):
            nations.append(raw)
            continue
        for m, s in enumerate(keep):
            out.moved[(NATIONS, n, "statements", m)] = (NATIONS, n, "statements", s)
        nations.append({**raw, "statements": [statements[s] for s in keep]})
    out.data[NATIONS] = nations


def _events(out: Resolution, data: Mapping[str, Any]) -> None:
    assert out.day is not None
    items = data.get(EVENTS) or []
    keep = _dated_before(items, out.day)
    for m, e in enumerate(keep):
        out.moved[(EVENTS, m)] = (EVENTS, e)
    out.data[EVENTS] = [items[e] for e in keep]


def _scenarios(out: Resolution, data: Mapping[str, Any]) -> None:
    """Leave out the scenarios that withdraw or patch a pledge not yet made (and those
    extending them), each with a warning."""
    assert out.day is not None
    from forcegen.model.scenario_changes import chain

    items = [_dated_additions(item, out.day) for item in data.get(SCENARIOS) or []]
    out.data[SCENARIOS] = items
    made = {p["id"] for p in out.data.get(PLEDGES) or []}
    given = {p["id"] for p in data.get(PLEDGES) or []}
    missing: dict[int, str] = {}
    for n, item in enumerate(items):
        absent = [pid for pid in _changed_pledges(item) if pid in given and pid not in made]
        if absent:
            missing[n] = absent[0]
    if not missing:
        return
    kept: list[Any] = []
    for n, item in enumerate(items):
        cause = next((k for k in chain(items, n) if k in missing), None)
        if cause is None:
            out.moved[(SCENARIOS, len(kept))] = (SCENARIOS, n)
            kept.append(item)
            continue
        why = f"it changes pledge '{missing[cause]}', not yet made on {out.day}"
        if cause != n:
            why = f"it extends scenario '{items[cause]['id']}', which {why.removeprefix('it ')}"
        out.notes.append(
            Issue(
                (SCENARIOS, n),
                f"scenario '{item['id']}' is left out as of {out.day}: {why}",
                severity="warning",
            )
        )
    out.data[SCENARIOS] = kept


def _dated_additions(item: Any, day: dt.date) -> Any:
    """A scenario entry whose added pledges stand as of ``day``: those made after it left
    out, the others with their revisions on or before it applied."""
    added = item.get("add_pledges") if isinstance(item, dict) else None
    if not added:
        return item
    dated: list[Any] = []
    for raw in added:
        pledge = Pledge.model_validate(raw)  # validated as given already
        if not made_by(pledge, day):
            continue
        if not pledge.revisions:
            dated.append(raw)
            continue
        merged = {key: value for key, value in raw.items() if key != "revisions"}
        order = applied(pledge.revisions, day)
        if order:
            _apply(merged, raw, pledge, order, (), (), {})
        dated.append(merged)
    return {**item, "add_pledges": dated}


def _changed_pledges(item: Mapping[str, Any]) -> list[str]:
    """Pledge ids a scenario entry withdraws or patches by name (not ``*``)."""
    ids = [str(pid) for pid in item.get("withdraw") or ()]
    for path in item.get("patch") or {}:
        steps = str(path).split(".")
        if len(steps) >= 2 and steps[0].strip() == PLEDGES and steps[1].strip() != "*":
            ids.append(steps[1].strip())
    return ids


__all__ = [
    "History",
    "Resolution",
    "applied",
    "latest_revision",
    "made_by",
    "needs_resolving",
    "pledge_as_of",
    "resolve",
]
