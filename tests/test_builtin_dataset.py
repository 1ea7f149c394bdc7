"""The built-in mnf-ukraine dataset: complete, sourced, and true to the reporting."""

from __future__ import annotations

import forcegen
from forcegen.model import NationRole, PledgeStatus, Stance

MEMBERS = {
    # 28 NATO members: all but USA, HUN, MKD, SVK
    "ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
    "ISL", "ITA", "LVA", "LTU", "LUX", "MNE", "NLD", "NOR", "POL", "PRT", "ROU", "SVN",
    "ESP", "SWE", "TUR", "GBR",
    # and six others
    "AUS", "AUT", "CYP", "IRL", "JPN", "NZL",
}  # fmt: skip


def test_loads_with_zero_errors_and_full_provenance(builtin: forcegen.Workspace) -> None:
    # the one warning is earned on purpose: the what-if "Italy joins with a brigade"
    # against Italy's stated refusal of troops (docs/workspace.md, "Stance checks")
    (warning,) = builtin.warnings
    position = list(builtin.scenarios).index("italy-joins-brigade")
    assert warning.path == ("scenarios", position, "add_pledges", 0, "nation")
    assert "ita-brigade-1" in warning.message and "says no troops" in warning.message
    assert builtin.unsourced_figures() == []


def test_has_the_34_members_and_two_reference_rows(builtin: forcegen.Workspace) -> None:
    assert len(MEMBERS) == 34
    members = {n.id for n in builtin.nations.values() if n.role is NationRole.MEMBER}
    assert members == MEMBERS
    assert builtin.nations["UKR"].role is NationRole.HOST
    assert builtin.nations["USA"].role is NationRole.REFERENCE
    assert len(builtin.nations) == 36
    nato = {n.id for n in builtin.nations.values() if "NATO" in n.memberships}
    assert len(nato & MEMBERS) == 28


def test_personnel_figures_are_plausible(builtin: forcegen.Workspace) -> None:
    for nation in builtin.nations.values():
        assert nation.land_personnel <= max(nation.active_personnel, 1), nation.id
    assert builtin.nations["ISL"].active_personnel == 0
    # the UK army is "about 70,000" (Telegraph) to 80,000 (CIA WFB)
    assert 65_000 <= builtin.nations["GBR"].land_personnel <= 82_000


def test_uk_commitments_include_estonia_and_cyprus(builtin: forcegen.Workspace) -> None:
    names = " ".join(c.name + " " + (c.location or "") for c in builtin.nations["GBR"].commitments)
    assert "Estonia" in names or "EST" in names
    assert "Cyprus" in names or "CYP" in names


def test_conditions_requirements_and_scenarios(builtin: forcegen.Workspace) -> None:
    assert {"ceasefire", "russian_consent", "us_backstop", "unsc_mandate"} <= set(
        builtin.conditions
    )
    headlines = {r.personnel for r in builtin.requirements.values()}
    assert {100_000, 64_000, 25_000, 15_000, 10_000} <= headlines
    patterns = [s.assume for s in builtin.scenarios.values()]
    assert any(a.get("ceasefire") is False for a in patterns)
    assert any(
        a.get("ceasefire")
        and not a.get("russian_consent", False)
        and not a.get("us_backstop", False)
        for a in patterns
    )
    assert any(
        a.get("ceasefire") and a.get("russian_consent") and a.get("us_backstop") for a in patterns
    )
    assert any(a.get("unsc_mandate") for a in patterns)


def test_every_reported_pledge_has_a_source(builtin: forcegen.Workspace) -> None:
    assert builtin.pledges
    for pledge in builtin.pledges.values():
        assert pledge.basis is not None, pledge.id
        if pledge.basis.value == "reported":
            assert pledge.sources, pledge.id
        assert pledge.status is not PledgeStatus.WITHDRAWN or pledge.sources


def _ukraine_zones(ws: forcegen.Workspace) -> set[str]:
    return {z.id for z in ws.zones.values() if z.id.startswith("ukraine")}


def test_caveats_are_encoded(builtin: forcegen.Workspace) -> None:
    ukraine = _ukraine_zones(builtin)
    front = {z.id for z in builtin.zones.values() if z.front_line}
    assert front, "some zone must touch the line of contact"
    for pledge in builtin.pledges.values():
        if pledge.nation == "DEU":  # only on neighbouring NATO territory
            assert pledge.zones is not None and not set(pledge.zones) & ukraine, pledge.id
        if pledge.nation in {"GBR", "FRA", "CAN"}:  # away from the front line
            assert pledge.zones is not None and not set(pledge.zones) & front, pledge.id


def test_refusals_are_recorded_and_have_no_troops_in_ukraine(
    builtin: forcegen.Workspace,
) -> None:
    ukraine = _ukraine_zones(builtin)
    for iso3 in ("ITA", "POL", "GRC", "CZE", "HRV"):
        nation = builtin.nations[iso3]
        assert any(
            s.stance in (Stance.NO_TROOPS, Stance.SUPPORT_ONLY) for s in nation.statements
        ), iso3
        for pledge in builtin.pledges.values():
            if pledge.nation != iso3:
                continue
            capability = builtin.capabilities[pledge.capability]
            if capability.domain.value == "land":
                assert pledge.zones is not None and not set(pledge.zones) & ukraine, pledge.id


def test_scenarios_tell_the_story(builtin: forcegen.Workspace) -> None:
    results = forcegen.evaluate_all(builtin)
    by_pattern = {}
    for sid, result in results.items():
        assume = builtin.scenarios[sid].assume
        by_pattern[sid] = (assume, result)
    no_ceasefire = [r for a, r in by_pattern.values() if a.get("ceasefire") is False]
    assert all(r.personnel == 0 for r in no_ceasefire)
    everything = max(results.values(), key=lambda r: r.personnel)
    assert everything.personnel >= 10_000
    # nothing like 100,000 is on offer: the largest force option is never met
    largest = max(builtin.requirements.values(), key=lambda r: r.personnel or 0)
    assert not any(r.requirements[largest.id].met for r in results.values())
    for result in results.values():
        if result.scenario.assume.get("ceasefire"):
            assert result.veto["ceasefire"] > 0
