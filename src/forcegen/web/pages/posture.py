"""Posture: where the force is stationed and how much of the line it covers in
time."""

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
    house_colours,
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


@router.get("/posture", response_class=HTMLResponse)
@friendly
def posture(
    request: Request, scenario: str | None = None, posture: str | None = None
) -> HTMLResponse:
    """Where the force stands against the line of contact: every posture side by side
    (``forcegen.compare_postures``), the caveats' price, and the map of one posture
    (``forcegen.posture``)."""
    held = workspace_state(request)
    ws = held.workspace
    sid = scenario_param(ws, scenario, "ceasefire-us-backstop")
    postures = list(getattr(ws, "postures", {}) or {})
    if posture and posture not in postures:
        raise UnknownIdError("posture", posture, postures)
    chosen = posture or (
        "forward-hubs" if "forward-hubs" in postures else (postures[0] if postures else None)
    )
    doc = page_cached(held, ("postures", sid), lambda: forcegen.compare_postures(ws, sid).to_json())

    def one() -> tuple[dict[str, Any], dict[str, Any]]:
        result = forcegen.posture(ws, sid, posture=chosen)
        return result.to_json(), result.to_geojson()

    single, geo = page_cached(held, ("posture", sid, chosen), one)
    house_colours(held)
    caption = scenario_caption(ws, sid)
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
    _, loc, nodes, _ = map_layers(geo)
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
    countries = page_cached(
        held, ("clipped", box), lambda: charts.clip_countries(country_outlines(held), box)
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
            "scenarios": scenario_choices(ws),
            "posture": chosen,
            "postures": [(p["posture"], p["posture_name"]) for p in doc["postures"]],
        },
    )
