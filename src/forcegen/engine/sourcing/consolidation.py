"""Fewer nations per line by local moves: a first point for the fewest-nations stage.

The point the fill stages leave spreads many lines over several nations (a vertex of the
linear relaxation, which does not count nations). Branch and bound improves it slowly on
a coalition-size part, so the stage starts from a point improved by a simple search:
each line served by more than one nation is re-sourced, if it can be, from the fewest
nations that can give it its whole fill out of what their offers have left plus what the
line already takes from them (one nation, else two). Every other line keeps its units,
so every fill, every offer's quantity and every hold of the fill stages are kept; only
lines whose count of nations falls are changed. Among the nations that can, the one
giving the fewest stated units, then the fewest units, is chosen.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from forcegen.engine.sourcing.formulation import WHOLE, PartArrays

PASSES = 3
"""Sweeps over the lines at most (a sweep that changes nothing ends the search)."""

CANDIDATES = 6
"""Nations tried in pairs for a line no single nation can fill: the ones that can give
it most [nations]."""


def _give(part: PartArrays, edges: np.ndarray, room: np.ndarray, need: float) -> np.ndarray | None:
    """Units through ``edges`` (at most ``room`` each) that fill ``need`` line units,
    smallest ratio first (fewest units per line unit); None when they cannot."""
    order = np.lexsort((-room, part.ratio[edges]))
    units = np.zeros(edges.shape[0])
    left = need
    for k in order.tolist():
        if left <= WHOLE:
            break
        e = int(edges[k])
        take = left * float(part.ratio[e])
        if part.whole[e]:
            take = float(np.ceil(take - WHOLE))
        take = min(take, float(room[k]))
        if take <= 0:
            continue
        units[k] = take
        left -= take / float(part.ratio[e])
    return units if left <= WHOLE else None


def consolidate(part: PartArrays, units: np.ndarray) -> np.ndarray:
    """``units`` (one per edge of the part [offer units]) with lines re-sourced from fewer
    nations where the offers' leftover units allow it (see the module docstring)."""
    x = units.copy()
    n_lines = len(part.line_ids)
    by_line = np.argsort(part.edge_line, kind="stable")
    bounds = np.searchsorted(part.edge_line[by_line], np.arange(n_lines + 1))
    supplied = np.bincount(part.edge_line, weights=x / part.ratio, minlength=n_lines)
    fill = np.minimum(part.line_quantity, supplied)
    for _ in range(PASSES):
        changed = False
        used = np.bincount(part.edge_offer, weights=x, minlength=len(part.offer_ids))
        for line in range(n_lines):
            edges = by_line[bounds[line] : bounds[line + 1]]
            serving = np.unique(part.edge_nation[edges][x[edges] > WHOLE])
            if serving.shape[0] < 2:
                continue
            room = np.minimum(
                part.upper[edges],
                part.offer_quantity[part.edge_offer[edges]]
                - used[part.edge_offer[edges]]
                + x[edges],
            )
            best = _best(part, edges, room, float(fill[line]), serving.shape[0])
            if best is None:
                continue
            used += np.bincount(
                part.edge_offer[edges], weights=best - x[edges], minlength=used.shape[0]
            )
            x[edges] = best
            changed = True
        if not changed:
            break
    return x


def _best(
    part: PartArrays, edges: np.ndarray, room: np.ndarray, need: float, serving: int
) -> np.ndarray | None:
    """The cheapest way to give ``need`` from fewer than ``serving`` nations (one, else
    two of the :data:`CANDIDATES` that can give most), or None."""
    nations = part.edge_nation[edges]
    reach = {
        int(n): float(np.sum(room[nations == n] / part.ratio[edges[nations == n]]))
        for n in np.unique(nations).tolist()
    }
    ranked = sorted(reach, key=lambda n: -reach[n])
    groups: list[tuple[int, ...]] = [(n,) for n in ranked if reach[n] >= need - WHOLE]
    if not groups and serving > 2:
        groups = list(combinations(ranked[:CANDIDATES], 2))
    best, cost = None, None
    for group in groups:
        members = np.isin(nations, group)
        found = _give(part, edges[members], room[members], need)
        if found is None:
            continue
        units = np.zeros(edges.shape[0])
        units[members] = found
        key = (float(np.sum(units[~part.edge_firm[edges]])), float(np.sum(units)))
        if cost is None or key < cost:
            best, cost = units, key
    return best


__all__ = ["consolidate"]
