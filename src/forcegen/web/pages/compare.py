"""Compare: several scenarios (or the same one under overrides) side by side."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

import forcegen
from forcegen import names
from forcegen.plots.style import caption_text
from forcegen.web import charts
from forcegen.web.pages.common import (
    cell,
    count,
    friendly,
    num,
    page_cached,
    render,
    router,
    scenario_choices,
    section,
    share,
    table,
)
from forcegen.web.state import workspace_state


@router.get("/compare", response_class=HTMLResponse)
@friendly
def compare(request: Request, items: str | None = None) -> HTMLResponse:
    """Two or more scenarios side by side (``forcegen.compare``): personnel by nation,
    force options, lines flipped, pledges changed."""
    held = workspace_state(request)
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
    doc = page_cached(
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
        scenarios=scenario_choices(ws),
    )
