"""Reference checks of the postures and the posture settings.

Like :mod:`forcegen.model.checks` they run on the raw data (as read), so that one run
reports every problem; values of the wrong type are left to field validation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from forcegen.errors import Issue
from forcegen.model.checks import CheckContext, Known, _unknown


def _node_ids(raw_network: Any) -> frozenset[str] | None:
    """The node ids of the raw network, or None when there is no network."""
    if not isinstance(raw_network, Mapping):
        return None
    nodes = raw_network.get("nodes")
    if not isinstance(nodes, list):
        return frozenset()
    return frozenset(
        item["id"] for item in nodes if isinstance(item, dict) and isinstance(item.get("id"), str)
    )


def check_postures(
    ctx: CheckContext, raw_posture: Mapping[str, Any] | None, raw_network: Any
) -> Iterator[Issue]:
    """Zones of ``zone_order`` and ``stations`` known; station nodes known nodes of the
    network (which must exist when a posture names nodes); ``posture.risk_scenario`` a
    known scenario."""
    zones = ctx.known("zones")
    node_ids = _node_ids(raw_network)
    nodes = Known(node_ids or ())
    for index, item in ctx.items("postures"):
        order = item.get("zone_order")
        if isinstance(order, list):
            for n, zone in enumerate(order):
                if isinstance(zone, str) and zone not in zones:
                    yield _unknown(("postures", index, "zone_order", n), "zone", zone, zones)
        stations = item.get("stations")
        if not isinstance(stations, dict):
            continue
        for zone, places in stations.items():
            path = ("postures", index, "stations", str(zone))
            if isinstance(zone, str) and zone not in zones:
                yield _unknown(path, "zone", zone, zones)
            if not isinstance(places, list):
                continue
            if node_ids is None and places:
                yield Issue(
                    path,
                    "stations name nodes but the workspace has no network",
                    expected="a 'network:' key whose nodes the stations name",
                )
                continue
            for n, node in enumerate(places):
                if isinstance(node, str) and node not in nodes:
                    yield _unknown((*path, n), "node", node, nodes)
    if isinstance(raw_posture, Mapping):
        scenario = raw_posture.get("risk_scenario")
        if isinstance(scenario, str) and scenario not in ctx.known("scenarios"):
            yield _unknown(
                ("posture", "risk_scenario"), "scenario", scenario, ctx.known("scenarios")
            )
