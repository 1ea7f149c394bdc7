"""A write validated as a workspace is: the stored entries with the new ones added,
built by :func:`forcegen.build_workspace`; problems located at the new entries' input
or at the stored entries (``ledger entry 42 (revision of pledge gbr-brigade-1)``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from forcegen.errors import Issue, PathPart, WorkspaceError
from forcegen.io.ledger.entries import NewEntry
from forcegen.io.ledger.record import Origin
from forcegen.io.ledger.snapshot import Row, Snapshot, assemble


def given_twice(new: Sequence[NewEntry], origin: Origin) -> list[Issue]:
    """Records given twice in one input (the second would silently replace the first)."""
    from forcegen.io.ledger.entries import LISTED, describe_record

    seen: set[tuple[str, str]] = set()
    issues = []
    for entry in new:
        if entry.kind in LISTED:
            continue
        if entry.key in seen:
            issues.append(
                origin.issue(
                    Issue(
                        (),
                        f"the {describe_record(entry.kind, entry.section, entry.record_id)} "
                        "is given twice",
                        expected="each record once",
                    ),
                    entry.origin,
                )
            )
        seen.add(entry.key)
    return issues


def validate_with(
    stored: Sequence[Row],
    labels: Mapping[int, Row],
    new: Sequence[NewEntry],
    before: Snapshot,
    origin: Origin,
    url: str,
) -> tuple[Issue, ...]:
    """Build the workspace of the stored entries with ``new`` added, as a workspace is
    built; its problems located at the new entries' input or at the stored entries.
    Returns the warnings about the new entries."""
    from forcegen.model.workspace import build_workspace

    first = before.last_id + 1
    pending = {first + k: entry for k, entry in enumerate(new)}
    rows = [*stored] + [
        Row(i, e.kind, e.section, e.record_id, e.body, e.corrects, e.nation)
        for i, e in pending.items()
    ]
    snapshot = assemble(rows)

    def locate(issue: Issue) -> Issue:
        found = snapshot.entry_at(issue.path)
        if found is not None and found[0] in pending:
            entry = pending[found[0]]
            return origin.issue(issue, (*entry.origin, *found[1]))
        if found is None:
            return dataclasses.replace(issue, file=issue.file or origin.name)
        return at_stored(snapshot, labels, issue, url)

    try:
        workspace = build_workspace(snapshot.data)
    except WorkspaceError as exc:
        raise WorkspaceError(locate(i) for i in exc.issues) from None
    mine = []
    for warning in workspace.warnings:
        found = snapshot.entry_at(warning.path)
        if found is not None and found[0] in pending:
            mine.append(locate(warning))
    return tuple(mine)


def at_stored(snapshot: Snapshot, labels: Mapping[int, Row], issue: Issue, url: str) -> Issue:
    """``issue`` located at the stored entry behind its path (``ledger entry 42 (...)``),
    or at the ledger."""

    def name(entry: int, rest: tuple[PathPart, ...]) -> Issue | None:
        stored = labels.get(entry)
        if stored is None:
            return None
        return dataclasses.replace(issue, path=rest, file=stored.label(), line=None)

    located = snapshot.locate(issue, name)
    if located.file is None:
        return dataclasses.replace(located, file=f"ledger {url}")
    return located


__all__ = ["at_stored", "given_twice", "validate_with"]
