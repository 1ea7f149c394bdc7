"""Can everything of one load arrive by a given day under other capacities?

An :class:`ArrivalProbe` keeps the time-expanded LP of one load at one horizon in the
solver and answers that question for capacities changed from those it was built with:
only the upper bounds of the capacity and handling rows change, and the LP is re-solved
from its last basis (simplex), far cheaper than planning again. It is what the closure
explanation (removing one capacity's limit) and the disruption draws (capacities taken
away) ask many times of the same model.

Exactness: the LP's columns depend on the capacities only through which legs are usable
(some capacity on some day) and which nodes have a handling row (a finite handling on
some day), both fixed when the model is built; every other capacity is a row bound.
:meth:`ArrivalProbe.arrives_by` therefore answers exactly for any capacities under
which no unusable leg becomes usable and no node without a handling row gets a limit
that its incoming legs do not already imply; otherwise it answers None (plan again).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from forcegen.engine.deployment.time_expanded import Graph, Group, LoadModel


class ArrivalProbe:
    """The LP of one load at ``horizon`` [day], re-solved under changed capacities."""

    def __init__(self, graph: Graph, groups: Sequence[Group], horizon: int) -> None:
        self.graph, self.horizon = graph, horizon
        self.model = LoadModel(graph, groups, horizon)
        built = self.model.built
        n_days = built.n_days
        self._legs = np.array(sorted(built.cap_row0), dtype=np.int64)
        self._nodes = np.array(sorted(built.handling_row0), dtype=np.int64)
        self._leg_rows = np.array(
            [built.cap_row0[int(leg)] + d for leg in self._legs for d in range(n_days)],
            dtype=np.int64,
        )
        self._node_rows = np.array(
            [built.handling_row0[int(v)] + d for v in self._nodes for d in range(n_days)],
            dtype=np.int64,
        )
        self._upper = self._bounds(graph.leg_capacity, graph.handling)
        self._origins = {o for g in groups for o in g.origins}
        self._unusable = np.setdiff1d(np.arange(graph.leg_capacity.shape[0]), self._legs)
        self._unlimited = np.setdiff1d(np.arange(graph.n_nodes), self._nodes)

    def _bounds(self, leg_capacity: np.ndarray, handling: np.ndarray) -> np.ndarray:
        n_days = self.model.built.n_days
        legs = leg_capacity[self._legs, :n_days].reshape(-1) if self._legs.size else np.zeros(0)
        nodes = handling[self._nodes, :n_days].reshape(-1) if self._nodes.size else np.zeros(0)
        return np.concatenate([legs, nodes]).astype(float)

    def expressible(self, leg_capacity: np.ndarray, handling: np.ndarray) -> bool:
        """True when the model can answer for these capacities exactly (see the module)."""
        n_days = self.model.built.n_days
        if self._unusable.size and (leg_capacity[self._unusable, :n_days] > 0).any():
            return False
        graph = self.graph
        for v_ in self._unlimited:
            v = int(v_)
            limits = handling[v, :n_days]
            days = np.flatnonzero(np.isfinite(limits))
            if not days.size:
                continue
            if v in self._origins:
                return False  # items may enter it without a leg: no row bounds them
            into = np.flatnonzero(graph.leg_to == v)
            for d in (int(x) for x in days):
                arriving = 0.0
                for leg in (int(x) for x in into):
                    sent = d - int(graph.transit[leg])
                    if sent >= 0:
                        arriving += float(leg_capacity[leg, sent])
                if arriving > limits[d]:
                    return False
        return True

    def arrives_by(self, leg_capacity: np.ndarray, handling: np.ndarray) -> bool | None:
        """True when everything of the load can arrive by the horizon under these
        capacities (arrays shaped as the graph's [per day]), False when it cannot; None
        when the model cannot express them (plan again)."""
        if not self.expressible(leg_capacity, handling):
            return None
        upper = self._bounds(leg_capacity, handling)
        rows = np.concatenate([self._leg_rows, self._node_rows])
        solver = self.model.solver
        for i in (int(x) for x in np.flatnonzero(upper != self._upper)):
            solver.set_row_bounds(int(rows[i]), -np.inf, float(upper[i]))
        self._upper = upper
        return self.model.run()
