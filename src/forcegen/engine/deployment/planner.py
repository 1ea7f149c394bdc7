"""Deployment planning: when is each unit, each nation and the whole force in place,
and what holds it up.

Personnel and cargo use separate capacities (``pax_per_day``, ``short_tons_per_day``),
so each is planned by its own time-expanded LP (:mod:`forcegen.engine.deployment.time_expanded`,
over the graphs of :mod:`~forcegen.engine.deployment.graphs`). For each, the planner finds
the earliest day T by which everything can arrive: it starts from a proven lower bound
(:mod:`~forcegen.engine.deployment.closure_bounds`), tries a horizon a quarter above it and,
when that is too short, the last arrival of a congestion-aware greedy plan
(:mod:`~forcegen.engine.deployment.residual_routes`: a feasible day), then re-solves
that model from its last basis with arrivals after the last arrival forbidden, until
that is infeasible; among plans that
finish by T it takes the one with the fewest item-days to arrival. The force closes on the
later of the two days. Units are then followed through that plan
(:mod:`~forcegen.engine.deployment.following`), and the bottlenecks read from its duals
(:mod:`~forcegen.engine.deployment.bottlenecks`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from forcegen.engine.deployment.bottlenecks import (
    Bottleneck,
    find_bottlenecks,
    usage_by_day,
    utilisation_table,
)
from forcegen.engine.deployment.closure_bounds import (
    BeyondHorizon,
    Routes,
    beyond_horizon,
    fastest_routes,
    lower_bound,
)
from forcegen.engine.deployment.following import follow_units
from forcegen.engine.deployment.graphs import (
    LOADS,
    CapacityScale,
    build_graphs,
    build_groups,
    load_amount,
)
from forcegen.engine.deployment.movement import Movement, NotMoved
from forcegen.engine.deployment.residual_routes import greedy_last_arrival
from forcegen.engine.deployment.time_expanded import (
    Graph,
    Group,
    LoadModel,
    LoadSolution,
)
from forcegen.model.network import Network

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class UnitClosure:
    """When one unit is in place; days after activation (None = not by the horizon)."""

    movement: Movement
    closure_day: int | None
    personnel_day: int | None
    cargo_day: int | None

    @property
    def late_days(self) -> int | None:
        """Days after the required delivery day (0 when on time; None without one)."""
        if self.movement.required_day is None or self.closure_day is None:
            return None
        return max(0, self.closure_day - self.movement.required_day)


@dataclass(frozen=True)
class DeploymentPlan:
    """The plan: closure per unit and for the force, utilisation and bottlenecks."""

    units: tuple[UnitClosure, ...]
    not_moved: tuple[NotMoved, ...]
    bottlenecks: tuple[Bottleneck, ...]
    utilisation: pd.DataFrame
    """Daily utilisation: one row per (resource, load, day) for every leg and node with a
    capacity, from day 0 to the plan's last movement, and for any other with flow:
    resource, name, kind (leg or node), load, day, flow [persons or short tons],
    capacity (None = no limit), utilisation [share] (None without a limit)."""
    horizon: int
    closure_by_load: Mapping[str, int | None] = field(default_factory=dict)
    beyond_horizon: tuple[BeyondHorizon, ...] = ()
    """Units that cannot close within the horizon, proven before planning (their
    closure day is None); the other units are planned as if they were not there."""

    @property
    def closure_day(self) -> int | None:
        """The day the whole force is in place (None = not within the horizon)."""
        if any(u.closure_day is None for u in self.units):
            return None
        return max((u.closure_day for u in self.units if u.closure_day is not None), default=0)

    def nation_closure(self) -> dict[str, int | None]:
        """Closure day of each nation's units (None = some unit not by the horizon)."""
        out: dict[str, int | None] = {}
        for u in self.units:
            nation = u.movement.nation
            if nation in out and out[nation] is None:
                continue
            if u.closure_day is None:
                out[nation] = None
            else:
                out[nation] = max(out.get(nation) or 0, u.closure_day)
        return out

    def units_frame(self) -> pd.DataFrame:
        """One row per unit: pledge, nation, destination, ready/required/closure day..."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "unit": u.movement.unit,
                    "pledge": u.movement.pledge,
                    "nation": u.movement.nation,
                    "destination": u.movement.destination,
                    "personnel": u.movement.personnel,
                    "short_tons": u.movement.short_tons,
                    "ready_day": u.movement.ready_day,
                    "closure_day": u.closure_day,
                    "required_day": u.movement.required_day,
                    "late_days": u.late_days,
                }
                for u in self.units
            ]
        )

    def in_place(self) -> pd.DataFrame:
        """Personnel in place by day, per nation [persons]: days as rows, nations as
        columns, counted when the unit has closed."""
        import pandas as pd

        horizon = self.closure_day if self.closure_day is not None else self.horizon
        days = np.arange(horizon + 1)
        table: dict[str, np.ndarray] = {}
        for u in self.units:
            if u.closure_day is None:
                continue
            column = table.setdefault(u.movement.nation, np.zeros(days.shape[0]))
            column[u.closure_day :] += u.movement.personnel
        return pd.DataFrame(table, index=pd.Index(days, name="day"))


def earliest_plan(
    graph: Graph,
    groups: Sequence[Group],
    network: Network,
    horizon: int,
    routes: Routes | None = None,
    floor: int = 0,
) -> LoadSolution:
    """The plan of one load that finishes earliest, then with the fewest item-days, up
    to ``horizon`` [days]; if not everything can arrive by then, the plan delivering the
    most by it. ``floor`` [day] is a day before which the caller has proven that not
    everything can arrive (0 when unknown); the search starts from it or from the lower
    bound, whichever is later.

    The horizon is searched upwards from a lower bound (ready day plus fastest route,
    and cuts at origins and destinations): first a quarter above it (at least 5 days);
    if not everything can arrive by then, the last arrival of the greedy plan
    (:func:`~forcegen.engine.deployment.residual_routes.greedy_last_arrival`), a day by
    which everything can (growing by half only should the greedy fail); that model is
    then re-solved from its last basis with arrivals after day M - 1 forbidden, M the
    last arrival of the plan in hand, until that is infeasible or M reaches a proven
    bound: M is then the earliest finish.
    """
    low = max(lower_bound(graph, groups, network, routes), floor)
    trial = min(horizon, low + max(5, low // 4))
    upper: int | None = None
    while True:
        model = LoadModel(graph, groups, trial)
        if model.run():
            break
        low = max(low, trial + 1)  # proven: nothing finishes by the trial
        if trial >= horizon:
            model.deliver_what_can_be()
            return model.solution()
        if upper is None:  # once: a feasible finish (or None)
            upper = greedy_last_arrival(graph, groups, horizon, routes) or 0
        # the greedy plan is a point of the LP at its last arrival: feasible
        trial = upper if upper > trial else min(horizon, max(trial + 7, trial + trial // 2))
    best = model.solution()
    while best.last_arrival is not None and best.last_arrival > low:
        model.finish_by(best.last_arrival - 1)
        if not model.run():
            break
        best = model.solution()
    return best


def load_graphs(
    network: Network,
    movements: Sequence[Movement],
    horizon: int,
    scale: CapacityScale | None = None,
) -> tuple[dict[str, Graph], dict[str, Routes], dict[int, BeyondHorizon]]:
    """What a plan of ``movements`` starts from: each load's graph up to ``horizon``
    [days], its fastest routes to the destinations it moves to, and the units that
    provably cannot close by the horizon (by movement index)."""
    graphs = build_graphs(network, horizon, scale)
    index = {node.id: i for i, node in enumerate(network.nodes)}
    routes = {
        load: fastest_routes(
            graphs[load],
            (index[m.destination] for m in movements if load_amount(m, load) > 0),
        )
        for load in LOADS
    }
    return graphs, routes, beyond_horizon(network, graphs, movements, horizon, routes)


def plan_deployment(
    network: Network,
    movements: Sequence[Movement],
    not_moved: Sequence[NotMoved] = (),
    scale: CapacityScale | None = None,
    horizon: int | None = None,
) -> DeploymentPlan:
    """The exact earliest deployment of ``movements`` over ``network``.

    Units that provably cannot close within the horizon (:func:`beyond_horizon`) are
    listed as such and left out; the others are planned as if they were not there, so
    such a unit costs a bound, not a search of every horizon up to ``horizon``.
    """
    horizon = network.horizon_days if horizon is None else horizon
    graphs, routes, late = load_graphs(network, movements, horizon, scale)
    days: dict[str, list[int | None]] = {}
    solutions: dict[str, LoadSolution] = {}
    closure_by_load: dict[str, int | None] = {}
    grouped = {load: build_groups(network, movements, load, skip=late) for load in LOADS}
    with ThreadPoolExecutor(max_workers=len(LOADS)) as pool:  # HiGHS releases the GIL
        futures = {
            load: pool.submit(
                earliest_plan, graphs[load], grouped[load][0], network, horizon, routes[load]
            )
            for load in LOADS
            if grouped[load][0]
        }
        for load, future in futures.items():
            solutions[load] = future.result()
    for load in LOADS:
        groups, members = grouped[load]
        left_out = any(load_amount(movements[m], load) > 0 for m in late)
        if load not in solutions:
            days[load] = [None] * len(movements)
            closure_by_load[load] = None if left_out else 0
            continue
        solution = solutions[load]
        complete = solution.complete() and not left_out
        closure_by_load[load] = solution.last_arrival if complete else None
        days[load] = follow_units(
            graphs[load], groups, members, movements, solution, load, routes[load]
        )
    units = []
    for m, movement in enumerate(movements):
        per_load = []
        closed = True
        for load in LOADS:
            if load_amount(movement, load) <= 0:
                continue
            day = days[load][m]
            if day is None:
                closed = False
            else:
                per_load.append(day)
        closure = max(per_load, default=movement.ready_day) if closed else None
        units.append(UnitClosure(movement, closure, days["personnel"][m], days["cargo"][m]))
    usage = {load: usage_by_day(graphs[load], solution) for load, solution in solutions.items()}
    daily = utilisation_table(network, graphs, solutions, usage)
    found = find_bottlenecks(network, graphs, solutions, usage)
    return DeploymentPlan(
        tuple(units),
        tuple(not_moved),
        tuple(found),
        daily,
        horizon,
        closure_by_load,
        tuple(late[m] for m in sorted(late)),
    )
