"""The workspace model: typed records, cross-reference checks and the Workspace container."""

from forcegen.model.capabilities import Capability, Domain
from forcegen.model.common import Basis, Source
from forcegen.model.conditions import Condition, ConditionalProbability
from forcegen.model.headquarters import Headquarters
from forcegen.model.nations import Commitment, Nation, NationRole, Stance, Statement
from forcegen.model.pledges import Pledge, PledgeStatus
from forcegen.model.requirements import Requirement, RequirementLine
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import SECTIONS, Workspace, build_workspace
from forcegen.model.zones import Zone

__all__ = [
    "SECTIONS",
    "Basis",
    "Capability",
    "Commitment",
    "Condition",
    "ConditionalProbability",
    "Domain",
    "Headquarters",
    "Nation",
    "NationRole",
    "Pledge",
    "PledgeStatus",
    "Requirement",
    "RequirementLine",
    "Scenario",
    "Source",
    "Stance",
    "Statement",
    "Workspace",
    "Zone",
    "build_workspace",
]
