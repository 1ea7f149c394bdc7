"""The workspace schema as documentation: field tables and JSON Schema from the models.

``docs/workspace.md`` embeds :func:`field_reference_markdown` between markers; a test
keeps the two in step, so the models stay the one place the schema is defined.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, create_model
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from forcegen.model.capabilities import Lift
from forcegen.model.common import AtMost, Source
from forcegen.model.conditions import ConditionalProbability
from forcegen.model.defaults import Defaults
from forcegen.model.nations import Commitment, Statement
from forcegen.model.network import (
    Capacity,
    Disruption,
    Handling,
    Leg,
    LineOfContact,
    Network,
    Node,
    Point,
)
from forcegen.model.pledges import PledgeRevision
from forcegen.model.posture import PosturePlanning
from forcegen.model.requirements import RequirementLine
from forcegen.model.supply import SupplySettings
from forcegen.model.workspace import DEFAULTS, NETWORK, POSTURE, SECTIONS, SUPPLY

NESTED: dict[str, type[BaseModel]] = {
    "commitment (in nations)": Commitment,
    "statement (in nations)": Statement,
    "revision (in pledges)": PledgeRevision,
    "requirement line (in requirements)": RequirementLine,
    "conditional probability (in conditions)": ConditionalProbability,
    "lift (in capabilities)": Lift,
    "node (in network)": Node,
    "handling (in network nodes)": Handling,
    "leg (in network)": Leg,
    "capacity (in network legs)": Capacity,
    "disruption (in network)": Disruption,
    "line of contact (in network)": LineOfContact,
    "point (in the line of contact)": Point,
    "source (in every record)": Source,
}


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0]) + _bound(args[1:])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args)
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map {_type_name(args[0])} -> {_type_name(args[1])}"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return annotation.__name__
        if hasattr(annotation, "__members__"):
            return " / ".join(str(m.value) for m in annotation.__members__.values())
        return {
            "str": "text",
            "int": "integer",
            "float": "number",
            "bool": "true/false",
            "date": "date (YYYY-MM-DD)",
        }.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def _bound(metadata: typing.Iterable[Any]) -> str:
    """`` (at most 100,000 units)`` for a field bounded by a limit (see forcegen.limits)."""
    for item in metadata:
        if isinstance(item, AtMost):
            return f" ({item.limit.at_most()})"
    return ""


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        return "empty"
    if info.default is PydanticUndefined or info.default is None:
        return "none"
    value = getattr(info.default, "value", info.default)
    if value in ((), ""):
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def model_table(model: type[BaseModel]) -> str:
    """A Markdown table of one record type's fields."""
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    provenance = ("sources", "basis", "assumptions")
    names = [n for n in model.model_fields if n not in provenance]
    names += [n for n in provenance if n in model.model_fields]
    for name in names:
        info = model.model_fields[name]
        meaning = (info.description or "").replace("|", "\\|")
        shown = info.alias or name
        kind = _type_name(info.annotation) + _bound(info.metadata)
        rows.append(f"| `{shown}` | {kind} | {_default(info)} | {meaning} |")
    return "\n".join(rows)


def field_reference_markdown() -> str:
    """Markdown field tables for every section and nested record."""
    parts = []
    for section, model in SECTIONS.items():
        parts.append(f"### `{section}`: {model.__name__}\n\n{(model.__doc__ or '').strip()}\n")
        parts.append(model_table(model) + "\n")
    parts.append(
        f"### `{NETWORK}`: {Network.__name__} (a mapping, not a list)\n\n"
        f"{(Network.__doc__ or '').strip()}\n"
    )
    parts.append(model_table(Network) + "\n")
    parts.append(
        f"### `{DEFAULTS}`: {Defaults.__name__} (a mapping, not a list)\n\n"
        f"{(Defaults.__doc__ or '').strip()}\n"
    )
    parts.append(model_table(Defaults) + "\n")
    parts.append(
        f"### `{POSTURE}`: {PosturePlanning.__name__} (a mapping, not a list)\n\n"
        f"{(PosturePlanning.__doc__ or '').strip()}\n"
    )
    parts.append(model_table(PosturePlanning) + "\n")
    parts.append(
        f"### `{SUPPLY}`: {SupplySettings.__name__} (a mapping, not a list)\n\n"
        f"{(SupplySettings.__doc__ or '').strip()}\n"
    )
    parts.append(model_table(SupplySettings) + "\n")
    for label, model in NESTED.items():
        parts.append(f"### {label}: {model.__name__}\n\n{(model.__doc__ or '').strip()}\n")
        parts.append(model_table(model) + "\n")
    return "\n".join(parts).rstrip() + "\n"


def workspace_json_schema() -> dict[str, Any]:
    """JSON Schema of a whole workspace file (for editors and other tools)."""
    fields: dict[str, Any] = {
        name: (list[model] | None, None)  # type: ignore[valid-type]
        for name, model in SECTIONS.items()
    }
    fields[NETWORK] = (Network | None, None)
    fields[DEFAULTS] = (Defaults | None, None)
    fields[POSTURE] = (PosturePlanning | None, None)
    fields[SUPPLY] = (SupplySettings | None, None)
    wrapper = create_model("ForcegenWorkspace", **fields)
    return wrapper.model_json_schema()
