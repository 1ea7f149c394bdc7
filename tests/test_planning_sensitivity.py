"""forcegen.planning_sensitivity and ``forcegen sensitivity``: checked by hand.

The hand-computed workspace (``_data``): the United Kingdom, 20,000 land personnel,
taking the built-in defaults (deployable fraction 0.5, rotation ratio 5, 6-month tours),
pledges 6 battalions of 1,000 [persons] ready on day 10; force option "opt" wants 6
battalions by day 10.

Base: pool = 20,000 x 0.5 = 10,000; two tours need 12,000 distinct personnel, so the
pledge fails after one tour (month 6) and then the ceiling 10,000 / 5 = 2,000 stays in
the field: 2,000 at month 36 and after the first rotation (month 7).

- rotation ratio 5 -> 4 / 6: ceiling 2,500 / 1,666.67; still one tour (12,000 > 10,000):
  +500 / -333.33 in the field at month 36 and at month 7.
- deployable fraction 0.5 -> 0.4 / 0.6: pool 8,000 / 12,000, ceiling 1,600 / 2,400; the
  high pool holds two tours (fails at month 12), so month 7 keeps the whole 6,000:
  -400 / +400 at month 36, -400 / +4,000 after the first rotation -> ranked first.
- tour months 6 -> 5 / 7 (4.8 and 7.2 rounded): still one tour, 2,000 after it: 0 / 0.
- readiness 10 -> 8 / 12: strength 0 / 0; the fill of "opt" 1 -> 1 / 0 (ready after the
  day needed): 0 / -1.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from tests.helpers.cli import cli

import forcegen
from forcegen import ForcegenError


def _data(**nation: Any) -> dict[str, Any]:
    return {
        "capabilities": [{"id": "bn", "name": "Battalion", "domain": "land", "personnel": 1000}],
        "nations": [
            {
                "id": "GBR",
                "name": "United Kingdom",
                "active_personnel": 100_000,
                "land_personnel": 20_000,
                **nation,
            }
        ],
        "pledges": [
            {"id": "g", "nation": "GBR", "capability": "bn", "quantity": 6, "readiness_days": 10}
        ],
        "requirements": [
            {
                "id": "opt",
                "name": "Option",
                "lines": [{"capability": "bn", "quantity": 6, "needed_by_day": 10}],
            }
        ],
        "scenarios": [{"id": "all", "name": "All in"}],
    }


@pytest.fixture(scope="module")
def result() -> forcegen.PlanningSensitivity:
    return forcegen.planning_sensitivity(forcegen.build_workspace(_data()), "all")


def _bar(result: forcegen.PlanningSensitivity, figure: str) -> Any:
    return next(b for b in result.bars if b.figure == figure)


def test_base_is_the_hand_figure(result: forcegen.PlanningSensitivity) -> None:
    assert result.base_at_horizon == 2_000
    assert result.base_after_first_rotation == 2_000
    assert result.base_fills == {"opt": 1.0}
    assert not result.closure  # no network
    assert any("no network" in n for n in result.notes)


def test_rotation_ratio_moves_strength_by_the_hand_figure(
    result: forcegen.PlanningSensitivity,
) -> None:
    bar = _bar(result, "rotation_ratio")
    assert (bar.nation, bar.base, bar.from_default) == ("GBR", 5.0, True)
    assert bar.paths == ("nations.GBR.rotation_ratio",)
    assert (bar.low.value, bar.high.value) == (4.0, 6.0)
    assert bar.low.at_horizon == pytest.approx(500.0)
    assert bar.high.at_horizon == pytest.approx(10_000 / 6 - 2_000)
    assert bar.low.after_first_rotation == pytest.approx(500.0)


def test_fraction_tour_and_readiness(result: forcegen.PlanningSensitivity) -> None:
    frac = _bar(result, "deployable_fraction")
    assert (frac.low.at_horizon, frac.high.at_horizon) == pytest.approx((-400.0, 400.0))
    assert frac.high.after_first_rotation == pytest.approx(4_000.0)
    tour = _bar(result, "tour_months")
    assert tour.nation is None and tour.paths == ("defaults.tour_months",)
    assert (tour.low.value, tour.high.value) == (5.0, 7.0)
    assert tour.low.clamped and tour.high.clamped  # rounded to whole months
    assert (tour.low.at_horizon, tour.high.at_horizon) == (0.0, 0.0)
    ready = _bar(result, "readiness_days")
    assert (ready.low.value, ready.high.value) == (8.0, 12.0)
    assert ready.low.fills == {"opt": 0.0}
    assert ready.high.fills == {"opt": pytest.approx(-1.0)}


def test_rows_ranked_by_largest_effect_on_strength(result: forcegen.PlanningSensitivity) -> None:
    assert [b.figure for b in result.bars] == [
        "deployable_fraction",  # 4,000 after the first rotation
        "rotation_ratio",  # 500
        "readiness_days",  # strength 0, fill 1
        "tour_months",  # nothing
    ]


def test_clamping_to_valid_ranges() -> None:
    ws = forcegen.build_workspace(_data(rotation_ratio=1.1, deployable_fraction=0.9, tour_months=1))
    out = forcegen.planning_sensitivity(ws, "all", spread=0.2)
    ratio = _bar(out, "rotation_ratio")
    assert (ratio.low.value, ratio.low.clamped) == (1.0, True)  # 0.88 -> at least 1
    assert (ratio.high.value, ratio.high.clamped) == (1.32, False)
    frac = _bar(out, "deployable_fraction")
    assert (frac.high.value, frac.high.clamped) == (1.0, True)  # 1.08 -> at most 1
    tour = _bar(out, "tour_months")
    assert tour.nation == "GBR" and tour.paths == ("nations.GBR.tour_months",)
    assert (tour.low.value, tour.low.clamped) == (1.0, True)  # 0.8 -> 1 whole month
    assert tour.low.at_horizon == 0.0  # unchanged, so no change
    assert not tour.from_default


def test_readiness_clamped_to_whole_days_and_zero_readiness_left_out() -> None:
    data = _data()
    data["pledges"][0]["readiness_days"] = 2
    out = forcegen.planning_sensitivity(forcegen.build_workspace(data), "all", spread=0.2)
    ready = _bar(out, "readiness_days")
    assert (ready.low.value, ready.high.value) == (2.0, 2.0)  # 1.6 and 2.4 round to 2
    data["pledges"][0]["readiness_days"] = 0
    out = forcegen.planning_sensitivity(forcegen.build_workspace(data), "all")
    assert "readiness_days" not in {b.figure for b in out.bars}


@pytest.mark.parametrize("spread", [0, 1, -0.1, math.nan, True])
def test_spread_outside_zero_one_is_refused(spread: float) -> None:
    ws = forcegen.build_workspace(_data())
    with pytest.raises(ForcegenError, match="spread"):
        forcegen.planning_sensitivity(ws, "all", spread=spread)


def test_a_scenario_that_changes_the_force_is_applied_once() -> None:
    data = _data()
    extra = {"id": "g2", "nation": "GBR", "capability": "bn", "quantity": 1}
    data["scenarios"].append(
        {
            "id": "more",
            "name": "More",
            "add_pledges": [extra],
            "patch": {"nations.GBR.rotation_ratio": 4},
            "basis": "assumption",
        }
    )
    out = forcegen.planning_sensitivity(forcegen.build_workspace(data), "more")
    bar = _bar(out, "rotation_ratio")
    # 7,000 pledged, rotation ratio 4 as patched: one tour, then 10,000 / 4 = 2,500
    assert (bar.base, bar.from_default) == (4.0, False)
    assert out.base_at_horizon == 2_500
    # 3.2 / 4.8: ceilings 3,125 / 2,083.33
    assert bar.low.at_horizon == pytest.approx(625.0)
    assert bar.high.at_horizon == pytest.approx(10_000 / 4.8 - 2_500)


def test_progress_counts_every_variant() -> None:
    seen: list[tuple[int, int]] = []
    forcegen.planning_sensitivity(
        forcegen.build_workspace(_data()), "all", progress=lambda d, t: seen.append((d, t))
    )
    # base + 2 sides of rotation, fraction, tour, readiness
    assert seen[-1] == (9, 9) and [d for d, _ in seen] == list(range(1, 10))


def test_without_scenario_no_fills() -> None:
    out = forcegen.planning_sensitivity(forcegen.build_workspace(_data()))
    assert out.scenario is None and out.base_fills == {}
    assert any("no scenario" in n for n in out.notes)


def test_json_shape_and_frame(result: forcegen.PlanningSensitivity) -> None:
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert set(data) == {
        "scenario",
        "months",
        "spread",
        "ranked_by",
        "closure",
        "base",
        "rows",
        "notes",
    }
    assert set(data["base"]) == {"at_horizon", "after_first_rotation", "fills", "closure_day"}
    row = data["rows"][1]
    assert row["figure"] == "rotation_ratio" and row["paths"] == ["nations.GBR.rotation_ratio"]
    assert set(row) == {"figure", "nation", "paths", "base", "from_default", "low", "high"}
    assert set(row["low"]) == {
        "value",
        "clamped",
        "at_horizon",
        "after_first_rotation",
        "fills",
        "closure_day",
    }
    frame = result.frame()
    assert len(frame) == 2 * len(result.bars)
    assert "fill:opt" in frame.columns


def test_cli_table_names_and_json(tmp_path: Any) -> None:
    path = tmp_path / "ws.yaml"
    import yaml

    path.write_text(yaml.safe_dump(_data()), encoding="utf-8")
    code, text, err = cli("sensitivity", str(path), "--scenario", "all", columns=400)
    assert code == 0, err
    assert "Base plan (All in): 2,000 persons" in text
    assert "United Kingdom rotation ratio (default) 5 -> 4 / 6 " in text
    assert "+500 / -333" in text
    code, text, err = cli(
        "sensitivity", str(path), "-s", "all", "--json", "--set", "nations.GBR.rotation_ratio=4"
    )
    assert code == 0, err
    data = json.loads(text)
    bar = next(r for r in data["rows"] if r["figure"] == "rotation_ratio")
    assert (bar["base"], bar["from_default"]) == (4.0, False)  # composes with --set
    code, _, err = cli("sensitivity", str(path), "--spread", "1.5")
    assert code == 2 and "spread" in err


def test_builtin_closure_moves_with_readiness() -> None:
    ws = forcegen.load_builtin("mnf-ukraine")
    out = forcegen.planning_sensitivity(ws, "ceasefire-only")
    assert out.closure and out.base_closure_day is not None
    ready = [b for b in out.bars if b.figure == "readiness_days"]
    assert any(b.low.closure_day or b.high.closure_day for b in ready)
    assert all(b.low.closure_day is None for b in out.bars if b.figure != "readiness_days")


def test_tornado_chart_is_written(tmp_path: Any, result: forcegen.PlanningSensitivity) -> None:
    pytest.importorskip("matplotlib")
    from forcegen.plots.assumptions import figure_label, tornado_chart

    ws = forcegen.build_workspace(_data())
    paths = tornado_chart(result, tmp_path, workspace=ws)
    assert sorted(p.name for p in paths) == ["sensitivity_tornado.png", "sensitivity_tornado.svg"]
    assert all(p.stat().st_size > 0 for p in paths)
    svg = (tmp_path / "sensitivity_tornado.svg").read_text(encoding="utf-8")
    assert "United Kingdom" in svg
    labels = [figure_label(ws, b) for b in result.bars]
    assert labels[0] == "United Kingdom deployable fraction (default) 0.5 -> 0.4 / 0.6"
    assert "Workspace default tour months 6 -> 5* / 7*" in labels
