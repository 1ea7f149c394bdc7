"""Stationing: where each unit stands under a posture.

A unit is a tasking of :mod:`forcegen.engine.deployment.movement` (a pledge, or the part
of it given to a requirement line). Its zone is the first of its candidate zones that has
a place to stand:

- a requirement line's zone, when the tasking has one;
- else the pledge's own zones (each front-line zone added when its nation's front-line
  caveat is lifted), in the order of the posture's ``zone_order`` when it has one (zones
  the order leaves out follow, in the pledge's order), else in the pledge's own order;
- a pledge with no zones may go anywhere: the first zone of the ``zone_order``, else the
  network's ``default_zone`` (as ``deploy`` moves it).

A zone's place is the posture's ``stations`` for it, else the network's destination for
it. With several station nodes, every unit of the zone is spread over them, balanced by
personnel: first the manoeuvre units, then the others, each group largest first (pledge
order among equals), each unit to the station with the fewest personnel so far (the first
listed among equals). Every station thus gets a manoeuvre unit (a reaction force) when the
zone has at least as many manoeuvre units as stations. No posture (``None``) is the deployment
plan's own layout: the network's zone destinations, each pledge's own zone order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from forcegen.engine.deployment.movement import Tasking, home_based
from forcegen.model.network import Network
from forcegen.model.pledges import Pledge
from forcegen.model.posture import Posture
from forcegen.model.workspace import Workspace


@dataclass(frozen=True)
class Station:
    """One unit where it stands: ``personnel`` [persons]; ``caveated`` when its pledge
    keeps it out of every front-line zone it could otherwise reach (:func:`is_caveated`)."""

    unit: str
    pledge: str
    nation: str
    capability: str
    manoeuvre: bool
    zone: str
    node: str
    personnel: float
    caveated: bool


@dataclass(frozen=True)
class NotStationed:
    """A unit with no place on the ground, and why (``personnel`` [persons]; ``zone``
    the first zone it may go to, None when it has none or sits at home)."""

    unit: str
    pledge: str
    nation: str
    reason: str
    personnel: float
    zone: str | None = None


def front_line_zones(workspace: Workspace) -> tuple[str, ...]:
    """Ids of the zones that touch the line of contact (``front_line: true``)."""
    return tuple(zid for zid, zone in workspace.zones.items() if zone.front_line)


def is_caveated(workspace: Workspace, network: Network, pledge: Pledge) -> bool:
    """True when a pledge carries a front-line caveat: it may stand on the ground (a zone
    with a destination node) in a country that has a front-line zone, but in none of the
    front-line zones. A pledge with no zones may go anywhere: not caveated."""
    if pledge.zones is None:
        return False
    front = set(front_line_zones(workspace))
    if not front or front & set(pledge.zones):
        return False
    countries = {workspace.zones[z].country for z in front} - {None}
    return any(z in network.zones and workspace.zones[z].country in countries for z in pledge.zones)


def _candidates(
    workspace: Workspace,
    network: Network,
    posture: Posture | None,
    task: Tasking,
    pledge: Pledge,
    lifted: Collection[str],
) -> list[str]:
    if task.zone is not None:
        return [task.zone]
    order = list(posture.zone_order) if posture is not None else []
    if pledge.zones is None:
        if order:
            return order
        return [network.default_zone] if network.default_zone else []
    allowed = list(pledge.zones)
    # lifting a nation's caveat opens the front line to its caveated land pledges only:
    # its fighter squadron (airspace, Poland, Romania) and its headquarters (joint, sited
    # in Kyiv by design) stay where they are
    if (
        pledge.nation in lifted
        and workspace.capabilities[pledge.capability].domain.value == "land"
        and is_caveated(workspace, network, pledge)
    ):
        allowed += [z for z in front_line_zones(workspace) if z not in allowed]
    if not order:
        return allowed
    ranked = [z for z in order if z in allowed]
    return ranked + [z for z in allowed if z not in ranked]


def _places(network: Network, posture: Posture | None, zone: str) -> tuple[str, ...]:
    if posture is not None and zone in posture.stations:
        return posture.stations[zone]
    node = network.zones.get(zone)
    return (node,) if node is not None else ()


def station_units(
    workspace: Workspace,
    network: Network,
    taskings: Sequence[Tasking],
    posture: Posture | None = None,
    lifted: Collection[str] = (),
) -> tuple[list[Station], list[NotStationed]]:
    """Where each tasking stands under ``posture`` (None: the deployment plan's layout),
    with the front-line caveat of the nations in ``lifted`` lifted."""
    placed: list[Station | None] = []
    left: list[NotStationed] = []
    home = home_based(workspace)
    waiting: dict[str, list[int]] = {}  # zone -> indices into placed, to be given a node
    for task in taskings:
        pledge = workspace.pledges[task.pledge]
        capability = workspace.capabilities[pledge.capability]
        unit = task.label or pledge.id
        personnel = workspace.pledge_personnel(pledge.id) * task.units / pledge.quantity
        if pledge.capability in home:
            reason = f"home-based headquarters: sits at {home[pledge.capability]}"
            left.append(NotStationed(unit, pledge.id, pledge.nation, reason, float(personnel)))
            continue
        zone = next(
            (
                z
                for z in _candidates(workspace, network, posture, task, pledge, lifted)
                if _places(network, posture, z)
            ),
            None,
        )
        if zone is None:
            wanted = task.zone or ", ".join(pledge.zones or ()) or "no zone"
            first = task.zone or (pledge.zones[0] if pledge.zones else None)
            reason = f"no place on the ground for {wanted}"
            left.append(
                NotStationed(unit, pledge.id, pledge.nation, reason, float(personnel), first)
            )
            continue
        caveated = is_caveated(workspace, network, pledge) and pledge.nation not in lifted
        waiting.setdefault(zone, []).append(len(placed))
        placed.append(
            Station(
                unit,
                pledge.id,
                pledge.nation,
                pledge.capability,
                capability.manoeuvre,
                zone,
                "",
                float(personnel),
                caveated,
            )
        )
    for zone, indices in waiting.items():
        units = [(k, placed[k]) for k in indices]
        nodes = spread(
            [(st.personnel, st.manoeuvre) for _, st in units if st is not None],
            _places(network, posture, zone),
        )
        for (k, st), node in zip(units, nodes, strict=True):
            assert st is not None
            placed[k] = replace(st, node=node)
    return [st for st in placed if st is not None], left


def spread(units: Sequence[tuple[float, bool]], places: Sequence[str]) -> list[str]:
    """The station of each unit (personnel [persons], manoeuvre) of one zone among
    ``places``: manoeuvre units first, then the others, each group largest first (given
    order among equals), each to the station with the fewest personnel so far (the first
    of ``places`` among equals)."""
    load = dict.fromkeys(places, 0.0)
    order = sorted(range(len(units)), key=lambda k: (not units[k][1], -units[k][0], k))
    out = [places[0]] * len(units)
    for k in order:
        node = min(places, key=lambda n: load[n])
        out[k] = node
        load[node] += units[k][0]
    return out
