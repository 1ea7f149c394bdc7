"""Charts of a deployment: the closure curve, an offline map of the network coloured by
peak utilisation, and the closure day under disruption draws.

The map draws the Natural Earth country outlines shipped with the package
(``forcegen/datasets/geo/countries.geojson``) in plain longitude/latitude, with the
aspect ratio set by the cosine of the mean latitude; nothing is downloaded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from forcegen import DeploymentResult, Workspace, names
from forcegen.errors import ForcegenError
from forcegen.io.atomic import OutputTransaction, output_transaction
from forcegen.model.network import Leg, Network, Node, NodeKind
from forcegen.plots import pyplot, save
from forcegen.plots.style import caption, caption_text, nation_colours, thousands

Ring = list[tuple[float, float]]
"""A closed ring of (lon, lat) points [degrees]."""

MAP_KINDS = (
    NodeKind.DESTINATION,
    NodeKind.STAGING,
    NodeKind.BORDER,
    NodeKind.AIRFIELD,
    NodeKind.PORT,
)
"""Node kinds the map zooms to; origins far away are left off the map (their legs are
clipped at its edge)."""

MARKERS: dict[NodeKind, tuple[str, str, float]] = {
    NodeKind.DESTINATION: ("*", "#c44e52", 150),
    NodeKind.STAGING: ("s", "#4c72b0", 45),
    NodeKind.BORDER: ("D", "#8172b2", 35),
    NodeKind.AIRFIELD: ("^", "#55a868", 50),
    NodeKind.PORT: ("o", "#0f7c8c", 45),
    NodeKind.ORIGIN: ("h", "#7f7f7f", 40),
}
"""Marker, colour and size of each node kind."""

MARGIN = 1.5
"""Margin around the nodes on the map [degrees]."""

PARALLEL_OFFSET = 0.07
"""Sideways gap between legs that join the same two nodes [degrees]."""


def closure_curve(
    result: DeploymentResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """Personnel in place by day, stacked by nation [persons], with the closure day; with
    ``workspace``, nations by name in their house colours and a caption."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.8))
    frame = result.plan.in_place()
    days = [int(d) for d in frame.index]
    closure = result.plan.closure_day
    if len(frame.columns):
        # one more day, so that the last step (the closure day itself) shows
        steps = [*days, days[-1] + 1]
        colours = nation_colours(workspace) if workspace is not None else {}
        ax.stackplot(
            steps,
            [_extend(frame[c].to_numpy()) for c in frame.columns],
            labels=[names.nation(workspace, str(c)) for c in frame.columns],
            colors=[colours.get(str(c), "#999999") for c in frame.columns] if colours else None,
            step="post",
            alpha=0.85,
        )
        ax.plot(
            steps,
            _extend(frame.sum(axis=1).to_numpy()),
            color="black",
            linewidth=1.2,
            drawstyle="steps-post",
            label="force",
        )
    else:
        ax.text(0.5, 0.5, "no unit moved", transform=ax.transAxes, ha="center", va="center")
    if closure is not None:
        ax.axvline(
            closure,
            color="#c44e52",
            linestyle="--",
            linewidth=1.2,
            label=f"force closes: day {closure}",
        )
    else:
        ax.text(
            0.02,
            0.95,
            f"the force does not close by day {result.plan.horizon}",
            transform=ax.transAxes,
            va="top",
            fontsize=8,
            color="#c44e52",
        )
    ax.set_xlabel("day after activation")
    ax.set_ylabel("personnel in place [persons]")
    last = max(max(days, default=0), closure or 0, 1)
    ax.set_xlim(0, last + max(2, round(0.05 * last)))
    top = float(frame.sum(axis=1).max()) if len(frame.columns) else 0.0
    ax.set_ylim(0, 1.15 * top if top > 0 else 1.0)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, ncol=2, frameon=False, loc="upper left")
    thousands(ax.yaxis)
    ax.set_title(_title(result, "personnel in place by day", workspace))
    _caption(fig, result, workspace)
    return save(fig, directory, "deploy_closure", out)


def network_map(
    result: DeploymentResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """The network on country outlines: legs coloured by their peak utilisation over
    days and loads (grey dashed when unused), gauge breaks marked, nodes by kind, and
    the line of contact when the workspace has one; node names placed so that no two
    overlap (:func:`place_labels`)."""
    fig, ax = map_figure(result)
    if workspace is not None:
        ax.set_title(f"Deployment network: peak utilisation ({_which(result, workspace)})")
        _caption(fig, result, workspace)
    return save(fig, directory, "deploy_map", out)


def map_figure(result: DeploymentResult) -> tuple[Any, Any]:
    """The figure and axes of :func:`network_map`, not saved."""
    return utilisation_map(
        result.network,
        _peak_utilisation(result),
        colour_label="peak utilisation",
        title=f"Deployment network: peak utilisation ({_which(result)})",
    )


def utilisation_map(
    network: Network,
    peaks: dict[str, float | None],
    *,
    colour_label: str,
    title: str,
    labels: Mapping[str, str] | None = None,
    marker_colours: Mapping[NodeKind, str] | None = None,
) -> tuple[Any, Any]:
    """The network on country outlines, each leg in ``peaks`` (leg id -> share, None =
    used without a limit) coloured on the one utilisation scale (0 to 1, green to red),
    the others grey dashed; gauge breaks, nodes by kind, names and the line of contact.
    ``labels`` (node id -> text) replaces a node's label, e.g. with a second line, still
    placed clear of the others; ``marker_colours`` replaces a kind's marker colour.
    The figure and axes, not saved."""
    plt = pyplot()
    from matplotlib import colormaps
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D

    west, east, south, north = _extent(network)
    mid_lat = (south + north) / 2
    width = (east - west) * math.cos(math.radians(mid_lat))
    height = north - south
    fig, ax = plt.subplots(figsize=(10, max(4.0, min(12.0, 10 * height / max(width, 1e-6)))))

    draw_countries(ax, (west, east, south, north))

    used: list[tuple[float, Sequence[tuple[float, float]]]] = []
    unknown: list[Sequence[tuple[float, float]]] = []
    unused: list[Sequence[tuple[float, float]]] = []
    breaks: list[tuple[float, float]] = []
    for leg, segment in _leg_segments(network):
        if leg.id not in peaks:
            unused.append(segment)
        elif (peak := peaks[leg.id]) is None:
            unknown.append(segment)
        else:
            used.append((peak, segment))
        if leg.gauge_break:
            (x0, y0), (x1, y1) = segment
            breaks.append(((x0 + x1) / 2, (y0 + y1) / 2))
    handles: list[Any] = []
    if unused:
        ax.add_collection(
            LineCollection(
                unused, colors="#8c8c8c", linestyles="--", linewidths=0.7, alpha=0.6, zorder=2
            )
        )
        handles.append(Line2D([], [], color="#8c8c8c", linestyle="--", label="leg not used"))
    if unknown:
        ax.add_collection(LineCollection(unknown, colors="#404040", linewidths=1.8, zorder=3))
        handles.append(Line2D([], [], color="#404040", label="used, no capacity limit"))
    norm = Normalize(vmin=0.0, vmax=1.0)
    cmap = colormaps["RdYlGn_r"]
    used.sort(key=lambda item: item[0])  # saturated legs drawn on top
    lines = LineCollection(
        [segment for _, segment in used], cmap=cmap, norm=norm, linewidths=2.4, zorder=4
    )
    lines.set_array([min(max(peak, 0.0), 1.0) for peak, _ in used])
    ax.add_collection(lines)
    colorbar = fig.colorbar(lines, ax=ax, shrink=0.7, pad=0.02)
    colorbar.set_label(colour_label)
    if breaks:
        ax.scatter(
            [x for x, _ in breaks],
            [y for _, y in breaks],
            marker="X",
            s=55,
            color="black",
            edgecolors="white",
            linewidths=0.6,
            zorder=5,
        )
        handles.append(
            Line2D([], [], marker="X", color="black", linestyle="", label="rail gauge break")
        )

    line = network.line_of_contact
    if line is not None:
        ax.plot(
            [p.lon for p in line.points],
            [p.lat for p in line.points],
            color="#d62728",
            linewidth=3.0,
            solid_capstyle="round",
            zorder=4,
        )
        label = "line of contact (approx.)" + (f", {line.date}" if line.date else "")
        handles.append(Line2D([], [], color="#d62728", linewidth=3.0, label=label))

    box = (west, east, south, north)
    labelled: list[tuple[Node, float]] = []
    for kind, (marker, colour, size) in MARKERS.items():
        colour = (marker_colours or {}).get(kind, colour)
        nodes = [n for n in network.nodes if n.kind is kind and _inside(n, *box)]
        if not nodes:
            continue
        ax.scatter(
            [n.lon for n in nodes],
            [n.lat for n in nodes],
            marker=marker,
            s=size,
            color=colour,
            edgecolors="black",
            linewidths=0.5,
            zorder=6,
        )
        handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                color=colour,
                markeredgecolor="black",
                linestyle="",
                label=kind.value,
            )
        )
        labelled += [(n, size) for n in nodes]

    off_map = [n for n in network.nodes if n.kind is NodeKind.ORIGIN and not _inside(n, *box)]
    if off_map:
        ax.text(
            0.01,
            0.01,
            f"{len(off_map)} origins off the map; their legs are cut at its edge",
            transform=ax.transAxes,
            fontsize=6,
            color="#555555",
            zorder=8,
        )
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians(mid_lat)))
    ax.set_xlabel("longitude [degrees east]")
    ax.set_ylabel("latitude [degrees north]")
    ax.legend(handles=handles, fontsize=7, loc="upper right", framealpha=0.9)
    ax.set_title(title)
    place_labels(fig, ax, labelled, labels)
    return fig, ax


LABEL_SIZE = 5.5
"""Font size of node names on the map [points]."""

LABEL_RINGS = (3.0, 9.0, 16.0, 25.0, 36.0, 50.0, 66.0)
"""Distances from its node at which a name is tried, nearest first [points]."""

LABEL_DIRECTIONS = (
    (1, 1),
    (1, -1),
    (-1, 1),
    (-1, -1),
    (1, 0),
    (-1, 0),
    (0, 1),
    (0, -1),
)
"""Directions tried at each distance: right-above first, as maps usually set names."""

LABEL_GAP = 1.0
"""Least gap between two names, or a name and a marker [pixels]."""


def place_labels(
    fig: Any,
    ax: Any,
    nodes: Sequence[tuple[Node, float]],
    labels: Mapping[str, str] | None = None,
) -> list[Any]:
    """Write each node's name next to it so that no two names overlap, nor a name and
    another node's marker: deterministic greedy placement. Nodes are taken by kind
    (destinations first, as in :data:`MARKERS`) then by name; for each, positions
    around the node are tried nearest first (:data:`LABEL_RINGS` x
    :data:`LABEL_DIRECTIONS`), each measured with the renderer's own text extent, and
    the first that overlaps nothing already placed and stays inside the axes is kept;
    a name set away from its node (beyond the first ring) gets a thin leader line. A
    name with no free position keeps its nearest one (never seen on the built-in map).
    ``nodes`` are (node, marker size [points squared]); ``labels`` (node id -> text)
    replaces a node's name; returns the text artists (gid ``node-label``)."""
    fig.canvas.draw()  # fixes the axes' position and aspect: extents are final
    renderer = fig.canvas.get_renderer()
    to_pixels = fig.dpi / 72.0
    frame = ax.get_window_extent(renderer)
    taken: list[Box] = []
    for node, size in nodes:  # markers are obstacles too
        x, y = ax.transData.transform((node.lon, node.lat))
        half = math.sqrt(size) * to_pixels / 2
        taken.append((x - half, y - half, x + half, y + half))
    order = {kind: i for i, kind in enumerate(MARKERS)}
    placed: list[Any] = []
    for k, (node, size) in sorted(
        enumerate(nodes), key=lambda item: (order[item[1][0].kind], item[1][0].name, item[0])
    ):
        own = taken[k]
        text = (labels or {}).get(node.id)
        reach = math.sqrt(size) / 2  # from the node's centre to its marker's edge [points]
        chosen: tuple[int, tuple[float, float], Box] | None = None
        fallback: tuple[int, tuple[float, float], Box] | None = None
        for ring, distance in enumerate(LABEL_RINGS):
            for dx, dy in LABEL_DIRECTIONS:
                scale = (reach + distance) / math.hypot(dx, dy)
                offset = (dx * scale, dy * scale)
                probe = _node_label(ax, node, offset, leader=False, text=text)
                box = _text_box(probe, renderer)
                probe.remove()
                if not _within(box, frame):
                    continue
                if fallback is None:
                    fallback = (ring, offset, box)
                if not any(_overlap(box, other) for other in taken if other is not own):
                    chosen = (ring, offset, box)
                    break
            if chosen is not None:
                break
        pick = chosen or fallback
        if pick is None:  # pragma: no cover - the axes always hold the nearest position
            continue
        ring, offset, box = pick
        placed.append(_node_label(ax, node, offset, leader=ring > 0, reach=reach, text=text))
        taken.append(box)
    return placed


Box = tuple[float, float, float, float]
"""A box (x0, y0, x1, y1) [pixels]."""


def _node_label(
    ax: Any,
    node: Node,
    offset: tuple[float, float],
    *,
    leader: bool,
    reach: float = 0.0,
    text: str | None = None,
) -> Any:
    """A node's name (or ``text``) at ``offset`` [points] from it, aligned away from the
    node; with a thin leader line to the node's marker when ``leader``."""
    dx, dy = offset
    return ax.annotate(
        node.name if text is None else text,
        (node.lon, node.lat),
        xytext=offset,
        textcoords="offset points",
        ha="left" if dx > 1e-9 else "right" if dx < -1e-9 else "center",
        va="bottom" if dy > 1e-9 else "top" if dy < -1e-9 else "center",
        fontsize=LABEL_SIZE,
        zorder=7,
        gid="node-label",
        annotation_clip=False,
        arrowprops={
            "arrowstyle": "-",
            "color": "#555555",
            "linewidth": 0.4,
            "shrinkA": 0.0,
            "shrinkB": reach,
        }
        if leader
        else None,
    )


def _text_box(text: Any, renderer: Any) -> Box:
    """The box of a text's own glyphs [pixels] (an annotation's leader line left out)."""
    from matplotlib.text import Annotation, Text

    if isinstance(text, Annotation):
        text.update_positions(renderer)  # an annotation finds its place when drawn
    extent = Text.get_window_extent(text, renderer)
    return (float(extent.x0), float(extent.y0), float(extent.x1), float(extent.y1))


def _within(box: Box, frame: Any) -> bool:
    return bool(
        frame.x0 <= box[0] and box[2] <= frame.x1 and frame.y0 <= box[1] and box[3] <= frame.y1
    )


def _overlap(a: Box, b: Box) -> bool:
    """True when boxes (x0, y0, x1, y1) [pixels] come closer than :data:`LABEL_GAP`."""
    return (
        a[0] < b[2] + LABEL_GAP
        and b[0] < a[2] + LABEL_GAP
        and a[1] < b[3] + LABEL_GAP
        and b[1] < a[3] + LABEL_GAP
    )


def disruption_histogram(
    result: DeploymentResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """Closure day of the force over the disruption draws, with its 5/50/95 %
    quantiles; draws that do not close are shown past the horizon. Nothing (an empty
    list) without draws."""
    draws = result.disruptions
    if draws is None or not draws.closure_days:
        return []
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(8, 4.5))
    late = draws.horizon + 1
    closed = [d for d in draws.closure_days if d is not None]
    shown = [late if d is None else d for d in draws.closure_days]
    if result.plan.closure_day is not None:
        shown.append(result.plan.closure_day)
    low, high = min(shown), max(shown)
    width = max(1, math.ceil((high - low + 1) / 40))  # days per bin: at most ~40 bins
    if closed:
        ax.hist(
            closed,
            bins=[low - 0.5 + width * k for k in range((max(closed) - low) // width + 2)],
            color="#4c72b0",
            edgecolor="white",
            label=f"closed ({len(closed)} draws)",
        )
    if draws.not_closed:
        ax.bar(
            [late],
            [draws.not_closed],
            width=width,
            color="#c44e52",
            edgecolor="white",
            label=f"not closed by day {draws.horizon} ({draws.not_closed} draws)",
        )
    for (name, value), style in zip(draws.quantiles().items(), (":", "--", "-."), strict=True):
        where = late if value is None else value
        text = "not closed" if value is None else f"day {value}"
        ax.axvline(where, color="#333333", linestyle=style, linewidth=1.2, label=f"{name}: {text}")
    if result.plan.closure_day is not None:
        ax.axvline(
            result.plan.closure_day,
            color="#55a868",
            linewidth=1.0,
            label=f"without disruptions: day {result.plan.closure_day}",
        )
    pad = max(3.0, 0.05 * (high - low))
    ax.set_xlim(max(low - pad, -0.5), high + pad)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if draws.not_closed:
        # room for the "not closed" label: no other tick within 8 % of the range of it
        near = 0.08 * (high + pad - max(low - pad, -0.5))
        ticks = [int(t) for t in ax.get_xticks() if low - pad <= t <= late - near]
        ax.set_xticks([*ticks, late], [*map(str, ticks), "not closed"])
    ax.set_xlabel("force closure day [day after activation]")
    ax.set_ylabel("draws")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(
        _title(
            result,
            f"closure day over {len(draws.closure_days):,} disruption draws (seed {draws.seed:,})",
            workspace,
        )
    )
    _caption(fig, result, workspace, seed=draws.seed, draws=len(draws.closure_days))
    return save(fig, directory, "deploy_disruptions", out)


def deployment_charts(
    result: DeploymentResult,
    directory: Path,
    out: OutputTransaction | None = None,
    workspace: Workspace | None = None,
) -> list[Path]:
    """Every chart that applies: closure curve, map and (with draws) the histogram, all
    staged in the output transaction ``out`` (without it: all written, or none); with
    ``workspace``, names, nation colours and captions."""
    with output_transaction(out) as tx:
        written = closure_curve(result, directory, tx, workspace)
        written += network_map(result, directory, tx, workspace)
        written += disruption_histogram(result, directory, tx, workspace)
    return written


# -- helpers -----------------------------------------------------------------------


def _extend(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``values`` with its last value repeated once."""
    return np.append(values, values[-1:])


def _which(result: DeploymentResult, workspace: Workspace | None = None) -> str:
    which = names.scenario(workspace, result.scenario) if result.scenario else "every pledge"
    if result.requirement is not None:
        which += f", requirement {names.requirement(workspace, result.requirement)}"
    return which


def _title(result: DeploymentResult, detail: str, workspace: Workspace | None = None) -> str:
    return f"{_which(result, workspace)}: {detail}"


def _caption(
    figure: Any,
    result: DeploymentResult,
    workspace: Workspace | None,
    seed: int | None = None,
    draws: int | None = None,
) -> None:
    """Scenario, seed and draws of the disruptions (when drawn) and sources."""
    if workspace is None:
        return
    scenario = _which(result, workspace)
    caption(figure, caption_text(workspace, scenario=scenario, seed=seed, draws=draws))


def _peak_utilisation(result: DeploymentResult) -> dict[str, float | None]:
    """Leg id -> highest utilisation over days and loads [share]; None for a leg that
    carries something but reports no share. Legs that carry nothing are left out."""
    frame = result.plan.utilisation
    out: dict[str, float | None] = {}
    if frame.empty:
        return out
    legs = frame[(frame["kind"] == "leg") & (frame["flow"] > 0)]
    for resource, group in legs.groupby("resource"):
        shares = group["utilisation"].dropna()
        out[str(resource)] = float(shares.max()) if len(shares) else None
    return out


def _leg_segments(
    network: Network,
) -> Iterator[tuple[Leg, tuple[tuple[float, float], tuple[float, float]]]]:
    """Each leg with its (lon, lat) end points, legs between the same two nodes set a
    little apart so that each can be seen."""
    nodes = {n.id: n for n in network.nodes}
    pairs: dict[frozenset[str], list[Leg]] = {}
    for leg in network.legs:
        pairs.setdefault(frozenset((leg.from_, leg.to)), []).append(leg)
    for group in pairs.values():
        for k, leg in enumerate(group):
            a, b = nodes[leg.from_], nodes[leg.to]
            # offset measured in a fixed orientation, so that A->B and B->A separate
            first, second = (a, b) if a.id < b.id else (b, a)
            dx, dy = second.lon - first.lon, second.lat - first.lat
            length = math.hypot(dx, dy) or 1.0
            shift = (k - (len(group) - 1) / 2) * PARALLEL_OFFSET
            ox, oy = -dy / length * shift, dx / length * shift
            yield leg, ((a.lon + ox, a.lat + oy), (b.lon + ox, b.lat + oy))


def _extent(network: Network) -> tuple[float, float, float, float]:
    """West, east, south and north edges of the map [degrees]: the nodes of the kinds
    in ``MAP_KINDS`` (all nodes when there are none) and the line of contact, plus a
    margin."""
    points = [(n.lon, n.lat) for n in network.nodes if n.kind in MAP_KINDS]
    if not points:
        points = [(n.lon, n.lat) for n in network.nodes]
    if network.line_of_contact is not None:
        points += [(p.lon, p.lat) for p in network.line_of_contact.points]
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east = min(lons) - MARGIN, max(lons) + MARGIN
    south, north = max(min(lats) - MARGIN, -89.0), min(max(lats) + MARGIN, 89.0)
    return west, east, south, north


def _inside(node: Node, west: float, east: float, south: float, north: float) -> bool:
    return west <= node.lon <= east and south <= node.lat <= north


@cache
def draw_countries(ax: Any, extent: tuple[float, float, float, float]) -> None:
    """Sea, the shipped country outlines and, inside ``extent`` (west, east, south, north
    [degrees]), the country codes: the base of every map."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Polygon

    west, east, south, north = extent
    ax.set_facecolor("#eaf2f8")
    outlines = [Polygon(ring, closed=True) for _, ring in _outline_rings()]
    ax.add_collection(
        PatchCollection(outlines, facecolor="#f2f2f2", edgecolor="#9a9a9a", linewidth=0.5, zorder=1)
    )
    for code, (x, y) in _country_labels().items():
        if west < x < east and south < y < north:
            ax.text(
                x,
                y,
                code,
                ha="center",
                va="center",
                fontsize=9,
                color="#a0a0a0",
                fontstyle="italic",
                zorder=1.5,
            )


def _outline_rings() -> tuple[tuple[str, Ring], ...]:
    """Outer rings of the country outlines shipped with the package (lon, lat), each
    with its country's ISO 3166 alpha-3 code."""
    resource = files("forcegen") / "datasets" / "geo" / "countries.geojson"
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ForcegenError(f"cannot read the country outlines: {exc}") from None
    rings: list[tuple[str, Ring]] = []
    for feature in data.get("features", ()):
        code = str((feature.get("properties") or {}).get("iso_a3", ""))
        geometry = feature.get("geometry") or {}
        kind = geometry.get("type")
        if kind not in ("Polygon", "MultiPolygon"):
            continue
        coordinates = geometry.get("coordinates") or []
        for polygon in [coordinates] if kind == "Polygon" else coordinates:
            if polygon:
                rings.append((code, [(float(x), float(y)) for x, y, *_ in polygon[0]]))
    return tuple(rings)


def _country_labels() -> dict[str, tuple[float, float]]:
    """Where to write each country's code: the centroid of its largest ring."""
    best: dict[str, tuple[float, tuple[float, float]]] = {}
    for code, ring in _outline_rings():
        area, x, y = _centroid(ring)
        if code and (code not in best or area > best[code][0]):
            best[code] = (area, (x, y))
    return {code: point for code, (_, point) in best.items()}


def _centroid(ring: Ring) -> tuple[float, float, float]:
    """Area [square degrees] and centroid (lon, lat) of a ring (shoelace formula)."""
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(twice_area) < 1e-12:
        n = max(len(ring), 1)
        return 0.0, sum(p[0] for p in ring) / n, sum(p[1] for p in ring) / n
    return abs(twice_area) / 2, cx / (3 * twice_area), cy / (3 * twice_area)
