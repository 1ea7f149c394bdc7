"""Charts of sustainability: the coalition curve and a Gantt chart of rotations and leads."""

from __future__ import annotations

from pathlib import Path

from forcegen import SustainmentResult, names
from forcegen.io.atomic import OutputTransaction
from forcegen.model.workspace import Workspace
from forcegen.plots import pyplot, save
from forcegen.plots.style import caption, caption_text, nation_colours, thousands


def coalition_chart(
    result: SustainmentResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """Strength in the field by month, stacked by nation, and the coalition's load
    (headquarters staff included) [persons]; nation colours and a caption when the
    workspace is given."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.8))
    months = list(result.month)
    series = [[n.deployed(m) for m in months] for n in result.nations.values()]
    if series:
        colours = nation_colours(workspace) if workspace is not None else None
        ax.stackplot(
            months,
            series,
            labels=[names.nation(workspace, iso3) for iso3 in result.nations],
            step="post",
            alpha=0.85,
            colors=[colours[iso3] for iso3 in result.nations] if colours else None,
        )
    ax.plot(
        months,
        result.load,
        color="black",
        linewidth=1.0,
        linestyle="--",
        drawstyle="steps-post",
        label="load (to hold)",
    )
    ax.plot(
        months,
        result.deployed,
        color="black",
        linewidth=1.2,
        drawstyle="steps-post",
        label="coalition",
    )
    ax.set_xlabel("month after activation")
    ax.set_ylabel("strength in the field [persons]")
    ax.set_xlim(0.5, max(months) + 0.5)
    thousands(ax.yaxis)
    # beside the plot, never over the stacked areas
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(_title(result, "coalition strength over time", workspace))
    if workspace is not None:
        caption(fig, _caption(workspace, result))
    return save(fig, directory, "sustain_coalition", out)


def rotation_gantt(
    workspace: Workspace,
    result: SustainmentResult,
    directory: Path,
    out: OutputTransaction | None = None,
) -> list[Path]:
    """One row per nation (tours, coloured until the contribution fails; the peak load,
    headquarters staff included) and per HQ lead (with its staff)."""
    plt = pyplot()
    rows = len(result.nations) + len(result.headquarters)
    fig, ax = plt.subplots(figsize=(10, 1.0 + 0.35 * max(rows, 1)))
    labels = []
    y = 0
    colours = nation_colours(workspace)  # each HQ bar in its lead nation's colour
    for h in result.headquarters:
        ax.broken_barh(
            [(h.from_month - 1, h.to_month - h.from_month + 1)],
            (y - 0.35, 0.7),
            color=colours.get(h.lead, "#8172b2"),
        )
        ax.text(
            h.from_month - 0.5,
            y,
            f"{names.nation(workspace, h.lead)}: {h.location.split(',')[0]}"
            + (f", {h.staff:,} staff" if h.staff else ""),
            va="center",
            fontsize=7,
            color="white",
        )
        labels.append(h.name)
        y += 1
    for iso3, n in result.nations.items():
        tour = n.tour_months
        last = n.fails_at_month if n.fails_at_month is not None else result.months
        spans = [(start, min(tour, last - start)) for start in range(0, last, tour)]
        ax.broken_barh(spans, (y - 0.35, 0.7), color="#55a868", edgecolor="white")
        if n.fails_at_month is not None and n.fails_at_month < result.months:
            rest = result.months - n.fails_at_month
            ax.broken_barh([(n.fails_at_month, rest)], (y - 0.35, 0.7), color="#c44e52", alpha=0.5)
        labels.append(f"{names.nation(workspace, iso3)} {n.peak_load:,.0f}")
        y += 1
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, result.months)
    ax.set_xlabel(
        "months after activation (green: tours kept in full; red: beyond what rotation sustains)"
    )
    ax.set_title(_title(result, "rotations and headquarters leads", workspace))
    caption(fig, _caption(workspace, result))
    return save(fig, directory, "sustain_gantt", out)


def _scenario(workspace: Workspace | None, result: SustainmentResult) -> str:
    """The scenario's name ('every pledge' without one)."""
    if result.scenario is None:
        return "every pledge"
    return names.scenario(workspace, result.scenario)


def _title(result: SustainmentResult, detail: str, workspace: Workspace | None = None) -> str:
    return f"{_scenario(workspace, result)}: {detail}"


def _caption(workspace: Workspace, result: SustainmentResult) -> str:
    d = result.defaults
    return caption_text(
        workspace,
        scenario=_scenario(workspace, result),
        note=f"Defaults: deployable fraction {d.deployable_fraction:g}, rotation ratio "
        f"{d.rotation_ratio:g}, {d.tour_months:,}-month tours, where a nation gives none. "
        f"Personnel needed to hold the load over {result.months:,} months: "
        f"{result.personnel_over_horizon:,.0f}",
    )
