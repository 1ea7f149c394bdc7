"""Scenario evaluation on tests/data/small.yaml, every figure computed by hand.

Pledges: gbr-bde 5,000 (ceasefire, west); fra-bde 5,000 (ceasefire and backstop,
west/east); deu-bde 5,000 (ceasefire and backstop, poland); est-coy 2 x 150
(ceasefire and consent); gbr-ftr 300 (explicit personnel, ceasefire); fra-old withdrawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import forcegen
from forcegen.engine.activation import active_pledges
from forcegen.engine.sourcing.fill import fill_batch
from forcegen.errors import UnknownIdError
from forcegen.model import Requirement


def test_nothing_holds(small: forcegen.Workspace) -> None:
    result = forcegen.evaluate(small, "none")
    assert result.personnel == 0
    assert result.assumed_false == ("ceasefire", "consent", "backstop")
    assert result.veto == {"ceasefire": 5_300, "consent": 0, "backstop": 0}
    assert all(not fill.met and fill.fill_ratio == 0 for fill in result.requirements.values())


def test_ceasefire_only(small: forcegen.Workspace) -> None:
    result = forcegen.evaluate(small, "cf")
    assert result.active == ("gbr-bde", "gbr-ftr")
    assert result.personnel == 5_300
    assert result.by_nation == {"GBR": 5_300, "FRA": 0, "DEU": 0, "EST": 0}
    assert result.by_capability == {"bde": 1.0, "coy": 0.0, "ftr": 1.0}
    assert result.assumed_false == ("consent", "backstop")
    # backstop would bring FRA and DEU brigades; consent the Estonian companies
    assert result.veto == {"ceasefire": 5_300, "consent": 300, "backstop": 10_000}
    assert result.biggest_veto == ("backstop", 10_000)
    option_a = result.requirements["opt-a"]
    assert [line.filled for line in option_a.lines] == [1.0, 0.0, 1.0]
    assert option_a.fill_ratio == pytest.approx(2 / 5)
    assert not option_a.met
    # GBR's brigade may only serve in the west: option B (east, poland) gets nothing
    assert result.requirements["opt-b"].fill_ratio == 0.0


def test_everything_holds(small: forcegen.Workspace) -> None:
    result = forcegen.evaluate(small, "full")
    assert result.personnel == 15_600
    assert result.assumed_false == ()
    option_a = result.requirements["opt-a"]
    assert option_a.met and option_a.fill_ratio == 1.0
    assert option_a.lines[0].by_nation == {"GBR": 1.0, "FRA": 1.0}
    assert option_a.lines[1].by_nation == {"EST": 2.0}
    option_b = result.requirements["opt-b"]
    assert option_b.met
    assert option_b.lines[0].by_nation == {"FRA": 1.0}  # only FRA may go east
    assert option_b.lines[1].by_nation == {"DEU": 1.0}
    assert result.veto == {"ceasefire": 15_600, "consent": 300, "backstop": 10_000}


def test_units_are_shared_across_lines_in_priority_order(small: forcegen.Workspace) -> None:
    # two west brigade lines: the priority-1 line is served first, the other gets the rest
    req = Requirement.model_validate(
        {
            "id": "two",
            "name": "Two lines",
            "lines": [
                {"capability": "bde", "quantity": 1, "zone": "west", "priority": 2},
                {"capability": "bde", "quantity": 2, "zone": "west", "priority": 1},
            ],
        }
    )
    active = active_pledges(small, {"ceasefire": True, "consent": False, "backstop": True})
    fill = forcegen.fill_requirement(small, req, active)
    assert [line.filled for line in fill.lines] == [0.0, 2.0]
    assert fill.fill_ratio == pytest.approx(2 / 3)


def test_withdrawn_pledges_never_count(small: forcegen.Workspace) -> None:
    result = forcegen.evaluate(small, "full")
    assert "fra-old" not in result.active
    assert "coy" in result.by_capability and result.by_capability["coy"] == 2.0


def test_dataframe_views(small: forcegen.Workspace) -> None:
    result = forcegen.evaluate(small, "cf")
    nations = result.nations_frame()
    assert isinstance(nations, pd.DataFrame)
    assert nations.loc["GBR", "personnel"] == 5_300
    assert result.capabilities_frame().loc["ftr", "personnel"] == 300
    assert result.requirements_frame().loc["opt-a", "fill_ratio"] == pytest.approx(0.4)
    assert result.lines_frame().loc[("opt-a", 1), "shortfall"] == 2.0
    veto = result.veto_frame()
    assert veto.index[0] == "backstop" and not veto.loc["backstop", "fixed_by_scenario"]
    pledges = small.pledges_frame()
    assert pledges.loc["gbr-ftr", "personnel"] == 300
    assert pledges.loc["est-coy", "personnel"] == 300


def test_evaluate_all_and_json_shape(small: forcegen.Workspace) -> None:
    results = forcegen.evaluate_all(small)
    assert list(results) == ["none", "cf", "full"]
    payload = results["cf"].to_json()
    assert set(payload) >= {"personnel", "by_nation", "by_capability", "requirements", "veto"}
    line = payload["requirements"]["opt-a"]["lines"][0]  # type: ignore[index]
    assert set(line) == {
        "capability",
        "zone",
        "priority",
        "required",
        "filled",
        "by_nation",
        "shortfall",
        "offered",
        "status",
        "filled_organic",
        "required_personnel",
        "filled_personnel",
    }


def test_unknown_scenario_lists_the_known_ones(small: forcegen.Workspace) -> None:
    with pytest.raises(UnknownIdError) as info:
        forcegen.evaluate(small, "ful")
    assert "did you mean 'full'" in str(info.value).lower()


def test_condition_order_follows_given_rules(small: forcegen.Workspace) -> None:
    order = small.condition_order
    assert order.index("ceasefire") < order.index("consent")


def test_zoned_lines_are_served_before_unzoned_lines_of_the_same_priority(
    small: forcegen.Workspace,
) -> None:
    # gbr-bde may only go west, deu-bde only to poland; an unzoned line listed first must
    # not take the one brigade that the west line can use
    req = Requirement.model_validate(
        {
            "id": "mix",
            "name": "Mixed",
            "lines": [
                {"capability": "bde", "quantity": 1},
                {"capability": "bde", "quantity": 1, "zone": "west"},
            ],
        }
    )
    fill = forcegen.fill_requirement(small, req, ["gbr-bde", "deu-bde"])
    assert fill.met
    assert fill.lines[0].by_nation == {"DEU": 1.0}
    assert fill.lines[1].by_nation == {"GBR": 1.0}


def test_frames_of_a_workspace_without_requirements(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ws.yaml"
    path.write_text(
        "conditions: [{id: c, description: d, probability: 0.5}]\nscenarios: [{id: s, name: S}]\n",
        encoding="utf-8",
    )
    result = forcegen.evaluate(forcegen.load_workspace(path), "s")
    assert result.requirements_frame().empty
    assert result.lines_frame().empty
    assert result.personnel == 0


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_batch_fill_equals_single_fill(builtin: forcegen.Workspace, data: st.DataObject) -> None:
    ws = builtin  # loaded once (a Workspace is frozen)
    ids = list(ws.pledges)
    rows = data.draw(
        st.lists(
            st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)), min_size=1, max_size=5
        )
    )
    active = np.array(rows, dtype=bool)
    for requirement in ws.requirements.values():
        met, ratio = fill_batch(ws, requirement, active)
        for r, row in enumerate(rows):
            single = forcegen.fill_requirement(
                ws, requirement, [pid for pid, on in zip(ids, row, strict=True) if on]
            )
            assert bool(met[r]) is single.met
            assert ratio[r] == pytest.approx(single.fill_ratio, abs=1e-6)


def test_fills_remembered_by_relevant_pledges_equal_fresh_solves() -> None:
    # the fill of a force option depends only on the active pledges that could fill it:
    # condition patterns that differ in other pledges share one solve, and give exactly
    # what a fresh solve gives
    import itertools

    import forcegen
    from forcegen.engine.sourcing import fill as fill_module

    ws = forcegen.load_builtin("mnf-ukraine")
    base = ws.scenarios["ceasefire-us-backstop"]
    conditions = ("ceasefire", "russian_consent", "us_backstop")
    patterns = []
    for states in itertools.product((True, False), repeat=len(conditions)):
        assume = {**base.assume, **dict(zip(conditions, states, strict=True))}
        patterns.append(base.model_copy(update={"id": "what-if", "assume": assume}))
    remembered = [forcegen.evaluate(ws, s).to_json() for s in patterns]
    solves = len(fill_module._memo[ws].fills)
    assert solves < len(patterns) * len(ws.requirements)  # shared: fewer solves than asks
    fresh = []
    for s in patterns:
        fill_module._memo.pop(ws, None)  # forget every fill: solve again
        fresh.append(forcegen.evaluate(ws, s).to_json())
    assert remembered == fresh
