"""Rich rendering of ``forcegen montecarlo`` results."""

from __future__ import annotations

from forcegen import MonteCarloResult, Workspace, names
from forcegen.cli.console import make_console
from forcegen.cli.tables import Column, FittedTable, count, percent


def print_montecarlo_report(workspace: Workspace, result: MonteCarloResult) -> None:
    """Print distribution, force-option odds and sensitivity to standard output."""
    console = make_console()
    how = (
        f"exact enumeration of {2 ** len(result.free):,} combinations"
        if result.exact
        else f"{result.draws:,} draws, seed {result.seed:,}"
    )
    fixed = ", ".join(
        f"{names.condition(workspace, c)} {'true' if v else 'false'}"
        for c, v in result.fixed.items()
    )
    free = ", ".join(names.condition(workspace, c) for c in result.free)
    console.print(
        f"forcegen montecarlo: {workspace.origin}; "
        f"{names.scenario(workspace, result.scenario)}: {how}",
        style="bold",
        highlight=False,
    )
    console.print(f"fixed: {fixed or 'nothing'}; free: {free or 'nothing'}", highlight=False)
    d = result.personnel
    table = FittedTable(
        [Column(c, "right") for c in ("mean", "std. error", "5 %", "median", "95 %")],
        [(count(d.mean), f"{d.stderr:,.1f}", count(d.p05), count(d.p50), count(d.p95))],
        title="Personnel that materialises (persons)",
    )
    console.print(table)

    options = FittedTable(
        [
            Column("force option", key=True),
            Column("P(met)", "right"),
            Column("P(headcount)", "right"),
            Column("personnel fill: mean", "right"),
            Column("5-95 %", "right"),
            Column("unit fill: mean", "right"),
        ],
        title="Force options",
        caption="P(met): every line filled. P(headcount): active personnel at least the "
        "option's headline size (- when it has none). Personnel fill: filled / required "
        "personnel, each line weighted by its capability's personnel per unit; unit fill: "
        "filled / required units; 5-95 %: the personnel fill's 5 % and 95 % quantiles. "
        "Standard errors are in --json.",
    )
    for rid, option in result.options.items():
        head = option.p_headcount
        spread = option.personnel_fill
        options.add_row(
            names.requirement(workspace, rid),
            percent(option.p_met.p, 1),
            "-" if head is None else percent(head.p, 1),
            percent(spread.mean),
            f"{percent(spread.p05)} - {percent(spread.p95)}",
            percent(option.fill_ratio.mean),
        )
    console.print(options)

    if result.sensitivity:
        console.print(sensitivity_table(workspace, result))

    capabilities = FittedTable(
        [
            Column("capability", key=True),
            Column("expected units", "right"),
            Column("mean personnel", "right"),
            Column("5 %", "right"),
            Column("95 %", "right"),
        ],
        title="By capability",
    )
    for cap, dist in sorted(result.by_capability.items(), key=lambda kv: -kv[1].mean):
        if dist.mean > 0:
            capabilities.add_row(
                names.capability(workspace, cap),
                f"{result.by_capability_units[cap]:,.2f}",
                count(dist.mean),
                count(dist.p05),
                count(dist.p95),
            )
    console.print(capabilities)

    pledges = FittedTable(
        [
            Column("pledge", key=True),
            Column("P(active)", "right"),
            Column("personnel", "right"),
        ],
        title="Pledges: probability of being active",
    )
    for pid, prob in sorted(result.pledges.items(), key=lambda kv: -kv[1].p):
        pledges.add_row(
            names.pledge(workspace, pid),
            percent(prob.p, 1),
            count(workspace.pledge_personnel(pid)),
        )
    console.print(pledges)

    nations = FittedTable(
        [
            Column("nation", key=True),
            Column("mean", "right"),
            Column("5 %", "right"),
            Column("95 %", "right"),
        ],
        title="Expected personnel by nation (persons)",
    )
    ranked = sorted(result.by_nation.items(), key=lambda kv: -kv[1].mean)
    for iso3, dist in ranked:
        if dist.mean > 0:
            nations.add_row(
                names.nation(workspace, iso3), count(dist.mean), count(dist.p05), count(dist.p95)
            )
    console.print(nations)


def sensitivity_table(workspace: Workspace, result: MonteCarloResult) -> FittedTable:
    """The free conditions ranked by Shapley share of the variance of personnel, with the
    first-order share and the expected personnel forced true and false [persons]."""
    sens = FittedTable(
        [
            Column("condition", key=True),
            Column("Shapley share", "right"),
            Column("first-order share", "right"),
            Column("personnel if true", "right"),
            Column("if false", "right"),
            Column("swing", "right"),
            Column("largest P(met) swing"),
        ],
        title="Sensitivity of personnel to each free condition (shares: as drawn; "
        "personnel and swing: the condition forced true and false)",
        caption=_sensitivity_caption(result),
    )
    for s in result.sensitivity:
        swings = s.swing_p_met
        top = max(swings, key=lambda r: abs(swings[r])) if swings else None
        biggest = (
            f"{100 * swings[top]:+,.1f} % ({names.requirement(workspace, top)})"
            if top and swings[top]
            else "-"
        )
        shapley = percent(s.shapley, 1)
        if s.shapley_stderr:
            shapley += f" \u00b1 {percent(s.shapley_stderr, 1)}"
        sens.add_row(
            names.condition(workspace, s.condition),
            shapley,
            percent(s.variance_share),
            count(s.personnel_if_true),
            count(s.personnel_if_false),
            f"{s.swing_personnel:+,.0f}",
            biggest,
        )
    return sens


def _sensitivity_caption(result: MonteCarloResult) -> str:
    method = result.sensitivity_method()
    first_order = sum(s.variance_share for s in result.sensitivity)
    if method is None or not method["personnel_varies"]:
        return "Personnel does not vary: every share is 0 %."
    how = str(method["note"]).split(";")[0]
    return (
        "Ranked by Shapley share: each condition's fair share of the variance of "
        "personnel; the shares add up to 100 %, dependent conditions included "
        f"({how}, over the {method['distribution']}). First-order shares count variance that "
        f"dependent conditions share more than once (here they add up to "
        f"{percent(first_order)}). A share says how much knowing a condition tells about "
        "personnel; the swing says what forcing it does. A condition that can only hold "
        "once another does (Russian consent after a ceasefire) shares that one's variance, "
        "so it can rank above a condition with a larger swing (docs/montecarlo.md)."
        + (
            ""
            if result.exact
            else " Shares are those of the draws; their sampling error is not included."
        )
    )
