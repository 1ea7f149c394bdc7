"""Sensitivity to planning assumptions: a tornado over each nation's rotation ratio and
deployable fraction, the tour length and readiness days.

Entry point: :func:`planning_sensitivity`; result: :class:`PlanningSensitivity`.
"""

from forcegen.engine.assumptions.sensitivity import (
    Bar,
    Effect,
    PlanningSensitivity,
    planning_sensitivity,
)

__all__ = ["Bar", "Effect", "PlanningSensitivity", "planning_sensitivity"]
