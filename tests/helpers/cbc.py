"""A second, independent solver for the sourcing fill: CBC through PuLP."""

from __future__ import annotations

from forcegen.engine.sourcing.problem import SourcingProblem


def pulp_priority_optimum(problem: SourcingProblem) -> dict[int, float]:
    """Lexicographic fill by priority with CBC through PuLP (no decomposition)."""
    import pulp

    model = pulp.LpProblem("check", pulp.LpMaximize)
    x = {}
    for e, edge in enumerate(problem.edges):
        offer = problem.offers[edge.offer]
        cat = "Integer" if offer.integral else "Continuous"
        x[e] = pulp.LpVariable(f"x{e}", 0, offer.quantity, cat=cat)
    f = {n: pulp.LpVariable(f"f{n}", 0, line.quantity) for n, line in enumerate(problem.lines)}
    for n in f:
        terms = [
            x[e] * (1.0 / edge.ratio) for e, edge in enumerate(problem.edges) if edge.line == n
        ]
        model += f[n] <= pulp.lpSum(terms)
    for o, offer in enumerate(problem.offers):
        terms = [x[e] for e, edge in enumerate(problem.edges) if edge.offer == o]
        if terms:
            model += pulp.lpSum(terms) <= offer.quantity
    out = {}
    for priority in sorted({line.priority for line in problem.lines}):
        objective = pulp.lpSum(
            f[n] for n, line in enumerate(problem.lines) if line.priority == priority
        )
        model.setObjective(objective)
        # CBC's preprocessing cuts off fractional optima (max f, f <= 3x, x in {0, 1, 2},
        # f <= 4.5 gives 4.0 with it, 4.5 without); no gap: the exact optimum
        model.solve(pulp.PULP_CBC_CMD(msg=0, options=["preprocess off"], gapRel=0, gapAbs=1e-9))
        value = float(pulp.value(objective) or 0.0)
        out[priority] = value
        model += objective >= value - 1e-7
    return out
