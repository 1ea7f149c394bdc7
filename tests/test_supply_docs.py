"""The figures docs/supply.md (and the README) quote for the built-in data are what
``forcegen.supply`` gives (issue 15 review: the docs said 386 short tons a day cross the
gauge break while the CLI printed 293). Each quoted text is rebuilt from the result and
looked up in the docs, so a change of data or method that moves a figure fails here
until the docs are regenerated."""

from __future__ import annotations

from pathlib import Path

import pytest

import forcegen

DOCS = Path(__file__).resolve().parents[1] / "docs" / "supply.md"
README = Path(__file__).resolve().parents[1] / "README.md"
SCENARIO = "ceasefire-us-backstop"
CROSSINGS = ("korczowa-krakovets", "medyka-shehyni", "medyka-mostyska", "dorohusk-yahodyn",
             "hrubieszow-izov", "siret-porubne", "vadul-siret")  # fmt: skip
POLISH = CROSSINGS[:5]


def text(path: Path) -> str:
    """The file with its line breaks and list indents folded into single spaces."""
    return " ".join(path.read_text(encoding="utf-8").split())


@pytest.fixture(scope="module")
def builtin() -> dict[str, forcegen.SupplyResult]:
    ws = forcegen.open_workspace()
    return {
        "base": forcegen.supply(ws, SCENARIO, critical=7),
        "all": forcegen.supply(ws, SCENARIO, cuts=[f"{c}:7" for c in CROSSINGS]),
        "polish": forcegen.supply(ws, SCENARIO, cuts=[f"{c}:7" for c in POLISH]),
    }


def test_headline_figures_in_supply_md(builtin: dict[str, forcegen.SupplyResult]) -> None:
    docs = text(DOCS)
    r = builtin["base"]
    data = r.to_json()
    cut = data["resupply"]["binding_cut"]
    worst = data["during_closure"]
    water = r.by_class()["water"] / r.total()
    quoted = [
        f"{r.personnel:,.0f} personnel in {len(r.demands)} units",
        f"**{r.total('base'):,.0f} short tons a day**",
        f"low {r.total('low'):,.0f}, high {r.total('high'):,.0f}",
        f"**{water:.0%}** of the tonnage",
        f"at **{r.resupply.utilisation:.1%}** highest utilisation",
        f"({r.utilisation_by_case['low']:.1%} at low fuel, "
        f"{r.utilisation_by_case['high']:.1%} at high)",
        f"**the cut of {cut['legs']} legs**",
        f"**{cut['capacity_short_tons_per_day']:,.0f} short tons a day together**, carrying "
        f"{cut['flow_short_tons_per_day']:,.0f}",
        f"**{r.gauge_break_short_tons():,.0f} short tons a day** cross the gauge break",
        f"the worst day is **day {worst['worst_day']}**, when "
        f"{worst['worst_demand_short_tons_per_day']:,.0f} short tons a day",
        f"**{worst['worst_utilisation']:.1%}** of what the movement leaves on "
        f"{worst['binding']['name']}",
        f"(days {r.overlap.days[0].day} to {r.deployment.plan.closure_day})",
    ]
    missing = [q.replace("%", " %") for q in quoted if q.replace("%", " %") not in docs]
    assert missing == []
    assert data["resupply"]["binding"] is None  # several bind: the cut is the answer
    assert worst["infeasible_days"] == [] and "no day collides" in docs


def test_cut_and_critical_figures_in_supply_md(
    builtin: dict[str, forcegen.SupplyResult],
) -> None:
    docs = text(DOCS)
    everything = builtin["all"].autonomy
    assert everything is not None
    out = [u for u in everything.units if u.runs_out_day is not None]
    assert {u.runs_out_day for u in out} == {71} and everything.max_days_without == 4
    assert (
        f"**{everything.personnel_without:,.0f} personnel** (Lviv 10,820, Kyiv 300) run out "
        f"on **day 71** and go **4 days** without supply "
        f"({everything.person_days_without:,.0f} person-days)" in docs
    )
    polish = builtin["polish"].autonomy
    assert polish is not None and polish.personnel_without == 0
    ranked = builtin["base"].critical
    assert ranked is not None
    hit = [c for c in ranked if c.personnel_out > 0]
    assert f"each of the {len(ranked)} legs and nodes" in docs
    assert f"only **{len(hit)}** leave anyone without supply" in docs
    assert [c.target for c in hit] == ["lviv", "rzeszow-staging", "suceava", "kyiv"]
    assert [c.personnel_out for c in hit] == [10820, 2660, 500, 300]
    assert all(c.kind == "node" for c in hit)  # "No single leg or crossing does"
    readme = text(README)
    assert f"leaves {everything.personnel_without:,.0f} personnel without supply" in readme
    for crossing in CROSSINGS:
        assert f"--cut {crossing}:7" in docs and f"--cut {crossing}:7" in readme
