"""The probability model of the conditions under a scenario, ready to sample.

Conditions the scenario fixes are held; the others ("free") are drawn in dependency
order, each with probability ``p`` when its ``given`` rule holds, else ``otherwise``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from forcegen.errors import ForcegenError, UnknownIdError
from forcegen.limits import MAX_FREE_CONDITIONS
from forcegen.model.conditions import ConditionalProbability
from forcegen.model.workspace import Workspace


@dataclass(frozen=True)
class Rule:
    """How one free condition is drawn: P(true) = ``p`` if every ``given`` holds, else
    ``otherwise`` (both [0-1]); a plain probability has no ``given`` and p == otherwise."""

    condition: str
    p: float
    otherwise: float
    given: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class ConditionModel:
    """Free conditions in dependency order with their rules; fixed ones with their value."""

    conditions: tuple[str, ...]
    """Every condition id, in workspace order."""
    rules: tuple[Rule, ...]
    """One rule per free condition, in dependency order (the sampling column order)."""
    fixed: Mapping[str, bool]

    @property
    def free(self) -> tuple[str, ...]:
        """Free condition ids, in dependency order."""
        return tuple(rule.condition for rule in self.rules)

    def column(self, condition: str) -> int:
        """Sampling column (bit position) of a free condition."""
        return self.free.index(condition)


def condition_model(
    workspace: Workspace,
    assume: Mapping[str, bool] | None = None,
    probabilities: Mapping[str, float] | None = None,
) -> ConditionModel:
    """Build the model for a scenario's ``assume`` map.

    ``probabilities`` overrides P(true) of some conditions [0-1] (used by sweeps): for a
    plain probability it replaces it; for a conditional one it replaces ``p``, the
    probability when the ``given`` rule holds, and keeps ``otherwise``.
    """
    assume = dict(assume or {})
    probabilities = dict(probabilities or {})
    for cid in (*assume, *probabilities):
        if cid not in workspace.conditions:
            raise UnknownIdError("condition", cid, workspace.conditions)
    for cid, value in probabilities.items():
        if not 0.0 <= value <= 1.0:
            raise ForcegenError(f"probability of '{cid}' is {value}; expected a number from 0 to 1")
    rules = []
    for cid in workspace.condition_order:
        if cid in assume:
            continue
        probability = workspace.conditions[cid].probability
        if isinstance(probability, ConditionalProbability):
            p = probabilities.get(cid, probability.p)
            rule = Rule(cid, p, probability.otherwise, tuple(probability.given.items()))
        else:
            p = probabilities.get(cid, probability)
            rule = Rule(cid, p, p)
        rules.append(rule)
    if len(rules) > MAX_FREE_CONDITIONS:
        raise ForcegenError(
            f"{len(rules)} free conditions; at most {MAX_FREE_CONDITIONS} can be sampled "
            "(fix some in the scenario)"
        )
    return ConditionModel(
        conditions=tuple(workspace.conditions),
        rules=tuple(rules),
        fixed={c: bool(v) for c, v in assume.items()},
    )
