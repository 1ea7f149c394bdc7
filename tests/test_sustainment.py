"""Rotation and sustainability: hand-computed cases and the built-in dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import forcegen
from forcegen.engine.rotation.coalition import sustainment
from forcegen.engine.rotation.rotation import sustain_nation
from forcegen.errors import ForcegenError, WorkspaceError
from forcegen.model import Nation
from helpers.cli import cli
from helpers.data import SMALL


def nation(**fields: object) -> Nation:
    data: dict[str, object] = {
        "id": "GBR",
        "name": "UK",
        "active_personnel": 140_000,
        "land_personnel": 70_000,
    }
    data.update(fields)
    return Nation.model_validate(data)


def test_hand_computed_nation_over_its_ceiling() -> None:
    uk = nation(
        commitments=[
            {"name": "Estonia", "personnel": 1_000, "drawable": True},
            {"name": "Cyprus", "personnel": 2_000, "drawable": True},
        ]
    )
    s = sustain_nation(uk, 5_000)
    assert s.pool == 35_000  # 70,000 x 0.5
    assert s.tied == 15_000  # (1,000 + 2,000) x 5
    assert s.available == 20_000
    assert s.ceiling == 4_000  # 20,000 / 5
    assert s.headroom == -1_000
    assert not s.sustainable
    assert s.fails_at_month == 24  # floor(20,000 / 5,000) = 4 tours x 6 months
    # 5,000 x 5 = 25,000 needed in the cycle, 20,000 available: free 5,000 / 5 = 1,000
    assert s.draw_down_needed == 1_000
    assert [(d.commitment, d.personnel) for d in s.draw_down_from] == [("Estonia", 1_000)]
    assert s.draw_down_enough
    assert [s.deployed(m) for m in (1, 24, 25, 36)] == [5_000, 5_000, 4_000, 4_000]


def test_draw_down_follows_data_order_and_skips_non_drawable() -> None:
    uk = nation(
        commitments=[
            {"name": "UN", "personnel": 500},
            {"name": "Estonia", "personnel": 400, "drawable": True},
            {"name": "Cyprus", "personnel": 2_000, "drawable": True, "rotation_ratio": 4},
        ]
    )
    s = sustain_nation(uk, 5_000)
    # tied = 500x5 + 400x5 + 2,000x4 = 12,500; available 22,500; deficit 25,000-22,500
    assert s.available == 22_500
    assert [(d.commitment, d.personnel) for d in s.draw_down_from] == [
        ("Estonia", 400),
        ("Cyprus", pytest.approx(125.0)),
    ]  # 2,500 - 400x5 = 500 left, / 4 = 125 from Cyprus
    assert s.draw_down_needed == pytest.approx(525.0)


def test_nation_within_its_ceiling() -> None:
    s = sustain_nation(nation(commitments=[{"name": "Estonia", "personnel": 1_000}]), 3_000)
    assert s.ceiling == 6_000 and s.sustainable and s.fails_at_month is None
    assert s.draw_down_needed == 0 and s.draw_down_from == ()
    assert s.deployed(36) == 3_000


def test_custom_parameters() -> None:
    s = sustain_nation(nation(deployable_fraction=0.4, rotation_ratio=3, tour_months=4), 10_000)
    assert s.pool == 28_000 and s.ceiling == pytest.approx(28_000 / 3)
    assert s.fails_at_month == 2 * 4  # floor(28,000 / 10,000) tours of 4 months


def test_commitments_beyond_the_pool_warn_not_crash() -> None:
    s = sustain_nation(
        nation(land_personnel=10_000, commitments=[{"name": "Big", "personnel": 2_000}]), 500
    )
    assert s.available == 5_000 - 10_000
    assert s.ceiling < 0 and s.fails_at_month == 0
    assert s.warnings and "nothing is left" in s.warnings[0]
    assert s.deployed(1) == 0.0
    assert not s.draw_down_enough


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("deployable_fraction", 1.5, "less than or equal to 1"),
        ("deployable_fraction", 0, "greater than 0"),
        ("rotation_ratio", 0.5, "greater than or equal to 1"),
        ("tour_months", 0, "greater than 0"),
        ("tour_months", -6, "greater than 0"),
    ],
)
def test_invalid_parameters_are_rejected_with_file_and_line(
    tmp_path: Path, field: str, value: object, fragment: str
) -> None:
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["nations"][0][field] = value
    path = tmp_path / "ws.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        forcegen.load_workspace(path)
    (issue,) = info.value.issues
    assert issue.path == ("nations", 0, field)
    assert fragment in (issue.expected or "") and issue.line is not None
    result = cli("sustain", str(path))
    assert result.code == 2 and result.stdout == "" and f"nations[0].{field}" in result.stderr


def test_commitment_ratio_below_one_rejected(tmp_path: Path) -> None:
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["nations"][0]["commitments"] = [{"name": "x", "personnel": 10, "rotation_ratio": 0.9}]
    path = tmp_path / "ws.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        forcegen.load_workspace(path)
    assert info.value.issues[0].path == ("nations", 0, "commitments", 0, "rotation_ratio")


def test_scenario_and_land_pool_only(small: forcegen.Workspace) -> None:
    result = sustainment(small, "cf", months=12)
    # GBR: the brigade (land) counts, the fighter squadron (air) does not
    assert result.nations["GBR"].pledged == 5_000
    assert list(result.nations) == ["GBR"]
    everything = sustainment(small)
    assert set(everything.nations) == {"GBR", "FRA", "DEU", "EST"}
    assert len(result.month) == 12
    with pytest.raises(ForcegenError):
        sustainment(small, months=0)


def test_builtin_answers_the_estonia_and_cyprus_question(builtin: forcegen.Workspace) -> None:
    result = sustainment(builtin, "ceasefire-only")
    uk = result.nations["GBR"]
    assert uk.pledged >= 5_000 and not uk.sustainable
    places = {d.location for d in uk.draw_down_from}
    assert places == {"EST", "CYP"}
    assert uk.draw_down_enough
    assert result.after_first_rotation <= result.deployed[0]
    leads = [(h.lead, h.from_month, h.to_month) for h in result.headquarters]
    assert ("FRA", 1, 12) in leads and ("GBR", 13, 36) in leads


def test_sustain_cli_json_and_plots(tmp_path: Path) -> None:
    result = cli("sustain", "--scenario", "ceasefire-only", "--json", "--plot", str(tmp_path))
    assert result.code == 0, result.stderr
    payload = json.loads(result.stdout)
    uk = payload["nations"]["GBR"]
    assert set(uk) >= {
        "pledged",
        "pool",
        "tied",
        "available",
        "ceiling",
        "sustainable",
        "fails_at_month",
        "draw_down_needed",
        "draw_down_from",
    }
    assert len(payload["coalition"]["month"]) == 36 == len(payload["coalition"]["deployed"])
    for stem in ("sustain_coalition", "sustain_gantt"):
        assert (tmp_path / f"{stem}.png").exists() and (tmp_path / f"{stem}.svg").exists()
    report = cli("sustain", "--months", "24")
    assert report.code == 0 and "to draw down" in report.stdout
    assert cli("sustain", "--months", "0").code == 2


def test_float_edge_of_a_whole_number_of_tours() -> None:
    s = sustain_nation(nation(land_personnel=45_000, deployable_fraction=0.7), 7_875)
    assert s.fails_at_month == 24  # 31,500 / 7,875 = 4 tours exactly


def test_draw_down_needed_even_when_nothing_is_drawable() -> None:
    s = sustain_nation(
        nation(land_personnel=10_000, commitments=[{"name": "x", "personnel": 900}]), 300
    )
    # pool 5,000, tied 4,500, available 500, ceiling 100: 200 must be withdrawn
    assert s.draw_down_needed == pytest.approx(200.0)
    assert s.draw_down_from == () and not s.draw_down_enough


def test_after_first_rotation_uses_each_nations_tour(tmp_path: Path) -> None:
    data = {
        "capabilities": [{"id": "bn", "name": "B", "domain": "land", "personnel": 1000}],
        "nations": [
            {"id": "GBR", "name": "UK", "active_personnel": 1, "land_personnel": 20_000},
            {
                "id": "FRA",
                "name": "F",
                "active_personnel": 1,
                "land_personnel": 20_000,
                "tour_months": 4,
            },
        ],
        "pledges": [
            {"id": "g", "nation": "GBR", "capability": "bn", "quantity": 6},
            {"id": "f", "nation": "FRA", "capability": "bn", "quantity": 1},
        ],
    }
    ws = forcegen.build_workspace(data)
    result = sustainment(ws, months=36)
    # GBR: available 10,000, 6,000 pledged -> 1 tour, fails at month 6, then 2,000
    assert result.nations["GBR"].fails_at_month == 6
    assert result.after_first_rotation == 2_000 + 1_000
    assert sustainment(ws, months=5).after_first_rotation is None
    assert sustainment(ws, months=1).deployed == (7_000.0,)
