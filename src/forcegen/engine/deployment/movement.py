"""Movement requirements: what must move, from where, to where, from which day.

Each moving unit is a pledge (or, after sourcing, the part of a pledge given to one
requirement line): its personnel and cargo are ready on day ``readiness_days`` at its
nation's origin node(s) and bound for the destination node of its zone. A unit bound for
a zone with no destination node (airspace, the Black Sea) is not moved through the
network and is listed as such.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from forcegen.model.network import Network
from forcegen.model.workspace import Workspace


@dataclass(frozen=True)
class Movement:
    """One unit to move; ``personnel`` [persons], ``short_tons`` [short tons],
    ``vehicles`` [vehicles], days after activation."""

    unit: str
    pledge: str
    nation: str
    capability: str
    origins: tuple[str, ...]
    destination: str
    zone: str
    ready_day: int
    required_day: int | None
    personnel: float
    short_tons: float
    vehicles: float


@dataclass(frozen=True)
class NotMoved:
    """A unit left out of the movement plan, and why: ``personnel`` [persons] it
    carries, ``domain`` of its capability (land, air, maritime, joint), ``zone`` it is
    bound for (None when it has none)."""

    unit: str
    pledge: str
    nation: str
    reason: str
    personnel: float = 0.0
    domain: str = ""
    zone: str | None = None


@dataclass(frozen=True)
class Tasking:
    """Units of a pledge given to one place: a requirement line's zone and deadline
    (``zone`` None = the pledge's own zones), ``units`` [units]."""

    pledge: str
    units: float
    zone: str | None = None
    required_day: int | None = None
    label: str = ""


def _destination(
    network: Network, zone: str | None, pledge_zones: Sequence[str] | None
) -> str | None:
    candidates: list[str]
    if zone is not None:
        candidates = [zone]
    elif pledge_zones is None:
        candidates = [network.default_zone] if network.default_zone else []
    else:
        candidates = list(pledge_zones)
    for candidate in candidates:
        if candidate in network.zones:
            return candidate
    return None


def home_based(workspace: Workspace) -> dict[str, str]:
    """Capability id -> where it sits, for headquarters that sit at home, outside the
    theatre (``home_based``): pledges of such a capability are not moved. A capability
    with any record in the theatre moves."""
    home: dict[str, str] = {}
    away: set[str] = set()
    for hq in workspace.headquarters.values():
        if hq.capability is None:
            continue
        if hq.home_based:
            home.setdefault(hq.capability, hq.location)
        else:
            away.add(hq.capability)
    return {cap: where for cap, where in home.items() if cap not in away}


def movements(
    workspace: Workspace, network: Network, taskings: Sequence[Tasking]
) -> tuple[list[Movement], list[NotMoved]]:
    """Movement requirements for ``taskings`` (see :func:`taskings_from_pledges`)."""
    moved: list[Movement] = []
    left: list[NotMoved] = []
    home = home_based(workspace)
    for task in taskings:
        pledge = workspace.pledges[task.pledge]
        unit = task.label or pledge.id
        capability = workspace.capabilities[pledge.capability]
        share = task.units / pledge.quantity
        personnel = workspace.pledge_personnel(pledge.id) * share
        domain = capability.domain.value
        if pledge.capability in home:
            left.append(
                NotMoved(
                    unit,
                    pledge.id,
                    pledge.nation,
                    f"home-based headquarters: sits at {home[pledge.capability]}",
                    float(personnel),
                    domain,
                    None,
                )
            )
            continue
        zone = _destination(network, task.zone, pledge.zones)
        if zone is None:
            wanted = task.zone or ", ".join(pledge.zones or ()) or "no zone"
            first = task.zone or (pledge.zones[0] if pledge.zones else None)
            left.append(
                NotMoved(
                    unit,
                    pledge.id,
                    pledge.nation,
                    f"no destination node for {wanted}",
                    float(personnel),
                    domain,
                    first,
                )
            )
            continue
        origins = network.origins.get(pledge.nation, ())
        if not origins:
            left.append(
                NotMoved(
                    unit,
                    pledge.id,
                    pledge.nation,
                    "nation has no origin",
                    float(personnel),
                    domain,
                    zone,
                )
            )
            continue
        lift = capability.lift
        moved.append(
            Movement(
                unit=unit,
                pledge=pledge.id,
                nation=pledge.nation,
                capability=pledge.capability,
                origins=tuple(origins),
                destination=network.zones[zone],
                zone=zone,
                ready_day=pledge.readiness_days,
                required_day=task.required_day,
                personnel=float(personnel),
                short_tons=float(lift.short_tons * task.units) if lift else 0.0,
                vehicles=float(lift.vehicles * task.units) if lift else 0.0,
            )
        )
    return moved, left


def taskings_from_pledges(quantities: Mapping[str, float]) -> list[Tasking]:
    """One tasking per active pledge (``quantities``: pledge id -> units), bound for the
    first of its zones that has a destination node."""
    return [Tasking(pid, units) for pid, units in quantities.items() if units > 0]


def taskings_from_sourcing(
    workspace: Workspace, requirement: str, assignments: Sequence[tuple[int, str, float]]
) -> list[Tasking]:
    """One tasking per (line index, pledge id, units) of a sourcing solution, bound for
    the line's zone by its ``needed_by_day``."""
    lines = workspace.requirement(requirement).lines
    split: dict[str, int] = {}
    for _, pledge, _ in assignments:
        split[pledge] = split.get(pledge, 0) + 1
    out = []
    for line, pledge, units in assignments:
        req = lines[line]
        label = f"{pledge}@line{line + 1}" if split[pledge] > 1 else pledge
        out.append(Tasking(pledge, units, req.zone, req.needed_by_day, label))
    return out
