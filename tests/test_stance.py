"""Stance checks: a pledge against its nation's latest statement (issue 12, point 8)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.helpers.cli import cli

from forcegen import open_workspace
from forcegen.io.datasets import builtin_path

ITALY_BRIGADE = """
  - id: ita-brigade-whatif
    nation: ITA
    capability: manoeuvre_brigade
    quantity: 1
    requires: ceasefire
    zones: [ukraine-west]
    date: 2026-03-01
    basis: assumption
    sources:
      - url: https://example.org/what-if-italy
        title: What-if, not reported
        fields: []
"""

PLEDGE_TEMPLATE = """
  - id: {id}
    nation: {nation}
    capability: {capability}
    quantity: 1
    requires: {requires}
    zones: [{zones}]
    status: {status}
    basis: assumption
"""


def _workspace_with(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(builtin_path(), folder)
    pledges = folder / "pledges.yaml"
    pledges.write_text(pledges.read_text(encoding="utf-8") + extra, encoding="utf-8")
    # Italy has no pledge in the data; its network origin (Pisa) is there for the
    # built-in what-if scenario "Italy joins with a brigade"
    return folder


def _italy_sources() -> list[str]:
    italy = open_workspace().nations["ITA"]
    latest = max(italy.statements, key=lambda s: s.date)
    assert latest.stance.value == "no_troops"
    return [str(s.url) for s in latest.sources]


def test_a_brigade_from_italy_is_a_warning_with_both_sources(tmp_path: Path) -> None:
    folder = _workspace_with(tmp_path, ITALY_BRIGADE)
    code, out, err = cli("validate", str(folder))
    assert code == 0, err
    lines = [line for line in out.splitlines() if "ita-brigade-whatif" in line]
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("warning: ") and "pledges.yaml:" in line
    assert "Italy" in line and "says no troops" in line and "Western Ukraine" in line
    hint = out.splitlines()[out.splitlines().index(line) + 1]
    for url in _italy_sources():
        assert url in hint
    assert "https://example.org/what-if-italy" in hint


def test_the_warning_is_in_validate_json_and_in_the_run_report(tmp_path: Path) -> None:
    folder = _workspace_with(tmp_path, ITALY_BRIGADE)
    code, out, _ = cli("validate", str(folder), "--json")
    assert code == 0
    warnings = [w for w in json.loads(out)["warnings"] if "ita-brigade-whatif" in w["message"]]
    assert len(warnings) == 1 and warnings[0]["file"].endswith("pledges.yaml")
    assert warnings[0]["line"] is not None
    code, out, _ = cli("run", str(folder), "--scenario", "ceasefire-only")
    assert code == 0
    assert "Stance conflicts" in out and "ita-brigade-whatif" in out
    code, out, _ = cli("run", str(folder), "--scenario", "ceasefire-only", "--json")
    conflicts = json.loads(out)["ceasefire-only"]["stance_conflicts"]
    assert [c["pledge"] for c in conflicts].count("ita-brigade-whatif") == 1


@pytest.mark.parametrize(
    ("nation", "capability", "requires", "zones", "status", "conflict"),
    [
        # host-nation support inside Romania's own borders: no conflict
        ("ROU", "staging_area_support", "ceasefire", "romania", "stated", False),
        # the same unit sent into Ukraine: conflict
        ("ROU", "staging_area_support", "ceasefire", "ukraine-west", "stated", True),
        # air and maritime units are not troops on the ground
        ("ITA", "fighter_squadron", "ceasefire", "ukraine-airspace", "stated", False),
        ("ITA", "frigate", "ceasefire", "black-sea", "stated", False),
        # a withdrawn pledge is no offer
        ("ITA", "manoeuvre_brigade", "ceasefire", "ukraine-west", "withdrawn", False),
        # joint units (staff officers, monitors) are not troops either
        ("ITA", "staff_cell", "ceasefire", "ukraine-centre", "stated", False),
        # a conditional stance and an unconditional pledge of troops
        ("DEU", "infantry_company", "'true'", "ukraine-west", "stated", True),
        ("DEU", "infantry_company", "ceasefire", "ukraine-west", "stated", False),
    ],
)
def test_which_pledges_contradict_a_stance(
    tmp_path: Path,
    nation: str,
    capability: str,
    requires: str,
    zones: str,
    status: str,
    conflict: bool,
) -> None:
    extra = PLEDGE_TEMPLATE.format(
        id="probe",
        nation=nation,
        capability=capability,
        requires=requires,
        zones=zones,
        status=status,
    )
    from forcegen.io.loader import load_workspace

    ws = load_workspace(_workspace_with(tmp_path, extra))
    assert ("probe" in {c.pledge for c in ws.stance_conflicts()}) is conflict
    assert any("'probe'" in w.message for w in ws.warnings) is conflict


def test_the_built_in_data_has_no_stance_conflict() -> None:
    """The US monitoring team (joint) in Ukrainian airspace is not troops on the ground;
    Romania's staging area is on its own territory; Bulgaria's minehunters are at sea."""
    assert open_workspace().stance_conflicts() == []
