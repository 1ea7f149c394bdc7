"""The built-in force options: organic enablers declared, lines sized honestly.

A brigade's logistics, Role 2 and engineers are inside its personnel (``includes``); the
enabler lines of an option state its total need, so lines x personnel count the organic
part twice. These tests keep the figures the data and docs/force-options.md state (gross,
organic overlap, net) equal to what the lines compute.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

import forcegen

DOC = Path(__file__).resolve().parents[1] / "docs" / "force-options.md"
OPTIONS = ("force-100k", "force-64k", "force-25k", "force-15k", "force-10k")
ENABLERS = ("logistics_battalion", "medical_role2", "engineer_battalion")


def _units(ws: forcegen.Workspace, option: str) -> dict[str, float]:
    """Units the option's lines ask for, per capability [units]."""
    units: dict[str, float] = defaultdict(float)
    for line in ws.requirements[option].lines:
        units[line.capability] += line.quantity
    return units


def _organic(ws: forcegen.Workspace, option: str) -> dict[str, float]:
    """Enabler units the option's own units bring organically [units]."""
    organic: dict[str, float] = defaultdict(float)
    for capability, units in _units(ws, option).items():
        for enabler in ws.capabilities[capability].includes:
            organic[enabler.capability] += units * enabler.quantity
    return organic


def _sums(ws: forcegen.Workspace, option: str) -> tuple[int, int, int]:
    """Gross line personnel, organic overlap and net [persons]."""
    units = _units(ws, option)
    gross = sum(q * ws.capabilities[c].personnel for c, q in units.items())
    overlap = sum(
        min(q, units.get(e, 0.0)) * ws.capabilities[e].personnel
        for e, q in _organic(ws, option).items()
    )
    return round(gross), round(overlap), round(gross - overlap)


def test_a_brigade_brings_its_logistics_role2_and_engineers(
    builtin: forcegen.Workspace,
) -> None:
    brigade = builtin.capabilities["manoeuvre_brigade"]
    included = {e.capability: e.quantity for e in brigade.includes}
    assert included == {e: 1 for e in ENABLERS}
    # inside the brigade's 5,000, not on top of it
    inside = sum(builtin.capabilities[e].personnel * q for e, q in included.items())
    assert inside < brigade.personnel / 2
    battlegroup = builtin.capabilities["manoeuvre_battlegroup"]
    assert {e.capability for e in battlegroup.includes} == {
        "logistics_battalion",
        "engineer_battalion",
    }


def test_includes_are_sourced_or_labelled(builtin: forcegen.Workspace) -> None:
    for capability in builtin.capabilities.values():
        if not capability.includes:
            continue
        sourced = any(s.fields and "includes" in s.fields for s in capability.sources)
        assert sourced or capability.is_assumption("includes"), capability.id
        for enabler in capability.includes:
            assert enabler.capability in builtin.capabilities, capability.id


@pytest.mark.parametrize("option", OPTIONS)
def test_enabler_lines_state_the_total_need(builtin: forcegen.Workspace, option: str) -> None:
    """An enabler line asks for at least what the option's own units bring: it is the
    total need (organic + beyond), never only the part beyond."""
    units = _units(builtin, option)
    for enabler, organic in _organic(builtin, option).items():
        if enabler in units:
            assert units[enabler] >= organic - 1e-9, (option, enabler)


@pytest.mark.parametrize("option", OPTIONS)
def test_lines_assumption_states_the_computed_totals(
    builtin: forcegen.Workspace, option: str
) -> None:
    gross, overlap, net = _sums(builtin, option)
    text = builtin.requirements[option].assumptions["lines"]
    assert f"{gross:,}" in text
    assert f"{net:,}" in text
    if overlap:
        assert f"{overlap:,}" in text


@pytest.mark.parametrize("option", OPTIONS)
def test_net_personnel_is_about_the_headline(builtin: forcegen.Workspace, option: str) -> None:
    _, _, net = _sums(builtin, option)
    headline = builtin.requirements[option].personnel
    if option == "force-10k":
        # the 10,000 are the two national brigades; HQs, air defence and air on top
        brigades = _units(builtin, option)["manoeuvre_brigade"]
        assert brigades * builtin.capabilities["manoeuvre_brigade"].personnel == headline
    else:
        assert abs(net - headline) <= 0.1 * headline, (option, net)


@pytest.mark.parametrize("option", OPTIONS)
def test_docs_table_totals_match_the_data(builtin: forcegen.Workspace, option: str) -> None:
    gross, overlap, net = _sums(builtin, option)
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"(`{option}`)\n", 1)[1].split("\n## ", 1)[0]
    assert f"| **Lines, gross** | | | **{gross:,}** |" in section
    assert f"| **Net of organic overlap** | | | **{net:,}** |" in section
    assert f"{overlap:,}" in section
