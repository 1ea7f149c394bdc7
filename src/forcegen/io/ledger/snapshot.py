"""Entries -> the plain data of a workspace (as read from YAML), with corrections applied.

Entries are taken in recorded order. A correction (``corrects`` = an earlier entry)
takes the place of the entry it corrects, and of that entry's own corrections before
it: the record keeps its position (a revision stays where it was in its pledge's list),
its content is the correction's. A correction without a body (a retraction) takes the
entry out, with the revisions or statements under it when it is a pledge or a nation.

Keyed records (pledges as first made, force options, events, documents) come out in
the order their keys were first recorded; each pledge gets its revisions and each
nation its statements in recorded order. The result is what
:func:`forcegen.build_workspace` reads; :class:`Snapshot` also keeps which entry each
part of the data came from, so that a problem found there names the ledger entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from forcegen.errors import Issue, PathPart
from forcegen.io.ledger.entries import REVISION, STATEMENT, describe_record
from forcegen.model.workspace import MAPPINGS, SECTIONS


class Row(NamedTuple):
    """The part of an entry a snapshot needs."""

    id: int
    kind: str
    section: str
    record_id: str
    body: Any
    corrects: int | None
    nation: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """(section, record id)."""
        return (self.section, self.record_id)

    def label(self) -> str:
        """How a message names it: ``ledger entry 42 (revision of pledge gbr-brigade-1)``."""
        return (
            f"ledger entry {self.id} ({describe_record(self.kind, self.section, self.record_id)})"
        )


@dataclass
class Snapshot:
    """A workspace's plain data assembled from ledger entries."""

    data: dict[str, Any]
    where: dict[tuple[PathPart, ...], int] = field(default_factory=dict)
    """Path in ``data`` of each record, revision and statement -> its entry id."""
    current: dict[tuple[str, str], int] = field(default_factory=dict)
    """(section, record id) of each keyed record -> the entry now in force."""
    listed: dict[tuple[str, str], list[tuple[int, Any]]] = field(default_factory=dict)
    """(section, record id) -> (entry id, body) of its revisions or statements in force."""
    bodies: dict[tuple[str, str], Any] = field(default_factory=dict)
    """(section, record id) of each keyed record -> its body in force."""
    last_id: int = 0
    """The id of the last stored entry read (0: none)."""

    def entry_at(self, path: tuple[PathPart, ...]) -> tuple[int, tuple[PathPart, ...]] | None:
        """The entry the longest prefix of ``path`` came from, and the rest of the path."""
        for cut in range(len(path), 0, -1):
            entry = self.where.get(tuple(path[:cut]))
            if entry is not None:
                return entry, tuple(path[cut:])
        return None

    def locate(
        self, issue: Issue, name: Callable[[int, tuple[PathPart, ...]], Issue | None]
    ) -> Issue:
        """``issue`` located at the entry behind its path: ``name(entry id, rest of the
        path)`` gives the located issue (None: leave it)."""
        if issue.file is not None:
            return issue
        found = self.entry_at(issue.path)
        if found is None:
            return issue
        located = name(*found)
        if located is None:
            return issue
        return dataclasses.replace(issue, path=located.path, file=located.file, line=located.line)


def assemble(rows: Iterable[Row]) -> Snapshot:
    """The workspace data of ``rows`` (in recorded order), corrections applied."""
    slots: dict[int, Row] = {}  # first entry of a record -> the entry in force
    root_of: dict[int, int] = {}
    last = 0
    for row in rows:
        last = max(last, row.id)
        root = root_of.get(row.corrects) if row.corrects is not None else None
        if root is None:
            root = row.id
        root_of[row.id] = root
        slots[root] = row
    keyed: dict[tuple[str, str], tuple[int, Any]] = {}
    listed: dict[tuple[str, str], list[tuple[int, Any]]] = {}
    for row in slots.values():  # in the order of each record's first entry
        if row.body is None:
            continue
        if row.kind in (REVISION, STATEMENT):
            listed.setdefault((row.section, row.record_id), []).append((row.id, row.body))
        else:
            keyed[(row.section, row.record_id)] = (row.id, row.body)
    out = Snapshot(
        {},
        current={k: v[0] for k, v in keyed.items()},
        listed=listed,
        bodies={k: v[1] for k, v in keyed.items()},
        last_id=last,
    )
    sections: dict[str, list[tuple[str, int, Any]]] = {}
    for (section, rid), (entry, body) in keyed.items():
        sections.setdefault(section, []).append((rid, entry, body))
    for section in SECTIONS:
        if section not in sections:
            continue
        under = "revisions" if section == "pledges" else "statements"
        items: list[Any] = []
        for n, (rid, entry, body) in enumerate(sections[section]):
            out.where[(section, n)] = entry
            item = dict(body)
            children = listed.get((section, rid))
            if children and section in ("pledges", "nations"):
                item[under] = [child for _, child in children]
                for j, (child_entry, _) in enumerate(children):
                    out.where[(section, n, under, j)] = child_entry
            items.append(item)
        out.data[section] = items
    for mapping in MAPPINGS:
        if mapping in sections:
            _, entry, body = sections[mapping][-1]
            out.where[(mapping,)] = entry
            out.data[mapping] = body
    return out


__all__ = ["Row", "Snapshot", "assemble"]
