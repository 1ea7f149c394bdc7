"""Which pledges are active: in a scenario, or under a truth assignment of the conditions.

:func:`resolve_scenario` is the one place a scenario argument (an id, a
:class:`~forcegen.model.scenarios.Scenario`, or None) is resolved; every engine entry point
calls it once and passes the object on.
"""

from __future__ import annotations

from collections.abc import Mapping

from forcegen.model.pledges import PledgeStatus
from forcegen.model.scenario_changes import scenario_workspace
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace


def resolve_scenario(workspace: Workspace, scenario: str | Scenario | None) -> Scenario | None:
    """The scenario object for an id (a clear error listing the known ids if there is no
    such scenario), the object itself, or None."""
    if scenario is None or isinstance(scenario, Scenario):
        return scenario
    return workspace.scenario(scenario)


def scenario_view(
    workspace: Workspace, scenario: str | Scenario | None
) -> tuple[Workspace, Scenario | None]:
    """The workspace ``scenario`` is evaluated on, and the scenario resolved
    (:func:`resolve_scenario`): for a scenario that adds, withdraws or patches pledges,
    the workspace with its changes (built and checked when the workspace was); else
    ``workspace`` itself. Every engine entry point calls this once."""
    resolved = resolve_scenario(workspace, scenario)
    if resolved is None or not resolved.changes_force or workspace.variant_of == resolved.id:
        return workspace, resolved
    variant = workspace.variants.get(resolved.id)
    if variant is not None and workspace.scenarios.get(resolved.id) == resolved:
        return variant, variant.scenarios[resolved.id]
    return scenario_workspace(workspace, resolved), resolved  # a scenario made in code


def scenario_pledges(workspace: Workspace, scenario: Scenario | None) -> tuple[str, ...]:
    """Ids of the pledges active in ``scenario``, in workspace order; with no scenario,
    every pledge that is not withdrawn (the most that is on offer)."""
    if scenario is None:
        return tuple(
            pid for pid, p in workspace.pledges.items() if p.status is not PledgeStatus.WITHDRAWN
        )
    return active_pledges(workspace, scenario_values(workspace, scenario))


def scenario_values(workspace: Workspace, scenario: Scenario) -> dict[str, bool]:
    """Truth value of every condition: as the scenario fixes it, else False."""
    return {cid: bool(scenario.assume.get(cid, False)) for cid in workspace.conditions}


def assumed_false(workspace: Workspace, scenario: Scenario) -> tuple[str, ...]:
    """Conditions the scenario does not fix (counted as false), in workspace order."""
    return tuple(cid for cid in workspace.conditions if cid not in scenario.assume)


def is_active(workspace: Workspace, pledge_id: str, values: Mapping[str, bool]) -> bool:
    """A pledge is active when it is not withdrawn and its ``requires`` holds."""
    if workspace.pledges[pledge_id].status is PledgeStatus.WITHDRAWN:
        return False
    return bool(workspace.requires[pledge_id].evaluate(values))


def active_pledges(workspace: Workspace, values: Mapping[str, bool]) -> tuple[str, ...]:
    """Ids of the active pledges, in workspace order."""
    return tuple(pid for pid in workspace.pledges if is_active(workspace, pid, values))


def active_personnel(workspace: Workspace, values: Mapping[str, bool]) -> int:
    """Total personnel of the active pledges [persons]."""
    return sum(workspace.pledge_personnel(pid) for pid in active_pledges(workspace, values))
