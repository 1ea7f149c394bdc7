"""What a ``ledger record`` or ``ledger import`` adds, checked before anything is written.

A request is a mapping, from the command line or a YAML snippet:

- a pledge revision: ``pledge: ID`` with the revision's fields (``date``, any of
  ``status``, ``quantity``, ``personnel``, ``requires``, ``zones``, ``readiness_days``,
  ``sources`` or ``basis: assumption``, ``summary``);
- a nation statement: ``nation: ISO3`` with the statement's fields (``date``,
  ``stance``, ``summary``, ``sources``);
- workspace sections (``pledges:``, ``requirements:``, ``events:``, ...) holding new
  records, or records that replace the ones of the same id (recorded as corrections).

A revision or statement may carry ``corrects: ENTRY_ID`` (the whole entry as it should
have been) and, to take an entry out, ``retract: true`` with ``corrects``.

:func:`plan` turns a request into the entries to write against what the ledger holds
(an import or sections: records unchanged are skipped, changed ones become
corrections); :func:`check_sources` refuses an entry with neither a source nor
``basis: assumption``. The caller then validates the whole ledger with the new entries
exactly as a workspace is validated (:func:`forcegen.build_workspace`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from forcegen.errors import Issue, PathPart, shown
from forcegen.io.ledger.entries import (
    LISTED,
    REVISION,
    STATEMENT,
    NewEntry,
    describe_record,
    split_record,
)
from forcegen.io.ledger.snapshot import Row, Snapshot
from forcegen.model.nations import Statement
from forcegen.model.pledges import PledgeRevision
from forcegen.model.workspace import MAPPINGS, RECORD_MODELS, SECTIONS

CONTROL_KEYS = ("corrects", "retract")
"""Keys of a request that are about the entry, not part of the record."""


@dataclass
class Origin:
    """Where new entries come from, for messages: a file (the snippet, the workspace
    imported) or the command line (``ledger record --pledge gbr-brigade-1``)."""

    name: str
    place: Callable[[tuple[PathPart, ...]], tuple[str | None, int | None]] | None = None
    """Input path -> (file, line), when the input has lines."""

    def issue(self, issue: Issue, path: tuple[PathPart, ...]) -> Issue:
        """``issue`` at ``path`` of this input."""
        if self.place is None:
            return replace(issue, path=path, file=self.name, line=None)
        file, line = self.place(path)
        return replace(issue, path=path, file=file or self.name, line=line)


@dataclass
class Plan:
    """The entries a request adds, and what it leaves as it is."""

    entries: list[NewEntry] = field(default_factory=list)
    unchanged: int = 0
    """Records (and revisions, statements) the ledger already holds as given."""
    issues: list[Issue] = field(default_factory=list)


def request_entries(request: Any, origin: Origin) -> tuple[list[NewEntry], list[Issue]]:
    """The entries a request asks for (not yet checked against the ledger)."""
    if not isinstance(request, Mapping):
        return [], [
            origin.issue(
                Issue((), "a ledger entry must be a mapping of fields", expected=_FORMS), ()
            )
        ]
    keys = [str(k) for k in request]
    if "pledge" in keys or "nation" in keys or "retract" in keys:
        return _single(request, origin)
    entries: list[NewEntry] = []
    issues: list[Issue] = []
    for key in keys:
        value = request[key]
        if key in MAPPINGS:
            if isinstance(value, Mapping):
                entries.append(NewEntry("document", key, key, dict(value), origin=(key,)))
                continue
        elif key in SECTIONS and isinstance(value, list):
            for n, item in enumerate(value):
                if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                    issues.append(
                        origin.issue(
                            Issue((), "each record needs an id", expected="id: TEXT"),
                            (key, n),
                        )
                    )
                    continue
                entries.extend(split_record(key, item, (key, n)))
            continue
        elif key in CONTROL_KEYS:
            issues.append(
                origin.issue(
                    Issue(
                        (),
                        f"'{key}' applies to one revision or statement",
                        expected="pledge: ID or nation: ISO3 beside it (records given in "
                        "sections replace the ones of the same id by themselves)",
                    ),
                    (key,),
                )
            )
            continue
        else:
            close = difflib.get_close_matches(key, [*SECTIONS, *MAPPINGS, "pledge", "nation"], 1)
            issues.append(
                origin.issue(
                    Issue(
                        (),
                        f"unknown key '{shown(key)}'",
                        expected=_FORMS,
                        hint=f"did you mean '{close[0]}'?" if close else None,
                    ),
                    (key,),
                )
            )
            continue
        issues.append(
            origin.issue(
                Issue(
                    (),
                    f"section '{key}' must be "
                    + ("a mapping" if key in MAPPINGS else "a list of records"),
                ),
                (key,),
            )
        )
    if not entries and not issues:
        issues.append(origin.issue(Issue((), "nothing to record", expected=_FORMS), ()))
    return entries, issues


_FORMS = (
    "a revision (pledge: ID, date: YYYY-MM-DD, ...), a statement (nation: ISO3, date: "
    "YYYY-MM-DD, stance: ..., summary: ..., sources: [...]) or workspace sections "
    "(pledges:, requirements:, events:, ...)"
)


def _single(request: Mapping[Any, Any], origin: Origin) -> tuple[list[NewEntry], list[Issue]]:
    """A revision (``pledge:``), a statement (``nation:``), or a retraction
    (``corrects: ID``, ``retract: true``, and optionally the pledge or nation)."""
    issues: list[Issue] = []
    corrects, retract = _control(request, origin, issues)
    if issues:
        return [], issues
    both = "pledge" in request and "nation" in request
    kind, owner = (REVISION, "pledge") if "pledge" in request else (STATEMENT, "nation")
    if retract:
        allowed = {owner, *CONTROL_KEYS, "summary"}
        extra = sorted(str(k) for k in request if str(k) not in allowed)
        if both or extra:
            issues.append(
                origin.issue(
                    Issue(
                        (),
                        "a retraction takes an entry out; it gives no new fields",
                        found=", ".join(extra or ["pledge", "nation"]),
                        expected="corrects: ENTRY_ID, retract: true and a summary",
                    ),
                    (),
                )
            )
            return [], issues
        owned = owner in request
        record_id = str(request[owner]) if owned else ""
        summary = str(request.get("summary") or "")
        section = ("pledges" if kind == REVISION else "nations") if owned else ""
        # the kind is the entry's taken out, whatever it is (see plan)
        return [NewEntry("", section, record_id, None, None, summary, corrects)], []
    section = "pledges" if kind == REVISION else "nations"
    fields = (PledgeRevision if kind == REVISION else Statement).model_fields
    sections = [
        str(k)
        for k in request
        if (str(k) in SECTIONS or str(k) in MAPPINGS) and str(k) not in fields  # zones
    ]
    if both or sections:
        issues.append(
            origin.issue(
                Issue(
                    (),
                    "a snippet records one kind of entry",
                    found=", ".join(["pledge", "nation"] if both else [owner, *sections]),
                    expected=_FORMS,
                ),
                (),
            )
        )
        return [], issues
    record_id = request[owner]
    if not isinstance(record_id, str) or not record_id:
        issues.append(
            origin.issue(
                Issue((), f"'{owner}' must be the id of a {owner}", found=repr(record_id)),
                (owner,),
            )
        )
        return [], issues
    body = {str(k): v for k, v in request.items() if str(k) not in (owner, *CONTROL_KEYS)}
    summary = str(body.get("summary") or "")
    nation = record_id if kind == STATEMENT else None
    return [NewEntry(kind, section, record_id, body, nation, summary, corrects)], []


def _control(
    request: Mapping[Any, Any], origin: Origin, issues: list[Issue]
) -> tuple[int | None, bool]:
    """``corrects`` and ``retract`` of a request, checked."""
    corrects = request.get("corrects")
    if corrects is not None and (
        isinstance(corrects, bool) or not isinstance(corrects, int) or corrects < 1
    ):
        issues.append(
            origin.issue(
                Issue(
                    (),
                    "'corrects' must be a ledger entry id",
                    found=repr(corrects),
                    expected="a whole number from `forcegen ledger log`",
                ),
                ("corrects",),
            )
        )
        corrects = None
    retract = request.get("retract", False)
    if retract not in (True, False):
        issues.append(
            origin.issue(
                Issue((), "'retract' must be true or false", found=repr(retract)), ("retract",)
            )
        )
        return corrects, False
    if retract and corrects is None and not issues:
        issues.append(
            origin.issue(
                Issue(
                    (),
                    "a retraction takes out an earlier entry",
                    expected="corrects: ENTRY_ID beside retract: true",
                ),
                ("retract",),
            )
        )
    return corrects, bool(retract)


def plan(
    entries: Sequence[NewEntry],
    snapshot: Snapshot,
    stored: Mapping[int, Row],
    origin: Origin,
    *,
    merge: bool,
) -> Plan:
    """The entries to write for ``entries`` against the ledger's ``snapshot``.

    With ``merge`` (an import, or records given in sections): a record the ledger holds
    as given is left out, a changed one becomes a correction of the entry in force, and
    a revision or statement the record already has (the same fields) is left out.
    Without it (one revision or statement): written as given, after checking that its
    pledge or nation is in the ledger and that what it ``corrects`` is an entry of the
    same record.
    """
    out = Plan()
    owners = {e.key for e in entries if e.kind not in LISTED}
    taken: dict[tuple[str, str], list[Any]] = {
        key: [body for _, body in listed] for key, listed in snapshot.listed.items()
    }
    for entry in entries:
        if entry.body is None:  # a retraction: of the entry it names, whatever its kind
            target = stored.get(entry.corrects) if entry.corrects is not None else None
            if target is not None:
                entry = replace(
                    entry,
                    kind=target.kind,
                    section=entry.section or target.section,
                    record_id=entry.record_id or target.record_id,
                )
            problem = _check_correction(entry, stored, origin)
            if problem is not None:
                out.issues.append(problem)
                continue
            assert target is not None
            out.entries.append(replace(entry, nation=target.nation))
            continue
        if entry.kind in LISTED:
            if entry.key not in snapshot.current and entry.key not in owners:
                out.issues.append(_no_owner(entry, snapshot, origin))
                continue
            if entry.corrects is not None:
                problem = _check_correction(entry, stored, origin)
                if problem is not None:
                    out.issues.append(problem)
                    continue
            elif merge and entry.body in taken.get(entry.key, []):
                taken[entry.key].remove(entry.body)
                out.unchanged += 1
                continue
            if entry.kind == REVISION and entry.nation is None:
                owner = snapshot.bodies.get(entry.key) or {}
                entry = replace(entry, nation=owner.get("nation"))
            out.entries.append(entry)
            continue
        current = snapshot.current.get(entry.key)
        if current is None:
            out.entries.append(entry)
        elif snapshot.bodies[entry.key] == entry.body:
            out.unchanged += 1
        else:
            out.entries.append(replace(entry, corrects=current))
    return out


def _no_owner(entry: NewEntry, snapshot: Snapshot, origin: Origin) -> Issue:
    owner = "pledge" if entry.kind == REVISION else "nation"
    known = [rid for (section, rid) in snapshot.current if section == entry.section]
    close = difflib.get_close_matches(entry.record_id, known, 1)
    return origin.issue(
        Issue(
            (),
            f"no {owner} '{shown(entry.record_id)}' in the ledger",
            expected=f"the id of a {owner} it holds (forcegen ledger log)",
            hint=f"did you mean '{close[0]}'?" if close else None,
        ),
        entry.origin or (owner,),
    )


def _check_correction(entry: NewEntry, stored: Mapping[int, Row], origin: Origin) -> Issue | None:
    assert entry.corrects is not None
    target = stored.get(entry.corrects)
    path: tuple[PathPart, ...] = (*entry.origin, "corrects")
    if target is None:
        return origin.issue(
            Issue(
                (),
                f"there is no ledger entry {entry.corrects} to correct",
                expected="the id of an earlier entry (forcegen ledger log)",
            ),
            path,
        )
    if target.kind != entry.kind or target.key != entry.key:
        return origin.issue(
            Issue(
                (),
                f"ledger entry {target.id} is a "
                + describe_record(target.kind, target.section, target.record_id),
                expected=f"a correction of the same record: a "
                f"{describe_record(entry.kind, entry.section, entry.record_id)}",
            ),
            path,
        )
    return None


def check_sources(entries: Sequence[NewEntry], origin: Origin) -> list[Issue]:
    """Refuse entries with neither a source nor ``basis: assumption`` (records of a kind
    that has no sources, a zone say, are not asked for one)."""
    issues = []
    for entry in entries:
        if entry.body is None:
            if entry.given_source:
                continue
        elif not _takes_sources(entry) or entry.source() is not None:
            continue
        issues.append(
            origin.issue(
                Issue(
                    (),
                    f"the {describe_record(entry.kind, entry.section, entry.record_id)} has "
                    "no source",
                    expected="sources: [URL, ...] or basis: assumption (on the command "
                    "line: --source URL or --assumption)",
                ),
                entry.origin,
            )
        )
    return issues


def _takes_sources(entry: NewEntry) -> bool:
    if entry.kind == STATEMENT:
        return True
    if entry.kind == REVISION:
        return True
    model = RECORD_MODELS.get(entry.section)
    return model is not None and "sources" in model.model_fields


__all__ = ["Origin", "Plan", "check_sources", "plan", "request_entries"]
