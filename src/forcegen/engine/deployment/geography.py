"""Distances on the globe [km]."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius [km] (IUGG)."""


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points [km] (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_to_line_km(lat: float, lon: float, line: Sequence[tuple[float, float]]) -> float:
    """Shortest distance from a point to a polyline of (lat, lon) points [km], each
    segment treated as straight in a local equirectangular projection (accurate to
    well under 1 % over a few hundred km)."""
    best = math.inf
    scale = math.cos(math.radians(lat))
    for (a_lat, a_lon), (b_lat, b_lon) in pairwise(line):
        ax, ay = (a_lon - lon) * scale, a_lat - lat
        bx, by = (b_lon - lon) * scale, b_lat - lat
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
        px, py = ax + t * dx, ay + t * dy
        best = min(best, great_circle_km(lat, lon, lat + py, lon + px / scale))
    if len(line) == 1:
        best = great_circle_km(lat, lon, line[0][0], line[0][1])
    return best
