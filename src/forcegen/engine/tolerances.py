"""Tolerances: one per unit of measure, for every comparison of computed figures.

Figures that come out of a solver or a floating-point sum are compared with these, never
with inline epsilons, so that "filled", "met", "closed" and "saturated" mean the same thing
in every engine.
"""

from __future__ import annotations

UNITS = 1e-6
"""Capability units [units]: a fill, a requirement or a pledge's units closer than this are
equal (a line is met when filled >= required - UNITS; a leftover below it is none)."""

PERSONS = 1e-6
"""Personnel [persons]: strengths, ceilings and deficits of the rotation model."""

DAYS = 1e-9
"""Durations [days]: a computed number of days within this of a whole day is that day
(rounding up a transfer time never adds a day for a rounding error)."""

LOAD = 1e-9
"""Flows and loads [persons/day or short tons/day, or persons or short tons]: a flow or
usage at most this is no flow."""

LOAD_RELATIVE = 1e-7
"""Relative to the load supplied [fraction]: what is still undelivered at the horizon, or a
flow over a capacity, within this share counts as delivered or within capacity."""

UNIT_LOAD_RELATIVE = 1e-6
"""Relative to one unit's load [fraction]: what is left of a unit after following it
through a plan's flows (rounding adds up over its many flows) within this share counts as
arrived."""

CAPACITY_SLACK = 1e-6
"""Absolute slack [persons/day or short tons/day] when a plan's flow is checked against a
capacity reduced by a disruption (on top of a relative FRACTION)."""

FRACTION = 1e-9
"""Dimensionless ratios [fraction]: counts of steps or tours computed by division."""

PROBABILITY = 1e-12
"""Probabilities and cumulative weights [probability]."""

SOLVER_GAP = 1e-9
"""Objective values of an optimisation [objective units]: a gap at most this is closed."""
