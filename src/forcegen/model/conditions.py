"""Political conditions (ceasefire, Russian consent, US backstop...) and their probabilities."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Discriminator, Field, Tag

from forcegen.model.common import ConditionId, Flag, Number, Record, Sourced


class ConditionalProbability(Record):
    """``p`` when every condition in ``given`` has the stated value, else ``otherwise``."""

    given: dict[ConditionId, Flag] = Field(
        min_length=1, description="Condition id -> the value it must have."
    )
    p: Number = Field(ge=0.0, le=1.0, description="P(true) when every given holds [0-1].")
    otherwise: Number = Field(ge=0.0, le=1.0, description="P(true) otherwise [0-1].")


def _probability_kind(value: Any) -> str:
    return "conditional" if isinstance(value, dict | ConditionalProbability) else "number"


UNION_TAGS = frozenset({"number", "conditional"})
"""Tags pydantic inserts in error locations for the probability union (dropped in messages)."""


class Condition(Sourced):
    """A condition pledges may depend on; ``probability`` in [0, 1] (or conditional)."""

    FIGURES: ClassVar[tuple[str, ...]] = ("probability",)

    id: ConditionId = Field(description="snake_case id, used in expressions.")
    name: str | None = Field(
        default=None,
        min_length=1,
        description="Short name for tables and charts, e.g. US backstop; default: the id.",
    )
    description: str = Field(min_length=1, description="What has to be true.")
    probability: Annotated[
        Annotated[Number, Field(ge=0.0, le=1.0), Tag("number")]
        | Annotated[ConditionalProbability, Tag("conditional")],
        Discriminator(_probability_kind),
    ] = Field(description="P(true) [0-1], or {given: {...}, p, otherwise}.")

    @property
    def label(self) -> str:
        """The name for people: ``name``, else the id."""
        return self.name or self.id

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Conditions whose value this condition's probability depends on."""
        if isinstance(self.probability, ConditionalProbability):
            return tuple(self.probability.given)
        return ()
