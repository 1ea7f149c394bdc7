"""Supply of the force in place: consumption, resupply on the network, autonomy when cut off."""

from forcegen.engine.supply.autonomy import Cut, parse_cut
from forcegen.engine.supply.supply import SupplyResult, supply

__all__ = ["Cut", "SupplyResult", "parse_cut", "supply"]
