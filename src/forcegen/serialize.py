"""The JSON documents forcegen prints (``--json``) and serves (``/api/``): one serializer
for the CLI and the web app, so that both give the same shape for the same question."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forcegen.model.workspace import Workspace


def json_document(payload: Any, workspace: Workspace) -> Any:
    """``payload`` (a result's ``to_json()``) as a document: with a top-level ``"as_of"``
    (``YYYY-MM-DD``) when the workspace stands as of a date, and an ``"overrides"`` list
    (the ``--set`` texts, in order) when it was loaded with any; unchanged otherwise, and
    unchanged when it is not an object (docs/json.md)."""
    if not isinstance(payload, dict):
        return payload
    out = dict(payload)
    if workspace.as_of is not None:
        out["as_of"] = workspace.as_of.isoformat()
    if workspace.overrides:
        out["overrides"] = list(workspace.overrides)
    return out


def dumps_json(document: Any) -> str:
    """The text of a JSON document as forcegen prints it: indented by two, UTF-8 kept,
    NaN and infinity refused (they are not JSON)."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
