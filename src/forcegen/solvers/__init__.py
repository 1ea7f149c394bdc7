"""Solver adapters: the only place that constructs solver objects.

Engines ask :func:`forcegen.solvers.highs.new_highs` for a HiGHS instance instead of
calling ``highspy.Highs()`` themselves, so that solver output never reaches the
user's stdout (see ``docs/limits.md`` and the ``--verbose`` option).
"""
