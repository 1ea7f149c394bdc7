"""Ledger entries: what one row holds, and a workspace's plain data cut into entries.

Kinds of entry (``kind``), each keyed by its workspace ``section`` and ``record_id``:

- ``pledge``: a pledge as first made (its fields without ``revisions``); holds from its
  ``date``.
- ``revision``: one revision of a pledge (``record_id`` is the pledge's id); holds from
  its ``date``.
- ``statement``: one dated statement of a nation (``record_id`` is the nation's ISO3).
- ``option``: a force option (a requirement); holds from ``floated``.
- ``event``: a dated event.
- ``document``: any other record (a nation without its statements, a capability, zone,
  condition, scenario, headquarters) or the ``network`` / ``defaults`` mapping.

``body`` is the record as given (plain data, as read from YAML; dates as text), or None
for a retraction (a correction that takes the entry it corrects out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from forcegen.model.pledges import REVISABLE
from forcegen.model.workspace import MAPPINGS, SECTIONS

PLEDGE, REVISION, STATEMENT, OPTION, EVENT, DOCUMENT = (
    "pledge",
    "revision",
    "statement",
    "option",
    "event",
    "document",
)
KINDS = (PLEDGE, REVISION, STATEMENT, OPTION, EVENT, DOCUMENT)
"""Every kind of entry."""

KEYED = (PLEDGE, OPTION, EVENT, DOCUMENT)
"""Kinds with one record per key (a later one for the same key is a correction)."""

LISTED = (REVISION, STATEMENT)
"""Kinds that add to a list under their record (a pledge's revisions, a nation's statements)."""

_KIND_OF_SECTION = {"pledges": PLEDGE, "requirements": OPTION, "events": EVENT}


@dataclass(frozen=True)
class NewEntry:
    """An entry about to be written (the database gives it its id and recorded time)."""

    kind: str
    section: str
    record_id: str
    body: Any
    nation: str | None = None
    summary: str = ""
    corrects: int | None = None
    origin: tuple[Any, ...] = ()
    """Path of the entry in the input it came from (for locating problems)."""
    given_source: str | None = None
    """A source given beside the body (a retraction's reason, which has no body)."""

    @property
    def key(self) -> tuple[str, str]:
        """(section, record id)."""
        return (self.section, self.record_id)

    def valid_from(self) -> dt.date | None:
        """The date the entry holds from, if it has one."""
        return valid_from(self.kind, self.body)

    def source(self) -> str | None:
        """The first source's address, else ``assumption`` when the entry is labelled one."""
        return self.given_source or first_source(self.body)


@dataclass(frozen=True)
class LedgerEntry:
    """One stored entry of a ledger (``forcegen ledger log``)."""

    id: int
    batch: str
    kind: str
    section: str
    record_id: str
    nation: str | None
    valid_from: dt.date | None
    """The date it holds from (valid time); None for undated records."""
    recorded_at: dt.datetime
    """When the database recorded it (UTC)."""
    author: str
    source: str | None
    summary: str
    body: Any
    corrects: int | None = None
    """The entry this one replaces, if it is a correction."""

    @property
    def key(self) -> tuple[str, str]:
        """(section, record id)."""
        return (self.section, self.record_id)

    def describe(self) -> str:
        """The record it is about: ``revision of pledge gbr-brigade-1``."""
        return describe_record(self.kind, self.section, self.record_id)

    def label(self) -> str:
        """How a message names it: ``ledger entry 42 (revision of pledge gbr-brigade-1)``."""
        return f"ledger entry {self.id} ({self.describe()})"

    def what(self) -> str:
        """What the entry says, in a few words (``quantity 2, status earmarked``)."""
        return what_changed(self.kind, self.section, self.record_id, self.body)

    def to_json(self) -> dict[str, Any]:
        """The entry as ``forcegen ledger log --json`` prints it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "section": self.section,
            "record": self.record_id,
            "nation": self.nation,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "recorded_at": self.recorded_at.isoformat(timespec="microseconds"),
            "author": self.author,
            "source": self.source,
            "summary": self.summary,
            "what": self.what(),
            "corrects": self.corrects,
            "batch": self.batch,
            "body": self.body,
        }


def describe_record(kind: str, section: str, record_id: str) -> str:
    """``revision of pledge gbr-brigade-1``, ``statement of ITA``, ``pledge gbr-brigade-1``."""
    if kind == REVISION:
        return f"revision of pledge {record_id}"
    if kind == STATEMENT:
        return f"statement of {record_id}"
    if kind == OPTION:
        return f"force option {record_id}"
    if section in MAPPINGS:
        return section
    if kind == DOCUMENT:
        return f"{section.removesuffix('s')} {record_id}"
    return f"{kind} {record_id}"


def what_changed(kind: str, section: str, record_id: str, body: Any) -> str:
    """What an entry says in a few words."""
    if body is None:
        return "retracted"
    if not isinstance(body, Mapping):
        return describe_record(kind, section, record_id)
    if kind == REVISION:
        changes = [f"{name} {_short(body[name])}" for name in REVISABLE if name in body]
        text = ", ".join(changes) or "no change"
        return f"{text}: {body['summary']}" if body.get("summary") else text
    if kind == STATEMENT:
        return f"{body.get('stance')}: {body.get('summary', '')}".rstrip(": ")
    if kind == PLEDGE:
        text = f"{_short(body.get('quantity'))} x {body.get('capability')}"
        if body.get("personnel") is not None:
            text += f" ({_short(body['personnel'])} personnel)"
        return f"made: {text}, {body.get('status', 'stated')}"
    if kind == OPTION:
        name = body.get("name") or record_id
        return f"floated: {name}" + (f" (dropped {body['dropped']})" if body.get("dropped") else "")
    if kind == EVENT:
        return str(body.get("label", record_id))
    name = body.get("name") or body.get("description")
    return _short(name) if isinstance(name, str) and name else "as given"


def _short(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def valid_from(kind: str, body: Any) -> dt.date | None:
    """The date an entry holds from: a pledge's ``date``, a revision's, statement's or
    event's ``date``, a force option's ``floated``; None otherwise (or when unreadable:
    validation reports it)."""
    from forcegen.model.common import parse_day

    if not isinstance(body, Mapping):
        return None
    field = {PLEDGE: "date", REVISION: "date", STATEMENT: "date", EVENT: "date"}.get(kind)
    if kind == OPTION:
        field = "floated"
    if field is None or body.get(field) is None:
        return None
    try:
        return parse_day(body[field])
    except ValueError:
        return None


def first_source(body: Any) -> str | None:
    """The address of a record's first source; ``assumption`` when it has none and is
    labelled an assumption."""
    if not isinstance(body, Mapping):
        return None
    sources = body.get("sources")
    if isinstance(sources, list) and sources:
        first = sources[0]
        url = first.get("url") if isinstance(first, Mapping) else first
        if isinstance(url, str) and url:
            return url
    if body.get("basis") == "assumption":
        return "assumption"
    return None


def split_workspace(data: Mapping[str, Any]) -> Iterator[NewEntry]:
    """The entries of a workspace's plain data (as validated), in input order: each
    record, a pledge followed by its revisions and a nation by its statements."""
    for section in SECTIONS:
        for n, item in enumerate(data.get(section) or []):
            yield from split_record(section, item, (section, n))
    for mapping in MAPPINGS:
        if data.get(mapping) is not None:
            yield NewEntry(DOCUMENT, mapping, mapping, data[mapping], origin=(mapping,))


def split_record(
    section: str, item: Mapping[str, Any], origin: tuple[Any, ...]
) -> Iterator[NewEntry]:
    """One record of ``section`` as entries (a pledge and its revisions, a nation and its
    statements, or one entry)."""
    rid = str(item["id"])
    if section == "pledges":
        body = {k: v for k, v in item.items() if k != "revisions"}
        nation = str(item.get("nation"))
        yield NewEntry(PLEDGE, section, rid, body, nation, origin=origin)
        for j, revision in enumerate(item.get("revisions") or []):
            yield NewEntry(
                REVISION,
                section,
                rid,
                revision,
                nation,
                summary=str(revision.get("summary") or ""),
                origin=(*origin, "revisions", j),
            )
        return
    if section == "nations":
        body = {k: v for k, v in item.items() if k != "statements"}
        yield NewEntry(DOCUMENT, section, rid, body, rid, origin=origin)
        for m, statement in enumerate(item.get("statements") or []):
            yield NewEntry(
                STATEMENT,
                section,
                rid,
                statement,
                rid,
                summary=str(statement.get("summary") or ""),
                origin=(*origin, "statements", m),
            )
        return
    yield NewEntry(_KIND_OF_SECTION.get(section, DOCUMENT), section, rid, item, origin=origin)


__all__ = [
    "DOCUMENT",
    "EVENT",
    "KEYED",
    "KINDS",
    "LISTED",
    "OPTION",
    "PLEDGE",
    "REVISION",
    "STATEMENT",
    "LedgerEntry",
    "NewEntry",
    "describe_record",
    "first_source",
    "split_record",
    "split_workspace",
    "valid_from",
    "what_changed",
]
