"""Personnel and unit totals in the engines: exact at the documented bounds, refused
beyond them (never wrapped around in an int64, never overflowing to a crash)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pytest

import forcegen
from forcegen.engine.deployment.deploy import deploy
from forcegen.engine.evaluation.evaluate import evaluate
from forcegen.engine.evaluation.veto import veto
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.rotation.coalition import sustainment
from forcegen.engine.sourcing.source import source_requirement
from forcegen.engine.totals import check_units
from forcegen.errors import ForcegenError
from forcegen.limits import (
    MAX_PERSONNEL,
    MAX_QUANTITY,
    MAX_RECORDS,
    MAX_TOTAL_PERSONNEL,
    MAX_TOTAL_UNITS,
)

TEN_MILLION = 10_000_000
assert TEN_MILLION == MAX_PERSONNEL and MAX_QUANTITY == 100_000


def at_the_bounds() -> dict[str, Any]:
    """Four nations' pledges at 10,000,000 persons, two of them also at 100,000 units."""
    cap = {"domain": "land", "basis": "assumption"}
    nation = {"active_personnel": TEN_MILLION, "land_personnel": TEN_MILLION, "basis": "assumption"}
    return {
        "conditions": [
            {"id": "ceasefire", "description": "x", "probability": 0.5, "basis": "assumption"},
            {"id": "backstop", "description": "x", "probability": 0.25, "basis": "assumption"},
        ],
        "capabilities": [
            {"id": "coy", "name": "Company", "personnel": 100, **cap},  # 100,000 x 100
            {"id": "corps", "name": "Corps", "personnel": 50_000, **cap},
        ],
        "nations": [{"id": iso, "name": iso, **nation} for iso in ("GBR", "FRA", "DEU", "POL")],
        "pledges": [
            {"id": "gbr", "nation": "GBR", "capability": "coy", "quantity": MAX_QUANTITY,
             "requires": "ceasefire", "basis": "assumption"},
            {"id": "fra", "nation": "FRA", "capability": "coy", "quantity": MAX_QUANTITY,
             "requires": "ceasefire and backstop", "basis": "assumption"},
            {"id": "deu", "nation": "DEU", "capability": "corps", "quantity": 200,
             "requires": "backstop", "basis": "assumption"},
            {"id": "pol", "nation": "POL", "capability": "corps", "quantity": 7,
             "personnel": TEN_MILLION, "basis": "assumption"},
        ],
        "requirements": [
            {"id": "big", "name": "Big", "basis": "assumption",
             "lines": [{"capability": "coy", "quantity": MAX_QUANTITY, "priority": 1},
                       {"capability": "coy", "quantity": MAX_QUANTITY, "priority": 1}]},
        ],
        "scenarios": [
            {"id": "all", "name": "All", "assume": {"ceasefire": True, "backstop": True}},
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def bounds() -> forcegen.Workspace:
    return forcegen.build_workspace(at_the_bounds())


def test_pledges_at_the_bounds_add_up_exactly_in_evaluate(bounds: forcegen.Workspace) -> None:
    result = evaluate(bounds, "all")
    assert result.personnel == 4 * TEN_MILLION
    assert dict(result.by_nation) == dict.fromkeys(("GBR", "FRA", "DEU", "POL"), TEN_MILLION)
    assert dict(result.by_capability) == {"coy": 2.0 * MAX_QUANTITY, "corps": 207.0}
    assert dict(result.veto) == {"ceasefire": 2 * TEN_MILLION, "backstop": 2 * TEN_MILLION}
    fill = result.requirements["big"]
    assert (fill.filled_units, fill.met, fill.fill_ratio) == (2.0 * MAX_QUANTITY, True, 1.0)


def test_pledges_at_the_bounds_add_up_exactly_in_monte_carlo(bounds: forcegen.Workspace) -> None:
    result = monte_carlo(bounds, exact=True)
    # pol always; gbr with P .5; deu with P .25; fra with P .125 (dyadic: exact in floats)
    assert result.personnel.mean == TEN_MILLION * (1 + 0.5 + 0.25 + 0.125)
    assert sorted(int(p) for p in result.patterns.personnel) == [
        k * TEN_MILLION for k in (1, 2, 2, 4)
    ]
    assert result.personnel.edges[0] == 0.0 and result.personnel.edges[-1] == 4 * TEN_MILLION
    assert sum(result.personnel.mass) == 1.0
    assert result.personnel.mass[-1] == 0.125  # all four pledges: the top bin
    assert result.by_nation["FRA"].mean == 0.125 * TEN_MILLION
    drawn = monte_carlo(bounds, draws=10_000, seed=1, sensitivity=False)
    assert {int(p) for p in drawn.patterns.personnel} == {k * TEN_MILLION for k in (1, 2, 4)}


def test_pledges_at_the_bounds_add_up_exactly_in_sustainment_and_sourcing(
    bounds: forcegen.Workspace,
) -> None:
    result = sustainment(bounds, "all")
    assert {k: n.pledged for k, n in result.nations.items()} == dict.fromkeys(
        ("GBR", "FRA", "DEU", "POL"), TEN_MILLION
    )
    assert result.deployed[0] == sum(n.deployed(1) for n in result.nations.values())
    assert result.deployed[0] == 4.0 * 1_000_000  # each nation's ceiling: 10,000,000 x 0.5 / 5
    sourced = source_requirement(bounds, "big", "all")
    assert sourced.fill.filled_units == 2.0 * MAX_QUANTITY and sourced.fill.met
    assert {a.pledge: a.units for a in sourced.assignments} == {
        "gbr": MAX_QUANTITY,
        "fra": MAX_QUANTITY,
    }


def many(workspace: forcegen.Workspace, count: int, first: str) -> forcegen.Workspace:
    """``count`` copies of the pledge ``first`` (not re-validated: as an API user could
    assemble them)."""
    pledge = workspace.pledges[first]
    pledges = {f"p{i}": pledge.model_copy(update={"id": f"p{i}"}) for i in range(count)}
    requires = dict.fromkeys(pledges, workspace.requires[first])
    return dataclasses.replace(workspace, pledges=pledges, requires=requires, requirements={})


def test_max_records_pledges_at_max_personnel_total_exactly_the_limit(
    bounds: forcegen.Workspace,
) -> None:
    largest = many(bounds, MAX_RECORDS, "gbr")  # 100,000 units and 10,000,000 persons each
    total = MAX_RECORDS * TEN_MILLION
    assert total == MAX_TOTAL_PERSONNEL == 10**12
    assert check_units(largest) == MAX_TOTAL_UNITS == 10**10
    assert evaluate(largest, "all").personnel == total
    result = monte_carlo(largest, exact=True, sensitivity=False)
    assert sorted(int(p) for p in result.patterns.personnel) == [0, 0, total, total]
    assert result.personnel.mean == total / 2 and result.personnel.edges[-1] == total


def test_totals_beyond_the_limit_are_refused_not_wrapped(bounds: forcegen.Workspace) -> None:
    too_many = many(bounds, MAX_RECORDS + 1, "pol")  # 7 units and 10,000,000 persons each
    message = (
        r"^the pledges add up to 1,000,010,000,000 persons \(personnel of all pledges\), "
        r"over the limit of 1,000,000,000,000 persons"
    )
    for run in (
        lambda: evaluate(too_many, "all"),
        lambda: monte_carlo(too_many, exact=True),
        lambda: sustainment(too_many, "all"),
        lambda: veto(too_many, {"ceasefire": True, "backstop": True}),
    ):
        with pytest.raises(ForcegenError, match=message):
            run()
    too_many_units = dataclasses.replace(
        many(bounds, MAX_RECORDS + 1, "gbr"), requirements=bounds.requirements
    )
    with pytest.raises(ForcegenError, match=r"^the pledges add up to 10,000,100,000 units"):
        source_requirement(too_many_units, "big")


def with_pledge(workspace: forcegen.Workspace, pid: str, **update: Any) -> forcegen.Workspace:
    """The workspace with one pledge's fields changed, without validation."""
    pledges = dict(workspace.pledges)
    pledges[pid] = pledges[pid].model_copy(update=update)
    return dataclasses.replace(workspace, pledges=pledges)


@pytest.mark.parametrize(
    ("update", "message"),
    [
        (
            {"quantity": 1.0e308},
            "pledge 'gbr': quantity: 1e+308 is over the limit of 100,000 units",
        ),
        ({"quantity": float("inf")}, "pledge 'gbr': quantity: inf is over the limit"),
        (
            {"personnel": 2**63},
            "pledge 'gbr': personnel: 9,223,372,036,854,775,808 is over the limit of 10,000,000",
        ),
        (
            {"personnel": 5 * 10**18},
            "pledge 'gbr': personnel: 5,000,000,000,000,000,000 is over the limit of 10,000,000",
        ),
    ],
)
def test_figures_beyond_the_bounds_are_refused_by_every_engine_not_crashing(
    bounds: forcegen.Workspace, update: dict[str, Any], message: str
) -> None:
    bad = with_pledge(bounds, "gbr", **update)
    for run in (
        lambda: evaluate(bad, "all"),
        lambda: monte_carlo(bad, draws=100),
        lambda: sustainment(bad, "all"),
        lambda: deploy(bad),  # refused before the missing network is noticed
    ):
        with pytest.raises(ForcegenError, match="^" + re.escape(message)):
            run()
    if "quantity" in update:
        with pytest.raises(ForcegenError, match="^" + re.escape(message)):
            source_requirement(bad, "big", "all")


def test_a_strength_per_unit_too_large_for_a_float_is_refused(
    bounds: forcegen.Workspace,
) -> None:
    capabilities = dict(bounds.capabilities)
    capabilities["coy"] = capabilities["coy"].model_copy(update={"personnel": 10**400})
    bad = dataclasses.replace(bounds, capabilities=capabilities)
    with pytest.raises(ForcegenError, match=r"^pledge 'gbr': its personnel is not a finite number"):
        evaluate(bad, "all")


def test_pattern_sums_in_float64_blas_are_the_exact_integers() -> None:
    from forcegen.engine.odds.outcomes import ELEMENTS_AT_ONCE, _rows_times

    rng = np.random.default_rng(5)
    active = np.asfortranarray(rng.random((3 * ELEMENTS_AT_ONCE // 4000 + 7, 4000)) < 0.7)
    matrix = rng.integers(TEN_MILLION - 1000, TEN_MILLION + 1, size=(4000, 3), dtype=np.int64)
    matrix[:, 2] = TEN_MILLION  # every pledge at the bound
    # exact: integer arithmetic (NumPy's integer matmul uses no BLAS and no floats), and
    # no sum can wrap: 4,000 pledges of at most 10,000,000 are far below 2**63
    assert active.shape[1] * int(matrix.max()) < 2**63
    exact = active.astype(np.int64) @ matrix
    assert (_rows_times(active, matrix) == exact).all()
    assert _rows_times(active, matrix).dtype == np.int64
