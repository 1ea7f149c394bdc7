"""Every kind of validation error names the file, the right line, the field and the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import forcegen
from helpers.workspaces import issues_of, only

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
    assert "ISO 3166" in issue.message and "GBR" in (issue.expected or "")
    assert issue.line == 10


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
    issues = issues_of(tmp_path)
    also = next(i for i in issues if "also in" in i.message)
    assert also.file is not None and also.file.endswith("b.yaml") and also.line == 1


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


# -- hostile and malformed input (found in review) -------------------------------------


def test_deeply_nested_yaml_is_refused_without_crashing(write_yaml: Write) -> None:
    for opener, closer in (("[", "]"), ("{a: ", "}")):
        text = "nations: " + opener * 30_000 + "1" + closer * 30_000 + "\n"
        issue = only(write_yaml(text))
        assert "nested more than" in issue.message and issue.line == 1


def test_impossible_dates_are_field_errors(write_yaml: Write) -> None:
    text = (
        BASE
        + """pledges:
  - {id: p1, nation: GBR, capability: bde, quantity: 1, date: 2025-13-45}
  - {id: p2, nation: GBR, capability: bde, quantity: 1, date: 2025-02-30}
  - {id: p3, nation: GBR, capability: bde, quantity: 1, date: 0}
"""
    )
    issues = issues_of(write_yaml(text))
    assert [i.path for i in issues] == [("pledges", n, "date") for n in range(3)]
    assert [i.line for i in issues] == [12, 13, 14]
    assert all("YYYY-MM-DD" in (i.expected or "") for i in issues)


def test_infinite_and_nan_numbers_are_refused(write_yaml: Write) -> None:
    text = (
        BASE
        + """pledges:
  - {id: p1, nation: GBR, capability: bde, quantity: .inf}
  - {id: p2, nation: GBR, capability: bde, quantity: 1e400}
  - {id: p3, nation: GBR, capability: bde, quantity: .nan}
"""
    )
    issues = issues_of(write_yaml(text))
    assert len(issues) == 3
    assert all("number" in (i.expected or "") for i in issues)
    # .inf and .nan are text (YAML 1.1 numbers, issue #10 D11); 1e400 is a number, too big
    assert sum("finite" in (i.expected or "") for i in issues) == 1
    assert [i.path[1] for i in issues if "finite number" in (i.hint or "")] == [0, 2]


def test_no_silent_type_conversion(write_yaml: Write) -> None:
    text = (
        BASE.replace("probability: 0.5", "probability: '0.5'").replace(
            "active_personnel: 100", "active_personnel: true"
        )
        + """pledges:
  - {id: p1, nation: GBR, capability: bde, quantity: true}
  - {id: p2, nation: GBR, capability: bde, quantity: '3'}
scenarios:
  - {id: s, name: S, assume: {ceasefire: 'yes'}}
"""
    )
    paths = {i.path for i in issues_of(write_yaml(text))}
    assert paths == {
        ("conditions", 0, "probability"),
        ("nations", 0, "active_personnel"),
        ("pledges", 0, "quantity"),
        ("pledges", 1, "quantity"),
        ("scenarios", 0, "assume", "ceasefire"),
    }


def test_ids_with_spaces_cannot_shadow_each_other(write_yaml: Write) -> None:
    text = (
        BASE
        + """pledges:
  - {id: p1, nation: GBR, capability: bde, quantity: 1}
  - {id: 'p1 ', nation: GBR, capability: bde, quantity: 3}
"""
    )
    issue = only(write_yaml(text))
    assert issue.path == ("pledges", 1, "id") and issue.line == 13


def test_yaml_level_and_schema_errors_in_one_run(write_yaml: Write) -> None:
    text = (
        BASE
        + """pledges:
  - id: p1
    nation: FRA
    capability: bde
    capability: bde
    quantity: -1
"""
    )
    issues = issues_of(write_yaml(text))
    messages = " | ".join(i.message for i in issues)
    assert "duplicate key 'capability'" in messages
    assert "unknown nation 'FRA'" in messages
    assert any(i.path == ("pledges", 0, "quantity") for i in issues)


def test_empty_workspace_is_an_error(write_yaml: Write) -> None:
    for text in ("", "# only a comment\n", "\ufeff"):
        issue = only(write_yaml(text))
        assert "empty" in issue.message


def test_unreadable_bytes_are_located(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"nations:\n  - name: Espa\xf1a\n")
    issue = only(latin)
    assert "not UTF-8" in issue.message and issue.line == 2
    nul = tmp_path / "nul.yaml"
    nul.write_bytes(b"nations: []\nzones: [a\x00]\n")
    issue = only(nul)
    assert "unreadable character" in issue.message and issue.line == 2


def test_follow_on_noise_is_not_reported(write_yaml: Write) -> None:
    text = (
        BASE
        + """requirements:
  - id: r
    name: R
    lines:
      - {capability: bde, quantity: -1}
pledges:
  - id: p
    nation: GBR
    capability: bde
    quantity: 1
    basis: reported
    sources: [{title: no url}]
"""
    )
    issues = issues_of(write_yaml(text))
    assert {i.path for i in issues} == {
        ("requirements", 0, "lines", 0, "quantity"),
        ("pledges", 0, "sources", 0, "url"),
    }


def test_empty_zone_list_is_refused(write_yaml: Write) -> None:
    text = BASE + "pledges:\n  - {id: p, nation: GBR, capability: bde, quantity: 1, zones: []}\n"
    issue = only(write_yaml(text))
    assert issue.path == ("pledges", 0, "zones")


def test_defaults_need_no_source_but_given_figures_do(write_yaml: Write) -> None:
    text = (
        BASE
        + """pledges:
  - {id: p, nation: GBR, capability: bde, quantity: 1}
  - {id: q, nation: GBR, capability: bde, quantity: 1, readiness_days: 5,
     sources: [{url: 'https://example.org', fields: [quantity]}]}
"""
    )
    ws = forcegen.load_workspace(write_yaml(text))
    gaps = {(w.path, w.line) for w in ws.warnings if w.path[0] == "pledges"}
    assert gaps == {(("pledges", 0, "quantity"), 12), (("pledges", 1, "readiness_days"), 13)}
