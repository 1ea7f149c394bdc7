"""Changes to a workspace's raw data by field path: ``nations.GBR.rotation_ratio`` -> 4.

The one path syntax of ``--set PATH=VALUE`` (:mod:`forcegen.io.overrides`) and of a
scenario's ``patch`` entries (:mod:`forcegen.model.scenario_changes`): the first step is
a section (``nations``, ``defaults``, ``network``...); a step into a list of records names
a record by its ``id`` (``*`` for every record; a number for the n-th item, counted from
0, of a list without ids); a step into a mapping names a key (``*`` for every key). The
last step may name a field the record leaves unset. Changes are applied to the plain
data before validation, so a bad value gets the message it would get in a file.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from forcegen.errors import ForcegenError, Issue, PathPart, format_path, shown
from forcegen.model.checks import Known
from forcegen.model.workspace import MAPPINGS, RECORD_MODELS, SECTIONS

WILDCARD = "*"
"""A path step that matches every record (or key) at that level."""


class PathSyntaxError(ForcegenError):
    """A change whose text is not ``PATH=VALUE`` (no '=', an empty path or step)."""

    def __init__(self, where: str, text: str, problem: str) -> None:
        self.where, self.text, self.problem = where, text, problem
        super().__init__(
            f"{where} {shown(text)!r}: {problem}; expected PATH=VALUE, "
            "e.g. nations.GBR.rotation_ratio=4"
        )


@dataclass(frozen=True)
class Change:
    """One change: where it was given, the steps of its path and the value (plain data)."""

    where: str
    """How messages name it: ``--set #2``, or ``scenario 'x' patch``."""
    text: str
    """The change as given, ``nations.GBR.rotation_ratio=4``."""
    steps: tuple[str, ...]
    value: Any = None

    @property
    def path(self) -> str:
        """The path as written, ``nations.GBR.rotation_ratio``."""
        return ".".join(self.steps)


def split_path(path: str, where: str, text: str | None = None) -> tuple[str, ...]:
    """The steps of a dotted path; :class:`PathSyntaxError` when it or a step is empty."""
    shown_text = path if text is None else text
    path = path.strip()
    if not path:
        raise PathSyntaxError(where, shown_text, "the path before '=' is empty")
    steps = tuple(step.strip() for step in path.split("."))
    if any(not step for step in steps):
        raise PathSyntaxError(where, shown_text, f"the path {shown(path)!r} has an empty step")
    return steps


def apply_changes(
    data: dict[str, Any], changes: Sequence[Change]
) -> tuple[list[Issue], dict[tuple[PathPart, ...], str]]:
    """Apply ``changes`` in order to the raw workspace ``data`` (changed in place; the
    records and mappings along each path are copied first, so a YAML alias shared by
    another record is never changed with it).

    Returns the problems found (unknown section, record id or field, a wildcard that
    matches nothing, an unreadable value), each located at the override, and the
    concrete field path (list indices, as validation reports them) each override set,
    mapped to the override's ``where``, for the loader to locate validation issues.
    """
    issues: list[Issue] = []
    placed: dict[tuple[PathPart, ...], str] = {}
    for over in changes:
        targets, problem = _targets(data, over)
        if problem is not None:
            issues.append(problem)
            continue
        for parent, key, path in targets:
            parent[key] = over.value
            placed[path] = over.where
    return issues, placed


def _targets(
    data: dict[str, Any], over: Change
) -> tuple[list[tuple[Any, PathPart, tuple[PathPart, ...]]], Issue | None]:
    """(container, key, concrete path) of every field the override sets, or the problem."""
    section = over.steps[0]
    if section not in SECTIONS and section not in MAPPINGS:
        known = [*SECTIONS, *MAPPINGS]
        close = difflib.get_close_matches(section, known, n=1)
        return [], _problem(
            over,
            (section,),
            f"unknown section '{shown(section)}'",
            expected="one of: " + ", ".join(known),
            hint=f"did you mean '{close[0]}'?" if close else None,
        )
    if len(over.steps) == 1:
        return [], _problem(
            over,
            (section,),
            f"the path names the whole section '{section}'",
            expected=f"{section}.ID.FIELD" if section in SECTIONS else f"{section}.FIELD",
        )
    if data.get(section) is None:
        data[section] = [] if section in SECTIONS else {}
    # (parent container, key in it, concrete path) of the nodes reached so far
    frontier: list[tuple[Any, PathPart, tuple[PathPart, ...]]] = [(data, section, (section,))]
    for depth, step in enumerate(over.steps[1:], start=1):
        last = depth == len(over.steps) - 1
        reached: list[tuple[Any, PathPart, tuple[PathPart, ...]]] = []
        for parent, key, path in frontier:
            node = _copied(parent, key)
            found, problem = _step(node, step, path, over, last)
            if problem is not None:
                return [], problem
            reached.extend(found)
        if not reached:
            return [], _problem(
                over,
                tuple(over.steps[:depth]),
                f"'{WILDCARD}' in {over.path!r} matches no record",
                expected="a path whose wildcard matches at least one record",
            )
        frontier = reached
    return frontier, None


def _copied(parent: Any, key: PathPart) -> Any:
    """The container at ``parent[key]``, replaced there by a shallow copy first."""
    node = parent[key]
    if isinstance(node, dict):
        node = dict(node)
    elif isinstance(node, list):
        node = list(node)
    else:
        return node
    parent[key] = node
    return node


def _step(
    node: Any, step: str, path: tuple[PathPart, ...], over: Change, last: bool
) -> tuple[list[tuple[Any, PathPart, tuple[PathPart, ...]]], Issue | None]:
    """The children of ``node`` that ``step`` names (a key, an id, a position or '*')."""
    if isinstance(node, list):
        with_ids = [n for n, item in enumerate(node) if isinstance(item, dict) and "id" in item]
        if step == WILDCARD:
            return [(node, n, (*path, n)) for n in range(len(node))], None
        if with_ids:
            ids = {str(node[n]["id"]): n for n in with_ids}
            if step in ids:
                n = ids[step]
                return [(node, n, (*path, n))], None
            near = Known(ids).closest(step)
            kind = _record_kind(path)
            return [], _problem(
                over,
                tuple(over.steps[: len(path) + 1]),
                f"no {kind} with id '{shown(step)}'",
                expected=f"the id of a {kind} in the workspace ({Known(ids).listing()})",
                hint=f"did you mean '{near}'?" if near else None,
            )
        if step.isdigit() and int(step) < len(node):
            return [(node, int(step), (*path, int(step)))], None
        what = (
            f"the list {format_path(path)} is empty"
            if not node
            else f"no item {shown(step)!r} in the list {format_path(path)}"
        )
        return [], _problem(
            over,
            tuple(over.steps[: len(path) + 1]),
            what,
            expected=f"a position from 0 to {len(node) - 1}" if node else "an existing record",
        )
    if isinstance(node, dict):
        if step == WILDCARD:
            return [(node, k, (*path, k)) for k in node], None
        fields = _record_fields(path)
        if step in node or (last and (fields is None or step in fields)):
            return [(node, step, (*path, step))], None
        if fields is not None:  # a record: the message validation gives an unknown field
            names = list(fields)
            close = difflib.get_close_matches(step, names, n=1)
            message = f"unknown field '{shown(step)}'"
        else:
            names = [str(k) for k in node]
            close = difflib.get_close_matches(step, names, n=1)
            message = f"no field '{shown(step)}' in {format_path(path)}"
        return [], _problem(
            over,
            tuple(over.steps[: len(path) + 1]),
            message,
            expected="one of: " + (", ".join(names) or "(none)"),
            hint=f"did you mean '{close[0]}'?" if close else None,
        )
    return [], _problem(
        over,
        tuple(over.steps[: len(path) + 1]),
        f"{format_path(path)} is a single value, not a record or a mapping",
        found=_short(node),
        expected=f"a path that ends at {format_path(path)}",
    )


def _record_fields(path: tuple[PathPart, ...]) -> Sequence[str] | None:
    """The fields of the record at ``path`` when it is a section's record, the defaults or
    the network (so a misspelt field is refused once, not once per record of a wildcard)."""
    if len(path) == 2 and isinstance(path[1], int) and path[0] in SECTIONS:
        return list(RECORD_MODELS[str(path[0])].model_fields)
    if len(path) == 1 and path[0] in MAPPINGS:
        return list(RECORD_MODELS[str(path[0])].model_fields)
    return None


def _record_kind(path: tuple[PathPart, ...]) -> str:
    """'pledge' for the list at ('pledges',), 'leg' for ('network', 'legs'), else 'entry'."""
    last = path[-1] if path else ""
    if last == "headquarters":
        return "headquarters"
    if last in SECTIONS or path in (("network", "nodes"), ("network", "legs")):
        return str(last)[:-1]
    if path == ("network", "disruptions"):
        return "disruption"
    return "entry"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problem(
    over: Change,
    path: tuple[PathPart, ...],
    message: str,
    *,
    found: str | None = None,
    expected: str | None = None,
    hint: str | None = None,
) -> Issue:
    return Issue(path, message, found=found, expected=expected, hint=hint, file=over.where)


def locate_change(issue: Issue, placed: Mapping[tuple[PathPart, ...], str]) -> Issue | None:
    """The issue located at the override that set its field (or a field above it), or None
    when no override set it."""
    if issue.file is not None or not placed:
        return None
    for n in range(len(issue.path), 0, -1):
        where = placed.get(tuple(issue.path[:n]))
        if where is not None:
            return replace(issue, file=where, line=None)
    return None


__all__ = [
    "WILDCARD",
    "Change",
    "PathSyntaxError",
    "apply_changes",
    "locate_change",
    "split_path",
]
