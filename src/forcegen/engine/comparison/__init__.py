"""Side-by-side comparison of evaluated results: scenarios of one workspace, or
variants of a workspace, each under its scenario.

Entry point: :func:`compare`; result: :class:`ComparisonResult`.
"""

from forcegen.engine.comparison.compare import ComparisonItem, ComparisonResult, compare

__all__ = ["ComparisonItem", "ComparisonResult", "compare"]
