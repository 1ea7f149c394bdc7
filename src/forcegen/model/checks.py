"""Cross-reference checks: small named functions yielding issues.

They run on the raw records (plain mappings as read), not only on the records that
passed field validation, so that one run reports a bad quantity *and* an unknown
nation in the same pledge. Values of the wrong type are skipped here: field
validation reports them. In particular an id or reference that is not text (a list,
a mapping, a number) is never looked up in a set or dict: lists and mappings cannot be
hashed, and a number never names a record.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, TypeGuard

from forcegen.errors import ExpressionError, Issue, PathPart, shown
from forcegen.expressions import KEYWORDS, Expression, parse
from forcegen.limits import LIMITS, MAX_PERSONNEL, MAX_QUANTITY

MAX_SUGGESTIONS = 100
"""Unknown references per id set that get a 'did you mean' hint (difflib is linear in
the ids, so every reference of 100,000 getting one would be quadratic)."""

MAX_CYCLES = 100
"""Cycles of given rules looked at (each is listed, so many long ones would be quadratic)."""

MAX_CANDIDATES = 2_000
"""Id sets larger than this get no 'did you mean' hints."""


class Known:
    """The ids a reference may name, with bounded work per unknown reference: they are
    listed (sorted, the first 12) once, and 'did you mean' hints are computed for the
    first :data:`MAX_SUGGESTIONS` unknown names only, each once."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = ids if isinstance(ids, frozenset) else frozenset(ids)
        self._listing: str | None = None
        self._hints: dict[str, str | None] = {}

    def __contains__(self, item: object) -> bool:
        return item in self.ids

    def listing(self) -> str:
        """``a, b, c, ...``: the first 12 ids in order, shown visibly."""
        if self._listing is None:
            first = heapq.nsmallest(13, self.ids)
            shown = [_visible(i) for i in first[:12]]
            self._listing = ", ".join(shown) + (", ..." if len(first) > 12 else "")
        return self._listing

    def closest(self, wanted: str) -> str | None:
        """The id most like ``wanted``, if one is close and the budget allows."""
        if wanted in self._hints:
            return self._hints[wanted]
        if len(self._hints) >= MAX_SUGGESTIONS or len(self.ids) > MAX_CANDIDATES:
            return None
        close = difflib.get_close_matches(wanted[:100], self.ids, n=1)
        self._hints[wanted] = close[0] if close else None
        return self._hints[wanted]


def _visible(text: str, limit: int = 40, quote: bool = False) -> str:
    """``text`` as a message shows it: shortened to ``limit`` characters; as is (or in
    single quotes) when plain ASCII, else as a Python literal, so that an invisible
    U+200B shows as \\u200b."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    if text and text.isascii() and text.isprintable():
        return f"'{text}'" if quote else text
    return repr(text)


@dataclass(frozen=True)
class CheckContext:
    """What the checks see: the raw list of each section and the ids present in it."""

    raw: Mapping[str, Sequence[Any]]
    ids: Mapping[str, frozenset[str]]
    _known: dict[str, Known] = dataclass_field(default_factory=dict, repr=False)

    def items(self, section: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(index, record) for every record of ``section`` that is a mapping."""
        for index, item in enumerate(self.raw.get(section, ())):
            if isinstance(item, dict):
                yield index, item

    def known(self, section: str) -> Known:
        """The ids of ``section``, for reference checks (made once per section)."""
        if section not in self._known:
            self._known[section] = Known(self.ids.get(section, frozenset()))
        return self._known[section]


def _unknown(path: tuple[PathPart, ...], kind: str, wanted: str, known: Known) -> Issue:
    close = known.closest(wanted)
    listed = known.listing()
    return Issue(
        path=path,
        message=f"unknown {kind} {_visible(wanted, 60, quote=True)}",
        found=repr(wanted if len(wanted) <= 60 else wanted[:57] + "..."),
        expected=f"the id of a {kind} in the workspace" + (f" ({listed})" if listed else ""),
        hint=f"did you mean '{close}'?" if close else None,
    )


def _texts(value: Any) -> Iterator[tuple[int, str]]:
    if isinstance(value, list):
        for n, item in enumerate(value):
            if isinstance(item, str):
                yield n, item


def check_unique_ids(section: str, items: Sequence[Any]) -> Iterator[Issue]:
    """Ids must be unique within a section."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        rid = item["id"]
        if rid in first:
            yield Issue(
                path=(section, index, "id"),
                message=f"duplicate id '{shown(rid)}' (first used by {section}[{first[rid]}])",
                found=repr(rid),
                expected="an id used once per section",
            )
        else:
            first[rid] = index


def check_pledge_references(ctx: CheckContext) -> Iterator[Issue]:
    """Every pledge names an existing nation, capability and zones."""
    for index, pledge in ctx.items("pledges"):
        base: tuple[PathPart, ...] = ("pledges", index)
        for field, kind, section in (
            ("nation", "nation", "nations"),
            ("capability", "capability", "capabilities"),
        ):
            value = pledge.get(field)
            if isinstance(value, str) and value not in ctx.ids[section]:
                yield _unknown((*base, field), kind, value, ctx.known(section))
        for n, zone in _texts(pledge.get("zones")):
            if zone not in ctx.ids["zones"]:
                yield _unknown((*base, "zones", n), "zone", zone, ctx.known("zones"))


def check_revisions(ctx: CheckContext) -> Iterator[Issue]:
    """Every revision of a pledge names existing zones, holds from a date on or after the
    pledge was made, and its condition expression parses (like the pledge's own)."""
    from forcegen.model.common import parse_day

    known = ctx.ids["conditions"]
    for index, pledge in ctx.items("pledges"):
        revisions = pledge.get("revisions")
        if not isinstance(revisions, list):
            continue
        made = _day(pledge.get("date"), parse_day)
        for j, revision in enumerate(revisions):
            if not isinstance(revision, dict):
                continue
            base: tuple[PathPart, ...] = ("pledges", index, "revisions", j)
            for n, zone in _texts(revision.get("zones")):
                if zone not in ctx.ids["zones"]:
                    yield _unknown((*base, "zones", n), "zone", zone, ctx.known("zones"))
            day = _day(revision.get("date"), parse_day)
            if made is not None and day is not None and day < made:
                yield Issue(
                    (*base, "date"),
                    f"the revision holds from {day}, before the pledge was made ({made})",
                    expected=f"a date on or after {made} (or an earlier pledge date)",
                )
            text = revision.get("requires")
            if isinstance(text, str):
                try:
                    parse(text, known, hints=True)
                except ExpressionError as exc:
                    yield _bad_expression((*base, "requires"), text, exc)


def _day(value: Any, parse_day: Any) -> Any:
    """A date, or None when the value is not one (field validation reports it)."""
    try:
        return parse_day(value)
    except ValueError:
        return None


def _bad_expression(path: tuple[PathPart, ...], text: str, exc: ExpressionError) -> Issue:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return Issue(
        path=path,
        message=f"bad condition expression {shown!r}: {exc.message}",
        expected=exc.expected,
        column=exc.column,
    )


def _figure(value: Any, bound: float) -> TypeGuard[int | float]:
    """A number (not true/false) in (0, bound]; anything else is field validation's."""
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= bound


def check_pledge_personnel(ctx: CheckContext) -> Iterator[Issue]:
    """A pledge without ``personnel`` has quantity x its capability's personnel per unit
    (see :meth:`Workspace.pledge_personnel`): that, too, is at most MAX_PERSONNEL."""
    per_unit: dict[str, int | float] = {}
    for _, record in ctx.items("capabilities"):
        cid, strength = record.get("id"), record.get("personnel")
        if isinstance(cid, str) and isinstance(strength, int) and _figure(strength, MAX_PERSONNEL):
            per_unit.setdefault(cid, strength)
    limit = LIMITS["MAX_PERSONNEL"]
    for index, pledge in ctx.items("pledges"):
        quantity, capability = pledge.get("quantity"), pledge.get("capability")
        if pledge.get("personnel") is not None or not _figure(quantity, MAX_QUANTITY):
            continue
        if not isinstance(capability, str) or capability not in per_unit:
            continue
        strength = per_unit[capability]
        derived = round(quantity * strength)
        if derived > MAX_PERSONNEL:
            yield Issue(
                path=("pledges", index),
                message=f"its personnel, quantity x personnel per unit of '{capability}' = "
                f"{quantity:,g} x {strength:,} = {limit.refusal(derived)}",
                expected=f"{limit.at_most()} per pledge",
                hint="give a smaller quantity, or split the pledge",
            )


def check_headquarters_references(ctx: CheckContext) -> Iterator[Issue]:
    """Every headquarters names an existing lead nation, and an existing capability if any."""
    for index, hq in ctx.items("headquarters"):
        lead = hq.get("lead")
        if isinstance(lead, str) and lead not in ctx.ids["nations"]:
            yield _unknown(("headquarters", index, "lead"), "nation", lead, ctx.known("nations"))
        capability = hq.get("capability")
        if isinstance(capability, str) and capability not in ctx.ids["capabilities"]:
            yield _unknown(
                ("headquarters", index, "capability"),
                "capability",
                capability,
                ctx.known("capabilities"),
            )


def check_substitutes(ctx: CheckContext) -> Iterator[Issue]:
    """Substitutes name other existing capabilities."""
    for index, capability in ctx.items("capabilities"):
        subs = capability.get("substitutes")
        if not isinstance(subs, list):
            continue
        for n, sub in enumerate(subs):
            if not isinstance(sub, dict) or not isinstance(sub.get("capability"), str):
                continue
            path: tuple[PathPart, ...] = ("capabilities", index, "substitutes", n, "capability")
            other = sub["capability"]
            if other == capability.get("id"):
                yield Issue(
                    path=path,
                    message=f"capability '{other}' substitutes for itself",
                    expected="another capability",
                )
            elif other not in ctx.ids["capabilities"]:
                yield _unknown(path, "capability", other, ctx.known("capabilities"))


def check_includes(ctx: CheckContext) -> Iterator[Issue]:
    """Organic enablers (``includes``) name other existing capabilities."""
    for index, capability in ctx.items("capabilities"):
        includes = capability.get("includes")
        if not isinstance(includes, list):
            continue
        for n, organic in enumerate(includes):
            if not isinstance(organic, dict) or not isinstance(organic.get("capability"), str):
                continue
            path: tuple[PathPart, ...] = ("capabilities", index, "includes", n, "capability")
            other = organic["capability"]
            if other == capability.get("id"):
                yield Issue(
                    path=path,
                    message=f"capability '{other}' includes itself",
                    expected="another capability (an enabler the unit brings with it)",
                )
            elif other not in ctx.ids["capabilities"]:
                yield _unknown(path, "capability", other, ctx.known("capabilities"))


def check_requirement_references(ctx: CheckContext) -> Iterator[Issue]:
    """Every requirement line names an existing capability and zone."""
    for index, requirement in ctx.items("requirements"):
        lines = requirement.get("lines")
        if not isinstance(lines, list):
            continue
        for n, line in enumerate(lines):
            if not isinstance(line, dict):
                continue
            base: tuple[PathPart, ...] = ("requirements", index, "lines", n)
            capability = line.get("capability")
            if isinstance(capability, str) and capability not in ctx.ids["capabilities"]:
                yield _unknown(
                    (*base, "capability"), "capability", capability, ctx.known("capabilities")
                )
            zone = line.get("zone")
            if isinstance(zone, str) and zone not in ctx.ids["zones"]:
                yield _unknown((*base, "zone"), "zone", zone, ctx.known("zones"))


def check_scenario_references(ctx: CheckContext) -> Iterator[Issue]:
    """Scenarios fix only conditions that exist."""
    for index, scenario in ctx.items("scenarios"):
        assume = scenario.get("assume")
        if not isinstance(assume, dict):
            continue
        for cid in assume:
            if isinstance(cid, str) and cid not in ctx.ids["conditions"]:
                path = ("scenarios", index, "assume", cid)
                yield _unknown(path, "condition", cid, ctx.known("conditions"))


def _given(condition: Mapping[str, Any]) -> list[str]:
    probability = condition.get("probability")
    if isinstance(probability, dict) and isinstance(probability.get("given"), dict):
        return [c for c in probability["given"] if isinstance(c, str)]
    return []


def check_condition_ids(ctx: CheckContext) -> Iterator[Issue]:
    """Condition ids must not be expression keywords; ``given`` must name conditions."""
    for index, condition in ctx.items("conditions"):
        base: tuple[PathPart, ...] = ("conditions", index)
        cid = condition.get("id")
        if not isinstance(cid, str):
            cid = None  # field validation reports it; its given rules are still checked
        elif cid in KEYWORDS:
            yield Issue(
                path=(*base, "id"),
                message=f"'{cid}' is a keyword of condition expressions",
                found=repr(cid),
                expected=f"an id other than {', '.join(sorted(KEYWORDS))}",
            )
        for other in _given(condition):
            path = (*base, "probability", "given", other)
            if other == cid:
                yield Issue(
                    path=path,
                    message=f"condition '{other}' depends on itself",
                    expected="other conditions only",
                )
            elif other not in ctx.ids["conditions"]:
                yield _unknown(path, "condition", other, ctx.known("conditions"))


def check_condition_cycles(ctx: CheckContext) -> Iterator[Issue]:
    """``given`` rules must not form a cycle (a -> b -> a)."""
    graph: dict[str, list[str]] = {}
    where: dict[str, int] = {}
    for index, condition in ctx.items("conditions"):
        cid = condition.get("id")
        if isinstance(cid, str) and cid not in graph:
            graph[cid] = [c for c in _given(condition) if c != cid]
            where[cid] = index
    reported: set[frozenset[str]] = set()
    for found, cycle in enumerate(find_cycles(graph)):
        if found == MAX_CYCLES:
            break  # a cycle is listed in full: many long ones would be quadratic
        key = frozenset(cycle)
        if key in reported:
            continue
        reported.add(key)
        shown = cycle if len(cycle) <= 20 else [*cycle[:10], "...", *cycle[-10:]]
        yield Issue(
            path=("conditions", where[cycle[0]], "probability", "given"),
            message="conditions depend on each other in a cycle: " + " -> ".join(shown),
            expected="given rules that can be evaluated in some order (no cycle)",
            hint="remove one of the given rules in the cycle",
        )


def find_cycles(graph: Mapping[str, Sequence[str]]) -> Iterator[list[str]]:
    """Yield cycles (closed lists of nodes) found by an iterative depth-first search.

    Nodes absent from ``graph`` are ignored.
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    position: dict[str, int] = {}  # where a node on the current path is
    for start in graph:
        if state.get(start):
            continue
        path: list[str] = [start]
        position[start] = 0
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
                yield [*path[position[nxt] :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                position[nxt] = len(path)
                path.append(nxt)
                iters.append(iter(graph[nxt]))


def parse_requires(ctx: CheckContext) -> tuple[dict[str, Expression], list[Issue]]:
    """Parse every pledge's ``requires`` against the workspace's condition ids.

    Returns the parsed expressions by pledge id (pledges without ``requires`` get
    ``true``) and the issues found.
    """
    parsed: dict[str, Expression] = {}
    issues: list[Issue] = []
    known = ctx.ids["conditions"]
    seen: dict[str, Expression] = {}  # many pledges share one text (and 'true')
    for index, pledge in ctx.items("pledges"):
        text = pledge.get("requires", "true")
        if not isinstance(text, str):
            continue  # field validation reports the wrong type
        try:
            expression = seen.get(text) or parse(text, known, hints=len(issues) < MAX_SUGGESTIONS)
        except ExpressionError as exc:
            issues.append(_bad_expression(("pledges", index, "requires"), text, exc))
            continue
        seen[text] = expression
        if isinstance(pledge.get("id"), str):
            parsed[pledge["id"]] = expression
    return parsed, issues


CROSS_CHECKS = (
    check_pledge_references,
    check_revisions,
    check_pledge_personnel,
    check_substitutes,
    check_includes,
    check_headquarters_references,
    check_requirement_references,
    check_scenario_references,
    check_condition_ids,
    check_condition_cycles,
)
"""Reference checks run, in order, on every workspace."""
