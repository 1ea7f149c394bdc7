"""Road distances and times from a station to a point or to the line of contact.

Road legs of the network are roads both ways; a leg's length is its ``length_km`` when
given, else the great-circle distance between its ends times the detour factor. The road
distance between two nodes is the shortest path over road legs (Dijkstra). From a node
``n`` to a point ``p`` anywhere, a column drives by road to some node ``m`` it can reach
and then across country, great circle times the detour factor::

    road_km(n, p) = min over m road-reachable from n (m = n included) of
                    road_km(n, m) + great_circle_km(m, p) x detour_factor
    road_hours(n, p) = road_km(n, p) / convoy_speed_kmh
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from functools import cached_property

from forcegen.engine.deployment.geography import distance_to_line_km, great_circle_km
from forcegen.model.network import Mode, Network, Node


class RoadNetwork:
    """The road legs of a network as an undirected graph with lengths [km]."""

    def __init__(self, network: Network, detour_factor: float, convoy_speed_kmh: float) -> None:
        self.nodes: dict[str, Node] = {node.id: node for node in network.nodes}
        self.detour = float(detour_factor)
        self.speed = float(convoy_speed_kmh)
        self.adjacent: dict[str, list[tuple[str, float]]] = {}
        for leg in network.legs:
            if leg.mode is not Mode.ROAD:
                continue
            km = self.leg_km(leg.from_, leg.to, leg.length_km)
            self.adjacent.setdefault(leg.from_, []).append((leg.to, km))
            self.adjacent.setdefault(leg.to, []).append((leg.from_, km))
        self._from: dict[str, dict[str, float]] = {}

    def leg_km(self, a: str, b: str, length_km: float | None) -> float:
        """A road leg's length [km]: ``length_km``, else great circle x detour."""
        if length_km is not None:
            return float(length_km)
        return self.detour * self.crow_km(a, b)

    def crow_km(self, a: str, b: str) -> float:
        """Great-circle distance between two nodes [km]."""
        p, q = self.nodes[a], self.nodes[b]
        return great_circle_km(p.lat, p.lon, q.lat, q.lon)

    def road_km_from(self, source: str) -> dict[str, float]:
        """Shortest road distance from ``source`` to every node it reaches by road [km]
        (itself at 0)."""
        if source not in self._from:
            best = {source: 0.0}
            queue = [(0.0, source)]
            while queue:
                km, node = heapq.heappop(queue)
                if km > best[node]:
                    continue
                for nxt, length in self.adjacent.get(node, ()):
                    total = km + length
                    if total < best.get(nxt, math.inf):
                        best[nxt] = total
                        heapq.heappush(queue, (total, nxt))
            self._from[source] = best
        return self._from[source]

    def km_to_point(self, source: str, lat: float, lon: float) -> float:
        """Road distance from node ``source`` to the point (lat, lon) [km]."""
        return min(
            km + self.detour * great_circle_km(self.nodes[m].lat, self.nodes[m].lon, lat, lon)
            for m, km in self.road_km_from(source).items()
        )

    def hours_to_point(self, source: str, lat: float, lon: float) -> float:
        """Road time from node ``source`` to the point (lat, lon) [h]."""
        return self.km_to_point(source, lat, lon) / self.speed

    def hours_to_line(self, source: str, line: Sequence[tuple[float, float]]) -> float:
        """Road time from node ``source`` to the nearest point of the polyline ``line``
        of (lat, lon) points [h]."""
        return self._km_to_line(source, tuple(line)) / self.speed

    def _km_to_line(self, source: str, line: tuple[tuple[float, float], ...]) -> float:
        return min(
            km + self.detour * self._line_km(m, line) for m, km in self.road_km_from(source).items()
        )

    def _line_km(self, node: str, line: tuple[tuple[float, float], ...]) -> float:
        key = (node, line)
        if key not in self._line_cache:
            n = self.nodes[node]
            self._line_cache[key] = distance_to_line_km(n.lat, n.lon, line)
        return self._line_cache[key]

    @cached_property
    def _line_cache(self) -> dict[tuple[str, tuple[tuple[float, float], ...]], float]:
        return {}
