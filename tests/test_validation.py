"""Every kind of validation error names the file, the right line, the field and the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import forcegen
from forcegen.errors import Issue, WorkspaceError

Write = Callable[..., Path]

BASE = """
conditions:
  - id: ceasefire
    description: A ceasefire holds.
    probability: 0.5
capabilities:
  - {id: bde, name: Brigade, domain: land, personnel: 5000}
zones:
  - {id: west, name: West}
nations:
  - {id: GBR, name: United Kingdom, active_personnel: 100, land_personnel: 50}
"""


def issues_of(path: Path) -> list[Issue]:
    with pytest.raises(WorkspaceError) as info:
        forcegen.load_workspace(path)
    return list(info.value.issues)


def only(path: Path) -> Issue:
    found = issues_of(path)
    assert len(found) == 1, [i.render() for i in found]
    return found[0]


def test_valid_workspace_loads(write_yaml: Write) -> None:
    ws = forcegen.load_workspace(write_yaml(BASE))
    assert list(ws.nations) == ["GBR"]


def test_yaml_syntax_error(write_yaml: Write) -> None:
    issue = only(write_yaml(BASE + "pledges:\n  - {id: x, nation: GBR\n"))
    assert issue.line is not None and issue.line >= 13
    assert "YAML syntax error" in issue.message


def test_unknown_field(write_yaml: Write) -> None:
    text = (
        BASE
        + """pledges:
  - id: p1
    nation: GBR
    capability: bde
    quantty: 2
"""
    )
    issues = issues_of(write_yaml(text))
    unknown = next(i for i in issues if "unknown field" in i.message)
    assert unknown.line == 15
    assert unknown.path == ("pledges", 0, "quantty")
    assert unknown.hint == "did you mean 'quantity'?"
    missing = next(i for i in issues if "missing" in i.message)
    assert missing.path == ("pledges", 0, "quantity")
    assert missing.line == 12  # the record's first line


def test_wrong_type_and_range(write_yaml: Write) -> None:
    text = (
        BASE
        + """pledges:
  - id: p1
    nation: GBR
    capability: bde
    quantity: -3
    readiness_days: soon
"""
    )
    issues = issues_of(write_yaml(text))
    by_field = {i.path[-1]: i for i in issues}
    assert by_field["quantity"].line == 15
    assert by_field["quantity"].found == "-3"
    assert "greater than 0" in (by_field["quantity"].expected or "")
    assert by_field["readiness_days"].line == 16
    assert "integer" in (by_field["readiness_days"].expected or "")


def test_probability_outside_unit_interval(write_yaml: Write) -> None:
    text = BASE.replace("probability: 0.5", "probability: 1.5")
    issue = only(write_yaml(text))
    assert issue.path == ("conditions", 0, "probability")
    assert issue.line == 4
    assert "less than or equal to 1" in (issue.expected or "")


def test_duplicate_id(write_yaml: Write) -> None:
    text = BASE + "  - {id: GBR, name: Again, active_personnel: 1, land_personnel: 1}\n"
    issue = only(write_yaml(text))
    assert issue.line == 11
    assert "duplicate id 'GBR'" in issue.message


def test_duplicate_yaml_key(write_yaml: Write) -> None:
    text = BASE.replace("    probability: 0.5", "    probability: 0.5\n    probability: 0.6")
    issue = only(write_yaml(text))
    assert issue.line == 5
    assert "duplicate key 'probability' (first on line 4)" in issue.message


def test_unknown_reference_is_located_and_suggests(write_yaml: Write) -> None:
    text = (
        BASE
        + """pledges:
  - id: p1
    nation: GRB
    capability: bde
    quantity: 1
    zones: [west, est]
"""
    )
    issues = issues_of(write_yaml(text))
    nation = next(i for i in issues if i.path[-1] == "nation")
    assert nation.line == 13 and nation.hint == "did you mean 'GBR'?"
    zone = next(i for i in issues if "zone" in i.message)
    assert zone.path == ("pledges", 0, "zones", 1) and zone.line == 16


def test_bad_expression_names_line_and_column(write_yaml: Write) -> None:
    text = (
        BASE
        + """pledges:
  - id: p1
    nation: GBR
    capability: bde
    quantity: 1
    requires: ceasefire and (cesefire or true
"""
    )
    issue = only(write_yaml(text))
    assert issue.line == 16
    assert issue.column == 16
    assert "did you mean 'ceasefire'" in issue.message


def test_hostile_expression_in_a_workspace(write_yaml: Write, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        BASE
        + f"""pledges:
  - id: p1
    nation: GBR
    capability: bde
    quantity: 1
    requires: "__import__('os').system('touch {marker}')"
"""
    )
    issue = only(write_yaml(text))
    assert issue.path == ("pledges", 0, "requires") and issue.column == 1
    assert not marker.exists()


def test_cyclic_given_rules(write_yaml: Write) -> None:
    text = BASE.replace(
        "capabilities:",
        """  - id: consent
    description: Russia consents.
    probability: {given: {mandate: true}, p: 0.5, otherwise: 0}
  - id: mandate
    description: UN mandate.
    probability: {given: {consent: true}, p: 0.5, otherwise: 0}
capabilities:""",
    )
    issue = only(write_yaml(text))
    assert "cycle: consent -> mandate -> consent" in issue.message
    assert issue.line == 7


def test_unknown_section_and_wrong_section_kind(write_yaml: Write) -> None:
    issues = issues_of(write_yaml(BASE + "pledgez: []\nscenarios: {id: x}\n"))
    messages = {i.message for i in issues}
    assert "unknown section 'pledgez'" in messages
    assert any("must be a list" in m for m in messages)
    lines = {i.path[0]: i.line for i in issues}
    assert lines == {"pledgez": 11, "scenarios": 12}


def test_reported_basis_needs_a_source(write_yaml: Write) -> None:
    text = BASE.replace("personnel: 5000}", "personnel: 5000, basis: reported}")
    issue = only(write_yaml(text))
    assert issue.path == ("capabilities", 0, "basis") and issue.line == 6


def test_iso3_codes_are_checked(write_yaml: Write) -> None:
    issue = only(write_yaml(BASE.replace("id: GBR", "id: UKX")))
    assert "ISO 3166" in (issue.expected or "") and issue.line == 10


def test_all_errors_are_reported_in_one_run(write_yaml: Write) -> None:
    text = (
        BASE.replace("probability: 0.5", "probability: 2").replace(
            "personnel: 5000", "personnel: zero"
        )
        + """pledges:
  - {id: p1, nation: FRA, capability: bde, quantity: 1, requires: "x or"}
scenarios:
  - {id: s, name: S, assume: {peace: true}}
"""
    )
    issues = issues_of(write_yaml(text))
    paths = {i.path for i in issues}
    assert ("conditions", 0, "probability") in paths
    assert ("capabilities", 0, "personnel") in paths
    assert ("pledges", 0, "nation") in paths
    assert ("pledges", 0, "requires") in paths
    assert ("scenarios", 0, "assume", "peace") in paths
    assert all(i.file and i.line for i in issues)


def test_folder_workspace_merges_sections_and_keeps_lines(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(BASE.lstrip("\n"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "nations:\n  - {id: FRA, name: France, active_personnel: 1, land_personnel: -1}\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    issue = only(tmp_path)
    assert issue.file is not None and issue.file.endswith("b.yaml")
    assert issue.line == 2
    assert issue.path == ("nations", 1, "land_personnel")  # index after the merge


def test_same_scalar_section_in_two_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("nations: {}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("nations: {}\n", encoding="utf-8")
    issue = only(tmp_path)
    assert "also in" in issue.message


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    assert "no such file" in only(tmp_path / "nope.yaml").message
    assert "no .yaml" in only(tmp_path).message


def test_non_mapping_file(write_yaml: Write) -> None:
    issue = only(write_yaml("- just\n- a list\n"))
    assert "mapping of sections" in issue.message


def test_render_names_file_line_field_found_expected(write_yaml: Write) -> None:
    issue = only(write_yaml(BASE.replace("probability: 0.5", "probability: 1.5")))
    text = issue.render()
    assert text.startswith(f"{issue.file}:4: conditions[0].probability: ")
    assert "found 1.5" in text and "expected" in text


def test_anchors_do_not_blow_up(write_yaml: Write) -> None:
    # a "billion laughs" style document must not hang the line-number walk
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 12):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    issues = issues_of(write_yaml("\n".join(lines) + "\n"))
    assert all("unknown section" in i.message for i in issues)
