"""Supply of the force in place: consumption, resupply on the network, autonomy when cut off."""

from forcegen.engine.supply.autonomy import SupplyCut, parse_cut
from forcegen.engine.supply.supply import SupplyResult, supply

__all__ = ["SupplyCut", "SupplyResult", "parse_cut", "supply"]
