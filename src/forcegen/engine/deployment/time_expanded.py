"""The time-expanded flow model of one kind of load (personnel or cargo), as an LP.

One commodity per destination node (items bound for the same destination are
interchangeable on the way); one "home" per group of units with the same origin nodes
and destination, where units wait from their ready day until they enter an origin node.
Columns, each a flow [persons or short tons]:

- leg flow: commodity k leaving over a leg on day d (arrives on d + transit);
- holdover: commodity k staying at a node from day d to d + 1;
- injection: a group entering one of its origin nodes on day d (an arrival there);
- home holdover: a group waiting at home from day d to d + 1.

A group none of whose origins limits its arrivals (no handling limit) has no home: each
of its parcels (the items ready on one day) enters its origins on its ready day, one
injection per origin and a supply row per ready day. This loses no plan: waiting at home
until day d and then entering an origin is the same as entering it on the ready day and
holding there until d, at the same item-days. The home and its holdovers remain for
groups with a limited origin, where the day of entry counts against handling. On the
synthetic 4,000-unit cargo load at day 157 this takes the LP from 181,327 to 129,691
columns, its supply rows from one per group and day to one per parcel.

Rows: conservation at every (commodity, node, day at which items there may leave), with
arrivals becoming available ``dwell_days`` after they arrive; supply at every (group,
day); departures per leg and day <= capacity; arrivals per node and day <= handling;
and one row: everything is delivered. Arrivals at a commodity's destination leave the
network. The objective is the sum over arrivals of the arrival day [item-days], plus a
tiny cost per leg departure that stops pointless detours; when not everything can
arrive by the horizon, :meth:`LoadModel.deliver_what_can_be` first maximises what does.

Only the (node, day) pairs from which the destination can still be reached in time and
which an item can have reached are modelled (pruned by earliest and latest times).

The LP is built solver-neutral (:class:`forcegen.solvers.LinearModel`) and solved through
the adapter :class:`forcegen.solvers.HighsSolver`: interior point for the first solve,
then simplex from the last basis after :meth:`LoadModel.finish_by`. Duals of the capacity
and handling rows are in item-days per item of capacity.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from forcegen.engine.tolerances import LOAD_RELATIVE
from forcegen.errors import ForcegenError
from forcegen.solvers import HighsSolver, LinearModel, Method, Sense, Solution, Status

DETOUR_COST = 1e-4
"""Cost of one item leaving over one leg [item-days]; far below one day of delay."""

DELIVERY_ROW_SLACK = 1e-10
"""Relative slack of the row "everything is delivered" [fraction of the load supplied]: a
solver's rounding never makes a plan that delivers everything infeasible. Far below
LOAD_RELATIVE, so that a plan the row admits is always complete."""

_SETTLED = (Status.OPTIMAL, Status.INFEASIBLE, Status.INFEASIBLE_OR_UNBOUNDED)
"""Solver statuses that answer the question; any other is retried from scratch once."""

LEG, HOLD, INJECT, HOME = 0, 1, 2, 3
"""Column kinds."""


@dataclass(frozen=True)
class Graph:
    """Nodes and legs of one kind of load, by index.

    ``leg_capacity[l, d]`` departures allowed over leg l on day d and
    ``handling[v, d]`` arrivals allowed at node v on day d (inf = no limit), for days
    0 .. the longest horizon; ``dwell[v]`` days before an arrival may leave.
    """

    leg_from: np.ndarray
    leg_to: np.ndarray
    transit: np.ndarray
    leg_capacity: np.ndarray
    dwell: np.ndarray
    handling: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.dwell.shape[0])

    def usable(self) -> np.ndarray:
        """Legs with some capacity on some day."""
        return np.flatnonzero(self.leg_capacity.max(axis=1) > 0)


@dataclass(frozen=True)
class Group:
    """Units with the same origin nodes and destination: ``supply`` ready day -> amount."""

    origins: tuple[int, ...]
    destination: int
    supply: Mapping[int, float]


@dataclass
class LoadSolution:
    """The optimal flows at one horizon [days]; arrays are per column / per row."""

    horizon: int
    kind: np.ndarray
    owner: np.ndarray  # commodity (destination node) or group index
    place: np.ndarray  # leg, node or origin node
    day: np.ndarray
    flow: np.ndarray
    supplied: float
    delivered: float
    last_arrival: int | None
    cap_rows: np.ndarray  # leg index of each capacity row (or -1)
    cap_days: np.ndarray
    cap_duals: np.ndarray
    handling_rows: np.ndarray  # node index of each handling row (or -1)
    handling_days: np.ndarray
    handling_duals: np.ndarray

    @property
    def undelivered(self) -> float:
        """Items not delivered by the horizon [persons or short tons]."""
        return max(0.0, self.supplied - self.delivered)

    def complete(self) -> bool:
        """True when everything arrives by the horizon (to a relative LOAD_RELATIVE)."""
        return self.undelivered <= LOAD_RELATIVE * max(1.0, self.supplied)


def _dijkstra(
    starts: Mapping[int, float], adjacency: Mapping[int, list[tuple[int, float]]]
) -> dict[int, float]:
    best = dict(starts)
    queue = [(t, v) for v, t in starts.items()]
    heapq.heapify(queue)
    while queue:
        t, v = heapq.heappop(queue)
        if t > best.get(v, np.inf):
            continue
        for w, cost in adjacency.get(v, ()):
            if t + cost < best.get(w, np.inf):
                best[w] = t + cost
                heapq.heappush(queue, (t + cost, w))
    return best


def time_to(graph: Graph, destination: int, legs: Sequence[int]) -> dict[int, float]:
    """Days from being free to leave node v to arriving at ``destination`` (fastest)."""
    backward: dict[int, list[tuple[int, float]]] = {}
    for leg in legs:
        u, v = int(graph.leg_from[leg]), int(graph.leg_to[leg])
        cost = float(graph.transit[leg]) + (0.0 if v == destination else float(graph.dwell[v]))
        backward.setdefault(v, []).append((u, cost))
    return _dijkstra({destination: 0.0}, backward)


def _build(graph: Graph, groups: Sequence[Group], horizon: int) -> _Built:
    """Columns, rows and matrix of the time-expanded LP at ``horizon`` [days]."""

    legs = [int(leg) for leg in graph.usable()]
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("kind", "owner", "place", "day")}
    entries_r: list[np.ndarray] = []
    entries_c: list[np.ndarray] = []
    entries_v: list[np.ndarray] = []
    cost_parts: list[np.ndarray] = []
    n_cols = 0
    n_rows = 0
    row_lower: list[np.ndarray] = []
    row_upper: list[np.ndarray] = []

    def add_cols(kind: int, owner: int, place: int, days: np.ndarray, cost: np.ndarray) -> int:
        nonlocal n_cols
        start = n_cols
        n = days.shape[0]
        cols["kind"].append(np.full(n, kind, dtype=np.int8))
        cols["owner"].append(np.full(n, owner, dtype=np.int32))
        cols["place"].append(np.full(n, place, dtype=np.int32))
        cols["day"].append(days.astype(np.int32))
        cost_parts.append(cost)
        n_cols += n
        return start

    def add_rows(lower: np.ndarray, upper: np.ndarray) -> int:
        nonlocal n_rows
        start = n_rows
        row_lower.append(lower)
        row_upper.append(upper)
        n_rows += lower.shape[0]
        return start

    def add_entries(rows: np.ndarray, first_col: int, values: float | np.ndarray) -> None:
        n = rows.shape[0]
        entries_r.append(rows.astype(np.int64))
        entries_c.append(np.arange(first_col, first_col + n, dtype=np.int64))
        entries_v.append(np.broadcast_to(np.asarray(values, dtype=float), (n,)).copy())

    n_days = horizon + 1
    # capacity rows: one per usable leg and day; handling rows: limited nodes only
    cap_row0 = {
        leg: add_rows(np.full(n_days, -np.inf), graph.leg_capacity[leg, :n_days].astype(float))
        for leg in legs
    }
    limited = [v for v in range(graph.n_nodes) if np.isfinite(graph.handling[v, :n_days]).any()]
    handling_row0 = {
        v: add_rows(np.full(n_days, -np.inf), graph.handling[v, :n_days].astype(float))
        for v in limited
    }
    n_capacity_rows = n_rows
    supplied = 0.0
    by_destination: dict[int, list[int]] = {}
    for g, group in enumerate(groups):
        by_destination.setdefault(group.destination, []).append(g)
        supplied += float(sum(group.supply.values()))
    forward: dict[int, list[tuple[int, float]]] = {}
    for leg in legs:
        u, v = int(graph.leg_from[leg]), int(graph.leg_to[leg])
        forward.setdefault(u, []).append((v, float(graph.transit[leg]) + float(graph.dwell[v])))
    for dest, members in by_destination.items():
        remaining = time_to(graph, dest, legs)
        starts: dict[int, float] = {}
        for g in members:
            first = min(groups[g].supply)
            for o in groups[g].origins:
                if o != dest:
                    starts[o] = min(starts.get(o, np.inf), first + float(graph.dwell[o]))
        earliest = _dijkstra(starts, forward)
        window: dict[int, tuple[int, int, int]] = {}  # node -> (first day, last day, row 0)
        for v, e in earliest.items():
            if v == dest or v not in remaining:
                continue
            last = horizon - int(remaining[v])
            if int(e) <= last:
                size = last - int(e) + 1
                window[v] = (int(e), last, add_rows(np.zeros(size), np.zeros(size)))
        for v, (first, last, row0) in window.items():  # holdover
            days = np.arange(first, last + 1)
            c0 = add_cols(HOLD, dest, v, days, np.zeros(days.shape[0]))
            add_entries(row0 + (days - first), c0, -1.0)
            add_entries(row0 + (days[:-1] + 1 - first), c0, 1.0)  # next day's inflow
        for leg in legs:
            u, v = int(graph.leg_from[leg]), int(graph.leg_to[leg])
            if u not in window or (v != dest and v not in window):
                continue
            t = int(graph.transit[leg])
            first = window[u][0]
            last = horizon - t if v == dest else window[v][1] - t - int(graph.dwell[v])
            last = min(last, window[u][1])
            if last < first:
                continue
            days = np.arange(first, last + 1)
            cost = np.full(days.shape[0], DETOUR_COST)
            if v == dest:
                cost = cost + (days + t)
            c0 = add_cols(LEG, dest, leg, days, cost)
            add_entries(window[u][2] + (days - first), c0, -1.0)
            add_entries(cap_row0[leg] + days, c0, 1.0)
            if v != dest:
                arrive = days + t + int(graph.dwell[v])
                add_entries(window[v][2] + (arrive - window[v][0]), c0, 1.0)
            if v in handling_row0:
                add_entries(handling_row0[v] + days + t, c0, 1.0)
        for g in members:
            group = groups[g]
            ready = min(group.supply)
            ends = {}
            for o in group.origins:
                if o == dest:
                    ends[o] = horizon
                elif o in window:
                    ends[o] = window[o][1] - int(graph.dwell[o])
            last_home = max(ends.values(), default=-1)
            if last_home < ready:
                continue  # nothing of this group can arrive by the horizon
            if not any(o in handling_row0 for o in group.origins):
                # no origin limits its arrivals: waiting at home is waiting at an origin
                # (entering it is free on any day), so each parcel enters on its ready day
                for ready_day in sorted(group.supply):
                    entry = [o for o, end in ends.items() if end >= ready_day]
                    if not entry:
                        continue  # this parcel cannot arrive by the horizon
                    amount = np.array([float(group.supply[ready_day])])
                    row = add_rows(amount, amount)
                    on_day = np.array([ready_day])
                    for o in entry:
                        cost = on_day.astype(float) if o == dest else np.zeros(1)
                        c0 = add_cols(INJECT, g, o, on_day, cost)
                        add_entries(np.array([row]), c0, 1.0)
                        if o != dest:
                            free = ready_day + int(graph.dwell[o]) - window[o][0]
                            add_entries(np.array([window[o][2] + free]), c0, 1.0)
                continue
            days = np.arange(ready, last_home + 1)
            supply = np.array([group.supply.get(int(d), 0.0) for d in days])
            home0 = add_rows(supply, supply)
            c0 = add_cols(HOME, g, -1, days, np.zeros(days.shape[0]))
            add_entries(home0 + (days - ready), c0, 1.0)
            add_entries(home0 + (days[:-1] + 1 - ready), c0, -1.0)
            for o, end in ends.items():
                if end < ready:
                    continue
                days = np.arange(ready, end + 1)
                cost = days.astype(float) if o == dest else np.zeros(days.shape[0])
                c0 = add_cols(INJECT, g, o, days, cost)
                add_entries(home0 + (days - ready), c0, 1.0)
                if o != dest:
                    arrive = days + int(graph.dwell[o])
                    add_entries(window[o][2] + (arrive - window[o][0]), c0, 1.0)
                if o in handling_row0:
                    add_entries(handling_row0[o] + days, c0, 1.0)
    if n_cols == 0:
        z = np.zeros(0, np.int32)
        return _Built(
            horizon,
            z.astype(np.int8),
            z,
            z,
            z,
            np.zeros(0),
            np.zeros(0),
            np.zeros(0),
            np.zeros(1, np.int32),  # start: one more than the columns
            z,
            np.zeros(0),
            {},
            {},
            0,
            n_days,
            supplied,
        )
    rows = np.concatenate(entries_r)
    colidx = np.concatenate(entries_c)
    values = np.concatenate(entries_v)
    order = np.lexsort((rows, colidx))
    rows, colidx, values = rows[order], colidx[order], values[order]
    return _Built(
        horizon=horizon,
        kind=np.concatenate(cols["kind"]),
        owner=np.concatenate(cols["owner"]),
        place=np.concatenate(cols["place"]),
        day=np.concatenate(cols["day"]),
        cost=np.concatenate(cost_parts),
        row_lower=np.concatenate(row_lower),
        row_upper=np.concatenate(row_upper),
        start=np.searchsorted(colidx, np.arange(n_cols + 1)).astype(np.int32),
        index=rows.astype(np.int32),
        value=values,
        cap_row0=cap_row0,
        handling_row0=handling_row0,
        n_capacity_rows=n_capacity_rows,
        n_days=n_days,
        supplied=supplied,
    )


@dataclass
class _Built:
    horizon: int
    kind: np.ndarray
    owner: np.ndarray
    place: np.ndarray
    day: np.ndarray
    cost: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    cap_row0: dict[int, int]
    handling_row0: dict[int, int]
    n_capacity_rows: int
    n_days: int
    supplied: float


class LoadModel:
    """The LP of one load at one horizon, kept in the solver so that it can be re-solved
    from its last basis after :meth:`finish_by` forbids late arrivals.

    Objective: the fewest item-days to arrival [item-days], with every item delivered
    (a row); when that cannot be, :meth:`run` falls back to delivering as much as can be
    (then as early as it can) and the solution says what is left undelivered.
    """

    def __init__(self, graph: Graph, groups: Sequence[Group], horizon: int) -> None:
        self.graph, self.groups, self.horizon = graph, groups, horizon
        built = _build(graph, groups, horizon)
        self.built = built
        self.arrival = _arrival_days(built.kind, built.owner, built.place, built.day, graph, groups)
        self.delivering = np.flatnonzero(self.arrival >= 0).astype(np.int32)
        self.tolerance = LOAD_RELATIVE * max(1.0, built.supplied)
        self.last: Solution | None = None
        n_cols = built.kind.shape[0]
        model = LinearModel(
            cost=built.cost,
            col_lower=np.zeros(n_cols),
            col_upper=np.full(n_cols, np.inf),
            row_lower=built.row_lower,
            row_upper=built.row_upper,
            start=built.start,
            index=built.index,
            value=built.value,
            sense=Sense.MINIMISE,
        )
        # interior point for the first solve; re-solves use simplex (see run)
        self.solver = HighsSolver(model, method=Method.IPM)
        self.delivery_row = self.solver.add_row(
            built.supplied * (1 - DELIVERY_ROW_SLACK),
            np.inf,
            self.delivering,
            np.ones(self.delivering.shape[0]),
        )

    def run(self) -> bool:
        """Solve; False when not everything can be delivered by the horizon."""
        if self.built.kind.shape[0] == 0:
            return self.built.supplied <= self.tolerance
        self.last = solution = self.solver.solve()
        self.solver.set_method(Method.SIMPLEX)
        if solution.status not in _SETTLED:
            # a warm re-solve can end without an answer (HiGHS 1.16 said 'Unknown' on a
            # 1,000-unit cargo LP with one limit lifted): once more from scratch
            self.solver.forget_basis()
            self.solver.set_method(Method.IPM)
            self.last = solution = self.solver.solve()
            self.solver.set_method(Method.SIMPLEX)
        if solution.status == Status.OPTIMAL:
            return True
        if solution.status in (Status.INFEASIBLE, Status.INFEASIBLE_OR_UNBOUNDED):
            return False
        raise ForcegenError(f"the deployment planner failed: {solution.detail}")

    def finish_by(self, day: int) -> None:
        """Forbid arrivals after ``day``."""
        late = np.flatnonzero(self.arrival > day).astype(np.int32)
        self.solver.set_col_bounds(late, np.zeros(late.shape[0]), np.zeros(late.shape[0]))

    def deliver_what_can_be(self) -> None:
        """The fallback: the most delivered, then the fewest item-days."""
        n = self.built.kind.shape[0]
        if n == 0:
            return
        self.solver.set_row_bounds(self.delivery_row, -np.inf, np.inf)
        costs = np.where(self.arrival >= 0, -1.0, 0.0) + np.where(
            self.built.kind == LEG, DETOUR_COST, 0.0
        )
        self.solver.set_objective(costs, Sense.MINIMISE)
        most_solution = self.solver.solve()
        if not most_solution.feasible:  # pragma: no cover - zero flows are feasible
            raise ForcegenError(f"the deployment planner failed: {most_solution.detail}")
        most = float(most_solution.x[self.delivering].sum())
        self.solver.set_row_bounds(self.delivery_row, most - self.tolerance, np.inf)
        self.solver.set_objective(self.built.cost, Sense.MINIMISE)
        if not self.run():  # pragma: no cover - the row holds what was just found
            raise ForcegenError("the deployment planner failed to re-solve")

    def solution(self) -> LoadSolution:
        """The solution of the last :meth:`run`, with the duals of the capacity and
        handling rows."""
        built = self.built
        if built.kind.shape[0] == 0:
            return _empty(self.horizon, built.supplied)
        if self.last is None or not self.last.feasible:
            raise ForcegenError("the deployment planner has no solution to report")
        flow = np.maximum(self.last.x, 0.0)
        duals = self.last.row_dual
        arrived = (self.arrival >= 0) & (flow > self.tolerance)
        delivered = float(flow[self.arrival >= 0].sum())
        last = int(self.arrival[arrived].max()) if arrived.any() else None
        n_days = built.n_days
        cap_rows = np.full(built.n_capacity_rows, -1, dtype=np.int32)
        cap_days = np.zeros(built.n_capacity_rows, dtype=np.int32)
        handling_rows = np.full(built.n_capacity_rows, -1, dtype=np.int32)
        for leg, row0 in built.cap_row0.items():
            cap_rows[row0 : row0 + n_days] = leg
            cap_days[row0 : row0 + n_days] = np.arange(n_days)
        for v, row0 in built.handling_row0.items():
            handling_rows[row0 : row0 + n_days] = v
            cap_days[row0 : row0 + n_days] = np.arange(n_days)
        is_leg, is_node = cap_rows >= 0, handling_rows >= 0
        capacity_duals = duals[: built.n_capacity_rows]
        return LoadSolution(
            horizon=self.horizon,
            kind=built.kind,
            owner=built.owner,
            place=built.place,
            day=built.day,
            flow=flow,
            supplied=built.supplied,
            delivered=delivered,
            last_arrival=last,
            cap_rows=cap_rows[is_leg],
            cap_days=cap_days[is_leg],
            cap_duals=capacity_duals[is_leg],
            handling_rows=handling_rows[is_node],
            handling_days=cap_days[is_node],
            handling_duals=capacity_duals[is_node],
        )


def solve_load(graph: Graph, groups: Sequence[Group], horizon: int) -> LoadSolution:
    """The plan of one load with the fewest item-days among those that deliver the most
    by ``horizon`` [days] (one LP solve)."""
    model = LoadModel(graph, groups, horizon)
    if not model.run():
        model.deliver_what_can_be()
    return model.solution()


def _arrival_days(
    kind: np.ndarray,
    owner: np.ndarray,
    place: np.ndarray,
    day: np.ndarray,
    graph: Graph,
    groups: Sequence[Group],
) -> np.ndarray:
    """Arrival day at the destination of each column that delivers, else -1."""
    out = np.full(kind.shape[0], -1, dtype=np.int64)
    legs = kind == LEG
    to = np.where(legs, graph.leg_to[np.where(legs, place, 0)], -1)
    delivers = legs & (to == owner)
    out[delivers] = day[delivers] + graph.transit[place[delivers]]
    dest = np.array([g.destination for g in groups] or [0])
    inject = kind == INJECT
    at_dest = inject & (place == dest[np.where(inject, owner, 0)])
    out[at_dest] = day[at_dest]
    return out


def _empty(horizon: int, supplied: float) -> LoadSolution:
    z8, z32, zf = np.zeros(0, np.int8), np.zeros(0, np.int32), np.zeros(0)
    return LoadSolution(
        horizon, z8, z32, z32, z32, zf, supplied, 0.0, None, z32, z32, zf, z32, z32, zf
    )
