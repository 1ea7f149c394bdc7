"""``POST /api/whatif``: the scenario explorer's question. A scenario (or none) with some
conditions set or freed and ``--set`` overrides applied -> the force, the fills and the
vetoes, as one scenario's entry of ``forcegen run --json``.

The scenario is built in code (:class:`forcegen.Scenario`, the base scenario's ``assume``
with the conditions asked for set or removed), never parsed from text; the overrides load
the workspace again through :func:`forcegen.open_workspace` (or the ledger), once per
override tuple. Workspaces and answers are kept in the app's result cache
(:class:`~forcegen.web.state.WorkspaceState`), keyed by the whole question.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool

import forcegen
from forcegen.errors import UnknownIdError
from forcegen.web.state import WorkspaceState

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


def state(request: Request) -> WorkspaceState:
    """The app's workspace and result cache."""
    return request.app.state.workspace  # type: ignore[no-any-return]


def whatif_workspace(held: WorkspaceState, overrides: tuple[str, ...]) -> forcegen.Workspace:
    """The served workspace, or the same source loaded again with the server's overrides
    and then ``overrides`` (cached per override tuple)."""
    if not overrides:
        return held.workspace

    def load() -> forcegen.Workspace:
        s = held.settings
        parsed = forcegen.parse_overrides((*s.overrides, *overrides))
        day = forcegen.parse_as_of(s.as_of)
        if s.ledger is not None:
            return forcegen.ledger_workspace(
                s.ledger, overrides=parsed, as_of=day, known_at=s.known_at
            )
        return forcegen.open_workspace(s.workspace, parsed, day)

    return held.cached(("whatif-workspace", overrides), load)


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


def answer(held: WorkspaceState, question: WhatIf) -> dict[str, Any]:
    """The what-if's document (cached by the whole question): ``run --json``'s entry for
    one scenario (:func:`forcegen.json_document`) plus ``scenario`` (the base id or null)
    and ``conditions`` (every condition: true/false as fixed, null when not fixed and so
    counted false)."""

    def compute() -> dict[str, Any]:
        ws = whatif_workspace(held, tuple(question.overrides))
        on, scenario = whatif_scenario(ws, question.scenario, dict(question.conditions))
        result = forcegen.evaluate(on, scenario)
        document = forcegen.json_document(result.to_json(), ws)
        document["scenario"] = question.scenario
        document["conditions"] = {cid: scenario.assume.get(cid) for cid in ws.conditions}
        return document  # type: ignore[no-any-return]

    return held.cached(("whatif", *question.key()), compute)


@router.post("/whatif", summary="Evaluate a scenario with conditions set or freed")
def whatif(request: Request, question: WhatIf) -> dict[str, Any]:
    """The force, the force-option fills and the vetoes of a what-if: ``scenario`` with
    ``conditions`` set or freed and ``overrides`` applied (docs/web.md)."""
    return answer(state(request), question)
