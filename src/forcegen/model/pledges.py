"""Pledges: a nation's offer of units of one capability, under a condition, and its
dated revisions (what was said, then set aside, then sent, or taken back)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, field_validator

from forcegen.model.common import Day, Days, Id, Persons, Sourced, Units


class PledgeStatus(StrEnum):
    """How solid a pledge is, as the Kiel Institute's Ukraine Support Tracker separates
    what was promised from what was allocated.

    ``stated``: a political statement ("boots on the ground"), no units named.
    ``earmarked``: units named and prepared (the old ``firm``, still read as this).
    ``deployed``: in theatre. ``withdrawn``: taken back (counts nowhere).
    """

    STATED = "stated"
    EARMARKED = "earmarked"
    DEPLOYED = "deployed"
    WITHDRAWN = "withdrawn"

    @property
    def is_firm(self) -> bool:
        """Units named: earmarked or deployed (the sourcing tie-break's 'firm first')."""
        return self in (PledgeStatus.EARMARKED, PledgeStatus.DEPLOYED)


LEGACY_STATUSES: dict[str, str] = {"firm": "earmarked"}
"""Statuses older workspaces use -> the status they are read as."""


def _legacy_status(value: Any) -> Any:
    return LEGACY_STATUSES.get(value, value) if isinstance(value, str) else value


Status = Annotated[PledgeStatus, BeforeValidator(_legacy_status)]
"""A pledge status; ``firm`` (forcegen 0.x) is read as ``earmarked``."""

REVISABLE: tuple[str, ...] = (
    "status",
    "quantity",
    "personnel",
    "requires",
    "zones",
    "readiness_days",
)
"""Pledge fields a revision may change."""


class PledgeRevision(Sourced):
    """A change to a pledge that holds from ``date`` on: any of ``status``, ``quantity``,
    ``personnel``, ``requires``, ``zones``, ``readiness_days``, with its own sources.
    Fields it leaves out keep the value the pledge had before."""

    FIGURES: ClassVar[tuple[str, ...]] = ("quantity", "personnel", "readiness_days")
    CLAIMS: ClassVar[tuple[str, ...]] = ("requires", "zones", "status")

    id: Id | None = Field(
        default=None, description="Revision id (optional; the ledger gives every one an id)."
    )
    date: Day = Field(description="Date from which the revision holds (valid time).")
    status: Status | None = Field(
        default=None, description="stated, earmarked, deployed or withdrawn."
    )
    quantity: Units | None = Field(default=None, gt=0, description="Units offered [units].")
    personnel: Persons | None = Field(default=None, gt=0, description="Personnel [persons].")
    requires: str | None = Field(default=None, description="Condition expression.")
    zones: tuple[Id, ...] | None = Field(
        default=None, min_length=1, description="Zones where the units may be used."
    )
    readiness_days: Days | None = Field(
        default=None, ge=0, description="Days after activation until ready to move [days]."
    )
    summary: str = Field(default="", description="What changed, in words.")

    @field_validator("quantity", "requires", "status", "readiness_days")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # null is meaningful only for personnel (back to quantity x per-unit) and zones
        # (anywhere); for these fields it would be a silent no-op: refused
        if value is None:
            raise ValueError("a revision that gives this field must give a value")
        return value

    def changes(self) -> dict[str, Any]:
        """The pledge fields this revision sets (given in the input), by name."""
        return {name: getattr(self, name) for name in REVISABLE if name in self.model_fields_set}


class Pledge(Sourced):
    """``quantity`` units of ``capability`` from ``nation``, active when ``requires`` holds.

    The fields describe the pledge as first made on ``date``; each of ``revisions``
    changes some of them from its own date on (:mod:`forcegen.model.history`).
    """

    FIGURES: ClassVar[tuple[str, ...]] = ("quantity", "personnel", "readiness_days")
    CLAIMS: ClassVar[tuple[str, ...]] = ("requires", "zones")

    id: Id = Field(description="Pledge id, e.g. gbr-brigade-1.")
    nation: str = Field(description="ISO alpha-3 id of a nation in the workspace.")
    capability: Id = Field(description="Capability id.")
    quantity: Units = Field(gt=0, description="Units offered [units].")
    personnel: Persons | None = Field(
        default=None,
        gt=0,
        description="Personnel [persons]; default quantity x the capability's personnel per unit.",
    )
    requires: str = Field(default="true", description="Condition expression; default always.")
    readiness_days: Days = Field(
        default=0, ge=0, description="Days after activation until ready to move [days]."
    )
    zones: tuple[Id, ...] | None = Field(
        default=None,
        min_length=1,
        description="Zones where the units may be used; omitted = anywhere.",
    )
    status: Status = Field(
        default=PledgeStatus.STATED,
        description="stated, earmarked, deployed or withdrawn (firm is read as earmarked).",
    )
    date: Day | None = Field(
        default=None,
        description="Date the pledge was first made; omitted = counted at every date.",
    )
    description: str = Field(default="", description="What is offered, in words.")
    revisions: tuple[PledgeRevision, ...] = Field(
        default=(),
        description="Dated changes (status, quantity, personnel, requires, zones, "
        "readiness_days), each holding from its date; see docs/history.md.",
    )
