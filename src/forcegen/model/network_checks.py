"""Reference and reachability checks of the deployment network.

Like :mod:`forcegen.model.checks` they run on the raw mapping (as read), so that one run
reports every problem; values of the wrong type are left to field validation (and ids or
references that are not text are never looked up in a set or dict).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from forcegen.errors import Issue, shown
from forcegen.model.checks import CheckContext, Known, _unknown

NET = "network"


def _records(raw: Mapping[str, Any], part: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = raw.get(part)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _ids(raw: Mapping[str, Any], part: str) -> list[str]:
    return [item["id"] for _, item in _records(raw, part) if isinstance(item.get("id"), str)]


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def reachable(adjacent: Mapping[str, list[str]], starts: list[str]) -> set[str]:
    """Nodes reachable from ``starts`` (breadth first)."""
    seen = set(starts)
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        for nxt in adjacent.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def reach_masks(
    adjacent: Mapping[str, list[str]], starts: Mapping[int, list[str]]
) -> dict[str, int]:
    """For every node, the bit set of the keys of ``starts`` it is reachable from.

    Linear in nodes + edges (each step an OR of bit sets), however many keys: the
    strongly connected components are found once (Tarjan, iteratively) and the bits
    flow through them in topological order. A breadth-first search per key would take
    keys x (nodes + edges).
    """
    nodes = set(adjacent)
    for targets in adjacent.values():
        nodes.update(targets)
    for group in starts.values():
        nodes.update(group)
    component = _components(adjacent, sorted(nodes))
    count = max(component.values(), default=-1) + 1
    masks = [0] * count
    for bit, group in starts.items():
        for node in group:
            masks[component[node]] |= 1 << bit
    # Tarjan numbers components in reverse topological order: the last found come first
    later: list[list[int]] = [[] for _ in range(count)]
    for node, targets in adjacent.items():
        here = component[node]
        later[here].extend(component[t] for t in targets if component[t] != here)
    for here in range(count - 1, -1, -1):
        for there in later[here]:
            masks[there] |= masks[here]
    return {node: masks[component[node]] for node in nodes}


def _components(adjacent: Mapping[str, list[str]], nodes: list[str]) -> dict[str, int]:
    """Strongly connected component of every node (Tarjan's algorithm, no recursion);
    components are numbered in the order found, a reverse topological order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    found = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(adjacent.get(root, ())))]
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(adjacent.get(target, ()))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component[member] = found
                        if member == node:
                            break
                    found += 1
    return component


def check_network(raw: Mapping[str, Any], ctx: CheckContext) -> Iterator[Issue]:
    """Unique ids; legs, origins, zones and disruptions naming known nodes, nations and
    zones; every destination a pledge may be sent to reachable from its nation's origins
    by legs that carry personnel (and cargo, when its capability has any), into nodes
    whose handling of that load is not zero."""
    nodes = _ids(raw, "nodes")
    node_set = Known(nodes)
    for part in ("nodes", "legs", "disruptions"):
        first: dict[str, int] = {}
        for index, item in _records(raw, part):
            rid = item.get("id")
            if not isinstance(rid, str):
                continue
            if rid in first:
                yield Issue(
                    (NET, part, index, "id"),
                    f"duplicate id '{shown(rid)}' (first at {part} item {first[rid] + 1})",
                    expected="ids unique within the section",
                )
            else:
                first[rid] = index
    leg_index: dict[str, int] = {}
    for index, item in _records(raw, "legs"):
        if isinstance(item.get("id"), str):
            leg_index.setdefault(item["id"], index)
    for rid in sorted(node_set.ids & set(leg_index)):
        yield Issue(
            (NET, "legs", leg_index[rid], "id"),
            f"leg id '{rid}' is also a node id",
            expected="distinct ids for nodes and legs (disruptions name either)",
        )
    pax: dict[str, list[str]] = {}
    cargo: dict[str, list[str]] = {}
    closed: dict[str, set[str]] = {"pax_per_day": set(), "short_tons_per_day": set()}
    for _, item in _records(raw, "nodes"):
        handling = item.get("handling")
        if isinstance(handling, dict) and isinstance(item.get("id"), str):
            for key, names in closed.items():
                value = handling.get(key)
                if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0:
                    names.add(item["id"])
    for index, leg in _records(raw, "legs"):
        ends = []
        for key in ("from", "to"):
            value = leg.get(key)
            if isinstance(value, str):
                if value not in node_set:
                    yield _unknown((NET, "legs", index, key), "node", value, node_set)
                else:
                    ends.append(value)
        capacity = leg.get("capacity")
        if len(ends) == 2 and isinstance(capacity, dict):
            if _positive(capacity.get("pax_per_day")) and ends[1] not in closed["pax_per_day"]:
                pax.setdefault(ends[0], []).append(ends[1])
            tons = capacity.get("short_tons_per_day")
            if _positive(tons) and ends[1] not in closed["short_tons_per_day"]:
                cargo.setdefault(ends[0], []).append(ends[1])
    origins = raw.get("origins")
    origins = origins if isinstance(origins, dict) else {}
    for nation, starts in origins.items():
        if nation not in ctx.ids.get("nations", frozenset()):
            path = (NET, "origins", str(nation))
            yield _unknown(path, "nation", str(nation), ctx.known("nations"))
        if isinstance(starts, list):
            for n, node in enumerate(starts):
                if isinstance(node, str) and node not in node_set:
                    yield _unknown((NET, "origins", str(nation), n), "node", node, node_set)
    zones = raw.get("zones")
    zones = zones if isinstance(zones, dict) else {}
    for zone, node in zones.items():
        if zone not in ctx.ids.get("zones", frozenset()):
            yield _unknown((NET, "zones", str(zone)), "zone", str(zone), ctx.known("zones"))
        if isinstance(node, str) and node not in node_set:
            yield _unknown((NET, "zones", str(zone)), "node", node, node_set)
    default_zone = raw.get("default_zone")
    if isinstance(default_zone, str) and default_zone not in zones:
        listed = Known(z for z in zones if isinstance(z, str)).listing()
        yield Issue(
            (NET, "default_zone"),
            f"default_zone '{default_zone}' has no destination under network.zones",
            found=repr(default_zone),
            expected="a zone listed under network.zones" + (f": {listed}" if listed else ""),
        )
    targets = Known(node_set.ids | set(leg_index))
    for index, item in _records(raw, "disruptions"):
        target = item.get("target")
        if isinstance(target, str) and target not in targets:
            yield _unknown((NET, "disruptions", index, "target"), "node or leg", target, targets)
    yield from _check_reachable(raw, ctx, node_set.ids, pax, cargo, origins, zones)


def _check_reachable(
    raw: Mapping[str, Any],
    ctx: CheckContext,
    node_set: frozenset[str],
    pax: Mapping[str, list[str]],
    cargo: Mapping[str, list[str]],
    origins: Mapping[Any, Any],
    zones: Mapping[Any, Any],
) -> Iterator[Issue]:
    has_cargo = {
        item["id"]
        for _, item in ctx.items("capabilities")
        if isinstance(item.get("id"), str)
        and isinstance(item.get("lift"), dict)
        and _positive(item["lift"].get("short_tons"))
    }
    default_zone = raw.get("default_zone")
    needs: dict[str, dict[str, set[str]]] = {}  # nation -> destination -> {"personnel", ..}
    missing_origin: set[str] = set()
    for index, pledge in ctx.items("pledges"):
        nation = pledge.get("nation")
        if not isinstance(nation, str):
            continue
        pledge_zones = pledge.get("zones")
        if pledge_zones is None:
            bound = [default_zone] if isinstance(default_zone, str) else []
        elif isinstance(pledge_zones, list):
            bound = [z for z in pledge_zones if isinstance(z, str)]
        else:
            continue
        destinations = [zones[z] for z in bound if isinstance(zones.get(z), str)]
        destinations = [d for d in destinations if d in node_set]
        if not destinations:
            continue  # not moved through the network (e.g. airspace, the Black Sea)
        starts = origins.get(nation)
        if starts is not None and not isinstance(starts, list):
            continue  # the wrong type is reported by field validation
        if not starts:
            if nation not in missing_origin and nation in ctx.ids.get("nations", ()):
                missing_origin.add(nation)
                yield Issue(
                    ("pledges", index, "nation"),
                    f"nation '{nation}' has a pledge to move but no origin in network.origins",
                    found=repr(nation),
                    expected=f"network.origins.{nation}: the node(s) its units leave from",
                )
            continue
        capability = pledge.get("capability")
        moves_cargo = isinstance(capability, str) and capability in has_cargo
        kinds = {"personnel"} | ({"cargo"} if moves_cargo else set())
        for destination in destinations:
            needs.setdefault(nation, {}).setdefault(destination, set()).update(kinds)
    origin_nodes = {
        nation: [s for s in origins[nation] if isinstance(s, str) and s in node_set]
        for nation in needs
    }
    bits = {nation: bit for bit, nation in enumerate(n for n in needs if origin_nodes[n])}
    starts_by_bit = {bit: origin_nodes[nation] for nation, bit in bits.items()}
    reach = {
        "personnel": reach_masks(pax, starts_by_bit),
        "cargo": reach_masks(cargo, starts_by_bit),
    }
    for nation, wanted in needs.items():
        if nation not in bits:
            continue  # every origin is unknown: reported above
        bit = 1 << bits[nation]
        for destination, kinds in sorted(wanted.items()):
            for kind in sorted(kinds):
                if not reach[kind].get(destination, 0) & bit:
                    yield Issue(
                        (NET, "origins", nation),
                        f"destination '{destination}' cannot be reached with {kind} from "
                        f"the origins of {nation} ({', '.join(origin_nodes[nation])})",
                        expected=f"legs carrying {kind} from one of these origins to "
                        f"'{destination}'",
                    )
