"""Scenarios that change the force: add_pledges, withdraw, patch, extends (issue 13, point 2).

Hand-computed on tests/data/small.yaml plus one scenario ``whatif``, which extends ``cf``
(ceasefire true, the rest false) and
- adds ``fra-coy-x``: 2 FRA companies of 150 on a ceasefire alone: +300;
- withdraws ``gbr-ftr`` (GBR fighters, 300): -300;
- patches ``gbr-bde`` to 2 brigades of 5,000: +5,000.
``cf`` has 5,300 (GBR brigade 5,000 + fighters 300); ``whatif`` has 2 x 5,000 + 300 =
10,300: GBR 10,000, FRA 300. Option A needs 2 brigades in the west (GBR's 2: met),
2 companies (FRA's 2: met) and 1 fighter squadron (withdrawn: none): 4 of 5 units, 0.8.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import forcegen
from forcegen.errors import WorkspaceError
from helpers.cli import cli
from helpers.data import SMALL

WHATIF = """
  - id: whatif
    name: What if
    extends: cf
    add_pledges:
      - {id: fra-coy-x, nation: FRA, capability: coy, quantity: 2, requires: ceasefire,
         basis: assumption}
    withdraw: [gbr-ftr]
    patch: {pledges.gbr-bde.quantity: 2}
    basis: assumption
"""

Writer = Callable[[str, str], Path]


def with_scenarios(write_yaml: Writer, extra: str, name: str = "ws.yaml") -> Path:
    return write_yaml(SMALL.read_text(encoding="utf-8") + extra, name)


def issues_of(path: Path) -> tuple[forcegen.Issue, ...]:
    with pytest.raises(WorkspaceError) as caught:
        forcegen.load_workspace(path)
    return caught.value.issues


@pytest.fixture
def whatif(write_yaml: Writer) -> forcegen.Workspace:
    return forcegen.load_workspace(with_scenarios(write_yaml, WHATIF))


def test_a_scenario_that_adds_withdraws_and_patches_by_hand(whatif: forcegen.Workspace) -> None:
    result = forcegen.evaluate(whatif, "whatif")
    assert result.personnel == 10300
    assert result.by_nation == {"GBR": 10000, "FRA": 300, "DEU": 0, "EST": 0}
    option = result.to_json()["requirements"]["opt-a"]
    assert option["fill_ratio"] == pytest.approx(0.8)
    assert option["met"] is False
    assert [line["status"] for line in option["lines"]] == ["met", "met", "not_offered"]
    # the scenario it extends, and the workspace itself, are unchanged
    assert forcegen.evaluate(whatif, "cf").personnel == 5300
    assert whatif.pledges["gbr-bde"].quantity == 1
    assert "fra-coy-x" not in whatif.pledges


def test_extends_inherits_the_assumptions(whatif: forcegen.Workspace) -> None:
    assert dict(whatif.scenarios["whatif"].assume) == {"ceasefire": True}
    assert forcegen.evaluate(whatif, "whatif").assumed_false == ("consent", "backstop")


def test_every_engine_sees_the_changed_force(whatif: forcegen.Workspace) -> None:
    # free: consent (0.4 given a ceasefire: EST's 300) and backstop (0.3: FRA's and DEU's
    # brigades, 10,000): mean 10,300 + 0.4 x 300 + 0.3 x 10,000 = 13,420
    odds = forcegen.monte_carlo(whatif, "whatif", exact=True).to_json()
    assert odds["personnel"]["mean"] == pytest.approx(13420)
    sourcing = forcegen.source_requirement(whatif, "opt-a", "whatif")
    assert sourcing.to_json()["fill_ratio"] == pytest.approx(0.8)
    rota = forcegen.sustainment(whatif, "whatif", 12).to_json()
    assert list(rota["nations"]) == ["GBR", "FRA"]


def test_deploy_moves_the_pledges_a_scenario_adds() -> None:
    ws = forcegen.load_builtin()
    plan = forcegen.deploy(ws, "italy-joins-brigade").to_json()
    assert "ITA" in json.dumps(plan["nations"])
    assert "ITA" not in json.dumps(forcegen.deploy(ws, "ceasefire-only").to_json()["nations"])


def test_a_scenario_made_in_code_changes_the_force_too(small: forcegen.Workspace) -> None:
    scenario = forcegen.Scenario(
        id="no-fighters", name="No fighters", assume={"ceasefire": True}, withdraw=("gbr-ftr",)
    )
    assert forcegen.evaluate(small, scenario).personnel == 5000


def test_set_applies_under_the_scenario_and_its_patch_wins(write_yaml: Writer) -> None:
    path = with_scenarios(write_yaml, WHATIF)
    result = cli(
        "run", str(path), "-s", "whatif", "--json",
        "--set", "pledges.gbr-bde.quantity=3", "--set", "pledges.fra-coy-x.quantity=1",
    )  # fmt: skip
    # fra-coy-x is the scenario's own pledge: --set reaches it through the scenario
    assert result.code == 2
    assert "no pledge with id 'fra-coy-x'" in result.stderr
    result = cli(
        "run", str(path), "-s", "whatif", "--json",
        "--set", "scenarios.whatif.add_pledges.fra-coy-x.quantity=1",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["whatif"]["by_nation"]["FRA"] == 150
    result = cli(
        "run", str(path), "-s", "whatif", "--json",
        "--set", "pledges.gbr-bde.quantity=3", "--set", "capabilities.coy.personnel=100",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    # the patch's 2 brigades win over --set's 3; companies now of 100: 10,000 + 200
    assert json.loads(result.stdout)["whatif"]["personnel"] == 10200


def test_an_added_pledge_is_checked_like_a_file_pledge(write_yaml: Writer) -> None:
    path = with_scenarios(
        write_yaml,
        WHATIF.replace("nation: FRA, capability: coy", "nation: FRX, capability: coy"),
    )
    (issue,) = issues_of(path)
    position = 3  # whatif, after none, cf and full
    assert issue.path == ("scenarios", position, "add_pledges", 0, "nation")
    assert issue.message == "unknown nation 'FRX'"
    assert issue.hint == "did you mean 'FRA'?"
    assert issue.file == str(path)
    assert issue.line == SMALL.read_text(encoding="utf-8").count("\n") + 6  # its '- {' line


def test_an_added_pledge_with_a_bad_field_gets_the_file_message(write_yaml: Writer) -> None:
    path = with_scenarios(
        write_yaml, WHATIF.replace("quantity: 2, requires", "quantity: -2, requires")
    )
    (issue,) = issues_of(path)
    assert issue.path == ("scenarios", 3, "add_pledges", 0, "quantity")
    assert issue.message == "invalid value"
    assert issue.expected == "greater than 0"


def test_an_added_pledge_without_provenance_is_a_warning(write_yaml: Writer) -> None:
    path = with_scenarios(
        write_yaml,
        WHATIF.replace("ceasefire,\n         basis: assumption}", "ceasefire}"),
    )
    ws = forcegen.load_workspace(path)
    (warning,) = ws.warnings
    assert warning.path == ("scenarios", 3, "add_pledges", 0, "quantity")
    assert "no source" in warning.message


def test_an_unsourced_patch_is_a_warning(write_yaml: Writer) -> None:
    unlabelled = WHATIF.replace("    basis: assumption\n", "")  # the scenario's own label
    assert "  basis: assumption}" in unlabelled  # the added pledge keeps its label
    ws = forcegen.load_workspace(with_scenarios(write_yaml, unlabelled))
    assert [w.path for w in ws.warnings] == [("scenarios", 3, "patch")]


def test_withdrawing_an_unknown_pledge_gets_a_suggestion(write_yaml: Writer) -> None:
    (issue,) = issues_of(with_scenarios(write_yaml, WHATIF.replace("[gbr-ftr]", "[gbr-ftx]")))
    assert issue.path == ("scenarios", 3, "withdraw", 0)
    assert issue.message == "unknown pledge 'gbr-ftx'"
    assert issue.hint == "did you mean 'gbr-ftr'?"


def test_a_patch_to_an_unknown_id_gets_a_suggestion(write_yaml: Writer) -> None:
    path = with_scenarios(
        write_yaml, WHATIF.replace("pledges.gbr-bde.quantity", "pledges.gbr-bd.quantity")
    )
    (issue,) = issues_of(path)
    assert issue.path == ("scenarios", 3, "patch", "pledges.gbr-bd.quantity")
    assert issue.message == "no pledge with id 'gbr-bd'"
    assert issue.hint == "did you mean 'gbr-bde'?"
    assert issue.line is not None


def test_a_patch_with_a_bad_value_gets_the_file_message(write_yaml: Writer) -> None:
    path = with_scenarios(write_yaml, WHATIF.replace("quantity: 2}", "quantity: -1}"))
    (issue,) = issues_of(path)
    assert issue.path == ("scenarios", 3, "patch", "pledges.gbr-bde.quantity")
    assert issue.message == "pledges[0].quantity: invalid value"
    assert issue.expected == "greater than 0"


def test_a_patch_may_not_change_scenarios(write_yaml: Writer) -> None:
    path = with_scenarios(
        write_yaml, WHATIF.replace("pledges.gbr-bde.quantity", "scenarios.cf.name")
    )
    (issue,) = issues_of(path)
    assert issue.path == ("scenarios", 3, "patch")
    assert "a scenario cannot change scenarios" in (issue.expected or "")


def test_extends_an_unknown_scenario_gets_a_suggestion(write_yaml: Writer) -> None:
    (issue,) = issues_of(with_scenarios(write_yaml, WHATIF.replace("extends: cf", "extends: cff")))
    assert issue.path == ("scenarios", 3, "extends")
    assert issue.message == "unknown scenario 'cff'"
    assert issue.hint == "did you mean 'cf'?"


def test_extends_in_a_cycle_is_refused(write_yaml: Writer) -> None:
    extra = (
        WHATIF.replace("extends: cf", "extends: loop")
        + "  - {id: loop, name: Loop, extends: whatif}\n"
        + "  - {id: me, name: Me, extends: me}\n"
    )
    issues = issues_of(with_scenarios(write_yaml, extra))
    assert [(i.path, i.message) for i in issues] == [
        (
            ("scenarios", 3, "extends"),
            "scenarios extend each other in a cycle: whatif -> loop -> whatif",
        ),
        (("scenarios", 5, "extends"), "scenarios extend each other in a cycle: me -> me"),
    ]


def test_extends_chains_patches_and_the_later_one_wins(write_yaml: Writer) -> None:
    extra = WHATIF + (
        "  - id: more\n"
        "    name: More\n"
        "    extends: whatif\n"
        "    assume: {backstop: true}\n"
        "    patch: {pledges.gbr-bde.quantity: 3}\n"
        "    basis: assumption\n"
    )
    ws = forcegen.load_workspace(with_scenarios(write_yaml, extra))
    # 3 GBR brigades + FRA's 2 companies (300) + with the backstop FRA's and DEU's brigades
    assert forcegen.evaluate(ws, "more").personnel == 15000 + 300 + 10000
    assert dict(ws.scenarios["more"].assume) == {"ceasefire": True, "backstop": True}
    assert [p.id for p in ws.scenarios["more"].add_pledges] == ["fra-coy-x"]
    assert ws.scenarios["more"].withdraw == ("gbr-ftr",)


def test_the_builtin_what_ifs() -> None:
    ws = forcegen.load_builtin()
    base = forcegen.evaluate(ws, "ceasefire-us-backstop")
    germany = forcegen.evaluate(ws, "germany-lifts-caveat")
    assert germany.personnel == base.personnel  # the same troops, usable in more zones
    assert ws.variants["germany-lifts-caveat"].pledges["deu-battlegroup-1"].zones == (
        "poland", "romania", "ukraine-west", "ukraine-centre",
    )  # fmt: skip
    fill = {r: v["fill_ratio"] for r, v in germany.to_json()["requirements"].items()}
    base_fill = {r: v["fill_ratio"] for r, v in base.to_json()["requirements"].items()}
    assert fill["force-25k"] > base_fill["force-25k"]
    italy = forcegen.evaluate(ws, "italy-joins-brigade")
    only = forcegen.evaluate(ws, "ceasefire-only")
    assert italy.personnel == only.personnel + 5000
    assert [c.pledge for c in italy.stance_conflicts] == ["ita-brigade-1"]
    enablers = forcegen.evaluate(ws, "us-enablers-only")
    us = [p for p in enablers.active if ws.pledges[p].nation == "USA"]
    assert sorted(ws.pledges[p].capability for p in us) == ["istar_squadron", "tanker_aircraft"]
    for sid in ("germany-lifts-caveat", "italy-joins-brigade", "us-enablers-only"):
        assert ws.scenarios[sid].basis is not None and ws.scenarios[sid].basis.value == "assumption"
