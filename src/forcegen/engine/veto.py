"""Veto analysis: how many troops hang on each condition."""

from __future__ import annotations

from collections.abc import Mapping

from forcegen.engine.activation import active_personnel
from forcegen.model.workspace import Workspace


def veto(workspace: Workspace, values: Mapping[str, bool]) -> dict[str, int]:
    """For each condition: active personnel with it true minus with it false [persons].

    Every other condition keeps the value in ``values``. A large positive veto means
    the condition is a real veto over that many troops; a negative one means troops
    are withdrawn when it holds.
    """
    out: dict[str, int] = {}
    for cid in workspace.conditions:
        when_true = active_personnel(workspace, {**values, cid: True})
        when_false = active_personnel(workspace, {**values, cid: False})
        out[cid] = when_true - when_false
    return out
