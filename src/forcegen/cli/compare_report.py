"""``forcegen compare``: reading the items of the command line, and the Rich report.

An item is a scenario id of the workspace given by ``--workspace`` (default: the built-in
dataset), a workspace (a YAML file or folder, or a built-in dataset name: every pledge
that is not withdrawn), or ``PATH#SCENARIO`` (``#SCENARIO`` alone: a scenario of the
``--workspace`` workspace). Any item may end in ``@DATE`` (``YYYY-MM-DD``): the force as
of that date (``ceasefire-only@2025-04-30``, ``mnf-ukraine@2026-01-31``, or ``@2025-04-30``
for every pledge of the ``--workspace`` workspace as of then); an item without one stands
as of ``--as-of``, if given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from forcegen import (
    BUILTIN_DATASETS,
    DEFAULT_DATASET,
    ComparisonItem,
    ComparisonResult,
    ForcegenError,
    Override,
    UnknownIdError,
    Workspace,
    names,
    open_workspace,
    parse_day,
)
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable, count, percent, units

if TYPE_CHECKING:
    import pandas as pd

# -- items --------------------------------------------------------------------------


class _Workspaces:
    """Each workspace loaded once, however many items name it."""

    def __init__(
        self,
        default: str | None,
        overrides: Sequence[Override] = (),
        as_of: dt.date | None = None,
        opener: Callable[..., Workspace] | None = None,
    ) -> None:
        self.default_spec = default
        self.overrides = tuple(overrides)
        self.as_of = as_of
        self.opener = opener or open_workspace
        self.loaded: dict[tuple[str, dt.date | None], Workspace] = {}

    def get(self, spec: str | None, day: dt.date | None = None) -> Workspace:
        if spec is None:
            key = DEFAULT_DATASET
        elif Path(spec).exists():
            key = str(Path(spec).resolve())
        else:
            key = spec
        day = day or self.as_of
        if (key, day) not in self.loaded:
            self.loaded[key, day] = self.opener(spec, self.overrides, day)
        return self.loaded[key, day]

    def default(self, day: dt.date | None = None) -> Workspace:
        return self.get(self.default_spec, day)


def _is_workspace(text: str) -> bool:
    return Path(text).exists() or text in BUILTIN_DATASETS


def parse_items(
    texts: Sequence[str],
    workspace: str | None = None,
    overrides: Sequence[Override] = (),
    as_of: dt.date | None = None,
    opener: Callable[..., Workspace] | None = None,
) -> list[ComparisonItem]:
    """The comparison items named on the command line, each labelled by its text; the
    ``--set`` ``overrides`` apply to every workspace the items name, ``as_of`` to every
    item without its own ``@DATE``. ``opener(spec, overrides, as_of)`` loads a workspace
    (default :func:`forcegen.open_workspace`; the CLI passes one that reads a ledger).

    Raises :class:`ForcegenError` naming the item: a bad ``@DATE``, a missing workspace
    path, an unknown scenario (with the closest id), an item given twice, fewer than
    two items.
    """
    if len(texts) < 2:
        raise ForcegenError(
            f"compare needs at least two items, got {len(texts)}; e.g. "
            "forcegen compare ceasefire-only ceasefire-us-backstop"
        )
    seen: set[str] = set()
    cache = _Workspaces(workspace, overrides, as_of, opener)
    items = []
    for text in texts:
        if text in seen:
            raise ForcegenError(f"item '{text}' is given twice")
        seen.add(text)
        items.append(_item(text, cache))
    return items


def _item(full: str, cache: _Workspaces) -> ComparisonItem:
    text, day = _dated(full)
    if not text:  # @DATE alone: every pledge of the default workspace as of then
        return ComparisonItem(full, cache.default(day), None)
    item = _undated(text, cache, day)
    return ComparisonItem(full, item.workspace, item.scenario)


def _dated(text: str) -> tuple[str, dt.date | None]:
    """The item without its ``@DATE`` suffix, and the date (None without one)."""
    if "@" not in text or _is_workspace(text):
        return text, None
    rest, _, when = text.rpartition("@")
    if _is_workspace(text.split("#", 1)[0]) and "@" not in text.split("#", 1)[-1]:
        return text, None  # a path that holds '@' (team@home/ws.yaml) is a path
    try:
        return rest, parse_day(when)
    except ValueError as exc:
        raise ForcegenError(
            f"item '{text}': {str(exc).partition('; expected')[0]}; expected ITEM@YYYY-MM-DD, "
            "e.g. ceasefire-only@2025-04-30"
        ) from None


def _undated(text: str, cache: _Workspaces, day: dt.date | None) -> ComparisonItem:
    if "#" in text:
        path, scenario = text.rsplit("#", 1)
        if not scenario:
            raise ForcegenError(f"item '{text}': no scenario after '#'; expected PATH#SCENARIO")
        if path and not _is_workspace(path):
            raise ForcegenError(
                f"item '{text}': no such file or folder: {path}; expected a workspace YAML "
                f"file, a folder of them, or a built-in dataset ({', '.join(BUILTIN_DATASETS)})"
            )
        ws = cache.get(path, day) if path else cache.default(day)
        try:
            ws.scenario(scenario)
        except UnknownIdError as exc:
            raise ForcegenError(f"item '{text}': {exc}") from None
        return ComparisonItem(text, ws, scenario)
    default = cache.default(day)
    if text in default.scenarios:
        return ComparisonItem(text, default, text)
    if _is_workspace(text):
        return ComparisonItem(text, cache.get(text, day), None)
    if "/" in text or text.endswith((".yaml", ".yml")):
        raise ForcegenError(
            f"item '{text}': no such file or folder; expected a workspace YAML file, a "
            "folder of them, or a built-in dataset"
        )
    unknown = UnknownIdError("scenario", text, default.scenarios)
    raise ForcegenError(
        f"item '{text}': not a workspace path, and {unknown} (scenarios of {default.origin})"
    )


# -- report -------------------------------------------------------------------------


def letter(k: int) -> str:
    """Column letter of item ``k``: A, B, ..., Z, A2, B2, ..."""
    return chr(ord("A") + k % 26) + (str(k // 26 + 1) if k >= 26 else "")


def signed(value: float) -> str:
    """A delta with its sign and thousands separators: +1,200, -300, 0."""
    rounded = round(value)
    return f"{rounded:+,}" if rounded else "0"


def _points(value: float) -> str:
    rounded = round(100 * value)
    return f"{rounded:+,} pts" if rounded else "0"


_STATUS = {"met": "met", "short": "short", "not_offered": "not offered", None: "-"}
_STATE = {"active": "active", "inactive": "inactive", "withdrawn": "withdrawn", "absent": "-"}


class _Names:
    """Names from the first workspace that has the record, else the id."""

    def __init__(self, workspaces: Sequence[Workspace]) -> None:
        self.workspaces = list(dict.fromkeys(workspaces))

    def __call__(self, lookup: Callable[[Workspace, str], str], key: str) -> str:
        for ws in self.workspaces:
            name = lookup(ws, key)
            if name != key:
                return name
        return key

    def pledge(self, pid: str) -> str:
        for ws in self.workspaces:
            if pid in ws.pledges:
                return names.pledge(ws, pid)
        return pid

    def line(self, capability: str, zone: str | None) -> str:
        cap = self(names.capability, capability)
        return cap if zone is None else f"{cap} in {self(names.zone, zone)}"


def items_table(result: ComparisonResult) -> FittedTable:
    """What each column letter stands for: its scenario and workspace."""
    table = FittedTable(
        [Column("", key=True), Column("Scenario"), Column("Workspace")],
        title="Compared (deltas: each item minus A)",
    )
    for k in range(len(result.items)):
        scenario = result.scenario_names[k] or "every pledge that is not withdrawn"
        origin = result.workspaces[k].removeprefix("builtin:")
        table.add_row(letter(k), scenario, origin)
    return table


def _delta_headers(result: ComparisonResult, suffix: str = "") -> list[Column]:
    return [Column(f"{letter(k)} - A{suffix}", "right") for k in range(1, len(result.items))]


def nations_table(result: ComparisonResult, name: _Names) -> FittedTable:
    """Active personnel by nation per item, and each item minus A [persons]."""
    n = len(result.items)
    columns = [Column("Nation", key=True)]
    columns += [Column(letter(k), "right") for k in range(n)] + _delta_headers(result)
    table = FittedTable(columns, title="Personnel by nation")
    rows = [(iso3, v) for iso3, v in result.nations.items() if any(v)]
    rows.sort(key=lambda row: -max(row[1]))
    for iso3, values in rows:
        table.add_row(
            name(names.nation, iso3),
            *[count(v) for v in values],
            *[signed(v) for v in result.deltas(values)[1:]],
        )
    totals = result.personnel
    table.add_row(
        "Total", *[count(v) for v in totals], *[signed(v) for v in result.deltas(totals)[1:]]
    )
    return table


def capabilities_table(result: ComparisonResult, name: _Names) -> FittedTable:
    """Active units and personnel by capability per item, and personnel minus A."""
    n = len(result.items)
    columns = [Column("Capability", key=True)]
    columns += [Column(f"{letter(k)} units", "right") for k in range(n)]
    columns += [Column(f"{letter(k)} persons", "right") for k in range(n)]
    columns += _delta_headers(result, " persons")
    table = FittedTable(columns, title="Units and personnel by capability")
    for cap, people in result.capability_personnel.items():
        quantity = result.capability_units[cap]
        if not any(people) and not any(quantity):
            continue
        table.add_row(
            name(names.capability, cap),
            *[units(v) for v in quantity],
            *[count(v) for v in people],
            *[signed(v) for v in result.deltas(people)[1:]],
        )
    return table


def options_table(result: ComparisonResult, name: _Names) -> FittedTable:
    """Each force option per item: personnel fill, met, and with draws P(met) and
    P(headcount); the change of personnel fill against A in points."""
    n = len(result.items)
    odds = result.draws > 0
    columns = [Column("Force option", key=True)]
    for k in range(n):
        columns += [Column(f"{letter(k)} fill", "right"), Column(f"{letter(k)} met", "right")]
        if odds:
            columns += [
                Column(f"{letter(k)} P(met)", "right"),
                Column(f"{letter(k)} P(headcount)", "right"),
            ]
    columns += _delta_headers(result, " fill")
    caption = (
        "fill: personnel fill (filled / required personnel, line by line); unit fill in "
        "--json; - : the option is not in that workspace"
    )
    if odds:
        caption += (
            f"; P(met), P(headcount): {result.draws:,} draws, seed {result.seed:,}, over the "
            "conditions each scenario leaves free"
        )
    table = FittedTable(columns, title="Force options", caption=caption)
    for rid, option in result.requirements.items():
        cells: list[str] = []
        for k in range(n):
            fill, met = option.personnel_fill[k], option.met[k]
            cells += [
                "-" if fill is None else percent(fill),
                "-" if met is None else ("yes" if met else "no"),
            ]
            if odds:
                p_met, head = option.p_met[k], option.p_headcount[k]
                cells += [
                    "-" if p_met is None else percent(p_met),
                    "-" if head is None else percent(head),
                ]
        base = option.personnel_fill[0]
        for k in range(1, n):
            fill = option.personnel_fill[k]
            cells.append("-" if fill is None or base is None else _points(fill - base))
        table.add_row(name(names.requirement, rid), *cells)
    return table


def flips_table(result: ComparisonResult, name: _Names) -> FittedTable:
    """The lines whose status differs between items."""
    n = len(result.items)
    columns = [Column("Force option", key=True), Column("Line", key=True)]
    columns += [Column(letter(k)) for k in range(n)]
    table = FittedTable(columns, title="Lines that change status")
    for flip in result.lines_flipped:
        table.add_row(
            name(names.requirement, flip.requirement),
            name.line(flip.capability, flip.zone),
            *[_STATUS[s] for s in flip.status],
        )
    return table


def pledges_table(result: ComparisonResult, name: _Names) -> FittedTable:
    """The pledges whose state or fields differ between items."""
    n = len(result.items)
    fields_differ = any(change.fields for change in result.pledges_changed)
    columns = [Column("Pledge", key=True)] + [Column(letter(k)) for k in range(n)]
    if fields_differ:
        columns.append(Column("Fields that differ"))
    table = FittedTable(
        columns,
        title="Pledges that differ",
        caption="active: its conditions hold in the scenario; inactive: they do not; "
        "- : not in that workspace",
    )
    for change in result.pledges_changed:
        cells = [name.pledge(change.pledge), *[_STATE[s] for s in change.state]]
        if fields_differ:
            cells.append(", ".join(f.replace("_", " ") for f in change.fields) or "-")
        table.add_row(*cells)
    return table


def compare_report(result: ComparisonResult, workspaces: Sequence[Workspace]) -> RenderableType:
    """The whole report: items, nations, capabilities, force options, flips, pledges."""
    name = _Names(workspaces)
    parts: list[RenderableType] = [
        items_table(result),
        nations_table(result, name),
        capabilities_table(result, name),
        options_table(result, name),
    ]
    if result.lines_flipped:
        parts.append(flips_table(result, name))
    else:
        parts.append(Text("No force-option line changes status."))
    if result.pledges_changed:
        parts.append(pledges_table(result, name))
    else:
        parts.append(Text("No pledge differs."))
    return Group(*parts)


def print_compare_report(result: ComparisonResult, workspaces: Sequence[Workspace]) -> None:
    """Print the comparison report to standard output."""
    make_console().print(compare_report(result, workspaces))


# -- --csv and --xlsx ---------------------------------------------------------------


def compare_tables(
    result: ComparisonResult, workspaces: Sequence[Workspace]
) -> dict[str, pd.DataFrame]:
    """The tables of ``--csv`` (the first: personnel by nation) and ``--xlsx`` (all):
    ids next to names, units in the headers, one column per item labelled as given on
    the command line; deltas are each item minus the first."""
    import pandas as pd

    name = _Names(workspaces)
    first = result.items[0]
    later = list(enumerate(result.items))[1:]
    nations = pd.DataFrame(
        {
            "nation": list(result.nations),
            "nation name": [name(names.nation, n) for n in result.nations],
            **{
                f"{item}: personnel [persons]": [v[k] for v in result.nations.values()]
                for k, item in enumerate(result.items)
            },
            **{
                f"{item} - {first}: personnel [persons]": [
                    v[k] - v[0] for v in result.nations.values()
                ]
                for k, item in later
            },
        }
    )
    caps = list(result.capability_units)
    people = result.capability_personnel
    capabilities = pd.DataFrame(
        {
            "capability": caps,
            "capability name": [name(names.capability, c) for c in caps],
            **{
                f"{item}: units [units]": [result.capability_units[c][k] for c in caps]
                for k, item in enumerate(result.items)
            },
            **{
                f"{item}: personnel [persons]": [people[c][k] for c in caps]
                for k, item in enumerate(result.items)
            },
            **{
                f"{item} - {first}: personnel [persons]": [
                    people[c][k] - people[c][0] for c in caps
                ]
                for k, item in later
            },
        }
    )
    options = pd.DataFrame(
        [
            {
                "force option": rid,
                "force option name": name(names.requirement, rid),
                "item": item,
                "personnel fill [0-1]": option.personnel_fill[k],
                "unit fill [0-1]": option.fill_ratio[k],
                "met": option.met[k],
                "required personnel [persons]": option.required_personnel[k],
                "filled personnel [persons]": option.filled_personnel[k],
                "P(met) [0-1]": option.p_met[k],
                "P(headcount) [0-1]": option.p_headcount[k],
            }
            for rid, option in result.requirements.items()
            for k, item in enumerate(result.items)
        ]
    )
    lines = pd.DataFrame(
        [
            {
                "force option": f.requirement,
                "force option name": name(names.requirement, f.requirement),
                "line": f.line,
                "line name": name.line(f.capability, f.zone),
                **{f"{item}: status": f.status[k] for k, item in enumerate(result.items)},
            }
            for f in result.lines_flipped
        ],
        columns=[
            "force option",
            "force option name",
            "line",
            "line name",
            *[f"{item}: status" for item in result.items],
        ],
    )
    pledges = pd.DataFrame(
        [
            {
                "pledge": c.pledge,
                "pledge name": name.pledge(c.pledge),
                **{f"{item}: state": c.state[k] for k, item in enumerate(result.items)},
                "fields that differ": ", ".join(c.fields),
            }
            for c in result.pledges_changed
        ],
        columns=[
            "pledge",
            "pledge name",
            *[f"{item}: state" for item in result.items],
            "fields that differ",
        ],
    )
    return {
        "Nations": nations,
        "Capabilities": capabilities,
        "Force options": options,
        "Lines that flip": lines,
        "Pledges that differ": pledges,
    }
