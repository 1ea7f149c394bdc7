"""The public API: one list (forcegen's TYPE_CHECKING block), documented in docs/api.md."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import forcegen

DOCS = Path(__file__).resolve().parent.parent / "docs"


def documented() -> list[str]:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([A-Za-z_][A-Za-z0-9_]*)` \|", text, re.M)


def test_docs_api_lists_every_public_name_once_and_nothing_else() -> None:
    names = documented()
    assert len(names) == len(set(names)), "a name is documented twice"
    assert sorted(names) == sorted(forcegen.__all__)


@pytest.mark.parametrize("name", sorted(set(forcegen.__all__) - {"__version__"}))
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(forcegen, name) is not None
    assert name in dir(forcegen)


def test_star_import_gives_the_public_api() -> None:
    namespace: dict[str, object] = {}
    exec("from forcegen import *", namespace)  # test code, not user text
    assert set(forcegen.__all__) <= set(namespace)


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = forcegen.nope  # type: ignore[attr-defined]


def test_importing_forcegen_loads_no_engine() -> None:
    code = (
        "import sys, forcegen; "
        "print(sorted(m for m in sys.modules if m.startswith(('forcegen.engine', 'pandas'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("result", "frames"),
    [
        ("ScenarioResult", 5),
        ("MonteCarloResult", 4),
        ("SweepResult", 1),
        ("SourcingResult", 2),
        ("SustainmentResult", 3),
        ("DeploymentResult", 5),
        ("RequirementFill", 1),
        ("PostureResult", 5),
        ("PostureComparison", 2),
    ],
)
def test_every_result_has_json_and_dataframe_views(result: str, frames: int) -> None:
    cls = getattr(forcegen, result)
    assert callable(cls.to_json)
    views = [m for m in dir(cls) if m == "frame" or m.endswith("_frame")]
    assert len(views) == frames, views


def test_entry_points_take_a_scenario_by_id_or_object(builtin: forcegen.Workspace) -> None:
    scenario = builtin.scenarios["ceasefire-only"]
    by_id = forcegen.evaluate(builtin, "ceasefire-only").to_json()
    assert forcegen.evaluate(builtin, scenario).to_json() == by_id
    assert (
        forcegen.sustainment(builtin, scenario).to_json()
        == forcegen.sustainment(builtin, "ceasefire-only").to_json()
    )
    odds = [
        forcegen.monte_carlo(builtin, s, draws=2_000, seed=3, sensitivity=False).to_json()
        for s in (scenario, "ceasefire-only")
    ]
    assert odds[0] == odds[1]
    with pytest.raises(forcegen.UnknownIdError, match="unknown scenario 'nope'"):
        forcegen.sustainment(builtin, "nope")
