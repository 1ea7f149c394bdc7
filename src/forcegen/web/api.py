"""The JSON API under ``/api/``: each endpoint asks the public API the question one CLI
command asks and returns its ``to_json()`` as :func:`forcegen.json_document` makes it,
the document that command's ``--json`` prints (docs/json.md), encoded as
:func:`forcegen.dumps_json` encodes it. Results are cached per question
(:class:`~forcegen.web.state.WorkspaceState`). A bad parameter the CLI would refuse gets
422 ``{"detail": "<the CLI's message after 'error: '>"}`` (docs/web.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

import forcegen
from forcegen import names
from forcegen.web.security import require_token
from forcegen.web.state import workspace_state

router = APIRouter(prefix="/api", tags=["api"])

WEB_MAX_DRAWS = 200_000
"""Most Monte Carlo draws one request may ask for [draws] (about 1.5 s on the built-in
data); the CLI allows far more (``forcegen.limits.MAX_DRAWS``)."""

WEB_MAX_DISRUPTIONS = 20
"""Most seeded disruption draws one deploy or supply request may ask for [draws]: each
re-plans the deployment (about 0.5 s on the built-in data)."""

# -- parameters ------------------------------------------------------------------------

ScenarioQuery = Annotated[
    str | None,
    Query(description="Scenario id (as --scenario); none: every pledge not withdrawn."),
]
RequirementQuery = Annotated[
    str | None,
    Query(description="Requirement (force option) id (as --requirement)."),
]
SetQuery = Annotated[
    list[str],
    Query(
        alias="set",
        description="Override a workspace field, PATH=VALUE (as --set; repeat), applied "
        "after the server's own, e.g. nations.GBR.rotation_ratio=4.",
    ),
]
SeedQuery = Annotated[int, Query(ge=0, description="Random seed (as --seed, >= 0).")]
MonthsQuery = Annotated[
    int,
    Query(description=f"Horizon [months] (as --months), 1 to {forcegen.limits.MAX_MONTHS:,}."),
]
DisruptionsQuery = Annotated[
    int,
    Query(
        description="Seeded disruption draws to re-plan (as --disruptions), 0 to "
        f"{WEB_MAX_DISRUPTIONS} on the web."
    ),
]

Document = dict[str, Any]


class ScenarioDocument(BaseModel):
    """One scenario's entry of ``forcegen run --json`` (docs/json.md, "run")."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(description="The scenario's name.")
    personnel: float = Field(description="Personnel that materialise [persons].")
    by_nation: dict[str, float] = Field(description="Personnel by nation (ISO3) [persons].")
    by_capability: dict[str, float] = Field(description="Units by capability id [units].")
    requirements: dict[str, dict[str, Any]] = Field(
        description="By force option: fill_ratio, personnel_fill, required_personnel, "
        "filled_personnel, organic_personnel, met, lines."
    )
    veto: dict[str, float] = Field(
        description="By condition: personnel lost if it does not hold [persons]."
    )


class Entry(BaseModel):
    """An id and the name a report shows for it."""

    id: str
    name: str


class WorkspaceSummary(BaseModel):
    """What the pages need to build their menus."""

    origin: str = Field(description="Where the workspace was read from.")
    as_of: str | None = Field(description="The date it stands as of (YYYY-MM-DD), if any.")
    overrides: list[str] = Field(description="The server's --set overrides.")
    ledger: bool = Field(description="True when it comes from a ledger (writes possible).")
    read_only: bool = Field(description="True when the server has no token.")
    counts: dict[str, int] = Field(description="Records by section.")
    scenarios: list[Entry]
    conditions: list[Entry]
    requirements: list[Entry]
    postures: list[Entry]
    nations: list[Entry]


class Revision(BaseModel):
    """A pledge revision, as ``forcegen ledger record --pledge ... --date ...`` records it
    (docs/ledger.md); fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    pledge: str = Field(description="Id of the pledge revised.", max_length=200)
    date: str = Field(description="Date the revision holds from (YYYY-MM-DD).", max_length=40)
    author: str = Field(description="Who records it.", min_length=1, max_length=200)
    status: str | None = Field(None, description="stated, earmarked, deployed or withdrawn.")
    quantity: float | None = Field(None, description="Units offered.", allow_inf_nan=False)
    personnel: int | None = Field(None, description="Personnel [persons].")
    requires: str | None = Field(None, description="Condition expression.", max_length=2000)
    zones: list[str] | None = Field(None, description="Zones where the units may be used.")
    readiness_days: int | None = Field(None, description="Days until ready to move.")
    source: str | None = Field(None, description="Address of the source.", max_length=2000)
    assumption: bool = Field(False, description="The revision is the project's assumption.")
    summary: str | None = Field(None, description="What changed, in words.", max_length=2000)
    corrects: int | None = Field(None, description="Id of the entry this one corrects.")


def _answer(
    request: Request, key: Hashable, overrides: list[str], compute: Callable[..., Any]
) -> Response:
    """``compute(ws)`` on the workspace with ``overrides``, as a JSON document (cached,
    already encoded, by ``key`` and the overrides)."""
    body = workspace_state(request).encoded(key, overrides, compute)
    return Response(content=body, media_type="application/json")


def _doc(payload: Any, ws: forcegen.Workspace) -> Any:
    return forcegen.json_document(payload, ws)


def _example(description: str, example: Any = None, model: Any = None) -> dict[int | str, Any]:
    """The OpenAPI description of a 200 answer (and of the 422 every endpoint may give)."""
    ok: dict[str, Any] = {"description": description}
    if model is not None:
        ok["model"] = model
    if example is not None:
        ok["content"] = {"application/json": {"example": example}}
    return {
        200: ok,
        422: {
            "description": "A bad parameter: the CLI's message after 'error: ' (or FastAPI's "
            "validation errors for a parameter of the wrong type)."
        },
    }


# -- endpoints -------------------------------------------------------------------------


@router.get(
    "/workspace",
    summary="The workspace's ids and names (for menus)",
    response_model=WorkspaceSummary,
)
def workspace(request: Request) -> WorkspaceSummary:
    """Ids and names of the scenarios, conditions, requirements (force options), postures
    and nations, the record counts, and whether the server can write (a ledger and a
    token)."""
    held = workspace_state(request)
    ws = held.workspace

    def entries(ids: Any, name: Callable[[Any, str], str]) -> list[Entry]:
        return [Entry(id=i, name=name(ws, i)) for i in ids]

    return WorkspaceSummary(
        origin=str(ws.origin),
        as_of=ws.as_of.isoformat() if ws.as_of else None,
        overrides=list(ws.overrides),
        ledger=held.settings.ledger is not None,
        read_only=held.settings.read_only,
        counts=ws.counts(),
        scenarios=entries(ws.scenarios, names.scenario),
        conditions=entries(ws.conditions, names.condition),
        requirements=entries(ws.requirements, names.requirement),
        postures=[Entry(id=i, name=p.name or i) for i, p in ws.postures.items()],
        nations=entries(ws.nations, names.nation),
    )


@router.get(
    "/validate",
    summary="Check the workspace (as forcegen validate --json)",
    responses=_example(
        "valid, errors, counts, warnings",
        {"valid": True, "errors": [], "counts": {"nations": 36}, "warnings": []},
    ),
)
def validate(request: Request, set_: SetQuery = []) -> Response:  # noqa: B006
    """The workspace's record counts and warnings; a workspace made invalid by ``set``
    gets 422 with the CLI's list of problems."""

    def compute(ws: forcegen.Workspace) -> Any:
        return _doc(
            {
                "valid": True,
                "errors": [],
                "counts": ws.counts(),
                "warnings": [w.to_dict() for w in ws.warnings],
            },
            ws,
        )

    return _answer(request, ("validate",), set_, compute)


@router.get(
    "/run",
    summary="Evaluate scenarios (as forcegen run --json)",
    responses=_example(
        "By scenario id: the force by nation and capability, force-option fill, vetoes.",
        model=dict[str, ScenarioDocument],
    ),
)
def run(request: Request, scenario: ScenarioQuery = None, set_: SetQuery = []) -> Response:  # noqa: B006
    """The force that materialises in each scenario (or in ``scenario``), keyed by
    scenario id: force by nation and capability, force-option fill, vetoes."""

    def compute(ws: forcegen.Workspace) -> Any:
        if scenario is not None:
            results = {scenario: forcegen.evaluate(ws, scenario)}
        else:
            results = forcegen.evaluate_all(ws)
        return {sid: _doc(r.to_json(), ws) for sid, r in results.items()}

    return _answer(request, ("run", scenario), set_, compute)


@router.get(
    "/montecarlo",
    summary="Odds of each force option (as forcegen montecarlo --json)",
    responses=_example("P(met) by force option, the spread of the force, sensitivity."),
)
def montecarlo(
    request: Request,
    scenario: Annotated[
        str | None, Query(description="Hold the conditions this scenario fixes.")
    ] = None,
    draws: Annotated[
        int, Query(description=f"Monte Carlo draws, 1 to {WEB_MAX_DRAWS:,} on the web.")
    ] = 100_000,
    seed: SeedQuery = 0,
    exact: Annotated[
        bool, Query(description="Enumerate every combination of the free conditions.")
    ] = False,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen montecarlo [-s SCENARIO] -n DRAWS --seed SEED [--exact] --json``."""
    forcegen.check_draws(draws, "--draws")
    if draws > WEB_MAX_DRAWS:
        raise forcegen.ForcegenError(
            f"--draws: at most {WEB_MAX_DRAWS:,} on the web; got {draws:,} "
            "(forcegen montecarlo takes more)"
        )

    def compute(ws: forcegen.Workspace) -> Any:
        result = forcegen.monte_carlo(ws, scenario, draws=draws, seed=seed, exact=exact)
        return _doc(result.to_json(), ws)

    return _answer(request, ("montecarlo", scenario, draws, seed, exact), set_, compute)


@router.get(
    "/sensitivity",
    summary="How much the planning figures matter (as forcegen sensitivity --json)",
    responses=_example("The tornado: each planning figure varied down and up."),
)
def sensitivity(
    request: Request,
    scenario: ScenarioQuery = None,
    months: MonthsQuery = 36,
    spread: Annotated[
        float,
        Query(allow_inf_nan=False, description="Share each figure is varied by (0-1)."),
    ] = 0.2,
    closure: Annotated[
        bool,
        Query(description="Include the closure days (false: as --no-closure; faster)."),
    ] = True,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen sensitivity [-s SCENARIO] --months M --spread S [--no-closure]
    --json``: several seconds on the built-in data, then cached."""
    forcegen.check_count("--months", months, "MAX_MONTHS")

    def compute(ws: forcegen.Workspace) -> Any:
        result = forcegen.planning_sensitivity(
            ws, scenario, months=months, spread=spread, closure=closure
        )
        return _doc(result.to_json(), ws)

    return _answer(request, ("sensitivity", scenario, months, spread, closure), set_, compute)


@router.get(
    "/source",
    summary="Source a requirement (as forcegen source --json)",
    responses=_example("The optimal fill, shortfalls and the dependence on one nation."),
)
def source(
    request: Request,
    requirement: Annotated[str, Query(description="Requirement (force option) id.")],
    scenario: ScenarioQuery = None,
    dependence_on: Annotated[
        str | None,
        Query(
            description="Nation (ISO3) whose pledges are tested, or 'none'. Default: USA "
            "when the workspace has it, else none."
        ),
    ] = None,
    reproducible: Annotated[
        bool,
        Query(
            description="Bound the solve by solver work, not the 20 s clock: the same "
            "assignments on every machine (as forcegen source --reproducible)."
        ),
    ] = False,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen source -r REQUIREMENT [-s SCENARIO] --dependence-on ISO3
    [--reproducible] --json``."""

    def compute(ws: forcegen.Workspace) -> Any:
        nation = forcegen.dependence_nation(ws, dependence_on)
        if reproducible:
            result = forcegen.source_requirement(ws, requirement, scenario, nation, time_limit=None)
        else:
            result = forcegen.source_requirement(ws, requirement, scenario, nation)
        return _doc(result.to_json(), ws)

    key = ("source", requirement, scenario, dependence_on, reproducible)
    return _answer(request, key, set_, compute)


@router.get(
    "/sustain",
    summary="Keep the force in the field (as forcegen sustain --json)",
    responses=_example("Rotation by nation, the coalition curve, what must be drawn down."),
)
def sustain(
    request: Request,
    scenario: ScenarioQuery = None,
    months: MonthsQuery = 36,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen sustain [-s SCENARIO] --months M --json``."""
    forcegen.check_count("--months", months, "MAX_MONTHS")

    def compute(ws: forcegen.Workspace) -> Any:
        return _doc(forcegen.sustainment(ws, scenario, months).to_json(), ws)

    return _answer(request, ("sustain", scenario, months), set_, compute)


def _disruptions(disruptions: int) -> None:
    forcegen.check_count("--disruptions", disruptions, "MAX_DISRUPTIONS", least=0)
    if disruptions > WEB_MAX_DISRUPTIONS:
        raise forcegen.ForcegenError(
            f"--disruptions: at most {WEB_MAX_DISRUPTIONS} on the web; got {disruptions:,} "
            "(the CLI takes more)"
        )


@router.get(
    "/deploy",
    summary="Plan the deployment (as forcegen deploy --json)",
    responses=_example("Closure days, bottlenecks, the critical path, disruption draws."),
)
def deploy(
    request: Request,
    scenario: ScenarioQuery = None,
    requirement: RequirementQuery = None,
    disruptions: DisruptionsQuery = 0,
    seed: SeedQuery = 0,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen deploy [-s SCENARIO] [-r REQUIREMENT] --disruptions N --seed S
    --json``."""
    _disruptions(disruptions)

    def compute(ws: forcegen.Workspace) -> Any:
        result = forcegen.deploy(ws, scenario, requirement, draws=disruptions, seed=seed)
        return _doc(result.to_json(), ws)

    return _answer(request, ("deploy", scenario, requirement, disruptions, seed), set_, compute)


@router.get(
    "/timeline",
    summary="The promised force over time (as forcegen timeline --json)",
    responses=_example("Personnel by status and nation on each date something changed."),
)
def timeline(
    request: Request,
    scenario: ScenarioQuery = None,
    start: Annotated[
        str | None, Query(alias="from", description="First date shown (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, Query(alias="to", description="Last date shown (YYYY-MM-DD).")
    ] = None,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen timeline [-s SCENARIO] [--from DATE] [--to DATE] --json``."""
    first: dt.date | None = forcegen.parse_as_of(start, "--from")
    last: dt.date | None = forcegen.parse_as_of(end, "--to")
    if first is not None and last is not None and first > last:
        raise forcegen.ForcegenError(
            f"--from {first} is after --to {last}; expected --from on or before --to"
        )

    def compute(ws: forcegen.Workspace) -> Any:
        return _doc(forcegen.timeline(ws, scenario, start=first, end=last).to_json(), ws)

    return _answer(request, ("timeline", scenario, first, last), set_, compute)


@router.get(
    "/compare",
    summary="Scenarios side by side (as forcegen compare --json)",
    responses=_example("Deltas by nation, capability and force option."),
)
def compare(
    request: Request,
    item: Annotated[
        list[str],
        Query(description="Two or more scenario ids of the served workspace (repeat)."),
    ] = [],  # noqa: B006
    draws: Annotated[
        int, Query(description=f"Monte Carlo draws per item for P(met), 0 to {WEB_MAX_DRAWS:,}.")
    ] = 0,
    seed: SeedQuery = 0,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen compare ITEM ITEM ... [-n DRAWS] --seed S --json`` with scenario ids
    (workspace paths are not opened on the web)."""
    if draws:
        forcegen.check_draws(draws, "--draws")
        if draws > WEB_MAX_DRAWS:
            raise forcegen.ForcegenError(
                f"--draws: at most {WEB_MAX_DRAWS:,} on the web; got {draws:,}"
            )
    if len(item) < 2:
        raise forcegen.ForcegenError(
            f"compare needs at least two items, got {len(item)}; e.g. "
            "forcegen compare ceasefire-only ceasefire-us-backstop"
        )

    def compute(ws: forcegen.Workspace) -> Any:
        seen: set[str] = set()
        items = []
        for text in item:
            if text in seen:
                raise forcegen.ForcegenError(f"item '{text}' is given twice")
            seen.add(text)
            if text not in ws.scenarios:
                unknown = forcegen.UnknownIdError("scenario", text, ws.scenarios)
                raise forcegen.ForcegenError(
                    f"item '{text}': not a workspace path, and {unknown} (scenarios of {ws.origin})"
                )
            items.append(forcegen.ComparisonItem(text, ws, text))
        return _doc(forcegen.compare(items, draws=draws, seed=seed).to_json(), ws)

    return _answer(request, ("compare", tuple(item), draws, seed), set_, compute)


@router.get(
    "/posture",
    summary="Where the force stands (as forcegen posture --json)",
    responses=_example("Distance to the line of contact, coverage, caveats, by unit."),
)
def posture(
    request: Request,
    scenario: ScenarioQuery = None,
    requirement: RequirementQuery = None,
    posture: Annotated[
        str | None,
        Query(description="A posture id; default: the deployment plan's layout."),
    ] = None,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen posture [-s SCENARIO] [-r REQUIREMENT] [--posture ID] --json``."""

    def compute(ws: forcegen.Workspace) -> Any:
        result = forcegen.posture(ws, scenario, requirement, posture=posture)
        return _doc(result.to_json(), ws)

    return _answer(request, ("posture", scenario, requirement, posture), set_, compute)


@router.get(
    "/posture/compare",
    summary="Every posture side by side (as forcegen posture --compare --json)",
    responses=_example("Each posture of the workspace: distance, coverage, who is at risk."),
)
def posture_compare(
    request: Request,
    scenario: ScenarioQuery = None,
    requirement: RequirementQuery = None,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen posture --compare [-s SCENARIO] [-r REQUIREMENT] --json``."""

    def compute(ws: forcegen.Workspace) -> Any:
        return _doc(forcegen.compare_postures(ws, scenario, requirement).to_json(), ws)

    return _answer(request, ("posture-compare", scenario, requirement), set_, compute)


@router.get(
    "/supply",
    summary="Supply the force in place (as forcegen supply --json)",
    responses=_example("Daily demand, resupply on the network, autonomy when cut."),
)
def supply(
    request: Request,
    scenario: ScenarioQuery = None,
    requirement: RequirementQuery = None,
    cut: Annotated[
        list[str],
        Query(description="Close a node or leg: NODE_OR_LEG:DAYS[:START] (as --cut; repeat)."),
    ] = [],  # noqa: B006
    disruptions: DisruptionsQuery = 0,
    seed: SeedQuery = 0,
    critical: Annotated[
        int | None,
        Query(description="Also cut each leg and node used alone for this many days (DAYS)."),
    ] = None,
    set_: SetQuery = [],  # noqa: B006
) -> Response:
    """As ``forcegen supply [-s SCENARIO] [-r REQUIREMENT] [--cut C ...] --disruptions N
    --seed S [--critical DAYS] --json``."""
    _disruptions(disruptions)
    forcegen.check_count("--cut", len(cut), "MAX_CUTS", least=0)
    cuts = [forcegen.parse_cut(text) for text in cut]
    if critical is not None:
        forcegen.check_count("--critical", critical, "MAX_DAYS", least=1)

    def compute(ws: forcegen.Workspace) -> Any:
        result = forcegen.supply(
            ws, scenario, requirement, cuts=cuts, draws=disruptions, seed=seed, critical=critical
        )
        return _doc(result.to_json(), ws)

    key = ("supply", scenario, requirement, tuple(cut), disruptions, seed, critical)
    return _answer(request, key, set_, compute)


@router.post(
    "/ledger/revisions",
    summary="Record a pledge revision in the ledger (needs the token)",
    status_code=201,
    dependencies=[Depends(require_token)],
    responses={
        201: {"description": "The entry ids recorded and the warnings (as ledger record --json)."},
        401: {"description": "No or a wrong 'Authorization: Bearer <token>'."},
        403: {"description": "The server is read-only (started without a token)."},
        409: {"description": "The workspace does not come from a ledger."},
        413: {"description": "The request body is too large."},
        422: {"description": "The revision is refused: the CLI's message."},
    },
)
def record_revision(request: Request, revision: Revision) -> Document:
    """As ``forcegen ledger record --pledge ID --date YYYY-MM-DD ... --author NAME
    --json`` on the server's ledger: validated with the whole ledger (nothing written if
    it fails); the served workspace is then read again."""
    held = workspace_state(request)
    url = held.settings.ledger
    if url is None:
        raise HTTPException(
            status_code=409,
            detail="the workspace does not come from a ledger: start forcegen serve "
            "--ledger URL to record revisions",
        )
    fields: dict[str, Any] = {
        "status": revision.status,
        "quantity": (
            int(revision.quantity)
            if revision.quantity is not None and revision.quantity.is_integer()
            else revision.quantity
        ),
        "personnel": revision.personnel,
        "requires": revision.requires,
        "zones": revision.zones,
        "readiness_days": revision.readiness_days,
    }
    entry: dict[str, Any] = {"pledge": revision.pledge, "date": revision.date}
    entry.update({k: v for k, v in fields.items() if v is not None})
    if revision.source is not None:
        entry["sources"] = [revision.source]
    if revision.assumption:
        entry["basis"] = "assumption"
    if revision.summary is not None:
        entry["summary"] = revision.summary
    if revision.corrects is not None:
        entry["corrects"] = revision.corrects
    with forcegen.open_ledger(url) as store:
        result = store.record(
            entry, author=revision.author, where=f"POST /api/ledger/revisions {revision.pledge}"
        )
        answer = {"ledger": store.url, **result.to_json()}
    held.reload()
    return answer
