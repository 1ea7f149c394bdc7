"""Posture: where the force stands against the line of contact, what it covers and what
the caveats cost (docs/posture.md)."""

from forcegen.engine.posture.posture import compare_postures, posture
from forcegen.engine.posture.result import PostureComparison, PostureResult

__all__ = ["PostureComparison", "PostureResult", "compare_postures", "posture"]
