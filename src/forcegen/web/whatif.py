"""``POST /api/whatif``: the scenario explorer's question. A scenario (or none) with some
conditions set or freed and ``--set`` overrides applied -> the force, the fills and the
vetoes, as one scenario's entry of ``forcegen run --json``.

The scenario is built in code (:class:`forcegen.Scenario`, the base scenario's ``assume``
with the conditions asked for set or removed), never parsed from text; the overrides load
the workspace again through :func:`forcegen.open_workspace` (or the ledger), once per
override tuple (:meth:`~forcegen.web.state.WorkspaceState.workspace_for`, the API's). The
answer is kept encoded in the app's result cache, keyed by the whole question, as every
``/api/`` answer is (:meth:`~forcegen.web.state.WorkspaceState.encoded`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool

import forcegen
from forcegen.errors import UnknownIdError
from forcegen.web.state import WorkspaceState, workspace_state

router = APIRouter(prefix="/api", tags=["what-if"])

MAX_OVERRIDES = 20
"""Most ``--set`` overrides one what-if may carry [overrides]."""

WHATIF_ID = "what-if"
"""Id of the scenario built for a question without a base scenario."""


class WhatIf(BaseModel):
    """A what-if question: a base scenario, conditions set (true/false) or freed (null),
    and ``--set PATH=VALUE`` overrides."""

    model_config = ConfigDict(extra="forbid")

    scenario: str | None = Field(
        default=None,
        description="Base scenario id (as --scenario); null: no scenario, every condition "
        "free (counted false unless set here).",
        max_length=200,
    )
    conditions: dict[str, StrictBool | None] = Field(
        default_factory=dict,
        description="Condition id -> true or false (fixed), or null (freed: the scenario "
        "no longer fixes it, so it counts as false); a condition left out stays as the "
        "scenario says.",
        max_length=200,
    )
    overrides: list[Annotated[str, Field(max_length=1000)]] = Field(
        default_factory=list,
        description="--set PATH=VALUE texts applied to the workspace, in order.",
        max_length=MAX_OVERRIDES,
    )

    def key(self) -> tuple[Any, ...]:
        """The question as a hashable cache key (conditions in sorted order)."""
        return (
            self.scenario,
            tuple(sorted(self.conditions.items())),
            tuple(self.overrides),
        )


def whatif_scenario(
    ws: forcegen.Workspace, scenario: str | None, conditions: dict[str, bool | None]
) -> tuple[forcegen.Workspace, forcegen.Scenario]:
    """The workspace to evaluate on and the scenario object: the base scenario's
    ``assume`` with ``conditions`` set (true/false) or removed (null). A base scenario
    that adds, withdraws or patches pledges is evaluated on its variant workspace
    (``ws.variants[id]``), which already carries those changes."""
    for cid in conditions:
        if cid not in ws.conditions:
            raise UnknownIdError("condition", cid, ws.conditions)
    if scenario is None:
        base = forcegen.Scenario(id=WHATIF_ID, name="What-if (no base scenario)")
        on = ws
    else:
        base = ws.scenario(scenario)  # unknown id -> UnknownIdError, as --scenario
        on = ws.variants.get(scenario, ws) if base.changes_force else ws
    assume = dict(base.assume)
    for cid, value in conditions.items():
        if value is None:
            assume.pop(cid, None)
        else:
            assume[cid] = value
    ordered = {cid: assume[cid] for cid in ws.conditions if cid in assume}
    return on, base.model_copy(update={"assume": ordered})


def document(ws: forcegen.Workspace, question: WhatIf) -> dict[str, Any]:
    """The what-if's document on ``ws`` (the served workspace with the question's
    overrides): ``run --json``'s entry for one scenario (:func:`forcegen.json_document`)
    plus ``scenario`` (the base id or null) and ``conditions`` (every condition: true/false
    as fixed, null when not fixed and so counted false)."""
    on, scenario = whatif_scenario(ws, question.scenario, dict(question.conditions))
    result = forcegen.evaluate(on, scenario)
    out = forcegen.json_document(result.to_json(), ws)
    out["scenario"] = question.scenario
    out["conditions"] = {cid: scenario.assume.get(cid) for cid in ws.conditions}
    return out  # type: ignore[no-any-return]


def answer(held: WorkspaceState, question: WhatIf) -> bytes:
    """The what-if's :func:`document` as JSON text (UTF-8), computed and encoded once per
    question (the workspace with its overrides from
    :meth:`~forcegen.web.state.WorkspaceState.workspace_for`, the bytes from
    :meth:`~forcegen.web.state.WorkspaceState.encoded`, as every ``/api/`` answer)."""
    scenario, conditions, overrides = question.key()
    return held.encoded(
        ("whatif", scenario, conditions), overrides, lambda ws: document(ws, question)
    )


@router.post(
    "/whatif",
    summary="Evaluate a scenario with conditions set or freed",
    response_class=Response,
    responses={
        200: {
            "description": "One scenario's entry of forcegen run --json, with scenario and "
            "conditions as applied.",
            "content": {
                "application/json": {"schema": {"type": "object", "additionalProperties": True}}
            },
        },
    },
)
def whatif(request: Request, question: WhatIf) -> Response:
    """The force, the force-option fills and the vetoes of a what-if: ``scenario`` with
    ``conditions`` set or freed and ``overrides`` applied (docs/web.md)."""
    return Response(
        content=answer(workspace_state(request), question), media_type="application/json"
    )
