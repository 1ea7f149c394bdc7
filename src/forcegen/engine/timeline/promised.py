"""The promised force between dates: each pledge as it stood over each stretch of time.

A pledge changes only on the dates of its own record: the day it was made and the days
of its revisions. Between two of them it stands as :func:`~forcegen.model.history.
pledge_as_of` says, so each pledge is a few *spans* (from one of its dates to the next),
and the force on any date of the timeline is the spans that cover it. Whether a span
counts (its status is not withdrawn and, in a scenario, its ``requires`` holds under the
scenario's assume) and its personnel are decided by the same functions ``run`` uses
(:func:`~forcegen.engine.activation.scenario_pledges`,
:meth:`~forcegen.model.workspace.Workspace.pledge_personnel`), on a view of the workspace
whose pledges are the spans.

A scenario that changes the force changes every span: its ``withdraw`` withdraws the
pledge at every date, its ``add_pledges`` join the history (dated or not, revisions
and all), and its ``patch`` paths into ``pledges`` are applied to each span, after the
revisions (a patch is the scenario's last word, as it is on the force as of a date).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from forcegen.engine.activation import scenario_pledges
from forcegen.errors import ExpressionError, ForcegenError
from forcegen.expressions import Expression, parse_expression
from forcegen.model.changes import Change, apply_changes, split_path
from forcegen.model.history import pledge_as_of
from forcegen.model.pledges import Pledge, PledgeStatus
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

PLEDGES = "pledges"


@dataclass(frozen=True)
class Span:
    """A pledge as it stood from ``start`` (None: from before any date) until the next
    change of its record, and the dates of the timeline it covers (positions
    ``first`` to ``stop`` - 1 in the timeline's dates).

    ``personnel`` [persons]; ``counted``: it adds to the promised force (not withdrawn
    and, in a scenario, its ``requires`` holds)."""

    pledge: str
    nation: str
    capability: str
    start: dt.date | None
    status: PledgeStatus
    personnel: int
    counted: bool
    first: int
    stop: int

    @property
    def covers_any(self) -> bool:
        """True when the span covers at least one date of the timeline."""
        return self.stop > self.first


def change_days(pledge: Pledge) -> list[dt.date | None]:
    """The days a pledge's record changes, in order: the day it was made (None for an
    undated pledge: it stands before any date) and each later revision date."""
    made = pledge.date
    later = sorted({r.date for r in pledge.revisions if made is None or r.date > made})
    return [made, *later]


def promised_spans(
    workspace: Workspace,
    pledges: Sequence[Pledge],
    scenario: Scenario | None,
    dates: Sequence[dt.date],
) -> list[Span]:
    """Every span of every pledge in ``pledges`` (as recorded, revisions and all), in
    pledge order then date order, counted as ``run`` counts pledges in ``scenario``
    on ``workspace`` (the scenario's view of the force: its capabilities and
    conditions); the scenario's withdrawals and pledge patches applied to each span."""
    withdrawn = frozenset(scenario.withdraw) if scenario is not None else frozenset()
    patches = pledge_patches(scenario) if scenario is not None else []
    states: dict[str, Pledge] = {}
    where: list[tuple[str, Pledge, dt.date | None, int, int]] = []
    for pledge in pledges:
        days = change_days(pledge)
        for k, day in enumerate(days):
            state = pledge_as_of(pledge, day if day is not None else dt.date.min)
            assert state is not None, "each change day is on or after the pledge was made"
            if pledge.id in withdrawn:
                state = state.model_copy(update={"status": PledgeStatus.WITHDRAWN})
            if patches:
                state = patched(state, patches)
            first = 0 if day is None else bisect.bisect_left(dates, day)
            following = days[k + 1] if k + 1 < len(days) else None
            stop = len(dates) if following is None else bisect.bisect_left(dates, following)
            key = f"{pledge.id}#{k}"
            states[key] = state
            where.append((key, state, day, first, stop))
    view = _span_view(workspace, states)
    counted = frozenset(scenario_pledges(view, scenario))
    return [
        Span(
            pledge=state.id,
            nation=state.nation,
            capability=state.capability,
            start=day,
            status=state.status,
            personnel=view.pledge_personnel(key),
            counted=key in counted,
            first=first,
            stop=stop,
        )
        for key, state, day, first, stop in where
    ]


def _span_view(workspace: Workspace, states: Mapping[str, Pledge]) -> Workspace:
    """``workspace`` with the spans as its pledges (keyed ``PLEDGE#K``) and their
    ``requires`` parsed against its conditions: the workspace the activation and
    personnel rules are asked about."""
    known = frozenset(workspace.conditions)
    parsed: dict[str, Expression] = {}
    requires: dict[str, Expression] = {}
    for key, state in states.items():
        text = state.requires
        if text not in parsed:
            try:
                parsed[text] = parse_expression(text, known)
            except ExpressionError as exc:  # a scenario's patch: checked only as of a date
                raise ForcegenError(
                    f"pledge '{state.id}': bad condition expression {text!r}: {exc.message}"
                ) from None
        requires[key] = parsed[text]
    return dataclasses.replace(
        workspace, pledges=dict(states), requires=requires, variants={}, variant_of=None
    )


def pledge_patches(scenario: Scenario) -> list[Change]:
    """The scenario's patches whose path leads into ``pledges``, in order."""
    out = []
    for path, value in scenario.patch.items():
        steps = split_path(str(path), f"scenario '{scenario.id}' patch")
        if steps[0] == PLEDGES:
            out.append(Change(f"scenario '{scenario.id}' patch", f"{path}={value!r}", steps, value))
    return out


def patched(state: Pledge, patches: Sequence[Change]) -> Pledge:
    """One pledge with the patches that name it (or ``*``) applied; the others are
    skipped (they name other pledges). Raises :class:`ForcegenError` when the pledge
    no longer validates."""
    from pydantic import ValidationError

    data: dict[str, Any] = {PLEDGES: [state.model_dump(mode="json", exclude_unset=True)]}
    mine = [c for c in patches if len(c.steps) > 2 and c.steps[1] in ("*", state.id)]
    if not mine:
        return state
    apply_changes(data, mine)
    try:
        return Pledge.model_validate(data[PLEDGES][0])
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise ForcegenError(
            f"pledge '{state.id}' with the scenario's patch: {first['msg']}"
        ) from None


def add_spans(spans: Sequence[Span], size: int, nations: Sequence[str]) -> dict[str, Any]:
    """The series of the spans over ``size`` dates [persons]: by status (every span,
    withdrawn included: ``withdrawn`` is what was taken back), the total counted and
    the counted by nation (``nations`` in order, each nation present)."""
    statuses = [s.value for s in PledgeStatus]
    step: dict[str, list[int]] = {s: [0] * (size + 1) for s in statuses}
    total = [0] * (size + 1)
    nation_step: dict[str, list[int]] = {iso3: [0] * (size + 1) for iso3 in nations}
    for span in spans:
        if not span.covers_any:
            continue
        if span.status is PledgeStatus.WITHDRAWN or span.counted:
            series = step[span.status.value]
            series[span.first] += span.personnel
            series[span.stop] -= span.personnel
        if span.counted:
            total[span.first] += span.personnel
            total[span.stop] -= span.personnel
            by = nation_step.setdefault(span.nation, [0] * (size + 1))
            by[span.first] += span.personnel
            by[span.stop] -= span.personnel
    return {
        "personnel": {s: _running(step[s], size) for s in statuses},
        "total": _running(total, size),
        "by_nation": {iso3: _running(v, size) for iso3, v in nation_step.items()},
    }


def _running(steps: list[int], size: int) -> tuple[int, ...]:
    out = []
    level = 0
    for n in range(size):
        level += steps[n]
        out.append(level)
    return tuple(out)


__all__ = ["Span", "add_spans", "change_days", "patched", "pledge_patches", "promised_spans"]
