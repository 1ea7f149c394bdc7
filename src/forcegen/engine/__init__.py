"""Engines: pure computations on a validated workspace (no files, no printing).

One package per capability, each with one entry point (docs/architecture.md):
:mod:`~forcegen.engine.evaluation`, :mod:`~forcegen.engine.odds`,
:mod:`~forcegen.engine.sourcing`, :mod:`~forcegen.engine.rotation`,
:mod:`~forcegen.engine.deployment`. Shared by them: :mod:`~forcegen.engine.activation`
(scenarios and active pledges), :mod:`~forcegen.engine.totals` (checked sums),
:mod:`~forcegen.engine.bounds` (checked counts) and :mod:`~forcegen.engine.tolerances`.
"""
