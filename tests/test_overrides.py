"""``--set PATH=VALUE``: overrides of workspace fields on the command line (issue 13, point 1).

Results on tests/data/small.yaml by hand: in scenario ``cf`` (ceasefire only) the GBR
brigade (1 x 5,000) and the GBR fighter squadron (300 personnel) are active: 5,300.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import forcegen
from forcegen.errors import WorkspaceError
from forcegen.io.overrides import parse_overrides
from helpers.cli import cli
from helpers.data import SMALL


def issues_of(spec: str | Path, *texts: str) -> tuple[forcegen.Issue, ...]:
    with pytest.raises(WorkspaceError) as caught:
        forcegen.open_workspace(spec, texts)
    return caught.value.issues


# -- applied and listed ------------------------------------------------------------


def test_overrides_change_the_fields_they_name(builtin: forcegen.Workspace) -> None:
    ws = forcegen.open_workspace(
        None,
        [
            "nations.GBR.rotation_ratio=4",
            "conditions.us_backstop.probability=0.6",
            "pledges.deu-battlegroup-1.zones=[poland,ukraine-west]",
            "defaults.tour_months=4",
        ],
    )
    assert ws.nations["GBR"].rotation_ratio == 4
    assert builtin.nations["GBR"].rotation_ratio != 4
    assert ws.conditions["us_backstop"].probability == 0.6
    assert ws.pledges["deu-battlegroup-1"].zones == ("poland", "ukraine-west")
    assert ws.defaults.tour_months == 4
    assert ws.overrides == (
        "nations.GBR.rotation_ratio=4",
        "conditions.us_backstop.probability=0.6",
        "pledges.deu-battlegroup-1.zones=[poland,ukraine-west]",
        "defaults.tour_months=4",
    )
    assert builtin.overrides == ()


def test_a_wildcard_sets_the_field_of_every_record() -> None:
    ws = forcegen.open_workspace(SMALL, ["pledges.*.readiness_days=14"])
    assert {p.readiness_days for p in ws.pledges.values()} == {14}
    assert len(ws.pledges) == 6


def test_later_overrides_win_and_values_may_hold_an_equals_sign() -> None:
    ws = forcegen.open_workspace(
        SMALL,
        [
            "pledges.*.quantity=3",
            "pledges.gbr-bde.quantity=2",
            "pledges.gbr-bde.description=a=b",
        ],
    )
    assert ws.pledges["gbr-bde"].quantity == 2
    assert ws.pledges["fra-bde"].quantity == 3
    assert ws.pledges["gbr-bde"].description == "a=b"


def test_a_list_item_without_id_is_named_by_its_position() -> None:
    ws = forcegen.open_workspace(SMALL, ["requirements.opt-a.lines.1.quantity=5"])
    assert [line.quantity for line in ws.requirements["opt-a"].lines] == [2, 5, 1]


def test_a_mapping_the_workspace_leaves_out_is_created() -> None:
    assert "defaults" not in SMALL.read_text(encoding="utf-8")
    ws = forcegen.open_workspace(SMALL, ["defaults.tour_months=4"])
    assert ws.defaults.tour_months == 4


def test_an_override_never_changes_a_record_sharing_a_yaml_alias(
    write_yaml: Callable[[str, str], Path],
) -> None:
    text = SMALL.read_text(encoding="utf-8").replace(
        "  - {id: gbr-bde, nation: GBR, capability: bde, quantity: 1, requires: ceasefire, "
        "zones: [west], basis: assumption}",
        "  - {id: gbr-bde, nation: GBR, capability: bde, quantity: 1, requires: ceasefire, "
        "zones: &z [west], basis: assumption}\n"
        "  - {id: gbr-bde-2, nation: GBR, capability: bde, quantity: 1, requires: ceasefire, "
        "zones: *z, basis: assumption}",
    )
    path = write_yaml(text, "aliased.yaml")
    ws = forcegen.open_workspace(path, ["pledges.gbr-bde.zones.0=east"])
    assert ws.pledges["gbr-bde"].zones == ("east",)
    assert ws.pledges["gbr-bde-2"].zones == ("west",)


def test_run_json_composes_set_with_scenario_and_lists_the_overrides() -> None:
    plain = cli("run", str(SMALL), "--scenario", "cf", "--json")
    assert json.loads(plain.stdout)["cf"]["personnel"] == 5300
    assert "overrides" not in json.loads(plain.stdout)["cf"]
    result = cli(
        "run",
        str(SMALL),
        "--scenario",
        "cf",
        "--set",
        "pledges.gbr-bde.quantity=2",
        "--set",
        "pledges.fra-bde.requires=ceasefire",
        "--json",
    )
    assert result.code == 0, result.stderr
    cf = json.loads(result.stdout)["cf"]
    # 2 x 5,000 (GBR) + 300 (GBR fighters) + 5,000 (FRA, now on a ceasefire alone)
    assert cf["personnel"] == 15300
    assert cf["by_nation"]["FRA"] == 5000
    assert cf["overrides"] == ["pledges.gbr-bde.quantity=2", "pledges.fra-bde.requires=ceasefire"]


def test_reports_and_object_json_list_the_overrides() -> None:
    report = cli("run", str(SMALL), "-s", "cf", "--set", "pledges.gbr-bde.quantity=2")
    assert report.code == 0, report.stderr
    first = report.stdout.splitlines()[0]
    assert first == "Override applied (--set): pledges.gbr-bde.quantity=2"
    assert "applied (--set)" not in cli("run", str(SMALL), "-s", "cf").stdout
    valid = cli("validate", str(SMALL), "--json", "--set", "defaults.tour_months=4")
    assert json.loads(valid.stdout)["overrides"] == ["defaults.tour_months=4"]
    sustain = cli("sustain", str(SMALL), "-s", "cf", "--months", "12", "--json", "--set", "x.y=1")
    assert sustain.code == 2  # an unknown section: nothing is computed
    sustain = cli(
        "sustain", str(SMALL), "-s", "cf", "--months", "12", "--json",
        "--set", "nations.GBR.rotation_ratio=4",
    )  # fmt: skip
    assert sustain.code == 0, sustain.stderr
    assert json.loads(sustain.stdout)["overrides"] == ["nations.GBR.rotation_ratio=4"]


def test_every_command_that_reads_a_workspace_takes_set() -> None:
    for command in ("run", "validate", "montecarlo", "sweep", "source", "deploy", "sustain"):
        result = cli(command, "--help", columns=200)
        assert "--set" in result.stdout, command


# -- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("nations.GBR.rotation_ratio", "no '=' between the path and the value"),
        ("=4", "the path before '=' is empty"),
        ("nations..rotation_ratio=4", "the path 'nations..rotation_ratio' has an empty step"),
    ],
)
def test_bad_syntax_exits_2_naming_the_option(text: str, problem: str) -> None:
    result = cli("run", str(SMALL), "--set", "defaults.tour_months=4", "--set", text)
    assert result.code == 2
    assert result.stdout == ""
    assert f"error: --set #2 {text!r}: {problem}; expected PATH=VALUE" in result.stderr
    validate = cli("validate", str(SMALL), "--json", "--set", text)
    assert validate.code == 2
    assert validate.stdout == ""
    assert "--set #1" in validate.stderr


def test_bad_syntax_is_refused_by_the_api_too() -> None:
    with pytest.raises(forcegen.OverrideSyntaxError, match=r"--set #1 'a\.b': no '='"):
        parse_overrides(["a.b"])


def test_an_unknown_section_gets_a_suggestion() -> None:
    (issue,) = issues_of(SMALL, "pledges.gbr-bde.quantity=2", "natons.GBR.rotation_ratio=4")
    assert issue.file == "--set #2"
    assert issue.line is None
    assert issue.message == "unknown section 'natons'"
    assert issue.hint == "did you mean 'nations'?"
    assert issue.render().startswith("--set #2: natons: unknown section 'natons'")


def test_an_unknown_id_gets_a_suggestion() -> None:
    (issue,) = issues_of(SMALL, "nations.GBX.rotation_ratio=4")
    assert (issue.file, issue.message) == ("--set #1", "no nation with id 'GBX'")
    assert issue.hint == "did you mean 'GBR'?"
    assert "DEU, EST, FRA, GBR" in (issue.expected or "")


def test_an_unknown_field_gets_the_files_message_and_a_suggestion(
    write_yaml: Callable[[str, str], Path],
) -> None:
    in_file = write_yaml(
        SMALL.read_text(encoding="utf-8").replace(
            "land_personnel: 75320,", "land_personnel: 75320, rotation_ratoi: 4,"
        ),
        "typo.yaml",
    )
    (from_file,) = issues_of(in_file)
    (from_set,) = issues_of(SMALL, "nations.GBR.rotation_ratoi=4")
    assert from_set.file == "--set #1"
    assert from_file.line is not None
    for issue in (from_file, from_set):
        assert issue.message == "unknown field 'rotation_ratoi'"
        assert issue.hint == "did you mean 'rotation_ratio'?"
    assert from_set.expected == from_file.expected


def test_an_unknown_field_under_a_wildcard_is_reported_once() -> None:
    (issue,) = issues_of(SMALL, "pledges.*.readines_days=3")
    assert issue.message == "unknown field 'readines_days'"
    assert issue.hint == "did you mean 'readiness_days'?"


def test_an_unknown_key_inside_a_record_gets_a_suggestion() -> None:
    (issue,) = issues_of(SMALL, "conditions.consent.probability.giveen.ceasefire=false")
    assert issue.message == "no field 'giveen' in conditions[1].probability"
    assert issue.hint == "did you mean 'given'?"


def test_an_invalid_value_gets_the_same_message_as_in_a_file(
    write_yaml: Callable[[str, str], Path],
) -> None:
    in_file = write_yaml(
        SMALL.read_text(encoding="utf-8").replace(
            "{capability: bde, quantity: 2, zone: west",
            "{capability: bde, quantity: -2, zone: west",
        ),
        "bad.yaml",
    )
    (from_file,) = issues_of(in_file)
    (from_set,) = issues_of(
        SMALL, "defaults.tour_months=4", "requirements.opt-a.lines.0.quantity=-2"
    )
    assert from_file.file == str(in_file) and from_file.line is not None
    assert (from_set.file, from_set.line) == ("--set #2", None)
    for field in ("path", "message", "found", "expected", "hint"):
        assert getattr(from_set, field) == getattr(from_file, field), field
    assert from_set.render().startswith("--set #2: requirements[0].lines[0].quantity: ")


def test_an_unknown_reference_in_a_value_is_located_at_the_option() -> None:
    (issue,) = issues_of(SMALL, "pledges.gbr-bde.zones=[west,polnd]")
    assert issue.file == "--set #1"
    assert issue.message == "unknown zone 'polnd'"
    assert issue.hint == "did you mean 'poland'?"


def test_text_where_a_number_belongs_is_refused_with_a_path() -> None:
    (issue,) = issues_of(SMALL, "nations.GBR.rotation_ratio=four")
    assert issue.file == "--set #1"
    assert issue.message == "rotation_ratio must be a number, not text"


def test_a_wildcard_matching_nothing_is_an_error() -> None:
    (issue,) = issues_of(SMALL, "headquarters.*.personnel=300")
    assert issue.file == "--set #1"
    assert issue.message == "'*' in 'headquarters.*.personnel' matches no record"


def test_an_unreadable_value_is_an_error_naming_the_option() -> None:
    (issue,) = issues_of(SMALL, "pledges.gbr-bde.zones=[west")
    assert issue.file == "--set #1"
    assert issue.message.startswith("the value '[west' cannot be read: YAML syntax error")


def test_a_path_through_a_single_value_is_an_error() -> None:
    (issue,) = issues_of(SMALL, "nations.GBR.name.first=x")
    assert issue.message == "nations[0].name is a single value, not a record or a mapping"


def test_the_cli_prints_the_located_problems_and_exits_2() -> None:
    result = cli("run", str(SMALL), "--set", "nations.GBR.rotation_ratio=0.5")
    assert result.code == 2
    assert result.stdout == ""
    assert "--set #1: nations[0].rotation_ratio: invalid value; found 0.5" in result.stderr
