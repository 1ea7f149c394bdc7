"""Events: dated moments in the story of a force (summits, declarations, exercises),
marked on the timeline. Nations' refusals and offers are their dated ``statements``."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from forcegen.model.common import Day, Id, Record, Source


class EventKind(StrEnum):
    """What kind of moment an event is."""

    SUMMIT = "summit"
    DECLARATION = "declaration"
    DECISION = "decision"
    STATEMENT = "statement"
    EXERCISE = "exercise"
    OTHER = "other"


class Event(Record):
    """A dated event, e.g. the Paris Declaration of 6 January 2026."""

    id: Id = Field(description="Event id, e.g. paris-declaration.")
    date: Day = Field(description="Date of the event.")
    label: str = Field(min_length=1, max_length=80, description="Short label for charts.")
    kind: EventKind = Field(default=EventKind.OTHER, description="summit, declaration, ...")
    description: str = Field(default="", description="What happened, in words.")
    sources: tuple[Source, ...] = Field(min_length=1, description="At least one source.")
