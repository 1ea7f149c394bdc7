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


def supply_map(
    result: SupplyResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """The network with each leg the resupply uses coloured by its utilisation [share]
    (the deployment map's scale: 0 green to 1 red), the others grey dashed."""
    shares: dict[str, float | None] = dict(result.resupply.leg_utilisation)
    fig, ax = utilisation_map(
        result.network,
        shares,
        colour_label="resupply utilisation",
        title=f"Resupply of the force in place ({_which(result, workspace)})",
    )
    for row in result.destinations():
        node = result.network.node(row["node"])
        ax.annotate(
            f"{row['base']:,.0f} st/day",
            (node.lon, node.lat),
            xytext=(0, -12),
            textcoords="offset points",
            ha="center",
            fontsize=6,
            color="#7a1f1f",
            zorder=9,
        )
    if workspace is not None:
        caption(
            fig,
            caption_text(workspace, scenario=_which(result, workspace), note=_note(result)),
        )
    return save(fig, directory, "supply_map", out)


def stock_chart(
    result: SupplyResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """Personnel without supply by day under the cuts (nothing when no cut is given or
    no unit runs out)."""
    autonomy = result.autonomy
    if autonomy is None or not any(u.days_without for u in autonomy.units):
        return []
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 4))
    out_units = [u for u in autonomy.units if u.runs_out_day is not None]
    days = list(range(autonomy.first_day, autonomy.last_day + 1))
    people = [
        sum(
            u.personnel
            for u in out_units
            if u.runs_out_day is not None and u.runs_out_day <= d < u.runs_out_day + u.days_without
        )
        for d in days
    ]
    ax.step(days, people, where="post", color="#c44e52")
    ax.set_xlabel("day after activation")
    ax.set_ylabel("personnel without supply [persons]")
    thousands(ax.yaxis)
    ax.set_title(f"Personnel without supply under the cuts ({_which(result, workspace)})")
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


__all__ = ["stock_chart", "supply_charts", "supply_map"]
