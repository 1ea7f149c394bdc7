"""One total, explained (issue 12, point 3): run, source, deploy and sustain agree on a
scenario's personnel, or say in one line what they leave out and why."""

from __future__ import annotations

import pytest
from tests.helpers.cli import cli

import forcegen

WORKSPACE = forcegen.open_workspace()
SCENARIOS = list(WORKSPACE.scenarios)


@pytest.fixture(scope="module")
def run_totals() -> dict[str, int]:
    return {sid: r.personnel for sid, r in forcegen.evaluate_all(WORKSPACE).items()}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_source_counts_the_run_total_and_what_fills_no_line(
    scenario: str, run_totals: dict[str, int]
) -> None:
    for requirement in WORKSPACE.requirements:
        result = forcegen.source_requirement(WORKSPACE, requirement, scenario).to_json()
        assert result["personnel"] == run_totals[scenario]
        idle = result["idle_personnel"]
        assert idle == sum(result["idle_personnel_by_capability"].values())  # type: ignore[arg-type]
        assert 0 <= idle <= run_totals[scenario]  # type: ignore[operator]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_deploy_moves_the_run_total_less_what_it_says_it_does_not_move(
    scenario: str, run_totals: dict[str, int]
) -> None:
    result = forcegen.deploy(WORKSPACE, scenario)
    assert result.active_personnel == run_totals[scenario]
    assert result.moved_personnel + result.not_moved_personnel == run_totals[scenario]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sustain_counts_the_run_total_less_what_it_says_it_leaves_out(
    scenario: str, run_totals: dict[str, int]
) -> None:
    scope = forcegen.sustainment(WORKSPACE, scenario).to_json()["scope"]
    assert isinstance(scope, dict)
    assert scope["active_personnel"] == run_totals[scenario]
    assert scope["counted"] + sum(scope["left_out"].values()) == run_totals[scenario]


def test_each_report_says_the_run_total_and_what_it_leaves_out_in_one_line() -> None:
    """ceasefire-only: run 13,590; deploy leaves the maritime units, sustain the air and
    maritime units, source the personnel that fills no line of the option."""
    total = forcegen.evaluate(WORKSPACE, "ceasefire-only").personnel
    shown = f"{total:,}"
    _, run_out, _ = cli("run", "--scenario", "ceasefire-only", columns=400)
    assert shown in run_out
    _, deploy_out, _ = cli("deploy", "--scenario", "ceasefire-only", columns=400)
    assert shown in deploy_out
    assert any("not moved" in line and "personnel" in line for line in deploy_out.splitlines())
    _, sustain_out, _ = cli("sustain", "--scenario", "ceasefire-only", columns=400)
    assert any(shown in line and "left out" in line for line in sustain_out.splitlines()), (
        "sustain says in one line what it leaves out of the run total"
    )
    _, source_out, _ = cli(
        "source", "--requirement", "force-10k", "--scenario", "ceasefire-only", columns=400
    )
    assert shown in source_out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_people_in_an_options_lines_never_exceed_the_force(
    scenario: str, run_totals: dict[str, int]
) -> None:
    """filled_personnel is line-weighted (an organic enabler counts in its parent's line
    and in its own); less organic_personnel it is people, at most the scenario's force."""
    result = forcegen.evaluate(WORKSPACE, scenario)
    organic_seen = False
    for fill in result.requirements.values():
        people = fill.filled_personnel - fill.organic_personnel
        assert 0 <= people <= run_totals[scenario] + 1e-6, fill.requirement_id
        organic_seen |= fill.organic_personnel > 0
    if run_totals[scenario] > 0:
        assert organic_seen, "the brigades' organic enablers fill enabler lines"
