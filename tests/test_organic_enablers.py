"""Organic enablers (``includes``), ``offered`` and line status, and the personnel fill:
hand-computed cases through fill_requirement, fill_batch, source_requirement and the
Monte Carlo (issue 12, points 1 and 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from benchmarks.synthetic import synthetic_coalition

import forcegen
from forcegen.engine.sourcing.fill import LineStatus, fill_batch, fill_requirement
from forcegen.engine.sourcing.problem import build_problem, offered_units
from forcegen.engine.sourcing.source import source_requirement
from forcegen.errors import WorkspaceError
from forcegen.model.requirements import Requirement

NATIONS = [
    {"id": iso, "name": iso, "active_personnel": 100_000, "land_personnel": 50_000}
    for iso in ("GBR", "FRA", "USA")
]
ZONES = [{"id": z, "name": f"Zone {z}"} for z in ("west", "east")]


def caps(**includes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A brigade (5,000), a logistics battalion (600), a company (150), a medical unit
    (200) and a tanker (40); ``includes`` per capability id."""
    records = [
        {"id": "bde", "name": "Brigade", "domain": "land", "personnel": 5000},
        {"id": "log", "name": "Logistics battalion", "domain": "land", "personnel": 600},
        {"id": "coy", "name": "Company", "domain": "land", "personnel": 150},
        {"id": "med", "name": "Medical unit", "domain": "land", "personnel": 200},
        {"id": "tkr", "name": "Tanker", "domain": "air", "personnel": 40},
    ]
    for record in records:
        if record["id"] in includes:
            record["includes"] = includes[record["id"]]
    return records


def workspace(
    capabilities: list[dict[str, Any]],
    pledges: list[dict[str, Any]],
    lines: list[dict[str, Any]],
    **extra: Any,
) -> forcegen.Workspace:
    return forcegen.build_workspace(
        {
            "nations": NATIONS,
            "capabilities": capabilities,
            "zones": ZONES,
            "pledges": pledges,
            "requirements": [{"id": "r", "name": "R", "personnel": 6000, "lines": lines}],
            **extra,
        }
    )


BRIGADE_WITH_LOGISTICS = caps(bde=[{"capability": "log", "quantity": 0.5}])


def filled(ws: forcegen.Workspace, active: list[str] | None = None) -> list[float]:
    fill = fill_requirement(ws, ws.requirements["r"], active or list(ws.pledges))
    return [line.filled for line in fill.lines]


# -- organic enablers in the sourcing -------------------------------------------------


def test_a_brigade_brings_its_logistics_and_still_fills_its_own_line() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [{"id": "g", "nation": "GBR", "capability": "bde", "quantity": 2}],
        [{"capability": "bde", "quantity": 2}, {"capability": "log", "quantity": 1}],
    )
    assert filled(ws) == [2.0, 1.0]  # 2 brigades x 0.5 battalion each
    fill = fill_requirement(ws, ws.requirements["r"], ["g"])
    assert fill.met
    assert fill.lines[1].organic == 1.0 and fill.lines[1].by_nation == {"GBR": 1.0}
    assert fill.lines[0].organic == 0.0


def test_without_includes_the_same_pledges_leave_the_enabler_line_empty() -> None:
    ws = workspace(
        caps(),
        [{"id": "g", "nation": "GBR", "capability": "bde", "quantity": 2}],
        [{"capability": "bde", "quantity": 2}, {"capability": "log", "quantity": 1}],
    )
    assert filled(ws) == [2.0, 0.0]
    problem = build_problem(ws, ws.requirements["r"], {"g": 2})
    assert [o.organic for o in problem.offers] == [False]


def test_organic_units_count_once_across_lines() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [{"id": "g", "nation": "GBR", "capability": "bde", "quantity": 2}],
        [
            {"capability": "log", "quantity": 1, "zone": "west"},
            {"capability": "log", "quantity": 1, "zone": "east"},
        ],
    )
    # one battalion in all: it fills one line, not both
    assert sum(filled(ws)) == pytest.approx(1.0)


def test_fractional_organic_units_fill_part_of_a_line() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [{"id": "g", "nation": "GBR", "capability": "bde", "quantity": 1}],
        [{"capability": "log", "quantity": 1}],
    )
    fill = fill_requirement(ws, ws.requirements["r"], ["g"])
    assert fill.lines[0].filled == 0.5 and not fill.met
    assert fill.lines[0].status is LineStatus.SHORT


def test_organic_offers_keep_the_pledges_zones_and_readiness() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [
            {"id": "w", "nation": "GBR", "capability": "bde", "quantity": 2, "zones": ["west"]},
            {
                "id": "late",
                "nation": "FRA",
                "capability": "bde",
                "quantity": 2,
                "readiness_days": 30,
            },
        ],
        [
            {"capability": "log", "quantity": 1, "zone": "east"},
            {"capability": "log", "quantity": 1, "zone": "east", "needed_by_day": 10},
        ],
    )
    # the west-only brigade's logistics cannot go east; the late one misses day 10
    assert filled(ws, ["w"]) == [0.0, 0.0]
    assert filled(ws, ["late"]) == [1.0, 0.0]


def test_organic_enablers_fill_lines_that_accept_them_as_substitutes() -> None:
    capabilities = caps(bde=[{"capability": "coy", "quantity": 3}])
    capabilities[3]["substitutes"] = [{"capability": "coy", "ratio": 2}]  # 2 coy = 1 med
    ws = workspace(
        capabilities,
        [{"id": "g", "nation": "GBR", "capability": "bde", "quantity": 1}],
        [{"capability": "med", "quantity": 2}],
    )
    assert filled(ws) == [1.5]  # 3 organic companies / ratio 2
    assert fill_requirement(ws, ws.requirements["r"], ["g"]).lines[0].offered == 1.5


def test_includes_go_one_level_only() -> None:
    ws = workspace(
        caps(
            bde=[{"capability": "log", "quantity": 1}],
            log=[{"capability": "med", "quantity": 1}],
        ),
        [{"id": "g", "nation": "GBR", "capability": "bde", "quantity": 1}],
        [{"capability": "log", "quantity": 1}, {"capability": "med", "quantity": 1}],
    )
    assert filled(ws) == [1.0, 0.0]  # the battalion's own medical unit is not followed
    assert offered_units(ws, ws.requirements["r"]) == (1.0, 0.0)


def test_firm_before_stated_applies_to_organic_offers() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [
            {"id": "s", "nation": "GBR", "capability": "bde", "quantity": 2},
            {"id": "f", "nation": "GBR", "capability": "bde", "quantity": 2, "status": "firm"},
        ],
        [{"capability": "log", "quantity": 1}],
    )
    fill = fill_requirement(ws, ws.requirements["r"], ["s", "f"])
    assert fill.lines[0].by_pledge == {"f": 1.0}


# -- offered and status ---------------------------------------------------------------


def test_offered_counts_every_pledge_not_withdrawn_whatever_its_condition() -> None:
    capabilities = caps(bde=[{"capability": "log", "quantity": 0.5}])
    capabilities[1]["substitutes"] = [{"capability": "coy", "ratio": 4}]
    ws = workspace(
        capabilities,
        [
            {"id": "g", "nation": "GBR", "capability": "bde", "quantity": 2, "requires": "deal"},
            {"id": "c", "nation": "FRA", "capability": "coy", "quantity": 2},
            {"id": "x", "nation": "FRA", "capability": "log", "quantity": 5, "status": "withdrawn"},
            {"id": "e", "nation": "USA", "capability": "log", "quantity": 3, "zones": ["east"]},
            {"id": "t", "nation": "USA", "capability": "tkr", "quantity": 1},
        ],
        [
            {"capability": "log", "quantity": 3, "zone": "west"},
            {"capability": "med", "quantity": 1},
            {"capability": "tkr", "quantity": 2},
        ],
        conditions=[{"id": "deal", "description": "A deal", "probability": 0.5}],
        scenarios=[{"id": "none", "name": "No deal"}],
    )
    assert offered_units(ws, ws.requirements["r"]) == (1.0 + 0.5, 0.0, 1.0)
    result = forcegen.evaluate(ws, "none")  # the brigade is not active: only "c" and "t"
    lines = result.requirements["r"].lines
    assert [line.filled for line in lines] == [0.5, 0.0, 1.0]
    assert [line.status for line in lines] == [
        LineStatus.SHORT,
        LineStatus.NOT_OFFERED,
        LineStatus.SHORT,
    ]
    payload = result.to_json()["requirements"]["r"]  # type: ignore[index]
    assert [line["status"] for line in payload["lines"]] == ["short", "not_offered", "short"]
    assert [line["offered"] for line in payload["lines"]] == [1.5, 0.0, 1.0]
    frame = result.lines_frame()
    assert list(frame["status"]) == ["short", "not_offered", "short"]
    assert [line.capability for line in result.requirements["r"].blocking] == [
        "log",
        "med",
        "tkr",
    ]


def test_status_met_when_filled() -> None:
    ws = workspace(
        caps(),
        [{"id": "t", "nation": "USA", "capability": "tkr", "quantity": 2}],
        [{"capability": "tkr", "quantity": 2}],
    )
    line = fill_requirement(ws, ws.requirements["r"], ["t"]).lines[0]
    assert line.status is LineStatus.MET and line.offered == 2.0
    assert fill_requirement(ws, ws.requirements["r"], []).lines[0].status is LineStatus.SHORT


# -- personnel fill -------------------------------------------------------------------


def test_personnel_fill_weights_each_line_by_its_capability() -> None:
    ws = workspace(
        caps(),
        [
            {"id": "g", "nation": "GBR", "capability": "bde", "quantity": 1},
            {"id": "t", "nation": "USA", "capability": "tkr", "quantity": 1, "personnel": 999},
        ],
        [{"capability": "bde", "quantity": 1}, {"capability": "tkr", "quantity": 4}],
    )
    fill = fill_requirement(ws, ws.requirements["r"], ["g", "t"])
    assert fill.fill_ratio == pytest.approx(2 / 5)  # units: a tanker weighs as a brigade
    # personnel: the line's capability per unit (40), not the pledge's own figure (999)
    assert fill.required_personnel == 5000 + 4 * 40
    assert fill.filled_personnel == 5000 + 40
    assert fill.personnel_fill == pytest.approx(5040 / 5160)
    only_tanker = fill_requirement(ws, ws.requirements["r"], ["t"])
    assert only_tanker.personnel_fill == pytest.approx(40 / 5160)
    payload = fill.to_json()
    assert payload["personnel_fill"] == fill.personnel_fill
    assert payload["required_personnel"] == 5160.0


def test_requirements_frame_has_the_personnel_fill(small: forcegen.Workspace) -> None:
    result = forcegen.evaluate(small, "full")
    frame = result.requirements_frame()
    for rid, fill in result.requirements.items():
        assert frame.loc[rid, "personnel_fill"] == fill.personnel_fill
        assert frame.loc[rid, "blocking_lines"] == len(fill.blocking)


# -- fill_batch agrees with one solve per row -----------------------------------------


def _one_solve_per_row(
    ws: forcegen.Workspace, requirement: Requirement, active: np.ndarray
) -> tuple[list[bool], list[float], list[float]]:
    ids = list(ws.pledges)
    met, ratio, personnel = [], [], []
    for row in active:
        fill = fill_requirement(ws, requirement, [ids[k] for k in np.flatnonzero(row)])
        met.append(fill.met)
        ratio.append(fill.fill_ratio)
        personnel.append(fill.personnel_fill)
    return met, ratio, personnel


@pytest.mark.parametrize("seed", range(4))
def test_fill_batch_with_includes_matches_fill_requirement(seed: int) -> None:
    data = synthetic_coalition(nations=5, units=40, lines=8, capabilities=6, zones=3, seed=seed)
    rng = np.random.default_rng(100 + seed)
    for i, cap in enumerate(data["capabilities"]):
        others = [j for j in range(len(data["capabilities"])) if j != i]
        picks = rng.choice(others, size=int(rng.integers(0, 3)), replace=False)
        cap["includes"] = [
            {"capability": f"c{j}", "quantity": float(rng.choice([0.25, 0.5, 1, 2]))} for j in picks
        ]
    ws = forcegen.build_workspace(data)
    active = rng.random((12, len(ws.pledges))) < 0.6
    for requirement in ws.requirements.values():
        met, ratio, personnel = fill_batch(ws, requirement, active, personnel=True)
        expected = _one_solve_per_row(ws, requirement, active)
        assert met.tolist() == expected[0]
        assert ratio.tolist() == pytest.approx(expected[1], abs=1e-6)
        assert personnel.tolist() == pytest.approx(expected[2], abs=1e-6)


def test_fill_batch_personnel_is_exactly_the_single_solve_on_the_builtin_dataset(
    builtin: forcegen.Workspace,
) -> None:
    rng = np.random.default_rng(3)
    active = rng.random((10, len(builtin.pledges))) < 0.6
    for requirement in builtin.requirements.values():
        met, ratio, personnel = fill_batch(builtin, requirement, active, personnel=True)
        plain = fill_batch(builtin, requirement, active)
        assert met.tolist() == plain[0].tolist() and ratio.tolist() == plain[1].tolist()
        expected = _one_solve_per_row(builtin, requirement, active)
        assert personnel.tolist() == expected[2]  # same arithmetic: bit for bit


def test_fill_batch_closed_form_counts_organic_units() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [
            {"id": "a", "nation": "GBR", "capability": "bde", "quantity": 2},
            {"id": "b", "nation": "FRA", "capability": "log", "quantity": 1},
        ],
        [{"capability": "log", "quantity": 2}],
    )
    active = np.array([[True, True], [True, False], [False, True], [False, False]])
    met, ratio, personnel = fill_batch(ws, ws.requirements["r"], active, personnel=True)
    assert met.tolist() == [True, False, False, False]
    assert ratio.tolist() == [1.0, 0.5, 0.5, 0.0]
    assert personnel.tolist() == [1.0, 0.5, 0.5, 0.0]


# -- force sourcing: unused, dependence, idle personnel -------------------------------


def test_source_keeps_organic_assignments_apart_and_reconciles_personnel() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [
            {"id": "g", "nation": "GBR", "capability": "bde", "quantity": 3},
            {"id": "c", "nation": "FRA", "capability": "coy", "quantity": 4},
        ],
        [{"capability": "bde", "quantity": 2}, {"capability": "log", "quantity": 1}],
    )
    result = source_requirement(ws, "r")
    assert [line.filled for line in result.fill.lines] == [2.0, 1.0]
    assert [(a.pledge, a.units) for a in result.assignments] == [("g", 2.0)]
    assert [(a.pledge, a.organic, a.units) for a in result.organic_assignments] == [
        ("g", "log", 1.0)
    ]
    # one brigade (5,000) is unassigned; 2 assigned brigades bring 1 battalion, which is
    # all the log line uses: the idle brigade serves no line; the companies serve none
    assert result.unused == {"g": 1.0}
    assert result.personnel == 3 * 5000 + 4 * 150
    assert result.idle_personnel == {"g": 5000, "c": 600}
    assert dict(result.idle_by_capability) == {"bde": 5000, "coy": 600}
    payload = result.to_json()
    assert payload["personnel"] == 15_600 and payload["idle_personnel"] == 5600
    assert payload["idle_personnel_by_capability"] == {"bde": 5000, "coy": 600}


def test_organic_enablers_of_idle_units_serve() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [{"id": "g", "nation": "GBR", "capability": "bde", "quantity": 2}],
        [{"capability": "log", "quantity": 1}],
    )
    result = source_requirement(ws, "r")
    assert result.assignments == () and result.unused == {}
    # the two brigades' battalion (600) serves; the rest of their 10,000 does not
    assert result.idle_personnel == {"g": 10_000 - 600}


def test_dependence_counts_organic_enablers() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [
            {"id": "u", "nation": "USA", "capability": "bde", "quantity": 2},
            {"id": "g", "nation": "GBR", "capability": "coy", "quantity": 1},
        ],
        [{"capability": "log", "quantity": 1}, {"capability": "coy", "quantity": 1}],
    )
    result = source_requirement(ws, "r", dependence_on="USA")
    log, coy = result.dependence
    assert log.only_that_nation and log.fill_lost == 1.0
    assert not coy.only_that_nation and coy.fill_lost == 0.0


# -- validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("includes", "fragment"),
    [
        ([{"capability": "bde", "quantity": 1}], "includes itself"),
        ([{"capability": "logz", "quantity": 1}], "unknown capability 'logz'"),
        ([{"capability": "log", "quantity": 0}], "greater than 0"),
    ],
)
def test_bad_includes_are_refused(includes: list[dict[str, Any]], fragment: str) -> None:
    with pytest.raises(WorkspaceError) as info:
        forcegen.build_workspace({"capabilities": caps(bde=includes)})
    issue = info.value.issues[0]
    assert fragment in issue.render()
    assert issue.path[:3] == ("capabilities", 0, "includes")


def test_bad_include_names_file_and_line(write_yaml: Callable[..., Path]) -> None:
    path = write_yaml(
        """
        capabilities:
          - id: bde
            name: Brigade
            domain: land
            personnel: 5000
            includes:
              - {capability: bde, quantity: 1}
          - {id: log, name: Logistics, domain: land, personnel: 600}
        """
    )
    with pytest.raises(WorkspaceError) as info:
        forcegen.load_workspace(path)
    issue = info.value.issues[0]
    assert issue.line == 7
    assert "capabilities[0].includes[0].capability" in issue.render()


# -- Monte Carlo ----------------------------------------------------------------------


def test_monte_carlo_p_headcount_and_fill_distributions_exact() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [
            {"id": "g", "nation": "GBR", "capability": "bde", "quantity": 1, "requires": "a"},
            {"id": "f", "nation": "FRA", "capability": "bde", "quantity": 1, "requires": "b"},
        ],
        [{"capability": "bde", "quantity": 1}, {"capability": "log", "quantity": 1}],
        conditions=[
            {"id": "a", "description": "A", "probability": 0.5},
            {"id": "b", "description": "B", "probability": 0.2},
        ],
    )
    result = forcegen.monte_carlo(ws, exact=True, sensitivity=False)
    option = result.options["r"]
    # personnel 0 (0.4), 5,000 (0.5 x 0.8 + 0.5 x 0.2 = 0.5), 10,000 (0.1); option 6,000
    assert option.personnel == 6000
    assert option.p_headcount is not None
    assert option.p_headcount.p == pytest.approx(0.1)
    # both brigades: bde line 1 + log line 1 (two halves): met
    assert option.p_met.p == pytest.approx(0.1)
    # one brigade: bde 1 (5,000) + log 0.5 (300) of 5,600 required personnel
    one = (5000 + 300) / 5600
    assert option.personnel_fill.mean == pytest.approx(0.5 * one + 0.1)
    assert option.fill_ratio.mean == pytest.approx(0.5 * 0.75 + 0.1)
    assert option.personnel_fill.p50 == pytest.approx(one)
    payload = result.to_json()["requirements"]["r"]  # type: ignore[index]
    assert payload["p_headcount"] == pytest.approx(0.1)
    assert payload["personnel_fill"]["p50"] == pytest.approx(one)
    assert payload["expected_personnel_fill"] == pytest.approx(0.5 * one + 0.1)
    frame = result.requirements_frame()
    assert frame.loc["r", "p_headcount"] == pytest.approx(0.1)
    assert frame.loc["r", "personnel_fill_p50"] == pytest.approx(one)


def test_monte_carlo_p_headcount_is_null_without_a_headline(small: forcegen.Workspace) -> None:
    assert all(r.personnel is None for r in small.requirements.values())
    result = forcegen.monte_carlo(small, exact=True, sensitivity=False)
    for rid in small.requirements:
        assert result.options[rid].p_headcount is None
        assert result.to_json()["requirements"][rid]["p_headcount"] is None  # type: ignore[index]
    assert result.requirements_frame()["p_headcount"].isna().all()


def test_organic_fill_flows_into_the_monte_carlo() -> None:
    ws = workspace(
        BRIGADE_WITH_LOGISTICS,
        [{"id": "g", "nation": "GBR", "capability": "bde", "quantity": 2, "requires": "a"}],
        [{"capability": "log", "quantity": 1}],
        conditions=[{"id": "a", "description": "A", "probability": 0.3}],
    )
    result = forcegen.monte_carlo(ws, exact=True, sensitivity=False)
    assert result.requirements["r"].p == pytest.approx(0.3)
    assert result.fill_ratio["r"] == pytest.approx(0.3)
