"""The documentation stays true: the field reference and the example match the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import forcegen
from forcegen.model.reference import field_reference_markdown
from helpers.workspaces import deployment_example_text

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_field_reference_in_docs_matches_the_models() -> None:
    text = (DOCS / "workspace.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- fields:start -->\n(.*)<!-- fields:end -->", text, re.S)
    assert match, "docs/workspace.md lacks the generated field reference"
    assert match.group(1) == field_reference_markdown(), (
        "regenerate with: forcegen schema (between the fields markers)"
    )


def test_complete_example_validates_and_runs(tmp_path: Path) -> None:
    text = (DOCS / "workspace.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert example
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    ws = forcegen.load_workspace(path)
    assert len(ws.pledges) == 3
    result = forcegen.evaluate(ws, "ceasefire-only")
    assert result.personnel == 5000
    assert result.requirements["force-10k"].fill_ratio == 0.25
    full = forcegen.evaluate(ws, "full-support")
    assert full.personnel == 5000 + 5000 + 150


def test_json_doc_example_matches_the_example_workspace(tmp_path: Path) -> None:
    import json

    text = (DOCS / "workspace.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert example
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    produced = forcegen.evaluate(forcegen.load_workspace(path), "ceasefire-only").to_json()
    doc = (DOCS / "json.md").read_text(encoding="utf-8")
    documented = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1))  # type: ignore[union-attr]
    assert documented == {"ceasefire-only": produced}


def test_dataset_doc_figures_match_a_run() -> None:
    text = (DOCS / "dataset.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z-]+) \| ([\d,]+)", text, re.M)
    assert len(rows) >= 5
    results = forcegen.evaluate_all(forcegen.load_builtin())
    for scenario, personnel in rows:
        assert results[scenario].personnel == int(personnel.replace(",", "")), scenario


def test_deploy_json_doc_lists_the_keys_produced() -> None:
    from forcegen.engine.deployment.deploy import deploy

    doc = (DOCS / "json.md").read_text(encoding="utf-8")
    section = doc.split("## `forcegen deploy --json`")[1]
    documented = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))  # type: ignore[union-attr]
    produced = deploy(forcegen.load_builtin(), "ceasefire-only", draws=2).to_json()
    assert list(documented) == list(produced)
    units = produced["units"]
    assert isinstance(units, list)
    assert list(documented["units"][0]) == list(units[0])
    assert list(documented["bottlenecks"][0]) == list(produced["bottlenecks"][0])  # type: ignore[index]
    assert list(documented["destinations"][0]) == list(produced["destinations"][0])  # type: ignore[index]
    assert list(documented["disruptions"]) == list(produced["disruptions"])  # type: ignore[arg-type]


def test_deployment_example_runs_as_documented(tmp_path: Path) -> None:
    from forcegen.engine.deployment.deploy import deploy

    path = tmp_path / "example.yaml"
    path.write_text(deployment_example_text(), encoding="utf-8")
    plan = deploy(forcegen.load_workspace(path)).plan
    assert plan.closure_day == 10
    assert dict(plan.closure_by_load) == {"personnel": 8, "cargo": 10}


def test_limits_doc_lists_every_limit_as_the_code_states_it() -> None:
    from forcegen.limits import limits_markdown

    text = (DOCS / "limits.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- limits:start -->\n(.*)<!-- limits:end -->", text, re.S)
    assert match, "docs/limits.md lacks the generated table of limits"
    assert match.group(1) == limits_markdown(), (
        "regenerate with: python -c 'from forcegen.limits import limits_markdown as m; "
        'print(m(), end="")\' (between the limits markers)'
    )
