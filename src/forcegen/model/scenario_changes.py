"""Scenarios that change the force: the workspace a scenario is evaluated on.

A scenario may add pledges (full records), withdraw pledges by id and patch fields
(``PATH: VALUE``, the path syntax of ``--set``, :mod:`forcegen.model.changes`), and may
``extends`` another scenario, inheriting its assume, additions, withdrawals and patches
(the chain's root first; a later patch of the same path wins). The changes are applied to
the workspace's plain data in that order (additions, then withdrawals, which set a
pledge's ``status: withdrawn``, then patches) and the result is validated by the normal
build, so an added pledge is checked like one in the file (fields, references,
provenance, stance). :func:`build_variants` does it for every scenario when the
workspace is built, reporting each problem at the scenario entry that caused it;
:func:`scenario_workspace` does it for a scenario object made in code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from forcegen.errors import Issue, PathPart, WorkspaceError, format_path, shown
from forcegen.model.changes import Change, PathSyntaxError, apply_changes, split_path
from forcegen.model.checks import Known

if TYPE_CHECKING:
    from forcegen.model.scenarios import Scenario
    from forcegen.model.workspace import Workspace

SCENARIOS = "scenarios"
PLEDGES = "pledges"


def check_extends(items: Sequence[Any]) -> list[Issue]:
    """Every ``extends`` names another scenario, and no chain of them comes back to itself."""
    issues: list[Issue] = []
    index = _index(items)
    known = Known(index)
    for n, item in enumerate(items):
        parent = item.get("extends") if isinstance(item, dict) else None
        if not isinstance(parent, str):
            continue
        if parent not in index:
            close = known.closest(parent)
            issues.append(
                Issue(
                    (SCENARIOS, n, "extends"),
                    f"unknown scenario '{shown(parent)}'",
                    found=repr(parent),
                    expected=f"the id of a scenario in the workspace ({known.listing()})",
                    hint=f"did you mean '{close}'?" if close else None,
                )
            )
    reported: set[frozenset[int]] = set()
    for n in range(len(items)):
        cycle = _cycle_from(items, index, n)
        if cycle is None or frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        names = [str(items[k]["id"]) for k in cycle]
        issues.append(
            Issue(
                (SCENARIOS, cycle[0], "extends"),
                "scenarios extend each other in a cycle: " + " -> ".join([*names, names[0]]),
                expected="a chain of extends that ends at a scenario extending none",
            )
        )
    return issues


def _index(items: Sequence[Any]) -> dict[str, int]:
    """Scenario id -> position in the raw list (the first, when an id repeats)."""
    out: dict[str, int] = {}
    for n, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.setdefault(item["id"], n)
    return out


def _parent(items: Sequence[Any], index: Mapping[str, int], n: int) -> int | None:
    item = items[n]
    parent = item.get("extends") if isinstance(item, dict) else None
    return index.get(parent) if isinstance(parent, str) else None


def _cycle_from(items: Sequence[Any], index: Mapping[str, int], n: int) -> list[int] | None:
    """The cycle that following ``extends`` from scenario ``n`` runs into, if ``n`` is on it."""
    seen: list[int] = []
    at: int | None = n
    while at is not None and at not in seen:
        seen.append(at)
        at = _parent(items, index, at)
    if at is None or at != n:
        return None
    return seen


def chain(items: Sequence[Any], n: int) -> list[int]:
    """Positions of scenario ``n`` and its ancestors, the root first (no cycles: checked)."""
    index = _index(items)
    out: list[int] = []
    at: int | None = n
    while at is not None and at not in out:
        out.append(at)
        at = _parent(items, index, at)
    return out[::-1]


def merge_extends(items: Sequence[Any], scenarios: Mapping[str, Scenario]) -> dict[str, Scenario]:
    """Each scenario with what its ``extends`` chain gives it: assume, additions,
    withdrawals and patches of the ancestors first, its own after (and winning)."""
    out: dict[str, Scenario] = {}
    index = _index(items)
    for sid, scenario in scenarios.items():
        if scenario.extends is None:
            out[sid] = scenario
            continue
        line = [scenarios[str(items[k]["id"])] for k in chain(items, index[sid])]
        assume: dict[str, bool] = {}
        patch: dict[str, Any] = {}
        for s in line:
            assume.update(s.assume)
            patch.update(s.patch)
        out[sid] = scenario.model_copy(
            update={
                "assume": assume,
                "add_pledges": tuple(p for s in line for p in s.add_pledges),
                "withdraw": tuple(w for s in line for w in s.withdraw),
                "patch": patch,
            }
        )
    return out


def build_variants(
    data: Mapping[str, Any], workspace: Workspace
) -> tuple[dict[str, Workspace], list[Issue], list[Issue]]:
    """The workspace of every scenario that changes the force, the errors its changes
    make (located at the scenario's entries) and the warnings they add (an added pledge
    without a source, against its nation's stated stance...)."""
    from forcegen.model.workspace import build_workspace

    items = data.get(SCENARIOS) or []
    variants: dict[str, Workspace] = {}
    errors: list[Issue] = []
    warnings: list[Issue] = []
    seen: set[tuple[tuple[PathPart, ...], str]] = set()
    base_warnings = {(w.path, w.message) for w in workspace.warnings}
    for n, item in enumerate(items):
        sid = item["id"]
        if not workspace.scenarios[sid].changes_force:
            continue
        variant_data, remap, problems = _changed_data(data, items, n)
        fresh = [i for i in problems if (i.path, i.message) not in seen]
        errors.extend(fresh)
        seen.update((i.path, i.message) for i in fresh)
        if problems:
            continue
        try:
            variant = build_workspace(variant_data, workspace.origin, variants=False)
        except WorkspaceError as exc:
            for issue in exc.issues:
                moved = remap(issue, n)
                if (moved.path, moved.message) not in seen:
                    seen.add((moved.path, moved.message))
                    errors.append(moved)
            continue
        variants[sid] = dataclasses.replace(variant.dated_like(workspace), variant_of=sid)
        for warning in variant.warnings:
            if (warning.path, warning.message) in base_warnings:
                continue
            moved = remap(warning, n)
            if (moved.path, moved.message) not in seen:
                seen.add((moved.path, moved.message))
                warnings.append(moved)
    return variants, errors, warnings


def _changed_data(
    data: Mapping[str, Any], items: Sequence[Any], n: int
) -> tuple[
    dict[str, Any],
    Any,
    list[Issue],
]:
    """The plain data with scenario ``n``'s changes (its chain's) applied, a function that
    moves an issue of that data to the scenario entry behind it, and the problems found
    applying them (an unknown pledge withdrawn, a patch path that leads nowhere)."""
    out = dict(data)
    pledges = list(out.get(PLEDGES) or [])
    base = len(pledges)
    added: dict[int, tuple[int, int]] = {}  # pledge position -> (scenario, entry)
    line = chain(items, n)
    for k in line:
        for j, pledge in enumerate(items[k].get("add_pledges") or []):
            added[len(pledges)] = (k, j)
            pledges.append(pledge)
    out[PLEDGES] = pledges
    placed: dict[tuple[PathPart, ...], tuple[PathPart, ...]] = {}
    problems: list[Issue] = []
    positions = {
        p["id"]: m
        for m, p in enumerate(pledges)
        if isinstance(p, dict) and isinstance(p.get("id"), str)
    }
    known = Known(positions)
    for k in line:
        for j, pid in enumerate(items[k].get("withdraw") or []):
            entry: tuple[PathPart, ...] = (SCENARIOS, k, "withdraw", j)
            if pid not in positions:
                close = known.closest(str(pid))
                problems.append(
                    Issue(
                        entry,
                        f"unknown pledge '{shown(pid)}'",
                        found=repr(pid),
                        expected=f"the id of a pledge in the workspace ({known.listing()})",
                        hint=f"did you mean '{close}'?" if close else None,
                    )
                )
                continue
            m = positions[pid]
            pledges[m] = {**pledges[m], "status": "withdrawn"}
            placed[(PLEDGES, m, "status")] = entry
    patches: dict[str, tuple[int, Any]] = {}
    for k in line:
        for path, value in (items[k].get("patch") or {}).items():
            patches[str(path)] = (k, value)
    changes: list[Change] = []
    entries: dict[str, tuple[PathPart, ...]] = {}
    for path, (k, value) in patches.items():
        entry = (SCENARIOS, k, "patch", path)
        where = f"{k}:{path}"
        entries[where] = entry
        try:
            steps = split_path(path, where)
        except PathSyntaxError:  # reported by the Scenario model
            continue
        changes.append(Change(where, f"{path}={value!r}", steps, value))
    found, set_paths = apply_changes(out, changes)
    for issue in found:
        assert issue.file is not None
        problems.append(dataclasses.replace(issue, path=entries[issue.file], file=None))
    for path, where in set_paths.items():
        placed[path] = entries[where]

    def remap(issue: Issue, owner: int) -> Issue:
        path = issue.path
        if len(path) >= 2 and path[0] == PLEDGES and isinstance(path[1], int) and path[1] >= base:
            k, j = added[path[1]]
            return dataclasses.replace(issue, path=(SCENARIOS, k, "add_pledges", j, *path[2:]))
        for cut in range(len(path), 0, -1):
            entry = placed.get(tuple(path[:cut]))
            if entry is not None:
                return dataclasses.replace(
                    issue, path=entry, message=f"{format_path(path)}: {issue.message}"
                )
        return dataclasses.replace(
            issue,
            path=(SCENARIOS, owner),
            message=f"with this scenario's changes, {format_path(path)}: {issue.message}",
        )

    return out, remap, problems


def workspace_data(workspace: Workspace) -> dict[str, Any]:
    """The workspace as plain data (the fields each record was given), for rebuilding."""
    from forcegen.model.workspace import SECTIONS

    out: dict[str, Any] = {
        section: [
            r.model_dump(mode="json", exclude_unset=True, by_alias=True)
            for r in getattr(workspace, section).values()
        ]
        for section in SECTIONS
    }
    if workspace.network is not None:
        out["network"] = workspace.network.model_dump(
            mode="json", exclude_unset=True, by_alias=True
        )
    out["defaults"] = workspace.defaults.model_dump(mode="json", exclude_unset=True, by_alias=True)
    out["posture"] = workspace.posture.model_dump(mode="json", exclude_unset=True, by_alias=True)
    out["supply"] = workspace.supply.model_dump(mode="json", exclude_unset=True, by_alias=True)
    return out


def keep_scenarios(data: dict[str, Any], scenarios: list[dict[str, Any]]) -> None:
    """Make ``scenarios`` (plain records) the only scenarios of the workspace data
    ``data`` (changed in place), for a workspace built to evaluate just those: a setting
    that names another scenario (the posture's ``risk_scenario``) is left out of it."""
    data[SCENARIOS] = scenarios
    kept = {s.get("id") for s in scenarios}
    posture = data.get("posture")
    if isinstance(posture, dict) and posture.get("risk_scenario") not in (None, *kept):
        data["posture"] = {k: v for k, v in posture.items() if k != "risk_scenario"}


def scenario_workspace(workspace: Workspace, scenario: Scenario) -> Workspace:
    """The workspace ``scenario`` (an object, possibly not in ``workspace``) is evaluated
    on: ``workspace`` itself when the scenario changes nothing. Raises
    :class:`~forcegen.errors.WorkspaceError` when its changes do not validate."""
    from forcegen.model.workspace import build_workspace

    if not scenario.changes_force:
        return workspace
    data = workspace_data(workspace)
    own = scenario.model_dump(mode="json", exclude_unset=True, by_alias=True)
    own.pop("extends", None)  # a scenario object carries what it inherits already
    keep_scenarios(data, [own])
    built = build_workspace(data, workspace.origin)
    return built.variants[scenario.id].dated_like(workspace)


__all__ = [
    "build_variants",
    "chain",
    "check_extends",
    "keep_scenarios",
    "merge_extends",
    "scenario_workspace",
    "workspace_data",
]
