"""The dashboard's pages, rendered on the server from the same results as the API (Jinja2
templates in ``templates/``); charts are Vega-Lite specs (:mod:`forcegen.web.charts`)
drawn in the browser by the vendored Vega, every chart with its table.

Each page asks the public API one or two questions (``forcegen.evaluate_all``,
``monte_carlo``, ``source_requirement``, ``sustainment``, ``deploy``, ``timeline``,
``compare``, ``compare_postures``/``posture``, ``supply``) and keeps the answers in the
app's result cache, keyed by the question. Nation colours and chart captions are the
matplotlib charts' (:mod:`forcegen.plots.style`, which needs no matplotlib to import).
Numbers are printed with the CLI's rounding; every number cell carries the raw figure
in ``data-value``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from importlib.resources import files
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import forcegen
from forcegen import names
from forcegen.errors import UnknownIdError
from forcegen.plots.style import caption_text, nation_colours
from forcegen.web import assets, charts
from forcegen.web.app import TEMPLATES
from forcegen.web.state import WorkspaceState
from forcegen.web.whatif import WhatIf, answer

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

ODDS_DRAWS = 20_000
"""Monte Carlo draws of the odds page by default [draws]."""

MAX_WEB_DRAWS = 200_000
"""Most draws a page may ask for [draws]: a page answers within seconds, not minutes."""


# -- helpers ----------------------------------------------------------------------------


def _state(request: Request) -> WorkspaceState:
    return request.app.state.workspace  # type: ignore[no-any-return]


def _cached(held: WorkspaceState, key: Hashable, compute: Callable[[], Any]) -> Any:
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
) -> dict[str, Any]:
    """A part of a page: heading, optional chart (by spec name) with its caption
    (sources), its table(s) beside (or under, ``wide``) it."""
    return {
        "id": id,
        "title": title,
        "chart": chart,
        "tables": [t for t in (table, *tables) if t is not None],
        "caption": caption,
        "intro": intro,
        "wide": wide,
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
    held = _state(request)
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


def _scenario_param(
    ws: forcegen.Workspace, scenario: str | None, default: str | None
) -> str | None:
    """The scenario asked for (checked: unknown -> 422 with the CLI's message), or the
    page's default when it is one of the workspace's, else the first scenario."""
    if scenario:
        ws.scenario(scenario)
        return scenario
    if default in ws.scenarios:
        return default
    return next(iter(ws.scenarios), None)


def _caption(ws: forcegen.Workspace, scenario: str | None, **kw: Any) -> str:
    return caption_text(ws, scenario=names.scenario(ws, scenario) if scenario else None, **kw)


def _scenario_choices(ws: forcegen.Workspace) -> list[tuple[str, str]]:
    return [(sid, names.scenario(ws, sid)) for sid in ws.scenarios]


def _colours(held: WorkspaceState) -> dict[str, str]:
    ws = held.workspace
    colours: dict[str, str] = _cached(held, ("colours",), lambda: nation_colours(ws))
    return colours


def _countries(held: WorkspaceState) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        resource = files("forcegen") / "datasets" / "geo" / "countries.geojson"
        return json.loads(resource.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    countries: dict[str, Any] = _cached(held, ("countries",), read)
    return countries


# -- overview ---------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
@friendly
def overview(request: Request) -> HTMLResponse:
    """Scenarios by force option: personnel, fill, met, the vetoes
    (``forcegen.evaluate_all``)."""
    held = _state(request)
    ws = held.workspace
    results = held.cached(("evaluate_all",), lambda: forcegen.evaluate_all(ws))
    docs: dict[str, Any] = {sid: r.to_json() for sid, r in results.items()}
    caption = caption_text(ws, scenario="each scenario in turn")
    options = list(ws.requirements)
    heat = []
    fill_rows = []
    for sid, doc in docs.items():
        name = names.scenario(ws, sid)
        cells = [cell(name, scenario=sid), num(doc["personnel"], data_field="personnel")]
        for rid in options:
            fill = doc["requirements"][rid]
            label = share(fill["personnel_fill"]) + (" ✓" if fill["met"] else "")
            heat.append(
                {
                    "scenario": name,
                    "option": names.requirement(ws, rid),
                    "personnel_fill": fill["personnel_fill"],
                    "met": fill["met"],
                    "label": label,
                }
            )
            cells.append(
                num(
                    fill["personnel_fill"],
                    label,
                    data_requirement=rid,
                    data_met=json.dumps(fill["met"]),
                    title=f"unit fill {share(fill['fill_ratio'])}; "
                    f"met: {'yes' if fill['met'] else 'no'}",
                )
            )
        fill_rows.append(({"data_scenario": sid}, cells))
    veto_rows = []
    for sid, doc in docs.items():
        veto = doc["veto"]
        veto_rows.append(
            (
                {"data_scenario": sid},
                [cell(names.scenario(ws, sid))]
                + [num(veto[c], data_veto=c) for c in ws.conditions],
            )
        )
    personnel_rows = [
        {"scenario": sid, "name": names.scenario(ws, sid), "personnel": doc["personnel"]}
        for sid, doc in docs.items()
    ]
    sections = [
        section(
            "fill",
            "Force options: personnel fill by scenario",
            chart="fill",
            caption=caption,
            wide=True,
            intro="Personnel of the filled lines over the personnel each option requires, as "
            "forcegen run reports it; ✓ = the option is met (every line filled).",
            table=table(
                "Personnel and force-option fill by scenario (✓ = met)",
                [("scenario", False), ("personnel", True)]
                + [(names.requirement(ws, r), True) for r in options],
                fill_rows,
                id="table-fill",
            ),
        ),
        section(
            "personnel",
            "Personnel that materialise",
            chart="personnel",
            caption=caption,
            table=table(
                "Personnel by scenario",
                [("scenario", False), ("personnel", True)],
                [[cell(r["name"]), num(r["personnel"])] for r in personnel_rows],
                id="table-personnel",
            ),
        ),
        section(
            "vetoes",
            "Vetoes: troops hanging on each condition",
            caption=caption,
            wide=True,
            intro="Active personnel with the condition true minus with it false, every other "
            "condition as the scenario fixes it.",
            table=table(
                "Veto of each condition by scenario [personnel]",
                [("scenario", False)] + [(names.condition(ws, c), True) for c in ws.conditions],
                veto_rows,
                id="table-vetoes",
            ),
        ),
    ]
    specs = {
        "fill": charts.fill_heatmap(heat, caption),
        "personnel": charts.scenario_personnel(personnel_rows, caption),
    }
    return render(
        request,
        "page.html",
        "Overview",
        lead=f"{len(docs)} scenarios of {ws.origin}: the force each one produces, how far it "
        "fills each force option, and the conditions it hangs on.",
        sections=sections,
        specs=specs,
    )


# -- explorer ---------------------------------------------------------------------------


def explorer_rows(
    ws: forcegen.Workspace, doc: Mapping[str, Any], colours: Mapping[str, str]
) -> dict[str, Any]:
    """Chart rows of a what-if document (the explorer's JavaScript builds the same)."""
    return {
        "options": [
            {
                "name": names.requirement(ws, rid),
                "personnel_fill": fill["personnel_fill"],
                "met": fill["met"],
            }
            for rid, fill in doc["requirements"].items()
        ],
        "vetoes": [
            {"name": names.condition(ws, c), "personnel": v} for c, v in doc["veto"].items()
        ],
        "nations": [
            {"nation": n, "name": names.nation(ws, n), "personnel": p}
            for n, p in doc["by_nation"].items()
            if p
        ],
    }


@router.get("/explorer", response_class=HTMLResponse)
@friendly
def explorer(request: Request, scenario: str | None = None) -> HTMLResponse:
    """A scenario with its conditions as selects: each change POSTs ``/api/whatif`` and
    the force, fills and vetoes update in place."""
    held = _state(request)
    ws = held.workspace
    sid = _scenario_param(ws, scenario, "ceasefire-only")
    doc = answer(held, WhatIf(scenario=sid))
    colours = _colours(held)
    caption = _caption(
        ws, sid, note="Conditions changed here are a what-if on top of the scenario."
    )
    rows = explorer_rows(ws, doc, colours)
    fixed = ws.scenario(sid).assume if sid else {}
    option_rows = [
        (
            {"data_requirement": rid, "data_name": names.requirement(ws, rid)},
            [
                cell(names.requirement(ws, rid)),
                num(fill["required_personnel"]),
                num(fill["filled_personnel"], data_field="filled_personnel"),
                num(
                    fill["personnel_fill"],
                    share(fill["personnel_fill"]),
                    data_field="personnel_fill",
                ),
                num(fill["fill_ratio"], share(fill["fill_ratio"]), data_field="fill_ratio"),
                cell("met" if fill["met"] else "not met", fill["met"], data_field="met"),
            ],
        )
        for rid, fill in doc["requirements"].items()
    ]
    veto_rows = [
        (
            {"data_veto": c, "data_name": names.condition(ws, c)},
            [cell(names.condition(ws, c)), num(v, data_field="personnel")],
        )
        for c, v in doc["veto"].items()
    ]
    nation_rows = [
        (
            {"data_nation": n},
            [cell(names.nation(ws, n)), num(p, data_field="personnel")],
        )
        for n, p in sorted(doc["by_nation"].items(), key=lambda kv: -kv[1])
        if p
    ]
    conditions = [
        {
            "id": c,
            "name": names.condition(ws, c),
            "fixed": fixed.get(c),
            "description": getattr(ws.conditions[c], "description", "") or "",
        }
        for c in ws.conditions
    ]
    sections = [
        section(
            "options",
            "Force options",
            chart="options",
            caption=caption,
            table=table(
                "Fill of each force option",
                [
                    ("force option", False),
                    ("required personnel", True),
                    ("filled personnel", True),
                    ("personnel fill", True),
                    ("unit fill", True),
                    ("met", False),
                ],
                option_rows,
                id="table-options",
            ),
            wide=True,
        ),
        section(
            "vetoes",
            "Vetoes",
            chart="vetoes",
            caption=caption,
            intro="Troops hanging on each condition: active personnel with it true minus with "
            "it false.",
            table=table(
                "Veto of each condition [personnel]",
                [("condition", False), ("personnel", True)],
                veto_rows,
                id="table-vetoes",
            ),
        ),
        section(
            "nations",
            "Force by nation",
            chart="nations",
            caption=caption,
            table=table(
                "Active personnel by nation",
                [("nation", False), ("personnel", True)],
                nation_rows,
                id="table-nations",
            ),
        ),
    ]
    specs = {
        "options": charts.option_fill(rows["options"], caption),
        "vetoes": charts.veto_bars(rows["vetoes"], caption),
        "nations": charts.nation_bars(
            rows["nations"], colours, "Active personnel by nation", caption
        ),
    }
    explorer_data = {
        "scenario": sid,
        "nations": {n: names.nation(ws, n) for n in ws.nations},
        "colours": colours,
    }
    return render(
        request,
        "explorer.html",
        "Explorer",
        lead="Set or free a condition (or try one --set override): the force, the fills and "
        "the vetoes below are evaluated again by the server (POST /api/whatif).",
        sections=sections,
        specs=specs,
        scenario=sid,
        scenarios=_scenario_choices(ws),
        conditions=conditions,
        doc=doc,
        explorer_data=explorer_data,
    )


# -- odds -------------------------------------------------------------------------------


@router.get("/odds", response_class=HTMLResponse)
@friendly
def odds(
    request: Request,
    scenario: str | None = None,
    draws: int = Query(ODDS_DRAWS, ge=1, le=MAX_WEB_DRAWS),
    seed: int = Query(0, ge=0, le=2**32 - 1),
) -> HTMLResponse:
    """Monte Carlo odds of each force option and the conditions' sensitivity tornado
    (``forcegen.monte_carlo``, seeded)."""
    held = _state(request)
    ws = held.workspace
    if scenario:
        ws.scenario(scenario)
    sid = scenario or None
    result = _cached(
        held,
        ("odds", sid, draws, seed),
        lambda: forcegen.monte_carlo(ws, sid, draws=draws, seed=seed).to_json(),
    )
    caption = _caption(ws, sid, seed=seed, draws=draws)
    reqs = result["requirements"]
    prob_rows = []
    prob_table = []
    for rid, r in reqs.items():
        low = max(0.0, r["p_met"] - 1.96 * r["stderr"])
        high = min(1.0, r["p_met"] + 1.96 * r["stderr"])
        hc = r["p_headcount"]
        hc_half = 1.96 * r["p_headcount_stderr"]
        prob_rows.append(
            {
                "name": names.requirement(ws, rid),
                "measure": "P(met)",
                "p": r["p_met"],
                "low": low,
                "high": high,
            }
        )
        prob_rows.append(
            {
                "name": names.requirement(ws, rid),
                "measure": "P(headcount)",
                "p": hc,
                "low": max(0.0, hc - hc_half),
                "high": min(1.0, hc + hc_half),
            }
        )
        prob_table.append(
            (
                {"data_requirement": rid},
                [
                    cell(names.requirement(ws, rid)),
                    num(r["p_met"], share(r["p_met"], 1), data_field="p_met"),
                    num(r["stderr"], f"±{1.96 * r['stderr']:.1%}"),
                    num(r["p_headcount"], share(r["p_headcount"], 1)),
                    num(r["expected_personnel_fill"], share(r["expected_personnel_fill"], 1)),
                ],
            )
        )
    sens = result["sensitivity"]
    ordered = sorted(sens.items(), key=lambda kv: -abs(kv[1]["swing_personnel"]))
    tornado_rows = [
        {
            "name": names.condition(ws, c),
            "if_false": s["personnel_if_false"],
            "if_true": s["personnel_if_true"],
            "variance_share": s["variance_share"],
        }
        for c, s in ordered
    ]
    tornado_table = [
        (
            {"data_condition": c},
            [
                cell(names.condition(ws, c)),
                num(s["personnel_if_false"]),
                num(s["personnel_if_true"]),
                num(s["swing_personnel"], data_field="swing_personnel"),
                num(s["variance_share"], share(s["variance_share"])),
                num(s["shapley"], share(s["shapley"])),
            ],
        )
        for c, s in ordered
    ]
    personnel = result["personnel"]
    hist = result["histogram"]
    hist_rows = [
        {"from": a, "to": b, "probability": p}
        for a, b, p in zip(hist["edges"][:-1], hist["edges"][1:], hist["probability"], strict=False)
    ]
    free = ", ".join(names.condition(ws, c) for c in result["free_conditions"]) or "none"
    sections = [
        section(
            "p-met",
            "Probability that each force option is met",
            chart="pmet",
            caption=caption,
            wide=True,
            intro=f"Free conditions drawn: {free}. P(met): every line filled; P(headcount): "
            "the active personnel reach the option's size. Black rules: 95 % intervals.",
            table=table(
                "P(met) of each force option",
                [
                    ("force option", False),
                    ("P(met)", True),
                    ("95% ±", True),
                    ("P(headcount)", True),
                    ("expected personnel fill", True),
                ],
                prob_table,
                id="table-pmet",
            ),
        ),
        section(
            "tornado",
            "Sensitivity tornado",
            chart="tornado",
            caption=caption,
            wide=True,
            intro="Expected personnel with each free condition false (red tick) and true "
            f"(green tick); the dashed rule is the mean, {count(personnel['mean'])}.",
            table=table(
                "Sensitivity of the force to each condition",
                [
                    ("condition", False),
                    ("if false", True),
                    ("if true", True),
                    ("swing", True),
                    ("variance share", True),
                    ("Shapley share", True),
                ],
                tornado_table,
                id="table-tornado",
            ),
        ),
        section(
            "spread",
            "Spread of the force",
            chart="histogram",
            caption=caption,
            table=table(
                "Personnel that materialise across the draws",
                [("statistic", False), ("personnel", True)],
                [
                    [cell("mean"), num(personnel["mean"])],
                    [cell("5th percentile"), num(personnel["p05"])],
                    [cell("median"), num(personnel["p50"])],
                    [cell("95th percentile"), num(personnel["p95"])],
                ],
                id="table-spread",
            ),
        ),
    ]
    specs = {
        "pmet": charts.probability_bars(prob_rows, caption),
        "tornado": charts.tornado(tornado_rows, personnel["mean"], caption),
        "histogram": histogram(hist_rows, caption),
    }
    return render(
        request,
        "page.html",
        "Odds",
        lead=f"Monte Carlo over the free conditions: {draws:,} draws, seed {seed}.",
        sections=sections,
        specs=specs,
        form={
            "scenario": sid,
            "scenarios": _scenario_choices(ws),
            "none": "every condition free",
            "extra": {"draws": draws, "seed": seed},
        },
    )


def histogram(rows: Sequence[Mapping[str, Any]], caption: str) -> dict[str, Any]:
    """Share of the draws by personnel bin (rows: from, to, probability)."""
    spec = charts.base("Personnel that materialise: share of the draws", caption)
    spec.update(
        {
            "height": 220,
            "data": {"values": [dict(r) for r in rows]},
            "mark": {"type": "bar", "color": charts.ACCENT},
            "encoding": {
                "x": {
                    "field": "from",
                    "type": "quantitative",
                    "bin": {"binned": True},
                    "title": "personnel",
                    "axis": {"format": ",d"},
                },
                "x2": {"field": "to"},
                "y": {
                    "field": "probability",
                    "type": "quantitative",
                    "title": "share of draws",
                    "axis": {"format": ".0%"},
                },
                "tooltip": [
                    {"field": "from", "format": ",.0f"},
                    {"field": "to", "format": ",.0f"},
                    {"field": "probability", "format": ".1%"},
                ],
            },
        }
    )
    return spec


# -- sourcing ---------------------------------------------------------------------------


@router.get("/sourcing", response_class=HTMLResponse)
@friendly
def sourcing(
    request: Request, requirement: str | None = None, scenario: str | None = None
) -> HTMLResponse:
    """The optimal fill of a force option from a scenario's pledges: the fill table, the
    shortfalls, the lines only the US can fill (``forcegen.source_requirement`` with
    ``dependence_on="USA"``)."""
    held = _state(request)
    ws = held.workspace
    sid = _scenario_param(ws, scenario, "ceasefire-us-backstop")
    if requirement and requirement not in ws.requirements:
        raise UnknownIdError("requirement", requirement, ws.requirements)
    rid = requirement or (
        "force-25k" if "force-25k" in ws.requirements else next(iter(ws.requirements))
    )
    us = "USA" if "USA" in ws.nations else None
    result = _cached(
        held,
        ("sourcing", rid, sid, us),
        lambda: forcegen.source_requirement(ws, rid, sid, dependence_on=us).to_json(),
    )
    caption = _caption(
        ws, sid, note=f"Optimal fill of {names.requirement(ws, rid)} (lexicographic MILP)."
    )

    def line_name(line: Mapping[str, Any]) -> str:
        return names.line(ws, line["capability"], line["zone"])

    lines = result["lines"]
    chart_rows = [
        {
            "line": f"{i + 1}. {line_name(line)}",
            "required": line["required"],
            "filled": line["filled"],
            "status": line["status"].replace("_", " "),
        }
        for i, line in enumerate(lines)
    ]
    fill_rows = [
        (
            {"data_line": i, "data_status": line["status"]},
            [
                cell(i + 1),
                cell(line_name(line)),
                num(line["priority"], str(line["priority"])),
                num(line["required"], units(line["required"])),
                num(line["filled"], units(line["filled"])),
                num(line["shortfall"], units(line["shortfall"])),
                cell(
                    ", ".join(
                        f"{names.nation(ws, n)} {units(q)}" for n, q in line["by_nation"].items()
                    )
                    or "-"
                ),
                cell(line["status"].replace("_", " ")),
            ],
        )
        for i, line in enumerate(lines)
    ]
    short_rows = [
        [
            cell(i + 1),
            cell(line_name(line)),
            num(line["shortfall"], units(line["shortfall"])),
            num(line["offered"], units(line["offered"])),
            num(line["required_personnel"] - line["filled_personnel"]),
        ]
        for i, line in enumerate(lines)
        if line["shortfall"] > 0
    ]
    dependence = result.get("us_dependence") or []
    us_rows = [
        [
            cell(d["line"] + 1),
            cell(names.line(ws, d["capability"], d["zone"])),
            num(d["filled"], units(d["filled"])),
            num(d["fill_lost"], units(d["fill_lost"])),
        ]
        for d in dependence
        if d.get("only_this_nation")
    ]
    headline = table(
        "The fill at a glance",
        [("measure", False), ("value", True)],
        [
            [cell("status"), cell(result["status"])],
            [
                cell("units filled / required"),
                num(
                    result["filled_units"],
                    f"{units(result['filled_units'])} / {units(result['required_units'])}",
                ),
            ],
            [
                cell("unit fill"),
                num(result["fill_ratio"], share(result["fill_ratio"]), data_field="fill_ratio"),
            ],
            [
                cell("personnel filled / required"),
                num(
                    result["filled_personnel"],
                    f"{count(result['filled_personnel'])} / {count(result['required_personnel'])}",
                ),
            ],
            [
                cell("personnel fill"),
                num(result["personnel_fill"], share(result["personnel_fill"])),
            ],
            [cell("met"), cell("yes" if result["met"] else "no", result["met"], data_field="met")],
            [cell("personnel idle (active, not needed)"), num(result["idle_personnel"])],
        ],
        id="table-headline",
    )
    sections = [
        section(
            "fill",
            f"{names.requirement(ws, rid)}: the fill, line by line",
            chart="lines",
            caption=caption,
            tables=[headline],
        ),
        section(
            "lines",
            "Fill table",
            wide=True,
            table=table(
                "Each line of the force option: required, filled, short [units]",
                [
                    ("#", False),
                    ("line", False),
                    ("priority", True),
                    ("required", True),
                    ("filled", True),
                    ("short", True),
                    ("filled by", False),
                    ("status", False),
                ],
                fill_rows,
                id="table-lines",
            ),
        ),
        section(
            "shortfalls",
            "Shortfalls",
            wide=True,
            intro="Lines not filled in full; 'offered' counts every active pledge of the "
            "capability that could serve there.",
            table=table(
                "Lines short of units",
                [
                    ("#", False),
                    ("line", False),
                    ("short [units]", True),
                    ("offered [units]", True),
                    ("personnel missing", True),
                ],
                short_rows,
                id="table-shortfalls",
            ),
        ),
        section(
            "us-only",
            "Lines only the United States can fill",
            wide=True,
            intro="Lines whose fill drops when the US pledges are left out and no other "
            "nation can fill them."
            if us
            else "The workspace has no United States nation record.",
            table=table(
                "Lines only the US fills",
                [
                    ("#", False),
                    ("line", False),
                    ("filled [units]", True),
                    ("lost without the US [units]", True),
                ],
                us_rows,
                id="table-us-only",
            ),
        ),
    ]
    specs = {"lines": charts.line_fill(chart_rows, caption)}
    return render(
        request,
        "page.html",
        "Sourcing",
        lead=f"{names.requirement(ws, rid)} from the pledges active in {names.scenario(ws, sid)}.",
        sections=sections,
        specs=specs,
        form={
            "scenario": sid,
            "scenarios": _scenario_choices(ws),
            "requirement": rid,
            "requirements": [(r, names.requirement(ws, r)) for r in ws.requirements],
        },
    )


# -- sustainment ------------------------------------------------------------------------


@router.get("/sustainment", response_class=HTMLResponse)
@friendly
def sustainment(
    request: Request, scenario: str | None = None, months: int = Query(36, ge=1, le=240)
) -> HTMLResponse:
    """Keeping the force in the field: the coalition curve, each nation's rotation, the
    headquarters' leads (``forcegen.sustainment``)."""
    held = _state(request)
    ws = held.workspace
    sid = _scenario_param(ws, scenario, "ceasefire-us-backstop")
    result = _cached(
        held,
        ("sustainment", sid, months),
        lambda: forcegen.sustainment(ws, sid, months=months).to_json(),
    )
    colours = _colours(held)
    caption = _caption(ws, sid, note=result["scope"]["text"])
    short_caption = _caption(ws, sid)
    co = result["coalition"]
    curve = [
        {"month": m, "series": series, "personnel": value}
        for series, key in (
            ("load (what the pledges ask)", "load"),
            ("deployed (what rotation sustains)", "deployed"),
        )
        for m, value in zip(co["month"], co[key], strict=True)
    ]
    curve_table = [
        [num(m, str(m)), num(load), num(dep), num(load - dep)]
        for k, (m, load, dep) in enumerate(
            zip(co["month"], co["load"], co["deployed"], strict=True)
        )
        if k == 0 or (load, dep) != (co["load"][k - 1], co["deployed"][k - 1])
    ]
    rota = []
    nation_rows = []
    for n, r in result["nations"].items():
        name = names.nation(ws, n)
        fails = r.get("fails_at_month")
        end = months + 1
        rota.append(
            {
                "label": name,
                "nation": n,
                "nation_name": name,
                "start": 1,
                "end": fails or end,
                "note": "sustained",
            }
        )
        if fails:
            rota.append(
                {
                    "label": name,
                    "nation": "short",
                    "nation_name": name,
                    "start": fails,
                    "end": end,
                    "note": "cannot be sustained: draw down needed",
                }
            )
        nation_rows.append(
            (
                {"data_nation": n},
                [
                    cell(name),
                    num(r["pledged"]),
                    num(r["peak_load"]),
                    num(r.get("ceiling")),
                    num(r.get("headroom")),
                    cell("yes" if r.get("sustainable") else "no", bool(r.get("sustainable"))),
                    num(fails, str(fails) if fails else "-"),
                    num(r.get("draw_down_needed")),
                ],
            )
        )
    rota_colours = {**colours, "short": "#d9dee3"}
    hq_rows = []
    hq_table = []
    for hq in result["headquarters"]:
        end = (hq["to_month"] or months) + 1
        label = hq["name"]
        hq_rows.append(
            {
                "label": label,
                "nation": hq["lead"],
                "nation_name": names.nation(ws, hq["lead"]),
                "start": hq["from_month"],
                "end": end,
                "note": f"{hq['staff']:,} staff",
            }
        )
        hq_table.append(
            [
                cell(label),
                cell(names.nation(ws, hq["lead"])),
                num(hq["from_month"], str(hq["from_month"])),
                num(hq["to_month"], str(hq["to_month"] or months)),
                num(hq["staff"]),
            ]
        )
    sections = [
        section(
            "curve",
            "Coalition strength over the months",
            chart="curve",
            caption=caption,
            intro=f"After the first rotation {count(co['after_first_rotation'])} personnel; "
            f"at month {months} {count(co['at_horizon'])}.",
            table=table(
                "Coalition load and deployed strength [personnel], from each month "
                "something changes",
                [("month", True), ("load", True), ("deployed", True), ("short", True)],
                curve_table,
                id="table-curve",
            ),
        ),
        section(
            "rotation",
            "Rotation: how long each nation can keep its pledge in the field",
            chart="rotation",
            caption=short_caption,
            wide=True,
            table=table(
                "Each nation's rotation",
                [
                    ("nation", False),
                    ("pledged", True),
                    ("peak load", True),
                    ("ceiling", True),
                    ("headroom", True),
                    ("sustainable", False),
                    ("fails at month", True),
                    ("draw down needed", True),
                ],
                nation_rows,
                id="table-rotation",
            ),
        ),
        section(
            "hq",
            "Headquarters leads",
            chart="hq",
            caption=short_caption,
            table=table(
                "Headquarters and their lead nations",
                [
                    ("headquarters", False),
                    ("lead", False),
                    ("from month", True),
                    ("to month", True),
                    ("staff", True),
                ],
                hq_table,
                id="table-hq",
            ),
        ),
    ]
    specs = {
        "curve": charts.coalition_curve(curve, short_caption),
        "rotation": charts.gantt(
            rota,
            rota_colours,
            "Months each nation's pledge is sustained (grey: not sustainable)",
            short_caption,
            months=months,
            legend=False,
        ),
        "hq": charts.gantt(
            hq_rows, colours, "Headquarters: lead nation by month", short_caption, months=months
        ),
    }
    return render(
        request,
        "page.html",
        "Sustainment",
        lead=f"{names.scenario(ws, sid)} over {months} months of rotations.",
        sections=sections,
        specs=specs,
        form={"scenario": sid, "scenarios": _scenario_choices(ws), "extra": {"months": months}},
    )


# -- deployment -------------------------------------------------------------------------


def _map_layers(
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


@router.get("/deployment", response_class=HTMLResponse)
@friendly
def deployment(
    request: Request, scenario: str | None = None, requirement: str | None = None
) -> HTMLResponse:
    """Getting the force there: the network map coloured by peak utilisation, the
    closure curve, the critical path (``forcegen.deploy``)."""
    held = _state(request)
    ws = held.workspace
    sid = _scenario_param(ws, scenario, "ceasefire-us-backstop")
    if requirement and requirement not in ws.requirements:
        raise UnknownIdError("requirement", requirement, ws.requirements)
    rid = requirement or None

    def compute() -> tuple[dict[str, Any], dict[str, Any]]:
        plan = forcegen.deploy(ws, sid, requirement=rid)
        return plan.to_json(), plan.to_geojson()

    doc, geo = _cached(held, ("deploy", sid, rid), compute)
    caption = _caption(ws, sid)
    legs, loc, nodes, _ = _map_layers(geo)
    used_legs = [
        leg
        for leg in legs
        if (leg["properties"].get("moved_personnel") or 0)
        or (leg["properties"].get("moved_short_tons") or 0)
    ]
    used_nodes = [n for n in nodes if n["moved_personnel"]]
    box = charts.extent([*used_legs, *loc])
    countries = _cached(
        held, ("clipped", box), lambda: charts.clip_countries(_countries(held), box)
    )
    map_legs = charts.clip_lines(used_legs, box)
    map_nodes = [
        n for n in used_nodes if box[0] <= n["lon"] <= box[2] and box[1] <= n["lat"] <= box[3]
    ]
    closure = sorted(doc["units"], key=lambda u: (u["closure_day"] is None, u["closure_day"] or 0))
    total = 0.0
    curve = [{"day": 0, "personnel": 0}]
    for u in closure:
        if u["closure_day"] is None:
            continue
        total += u["personnel"]
        curve.append({"day": u["closure_day"], "personnel": total})
    unit_rows = [
        [
            cell(u["unit"]),
            cell(names.nation(ws, u["nation"])),
            cell(u["destination"]),
            num(u["personnel"]),
            num(u["ready_day"], str(u["ready_day"])),
            num(u["closure_day"], str(u["closure_day"])),
        ]
        for u in closure
    ]
    cp = doc["critical_path"]
    cp_rows = [
        [
            cell(u["unit"]),
            cell(names.nation(ws, u["nation"])),
            cell(names.capability(ws, u["capability"])),
            cell(u["load"]),
            num(u["ready_day"], str(u["ready_day"])),
            num(u["transit_days"], str(u["transit_days"])),
            num(u["earliest_day"], str(u["earliest_day"])),
            num(u["closure_day"], str(u["closure_day"])),
        ]
        for u in cp["units"]
    ]
    bottleneck_rows = [
        [
            cell(b["name"]),
            cell(b["what"]),
            cell(b["load"]),
            cell(f"{b['first_day']}-{b['last_day']}"),
            num(b["shadow_price"], f"{b['shadow_price']:,.1f}"),
        ]
        for b in doc["bottlenecks"]
    ]
    leg_rows = sorted(
        used_legs, key=lambda f: -(f["properties"].get("peak_utilisation_share") or 0)
    )
    leg_table = [
        [
            cell(f["properties"]["name"]),
            cell(f["properties"]["mode"]),
            num(f["properties"].get("moved_personnel")),
            num(f["properties"].get("moved_short_tons")),
            num(
                f["properties"].get("peak_utilisation_share"),
                share(f["properties"].get("peak_utilisation_share")),
            ),
            num(f["properties"].get("peak_day"), str(f["properties"].get("peak_day") or "-")),
        ]
        for f in leg_rows
    ]
    sections = [
        section(
            "map",
            "The deployment network",
            chart="map",
            caption=caption,
            wide=True,
            intro="Legs used by the plan, coloured by their peak utilisation; nodes sized by the "
            "personnel through them; the line of contact in red. Outlines: Natural Earth "
            "(public domain), shipped with forcegen.",
            table=table(
                "Legs used, busiest first",
                [
                    ("leg", False),
                    ("mode", False),
                    ("personnel moved", True),
                    ("short tons moved", True),
                    ("peak utilisation", True),
                    ("peak day", True),
                ],
                leg_table,
                id="table-legs",
            ),
        ),
        section(
            "closure",
            f"Closure on day {doc['closure_day']}",
            chart="closure",
            caption=caption,
            table=table(
                "Units by closure day",
                [
                    ("unit", False),
                    ("nation", False),
                    ("destination", False),
                    ("personnel", True),
                    ("ready day", True),
                    ("closure day", True),
                ],
                unit_rows,
                id="table-closure",
            ),
        ),
        section(
            "critical-path",
            "The critical path",
            wide=True,
            intro=f"Closure on day {cp['closure_day']}, bound by {cp['cause']} "
            f"(transit alone: day {cp['transit_bound']}).",
            tables=[
                table(
                    "Units on the critical path",
                    [
                        ("unit", False),
                        ("nation", False),
                        ("capability", False),
                        ("load", False),
                        ("ready day", True),
                        ("transit days", True),
                        ("earliest day", True),
                        ("closure day", True),
                    ],
                    cp_rows,
                    id="table-critical-path",
                ),
                table(
                    "Bottlenecks (shadow price: days of closure per unit of capacity)",
                    [
                        ("resource", False),
                        ("what", False),
                        ("load", False),
                        ("days", False),
                        ("shadow price", True),
                    ],
                    bottleneck_rows,
                    id="table-bottlenecks",
                ),
            ],
        ),
    ]
    specs = {
        "map": charts.network_map(
            countries,
            map_legs,
            map_nodes,
            loc,
            "Deployment network: peak utilisation of each leg",
            caption,
        ),
        "closure": charts.closure_curve(curve, caption),
    }
    return render(
        request,
        "page.html",
        "Deployment",
        lead=f"{names.scenario(ws, sid)}: {count(doc['moved_personnel'])} of "
        f"{count(doc['active_personnel'])} "
        f"active personnel moved; the force closes on day {doc['closure_day']}.",
        sections=sections,
        specs=specs,
        form={
            "scenario": sid,
            "scenarios": _scenario_choices(ws),
            "requirement": rid or "",
            "requirements": [("", "the active pledges")]
            + [(r, names.requirement(ws, r)) for r in ws.requirements],
        },
    )


# -- timeline ---------------------------------------------------------------------------


@router.get("/timeline", response_class=HTMLResponse)
@friendly
def timeline(request: Request, as_of: str | None = None, at: int | None = None) -> HTMLResponse:
    """The promised force over time with an as-of slider (``forcegen.timeline`` up to
    the date chosen)."""
    held = _state(request)
    ws = held.workspace
    full = _cached(held, ("timeline", None), lambda: forcegen.timeline(ws).to_json())
    dates: list[str] = full["dates"]
    if at is not None and dates:
        as_of = dates[max(0, min(at, len(dates) - 1))]
    day = forcegen.parse_as_of(as_of) if as_of else None
    doc = (
        full
        if day is None
        else _cached(
            held, ("timeline", day.isoformat()), lambda: forcegen.timeline(ws, end=day).to_json()
        )
    )
    colours = _colours(held)
    caption = _caption(ws, None)
    shown: list[str] = doc["dates"]
    statuses = [s for s in ("stated", "earmarked", "deployed") if s in doc["personnel"]]
    status_rows = [
        {"date": d, "series": s, "name": s, "personnel": doc["personnel"][s][i], "order": k}
        for k, s in enumerate(statuses)
        for i, d in enumerate(shown)
    ]
    nation_rows = [
        {"date": d, "series": n, "name": names.nation(ws, n), "personnel": series[i], "order": k}
        for k, (n, series) in enumerate(doc["by_nation"].items())
        if any(series)
        for i, d in enumerate(shown)
    ]
    events = doc["events"]
    marks = [  # summits, decisions and declarations: the dates that moved the force
        {"date": e["date"], "label": e["label"]}
        for e in events
        if e.get("kind") in {"summit", "decision", "declaration"}
    ]
    last = len(shown) - 1
    latest = [
        (
            {"data_nation": n},
            [cell(names.nation(ws, n)), num(series[last], data_field="personnel")],
        )
        for n, series in sorted(
            doc["by_nation"].items(), key=lambda kv: -kv[1][last] if last >= 0 else 0
        )
        if last >= 0 and series[last]
    ]
    status_table = [
        [cell(d)] + [num(doc["personnel"][s][i]) for s in statuses] + [num(doc["total"][i])]
        for i, d in reversed(list(enumerate(shown)))
    ]
    event_rows = [
        [cell(e["date"]), cell(e.get("kind") or ""), cell(e["label"]), cell(e.get("summary") or "")]
        for e in reversed(events)
    ]
    position = len(shown) - 1 if day is not None else len(dates) - 1
    sections = [
        section(
            "status",
            "The promised force by status",
            chart="status",
            caption=caption,
            table=table(
                "Personnel by status on each date, latest first",
                [("date", False)] + [(s, True) for s in statuses] + [("total", True)],
                status_table,
                id="table-status",
            ),
        ),
        section(
            "nations",
            "The promised force by nation",
            chart="nations",
            caption=caption,
            table=table(
                f"Personnel by nation on {shown[-1] if shown else '-'}",
                [("nation", False), ("personnel", True)],
                latest,
                id="table-nations",
            ),
        ),
        section(
            "events",
            "Events, offers and refusals",
            wide=True,
            table=table(
                "What happened, latest first",
                [("date", False), ("kind", False), ("what", False), ("summary", False)],
                event_rows,
                id="table-events",
            ),
        ),
    ]
    specs = {
        "status": charts.stacked_area(
            status_rows,
            None,
            "Personnel promised, by status",
            caption,
            marks=marks,
            as_of=day.isoformat() if day else None,
        ),
        "nations": charts.stacked_area(
            nation_rows,
            colours,
            "Personnel promised, by nation",
            caption,
            series_title="nation",
            as_of=day.isoformat() if day else None,
        ),
    }
    return render(
        request,
        "timeline.html",
        "Timeline",
        lead=f"The force as promised on {len(dates)} dates; as of {shown[-1] if shown else '-'}.",
        sections=sections,
        specs=specs,
        dates=dates,
        position=max(position, 0),
        as_of=shown[-1] if shown else "",
    )


# -- compare ----------------------------------------------------------------------------


@router.get("/compare", response_class=HTMLResponse)
@friendly
def compare(request: Request, items: str | None = None) -> HTMLResponse:
    """Two or more scenarios side by side (``forcegen.compare``): personnel by nation,
    force options, lines flipped, pledges changed."""
    held = _state(request)
    ws = held.workspace
    default = [s for s in ("ceasefire-only", "ceasefire-us-backstop") if s in ws.scenarios]
    if len(default) < 2:
        default = list(ws.scenarios)[:2]
    ids = [i.strip() for i in items.split(",") if i.strip()] if items else default
    for sid in ids:
        ws.scenario(sid)
    if len(ids) < 2:
        raise forcegen.ForcegenError(
            "items: expected two or more scenario ids separated by commas, e.g. "
            "items=ceasefire-only,ceasefire-us-backstop"
        )
    labels = [names.scenario(ws, s) for s in ids]
    doc = _cached(
        held,
        ("compare", tuple(ids)),
        lambda: forcegen.compare(
            [(lab, ws, s) for lab, s in zip(labels, ids, strict=True)]
        ).to_json(),
    )
    caption = caption_text(ws, scenario=" vs ".join(labels))
    nation_rows = [
        {"category": names.nation(ws, n), "item": labels[k], "value": v}
        for n, values in doc["nations"].items()
        if any(values)
        for k, v in enumerate(values)
    ]
    nation_table = [
        (
            {"data_nation": n},
            [cell(names.nation(ws, n))]
            + [num(v) for v in values]
            + [num(v - values[0], f"{v - values[0]:+,}") for v in values[1:]],
        )
        for n, values in doc["nations"].items()
        if any(values)
    ]
    option_rows = [
        {"category": r["name"], "item": labels[k], "value": v}
        for rid, r in doc["requirements"].items()
        for k, v in enumerate(r["personnel_fill"])
    ]
    option_table = [
        (
            {"data_requirement": rid},
            [cell(r["name"])]
            + [
                num(v, share(v) + (" ✓" if m else ""))
                for v, m in zip(r["personnel_fill"], r["met"], strict=True)
            ],
        )
        for rid, r in doc["requirements"].items()
    ]
    flipped = [
        [
            cell(names.requirement(ws, f["requirement"])),
            cell(names.line(ws, f["capability"], f["zone"])),
            cell(" → ".join(f["status"])),
        ]
        for f in doc["lines_flipped"]
    ]
    changed = [
        [cell(names.pledge(ws, p["pledge"])), cell(" → ".join(p["state"]))]
        for p in doc["pledges_changed"]
    ]
    sections = [
        section(
            "nations",
            "Personnel by nation",
            chart="nations",
            caption=caption,
            table=table(
                "Personnel by nation; Δ n: scenario n minus the first",
                [("nation", False)]
                + [(f"{k + 1}. {lab}", True) for k, lab in enumerate(labels)]
                + [(f"Δ {k + 1}", True) for k in range(1, len(labels))],
                nation_table,
                id="table-nations",
            ),
        ),
        section(
            "options",
            "Force options: personnel fill",
            chart="options",
            caption=caption,
            table=table(
                "Personnel fill of each force option (✓ = met)",
                [("force option", False)] + [(lab, True) for lab in labels],
                option_table,
                id="table-options",
            ),
        ),
        section(
            "changes",
            "What changes",
            wide=True,
            tables=[
                table(
                    "Requirement lines whose status flips",
                    [("force option", False), ("line", False), ("status", False)],
                    flipped,
                    id="table-flipped",
                ),
                table(
                    "Pledges that change",
                    [("pledge", False), ("state", False)],
                    changed,
                    id="table-pledges",
                ),
            ],
        ),
    ]
    specs = {
        "nations": charts.grouped_bars(nation_rows, "Personnel by nation", caption),
        "options": charts.grouped_bars(
            option_rows,
            "Personnel fill of each force option",
            caption,
            value_title="personnel fill",
            fmt=".0%",
        ),
    }
    return render(
        request,
        "compare.html",
        "Compare",
        lead=" vs ".join(
            f"{lab} ({count(p)})" for lab, p in zip(labels, doc["personnel"], strict=True)
        ),
        sections=sections,
        specs=specs,
        items=ids,
        scenarios=_scenario_choices(ws),
    )


# -- posture ----------------------------------------------------------------------------


@router.get("/posture", response_class=HTMLResponse)
@friendly
def posture(
    request: Request, scenario: str | None = None, posture: str | None = None
) -> HTMLResponse:
    """Where the force stands against the line of contact: every posture side by side
    (``forcegen.compare_postures``), the caveats' price, and the map of one posture
    (``forcegen.posture``)."""
    held = _state(request)
    ws = held.workspace
    sid = _scenario_param(ws, scenario, "ceasefire-us-backstop")
    postures = list(getattr(ws, "postures", {}) or {})
    if posture and posture not in postures:
        raise UnknownIdError("posture", posture, postures)
    chosen = posture or (
        "forward-hubs" if "forward-hubs" in postures else (postures[0] if postures else None)
    )
    doc = _cached(held, ("postures", sid), lambda: forcegen.compare_postures(ws, sid).to_json())

    def one() -> tuple[dict[str, Any], dict[str, Any]]:
        result = forcegen.posture(ws, sid, posture=chosen)
        return result.to_json(), result.to_geojson()

    single, geo = _cached(held, ("posture", sid, chosen), one)
    _colours(held)
    caption = _caption(ws, sid)
    cover_rows = []
    cover_table = []
    for p in doc["postures"]:
        for h in ("6", "24"):
            cover_rows.append(
                {
                    "category": p["posture_name"],
                    "item": f"{h} h, units free to move",
                    "value": p["coverage"][h],
                }
            )
            cover_rows.append(
                {
                    "category": p["posture_name"],
                    "item": f"{h} h, caveated units too",
                    "value": p["coverage_including_caveated"][h],
                }
            )
        cover_table.append(
            (
                {"data_posture": p["posture"]},
                [
                    cell(p["posture_name"]),
                    num(p["within_km"]["50"]),
                    num(p["within_km"]["100"]),
                    num(p["within_km"]["200"]),
                    num(p["coverage"]["6"], share(p["coverage"]["6"])),
                    num(p["coverage"]["24"], share(p["coverage"]["24"])),
                    num(
                        p["coverage_including_caveated"]["24"],
                        share(p["coverage_including_caveated"]["24"]),
                    ),
                ],
            )
        )
    caveat_rows = []
    for p in doc["postures"]:
        for c in p.get("caveats", []):
            caveat_rows.append(
                [
                    cell(p["posture_name"]),
                    cell(", ".join(names.nation(ws, n) for n in c["nations"])),
                    num(c["gained"]["6"], f"{c['gained']['6']:+.0%}"),
                    num(c["gained"]["24"], f"{c['gained']['24']:+.0%}"),
                    cell(", ".join(c.get("newly_at_risk") or []) or "-"),
                ]
            )
    _, loc, nodes, _ = _map_layers(geo)
    node_at = {
        f["properties"].get("id"): f["geometry"]["coordinates"]
        for f in geo["features"]
        if f["properties"].get("layer") == "node"
    }
    stations = [
        {
            "lon": node_at[st["node"]][0],
            "lat": node_at[st["node"]][1],
            "name": next(
                (
                    n["name"]
                    for n in nodes
                    if n["lon"] == node_at[st["node"]][0] and n["lat"] == node_at[st["node"]][1]
                ),
                st["node"],
            ),
            "label": f"{names.zone(ws, st['zone']).split(' (')[0]} {count(st['personnel'])}",
            "personnel": st["personnel"],
            "units": st["units"],
        }
        for st in single["stations"]
        if st["node"] in node_at
    ]
    box = charts.extent(
        [
            *loc,
            *(
                {"geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]}}
                for p in stations
            ),
        ],
        margin=1.5,
    )
    countries = _cached(
        held, ("clipped", box), lambda: charts.clip_countries(_countries(held), box)
    )
    station_rows = [
        [cell(s["node"]), cell(s["zone"]), num(s["personnel"]), num(s["units"], str(s["units"]))]
        for s in single["stations"]
    ]
    sections = [
        section(
            "coverage",
            "Coverage of the line of contact",
            chart="coverage",
            caption=caption,
            wide=True,
            intro="Share of the line a manoeuvre unit reaches within 6 and 24 hours, by the "
            "units free to move to the "
            "line and with the caveated ones too; personnel within 50/100/200 km of the line.",
            table=table(
                "Each posture against the line of contact",
                [
                    ("posture", False),
                    ("≤50 km", True),
                    ("≤100 km", True),
                    ("≤200 km", True),
                    ("6 h", True),
                    ("24 h", True),
                    ("24 h incl. caveated", True),
                ],
                cover_table,
                id="table-coverage",
            ),
        ),
        section(
            "caveats",
            "The price of the caveats",
            wide=True,
            intro="Coverage gained if the nations named dropped their front-line caveats.",
            table=table(
                "Coverage gained by lifting each caveat",
                [
                    ("posture", False),
                    ("nations", False),
                    ("gain 6 h", True),
                    ("gain 24 h", True),
                    ("pledges newly at risk", False),
                ],
                caveat_rows,
                id="table-caveats",
            ),
        ),
        section(
            "map",
            f"Map: {single['posture_name']}",
            chart="map",
            caption=caption,
            wide=True,
            table=table(
                "Stations and the personnel at each",
                [("station", False), ("zone", False), ("personnel", True), ("units", True)],
                station_rows,
                id="table-stations",
            ),
        ),
    ]
    specs = {
        "coverage": charts.grouped_bars(
            cover_rows,
            "Coverage of the line of contact, by posture",
            caption,
            value_title="share of the line",
            fmt=".0%",
        ),
        "map": charts.network_map(
            countries,
            [],
            [],
            loc,
            f"Where the force stands: {single['posture_name']}",
            caption,
            stations=stations,
        ),
    }
    return render(
        request,
        "page.html",
        "Posture",
        lead=f"{names.scenario(ws, sid)}: {len(doc['postures'])} postures compared.",
        sections=sections,
        specs=specs,
        form={
            "scenario": sid,
            "scenarios": _scenario_choices(ws),
            "posture": chosen,
            "postures": [(p["posture"], p["posture_name"]) for p in doc["postures"]],
        },
    )


# -- supply -----------------------------------------------------------------------------


@router.get("/supply", response_class=HTMLResponse)
@friendly
def supply(request: Request, scenario: str | None = None) -> HTMLResponse:
    """The force supplied: daily demand by class and the steady resupply
    (``forcegen.supply``)."""
    held = _state(request)
    ws = held.workspace
    sid = _scenario_param(ws, scenario, "ceasefire-us-backstop")
    doc = _cached(held, ("supply", sid), lambda: forcegen.supply(ws, sid).to_json())
    caption = _caption(ws, sid)
    demand = doc["demand_short_tons_per_day"]
    class_names = {
        "class_i": "Class I (subsistence)",
        "water": "Water",
        "class_ii": "Class II (clothing, tools)",
        "class_iii_bulk": "Class III bulk (fuel)",
        "class_iii_packaged": "Class III packaged (lubricants)",
        "class_iv": "Class IV (construction)",
        "class_v": "Class V (ammunition)",
        "mail": "Mail",
    }
    rows = [
        {"category": class_names.get(k, k.replace("_", " ")), "item": "base case", "value": v}
        for k, v in doc["by_class_short_tons_per_day"].items()
    ]
    class_table = [[cell(r["category"]), num(r["value"], f"{r['value']:,.1f}")] for r in rows]
    demand_table = [[cell(k), num(v, f"{v:,.0f}")] for k, v in demand.items()]
    dest_rows = [
        {"category": d["name"], "item": case, "value": d[case]}
        for d in doc["destinations"]
        for case in ("low", "base", "high")
    ]
    dest_table = [
        [
            cell(d["name"]),
            num(d["personnel"]),
            num(d["low"], f"{d['low']:,.0f}"),
            num(d["base"], f"{d['base']:,.0f}"),
            num(d["high"], f"{d['high']:,.0f}"),
        ]
        for d in doc["destinations"]
    ]
    res = doc["resupply"]
    binding = res.get("binding_set") or []
    resupply_table = [
        [
            cell(b["name"]),
            num(b["flow_short_tons_per_day"], f"{b['flow_short_tons_per_day']:,.0f}"),
            num(b["capacity_short_tons_per_day"], f"{b['capacity_short_tons_per_day']:,.0f}"),
            num(b["utilisation"], share(b["utilisation"], 1)),
        ]
        for b in binding
    ]
    closing = doc.get("during_closure") or {}
    sections = [
        section(
            "demand",
            "Daily demand by class of supply",
            chart="demand",
            caption=caption,
            intro="Low / base / high fuel cases: "
            f"{' / '.join(f'{v:,.0f}' for v in demand.values())} short tons a day.",
            tables=[
                table(
                    "Daily demand by class [short tons/day, base case]",
                    [("class", False), ("short tons/day", True)],
                    class_table,
                    id="table-classes",
                ),
                table(
                    "Daily demand of the force [short tons/day]",
                    [("fuel case", False), ("short tons/day", True)],
                    demand_table,
                    id="table-demand",
                ),
            ],
        ),
        section(
            "destinations",
            "Demand at each destination",
            chart="destinations",
            caption=caption,
            table=table(
                "Daily demand by destination [short tons/day]",
                [
                    ("destination", False),
                    ("personnel", True),
                    ("low", True),
                    ("base", True),
                    ("high", True),
                ],
                dest_table,
                id="table-destinations",
            ),
        ),
        section(
            "resupply",
            "Steady resupply",
            wide=True,
            intro=f"Feasible: {'yes' if res['feasible'] else 'no'}; busiest leg or node at "
            f"{share(res['max_utilisation'], 1)} of its capacity. While the force is still closing "
            f"(day {closing.get('closure_day', '-')}), the worst day is day "
            f"{closing.get('worst_day', '-')} "
            f"at {share(closing.get('worst_utilisation'), 1)}.",
            table=table(
                "The busiest legs and nodes of the steady resupply",
                [
                    ("leg or node", False),
                    ("flow [short tons/day]", True),
                    ("capacity [short tons/day]", True),
                    ("utilisation", True),
                ],
                resupply_table,
                id="table-resupply",
            ),
        ),
    ]
    specs = {
        "demand": charts.grouped_bars(
            rows,
            "Daily demand by class of supply (base case)",
            caption,
            value_title="short tons/day",
            fmt=",.0f",
        ),
        "destinations": charts.grouped_bars(
            dest_rows,
            "Daily demand at each destination, by fuel case",
            caption,
            value_title="short tons/day",
            fmt=",.0f",
        ),
    }
    return render(
        request,
        "page.html",
        "Supply",
        lead=f"{names.scenario(ws, sid)}: {count(doc.get('personnel'))} personnel to supply.",
        sections=sections,
        specs=specs,
        form={"scenario": sid, "scenarios": _scenario_choices(ws)},
    )
