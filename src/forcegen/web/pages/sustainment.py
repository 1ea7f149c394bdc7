"""Sustainment: the coalition over the horizon, the rotation Gantt and the
headquarters leads."""

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
    house_colours,
    num,
    page_cached,
    render,
    router,
    scenario_caption,
    scenario_choices,
    scenario_param,
    section,
    table,
)
from forcegen.web.state import workspace_state


@router.get("/sustainment", response_class=HTMLResponse)
@friendly
def sustainment(request: Request, scenario: str | None = None, months: int = 36) -> HTMLResponse:
    """Keeping the force in the field: the coalition curve, each nation's rotation, the
    headquarters' leads (``forcegen.sustainment``). A bad ``months``: the CLI's message."""
    forcegen.check_count("--months", months, "MAX_MONTHS")
    held = workspace_state(request)
    ws = held.workspace
    sid = scenario_param(ws, scenario, "ceasefire-us-backstop")
    result = page_cached(
        held,
        ("sustainment", sid, months),
        lambda: forcegen.sustainment(ws, sid, months=months).to_json(),
    )
    colours = house_colours(held)
    caption = scenario_caption(ws, sid, note=result["scope"]["text"])
    short_caption = scenario_caption(ws, sid)
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
        # fails_at_month: the last month the nation holds its load (the CLI's "fails after
        # month"): the bar covers months 1..fails, the shortfall shows from fails + 1
        fails = r.get("fails_at_month")
        end = months + 1
        rota.append(
            {
                "label": name,
                "nation": n,
                "nation_name": name,
                "start": 1,
                "end": end if fails is None else fails + 1,
                "note": "sustained",
            }
        )
        if fails is not None:
            rota.append(
                {
                    "label": name,
                    "nation": "short",
                    "nation_name": name,
                    "start": fails + 1,
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
                    num(
                        fails,
                        "-" if fails is None else f"{fails:,}",
                        data_field="fails_after_month",
                    ),
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
                    ("fails after month", True),
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
        form={"scenario": sid, "scenarios": scenario_choices(ws), "extra": {"months": months}},
    )
