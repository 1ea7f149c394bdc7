"""Charts of the supply of the force in place: the network map with legs coloured by
resupply utilisation (the deployment map's code and colour scale), and the stock of the
units under the cuts."""

from __future__ import annotations

from pathlib import Path

from forcegen import SupplyResult, Workspace, names
from forcegen.io.atomic import OutputTransaction, output_transaction
from forcegen.plots import pyplot, save
from forcegen.plots.deployment import utilisation_map
from forcegen.plots.style import caption, caption_text, thousands


def _which(result: SupplyResult, workspace: Workspace | None) -> str:
    return names.scenario(workspace, result.scenario) if result.scenario else "every pledge"


def _note(result: SupplyResult) -> str:
    s = result.settings
    return (
        f"Planning factors: ATP 4-90 App. C (rations, classes II-IV, mail), US Army "
        f"quartermaster water tables, fuel a historical range, ammunition assumed "
        f"(docs/supply.md); {s.stock_days} days of stock, {s.climate.value}, "
        f"{s.ammunition_posture.value}; {result.total('base'):,.0f} short tons a day"
    )


DESTINATION_COLOUR = "#ffffff"
"""Destination stars on the supply map: white, off the utilisation scale (red there
reads as 100 %)."""

CUT_COLOUR = "#111111"
"""Colour of the ``--cut`` marks [hex]."""


def _cut_days(result: SupplyResult) -> dict[str, list[tuple[int, int]]]:
    """Cut target -> its (first, last) days [days after activation]."""
    out: dict[str, list[tuple[int, int]]] = {}
    for cut in result.cuts:
        start = result.cut_start if cut.start is None else cut.start
        out.setdefault(cut.target, []).append((start, start + cut.days - 1))
    return out


def _days_text(spans: list[tuple[int, int]]) -> str:
    return "cut days " + ", ".join(f"{a:,}-{b:,}" if b > a else f"{a:,}" for a, b in spans)


def supply_map(
    result: SupplyResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """The network with each leg the resupply uses coloured by its utilisation [share]
    (the deployment map's scale: 0 green to 1 red; the highest in the title), the others
    grey dashed; each destination's demand [short tons/day] under its name, placed clear
    of the other names; ``--cut`` targets marked with a black cross and their days."""
    from matplotlib.lines import Line2D

    from forcegen.model.network import NodeKind

    shares: dict[str, float | None] = dict(result.resupply.leg_utilisation)
    cuts = _cut_days(result)
    labels: dict[str, str] = {}
    for row in result.destinations():
        node = result.network.node(row["node"])
        labels[node.id] = f"{node.name}\n{row['base']:,.0f} short tons/day"
    nodes = {n.id: n for n in result.network.nodes}
    for target, spans in cuts.items():
        if target in nodes:
            labels[target] = labels.get(target, nodes[target].name) + "\n" + _days_text(spans)
    for leg in result.network.legs:  # a cut leg: said under the name of the node it enters
        if leg.id in cuts:
            text = f"{leg.mode.value} in from {nodes[leg.from_].name}: {_days_text(cuts[leg.id])}"
            labels[leg.to] = labels.get(leg.to, nodes[leg.to].name) + "\n" + text
    peak = max(result.resupply.leg_utilisation.values(), default=0.0)
    fig, ax = utilisation_map(
        result.network,
        shares,
        colour_label="resupply utilisation (share of each leg's capacity)",
        title=f"Resupply of the force in place ({_which(result, workspace)})\n"
        f"{result.total('base'):,.0f} short tons a day; busiest leg at {peak:.1%} of its "
        "capacity (scale 0-100 %)",
        labels=labels,
        marker_colours={NodeKind.DESTINATION: DESTINATION_COLOUR},
    )
    if cuts:
        from forcegen.plots.deployment import _leg_segments

        points: list[tuple[float, float]] = []
        for leg, ((x0, y0), (x1, y1)) in _leg_segments(result.network):
            if leg.id in cuts:
                points.append(((x0 + x1) / 2, (y0 + y1) / 2))
        points += [(nodes[t].lon, nodes[t].lat) for t in cuts if t in nodes]
        ax.scatter(
            [x for x, _ in points],
            [y for _, y in points],
            marker="x",
            s=130,
            color=CUT_COLOUR,
            linewidths=2.4,
            zorder=8,
        )
        legend = ax.get_legend()
        handles = list(legend.legend_handles) if legend is not None else []
        handles.append(
            Line2D(
                [], [], marker="x", color=CUT_COLOUR, markeredgewidth=2.0, linestyle="",
                label="cut (--cut)",
            )
        )  # fmt: skip
        ax.legend(handles=handles, fontsize=7, loc="upper right", framealpha=0.9)
    if workspace is not None:
        caption(
            fig,
            caption_text(workspace, scenario=_which(result, workspace), note=_note(result)),
        )
    return save(fig, directory, "supply_map", out)


def stock_days_shown(result: SupplyResult) -> tuple[int, int] | None:
    """The days the stock chart spans: from 2 days before the first cut to 2 days after
    the last day any unit is without supply [days after activation]; None without."""
    autonomy = result.autonomy
    if autonomy is None:
        return None
    ends = [
        u.runs_out_day + u.days_without - 1
        for u in autonomy.units
        if u.runs_out_day is not None and u.days_without
    ]
    if not ends:
        return None
    starts = [result.cut_start if c.start is None else c.start for c in result.cuts]
    first = min(starts, default=min(u.runs_out_day or 0 for u in autonomy.units))
    return max(autonomy.first_day, first - 2), min(autonomy.last_day + 2, max(ends) + 2)


def stock_chart(
    result: SupplyResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """Personnel without supply by day under the cuts, over :func:`stock_days_shown`
    (nothing when no cut is given or no unit runs out); the cut days shaded."""
    autonomy = result.autonomy
    span = stock_days_shown(result)
    if autonomy is None or span is None:
        return []
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 4))
    out_units = [u for u in autonomy.units if u.runs_out_day is not None]
    days = list(range(span[0], span[1] + 1))
    people = [
        sum(
            u.personnel
            for u in out_units
            if u.runs_out_day is not None and u.runs_out_day <= d < u.runs_out_day + u.days_without
        )
        for d in days
    ]
    shaded = False
    for spans in _cut_days(result).values():
        for a, b in spans:
            if not shaded:
                ax.axvspan(a, b + 1, color="#dddddd", zorder=0, label="cut")
                shaded = True
    ax.step(
        [*days, days[-1] + 1],
        [*people, people[-1]],
        where="post",
        color="#c44e52",
        label="personnel without supply",
    )
    ax.set_xlim(days[0], days[-1] + 1)
    ax.set_ylim(0, max(people) * 1.15 or 1)
    ax.set_xlabel("day after activation")
    ax.set_ylabel("personnel without supply [persons]")
    thousands(ax.yaxis)
    ax.legend(fontsize=7, loc="upper left")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(
        f"Personnel without supply under the cuts ({_which(result, workspace)})\n"
        f"{result.settings.stock_days:g} days of stock; shaded: days a node or leg is cut"
    )
    if workspace is not None:
        caption(
            fig,
            caption_text(workspace, scenario=_which(result, workspace), note=_note(result)),
        )
    return save(fig, directory, "supply_stock", out)


def supply_charts(
    result: SupplyResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """The supply map and (with cuts that leave units without supply) the stock chart,
    staged in ``out`` (without it: all written, or none)."""
    with output_transaction(out) as tx:
        written = supply_map(result, directory, tx, workspace)
        written += stock_chart(result, directory, tx, workspace)
    return written


__all__ = ["stock_chart", "stock_days_shown", "supply_charts", "supply_map"]
