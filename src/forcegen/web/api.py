"""The JSON API under ``/api/``: each endpoint asks the public API one question and
returns its ``to_json()`` as :func:`forcegen.json_document` makes it, the document the
CLI's ``--json`` prints (docs/json.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

import forcegen
from forcegen.web.state import WorkspaceState

router = APIRouter(prefix="/api", tags=["api"])

ScenarioQuery = Annotated[
    str | None, Query(description="Scenario id (as --scenario); none: every pledge.")
]


def state(request: Request) -> WorkspaceState:
    """The app's workspace and result cache."""
    return request.app.state.workspace  # type: ignore[no-any-return]


@router.get("/run", summary="Evaluate scenarios (as forcegen run --json)")
def run(request: Request, scenario: ScenarioQuery = None) -> dict[str, Any]:
    """The force that materialises in each scenario (or in ``scenario``), keyed by
    scenario id: force by nation and capability, force-option fill, vetoes."""
    held = state(request)
    ws = held.workspace

    def compute() -> dict[str, Any]:
        if scenario is not None:
            results = {scenario: forcegen.evaluate(ws, scenario)}
        else:
            results = forcegen.evaluate_all(ws)
        return {sid: forcegen.json_document(r.to_json(), ws) for sid, r in results.items()}

    return held.cached(("run", scenario), compute)
