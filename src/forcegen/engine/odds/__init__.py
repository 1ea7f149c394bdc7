"""Odds over the political conditions: Monte Carlo, exact enumeration, sensitivity, sweeps.

Entry points: :func:`monte_carlo` (result :class:`MonteCarloResult`) and :func:`sweep`
(result :class:`SweepResult`, on the Dask cluster of :func:`dask_cluster`).
"""

from forcegen.engine.odds.cluster import cluster_threads, dask_cluster, dask_installed
from forcegen.engine.odds.montecarlo import MonteCarloResult, monte_carlo
from forcegen.engine.odds.scheduler import SchedulerAddressError, SchedulerUnreachable
from forcegen.engine.odds.sweep import SweepAxis, SweepAxisError, SweepResult, sweep

__all__ = [
    "MonteCarloResult",
    "SchedulerAddressError",
    "SchedulerUnreachable",
    "SweepAxis",
    "SweepAxisError",
    "SweepResult",
    "cluster_threads",
    "dask_cluster",
    "dask_installed",
    "monte_carlo",
    "sweep",
]
