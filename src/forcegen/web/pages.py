"""The dashboard's pages, rendered on the server from the same results as the API (Jinja2
templates in ``templates/``); charts are Vega-Lite specs (:mod:`forcegen.web.charts`)
drawn in the browser by the vendored Vega, every chart with its table."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import forcegen
from forcegen import names
from forcegen.web import charts
from forcegen.web.app import TEMPLATES
from forcegen.web.state import WorkspaceState

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(TEMPLATES))

PAGES: tuple[tuple[str, str], ...] = (("/", "Overview"),)
"""(path, title) of every page, in navigation order."""


def _state(request: Request) -> WorkspaceState:
    return request.app.state.workspace  # type: ignore[no-any-return]


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    """Scenarios by force option: personnel, fill, met, the vetoes."""
    held = _state(request)
    ws = held.workspace
    results = held.cached(("evaluate_all",), lambda: forcegen.evaluate_all(ws))
    rows = [
        {"scenario": sid, "name": names.scenario(ws, sid), "personnel": r.to_json()["personnel"]}
        for sid, r in results.items()
    ]
    return templates.TemplateResponse(
        request,
        "overview.html",
        {
            "pages": PAGES,
            "title": "Overview",
            "workspace": ws,
            "rows": rows,
            "charts": {"personnel": charts.scenario_personnel(rows)},
        },
    )
