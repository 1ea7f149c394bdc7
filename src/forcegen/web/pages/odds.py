"""The odds: Monte Carlo over the free conditions (P(met) by force option, the
spread of the force, the conditions' sensitivity), and the planning-figures tornado on
request (``/api/sensitivity``, drawn by static/app.js)."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
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
)
from forcegen.web.state import workspace_state

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


Z95 = 1.959963984540054
"""Standard normal quantile of 97.5 %: two-sided 95 % intervals."""


def wilson_interval(p: float, draws: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval [0-1] of a probability ``p`` [0-1] estimated from ``draws``
    Monte Carlo draws (95 % by default). Unlike p ± z·stderr it is not empty at 0 or 1:
    0 met in 20,000 draws gives 0 to z²/(n+z²) = 3.84/20,003.84 = 0.019 %. ``draws`` 0
    (exact enumeration): the probability itself, no sampling error."""
    if draws <= 0:
        return p, p
    n = float(draws)
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # at p = 0 (or 1) the bound is 0 (or 1) exactly; the formula leaves rounding dust
    low = 0.0 if p <= 0 else max(0.0, centre - half)
    high = 1.0 if p >= 1 else min(1.0, centre + half)
    return low, high


def percent(value: float) -> str:
    """A probability as a percentage with a decimal, or two significant digits below
    1 % (an interval's bound near 0: '0.019 %', '0.19 %')."""
    shown = 100 * value
    if shown == 0 or shown >= 1:
        return f"{shown:.1f} %"
    return f"{shown:.2g} %"


def interval(bounds: tuple[float, float]) -> str:
    """'0.0 % - 0.019 %': a 95 % interval as the page prints it."""
    return f"{percent(bounds[0])} - {percent(bounds[1])}"


def none_met_sentence(ws: forcegen.Workspace, result: dict[str, Any], draws: int) -> str:
    """What to say above the P(met) chart when no force option is met in any draw (empty
    otherwise): the upper bound, and the option closest to it by P(headcount) (then by
    expected personnel fill)."""
    reqs = result["requirements"]
    if not reqs or any(r["p_met"] > 0 for r in reqs.values()):
        return ""
    how = "in any pattern of the conditions" if draws <= 0 else f"in any of the {draws:,} draws"
    upper = wilson_interval(0.0, draws)[1]
    sentence = f"No force option is met {how}" + (
        f" (95 % upper bound of P(met): {percent(upper)})." if draws > 0 else "."
    )
    best = max(
        reqs,
        key=lambda rid: (reqs[rid]["p_headcount"] or 0.0, reqs[rid]["expected_personnel_fill"]),
    )
    r = reqs[best]
    name = names.requirement(ws, best)
    if r["p_headcount"]:
        sentence += (
            f" Closest: {name}, whose headcount is reached with probability "
            f"{percent(r['p_headcount'])} ({interval(wilson_interval(r['p_headcount'], draws))}),"
            f" expected personnel fill {percent(r['expected_personnel_fill'])}."
        )
    else:
        sentence += (
            f" No option's headcount is reached either; the best expected personnel fill is "
            f"{name}'s, {percent(r['expected_personnel_fill'])}."
        )
    return sentence


def first_order_note(result: dict[str, Any]) -> str:
    """Why the first-order shares do not add up to 100 % (the CLI's caption,
    cli/montecarlo_report.py): variance shared by dependent conditions is counted more
    than once; the Shapley shares split it fairly and add up to 100 %."""
    method = result.get("sensitivity_method")
    if not method or not method.get("personnel_varies"):
        return "Personnel does not vary: every share is 0 %."
    first_order = sum(s["variance_share"] for s in result["sensitivity"].values())
    return (
        "Shapley share: each condition's fair share of the variance of personnel; the "
        "shares add up to 100 %, dependent conditions included. First-order share: the "
        "variance explained by the condition alone; it counts variance that dependent "
        "conditions share (their interactions) more than once, so the first-order shares do "
        f"not add up to 100 % (here {first_order:.1%}). A condition that can only hold once "
        "another does (Russian consent after a ceasefire) shares that one's variance, so it "
        "can rank above a condition with a larger swing (docs/montecarlo.md)."
    )


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
    draws: int = ODDS_DRAWS,
    seed: int = 0,
) -> HTMLResponse:
    """Monte Carlo odds of each force option and the conditions' sensitivity tornado
    (``forcegen.monte_carlo``, seeded). Bad draws or seed: the CLI's message (forcegen's
    own checks, not FastAPI bounds)."""
    forcegen.check_draws(draws, "--draws")
    if draws > MAX_WEB_DRAWS:
        raise forcegen.ForcegenError(
            f"--draws: at most {MAX_WEB_DRAWS:,} on the web; got {draws:,} "
            "(forcegen montecarlo takes more)"
        )
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
    n = result["draws"]  # 0: exact enumeration, no sampling error
    for rid, r in reqs.items():
        low, high = met_bounds = wilson_interval(r["p_met"], n)
        hc = r["p_headcount"]  # null for an option without a headline size
        hc_bounds = wilson_interval(hc, n) if hc is not None else None
        prob_rows.append(
            {
                "name": names.requirement(ws, rid),
                "measure": "P(met)",
                "p": r["p_met"],
                "low": low,
                "high": high,
            }
        )
        if hc is not None and hc_bounds is not None:
            prob_rows.append(
                {
                    "name": names.requirement(ws, rid),
                    "measure": "P(headcount)",
                    "p": hc,
                    "low": hc_bounds[0],
                    "high": hc_bounds[1],
                }
            )
        prob_table.append(
            (
                {"data_requirement": rid},
                [
                    cell(names.requirement(ws, rid)),
                    num(r["p_met"], percent(r["p_met"]), data_field="p_met"),
                    cell(interval(met_bounds), num=True, data_low=low, data_high=high),
                    num(hc, percent(hc) if hc is not None else "-"),
                    cell(
                        interval(hc_bounds), num=True, data_low=hc_bounds[0], data_high=hc_bounds[1]
                    )
                    if hc_bounds is not None
                    else cell("-"),
                    num(r["expected_personnel_fill"], percent(r["expected_personnel_fill"])),
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
            "shapley": s["shapley"],
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
                num(s["shapley"], share(s["shapley"], 1), data_field="shapley"),
                num(s["variance_share"], share(s["variance_share"], 1), data_field="first_order"),
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
    none_met = none_met_sentence(ws, result, n)
    free = ", ".join(names.condition(ws, c) for c in result["free_conditions"]) or "none"
    sections = [
        section(
            "p-met",
            "Probability that each force option is met",
            chart="pmet",
            caption=caption,
            wide=True,
            intro=(f"{none_met} " if none_met else "")
            + f"Free conditions drawn: {free}. P(met): every line filled; P(headcount): "
            "the active personnel reach the option's size. Black rules and the table: 95 % "
            "Wilson score intervals." + ("" if n else " Exact enumeration: no sampling error."),
            table=table(
                "P(met) of each force option",
                [
                    ("force option", False),
                    ("P(met)", True),
                    ("P(met) 95 % interval", True),
                    ("P(headcount)", True),
                    ("P(headcount) 95 % interval", True),
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
                    ("Shapley share", True),
                    ("first-order share", True),
                ],
                tornado_table,
                id="table-tornado",
            ),
            note=first_order_note(result),
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
