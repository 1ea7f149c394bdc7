"""Monte Carlo (and exact enumeration) over the political conditions of a scenario.

Pipeline: build the condition model -> draw and count patterns (or enumerate them)
-> evaluate each distinct pattern once -> summarise with the pattern weights ->
sensitivity of each free condition.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.activation import resolve_scenario, scenario_view
from forcegen.engine.odds.condition_model import ConditionModel, condition_model
from forcegen.engine.odds.distributed import KnownFills, distributed_outcomes
from forcegen.engine.odds.forcing import forced_sides, redrawn, table_ok_for
from forcegen.engine.odds.outcomes import PatternOutcomes, pattern_outcomes
from forcegen.engine.odds.sampling import (
    DEFAULT_CHUNK,
    PatternTable,
    Progress,
    check_draws,
    check_workers,
    enumerate_patterns,
    find_codes,
    pattern_values,
    sample_patterns,
)
from forcegen.engine.odds.shapley import (
    EXACT_MAX_CONDITIONS,
    SHARE_STDERR_TARGET,
    ShapleyEffects,
    shapley_effects,
)
from forcegen.engine.odds.statistics import (
    Distribution,
    Probability,
    distribution,
    fdot,
    first_order_share,
    probability,
)
from forcegen.engine.totals import checked_personnel
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Sensitivity:
    """One free condition forced true and forced false (others drawn as usual), and its
    share of the variance of personnel.

    Personnel [persons]; P(met) [0-1] by requirement id. ``variance_share`` is the
    first-order share Var(E[Y | X_i]) / Var(Y) [0-1]: with dependent conditions these
    overlap and do not add up to 1. ``shapley`` is the condition's Shapley effect as a
    share of Var(Y) [0-1] (:mod:`~forcegen.engine.odds.shapley`): the shares of all free
    conditions sum to 1 (all 0 when personnel does not vary); ``shapley_stderr`` is its
    standard error when estimated from random orders (0 when exact) and
    ``shapley_personnel_variance`` the effect itself [persons^2].
    """

    condition: str
    personnel_if_true: float
    personnel_if_false: float
    p_met_if_true: Mapping[str, float]
    p_met_if_false: Mapping[str, float]
    variance_share: float
    shapley: float
    shapley_stderr: float
    shapley_personnel_variance: float

    @property
    def swing_personnel(self) -> float:
        """Expected personnel forced true minus forced false [persons]."""
        return self.personnel_if_true - self.personnel_if_false

    @property
    def swing_p_met(self) -> dict[str, float]:
        """P(met) forced true minus forced false, by requirement [-1, 1]."""
        return {r: self.p_met_if_true[r] - self.p_met_if_false[r] for r in self.p_met_if_true}

    def to_json(self) -> dict[str, object]:
        """Documented JSON shape of one condition's sensitivity."""
        return {
            "swing_personnel": self.swing_personnel,
            "swing_p_met": self.swing_p_met,
            "variance_share": self.variance_share,
            "shapley": self.shapley,
            "shapley_stderr": self.shapley_stderr,
            "shapley_personnel_variance": self.shapley_personnel_variance,
            "personnel_if_true": self.personnel_if_true,
            "personnel_if_false": self.personnel_if_false,
        }


@dataclass(frozen=True)
class PatternSummary:
    """Distinct patterns (codes of the free conditions), their probability (observed share
    of draws, or exact) and the personnel each yields [persons]."""

    model: ConditionModel
    codes: NDArray[np.uint64]
    probability: NDArray[np.float64]
    personnel: NDArray[np.int64]


@dataclass(frozen=True)
class OptionOdds:
    """The odds of one force option (requirement).

    ``p_met``: P(every line filled). ``p_headcount``: P(active personnel >= the option's
    headline ``personnel``), None when the option gives no headline size.
    ``fill_ratio`` (filled / required units) and ``personnel_fill`` (filled / required
    personnel, lines weighted by their capability's personnel per unit) are
    distributions over the draws [0-1], with histograms over [0, 1].
    """

    name: str
    personnel: int | None
    """The option's headline size [persons], None when not given."""
    p_met: Probability
    p_headcount: Probability | None
    fill_ratio: Distribution
    personnel_fill: Distribution

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape of one option (docs/json.md)."""
        return {
            "p_met": self.p_met.p,
            "stderr": self.p_met.stderr,
            "expected_fill_ratio": self.fill_ratio.mean,
            "expected_personnel_fill": self.personnel_fill.mean,
            "personnel": self.personnel,
            "p_headcount": None if self.p_headcount is None else self.p_headcount.p,
            "p_headcount_stderr": None if self.p_headcount is None else self.p_headcount.stderr,
            "fill_ratio": self.fill_ratio.to_json(),
            "personnel_fill": self.personnel_fill.to_json(),
        }


@dataclass(frozen=True)
class MonteCarloResult:
    """The spread of the force that materialises and the odds of each force option."""

    scenario: str | None
    draws: int
    """Monte Carlo draws (0 for exact enumeration)."""
    seed: int
    exact: bool
    free: tuple[str, ...]
    fixed: Mapping[str, bool]
    personnel: Distribution
    by_nation: Mapping[str, Distribution]
    """Personnel by nation [persons], each with its histogram."""
    by_capability: Mapping[str, Distribution]
    """Personnel by capability [persons], each with its histogram."""
    by_capability_units: Mapping[str, float]
    """Expected active units by capability [units]."""
    requirements: Mapping[str, Probability]
    """P(met) of each requirement."""
    fill_ratio: Mapping[str, float]
    """Expected fill ratio of each requirement [0-1]."""
    options: Mapping[str, OptionOdds]
    """Each requirement's odds: P(met), P(headcount) and both fills' distributions."""
    pledges: Mapping[str, Probability]
    """P(active) of each pledge."""
    sensitivity: tuple[Sensitivity, ...]
    """Ranked by Shapley effect, largest first (ties: absolute personnel swing)."""
    patterns: PatternSummary
    """Each distinct pattern of the free conditions: probability and personnel."""
    shapley: ShapleyEffects | None = None
    """How the Shapley shares of ``sensitivity`` were computed (None without sensitivity)."""

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "draws": self.draws,
            "seed": self.seed,
            "exact": self.exact,
            "scenario": self.scenario,
            "free_conditions": list(self.free),
            "fixed_conditions": dict(self.fixed),
            "personnel": self.personnel.to_json(),
            "histogram": {
                "edges": list(self.personnel.edges),
                "probability": list(self.personnel.mass),
            },
            "by_nation": {k: v.to_json() for k, v in self.by_nation.items()},
            "by_capability": {k: v.to_json() for k, v in self.by_capability.items()},
            "by_capability_units": dict(self.by_capability_units),
            "requirements": {rid: option.to_json() for rid, option in self.options.items()},
            "pledges": {
                pid: {"p_active": v.p, "stderr": v.stderr} for pid, v in self.pledges.items()
            },
            "sensitivity": {s.condition: s.to_json() for s in self.sensitivity},
            "sensitivity_method": self.sensitivity_method(),
        }

    def sensitivity_method(self) -> dict[str, object] | None:
        """How the sensitivity shares were computed (None without sensitivity)."""
        if self.shapley is None:
            return None
        shapley = self.shapley
        return {
            "ranking": "shapley",
            "shapley": shapley.method,
            "permutations": shapley.permutations,
            "exact_max_conditions": EXACT_MAX_CONDITIONS,
            "stderr_target": SHARE_STDERR_TARGET,
            "personnel_variance": shapley.variance,
            "personnel_varies": shapley.varies,
            "distribution": (
                "exact probabilities of the condition patterns"
                if self.exact
                else f"empirical distribution of the {self.draws:,} draws"
            ),
            "note": shapley.describe()
            + "; value of a set S of conditions: Var(E[personnel | X_S]), so the effects "
            "sum to the variance of personnel, dependent conditions included. "
            "variance_share is the first-order share Var(E[personnel | X_i]) / Var(personnel), "
            "which overlaps between dependent conditions.",
        }

    def requirements_frame(self) -> pd.DataFrame:
        """By requirement: P(met) [0-1] and its standard error, expected fill ratio and
        personnel fill [0-1], the headline size [persons], P(headcount) [0-1] and its
        standard error (NaN without a headline size), and the 5/50/95 % quantiles of both
        fills [0-1]."""
        import pandas as pd

        rows = {}
        for r, option in self.options.items():
            head = option.p_headcount
            rows[r] = {
                "p_met": option.p_met.p,
                "stderr": option.p_met.stderr,
                "expected_fill_ratio": self.fill_ratio[r],
                "expected_personnel_fill": option.personnel_fill.mean,
                "personnel": float("nan") if option.personnel is None else option.personnel,
                "p_headcount": float("nan") if head is None else head.p,
                "p_headcount_stderr": float("nan") if head is None else head.stderr,
                **{
                    f"{which}_{q}": getattr(getattr(option, which), q)
                    for which in ("fill_ratio", "personnel_fill")
                    for q in ("p05", "p50", "p95")
                },
            }
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("requirement")

    def nations_frame(self) -> pd.DataFrame:
        """Personnel by nation [persons]: mean, stderr and quantiles."""
        import pandas as pd

        frame = pd.DataFrame({k: v.to_json() for k, v in self.by_nation.items()}).T
        return frame.rename_axis("nation").sort_values("mean", ascending=False, kind="stable")

    def sensitivity_frame(self) -> pd.DataFrame:
        """One row per free condition, ranked by Shapley effect: swings, first-order
        variance share and Shapley share."""
        import pandas as pd

        rows = []
        for s in self.sensitivity:
            row: dict[str, object] = {
                "condition": s.condition,
                "personnel_if_true": s.personnel_if_true,
                "personnel_if_false": s.personnel_if_false,
                "swing_personnel": s.swing_personnel,
                "variance_share": s.variance_share,
                "shapley": s.shapley,
                "shapley_stderr": s.shapley_stderr,
                "shapley_personnel_variance": s.shapley_personnel_variance,
            }
            row.update({f"swing_p_met[{r}]": v for r, v in s.swing_p_met.items()})
            rows.append(row)
        return pd.DataFrame(rows).set_index("condition") if rows else pd.DataFrame()

    def patterns_frame(self) -> pd.DataFrame:
        """Each distinct condition pattern: condition values, weight, personnel."""
        import pandas as pd

        p = self.patterns
        values = pattern_values(p.model, p.codes)
        columns: dict[str, object] = {
            c: np.broadcast_to(values[c], p.codes.shape) for c in p.model.conditions
        }
        columns["weight"] = p.probability
        columns["personnel"] = p.personnel
        return pd.DataFrame(columns)


def _assume(
    workspace: Workspace, scenario: str | Scenario | None
) -> tuple[str | None, dict[str, bool]]:
    resolved = resolve_scenario(workspace, scenario)
    if resolved is None:
        return None, {}
    return resolved.id, dict(resolved.assume)


class _Evaluator:
    """Pattern outcomes of a table's codes: in this process, or in chunks on the Dask
    ``client`` (:mod:`~forcegen.engine.odds.distributed`)."""

    def __init__(
        self,
        workspace: Workspace,
        model: ConditionModel,
        client: Any = None,
        progress: Progress | None = None,
    ) -> None:
        self.workspace = workspace
        self.model = model
        self.progress = progress
        self.cache: dict[Any, Any] = {}  # sourcing results, shared by every pass
        self.personnel = checked_personnel(workspace)
        self.client = client
        self.known = KnownFills()  # fills done on the cluster, shared by every pass

    def __call__(self, table: PatternTable, breakdown: bool = True) -> PatternOutcomes:
        return self.codes(table.codes, breakdown)

    def codes(self, codes: NDArray[np.uint64], breakdown: bool = True) -> PatternOutcomes:
        """Outcomes of the patterns ``codes``."""
        if self.client is not None:
            return distributed_outcomes(
                self.client,
                self.workspace,
                self.model,
                codes,
                self.personnel,
                breakdown,
                self.known,
                self.progress,
            )
        return pattern_outcomes(
            self.workspace,
            self.model,
            codes,
            self.cache,
            self.personnel,
            breakdown,
            progress=self.progress,
        )


def _outcomes_of(
    codes: NDArray[np.uint64],
    base_codes: NDArray[np.uint64],
    base: PatternOutcomes,
    evaluate: Callable[[NDArray[np.uint64]], PatternOutcomes],
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Personnel [persons] and met [codes x requirements] of the patterns ``codes`` (a
    forced pass): a pattern's outcome depends on that pattern alone, so those the base
    table has (``base_codes`` ascending, ``base`` their outcomes) are read from it and
    only the others are evaluated. The same figures, bit for bit, as evaluating every
    code; an exact enumeration's forced passes then evaluate nothing again."""
    found, known = find_codes(base_codes, codes)
    personnel = np.zeros(codes.shape[0], dtype=base.personnel.dtype)
    met = np.zeros((codes.shape[0], base.met.shape[1]), dtype=bool)
    personnel[known] = base.personnel[found[known]]
    met[known] = base.met[found[known]]
    if not known.all():
        extra = evaluate(codes[~known])
        personnel[~known] = extra.personnel
        met[~known] = extra.met
    return personnel, met


def _summaries(
    outcomes: PatternOutcomes, table: PatternTable, draws: int | None, upper: float
) -> tuple[
    Distribution,
    dict[str, Distribution],
    dict[str, Distribution],
    dict[str, float],
    dict[str, Probability],
    dict[str, Probability],
]:
    w, total = table.weights, table.total
    personnel = distribution(outcomes.personnel, w, total, draws, histogram=True, upper=upper)

    def per_column(
        values: np.ndarray, names: tuple[str, ...], uppers: np.ndarray
    ) -> dict[str, Distribution]:
        return {
            name: distribution(
                values[:, k], w, total, draws, histogram=True, upper=float(uppers[k])
            )
            for k, name in enumerate(names)
        }

    by_nation = per_column(outcomes.by_nation, outcomes.nations, outcomes.nation_pledged)
    by_capability_personnel = per_column(
        outcomes.by_capability_personnel, outcomes.capabilities, outcomes.capability_pledged
    )
    by_capability = {
        cap: float(fdot(w, outcomes.by_capability[:, k]) / total)
        for k, cap in enumerate(outcomes.capabilities)
    }
    requirements = {
        rid: probability(outcomes.met[:, r], w, total, draws)
        for r, rid in enumerate(outcomes.requirements)
    }
    pledges = {
        pid: probability(outcomes.active[:, k], w, total, draws)
        for k, pid in enumerate(outcomes.pledges)
    }
    return personnel, by_nation, by_capability_personnel, by_capability, requirements, pledges


def _options(
    workspace: Workspace, outcomes: PatternOutcomes, table: PatternTable, draws: int | None
) -> dict[str, OptionOdds]:
    """Each requirement's P(met), P(headcount) and fill distributions over ``table``."""
    w, total = table.weights, table.total
    options = {}
    for r, rid in enumerate(outcomes.requirements):
        requirement = workspace.requirements[rid]
        headcount = None
        if requirement.personnel is not None:
            enough = outcomes.personnel >= requirement.personnel
            headcount = probability(enough, w, total, draws)
        options[rid] = OptionOdds(
            name=requirement.name,
            personnel=requirement.personnel,
            p_met=probability(outcomes.met[:, r], w, total, draws),
            p_headcount=headcount,
            fill_ratio=distribution(
                outcomes.fill_ratio[:, r], w, total, draws, histogram=True, upper=1.0
            ),
            personnel_fill=distribution(
                outcomes.personnel_fill[:, r], w, total, draws, histogram=True, upper=1.0
            ),
        )
    return options


def monte_carlo(
    workspace: Workspace,
    scenario: str | Scenario | None = None,
    *,
    draws: int = 100_000,
    seed: int = 0,
    exact: bool = False,
    probabilities: Mapping[str, float] | None = None,
    sensitivity: bool = True,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    progress: Progress | None = None,
    client: Any = None,
    fill_progress: Progress | None = None,
) -> MonteCarloResult:
    """Sample (or, with ``exact``, enumerate) the free conditions of ``scenario``.

    ``scenario`` None leaves every condition free. ``probabilities`` overrides P(true)
    of some conditions (see :func:`~forcegen.engine.odds.condition_model.condition_model`).
    Bit-identical for the same workspace, scenario, seed and draws, whatever
    ``chunk_size``, ``workers`` and ``client``. Sensitivity forces each free condition
    true and false with the same random numbers for every other condition: worked out
    from the base pattern table where that is exact (:mod:`~forcegen.engine.odds.forcing`),
    else drawn again. ``client`` (a Dask client) evaluates the distinct patterns in chunks
    on its workers (:mod:`~forcegen.engine.odds.distributed`); None evaluates them here.
    ``progress(done, total)`` counts the draws of every pass [draws];
    ``fill_progress(done, total)`` the requirement fills of each batch of distinct
    patterns (the base table, then the forced cases): in this process the part fills
    left to the optimiser [part fills], the total known before the first
    (:func:`~forcegen.engine.odds.outcomes.requirement_fills`), on a cluster the
    patterns [patterns] as their chunks come back
    (:func:`~forcegen.engine.odds.distributed.distributed_fills`); each batch starts
    again from 0.
    ``draws`` and ``workers`` are checked against :data:`~forcegen.limits.MAX_DRAWS` and
    :data:`~forcegen.limits.MAX_WORKERS` before any work.
    """
    workspace, scenario = scenario_view(workspace, scenario)
    if not exact:
        draws = check_draws(draws)
    workers = check_workers(workers)
    scenario_id, assume = _assume(workspace, scenario)
    model = condition_model(workspace, assume, probabilities)
    evaluate = _Evaluator(workspace, model, client, fill_progress)
    # forced cases from the base table where exact (forcing.py); the others drawn again
    from_table = sensitivity and not exact and table_ok_for(draws, evaluate.personnel)
    redraw = [
        rule.condition
        for rule in model.rules
        if sensitivity and (not from_table or rule.condition in redrawn(model))
    ]
    passes = 1 + 2 * len(redraw)
    done_before = 0

    def table_for(forced: Mapping[str, bool] | None) -> PatternTable:
        nonlocal done_before
        if exact:
            return enumerate_patterns(model, forced)
        offset = done_before

        def report(done: int, _total: int) -> None:
            if progress is not None:
                progress(offset + done, draws * passes)

        table = sample_patterns(
            model,
            draws,
            seed,
            chunk_size=chunk_size,
            workers=workers,
            forced=forced,
            progress=report,
        )
        done_before += draws
        return table

    base = table_for(None)
    outcomes = evaluate(base)
    n = None if exact else draws
    upper = float(sum(evaluate.personnel.values()))
    personnel, by_nation, by_capability, units, requirements, pledges = _summaries(
        outcomes, base, n, upper
    )
    sensitivities: list[Sensitivity] = []
    shapley: ShapleyEffects | None = None
    if sensitivity:
        values = pattern_values(model, base.codes)
        shapley = shapley_effects(
            base.codes, outcomes.personnel, base.weights, model.free, seed=seed
        )
        shares, share_stderr = shapley.shares, shapley.share_stderr
        effects = dict(zip(shapley.conditions, shapley.effects, strict=True))
        derived = {}
        if from_table:
            derived = forced_sides(
                workspace,
                model,
                base,
                outcomes,
                evaluate.personnel,
                tuple(c for c in model.free if c not in redraw),
                lambda codes: evaluate.codes(codes, breakdown=False),
            )
        for rule in model.rules:
            sides = {}
            for forced_value in (True, False):
                side = derived.get((rule.condition, forced_value))
                if side is not None:
                    sides[forced_value] = (side.personnel, dict(side.p_met))
                    continue
                table = table_for({rule.condition: forced_value})
                forced_personnel, forced_met = _outcomes_of(
                    table.codes,
                    base.codes,
                    outcomes,
                    lambda codes: evaluate.codes(codes, breakdown=False),
                )
                mean = float(fdot(table.weights, forced_personnel) / table.total)
                p_met = {
                    rid: float(fdot(table.weights, forced_met[:, r]) / table.total)
                    for r, rid in enumerate(outcomes.requirements)
                }
                sides[forced_value] = (mean, p_met)
            indicator = np.asarray(values[rule.condition], dtype=bool)
            sensitivities.append(
                Sensitivity(
                    condition=rule.condition,
                    personnel_if_true=sides[True][0],
                    personnel_if_false=sides[False][0],
                    p_met_if_true=sides[True][1],
                    p_met_if_false=sides[False][1],
                    variance_share=first_order_share(
                        indicator, outcomes.personnel, base.weights, base.total
                    ),
                    shapley=shares[rule.condition],
                    shapley_stderr=share_stderr[rule.condition],
                    shapley_personnel_variance=effects[rule.condition],
                )
            )
        sensitivities.sort(
            key=lambda s: (
                -round(s.shapley, 12),
                -abs(s.swing_personnel),
                model.free.index(s.condition),
            )
        )
    options = _options(workspace, outcomes, base, n)
    patterns = PatternSummary(
        model=model,
        codes=base.codes,
        probability=base.weights / base.total,
        personnel=outcomes.personnel,
    )
    return MonteCarloResult(
        scenario=scenario_id,
        draws=0 if exact else draws,
        seed=seed,
        exact=exact,
        free=model.free,
        fixed=model.fixed,
        personnel=personnel,
        by_nation=by_nation,
        by_capability=by_capability,
        by_capability_units=units,
        requirements=requirements,
        fill_ratio={
            rid: float(fdot(base.weights, outcomes.fill_ratio[:, r]) / base.total)
            for r, rid in enumerate(outcomes.requirements)
        },
        options=options,
        pledges=pledges,
        sensitivity=tuple(sensitivities),
        patterns=patterns,
        shapley=shapley,
    )
