"""The planning-factor library shipped in the package (``datasets/planning_factors.yaml``).

:func:`planning_factors` returns it validated; :func:`merge_library` puts it under a
workspace's raw data before validation: a workspace factor with the same id wins, and a
per-capability factor whose capability the workspace lacks is left out.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from forcegen.errors import ForcegenError, Issue, WorkspaceError
from forcegen.io.yaml_source import read_yaml
from forcegen.model.supply import PlanningFactor

SECTION = "planning_factors"
"""The workspace key of the factors."""


def library_path() -> Path:
    """The library's YAML file inside the installed package."""
    return Path(str(resources.files("forcegen") / "datasets" / "planning_factors.yaml"))


@lru_cache(maxsize=1)
def _library_records() -> tuple[dict[str, Any], ...]:
    path = library_path()
    doc = read_yaml(path.read_text(encoding="utf-8"), str(path))
    if doc.issues or not isinstance(doc.data, dict):
        raise WorkspaceError(
            doc.issues
            or [Issue((), "the planning-factor library is not a mapping", file=str(path))]
        )
    records = doc.data.get(SECTION)
    if not isinstance(records, list):
        raise ForcegenError(f"{path}: expected a '{SECTION}:' list")
    return tuple(records)


def library_data() -> list[dict[str, Any]]:
    """The library's records as plain data (copies: safe to change)."""
    return copy.deepcopy(list(_library_records()))


def planning_factors() -> dict[str, PlanningFactor]:
    """The built-in planning factors by id, validated: what each class of supply weighs
    per person (or per unit of a capability) per day, with its source or assumption."""
    return {f.id: f for f in (PlanningFactor.model_validate(r) for r in _library_records())}


def merge_library(data: dict[str, Any]) -> None:
    """Add the library's factors to ``data`` (a workspace's raw mapping, changed in place)
    after the workspace's own ``planning_factors``: those whose id the workspace gives
    are replaced by the workspace's, and per-capability ones whose capability the
    workspace lacks are left out. A ``planning_factors`` key that is not a list, and ids
    that are not text, are left for validation to report."""
    own = data.get(SECTION)
    if own is None:
        own = []
    if not isinstance(own, list):
        return
    given = {r["id"] for r in own if isinstance(r, dict) and isinstance(r.get("id"), str)}
    capabilities = data.get("capabilities")
    known = (
        {c["id"] for c in capabilities if isinstance(c, dict) and isinstance(c.get("id"), str)}
        if isinstance(capabilities, list)
        else set()
    )
    added = [
        record
        for record in library_data()
        if record.get("id") not in given
        and (record.get("capability") is None or record.get("capability") in known)
    ]
    data[SECTION] = [*own, *added]


__all__ = ["library_data", "library_path", "merge_library", "planning_factors"]
