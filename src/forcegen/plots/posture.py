"""The posture map: where the force stands against the line of contact, offline.

Country outlines and the network as on the deployment map (:mod:`forcegen.plots.deployment`);
the line of contact drawn segment by segment in coverage bands (reached by a manoeuvre
unit within the first reinforcement time, within the last, or later); each unit a disc
at its station, sized by personnel and coloured by nation, caveated units ringed; the
caption names the scenario, the posture's planning figures and the sources.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from forcegen import PostureComparison, PostureResult, Workspace, names
from forcegen.io.atomic import OutputTransaction, output_transaction
from forcegen.plots import pyplot, save
from forcegen.plots.deployment import (
    _extent,
    _inside,
    draw_countries,
    place_labels,
)
from forcegen.plots.style import caption, caption_text, nation_colours

BAND_COLOURS = ("#1a9850", "#fdae61", "#d73027")
"""Coverage bands of the line: within the first time, within the last, later."""

UNIT_SCALE = 0.06
"""Marker area per person [points^2 per person]."""

CAVEAT_EDGE = "#6a0dad"
"""Edge of a unit under a front-line caveat (it does not count in coverage)."""

MARGIN_DEG = 1.2
"""Margin of the map around the stations and the line [degrees]."""

SPREAD = 0.18
"""Distance of units from their station when several share it [degrees]."""


def posture_map(
    result: PostureResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
    stem: str = "posture_map",
) -> list[Path]:
    """Save the posture map of ``result`` as ``stem``.png and .svg in ``directory``."""
    fig, _ = map_figure(result, workspace)
    return save(fig, directory, stem, out)


def map_figure(result: PostureResult, workspace: Workspace | None = None) -> tuple[Any, Any]:
    """The figure and axes of :func:`posture_map`, not saved."""
    plt = pyplot()
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    network = result.network
    west, east, south, north = _posture_extent(result, _hubs(result, workspace))
    mid_lat = (south + north) / 2
    width = (east - west) * math.cos(math.radians(mid_lat))
    height = north - south
    fig, ax = plt.subplots(figsize=(10, 2.0 + max(4.0, min(12.0, 10 * height / max(width, 1e-6)))))
    draw_countries(ax, (west, east, south, north))
    nodes = {n.id: n for n in network.nodes}
    legs = [
        ((nodes[leg.from_].lon, nodes[leg.from_].lat), (nodes[leg.to].lon, nodes[leg.to].lat))
        for leg in network.legs
    ]
    ax.add_collection(LineCollection(legs, colors="#b0b0b0", linewidths=0.6, zorder=2))
    handles: list[Any] = [Line2D([], [], color="#b0b0b0", linewidth=0.6, label="network leg")]

    hours = sorted(result.coverage)
    first, last = hours[0], hours[-1]
    bands: list[list[Any]] = [[], [], []]
    for segment in result.segments:
        p = segment.piece
        piece = ((p.start[1], p.start[0]), (p.end[1], p.end[0]))
        band = 0 if segment.covered(first) else 1 if segment.covered(last) else 2
        bands[band].append(piece)
    labels = (
        f"line reached in <= {first:g} h",
        f"line reached in <= {last:g} h",
        f"line reached in > {last:g} h",
    )
    for band, pieces in enumerate(bands):
        if not pieces:
            continue
        ax.add_collection(
            LineCollection(
                pieces, colors=BAND_COLOURS[band], linewidths=7.0, zorder=4, capstyle="butt"
            )
        )
    bands_handles = [
        Line2D([], [], color=BAND_COLOURS[band], linewidth=7.0, label=labels[band])
        for band in range(3)
    ]

    colours = nation_colours(workspace) if workspace is not None else {}
    by_node: dict[str, list[Any]] = {}
    for unit in result.units:
        by_node.setdefault(unit.station.node, []).append(unit)
    seen: set[str] = set()
    for node_id, units in by_node.items():
        node = nodes[node_id]
        for k, unit in enumerate(units):
            angle = 2 * math.pi * k / len(units)
            spread = SPREAD if len(units) > 1 else 0.0
            x = node.lon + spread * math.cos(angle) / math.cos(math.radians(node.lat))
            y = node.lat + spread * math.sin(angle)
            st = unit.station
            colour = colours.get(st.nation, "#7f7f7f")
            ax.scatter(
                [x],
                [y],
                s=max(15.0, UNIT_SCALE * st.personnel),
                color=colour,
                alpha=0.8,
                edgecolors=CAVEAT_EDGE if st.caveated else "black",
                linewidths=2.2 if st.caveated else 0.5,
                zorder=6,
            )
            if st.nation not in seen:
                seen.add(st.nation)
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="o",
                        color=colour,
                        markeredgecolor="black",
                        linestyle="",
                        label=names.nation(workspace, st.nation),
                    )
                )
    nation_handles = handles[1:]
    handles = [handles[0], *bands_handles]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            color="white",
            markeredgecolor=CAVEAT_EDGE,
            markeredgewidth=2.2,
            linestyle="",
            label="front-line caveat (does not count)",
        )
    )
    hubs = _hubs(result, workspace)
    if hubs:
        ax.scatter(
            [nodes[h].lon for h in hubs],
            [nodes[h].lat for h in hubs],
            marker="*",
            s=140,
            color="#ffffff",
            edgecolors="#333333",
            linewidths=0.8,
            zorder=5,
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="*",
                color="white",
                markeredgecolor="#333333",
                markersize=10,
                linestyle="",
                label="station of the posture",
            )
        )
    placed = dict.fromkeys([*by_node, *hubs])
    load: dict[str, float] = {}
    for row in result.stations:
        load[row.node] = load.get(row.node, 0.0) + row.personnel
    stations = [
        (_labelled(nodes[n], load.get(n, 0.0)), 60.0)
        for n in placed
        if _inside(nodes[n], west, east, south, north)
    ]
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians(mid_lat)))
    ax.set_xlabel("longitude [degrees east]")
    ax.set_ylabel("latitude [degrees north]")
    bands_legend = ax.legend(
        handles=handles,
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.11),
        ncol=3,
        frameon=False,
        title="Coverage by units free to move to the line",
        title_fontsize=7.5,
        alignment="left",
    )
    if nation_handles:
        ax.add_artist(bands_legend)
        ax.legend(
            handles=nation_handles,
            fontsize=7,
            loc="upper left",
            bbox_to_anchor=(0.0, -0.24),
            ncol=min(7, len(nation_handles)),
            frameon=False,
            title="Units by nation (disc area ~ personnel)",
            title_fontsize=7.5,
            alignment="left",
            handletextpad=0.2,
            columnspacing=0.8,
        )
    fig.subplots_adjust(bottom=0.26, top=0.95)
    scenario = _which(result, workspace)
    ax.set_title(f"Posture: {result.posture_name} ({scenario})")
    place_labels(fig, ax, stations)
    if workspace is not None:
        caption(fig, caption_text(workspace, scenario=scenario, note=_note(result, workspace)))
    return fig, ax


def _posture_extent(result: PostureResult, hubs: list[str]) -> tuple[float, float, float, float]:
    """West, east, south and north edges of the map [degrees]: the stations where units
    stand, the posture's stations and the line of contact, plus :data:`MARGIN_DEG`; the
    whole network's extent when there is nothing to show."""
    nodes = {n.id: n for n in result.network.nodes}
    used = dict.fromkeys([*(u.station.node for u in result.units), *hubs])
    points = [(nodes[n].lon, nodes[n].lat) for n in used if n in nodes]
    points += [(p.start[1], p.start[0]) for p in (s.piece for s in result.segments)]
    points += [(p.end[1], p.end[0]) for p in (s.piece for s in result.segments)]
    if not points:
        return _extent(result.network)
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return (
        min(lons) - MARGIN_DEG,
        max(lons) + MARGIN_DEG,
        max(min(lats) - MARGIN_DEG, -89.0),
        min(max(lats) + MARGIN_DEG, 89.0),
    )


def _labelled(node: Any, personnel: float) -> Any:
    """The node with its personnel in its label: 'Dnipro 300', 'Kharkiv nobody'."""
    text = f"{personnel:,.0f}" if personnel > 0 else "nobody"
    return node.model_copy(update={"name": f"{node.name} {text}"})


def _hubs(result: PostureResult, workspace: Workspace | None) -> list[str]:
    """The station nodes the posture names (none without a workspace or a posture)."""
    if workspace is None or result.posture not in workspace.postures:
        return []
    stations = workspace.postures[str(result.posture)].stations.values()
    return list(dict.fromkeys(n for nodes in stations for n in nodes))


def _which(result: PostureResult, workspace: Workspace | None) -> str:
    which = names.scenario(workspace, result.scenario) if result.scenario else "every pledge"
    if result.requirement is not None:
        which += f", requirement {names.requirement(workspace, result.requirement)}"
    return which


def _note(result: PostureResult, workspace: Workspace) -> str:
    """The planning figures and the sources of the posture and its settings."""
    s = result.settings
    records: list[Any] = [s]
    if result.posture is not None and result.posture in workspace.postures:
        records.append(workspace.postures[result.posture])
    hosts = dict.fromkeys(
        (urlsplit(src.url).hostname or src.url).removeprefix("www.")
        for record in records
        for src in record.sources
    )
    coverage = ", ".join(f"{100 * v:.0f} % in {h:g} h" for h, v in result.coverage.items())
    return (
        f"Units sized by personnel; coverage {coverage} by units free to move to the line "
        f"(manoeuvre units without a front-line caveat, by road at "
        f"{s.convoy_speed_kmh:g} km/h, {s.detour_factor:g} road km per km off the road legs); "
        f"fires reach {s.risk_km:g} km. Posture sources: "
        + (", ".join(hosts) if hosts else "none (assumptions)")
    )


def posture_charts(
    result: PostureResult | PostureComparison,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """The posture map of a result, or one map per posture of a comparison
    (``posture_map_<id>``), all staged in ``out`` (without it: all written, or none)."""
    with output_transaction(out) as tx:
        if isinstance(result, PostureResult):
            return posture_map(result, directory, tx, workspace)
        written: list[Path] = []
        for r in result.results:
            stem = f"posture_map_{r.posture}" if r.posture else "posture_map"
            written += posture_map(r, directory, tx, workspace, stem)
        return written
