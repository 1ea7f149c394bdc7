"""Force sourcing: the optimal fill of a requirement's lines from the pledges (an integer
programme solved lexicographically with HiGHS), shortfalls and dependence on one nation.

Entry points: :func:`source_requirement` (result :class:`SourcingResult`) and
:func:`fill_requirement` (result :class:`RequirementFill`, the one definition of "met").
"""

from forcegen.engine.sourcing.fill import LineFill, RequirementFill, fill_requirement
from forcegen.engine.sourcing.source import SourcingResult, dependence_nation, source_requirement

__all__ = [
    "LineFill",
    "RequirementFill",
    "SourcingResult",
    "dependence_nation",
    "fill_requirement",
    "source_requirement",
]
