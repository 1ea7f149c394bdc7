"""Resupply on the network: the steady daily flow from the supply sources to the
destinations [short tons/day], on the legs and node handling the deployment uses.

One LP (:class:`forcegen.solvers.LinearModel`, solved by :class:`forcegen.solvers.HighsSolver`)::

    minimise  u                                    (the highest utilisation)
    subject to  inflow(n) - outflow(n) + s(n) = demand(n)     every node n
                f(l) <= u * capacity(l)                        every leg l
                inflow(n) + s(n) <= u * handling(n)            every node with a limit
                f, s, u >= 0;  s(n) = 0 unless n is a source

``f(l)`` is the tonnage leaving over leg ``l`` a day, ``s(n)`` what a source ``n``
receives from the rear a day (it counts against its handling: a node's handling counts
arrivals). The flow is feasible when ``u <= 1``. A second solve keeps ``u`` at its optimum
and minimises the ton-days in transit (sum of ``f(l)`` x transit days), so the flow takes
short routes and no loops. Capacities may be given per resource (the residual left by the
deployment's own flows on a day, or under a disruption).

:func:`deliverable` answers the other question, for a day with less capacity: the
largest share of every destination's demand the network can deliver, then as much more
as it can (shares per destination).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from forcegen.engine.tolerances import FRACTION, LOAD_RELATIVE
from forcegen.errors import ForcegenError
from forcegen.model.network import Network
from forcegen.solvers import HighsSolver, LinearModel, Sense, Solution, Status

DUAL_ZERO = 1e-9
"""A dual value below this is zero [utilisation per short ton a day]."""

UTILISATION_SLACK = 1e-7
"""Utilisation over 1 still counted as fitting [share]: the solver's feasibility tolerance."""


@dataclass(frozen=True)
class Capacities:
    """Cargo capacity of every leg and handling of every node [short tons/day], in the
    network's order; ``inf`` = no limit."""

    leg: np.ndarray
    node: np.ndarray

    @classmethod
    def full(cls, network: Network) -> Capacities:
        """The network's own capacities."""
        leg = np.array([leg.capacity.short_tons_per_day for leg in network.legs], dtype=float)
        node = np.array(
            [
                np.inf
                if n.handling is None or n.handling.short_tons_per_day is None
                else n.handling.short_tons_per_day
                for n in network.nodes
            ],
            dtype=float,
        )
        return cls(leg, node)

    def key(self) -> bytes:
        """A hashable digest of the figures (for caching solves)."""
        return self.leg.tobytes() + self.node.tobytes()


@dataclass(frozen=True)
class ResupplyFlow:
    """The steady daily resupply flow and how much of each capacity it takes."""

    feasible: bool
    """True when every destination's demand is carried within every capacity."""
    utilisation: float
    """The highest utilisation of any leg or node [share]; inf when some destination
    cannot be reached at all."""
    leg_flow: Mapping[str, float]
    """Leg id -> tonnage leaving over it a day [short tons/day] (legs used only)."""
    node_flow: Mapping[str, float]
    """Node id -> tonnage arriving a day, from legs or (a source) from the rear
    [short tons/day] (nodes used only)."""
    source_flow: Mapping[str, float]
    """Source node id -> tonnage it sends out or consumes a day [short tons/day]."""
    leg_utilisation: Mapping[str, float]
    """Leg id -> flow / capacity [share] (legs used only)."""
    node_utilisation: Mapping[str, float]
    """Node id -> arrivals / handling [share] (nodes used with a handling limit)."""
    binding: tuple[str, str, float] | None
    """(``leg`` or ``node``, id, utilisation [share]) of the capacity at the highest
    utilisation; None when nothing is used or nothing can be reached."""
    unreachable: tuple[str, ...] = ()
    """Destinations with demand that no source reaches over legs with capacity."""
    binding_set: tuple[tuple[str, str, float], ...] = ()
    """The capacities that set the highest utilisation (the cut of the network that
    limits it): (``leg`` or ``node``, id, the LP dual of its capacity row [utilisation
    per unit of the row]), largest dual first; empty when nothing binds."""


def _reachable(network: Network, caps: Capacities, sources: Sequence[str]) -> set[str]:
    index = {n.id: i for i, n in enumerate(network.nodes)}
    out_legs: dict[str, list[str]] = {}
    for i, leg in enumerate(network.legs):
        if caps.leg[i] > 0 and caps.node[index[leg.to]] > 0:
            out_legs.setdefault(leg.from_, []).append(leg.to)
    seen = {s for s in sources if caps.node[index[s]] > 0}
    stack = list(seen)
    while stack:
        for nxt in out_legs.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


class _Model:
    """The LP of one network, sources and demand; capacities as given."""

    def __init__(
        self,
        network: Network,
        demand: Mapping[str, float],
        sources: Sequence[str],
        caps: Capacities,
        deliver: bool = False,
    ) -> None:
        nodes = [n.id for n in network.nodes]
        index = {n: i for i, n in enumerate(nodes)}
        n_legs, n_nodes = len(network.legs), len(nodes)
        self.sources = [s for s in dict.fromkeys(sources)]
        n_src = len(self.sources)
        targets = [n for n in demand if demand[n] > 0]
        self.targets = targets
        # columns: legs, sources, then u (min-max) or the shares t and d(k) (deliver)
        self.u = n_legs + n_src
        n_cols = self.u + 1 + (len(targets) if deliver else 0)
        rows: list[tuple[float, float, list[int], list[float]]] = []
        balance: list[tuple[list[int], list[float]]] = [([], []) for _ in nodes]
        for j, leg in enumerate(network.legs):
            a, b = index[leg.from_], index[leg.to]
            balance[b][0].append(j)
            balance[b][1].append(1.0)
            balance[a][0].append(j)
            balance[a][1].append(-1.0)
        for k, source in enumerate(self.sources):
            balance[index[source]][0].append(n_legs + k)
            balance[index[source]][1].append(1.0)
        target_col = {t: self.u + 1 + k for k, t in enumerate(targets)}
        for i, node in enumerate(nodes):
            cols, vals = balance[i]
            want = float(demand.get(node, 0.0))
            if deliver and node in target_col:
                rows.append((0.0, 0.0, [*cols, target_col[node]], [*vals, -1.0]))
            elif deliver:
                rows.append((0.0, 0.0, list(cols), list(vals)))
            else:
                rows.append((want, want, list(cols), list(vals)))
        col_upper = np.full(n_cols, np.inf)
        self.capacity_rows: list[tuple[int, str, str]] = []  # row, kind, id
        for j in range(n_legs):
            cap = float(caps.leg[j])
            if cap <= 0:
                col_upper[j] = 0.0
            elif deliver:
                col_upper[j] = cap
            else:
                self.capacity_rows.append((len(rows), "leg", network.legs[j].id))
                rows.append((-np.inf, 0.0, [j, self.u], [1.0, -cap]))
        for i in range(n_nodes):
            limit = float(caps.node[i])
            if np.isinf(limit):
                continue
            cols = [j for j, leg in enumerate(network.legs) if index[leg.to] == i]
            cols += [n_legs + k for k, s in enumerate(self.sources) if index[s] == i]
            if not cols:
                continue
            if deliver:
                rows.append((-np.inf, limit, cols, [1.0] * len(cols)))
            else:
                self.capacity_rows.append((len(rows), "node", nodes[i]))
                rows.append((-np.inf, 0.0, [*cols, self.u], [1.0] * len(cols) + [-limit]))
        if deliver:  # t <= 1: d(k) >= t * demand(k); d(k) <= demand(k)
            col_upper[self.u] = 1.0
            for t, col in target_col.items():
                col_upper[col] = float(demand[t])
                rows.append((0.0, np.inf, [col, self.u], [1.0, -float(demand[t])]))
        cost = np.zeros(n_cols)
        cost[self.u] = 1.0
        self.model = LinearModel.from_rows(
            cost,
            np.zeros(n_cols),
            col_upper,
            rows,
            sense=Sense.MAXIMISE if deliver else Sense.MINIMISE,
        )
        self.solver = HighsSolver(self.model)
        self.transit = np.array([leg.transit_days for leg in network.legs], dtype=float)
        self.n_legs = n_legs
        self.target_col = target_col

    def solve(self) -> Solution:
        return self.solver.solve()

    def shortest(self, u_star: float, deliver: bool = False) -> Solution:
        """Keep the first objective at its optimum; minimise ton-days in transit (or, for
        delivery, maximise the total delivered first)."""
        n = self.model.n_cols
        if deliver:
            lo = max(0.0, u_star * (1 - FRACTION) - FRACTION)
            self.solver.set_col_bounds(
                np.array([self.u], dtype=np.int32), np.array([lo]), np.array([1.0])
            )
            cost = np.zeros(n)
            for col in self.target_col.values():
                cost[col] = 1.0
            self.solver.set_objective(cost, Sense.MAXIMISE)
            return self.solver.solve()
        self.solver.set_col_bounds(
            np.array([self.u], dtype=np.int32),
            np.array([0.0]),
            np.array([u_star * (1 + LOAD_RELATIVE) + LOAD_RELATIVE]),
        )
        cost = np.zeros(n)
        cost[: self.n_legs] = self.transit
        self.solver.set_objective(cost, Sense.MINIMISE)
        return self.solver.solve()


def _checked(solution: Solution, what: str) -> Solution:
    if solution.status != Status.OPTIMAL:
        raise ForcegenError(
            f"the {what} LP could not be solved ({solution.detail or solution.status})"
        )
    return solution


def steady_flow(
    network: Network,
    demand: Mapping[str, float],
    sources: Sequence[str],
    caps: Capacities | None = None,
    *,
    routes: bool = True,
) -> ResupplyFlow:
    """The steady resupply flow carrying ``demand`` (node id -> short tons/day) from
    ``sources`` at the least highest utilisation of ``caps`` (the network's own when
    None); with ``routes`` the second solve picks the shortest such flow (without, only
    the utilisation and its binding capacity are meaningful)."""
    caps = Capacities.full(network) if caps is None else caps
    reach = _reachable(network, caps, sources)
    unreachable = tuple(n for n, v in demand.items() if v > 0 and n not in reach)
    served = {n: v for n, v in demand.items() if v > 0 and n in reach}
    if not served:
        return ResupplyFlow(
            not unreachable,
            float("inf") if unreachable else 0.0,
            {},
            {},
            {},
            {},
            {},
            None,
            unreachable,
        )
    lp = _Model(network, served, sources, caps)
    first = _checked(lp.solve(), "resupply")
    u_star = float(first.x[lp.u])
    cut = _cut(lp, first)
    x = _checked(lp.shortest(u_star), "resupply").x if routes else first.x
    flow = _flow_of(network, caps, lp, x, u_star, unreachable)
    binding = flow.binding
    if cut:
        kind, rid, _ = cut[0]
        util = (flow.leg_utilisation if kind == "leg" else flow.node_utilisation).get(rid, u_star)
        binding = (kind, rid, util)
    return replace(flow, binding=binding, binding_set=cut)


def _cut(lp: _Model, solution: Solution) -> tuple[tuple[str, str, float], ...]:
    """The capacity rows with a nonzero dual in the min-max solve, largest first: the
    capacities that hold the highest utilisation where it is."""
    if solution.row_dual.shape[0] == 0:
        return ()
    out = [
        (kind, rid, abs(float(solution.row_dual[row])))
        for row, kind, rid in lp.capacity_rows
        if abs(float(solution.row_dual[row])) > DUAL_ZERO
    ]
    return tuple(sorted(out, key=lambda c: -c[2]))


def _flow_of(
    network: Network,
    caps: Capacities,
    lp: _Model,
    x: np.ndarray,
    u_star: float,
    unreachable: tuple[str, ...],
) -> ResupplyFlow:
    tol = LOAD_RELATIVE
    leg_flow: dict[str, float] = {}
    node_flow: dict[str, float] = {}
    for j, leg in enumerate(network.legs):
        f = float(x[j])
        if f > tol:
            leg_flow[leg.id] = f
            node_flow[leg.to] = node_flow.get(leg.to, 0.0) + f
    source_flow = {}
    for k, s in enumerate(lp.sources):
        f = float(x[lp.n_legs + k])
        if f > tol:
            source_flow[s] = f
            node_flow[s] = node_flow.get(s, 0.0) + f
    leg_util = {
        leg.id: leg_flow[leg.id] / float(caps.leg[j])
        for j, leg in enumerate(network.legs)
        if leg.id in leg_flow
    }
    node_util = {
        n.id: node_flow[n.id] / float(caps.node[i])
        for i, n in enumerate(network.nodes)
        if n.id in node_flow and np.isfinite(caps.node[i])
    }
    candidates = [("leg", k, v) for k, v in leg_util.items()]
    candidates += [("node", k, v) for k, v in node_util.items()]
    binding = max(candidates, key=lambda c: c[2]) if candidates else None
    util = u_star if not unreachable else float("inf")
    feasible = not unreachable and u_star <= 1 + UTILISATION_SLACK
    return ResupplyFlow(
        feasible,
        util,
        {k: round(v, 9) for k, v in leg_flow.items()},
        {k: round(v, 9) for k, v in node_flow.items()},
        {k: round(v, 9) for k, v in source_flow.items()},
        leg_util,
        node_util,
        binding,
        unreachable,
    )


def deliverable(
    network: Network,
    demand: Mapping[str, float],
    sources: Sequence[str],
    caps: Capacities,
) -> dict[str, float]:
    """Destination -> share of its demand the network can deliver a day [0-1] with
    ``caps``: first the largest share ``t`` every destination gets, then as much more
    as the capacities allow. Unreachable destinations get 0."""
    reach = _reachable(network, caps, sources)
    served = {n: v for n, v in demand.items() if v > 0 and n in reach}
    out = {n: 0.0 for n, v in demand.items() if v > 0}
    if not served:
        return out
    lp = _Model(network, served, sources, caps, deliver=True)
    first = _checked(lp.solve(), "delivery")
    t = float(first.x[lp.u])
    x = _checked(lp.shortest(t, deliver=True), "delivery").x
    for node, col in lp.target_col.items():
        out[node] = min(1.0, max(0.0, float(x[col]) / served[node]))
    return out
