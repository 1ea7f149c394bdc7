"""Issue 12, points 3, 5 and 6 for ``sustain``: headquarters staff as load on the lead
nation, the workspace ``defaults`` block, personnel over a horizon, and the scope line
that reconciles ``sustain`` with ``run``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.helpers.layout import render, split_words, too_wide

import forcegen
from forcegen.cli.sustain_report import sustain_renderables
from forcegen.engine.rotation.coalition import sustainment
from forcegen.engine.rotation.rotation import (
    HeadquartersLoad,
    distinct_personnel,
    sustain_nation,
    tour_loads,
)
from forcegen.errors import WorkspaceError
from forcegen.model import Nation
from forcegen.model.defaults import Defaults
from helpers.cli import cli

# -- personnel over a horizon ---------------------------------------------------------


def constant(persons: float) -> Any:
    return lambda _month: persons


def test_the_times_64000_over_two_years_is_256000() -> None:
    """Sustaining 64,000 over 24 months with 6-month tours takes 256,000 people: four
    tours, nobody back before the fifth (rotation ratio 5)."""
    loads = tour_loads(constant(64_000), 6, 24)
    assert loads == [64_000] * 4
    assert distinct_personnel(loads, 5) == 256_000


@pytest.mark.parametrize(
    ("months", "tour", "ratio", "expected_tours"),
    [
        (24, 6, 5, 4),  # fewer tours than the ratio: everyone is new, P x ceil(H / T)
        (24, 6, 100, 4),
        (8, 6, 5, 2),  # a tour begun inside the horizon counts whole: ceil(8 / 6) = 2
        (36, 6, 5, 5),  # six tours, but the first tour's people are back for the sixth
        (60, 6, 5, 5),  # the cap: P x R, the steady-state cycle
        (60, 6, 3, 3),
        (36, 6, 4.5, 4.5),  # a fractional ratio: the fluid limit, P x R
        (36, 4, 1, 1),  # ratio 1: the same people stay (no rest)
    ],
)
def test_distinct_personnel_is_p_times_min_of_tours_and_ratio(
    months: int, tour: int, ratio: float, expected_tours: float
) -> None:
    loads = tour_loads(constant(1_000), tour, months)
    assert distinct_personnel(loads, ratio) == pytest.approx(1_000 * expected_tours)


def test_distinct_personnel_with_a_load_that_grows() -> None:
    """5,000, 5,000, then 5,800 for four tours (an 800-staff HQ from month 13), R = 5:
    the busiest window of five tours is tours 2-6 (5,000 + 4 x 5,800 = 28,200)."""
    loads = tour_loads(lambda m: 5_000 + (800 if m >= 13 else 0), 6, 36)
    assert loads == [5_000, 5_000, 5_800, 5_800, 5_800, 5_800]
    assert distinct_personnel(loads, 5) == 28_200
    # a person serves at most once in any five consecutive tours: no pool smaller works
    assert distinct_personnel(loads, 5) >= max(sum(loads[i : i + 5]) for i in range(2))


def test_coalition_personnel_over_horizon_in_a_workspace_and_on_the_command_line(
    tmp_path: Path,
) -> None:
    data = {
        "capabilities": [{"id": "bde", "name": "Brigade", "domain": "land", "personnel": 8_000}],
        "nations": [
            {"id": "GBR", "name": "UK", "active_personnel": 1, "land_personnel": 2_000_000}
        ],
        "pledges": [{"id": "p", "nation": "GBR", "capability": "bde", "quantity": 8}],
    }
    path = tmp_path / "ws.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    ws = forcegen.load_workspace(path)
    assert sustainment(ws, months=24).personnel_over_horizon == 256_000
    assert sustainment(ws, months=36).personnel_over_horizon == 5 * 64_000
    result = cli("sustain", str(path), "--months", "24", "--json")
    assert result.code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["coalition"]["personnel_over_horizon"] == 256_000
    assert payload["nations"]["GBR"]["personnel_over_horizon"] == 256_000
    assert payload["nations"]["GBR"]["steady_state_pool"] == 320_000
    text = cli("sustain", str(path), "--months", "24")
    assert "256,000" in text.stdout


# -- headquarters as load -------------------------------------------------------------


def uk(**fields: object) -> Nation:
    data: dict[str, object] = {
        "id": "GBR",
        "name": "UK",
        "active_personnel": 1,
        "land_personnel": 40_000,  # pool 20,000 at 0.5, ceiling 4,000 at ratio 5
    }
    data.update(fields)
    return Nation.model_validate(data)


def test_an_hq_taken_over_later_makes_a_sustainable_pledge_fail() -> None:
    alone = sustain_nation(uk(), 4_000)
    assert alone.sustainable and alone.steady_state_pool == 20_000
    hq = HeadquartersLoad("hq", 13, None, 1_000)
    led = sustain_nation(uk(), 4_000, headquarters=[hq])
    assert [led.load(m) for m in (1, 12, 13, 36)] == [4_000, 4_000, 5_000, 5_000]
    # tours 4,000, 4,000, 5,000, 5,000 need 18,000; a fifth (5,000) would need 23,000
    assert led.fails_at_month == 24
    assert led.peak_load == 5_000 and led.headroom == -1_000
    assert led.steady_state_pool == 25_000
    assert led.draw_down_needed == pytest.approx(1_000)
    assert [led.deployed(m) for m in (24, 25)] == [5_000, 4_000]


def test_an_hq_handed_over_leaves_the_first_lead() -> None:
    fra = sustain_nation(uk(id="FRA"), 3_000, headquarters=[HeadquartersLoad("hq", 1, 12, 800)])
    assert [fra.load(m) for m in (1, 12, 13)] == [3_800, 3_800, 3_000]
    assert fra.personnel_over_horizon(36) == 2 * 3_800 + 3 * 3_000 + 0  # tours 1-5 window


def builtin_sustain(scenario: str | None, months: int = 36) -> dict[str, Any]:
    result = cli(
        "sustain", *(["-s", scenario] if scenario else []), "--months", str(months), "--json"
    )
    assert result.code == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_builtin_force_hq_moves_from_france_to_the_uk_at_month_13() -> None:
    payload = builtin_sustain("ceasefire-only")
    gbr, fra = payload["nations"]["GBR"], payload["nations"]["FRA"]
    # the forward HQ in Kyiv (300) is British from month 1; the force HQ (800) is French
    # for months 1-12 and British from month 13
    assert [gbr["load"][m - 1] for m in (1, 12, 13, 36)] == [5_300, 5_300, 6_100, 6_100]
    assert [fra["load"][m - 1] for m in (1, 12, 13, 36)] == [6_200, 6_200, 5_400, 5_400]
    assert gbr["pledged"] == 5_000 and fra["pledged"] == 5_400  # HQ pledges aside
    assert {h["hq"] for h in gbr["headquarters"]} == {"mnf-u-hq-london", "mnf-u-forward-hq-kyiv"}
    assert [h["hq"] for h in fra["headquarters"]] == ["mnf-u-hq-paris"]
    # counted once: the coalition's load is the land and joint personnel every month
    assert set(payload["coalition"]["load"]) == {12_700}
    assert payload["warnings"] == []


def test_builtin_uk_at_month_13_with_and_without_the_hq() -> None:
    payload = builtin_sustain(None)
    (handover,) = payload["handovers"]
    assert (handover["hq"], handover["lead"], handover["month"], handover["staff"]) == (
        "mnf-u-hq-london",
        "GBR",
        13,
        800,
    )
    with_hq, without = handover["with_hq"], handover["without_hq"]
    # the UK's second tranche is withdrawn since 22 Feb 2026 (docs/history-data.md): the
    # brigade (5,000) and the forward HQ (300) = 5,300, plus the HQ's 800 staff = 6,100;
    # both still deploy in month 13, but the pool runs 2,228 (1,428 without the HQ) short
    # of the sustainable level, and the rotation fails in month 18 either way
    assert with_hq["load"] == 6_100 and without["load"] == 5_300
    assert with_hq["deployed"] == 6_100 and without["deployed"] == 5_300
    assert with_hq["short"] == without["short"] == 0
    assert with_hq["headroom"] == pytest.approx(-2_228)
    assert without["headroom"] == pytest.approx(-1_428)
    assert with_hq["fails_at_month"] == without["fails_at_month"] == 18
    text = cli("sustain")
    assert text.code == 0
    assert "takes over" in text.stdout and "without" in text.stdout
    assert "2,228" in text.stdout and "1,428" in text.stdout


def hq_workspace(**hq: object) -> dict[str, Any]:
    return {
        "capabilities": [
            {"id": "bde", "name": "Brigade", "domain": "land", "personnel": 1_000},
            {"id": "force_hq", "name": "Force HQ", "domain": "joint", "personnel": 800},
        ],
        "conditions": [{"id": "ceasefire", "description": "A ceasefire holds", "probability": 0.5}],
        "nations": [
            {"id": "FRA", "name": "France", "active_personnel": 1, "land_personnel": 100_000},
            {"id": "GBR", "name": "UK", "active_personnel": 1, "land_personnel": 100_000},
        ],
        "pledges": [
            {"id": "f", "nation": "FRA", "capability": "bde", "quantity": 2},
            {
                "id": "hq",
                "nation": "FRA",
                "capability": "force_hq",
                "quantity": 1,
                "requires": "ceasefire",
            },
        ],
        "scenarios": [
            {"id": "cf", "name": "Ceasefire", "assume": {"ceasefire": True}},
            {"id": "war", "name": "War", "assume": {"ceasefire": False}},
        ],
        "headquarters": [
            {"id": "paris", "name": "HQ", "location": "Paris", "lead": "FRA", "to_month": 12, **hq},
            {
                "id": "london",
                "name": "HQ",
                "location": "London",
                "lead": "GBR",
                "from_month": 13,
                **hq,
            },
        ],
    }


def test_hq_stood_up_only_when_a_pledge_of_its_capability_is_active() -> None:
    ws = forcegen.build_workspace(hq_workspace(capability="force_hq"))
    peace = sustainment(ws, "cf")
    assert peace.nations["FRA"].load(1) == 2_800 and peace.nations["GBR"].load(13) == 800
    assert [h.stood_up for h in peace.headquarters] == [True, True]
    war = sustainment(ws, "war")
    assert war.nations["FRA"].load(1) == 2_000 and "GBR" not in war.nations
    assert [h.stood_up for h in war.headquarters] == [False, False]
    assert war.handovers == ()


def test_hq_personnel_overrides_the_capability_and_a_mismatch_is_noted() -> None:
    ws = forcegen.build_workspace(hq_workspace(capability="force_hq", personnel=500))
    result = sustainment(ws, "cf")
    assert result.nations["FRA"].load(1) == 2_500
    assert any("pledges of force_hq add up to 800" in w for w in result.warnings)


def test_hq_with_personnel_only_loads_its_lead_whenever_a_force_is_active() -> None:
    ws = forcegen.build_workspace(hq_workspace(personnel=400))
    result = sustainment(ws, "war")  # the HQ pledge is off, the brigade is on
    assert result.nations["FRA"].load(1) == 2_400 and result.nations["GBR"].load(13) == 400


def test_unknown_hq_capability_is_an_error_with_file_line_and_field(tmp_path: Path) -> None:
    data = hq_workspace(capability="force_hqq")
    path = tmp_path / "ws.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        forcegen.load_workspace(path)
    paths = {i.path for i in info.value.issues}
    assert ("headquarters", 0, "capability") in paths
    issue = next(i for i in info.value.issues if i.path == ("headquarters", 0, "capability"))
    assert issue.line is not None and issue.hint == "did you mean 'force_hq'?"


# -- the defaults block ---------------------------------------------------------------


def small_data(**defaults: object) -> dict[str, Any]:
    data: dict[str, Any] = {
        "capabilities": [{"id": "bn", "name": "B", "domain": "land", "personnel": 1_000}],
        "nations": [
            {"id": "GBR", "name": "UK", "active_personnel": 1, "land_personnel": 20_000},
            {
                "id": "FRA",
                "name": "France",
                "active_personnel": 1,
                "land_personnel": 20_000,
                "rotation_ratio": 3,
            },
        ],
        "pledges": [
            {"id": "g", "nation": "GBR", "capability": "bn", "quantity": 1},
            {"id": "f", "nation": "FRA", "capability": "bn", "quantity": 1},
        ],
    }
    if defaults:
        data["defaults"] = defaults
    return data


def test_defaults_apply_to_nations_without_their_own_figures() -> None:
    built_in = sustainment(forcegen.build_workspace(small_data()))
    assert built_in.nations["GBR"].rotation_ratio == 5 and built_in.nations["GBR"].pool == 10_000
    ws = forcegen.build_workspace(
        small_data(deployable_fraction=0.4, rotation_ratio=4, tour_months=4, basis="assumption")
    )
    result = sustainment(ws, months=24)
    gbr, fra = result.nations["GBR"], result.nations["FRA"]
    assert (gbr.pool, gbr.rotation_ratio, gbr.tour_months) == (8_000, 4, 4)
    assert gbr.from_defaults == ("deployable_fraction", "rotation_ratio", "tour_months")
    assert fra.rotation_ratio == 3  # the nation's own figure wins
    assert fra.from_defaults == ("deployable_fraction", "tour_months")
    # 24 months of 4-month tours = 6 tours; GBR reuses after 4, FRA after 3
    assert gbr.personnel_over_horizon(24) == 4_000 and fra.personnel_over_horizon(24) == 3_000
    payload = result.to_json()
    assert payload["defaults"] == {
        "deployable_fraction": 0.4,
        "rotation_ratio": 4,
        "tour_months": 4,
        "given": ["deployable_fraction", "rotation_ratio", "tour_months"],
    }
    assert payload["nations"]["FRA"]["from_defaults"] == ["deployable_fraction", "tour_months"]


def test_a_default_left_out_of_the_block_is_the_built_in_one() -> None:
    ws = forcegen.build_workspace(small_data(rotation_ratio=4, basis="assumption"))
    assert ws.defaults.given == ("rotation_ratio",)
    assert ws.defaults.tour_months == Defaults().tour_months == 6


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("deployable_fraction", 1.5, "less than or equal to 1"),
        ("rotation_ratio", 0.5, "greater than or equal to 1"),
        ("tour_months", 0, "greater than 0"),
        ("tour_months", "six", "whole number"),
    ],
)
def test_invalid_defaults_name_file_line_and_field(
    tmp_path: Path, field: str, value: object, fragment: str
) -> None:
    path = tmp_path / "defaults.yaml"
    defaults = {"deployable_fraction": 0.5, "rotation_ratio": 5, "tour_months": 6}
    defaults[field] = value  # type: ignore[assignment]
    path.write_text(yaml.safe_dump({"defaults": defaults}), encoding="utf-8")
    (tmp_path / "rest.yaml").write_text(yaml.safe_dump(small_data()), encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        forcegen.load_workspace(tmp_path)
    (issue,) = info.value.issues
    assert issue.path == ("defaults", field)
    assert issue.file == str(path) and issue.line is not None
    assert fragment in f"{issue.message} {issue.expected}"
    result = cli("validate", str(tmp_path))
    assert result.code == 2 and f"defaults.{field}" in result.stderr
    assert "defaults.yaml:" in result.stderr


def test_defaults_must_be_a_mapping_and_unknown_fields_are_refused() -> None:
    with pytest.raises(WorkspaceError) as info:
        forcegen.build_workspace({**small_data(), "defaults": [0.5]})
    assert info.value.issues[0].path == ("defaults",)
    with pytest.raises(WorkspaceError) as info:
        forcegen.build_workspace(small_data(rotation=4))
    assert info.value.issues[0].path == ("defaults", "rotation")
    assert info.value.issues[0].hint == "did you mean 'rotation_ratio'?"


def test_an_unsourced_default_is_a_provenance_warning() -> None:
    ws = forcegen.build_workspace(small_data(rotation_ratio=4))
    assert [w.path for w in ws.warnings if w.path[0] == "defaults"] == [
        ("defaults", "rotation_ratio")
    ]
    sourced = forcegen.build_workspace(small_data(rotation_ratio=4, basis="assumption"))
    assert [w.path for w in sourced.warnings if w.path[0] == "defaults"] == []


def test_builtin_defaults_are_sourced_or_assumptions_and_init_writes_them(
    builtin: forcegen.Workspace, tmp_path: Path
) -> None:
    d = builtin.defaults
    assert d.given == ("deployable_fraction", "rotation_ratio", "tour_months")
    assert d.unsourced_figures() == []
    assert d.is_assumption("deployable_fraction")
    assert not d.is_assumption("rotation_ratio")
    result = cli("init", str(tmp_path / "ws"))
    assert result.code == 0, result.stderr
    assert (tmp_path / "ws" / "defaults.yaml").is_file()
    assert forcegen.load_workspace(tmp_path / "ws").defaults == d


def test_schema_knows_the_defaults_block_and_hq_links() -> None:
    schema = forcegen.workspace_json_schema()
    assert "defaults" in schema["properties"]
    fields = schema["$defs"]["Defaults"]["properties"]
    assert set(fields) >= {"deployable_fraction", "rotation_ratio", "tour_months"}
    assert {"capability", "personnel"} <= set(schema["$defs"]["Headquarters"]["properties"])
    text = cli("schema")
    assert "### `defaults`: Defaults" in text.stdout


# -- what sustain counts, against run -------------------------------------------------


def test_sustain_states_runs_total_and_what_it_leaves_out(builtin: forcegen.Workspace) -> None:
    run = forcegen.evaluate(builtin, "ceasefire-only")
    scope = sustainment(builtin, "ceasefire-only").scope
    assert scope.active_personnel == run.personnel == 13_590
    assert scope.counted == 12_700
    assert scope.counted + sum(scope.left_out.values()) == scope.active_personnel
    assert scope.left_out == {"air": 250, "maritime": 640}
    assert scope.headquarters_pledges == 1_100
    text = cli("sustain", "-s", "ceasefire-only")
    line = " ".join(text.stdout.split())
    assert "counts 12,700 of the 13,590 active personnel" in line
    assert "air units (250) and maritime units (640) are left out" in line
    payload = builtin_sustain("ceasefire-only")
    assert payload["scope"]["active_personnel"] == 13_590
    assert payload["scope"]["left_out"] == {"air": 250, "maritime": 640}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("scenario", [None, "ceasefire-only"])
def test_report_fits_the_width_without_splitting_words(
    builtin: forcegen.Workspace, width: int, scenario: str | None
) -> None:
    result = sustainment(builtin, scenario)
    for renderable in sustain_renderables(builtin, result):
        text = render(renderable, width)
        assert too_wide(text, width) == []
        rows = getattr(renderable, "rows", [])
        words = {w for row in rows for cell in row for w in str(cell).split()}
        assert split_words(text, words) == []
    full = "".join(render(r, width) for r in sustain_renderables(builtin, result))
    assert "GBR" not in full  # readable names in tables, ids in --json only


def test_json_doc_lists_the_sustain_keys_produced() -> None:
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "json.md").read_text(encoding="utf-8")
    section = doc.split("## `forcegen sustain --json`")[1].split("\n## ")[0]
    documented = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))  # type: ignore[union-attr]
    produced = builtin_sustain("ceasefire-only")
    assert list(documented) == list(produced)
    for key in ("scope", "defaults", "coalition"):
        assert list(documented[key]) == list(produced[key]), key
    assert list(documented["nations"]["GBR"]) == list(produced["nations"]["GBR"])
    assert list(documented["headquarters"][0]) == list(produced["headquarters"][0])
    assert list(documented["handovers"][0]) == list(produced["handovers"][0])
    gbr = produced["nations"]["GBR"]
    for key in ("pledged", "peak_load", "steady_state_pool", "personnel_over_horizon"):
        assert documented["nations"]["GBR"][key] == gbr[key], key
    for key in ("at_horizon", "personnel_over_horizon"):
        assert documented["coalition"][key] == produced["coalition"][key], key
    assert documented["handovers"] == produced["handovers"]


def test_a_handover_needs_another_nation_to_have_led_the_same_hq() -> None:
    data = hq_workspace(capability="force_hq")
    ws = forcegen.build_workspace(data)
    (handover,) = sustainment(ws, "cf").handovers
    assert (handover.lead, handover.month) == ("GBR", 13)
    assert handover.with_hq.load == 800 and handover.without_hq.load == 0
    data["headquarters"][1]["lead"] = "FRA"  # France carries on: no change of lead
    assert sustainment(forcegen.build_workspace(data), "cf").handovers == ()
    # without a capability, records of the same name are the same headquarters
    named = hq_workspace(personnel=400)
    result = sustainment(forcegen.build_workspace(named), "cf")
    assert [(h.lead, h.month, h.staff) for h in result.handovers] == [("GBR", 13, 400)]
    named["headquarters"][1]["name"] = "Another HQ"
    assert sustainment(forcegen.build_workspace(named), "cf").handovers == ()


@pytest.mark.parametrize("first", ["GBR", "FRA"])
def test_nations_with_equal_loads_keep_the_order_of_their_pledges(first: str) -> None:
    data = small_data()
    data["nations"][1].pop("rotation_ratio")
    if first == "FRA":
        data["pledges"].reverse()
    order = list(sustainment(forcegen.build_workspace(data)).nations)
    assert order == ([first, "FRA" if first == "GBR" else "GBR"])
