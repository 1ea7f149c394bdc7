"""Readable names for ids in reports and charts: tables and charts show names,
``--json`` keeps the ids.

Every function falls back to the id itself when the workspace (or ``None``) has no
record of it (results can name a capability or zone that a later edit removed). The
CLI, the charts and the web pages share this module.
"""

from __future__ import annotations

from forcegen import Workspace
from forcegen.errors import in_sentence


def nation(workspace: Workspace | None, iso3: str) -> str:
    """'United Kingdom' for GBR."""
    record = workspace.nations.get(iso3) if workspace is not None else None
    return record.name if record is not None else iso3


def capability(workspace: Workspace | None, capability_id: str) -> str:
    """'Manoeuvre brigade' for manoeuvre_brigade."""
    record = workspace.capabilities.get(capability_id) if workspace is not None else None
    return record.name if record is not None else capability_id


def zone(workspace: Workspace | None, zone_id: str | None) -> str:
    """'Central Ukraine (Kyiv)' for ukraine-centre; 'any zone' for None."""
    if zone_id is None:
        return "any zone"
    record = workspace.zones.get(zone_id) if workspace is not None else None
    return record.name if record is not None else zone_id


def condition(workspace: Workspace | None, condition_id: str) -> str:
    """'US backstop' for us_backstop (the condition's ``name``, else its id)."""
    record = workspace.conditions.get(condition_id) if workspace is not None else None
    return record.label if record is not None else condition_id


def requirement(workspace: Workspace | None, requirement_id: str) -> str:
    """'Division-sized force, 25,000' for force-25k."""
    record = workspace.requirements.get(requirement_id) if workspace is not None else None
    return record.name if record is not None else requirement_id


def scenario(workspace: Workspace | None, scenario_id: str | None) -> str:
    """The scenario's name; 'every condition free' for None."""
    if scenario_id is None:
        return "every condition free"
    record = workspace.scenarios.get(scenario_id) if workspace is not None else None
    return record.name if record is not None else scenario_id


def pledge(workspace: Workspace, pledge_id: str) -> str:
    """'France: manoeuvre brigade x 1' for a pledge id: nation, capability and quantity."""
    record = workspace.pledges.get(pledge_id)
    if record is None:
        return pledge_id
    quantity = (
        f"{record.quantity:,.0f}"
        if float(record.quantity).is_integer()
        else (f"{record.quantity:,.1f}")
    )
    return (
        f"{nation(workspace, record.nation)}: "
        f"{in_sentence(capability(workspace, record.capability))} x {quantity}"
    )


def line(workspace: Workspace, capability_id: str, zone_id: str | None) -> str:
    """'ISTAR squadron in Ukrainian airspace': a requirement line in words."""
    where = f" in {zone(workspace, zone_id)}" if zone_id is not None else ""
    return f"{capability(workspace, capability_id)}{where}"
