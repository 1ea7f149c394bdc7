"""Charts of a Monte Carlo result: the personnel distribution and the tornado chart."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from forcegen import MonteCarloResult, Workspace, names
from forcegen.io.atomic import OutputTransaction
from forcegen.plots import pyplot, save
from forcegen.plots.style import caption, caption_text, thousands, threshold_lines


def distribution_chart(
    result: MonteCarloResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """Histogram of materialised personnel with its 5/50/95 % quantiles and a labelled
    vertical line at each force option's headline size [persons]; with ``workspace``, a
    caption (scenario, seed and draws, sources)."""
    plt = pyplot()
    dist = result.personnel
    fig, ax = plt.subplots(figsize=(8, 4.5))
    edges = dist.edges
    widths = [b - a for a, b in pairwise(edges)]
    ax.bar(
        edges[:-1],
        [100 * m for m in dist.mass],
        width=widths,
        align="edge",
        color="#4c72b0",
        edgecolor="white",
    )
    for value, label, style, colour in (
        (dist.p05, "5 %", ":", "#333333"),
        (dist.p50, "median", "--", "#333333"),
        (dist.p95, "95 %", "-.", "#333333"),
        (dist.mean, "mean", "-", "#c44e52"),
    ):
        ax.axvline(
            value, color=colour, linestyle=style, linewidth=1.2, label=f"{label}: {value:,.0f}"
        )
    ax.legend(fontsize=8, frameon=False, loc="center right")
    top = float(edges[-1]) if edges else 1.0  # everything pledged
    ax.set_xlim(0.0, 1.08 * top)
    sizes = option_sizes(result)
    threshold_lines(ax, {label: x for label, x in sizes.items() if x <= top})
    beyond = [label for label, x in sorted(sizes.items(), key=lambda kv: kv[1]) if x > top]
    if beyond:
        ax.text(
            0.99,
            0.80,
            "beyond all that is pledged:\n" + ", ".join(beyond),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=7,
            color="#444444",
        )
    thousands(ax.xaxis)
    ax.set_xlabel("personnel that materialises [persons]; dashed: force-option sizes")
    ax.set_ylabel("probability [%]")
    ax.set_title(_title(result, f"mean {dist.mean:,.0f}"))
    _caption(fig, result, workspace)
    return save(fig, directory, "personnel_distribution", out)


def option_sizes(result: MonteCarloResult) -> dict[str, float]:
    """'25k option (P 4 %)' -> 25,000: each force option with a headline size, labelled
    with its size and P(headcount) [persons]."""
    sizes = {}
    for option in result.options.values():
        if option.personnel is None or option.p_headcount is None:
            continue
        size = option.personnel
        short = f"{size // 1000}k" if size % 1000 == 0 else f"{size:,}"
        sizes[f"{short} (P {100 * option.p_headcount.p:.0f} %)"] = float(size)
    return sizes


def tornado_chart(
    result: MonteCarloResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """Expected personnel with each free condition forced false / true [persons], the
    conditions ranked by their Shapley share of the variance of personnel (largest at
    the top). With ``workspace``, conditions carry their names and the chart a caption
    (scenario, seed, sources)."""
    plt = pyplot()
    rows = list(reversed(result.sensitivity))
    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.5 * max(len(rows), 1)))
    base = result.personnel.mean
    for y, s in enumerate(rows):
        ax.barh(y, s.personnel_if_false - base, left=base, color="#c44e52", height=0.6)
        ax.barh(y, s.personnel_if_true - base, left=base, color="#55a868", height=0.6)
        ax.text(
            max(s.personnel_if_true, s.personnel_if_false, base),
            y,
            f"  Shapley {_share(s.shapley, s.shapley_stderr)}, first-order "
            f"{100 * s.variance_share:.0f} %; swing {s.swing_personnel:,.0f}",
            va="center",
            fontsize=8,
        )
    ax.axvline(base, color="#333333", linewidth=1)
    low, high = ax.get_xlim()
    ax.set_xlim(low, high + 0.45 * (high - low))  # room for the labels
    labels = [names.condition(workspace, s.condition) for s in rows]
    ax.set_yticks(range(len(rows)), labels)
    thousands(ax.xaxis)
    ax.set_xlabel("expected personnel [persons]: red = condition forced false, green = true")
    how = "exact" if result.exact else f"{result.draws:,} draws, seed {result.seed}"
    scenario = (
        names.scenario(workspace, result.scenario)
        if workspace is not None
        else result.scenario or "all conditions free"
    )
    ax.set_title(
        f"{scenario} ({how}): conditions ranked by Shapley share of the variance of personnel",
        fontsize=10,
    )
    _caption(fig, result, workspace, note=_method_note(result))
    return save(fig, directory, "sensitivity_tornado", out)


def _share(share: float, stderr: float) -> str:
    if stderr == 0:
        return f"{100 * share:.1f} %"
    return f"{100 * share:.1f} % \u00b1 {100 * stderr:.1f}"


def _caption(
    figure: object, result: MonteCarloResult, workspace: Workspace | None, note: str | None = None
) -> None:
    """Scenario, seed and draws (or exact enumeration) and sources under a chart."""
    if workspace is None:
        return
    caption(
        figure,
        caption_text(
            workspace,
            scenario=names.scenario(workspace, result.scenario),
            seed=result.seed,
            draws=result.draws,
            exact=result.exact,
            note=note,
        ),
    )


def _method_note(result: MonteCarloResult) -> str:
    """Under the tornado: what the ranking means."""
    method = result.sensitivity_method()
    how = str(method["note"]).split(";")[0] if method else "no sensitivity"
    sampled = (
        ""
        if result.exact
        else " Shares are those of the draws (their sampling error is not included)."
    )
    return (
        "Ranked by Shapley effect: each condition's fair share of the variance of "
        "personnel (shares sum to 100 %, dependent conditions included). "
        f"{how[0].upper()}{how[1:]}.{sampled}\n"
        "A share says how much knowing a condition tells about personnel; the bars (swing) "
        "what forcing it does. A condition that can only hold once another does shares "
        "that one's variance, so it can rank above a larger swing."
    )


def _title(result: MonteCarloResult, detail: str) -> str:
    how = "exact" if result.exact else f"{result.draws:,} draws, seed {result.seed}"
    return f"{result.scenario or 'all conditions free'} ({how}): {detail}"
