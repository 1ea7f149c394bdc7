"""The odds: Monte Carlo over the free conditions (P(met) by force option, the
spread of the force, the conditions' sensitivity), and the planning-figures tornado on
request (``/api/sensitivity``, drawn by static/app.js)."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

import forcegen
from forcegen import names
from forcegen.web import charts
from forcegen.web.pages.common import (
    MAX_WEB_DRAWS,
    ODDS_DRAWS,
    cell,
    count,
    friendly,
    num,
    page_cached,
    render,
    router,
    scenario_caption,
    scenario_choices,
    section,
    share,
    table,
    workspace_state,
)


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
    held = workspace_state(request)
    ws = held.workspace
    if scenario:
        ws.scenario(scenario)
    sid = scenario or None
    result = page_cached(
        held,
        ("odds", sid, draws, seed),
        lambda: forcegen.monte_carlo(ws, sid, draws=draws, seed=seed).to_json(),
    )
    caption = scenario_caption(ws, sid, seed=seed, draws=draws)
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
        "histogram": charts.histogram(hist_rows, caption),
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
            "scenarios": scenario_choices(ws),
            "none": "every condition free",
            "extra": {"draws": draws, "seed": seed},
        },
    )
