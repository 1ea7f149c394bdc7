"""What every page shares: the router, the templates, the list of pages (``PAGES``),
rendering, table cells in the CLI's number formats, the scenario parameter, captions,
nation colours and the map's layers."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from importlib.resources import files
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

import forcegen
from forcegen import names
from forcegen.plots.style import caption_text, nation_colours
from forcegen.web import assets
from forcegen.web.app import TEMPLATES
from forcegen.web.state import WorkspaceState, workspace_state

router = APIRouter(include_in_schema=False)


def friendly(handler: Callable[..., HTMLResponse]) -> Callable[..., HTMLResponse]:
    """A page that cannot be shown (an unknown id in its parameters, a workspace without
    a network for the deployment) answers 422 with the CLI's message on an HTML page
    (the navigation kept), not a JSON document."""

    @functools.wraps(handler)
    def page(request: Request, *args: Any, **kwargs: Any) -> HTMLResponse:
        try:
            return handler(request, *args, **kwargs)
        except forcegen.ForcegenError as exc:
            title = next((t for p, t in PAGES if p == request.url.path), "Error")
            response = render(request, "error.html", title, message=str(exc))
            response.status_code = 422
            return response

    return page


def parameter_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """A plain sentence for FastAPI's validation errors of a page's query parameters,
    named as the CLI's options: "--draws: expected a whole number; got 'abc'"."""
    parts = []
    for error in errors:
        name = str(error.get("loc", ("", "parameter"))[-1]).replace("_", "-")
        kind = str(error.get("type", ""))
        if kind.startswith("int_"):
            expected = "a whole number"
        elif kind.startswith("float_"):
            expected = "a number"
        elif kind.startswith("bool_"):
            expected = "true or false"
        else:
            expected = str(error.get("msg", "a valid value")).lower()
        got = error.get("input")
        parts.append(f"--{name}: expected {expected}" + (f"; got {got!r}" if got else ""))
    return "; ".join(parts) or "bad parameters"


async def validation_error(request: Request, exc: Exception) -> Response:
    """A page's parameter FastAPI cannot read (``/odds?draws=abc``): 422 with a plain
    message on the HTML error page (the navigation kept), like :func:`friendly`; under
    ``/api/`` FastAPI's own JSON answer."""
    if request.url.path.startswith("/api/") or not isinstance(exc, RequestValidationError):
        return await request_validation_exception_handler(request, exc)  # type: ignore[arg-type]
    title = next((t for p, t in PAGES if p == request.url.path), "Error")
    response = render(request, "error.html", title, message=parameter_message(exc.errors()))
    response.status_code = 422
    return response


templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.globals["scripts"] = assets.SCRIPTS

PAGES: tuple[tuple[str, str], ...] = (
    ("/", "Overview"),
    ("/explorer", "Explorer"),
    ("/odds", "Odds"),
    ("/sourcing", "Sourcing"),
    ("/sustainment", "Sustainment"),
    ("/deployment", "Deployment"),
    ("/timeline", "Timeline"),
    ("/compare", "Compare"),
    ("/posture", "Posture"),
    ("/supply", "Supply"),
)
"""(path, title) of every page, in navigation order."""


# -- helpers ----------------------------------------------------------------------------


def page_cached(held: WorkspaceState, key: Hashable, compute: Callable[[], Any]) -> Any:
    """A page's result (a ``to_json()`` document, read as plain JSON), cached by its
    question."""
    return held.cached(("page", key), compute)


def count(value: float | int | None) -> str:
    """'13,590': a whole number of persons or units, as the CLI prints it."""
    if value is None:
        return "-"
    return f"{round(value):,}"


def units(value: float | None) -> str:
    """'2' or '2.5': capability units."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def share(value: float | None, digits: int = 0) -> str:
    """'56%': a share 0-1 as the CLI prints it."""
    if value is None:
        return "-"
    return f"{value:.{digits}%}"


def cell(text: Any, value: Any = None, *, num: bool = False, **attrs: Any) -> dict[str, Any]:
    """A table cell: the text shown, the raw figure (``data-value``), other attributes
    (``data-field`` etc., given with ``_`` for ``-``)."""
    out: dict[str, Any] = {"text": str(text), "num": num, "attrs": {}}
    if value is not None:
        out["attrs"]["data-value"] = json.dumps(value) if isinstance(value, bool) else value
    for key, val in attrs.items():
        out["attrs"][key.replace("_", "-")] = val
    return out


def num(value: float | int | None, text: str | None = None, **attrs: Any) -> dict[str, Any]:
    """A number cell, right-aligned, ``text`` defaulting to :func:`count`."""
    return cell(text if text is not None else count(value), value, num=True, **attrs)


def table(
    caption: str,
    columns: Sequence[str | tuple[str, bool]],
    rows: Iterable[Sequence[dict[str, Any]] | tuple[Mapping[str, Any], Sequence[dict[str, Any]]]],
    *,
    id: str = "",
) -> dict[str, Any]:
    """A data table: caption, column heads (``(label, numeric)``), rows of cells (or
    ``(row attributes, cells)``)."""
    heads = [(c, False) if isinstance(c, str) else c for c in columns]
    body = []
    for row in rows:
        if isinstance(row, tuple) and len(row) == 2 and isinstance(row[0], Mapping):
            attrs, cells = row
        else:
            attrs, cells = {}, row
        body.append(
            {"attrs": {k.replace("_", "-"): v for k, v in attrs.items()}, "cells": list(cells)}
        )
    return {"caption": caption, "columns": heads, "rows": body, "id": id}


def section(
    id: str,
    title: str,
    *,
    chart: str | None = None,
    table: dict[str, Any] | None = None,
    tables: Sequence[dict[str, Any]] = (),
    caption: str = "",
    intro: str = "",
    wide: bool = False,
    action: Mapping[str, str] | None = None,
    note: str = "",
) -> dict[str, Any]:
    """A part of a page: heading, optional chart (by spec name) with its caption
    (sources), its table(s) beside (or under, ``wide``) it; or, with ``action`` (``id``,
    ``label``), a button that has static/app.js fetch and draw the part on request;
    ``note``: a paragraph under the chart and tables (how to read them)."""
    return {
        "id": id,
        "title": title,
        "chart": chart,
        "tables": [t for t in (table, *tables) if t is not None],
        "caption": caption,
        "intro": intro,
        "wide": wide,
        "action": action,
        "note": note,
    }


def render(
    request: Request,
    template: str,
    title: str,
    *,
    lead: str = "",
    sections: Sequence[dict[str, Any]] = (),
    specs: Mapping[str, dict[str, Any]] | None = None,
    **context: Any,
) -> HTMLResponse:
    held = workspace_state(request)
    return templates.TemplateResponse(
        request,
        template,
        {
            "pages": PAGES,
            "title": title,
            "lead": lead,
            "workspace": held.workspace,
            "sections": sections,
            "charts": dict(specs or {}),
            **context,
        },
    )


def scenario_param(ws: forcegen.Workspace, scenario: str | None, default: str | None) -> str | None:
    """The scenario asked for (checked: unknown -> 422 with the CLI's message), or the
    page's default when it is one of the workspace's, else the first scenario."""
    if scenario:
        ws.scenario(scenario)
        return scenario
    if default in ws.scenarios:
        return default
    return next(iter(ws.scenarios), None)


def scenario_caption(ws: forcegen.Workspace, scenario: str | None, **kw: Any) -> str:
    return caption_text(ws, scenario=names.scenario(ws, scenario) if scenario else None, **kw)


def scenario_choices(ws: forcegen.Workspace) -> list[tuple[str, str]]:
    return [(sid, names.scenario(ws, sid)) for sid in ws.scenarios]


def house_colours(held: WorkspaceState) -> dict[str, str]:
    ws = held.workspace
    colours: dict[str, str] = page_cached(held, ("colours",), lambda: nation_colours(ws))
    return colours


def country_outlines(held: WorkspaceState) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        resource = files("forcegen") / "datasets" / "geo" / "countries.geojson"
        return json.loads(resource.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    countries: dict[str, Any] = page_cached(held, ("countries",), read)
    return countries


def map_layers(
    geo: Mapping[str, Any],
) -> tuple[list[Any], list[Any], list[dict[str, Any]], list[Any]]:
    feats = geo["features"]
    legs = [f for f in feats if f["properties"].get("layer") == "leg"]
    loc = [  # the geometry only: its properties carry the sources' URLs (no links off the machine)
        {"type": "Feature", "properties": {"layer": "line_of_contact"}, "geometry": f["geometry"]}
        for f in feats
        if f["properties"].get("layer") == "line_of_contact"
    ]
    nodes = [
        {
            "lon": f["geometry"]["coordinates"][0],
            "lat": f["geometry"]["coordinates"][1],
            "name": f["properties"].get("name"),
            "kind": f["properties"].get("kind") or "node",
            "moved_personnel": f["properties"].get("moved_personnel") or 0,
        }
        for f in feats
        if f["properties"].get("layer") == "node"
    ]
    units_ = [f for f in feats if f["properties"].get("layer") == "unit"]
    return legs, loc, nodes, units_
