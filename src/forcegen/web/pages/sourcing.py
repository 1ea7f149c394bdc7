"""Sourcing: who fills a force option's lines, the shortfalls, and the lines only
one nation can fill."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

import forcegen
from forcegen import names
from forcegen.errors import UnknownIdError
from forcegen.web import charts
from forcegen.web.pages.common import (
    cell,
    count,
    friendly,
    num,
    page_cached,
    render,
    router,
    scenario_caption,
    scenario_choices,
    scenario_param,
    section,
    share,
    table,
    units,
)
from forcegen.web.state import workspace_state


@router.get("/sourcing", response_class=HTMLResponse)
@friendly
def sourcing(
    request: Request, requirement: str | None = None, scenario: str | None = None
) -> HTMLResponse:
    """The optimal fill of a force option from a scenario's pledges: the fill table, the
    shortfalls, the lines only the US can fill (``forcegen.source_requirement`` with
    the default :func:`forcegen.dependence_nation`: the US when the workspace has it)."""
    held = workspace_state(request)
    ws = held.workspace
    sid = scenario_param(ws, scenario, "ceasefire-us-backstop")
    if requirement and requirement not in ws.requirements:
        raise UnknownIdError("requirement", requirement, ws.requirements)
    rid = requirement or (
        "force-25k" if "force-25k" in ws.requirements else next(iter(ws.requirements))
    )
    us = forcegen.dependence_nation(ws)
    result = page_cached(
        held,
        ("sourcing", rid, sid, us),
        lambda: forcegen.source_requirement(ws, rid, sid, dependence_on=us).to_json(),
    )
    caption = scenario_caption(
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
            "scenarios": scenario_choices(ws),
            "requirement": rid,
            "requirements": [(r, names.requirement(ws, r)) for r in ws.requirements],
        },
    )
