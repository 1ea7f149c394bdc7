"""The promised force over time: personnel by status and by nation on every date something
changed, the force options on the table, and the events and statements of the story.

The dates are every date the records change (:meth:`~forcegen.model.history.History.
dates`: pledges made and revised, options floated and dropped, statements, events), and
the bounds ``start`` and ``end`` when given, from ``start`` to ``end``; nothing after
the date the workspace stands as of (``--as-of``). On each date each pledge stands as
its latest revision on or before it says (:mod:`forcegen.engine.timeline.promised`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forcegen.engine.activation import scenario_view
from forcegen.engine.timeline.markers import Marker, markers
from forcegen.engine.timeline.promised import Span, add_spans, change_days, promised_spans
from forcegen.errors import ForcegenError
from forcegen.model.common import parse_day
from forcegen.model.history import History
from forcegen.model.pledges import PledgeStatus
from forcegen.model.requirements import Requirement
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

STATUSES: tuple[str, ...] = tuple(s.value for s in PledgeStatus)
"""The series of ``personnel``: stated, earmarked, deployed (counted in the total) and
withdrawn (counted nowhere: what was taken back)."""

PROMISED: tuple[str, ...] = tuple(s.value for s in PledgeStatus if s is not PledgeStatus.WITHDRAWN)
"""The statuses whose personnel add up to the promised force."""


@dataclass(frozen=True)
class TimelineResult:
    """The promised force on each of ``dates`` [persons].

    ``personnel``: status -> one figure per date (stated, earmarked, deployed: the
    pledges counted, by their status that day; withdrawn: the pledges withdrawn by then,
    whatever the scenario). ``total``: stated + earmarked + deployed. ``by_nation``: ISO3
    -> the counted personnel of its pledges, every nation with a pledge. ``options``:
    force option id -> its headline size [persons] on the dates it is on the table
    (floated and not dropped), None on the others. ``events``: events and statements
    from the first date to the last. ``spans``: each pledge as it stood from each change
    of its record."""

    dates: tuple[dt.date, ...]
    personnel: Mapping[str, tuple[int, ...]]
    total: tuple[int, ...]
    by_nation: Mapping[str, tuple[int, ...]]
    options: Mapping[str, tuple[int | None, ...]]
    events: tuple[Marker, ...]
    spans: tuple[Span, ...]
    nation_names: Mapping[str, str]
    option_names: Mapping[str, str]
    scenario: str | None = None
    as_of: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def at(self, day: dt.date) -> int:
        """Position of ``day`` in ``dates`` (ValueError if it is not one of them)."""
        return self.dates.index(day)

    def events_on(self, day: dt.date) -> list[Marker]:
        """The events and statements dated ``day``."""
        return [m for m in self.events if m.date == day]

    def on_table(self, n: int) -> list[str]:
        """Ids of the force options on the table at date position ``n``."""
        return [oid for oid, series in self.options.items() if series[n] is not None]

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape (docs/json.md, ``forcegen timeline``)."""
        return {
            "scenario": self.scenario,
            "as_of": _iso(self.as_of),
            "from": _iso(self.start),
            "to": _iso(self.end),
            "dates": [d.isoformat() for d in self.dates],
            "personnel": {s: list(v) for s, v in self.personnel.items()},
            "total": list(self.total),
            "by_nation": {iso3: list(v) for iso3, v in self.by_nation.items()},
            "nations": dict(self.nation_names),
            "options": {oid: list(v) for oid, v in self.options.items()},
            "option_names": dict(self.option_names),
            "events": [m.to_json() for m in self.events],
            "pledges": [
                {
                    "pledge": s.pledge,
                    "nation": s.nation,
                    "capability": s.capability,
                    "from": _iso(s.start),
                    "status": s.status.value,
                    "personnel": s.personnel,
                    "counted": s.counted,
                }
                for s in self.spans
            ],
        }

    # -- DataFrame views -------------------------------------------------------------

    def personnel_frame(self) -> pd.DataFrame:
        """One row per date: total promised and personnel by status [persons]."""
        import pandas as pd

        frame = pd.DataFrame(
            {"total": list(self.total), **{s: list(v) for s, v in self.personnel.items()}},
            index=pd.Index(list(self.dates), name="date"),
        )
        return frame

    def nations_frame(self) -> pd.DataFrame:
        """One row per date, one column per nation (ISO3): counted personnel [persons]."""
        import pandas as pd

        return pd.DataFrame(
            {iso3: list(v) for iso3, v in self.by_nation.items()},
            index=pd.Index(list(self.dates), name="date"),
        )

    def options_frame(self) -> pd.DataFrame:
        """One row per date, one column per force option: its headline size [persons]
        where it is on the table, missing (NaN) where it is not."""
        import pandas as pd

        return pd.DataFrame(
            {oid: pd.array(list(v), dtype="Int64") for oid, v in self.options.items()},
            index=pd.Index(list(self.dates), name="date"),
        )

    def events_frame(self) -> pd.DataFrame:
        """One row per event or statement: date, label, kind, nation, stance, event,
        source, summary."""
        import pandas as pd

        columns = ["date", "label", "kind", "nation", "stance", "event", "source", "summary"]
        rows = [{**m.to_json(), "date": m.date} for m in self.events]
        return pd.DataFrame(rows, columns=columns)

    def pledges_frame(self) -> pd.DataFrame:
        """One row per pledge and change of its record: from (None: before any date),
        status, personnel [persons], counted."""
        import pandas as pd

        columns = ["pledge", "nation", "capability", "from", "status", "personnel", "counted"]
        rows = [
            {
                "pledge": s.pledge,
                "nation": s.nation,
                "capability": s.capability,
                "from": s.start,
                "status": s.status.value,
                "personnel": s.personnel,
                "counted": s.counted,
            }
            for s in self.spans
        ]
        return pd.DataFrame(rows, columns=columns)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _day(value: dt.date | str | None, what: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_day(value)
    except ValueError as exc:
        raise ForcegenError(f"the timeline's {what} {value!r}: {exc}") from None


def headline(workspace: Workspace, requirement: Requirement) -> int:
    """A force option's headline size [persons]: as reported, else its lines' units x
    the capabilities' personnel per unit."""
    if requirement.personnel is not None:
        return requirement.personnel
    return round(
        sum(
            line.quantity * workspace.capabilities[line.capability].personnel
            for line in requirement.lines
            if line.capability in workspace.capabilities
        )
    )


def timeline_dates(
    history: History,
    more: Sequence[dt.date],
    start: dt.date | None,
    end: dt.date | None,
    cap: dt.date | None = None,
) -> list[dt.date]:
    """Every date something changed (and ``more``), with ``start`` and ``end`` when
    given, kept from ``start`` to ``end`` and never after ``cap`` (the as-of date: it
    only clips), in order."""
    days = {*history.dates(), *more}
    days.update(d for d in (start, end) if d is not None)
    upper = min((d for d in (end, cap) if d is not None), default=None)
    return sorted(
        d for d in days if (start is None or d >= start) and (upper is None or d <= upper)
    )


def timeline(
    workspace: Workspace,
    scenario: str | Scenario | None = None,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> TimelineResult:
    """The promised force over time, from ``start`` to ``end`` (dates or YYYY-MM-DD;
    either may be omitted), never after the date the workspace stands as of.

    With ``scenario`` (an id, a :class:`Scenario` or None), a pledge counts on a date
    when it is not withdrawn and its ``requires`` as of that date holds under the
    scenario's assume (conditions it leaves unset count as false, as in ``run``); the
    scenario's added, withdrawn and patched pledges change every date. Without one,
    every pledge that is not withdrawn counts.
    """
    first = _day(start, "start")
    last = _day(end, "end")
    if first is not None and last is not None and first > last:
        raise ForcegenError(
            f"the timeline starts on {first} and ends on {last}, before it starts; "
            "expected a start on or before the end"
        )
    if workspace.as_of is not None and first is not None and first > workspace.as_of:
        raise ForcegenError(
            f"the timeline starts on {first}, after the date the force stands as of "
            f"({workspace.as_of}); expected a start on or before {workspace.as_of}"
        )
    cap = min((d for d in (last, workspace.as_of) if d is not None), default=None)
    view, resolved = scenario_view(workspace, scenario)
    history = workspace.recorded()
    pledges = [*history.pledges.values()]
    added = list(resolved.add_pledges) if resolved is not None else []
    pledges += [p for p in added if p.id not in history.pledges]
    more = [d for p in added for d in change_days(p) if d is not None]
    dates = timeline_dates(history, more, first, last, workspace.as_of)
    spans = promised_spans(view, pledges, resolved, dates)
    pledging = {s.nation for s in spans}
    nations = [iso3 for iso3 in view.nations if iso3 in pledging]
    series = add_spans(spans, len(dates), nations)
    options: dict[str, tuple[int | None, ...]] = {}
    option_names: dict[str, str] = {}
    for oid, requirement in history.requirements.items():
        current = view.requirements.get(oid, requirement)
        size = headline(view, current)
        options[oid] = tuple(size if requirement.on_table(d) else None for d in dates)
        option_names[oid] = current.name
    marked = markers(history.events.values(), history.nations.values(), first, cap)
    return TimelineResult(
        dates=tuple(dates),
        personnel=series["personnel"],
        total=series["total"],
        by_nation=series["by_nation"],
        options=options,
        events=tuple(marked),
        spans=tuple(s for s in spans if s.covers_any),
        nation_names={iso3: view.nations[iso3].name for iso3 in nations},
        option_names=option_names,
        scenario=resolved.id if resolved is not None else None,
        as_of=workspace.as_of,
        start=first,
        end=last,
    )


__all__ = ["PROMISED", "STATUSES", "TimelineResult", "headline", "timeline", "timeline_dates"]
