"""Cross-checks of the supply keys on the raw data: planning factors naming known
capabilities, no two factors that would both hold, supply source nodes in the network.

Like :mod:`forcegen.model.checks`, they read plain mappings and skip values of the wrong
type (field validation reports those).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from forcegen.errors import Issue, shown
from forcegen.model.checks import CheckContext, Known, _unknown

FACTORS = "planning_factors"
SUPPLY = "supply"
SELECTORS = ("supply_class", "capability", "climate", "posture", "rations")
"""The fields that say when a factor holds: two factors alike in all of them clash."""


def check_planning_factors(ctx: CheckContext) -> Iterator[Issue]:
    """Each factor's ``capability`` names a capability; no two factors hold for the
    same class, capability, climate, posture and ration cycle."""
    capabilities = ctx.known("capabilities")
    first: dict[tuple[Any, ...], tuple[int, str]] = {}
    for index, item in ctx.items(FACTORS):
        capability = item.get("capability")
        if isinstance(capability, str) and capability not in capabilities:
            yield _unknown((FACTORS, index, "capability"), "capability", capability, capabilities)
        key = tuple(item.get(name) for name in SELECTORS)
        if not all(v is None or isinstance(v, str) for v in key):
            continue
        rid = item.get("id")
        if not isinstance(rid, str):
            continue
        if key in first:
            other_index, other = first[key]
            yield Issue(
                (FACTORS, index, "id"),
                f"factor '{shown(rid)}' holds for the same class, capability, climate, "
                f"posture and rations as '{shown(other)}' (planning_factors item "
                f"{other_index + 1})",
                expected="one factor per class and case",
                hint=f"to replace the library's factor, give yours its id '{other}'",
            )
        else:
            first[key] = (index, rid)


def check_supply(raw: Mapping[str, Any], network: Any) -> Iterator[Issue]:
    """The supply source nodes are nodes of the network (which must then be given), at
    least one, none a destination or inside a destination's country (supply leaves from
    the rear: a source there would be supplied from nowhere)."""
    nodes_given = raw.get("source_nodes")
    if not isinstance(nodes_given, list):
        return
    if not nodes_given:
        yield Issue(
            (SUPPLY, "source_nodes"),
            "an empty list names no node supply leaves from",
            expected="at least one node id, or no source_nodes key for the default (every "
            "staging node outside the destinations' country)",
        )
        return
    records: dict[str, Mapping[str, Any]] = {}
    if isinstance(network, dict) and isinstance(network.get("nodes"), list):
        records = {
            n["id"]: n
            for n in network["nodes"]
            if isinstance(n, dict) and isinstance(n.get("id"), str)
        }
    countries = {
        n.get("country")
        for n in records.values()
        if n.get("kind") == "destination" and isinstance(n.get("country"), str)
    }
    known = Known(set(records))
    for n, node in enumerate(nodes_given):
        if not isinstance(node, str):
            continue
        if node not in known:
            yield _unknown((SUPPLY, "source_nodes", n), "network node", node, known)
            continue
        record = records[node]
        if record.get("kind") == "destination" or record.get("country") in countries:
            where = (
                "a destination node"
                if record.get("kind") == "destination"
                else f"inside a destination's country ({shown(str(record.get('country')))})"
            )
            yield Issue(
                (SUPPLY, "source_nodes", n),
                f"node '{shown(node)}' is {where}: supply cannot leave from where it is delivered",
                found=node,
                expected="a node outside the destinations' country (e.g. a staging node "
                "in the rear), or no source_nodes key for the default",
            )
