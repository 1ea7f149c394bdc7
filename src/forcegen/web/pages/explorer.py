"""The scenario explorer: a scenario's force, fills and vetoes, updated in place by
``POST /api/whatif`` when a condition is set or freed (static/app.js)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

import forcegen
from forcegen import names
from forcegen.web import charts
from forcegen.web.pages.common import (
    cell,
    friendly,
    house_colours,
    num,
    render,
    router,
    scenario_caption,
    scenario_choices,
    scenario_param,
    section,
    share,
    table,
)
from forcegen.web.state import workspace_state
from forcegen.web.whatif import WhatIf, answer


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
    held = workspace_state(request)
    ws = held.workspace
    sid = scenario_param(ws, scenario, "ceasefire-only")
    doc = json.loads(answer(held, WhatIf(scenario=sid)))  # the bytes /api/whatif answers
    colours = house_colours(held)
    caption = scenario_caption(
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
        scenarios=scenario_choices(ws),
        conditions=conditions,
        doc=doc,
        explorer_data=explorer_data,
    )
