"""Scenarios: which conditions are fixed, and what changes in the force (pledges added,
withdrawn or patched), possibly on top of another scenario (``extends``)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, field_validator

from forcegen.model.common import ConditionId, Flag, Id, Sourced
from forcegen.model.pledges import Pledge


class Scenario(Sourced):
    """A named political situation; conditions it does not fix count as false in ``run``.

    Besides fixing conditions, a scenario may change the force: ``add_pledges`` (full
    pledge records, checked like the file's), ``withdraw`` (pledge ids) and ``patch``
    (``PATH: VALUE``, the path syntax of ``--set``), applied in that order to the
    workspace the scenario is evaluated on.
    ``extends`` inherits another scenario's assume, additions, withdrawals and patches
    (its own come after and win). A patch is a claim: source it, or label it
    ``basis: assumption`` / ``assumptions: {patch: why}``.
    """

    FIGURES: ClassVar[tuple[str, ...]] = ("patch",)

    id: Id = Field(description="Scenario id, e.g. ceasefire-only.")
    name: str = Field(min_length=1, description="Name in words.")
    description: str = Field(default="", description="The situation in words.")
    extends: Id | None = Field(
        default=None,
        description="Id of a scenario whose assume, add_pledges, withdraw and patch this "
        "one inherits (its own come after and win).",
    )
    assume: dict[ConditionId, Flag] = Field(
        default_factory=dict, description="Condition id -> fixed value; others count as false."
    )
    add_pledges: tuple[Pledge, ...] = Field(
        default=(), description="Pledges this scenario adds (full pledge records)."
    )
    withdraw: tuple[Id, ...] = Field(
        default=(), description="Ids of pledges withdrawn in this scenario."
    )
    patch: dict[str, Any] = Field(
        default_factory=dict,
        description="Field path -> value, as --set takes them, e.g. "
        "pledges.deu-battlegroup-1.zones: [poland, ukraine-west].",
    )

    @field_validator("patch")
    @classmethod
    def _paths_are_paths(cls, value: dict[str, Any]) -> dict[str, Any]:
        for path in value:
            steps = str(path).split(".")
            if not str(path).strip() or any(not s.strip() for s in steps):
                raise ValueError(
                    f"the patch path {path!r} has an empty step; expected a dotted path "
                    "such as pledges.deu-battlegroup-1.zones"
                )
            if steps[0].strip() == "scenarios":
                raise ValueError(
                    f"the patch path {path!r} changes scenarios; expected a path into "
                    "another section (a scenario cannot change scenarios)"
                )
        return value

    @property
    def changes_force(self) -> bool:
        """True when the scenario adds, withdraws or patches anything (after ``extends``)."""
        return bool(self.add_pledges or self.withdraw or self.patch)
