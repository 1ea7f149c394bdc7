"""The veto (troops hanging on each condition) is computed once per pledge expression,
vectorised over its own conditions, and gives exactly what flipping each condition and
re-evaluating every pledge gives."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import pytest

import forcegen
from forcegen.engine.activation import active_personnel
from forcegen.engine.evaluation.evaluate import evaluate
from forcegen.engine.evaluation.veto import BLOCK, veto
from forcegen.expressions import Expression


def straightforward_veto(ws: forcegen.Workspace, values: Mapping[str, bool]) -> dict[str, int]:
    """The definition: every pledge re-evaluated with each condition true, then false."""
    return {
        cid: active_personnel(ws, {**values, cid: True})
        - active_personnel(ws, {**values, cid: False})
        for cid in ws.conditions
    }


def random_expression(rng: random.Random, conditions: list[str], depth: int = 0) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        return rng.choice([*conditions, *conditions, "true", "false"])
    if roll < 0.5:
        return "not " + random_expression(rng, conditions, depth + 1)
    left = random_expression(rng, conditions, depth + 1)
    right = random_expression(rng, conditions, depth + 1)
    return f"({left} {rng.choice(['and', 'or'])} {right})"


def random_workspace(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    conditions = [f"c{i}" for i in range(rng.randint(1, 12))]
    pledges = []
    for i in range(rng.randint(1, 25)):
        pledge: dict[str, Any] = {
            "id": f"p{i}",
            "nation": rng.choice(["GBR", "FRA"]),
            "capability": "coy",
            "quantity": rng.randint(1, 9),
            "requires": random_expression(rng, conditions),
            "status": rng.choice(["stated", "firm", "withdrawn"]),
            "basis": "assumption",
        }
        if rng.random() < 0.3:
            pledge["personnel"] = rng.randint(1, 10_000_000)
        pledges.append(pledge)
    return {
        "conditions": [
            {"id": c, "description": c, "probability": 0.5, "basis": "assumption"}
            for c in conditions
        ],
        "capabilities": [
            {"id": "coy", "name": "Company", "domain": "land", "personnel": 150,
             "basis": "assumption"}
        ],
        "nations": [
            {"id": iso, "name": iso, "active_personnel": 1000, "land_personnel": 500,
             "basis": "assumption"}
            for iso in ("GBR", "FRA")
        ],
        "pledges": pledges,
        "scenarios": [
            {"id": f"s{k}", "name": f"S{k}",
             "assume": {c: rng.random() < 0.5 for c in conditions if rng.random() < 0.7}}
            for k in range(3)
        ],
    }  # fmt: skip


@pytest.mark.parametrize("seed", range(60))
def test_veto_matches_the_straightforward_method_on_random_workspaces(seed: int) -> None:
    ws = forcegen.build_workspace(random_workspace(seed))
    for scenario in ws.scenarios.values():
        result = evaluate(ws, scenario)
        assert dict(result.veto) == straightforward_veto(ws, result.values)
        assert list(result.veto) == list(ws.conditions)


def long_workspace(conditions: int, requires: list[str]) -> forcegen.Workspace:
    ids = [f"c{i}" for i in range(conditions)]
    data = {
        "conditions": [
            {"id": c, "description": c, "probability": 0.5, "basis": "assumption"} for c in ids
        ],
        "capabilities": [
            {"id": "coy", "name": "Co", "domain": "land", "personnel": 150, "basis": "assumption"}
        ],
        "nations": [
            {"id": "GBR", "name": "UK", "active_personnel": 10, "land_personnel": 5,
             "basis": "assumption"}
        ],
        "pledges": [
            {"id": f"p{i}", "nation": "GBR", "capability": "coy", "quantity": 1,
             "requires": text, "basis": "assumption"}
            for i, text in enumerate(requires)
        ],
    }  # fmt: skip
    return forcegen.build_workspace(data)


def test_veto_of_an_expression_with_more_conditions_than_one_block() -> None:
    n = 2 * BLOCK + 17
    ids = [f"c{i}" for i in range(n)]
    ws = long_workspace(n, [" and ".join(ids), " or ".join(ids), f"({ids[0]} or {ids[1]})"])
    every_true = dict.fromkeys(ids, True)
    expected = straightforward_veto(ws, every_true)
    assert veto(ws, every_true) == expected
    # 'and' of all: each condition carries p0 (150); 'or' of all: none alone matters
    assert expected["c0"] == 150 and expected[ids[-1]] == 150
    one_true = {**dict.fromkeys(ids, False), ids[5]: True}
    assert veto(ws, one_true) == straightforward_veto(ws, one_true)


def test_veto_evaluates_each_expression_once_not_once_per_condition(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = long_workspace(200, [f"c{i % 200} and not c{(i * 7) % 200}" for i in range(300)])
    calls = 0
    original = Expression.evaluate

    def counted(self: Expression, values: Mapping[str, Any]) -> Any:
        nonlocal calls
        calls += 1
        return original(self, values)

    monkeypatch.setattr(Expression, "evaluate", counted)
    veto(ws, dict.fromkeys(ws.conditions, True))
    assert calls == 300  # one per pledge; the straightforward method makes 2 x 200 x 300
