"""The overview: every scenario by force option (personnel, fill, met) and the
vetoes."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

import forcegen
from forcegen import names
from forcegen.plots.style import caption_text
from forcegen.web import charts
from forcegen.web.pages.common import (
    cell,
    friendly,
    num,
    render,
    router,
    section,
    share,
    table,
)
from forcegen.web.state import workspace_state


@router.get("/", response_class=HTMLResponse)
@friendly
def overview(request: Request) -> HTMLResponse:
    """Scenarios by force option: personnel, fill, met, the vetoes
    (``forcegen.evaluate_all``)."""
    held = workspace_state(request)
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
