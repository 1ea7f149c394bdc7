"""Coverage of the line of contact by units free to move to the line: which share of its
length some manoeuvre unit without a front-line caveat can reach by road within T hours,
and the segment that waits longest. A caveated unit would not go to the line: it is left
out (unless ``include_caveated``, the figure reported as ``coverage_including_caveated``).

The line is cut into segments: each piece between two of its points into
``ceil(length / segment_km)`` equal parts (positions interpolated in latitude and
longitude, lengths measured on the great circle). A segment is covered within T hours
when some manoeuvre unit's (free to move to the line) road time to its midpoint is at most T
(:meth:`~forcegen.engine.posture.road_time.RoadNetwork.hours_to_point`); coverage is the
covered length over the total length. The worst segment is the one whose fastest
reinforcement takes longest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from forcegen.engine.deployment.geography import great_circle_km
from forcegen.engine.posture.road_time import RoadNetwork
from forcegen.engine.posture.stationing import Station
from forcegen.errors import ForcegenError
from forcegen.limits import LIMITS, MAX_SEGMENTS

LatLon = tuple[float, float]
"""A point (latitude, longitude) [degrees]."""


@dataclass(frozen=True)
class Piece:
    """A piece of the line: ``start_km``/``end_km`` along it from its first point [km],
    end points and midpoint (lat, lon) [degrees]."""

    index: int
    start_km: float
    end_km: float
    start: LatLon
    end: LatLon
    mid: LatLon

    @property
    def length_km(self) -> float:
        """Length of the piece [km]."""
        return self.end_km - self.start_km


@dataclass(frozen=True)
class Segment:
    """A piece with its fastest reinforcement: ``hours`` [h] (None when no manoeuvre unit
    is on the ground), the unit that reaches it first and the node it starts from."""

    piece: Piece
    hours: float | None
    unit: str | None
    nation: str | None
    node: str | None

    def covered(self, within_hours: float) -> bool:
        """True when a manoeuvre unit reaches it within ``within_hours`` [h]."""
        return self.hours is not None and self.hours <= within_hours

    def to_json(self) -> dict[str, object]:
        """Where it is, who reaches it first and in how many hours."""
        p = self.piece
        return {
            "index": p.index,
            "start_km": round(p.start_km, 1),
            "end_km": round(p.end_km, 1),
            "start": {"lat": round(p.start[0], 4), "lon": round(p.start[1], 4)},
            "end": {"lat": round(p.end[0], 4), "lon": round(p.end[1], 4)},
            "unit": self.unit,
            "nation": self.nation,
            "node": self.node,
            "hours": None if self.hours is None else round(self.hours, 2),
        }


def split_line(points: Sequence[LatLon], segment_km: float) -> list[Piece]:
    """The line of (lat, lon) points cut into pieces of at most ``segment_km`` [km];
    refused (ForcegenError) beyond :data:`~forcegen.limits.MAX_SEGMENTS` pieces."""
    edges = [(a, b, great_circle_km(*a, *b)) for a, b in pairwise(points)]
    count = sum(max(1, math.ceil(km / segment_km)) for _, _, km in edges)
    if count > MAX_SEGMENTS:
        raise ForcegenError(
            f"posture.segment_km {segment_km:g} cuts the line of contact into {count:,} "
            f"segments: {LIMITS['MAX_SEGMENTS'].refusal(count)}; expected a longer segment_km"
        )
    pieces: list[Piece] = []
    along = 0.0
    for a, b, km in edges:
        n = max(1, math.ceil(km / segment_km))
        ends = [(a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n) for k in range(n + 1)]
        for start, end in pairwise(ends):
            length = great_circle_km(*start, *end)
            mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
            pieces.append(Piece(len(pieces), along, along + length, start, end, mid))
            along += length
    return pieces


def reach(
    roads: RoadNetwork,
    pieces: Sequence[Piece],
    stations: Iterable[Station],
    include_caveated: bool = False,
    hours_to: Callable[[str, Piece], float] | None = None,
) -> list[Segment]:
    """Each piece with the manoeuvre unit free to move to the line (caveated units count
    only with ``include_caveated``) that reaches its midpoint first (the first in
    stationing order among equals) and its road time [h]; ``hours_to(node, piece)`` a
    cache of the road times (default: computed)."""
    first_at: dict[str, Station] = {}
    for station in stations:
        if station.manoeuvre and (include_caveated or not station.caveated):
            first_at.setdefault(station.node, station)
    out: list[Segment] = []
    for piece in pieces:
        best: tuple[float, Station] | None = None
        for node, station in first_at.items():
            if hours_to is None:
                hours = roads.hours_to_point(node, *piece.mid)
            else:
                hours = hours_to(node, piece)
            if best is None or hours < best[0]:
                best = (hours, station)
        if best is None:
            out.append(Segment(piece, None, None, None, None))
        else:
            hours, station = best
            out.append(Segment(piece, hours, station.unit, station.nation, station.node))
    return out


def coverage(segments: Sequence[Segment], within_hours: float) -> float:
    """Share of the line's length covered within ``within_hours`` [0-1]."""
    total = sum(s.piece.length_km for s in segments)
    if total <= 0:
        return 0.0
    return sum(s.piece.length_km for s in segments if s.covered(within_hours)) / total


def worst_segment(segments: Sequence[Segment]) -> Segment | None:
    """The segment whose fastest reinforcement takes longest (unreached first; the first
    along the line among equals); None for a line with no segment."""
    worst: Segment | None = None
    for segment in segments:
        if worst is None or _later(segment.hours, worst.hours):
            worst = segment
    return worst


def _later(hours: float | None, than: float | None) -> bool:
    """True when ``hours`` is later than ``than`` [h]; None (never reached) is latest."""
    if than is None:
        return False
    return hours is None or hours > than
