"""Cross-reference checks on validated records: small named functions yielding issues.

Each ``check_*`` takes the records that passed field validation (and the ids of every
record in the input, valid or not, so that one bad record does not make every
reference to it an error too) and yields :class:`~forcegen.errors.Issue` records.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from forcegen.errors import ExpressionError, Issue, PathPart
from forcegen.expressions import KEYWORDS, Expression, parse
from forcegen.model.conditions import Condition
from forcegen.model.pledges import Pledge
from forcegen.model.requirements import Requirement
from forcegen.model.scenarios import Scenario


@dataclass(frozen=True)
class Indexed:
    """A validated record and its position in the merged input."""

    index: int
    record: Any


@dataclass(frozen=True)
class CheckContext:
    """What the checks see: valid records per section and all ids present in the input."""

    records: Mapping[str, Sequence[Indexed]]
    ids: Mapping[str, frozenset[str]]

    def of(self, section: str) -> Sequence[Indexed]:
        """Valid records of one section."""
        return self.records.get(section, ())


def _unknown(path: tuple[PathPart, ...], kind: str, wanted: str, known: Iterable[str]) -> Issue:
    known = sorted(known)
    close = difflib.get_close_matches(wanted, known, n=1)
    return Issue(
        path=path,
        message=f"unknown {kind} '{wanted}'",
        found=repr(wanted),
        expected=f"the id of a {kind} in the workspace"
        + (f" ({', '.join(known[:12])}{', ...' if len(known) > 12 else ''})" if known else ""),
        hint=f"did you mean '{close[0]}'?" if close else None,
    )


def check_unique_ids(section: str, items: Sequence[Any]) -> Iterator[Issue]:
    """Ids must be unique within a section (checked on the raw items)."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        rid = item["id"]
        if rid in first:
            yield Issue(
                path=(section, index, "id"),
                message=f"duplicate id '{rid}' (first used by {section}[{first[rid]}])",
                found=repr(rid),
                expected="an id used once per section",
            )
        else:
            first[rid] = index


def check_pledge_references(ctx: CheckContext) -> Iterator[Issue]:
    """Every pledge names an existing nation, capability and zones."""
    for item in ctx.of("pledges"):
        pledge: Pledge = item.record
        base: tuple[PathPart, ...] = ("pledges", item.index)
        if pledge.nation not in ctx.ids["nations"]:
            yield _unknown((*base, "nation"), "nation", pledge.nation, ctx.ids["nations"])
        if pledge.capability not in ctx.ids["capabilities"]:
            yield _unknown(
                (*base, "capability"), "capability", pledge.capability, ctx.ids["capabilities"]
            )
        for z, zone in enumerate(pledge.zones or ()):
            if zone not in ctx.ids["zones"]:
                yield _unknown((*base, "zones", z), "zone", zone, ctx.ids["zones"])


def check_requirement_references(ctx: CheckContext) -> Iterator[Issue]:
    """Every requirement line names an existing capability and zone."""
    for item in ctx.of("requirements"):
        requirement: Requirement = item.record
        for n, line in enumerate(requirement.lines):
            base: tuple[PathPart, ...] = ("requirements", item.index, "lines", n)
            if line.capability not in ctx.ids["capabilities"]:
                yield _unknown(
                    (*base, "capability"), "capability", line.capability, ctx.ids["capabilities"]
                )
            if line.zone is not None and line.zone not in ctx.ids["zones"]:
                yield _unknown((*base, "zone"), "zone", line.zone, ctx.ids["zones"])


def check_scenario_references(ctx: CheckContext) -> Iterator[Issue]:
    """Scenarios fix only conditions that exist."""
    for item in ctx.of("scenarios"):
        scenario: Scenario = item.record
        for cid in scenario.assume:
            if cid not in ctx.ids["conditions"]:
                path = ("scenarios", item.index, "assume", cid)
                yield _unknown(path, "condition", cid, ctx.ids["conditions"])


def check_condition_ids(ctx: CheckContext) -> Iterator[Issue]:
    """Condition ids must not be expression keywords; ``given`` must name conditions."""
    for item in ctx.of("conditions"):
        condition: Condition = item.record
        base: tuple[PathPart, ...] = ("conditions", item.index)
        if condition.id in KEYWORDS:
            yield Issue(
                path=(*base, "id"),
                message=f"'{condition.id}' is a keyword of condition expressions",
                found=repr(condition.id),
                expected=f"an id other than {', '.join(sorted(KEYWORDS))}",
            )
        for cid in condition.depends_on:
            path = (*base, "probability", "given", cid)
            if cid == condition.id:
                yield Issue(
                    path=path,
                    message=f"condition '{cid}' depends on itself",
                    expected="other conditions only",
                )
            elif cid not in ctx.ids["conditions"]:
                yield _unknown(path, "condition", cid, ctx.ids["conditions"])


def check_condition_cycles(ctx: CheckContext) -> Iterator[Issue]:
    """``given`` rules must not form a cycle (a -> b -> a)."""
    graph: dict[str, tuple[str, ...]] = {}
    where: dict[str, int] = {}
    for item in ctx.of("conditions"):
        condition: Condition = item.record
        graph[condition.id] = tuple(c for c in condition.depends_on if c != condition.id)
        where[condition.id] = item.index
    reported: set[frozenset[str]] = set()
    for cycle in find_cycles(graph):
        key = frozenset(cycle)
        if key in reported:
            continue
        reported.add(key)
        yield Issue(
            path=("conditions", where[cycle[0]], "probability", "given"),
            message="conditions depend on each other in a cycle: " + " -> ".join(cycle),
            expected="given rules that can be evaluated in some order (no cycle)",
            hint="remove one of the given rules in the cycle",
        )


def find_cycles(graph: Mapping[str, Sequence[str]]) -> Iterator[list[str]]:
    """Yield one cycle (as a closed list of nodes) per strongly connected loop found.

    Iterative depth-first search; nodes absent from ``graph`` are ignored.
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in graph:
        if state.get(start):
            continue
        path: list[str] = [start]
        iters = [iter(graph[start])]
        state[start] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                yield [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(graph[nxt]))


def parse_requires(ctx: CheckContext) -> tuple[dict[str, Expression], list[Issue]]:
    """Parse every pledge's ``requires`` against the workspace's condition ids."""
    parsed: dict[str, Expression] = {}
    issues: list[Issue] = []
    known = ctx.ids["conditions"]
    for item in ctx.of("pledges"):
        pledge: Pledge = item.record
        try:
            parsed[pledge.id] = parse(pledge.requires, known)
        except ExpressionError as exc:
            text = pledge.requires
            shown = text if len(text) <= 60 else text[:57] + "..."
            issues.append(
                Issue(
                    path=("pledges", item.index, "requires"),
                    message=f"bad condition expression {shown!r}: {exc.message}",
                    expected=exc.expected,
                    column=exc.column,
                )
            )
    return parsed, issues


CROSS_CHECKS = (
    check_pledge_references,
    check_requirement_references,
    check_scenario_references,
    check_condition_ids,
    check_condition_cycles,
)
"""Reference checks run, in order, on every workspace."""
