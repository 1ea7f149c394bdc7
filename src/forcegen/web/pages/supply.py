"""Supply: daily demand by class, the resupply routes and the autonomy under
cuts."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

import forcegen
from forcegen import names
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
)
from forcegen.web.state import workspace_state


@router.get("/supply", response_class=HTMLResponse)
@friendly
def supply(request: Request, scenario: str | None = None) -> HTMLResponse:
    """The force supplied: daily demand by class and the steady resupply
    (``forcegen.supply``)."""
    held = workspace_state(request)
    ws = held.workspace
    sid = scenario_param(ws, scenario, "ceasefire-us-backstop")
    doc = page_cached(held, ("supply", sid), lambda: forcegen.supply(ws, sid).to_json())
    caption = scenario_caption(ws, sid)
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
        form={"scenario": sid, "scenarios": scenario_choices(ws)},
    )
