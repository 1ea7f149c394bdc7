"""Building blocks shared by every workspace record: ids, sources and basis.

Provenance rule (see ``docs/workspace.md``): every figure either carries a source
(``sources``, optionally narrowed to some ``fields``) or is labelled an assumption
(``basis: assumption`` for the whole record, or ``assumptions: {field: why}``).
"""

from __future__ import annotations

import datetime as dt
import reprlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from forcegen.errors import describe_char
from forcegen.limits import LIMITS, MAX_ID_CHARS, Limit
from forcegen.model.scalars import DATE


def id_checker(first: str, rest: str, rule: str) -> BeforeValidator:
    """A check of id text that names the first character not allowed and its position
    (an invisible U+200B, a look-alike letter), and the length limit.

    ``first`` and ``rest`` are the characters allowed first and after; ``rule`` says
    it in words. Values that are not text are left to the type check ("must be text").
    """
    allowed_first, allowed_rest = frozenset(first), frozenset(rest)
    limit = LIMITS["MAX_ID_CHARS"]

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if not value:
            raise ValueError(f"an id cannot be empty; expected {rule}")
        if len(value) > MAX_ID_CHARS:
            raise ValueError(
                f"the id is {len(value):,} characters long: {limit.refusal(len(value))}"
                f"; expected {limit.at_most()}"
            )
        for position, char in enumerate(value, start=1):
            if char not in (allowed_first if position == 1 else allowed_rest):
                raise ValueError(
                    f"character {describe_char(char)} at position {position} is not "
                    f"allowed in an id; expected {rule}"
                )
        return value

    return BeforeValidator(check)


_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"

Id = Annotated[
    str,
    id_checker(
        _LOWER + _DIGITS,
        _LOWER + _DIGITS + "_-",
        "lower-case letters a-z, digits, _ and -, starting with a letter or digit",
    ),
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=MAX_ID_CHARS),
]
"""A record id: lower case letters, digits, ``_`` and ``-``, starting with a letter or digit."""

ConditionId = Annotated[
    str,
    id_checker(
        _LOWER,
        _LOWER + _DIGITS + "_",
        "snake_case: lower-case letters a-z, digits and _, starting with a letter",
    ),
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=MAX_ID_CHARS),
]
"""A condition id, usable in condition expressions: ``snake_case``."""


def _parse_date(value: Any) -> Any:
    """Accept ``YYYY-MM-DD`` text (YAML dates reach us as text) or a date; nothing else.

    Not ``date.fromisoformat`` alone: since Python 3.11 it also reads week dates
    (``2025-W18``), ordinal dates and ``20250102``.
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            if DATE.match(value):
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise ValueError(f"'{shown}' is not a calendar date; expected YYYY-MM-DD")
    raise ValueError(f"{reprlib.repr(value)} is not a date; expected YYYY-MM-DD")


def parse_day(value: Any) -> dt.date:
    """A ``YYYY-MM-DD`` text or a date as a date (ValueError otherwise): how a date
    given on the command line (``--as-of``) or read from YAML is understood."""
    day = _parse_date(value)
    assert isinstance(day, dt.date)
    return day


Count = Annotated[int, Strict()]
"""A whole number; true/false and text are refused (no silent conversion)."""

Number = Annotated[float, Strict()]
"""A finite number; true/false and text are refused (no silent conversion)."""


@dataclass(frozen=True)
class AtMost:
    """Annotation metadata: refuse a value over ``limit`` with its reason (see
    :mod:`forcegen.limits`); the JSON Schema and the field reference show the bound."""

    limit: Limit

    def check(self, value: Any) -> Any:
        """Return ``value`` if it is within the limit."""
        if value > self.limit.value:
            huge = isinstance(value, int) and value >= 10**18
            shown = f"a {len(str(value))}-digit number" if huge else value
            raise ValueError(f"{self.limit.refusal(shown)}; expected {self.limit.at_most()}")
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        out["maximum"] = self.limit.value
        return out


Units = Annotated[Number, AtMost(LIMITS["MAX_QUANTITY"])]
"""A quantity of units [units], at most MAX_QUANTITY."""

Persons = Annotated[Count, AtMost(LIMITS["MAX_PERSONNEL"])]
"""A personnel figure [persons], at most MAX_PERSONNEL."""

Days = Annotated[Count, AtMost(LIMITS["MAX_DAYS"])]
"""A number of days [days], at most MAX_DAYS."""

Months = Annotated[Count, AtMost(LIMITS["MAX_MONTHS"])]
"""A number of months [months], at most MAX_MONTHS."""

PerDay = Annotated[Number, AtMost(LIMITS["MAX_CAPACITY"])]
"""A daily capacity [persons/day or short tons/day], at most MAX_CAPACITY."""

RotationRatio = Annotated[Number, AtMost(LIMITS["MAX_ROTATION_RATIO"])]
"""Persons in the rotation cycle per person deployed [ratio], at most MAX_ROTATION_RATIO."""

Flag = Annotated[bool, Strict()]
"""true or false; 1, 0 and 'yes' are refused."""

Day = Annotated[dt.date, BeforeValidator(_parse_date)]
"""A calendar date written YYYY-MM-DD."""


class Record(BaseModel):
    """Base of every workspace record: immutable, unknown fields rejected, numbers finite."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Basis(StrEnum):
    """Where a figure comes from."""

    REPORTED = "reported"
    ASSUMPTION = "assumption"


class Source(Record):
    """A public source for one or more figures of a record.

    In YAML a plain string is shorthand for ``{url: <string>}``.
    """

    url: str = Field(min_length=1, description="Address or full citation of the source.")
    title: str | None = Field(default=None, description="Title or outlet.")
    date: Day | None = Field(default=None, description="Publication date.")
    quote: str | None = Field(default=None, description="The sentence the figure was read from.")
    fields: tuple[str, ...] | None = Field(
        default=None,
        description="Figures of the record this source supports; omitted = all of them.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"url": value}
        return value


class Sourced(Record):
    """A record whose figures carry provenance.

    Subclasses list their figure fields in ``FIGURES``.
    """

    FIGURES: ClassVar[tuple[str, ...]] = ()
    CLAIMS: ClassVar[tuple[str, ...]] = ()
    """Non-numeric fields that may also be labelled assumptions (e.g. a pledge's condition)."""

    sources: tuple[Source, ...] = Field(default=(), description="Public sources.")
    basis: Basis | None = Field(
        default=None,
        description="reported (needs sources) or assumption (the project's own estimate).",
    )
    assumptions: dict[str, str] = Field(
        default_factory=dict,
        description="Figure field -> why it is assumed, for figures no source gives.",
    )

    @field_validator("basis")
    @classmethod
    def _reported_needs_source(cls, value: Basis | None, info: ValidationInfo) -> Basis | None:
        if "sources" not in info.data:  # sources failed validation: reported there
            return value
        if value is Basis.REPORTED and not info.data["sources"]:
            raise ValueError(
                "basis is 'reported' but no sources are given: add sources, "
                "or set basis: assumption"
            )
        return value

    @field_validator("assumptions")
    @classmethod
    def _assumptions_name_figures(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = (*cls.FIGURES, *cls.CLAIMS)
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise ValueError(
                f"assumptions name {', '.join(unknown)}, which this record cannot label; "
                f"expected one of: {', '.join(allowed) or 'none'}"
            )
        return value

    def unsourced_figures(self) -> list[str]:
        """Figure fields given a value but neither a source nor an assumption label.

        Defaults left in place are not claims and need no source.
        """
        if self.basis is Basis.ASSUMPTION:
            return []
        missing = []
        for name in self.FIGURES:
            if name not in self.model_fields_set or getattr(self, name, None) in (None, ()):
                continue
            if name in self.assumptions:
                continue
            if any(s.fields is None or name in s.fields for s in self.sources):
                continue
            missing.append(name)
        return missing

    def is_assumption(self, name: str) -> bool:
        """True when figure ``name`` is labelled an assumption."""
        return self.basis is Basis.ASSUMPTION or name in self.assumptions
