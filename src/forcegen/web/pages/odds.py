"""The odds: Monte Carlo over the free conditions (P(met) by force option, the
spread of the force, the conditions' sensitivity), and the planning-figures tornado on
request (``/api/sensitivity``, drawn by static/app.js)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

import forcegen
from forcegen import names
from forcegen.plots.assumptions import FIGURE_WORDS
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
    section,
    share,
    table,
    workspace_state,
)

ODDS_DRAWS = 20_000
"""Monte Carlo draws of the odds page by default [draws]."""

MAX_WEB_DRAWS = 200_000
"""Most draws a page may ask for [draws]: a page answers within seconds, not minutes."""

PLANNING_MONTHS = 36
"""Horizon of the planning-figures tornado [months]: ``forcegen sensitivity``'s default."""

PLANNING_SPREAD = 0.2
"""Share each planning figure is varied by, down and up [0-1]: the CLI's default."""

PLANNING_TOP = 20
"""Most planning figures drawn in the tornado (the table lists all) [figures]."""

PLANNING_CLOSURE_SECONDS = 60
"""Longest the page's tornado may take with the closure days [s]; beyond, they are left
out (``forcegen sensitivity`` works them out): 165 s for every pledge of the built-in data."""


def planning_seconds(nations: int, *, fills: bool, closure: bool) -> int:
    """Rough wall time of :func:`forcegen.planning_sensitivity` [s] for ``nations``
    nations with active pledges: a fit to timings on the built-in data on one core. Each
    nation's figures are re-planned down and up (about 0.75 s a nation when a scenario's
    force options are re-sourced, 0.06 s without); the closure days add a deployment
    plan per readiness variant, each growing with the force (about 0.012 x nations^3 s).
    Measured: 8 nations (ceasefire-only) 12 s, 12 (ceasefire-us-backstop) 30 s, every
    pledge not withdrawn (24) 165 s."""
    seconds = nations * (0.75 if fills else 0.06)
    if closure:
        seconds += 0.012 * nations**3
    return max(1, round(seconds))


def planning_nations(ws: forcegen.Workspace, scenario: str | None) -> int:
    """Nations whose planning figures the tornado varies: those with personnel in the
    scenario's force, or with a pledge not withdrawn when there is no scenario."""
    if scenario is None:
        return len({p.nation for p in ws.pledges.values() if p.status != "withdrawn"})
    result = forcegen.evaluate(ws, scenario)
    return sum(1 for personnel in result.by_nation.values() if personnel > 0)


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
        hc = r["p_headcount"]  # null for an option without a headline size
        prob_rows.append(
            {
                "name": names.requirement(ws, rid),
                "measure": "P(met)",
                "p": r["p_met"],
                "low": low,
                "high": high,
            }
        )
        if hc is not None:
            hc_half = 1.96 * r["p_headcount_stderr"]
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
    nations = page_cached(held, ("planning-nations", sid), lambda: planning_nations(ws, sid))
    with_closure = planning_seconds(nations, fills=sid is not None, closure=True)
    closure = ws.network is not None and with_closure <= PLANNING_CLOSURE_SECONDS
    seconds = planning_seconds(nations, fills=sid is not None, closure=closure)
    query = urlencode(
        {
            **({"scenario": sid} if sid else {}),
            "months": PLANNING_MONTHS,
            "spread": PLANNING_SPREAD,
            "closure": "true" if closure else "false",
        }
    )
    planning_caption = scenario_caption(ws, sid)
    sections.append(
        section(
            "planning",
            "Planning-figures tornado",
            caption=planning_caption,
            intro="How much the planning figures matter (forcegen sensitivity): each "
            "nation's rotation ratio, deployable fraction, tour length and readiness varied "
            f"by {PLANNING_SPREAD:.0%} down and up, and the change in coalition strength in "
            f"the field at month {PLANNING_MONTHS} (the largest {PLANNING_TOP} drawn, "
            "every figure in the table). Worked out on request: "
            + (
                "the closure days re-plan the deployment for each readiness variant."
                if closure
                else "this workspace has no network, so no closure days."
                if ws.network is None
                else f"the closure days are left out here (with them it would take about "
                f"{with_closure:,} s; forcegen sensitivity works them out)."
            ),
            action={
                "id": "planning-compute",
                "label": f"Compute the planning-figures tornado (about {seconds:,} s)",
            },
        )
    )
    page_data = {
        "planning": {
            "url": f"/api/sensitivity?{query}",
            "seconds": seconds,
            "months": PLANNING_MONTHS,
            "top": PLANNING_TOP,
            "caption": planning_caption,
            "nations": {iso3: names.nation(ws, iso3) for iso3 in ws.nations},
            "requirements": {rid: names.requirement(ws, rid) for rid in ws.requirements},
            "figures": FIGURE_WORDS,
        }
    }
    specs = {
        "planning": charts.planning_tornado([], PLANNING_MONTHS, PLANNING_SPREAD, planning_caption),
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
        page_data=page_data,
    )
