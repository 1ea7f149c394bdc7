"""The dated moments marked on a timeline: the workspace's events (summits, declarations,
decisions) and the nations' statements that refuse troops, attach conditions or offer
them (a nation's statement of no decision marks nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from forcegen.model.events import Event
from forcegen.model.nations import Nation, Stance, Statement

STANCE_WORDS: dict[Stance, str] = {
    Stance.NO_TROOPS: "no troops",
    Stance.SUPPORT_ONLY: "support only, no troops",
    Stance.CONDITIONAL: "troops on conditions",
    Stance.TROOPS: "offers troops",
}
"""How a marker's label says a stance ("Italy: no troops"); undecided is not marked."""

STANCE_KINDS: dict[Stance, str] = {
    Stance.NO_TROOPS: "refusal",
    Stance.SUPPORT_ONLY: "refusal",
    Stance.CONDITIONAL: "condition",
    Stance.TROOPS: "offer",
}
"""The ``kind`` of a statement's marker; events keep their own kind (summit, ...)."""

STATEMENT_KINDS = ("refusal", "condition", "offer")
"""Marker kinds that come from nations' statements."""


@dataclass(frozen=True)
class Marker:
    """One dated moment: an event, or a nation's statement.

    ``label``: short text for charts and tables; ``source``: the first source's URL;
    ``kind``: the event's kind, or ``refusal`` / ``condition`` / ``offer`` for a
    statement; ``nation`` and ``stance``: the statement's (None for an event); ``event``:
    the event's id (None for a statement); ``summary``: what happened, in words."""

    date: dt.date
    label: str
    source: str
    kind: str
    nation: str | None = None
    stance: str | None = None
    event: str | None = None
    summary: str = ""

    @property
    def is_statement(self) -> bool:
        """True for a nation's statement, False for an event."""
        return self.nation is not None

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md, ``forcegen timeline``)."""
        return {
            "date": self.date.isoformat(),
            "label": self.label,
            "source": self.source,
            "kind": self.kind,
            "nation": self.nation,
            "stance": self.stance,
            "event": self.event,
            "summary": self.summary,
        }


def event_marker(event: Event) -> Marker:
    """The marker of an event."""
    return Marker(
        date=event.date,
        label=event.label,
        source=event.sources[0].url,
        kind=event.kind.value,
        event=event.id,
        summary=event.description,
    )


def statement_marker(nation: Nation, statement: Statement) -> Marker | None:
    """The marker of a statement ("Italy: no troops"), None for one of no decision."""
    words = STANCE_WORDS.get(statement.stance)
    if words is None:
        return None
    return Marker(
        date=statement.date,
        label=f"{nation.name}: {words}",
        source=statement.sources[0].url,
        kind=STANCE_KINDS[statement.stance],
        nation=nation.id,
        stance=statement.stance.value,
        summary=statement.summary,
    )


def markers(
    events: Iterable[Event],
    nations: Iterable[Nation],
    start: dt.date | None,
    end: dt.date | None,
) -> list[Marker]:
    """Events and marked statements dated from ``start`` to ``end`` (either open),
    by date; on one date the events first, then the statements in nation order."""
    out = [event_marker(e) for e in events]
    for nation in nations:
        for statement in nation.statements:
            marker = statement_marker(nation, statement)
            if marker is not None:
                out.append(marker)
    kept = [m for m in out if (start is None or m.date >= start) and (end is None or m.date <= end)]
    return sorted(kept, key=lambda m: (m.date, m.is_statement))


__all__ = ["STANCE_KINDS", "STANCE_WORDS", "STATEMENT_KINDS", "Marker", "markers"]
