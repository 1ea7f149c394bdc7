"""Rotation: can each nation keep its pledge in the field through rotations, and what must
it draw down; the coalition's deployed strength month by month.

Entry point: :func:`sustainment`; result: :class:`SustainmentResult`.
"""

from forcegen.engine.rotation.coalition import SustainmentResult, sustainment

__all__ = ["SustainmentResult", "sustainment"]
