"""Monte Carlo over the conditions as forcegen computed it at commit 08d13f7, kept ONLY as
the baseline ``python benchmarks/run.py montecarlo --conditions ...`` measures the engine
against in the same run (issue 17, point 3).

The requirement fill of each distinct pattern: one optimiser run per distinct set of the
active pledges that could serve a multi-line part of the requirement (all such parts in
one key), solved with the tie-break stages whenever a part has lines of one priority with
different personnel per unit; sensitivity redraws every draw twice per free condition.
Copied from ``forcegen/engine/sourcing/fill.py`` (``fill_batch``),
``forcegen/engine/odds/outcomes.py`` (``pattern_outcomes``) and
``forcegen/engine/odds/montecarlo.py`` (``monte_carlo``) as they stood at 08d13f7; only
the unchanged pieces (the optimiser, sampling, summaries and result types) are imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.activation import scenario_view
from forcegen.engine.odds.condition_model import ConditionModel, condition_model
from forcegen.engine.odds.montecarlo import (
    MonteCarloResult,
    PatternSummary,
    Sensitivity,
    _assume,
    _options,
    _summaries,
)
from forcegen.engine.odds.outcomes import PatternOutcomes
from forcegen.engine.odds.sampling import (
    DEFAULT_CHUNK,
    PatternTable,
    Progress,
    check_draws,
    check_workers,
    enumerate_patterns,
    pattern_values,
    sample_patterns,
)
from forcegen.engine.odds.shapley import ShapleyEffects, shapley_effects
from forcegen.engine.odds.statistics import fdot, first_order_share
from forcegen.engine.sourcing.problem import build_problem, relevant_pledges
from forcegen.engine.sourcing.solve import DIGITS, _components, solve
from forcegen.engine.tolerances import UNITS
from forcegen.engine.totals import checked_personnel
from forcegen.model.pledges import PledgeStatus
from forcegen.model.requirements import Requirement
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace


def fill_batch_baseline(
    workspace: Workspace,
    requirement: Requirement,
    active: NDArray[np.bool_],
    cache: dict[Any, Any] | None = None,
    *,
    personnel: bool = False,
) -> (
    tuple[NDArray[np.bool_], NDArray[np.float64]]
    | tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]
):
    """Met [rows] and fill ratio [rows, 0-1] for many sets of active pledges at once;
    with ``personnel``, also the personnel fill [rows, 0-1]
    (:attr:`RequirementFill.personnel_fill`, in the same arithmetic).

    ``active`` is [rows x pledges] in workspace order. A line that is alone in its part
    of the offer-line graph (no pledge that could fill it could fill another line) is
    filled in closed form, min(quantity, units of its active pledges / ratio), for every
    row at once when those terms are whole numbers (then exact in any order); the
    optimiser runs once per distinct set of the other pledges that could serve the
    requirement (and, through ``cache``, once per distinct independent part), never
    once per row. The numbers are those of :func:`fill_requirement`.
    """
    position = {pid: k for k, pid in enumerate(workspace.pledges)}
    ids = list(workspace.pledges)
    relevant = [position[pid] for pid in relevant_pledges(workspace, requirement)]
    required = np.array([line.quantity for line in requirement.lines])
    total = float(np.sum(required))
    weights = np.array(
        [workspace.capabilities[line.capability].personnel for line in requirement.lines],
        dtype=np.float64,
    )  # [persons/unit] per line
    required_personnel = float(np.sum(required * weights))
    n_rows = active.shape[0]
    if not relevant:
        met = np.full(n_rows, total == 0)
        ratio = np.full(n_rows, 0.0 if total else 1.0)
        if personnel:
            return met, ratio, np.full(n_rows, 0.0 if required_personnel else 1.0)
        return met, ratio
    whole = build_problem(
        workspace, requirement, {ids[k]: workspace.pledges[ids[k]].quantity for k in relevant}
    )
    column = {ids[k]: j for j, k in enumerate(relevant)}  # pledge -> column of relevant
    full = False  # solve with the tie-breaks: the per-line fill is then fill_requirement's
    closed: list[int] = []  # lines filled in closed form
    terms: list[NDArray[np.float64]] = []  # their units per relevant pledge [line units]
    solver_columns: list[int] = []  # relevant pledges that need the optimiser
    for lines, offers, edges in _components(whole):
        units = np.zeros(len(relevant))
        for e in edges:
            edge = whole.edges[e]
            units[column[whole.offers[edge.offer].pledge]] += (
                whole.offers[edge.offer].quantity / edge.ratio
            )
        if len(lines) == 1 and np.all(units == np.rint(units)) and units.sum() < 2.0**52:
            closed.append(lines[0])
            terms.append(units)
        else:
            solver_columns += [column[whole.offers[o].pledge] for o in offers]
            full = full or (personnel and _weights_tie(requirement, lines, weights))
    filled = np.zeros((n_rows, len(requirement.lines)))
    on_relevant = active[:, relevant]
    if closed:
        capacity = _bool_times(on_relevant, np.stack(terms, axis=1))
        values = np.minimum(capacity, required[closed])
        distinct, where = np.unique(values, return_inverse=True)
        filled[:, closed] = np.array([round(float(v), DIGITS) for v in distinct])[
            where.reshape(values.shape)
        ]
    if solver_columns:
        solver_columns.sort()
        by_solver = [line for line in range(len(requirement.lines)) if line not in set(closed)]
        keys, inverse = np.unique(on_relevant[:, solver_columns], axis=0, return_inverse=True)
        cache = cache if cache is not None else {}
        solved = np.zeros((keys.shape[0], len(requirement.lines)))
        for k, row in enumerate(keys):
            key = ("fill", requirement.id, full, np.packbits(row).tobytes())
            hit = cache.get(key)
            if hit is None:
                on = {
                    ids[relevant[solver_columns[j]]]: workspace.pledges[
                        ids[relevant[solver_columns[j]]]
                    ].quantity
                    for j in np.flatnonzero(row)
                }
                problem = build_problem(workspace, requirement, on)
                hit = np.array(solve(problem, full=full, cache=cache).filled)
                cache[key] = hit
            solved[k] = hit
        filled[:, by_solver] = solved[inverse.reshape(-1)][:, by_solver]
    distinct_rows, row_of = np.unique(filled, axis=0, return_inverse=True)
    met_of = np.all(distinct_rows >= required - UNITS, axis=1)
    ratio_of = np.array([float(np.sum(row)) / total if total else 1.0 for row in distinct_rows])
    row_of = row_of.reshape(-1)
    if personnel:
        personnel_of = np.array(
            [
                float(np.sum(row * weights)) / required_personnel if required_personnel else 1.0
                for row in distinct_rows
            ]
        )
        return met_of[row_of], ratio_of[row_of], personnel_of[row_of]
    return met_of[row_of], ratio_of[row_of]


def _weights_tie(requirement: Requirement, lines: list[int], weights: NDArray[np.float64]) -> bool:
    """True when lines of one priority in a part have different personnel per unit.

    The fill stages fix the units filled per priority, not how they are spread over the
    lines of one priority; the unit fill and "met" do not depend on the spread, the
    personnel fill does. Such a part is then solved with the tie-breaks, as
    :func:`fill_requirement` solves it, so that both give the same personnel fill.
    """
    seen: dict[int, float] = {}
    for n in lines:
        priority = requirement.lines[n].priority
        if seen.setdefault(priority, float(weights[n])) != float(weights[n]):
            return True
    return False


ELEMENTS_AT_ONCE = 1 << 22
"""Elements of a boolean matrix converted to float64 at once (32 MB)."""


def _bool_times(on: NDArray[np.bool_], matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """``on @ matrix`` in row blocks; exact when ``matrix`` holds whole numbers whose
    column sums are below 2**52."""
    out = np.zeros((on.shape[0], matrix.shape[1]))
    step = max(1, ELEMENTS_AT_ONCE // max(1, on.shape[1]))
    for start in range(0, on.shape[0], step):
        out[start : start + step] = on[start : start + step].astype(np.float64) @ matrix
    return out


def pattern_outcomes_baseline(
    workspace: Workspace,
    model: ConditionModel,
    codes: NDArray[np.uint64],
    cache: dict[Any, Any] | None = None,
    personnel: Mapping[str, int] | None = None,
    breakdown: bool = True,
) -> PatternOutcomes:
    """Evaluate every pattern in ``codes`` (vectorised over patterns).

    Without ``breakdown`` (sensitivity passes need only personnel and P(met)),
    ``by_nation``, ``by_capability`` and ``by_capability_personnel`` have no columns.

    ``personnel`` (pledge id -> [persons]) is :func:`~forcegen.engine.totals.checked_personnel`
    of the workspace (worked out when None): its total is checked, so that no sum below
    can wrap around in an int64 or lose precision in a float64.
    """
    if personnel is None:
        personnel = checked_personnel(workspace)
    values = pattern_values(model, codes)
    n = codes.shape[0]
    pledge_ids = tuple(workspace.pledges)
    # one contiguous column per pledge: written and read a pledge at a time
    active = np.zeros((n, len(pledge_ids)), dtype=bool, order="F")
    for k, pid in enumerate(pledge_ids):
        if workspace.pledges[pid].status is PledgeStatus.WITHDRAWN:
            continue
        active[:, k] = np.broadcast_to(workspace.requires[pid].evaluate(values), (n,))
    personnel_per_pledge = np.array([personnel[pid] for pid in pledge_ids], dtype=np.int64)
    nations = tuple(dict.fromkeys(p.nation for p in workspace.pledges.values()))
    capabilities = tuple(dict.fromkeys(p.capability for p in workspace.pledges.values()))
    nation_of = np.zeros((len(pledge_ids), len(nations)), dtype=np.int64)
    units_of = np.zeros((len(pledge_ids), len(capabilities)))
    capability_personnel_of = np.zeros((len(pledge_ids), len(capabilities)), dtype=np.int64)
    nation_column = {nation: j for j, nation in enumerate(nations)}
    capability_column = {capability: j for j, capability in enumerate(capabilities)}
    for k, pid in enumerate(pledge_ids):
        pledge = workspace.pledges[pid]
        nation_of[k, nation_column[pledge.nation]] = personnel_per_pledge[k]
        units_of[k, capability_column[pledge.capability]] = pledge.quantity
        capability_personnel_of[k, capability_column[pledge.capability]] = personnel_per_pledge[k]
    if not breakdown:
        nation_of = nation_of[:, :0]
        units_of = units_of[:, :0]
        capability_personnel_of = capability_personnel_of[:, :0]
    # every integer sum in one product: ``active`` is converted once
    n_nations = nation_of.shape[1]
    sums = _rows_times(
        active, np.hstack([personnel_per_pledge[:, None], nation_of, capability_personnel_of])
    )
    requirement_ids = tuple(workspace.requirements)
    met = np.zeros((n, len(requirement_ids)), dtype=bool)
    ratio = np.zeros((n, len(requirement_ids)))
    personnel_fill = np.zeros((n, len(requirement_ids)))
    for r, rid in enumerate(requirement_ids):
        met[:, r], ratio[:, r], personnel_fill[:, r] = fill_batch_baseline(
            workspace, workspace.requirements[rid], active, cache, personnel=True
        )
    return PatternOutcomes(
        codes=codes,
        pledges=pledge_ids,
        nations=nations,
        capabilities=capabilities,
        requirements=requirement_ids,
        active=active,
        personnel=sums[:, 0],
        by_nation=sums[:, 1 : 1 + n_nations],
        by_capability=_rows_times(active, units_of),
        by_capability_personnel=sums[:, 1 + n_nations :],
        nation_pledged=nation_of.sum(axis=0),
        capability_pledged=capability_personnel_of.sum(axis=0),
        met=met,
        fill_ratio=ratio,
        personnel_fill=personnel_fill,
    )


ROWS_AT_ONCE = 1 << 16
"""Patterns multiplied at once by a float matrix: bounds the temporary copy of ``active``."""


FLOAT_EXACT = 2.0**52
"""Integer sums below this are exact in float64 whatever the order of the additions."""


def _rows_times(active: NDArray[np.bool_], matrix: NDArray[Any]) -> NDArray[Any]:
    """``active @ matrix`` for a boolean ``active``, in row blocks (exact for integers).

    An integer matrix whose columns add up to less than :data:`FLOAT_EXACT` (always, under
    :data:`~forcegen.limits.MAX_TOTAL_PERSONNEL`) is multiplied in float64 (BLAS): every
    partial sum is a whole number below 2**53, so the result is the exact integer.
    """
    rows, columns = active.shape[0], matrix.shape[1]
    out = np.zeros((rows, columns), dtype=matrix.dtype)
    if columns == 0:
        return out
    if (
        matrix.dtype.kind in "iu"
        and float(np.abs(matrix.astype(np.float64)).sum(axis=0).max(initial=0.0)) < FLOAT_EXACT
    ):
        as_float = matrix.astype(np.float64)
        step = max(1, ELEMENTS_AT_ONCE // max(1, active.shape[1]))
        for start in range(0, rows, step):
            block = active[start : start + step].astype(np.float64)
            out[start : start + step] = np.rint(block @ as_float).astype(matrix.dtype)
        return out
    for start in range(0, rows, ROWS_AT_ONCE):
        block = active[start : start + ROWS_AT_ONCE].astype(matrix.dtype)
        out[start : start + ROWS_AT_ONCE] = block @ matrix
    return out


class _Evaluator:
    """Pattern outcomes of a table's codes."""

    def __init__(self, workspace: Workspace, model: ConditionModel) -> None:
        self.workspace = workspace
        self.model = model
        self.cache: dict[Any, Any] = {}  # sourcing results, shared by every pass
        self.personnel = checked_personnel(workspace)

    def __call__(self, table: PatternTable, breakdown: bool = True) -> PatternOutcomes:
        return pattern_outcomes_baseline(
            self.workspace, self.model, table.codes, self.cache, self.personnel, breakdown
        )


def monte_carlo_baseline(
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
) -> MonteCarloResult:
    """Sample (or, with ``exact``, enumerate) the free conditions of ``scenario``.

    ``scenario`` None leaves every condition free. ``probabilities`` overrides P(true)
    of some conditions (see :func:`~forcegen.engine.odds.condition_model.condition_model`).
    Bit-identical for the same workspace, scenario, seed and draws, whatever
    ``chunk_size`` and ``workers``. Sensitivity forces each free condition true and
    false with the same random numbers for every other condition. ``draws`` and
    ``workers`` are checked against :data:`~forcegen.limits.MAX_DRAWS` and
    :data:`~forcegen.limits.MAX_WORKERS` before any work.
    """
    workspace, scenario = scenario_view(workspace, scenario)
    if not exact:
        draws = check_draws(draws)
    workers = check_workers(workers)
    scenario_id, assume = _assume(workspace, scenario)
    model = condition_model(workspace, assume, probabilities)
    passes = 1 + (2 * len(model.rules) if sensitivity else 0)
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

    evaluate = _Evaluator(workspace, model)
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
        for rule in model.rules:
            sides = {}
            for forced_value in (True, False):
                table = table_for({rule.condition: forced_value})
                forced_out = evaluate(table, breakdown=False)
                mean = float(fdot(table.weights, forced_out.personnel) / table.total)
                p_met = {
                    rid: float(fdot(table.weights, forced_out.met[:, r]) / table.total)
                    for r, rid in enumerate(forced_out.requirements)
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
