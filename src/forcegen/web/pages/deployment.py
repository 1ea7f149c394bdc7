"""Deployment: the network map coloured by utilisation, the closure curve and the
critical path."""

from __future__ import annotations

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
    country_outlines,
    friendly,
    map_layers,
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
)
from forcegen.web.state import workspace_state


@router.get("/deployment", response_class=HTMLResponse)
@friendly
def deployment(
    request: Request, scenario: str | None = None, requirement: str | None = None
) -> HTMLResponse:
    """Getting the force there: the network map coloured by peak utilisation, the
    closure curve, the critical path (``forcegen.deploy``)."""
    held = workspace_state(request)
    ws = held.workspace
    sid = scenario_param(ws, scenario, "ceasefire-us-backstop")
    if requirement and requirement not in ws.requirements:
        raise UnknownIdError("requirement", requirement, ws.requirements)
    rid = requirement or None

    def compute() -> tuple[dict[str, Any], dict[str, Any]]:
        plan = forcegen.deploy(ws, sid, requirement=rid)
        return plan.to_json(), plan.to_geojson()

    doc, geo = page_cached(held, ("deploy", sid, rid), compute)
    caption = scenario_caption(ws, sid)
    legs, loc, nodes, _ = map_layers(geo)
    used_legs = [
        leg
        for leg in legs
        if (leg["properties"].get("moved_personnel") or 0)
        or (leg["properties"].get("moved_short_tons") or 0)
    ]
    used_nodes = [n for n in nodes if n["moved_personnel"]]
    box = charts.extent([*used_legs, *loc])
    countries = page_cached(
        held, ("clipped", box), lambda: charts.clip_countries(country_outlines(held), box)
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
            "scenarios": scenario_choices(ws),
            "requirement": rid or "",
            "requirements": [("", "the active pledges")]
            + [(r, names.requirement(ws, r)) for r in ws.requirements],
        },
    )
