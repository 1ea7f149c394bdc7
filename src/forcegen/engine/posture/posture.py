"""Posture: the public entry points behind ``forcegen posture``.

``posture(workspace, scenario, requirement, posture=ID)`` stations the units of the
pledges active in the scenario (or of the optimal sourcing of a requirement) under a
posture, measures each unit's distance and road time to the line of contact, the
personnel within each distance band, the share of the line a manoeuvre unit reaches
within each reinforcement time, the worst-covered segment, what each front-line caveat
costs in coverage and which pledges of the risk scenario stand within reach of Russian
fires. ``compare_postures`` does it for several postures side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from forcegen.engine.activation import scenario_pledges, scenario_view
from forcegen.engine.deployment.geography import distance_to_line_km
from forcegen.engine.deployment.movement import (
    Tasking,
    taskings_from_pledges,
    taskings_from_sourcing,
)
from forcegen.engine.posture.caveats import caveat_costs, caveated_nations
from forcegen.engine.posture.coverage import Piece, Segment, coverage, reach, split_line
from forcegen.engine.posture.result import (
    AtRisk,
    PostureComparison,
    PostureResult,
    StationLoad,
    UnitPosture,
)
from forcegen.engine.posture.road_time import RoadNetwork
from forcegen.engine.posture.stationing import Station, station_units
from forcegen.engine.totals import checked_personnel
from forcegen.errors import ForcegenError, UnknownIdError
from forcegen.model.network import Network
from forcegen.model.posture import Posture
from forcegen.model.scenarios import Scenario
from forcegen.model.workspace import Workspace

DEPLOYMENT_LAYOUT = "as deployed (the network's zone destinations)"
"""The name of the layout used when no posture is given."""


def _network(workspace: Workspace) -> Network:
    network = workspace.network
    if network is None:
        raise ForcegenError(
            "the workspace has no network: add a 'network:' key (see docs/deployment.md)"
        )
    if network.line_of_contact is None:
        raise ForcegenError(
            "the network has no line_of_contact: posture measures against it (see docs/posture.md)"
        )
    return network


def _posture(workspace: Workspace, posture: str | Posture | None) -> Posture | None:
    if posture is None or isinstance(posture, Posture):
        return posture
    try:
        return workspace.postures[posture]
    except KeyError:
        raise UnknownIdError("posture", posture, workspace.postures) from None


def _taskings(
    workspace: Workspace, scenario: Scenario | None, requirement: str | None
) -> list[Tasking]:
    if requirement is not None:
        from forcegen.engine.sourcing.source import source_requirement

        sourced = source_requirement(workspace, requirement, scenario, dependence_on=None)
        return taskings_from_sourcing(
            workspace, requirement, [(a.line, a.pledge, a.units) for a in sourced.assignments]
        )
    ids = scenario_pledges(workspace, scenario)
    return taskings_from_pledges({pid: workspace.pledges[pid].quantity for pid in ids})


class _Measure:
    """The figures shared by every stationing of one posture: roads, line, pieces."""

    def __init__(self, workspace: Workspace, network: Network) -> None:
        settings = workspace.posture
        assert network.line_of_contact is not None
        self.workspace = workspace
        self.network = network
        self.settings = settings
        self.line = tuple((p.lat, p.lon) for p in network.line_of_contact.points)
        self.roads = RoadNetwork(network, settings.detour_factor, settings.convoy_speed_kmh)
        self.pieces = split_line(self.line, settings.segment_km)
        self.nodes = {n.id: n for n in network.nodes}
        self._distance: dict[str, float] = {}
        self._hours: dict[tuple[str, int], float] = {}

    def distance_km(self, node_id: str) -> float:
        """Great-circle distance from a node to the line [km]."""
        if node_id not in self._distance:
            node = self.nodes[node_id]
            self._distance[node_id] = distance_to_line_km(node.lat, node.lon, self.line)
        return self._distance[node_id]

    def hours_to(self, node: str, piece: Piece) -> float:
        """Road time from a node to the midpoint of a piece [h] (cached)."""
        key = (node, piece.index)
        if key not in self._hours:
            self._hours[key] = self.roads.hours_to_point(node, *piece.mid)
        return self._hours[key]

    def segments(
        self, stations: Sequence[Station], include_caveated: bool = False
    ) -> list[Segment]:
        return reach(self.roads, self.pieces, stations, include_caveated, self.hours_to)

    def coverage(
        self, stations: Sequence[Station], include_caveated: bool = False
    ) -> dict[float, float]:
        segments = self.segments(stations, include_caveated)
        return {h: coverage(segments, h) for h in self.settings.coverage_hours}

    def at_risk(self, stations: Sequence[Station]) -> list[AtRisk]:
        return [
            AtRisk(s.unit, s.pledge, s.nation, s.node, s.personnel, self.distance_km(s.node))
            for s in stations
            if self.distance_km(s.node) <= self.settings.risk_km
        ]


def _result(
    workspace: Workspace,
    scenario: Scenario | None,
    requirement: str | None,
    tasks: Sequence[Tasking],
    chosen: Posture | None,
    risk: tuple[Workspace, list[Tasking]] | None,
) -> PostureResult:
    network = _network(workspace)
    measure = _Measure(workspace, network)
    stations, left = station_units(workspace, network, tasks, chosen)
    units = tuple(
        UnitPosture(
            s, measure.distance_km(s.node), measure.roads.hours_to_line(s.node, measure.line)
        )
        for s in stations
    )
    segments = measure.segments(stations)
    covered = {h: coverage(segments, h) for h in workspace.posture.coverage_hours}
    everyone = measure.coverage(stations, include_caveated=True)

    def risky(lifted: tuple[str, ...]) -> list[AtRisk]:
        if risk is None:
            return []
        risk_ws, risk_tasks = risk
        placed, _ = station_units(risk_ws, network, risk_tasks, chosen, lifted)
        return measure.at_risk(placed)

    at_risk = risky(())
    layouts: dict[tuple[str, ...], list[Station]] = {(): stations}

    def value(restation: tuple[str, ...], counting: tuple[str, ...]) -> dict[float, float]:
        key = tuple(sorted(restation))
        if key not in layouts:
            layouts[key] = station_units(workspace, network, tasks, chosen, key)[0]
        freed = [replace(s, caveated=False) if s.nation in counting else s for s in layouts[key]]
        return measure.coverage(freed)

    costs = caveat_costs(
        caveated_nations(stations),
        covered,
        [a.pledge for a in at_risk],
        value,
        lambda lifted: [a.pledge for a in risky(lifted)],
    )
    station_rows = _stations(chosen, network, stations)
    warnings = tuple(
        f"{network.node(row.node).name} ({row.zone}), a station of the posture, holds nobody"
        for row in station_rows
        if row.units == 0
    )
    return PostureResult(
        scenario=None if scenario is None else scenario.id,
        requirement=requirement,
        posture=None if chosen is None else chosen.id,
        posture_name=DEPLOYMENT_LAYOUT if chosen is None else chosen.name,
        settings=workspace.posture,
        network=network,
        units=units,
        not_stationed=tuple(left),
        segments=tuple(segments),
        coverage=covered,
        coverage_including_caveated=everyone,
        stations=station_rows,
        warnings=warnings,
        caveats=costs,
        risk_scenario=workspace.posture.risk_scenario,
        at_risk=tuple(at_risk),
    )


def _stations(
    chosen: Posture | None, network: Network, stations: Sequence[Station]
) -> tuple[StationLoad, ...]:
    """Personnel and units at each station: the posture's stations in its order (zones
    it lists, nodes in order), then every other node where a unit stands."""
    rows: dict[tuple[str, str], list[float]] = {}
    if chosen is not None:
        for zone, nodes in chosen.stations.items():
            for node in nodes:
                rows.setdefault((node, zone), [])
    for s in stations:
        rows.setdefault((s.node, s.zone), []).append(s.personnel)
    return tuple(StationLoad(node, zone, float(sum(p)), len(p)) for (node, zone), p in rows.items())


def _risk(workspace: Workspace) -> tuple[Workspace, list[Tasking]] | None:
    """The workspace and taskings of the risk scenario (None when none is set)."""
    if workspace.posture.risk_scenario is None:
        return None
    risk_ws, risk_scenario = scenario_view(workspace, workspace.posture.risk_scenario)
    return risk_ws, _taskings(risk_ws, risk_scenario, None)


def posture(
    workspace: Workspace,
    scenario: str | Scenario | None = None,
    requirement: str | None = None,
    *,
    posture: str | Posture | None = None,
) -> PostureResult:
    """Station the pledges active in ``scenario`` (every pledge not withdrawn when None),
    or the optimal sourcing of ``requirement``, under ``posture`` (an id of the
    workspace's ``postures``, a :class:`~forcegen.model.posture.Posture`, or None: the
    deployment plan's layout) and measure it against the line of contact: distance [km]
    and road time [h] of each unit, personnel within each band [persons], coverage by
    reinforcement time [0-1], the worst segment, caveat costs and pledges at risk."""
    workspace, resolved = scenario_view(workspace, scenario)
    checked_personnel(workspace)
    _network(workspace)
    chosen = _posture(workspace, posture)
    tasks = _taskings(workspace, resolved, requirement)
    return _result(workspace, resolved, requirement, tasks, chosen, _risk(workspace))


def compare_postures(
    workspace: Workspace,
    scenario: str | Scenario | None = None,
    requirement: str | None = None,
    *,
    postures: Sequence[str | Posture] | None = None,
) -> PostureComparison:
    """:func:`posture` for each of ``postures`` (default: every posture of the
    workspace, or the deployment plan's layout when it has none), side by side."""
    workspace, resolved = scenario_view(workspace, scenario)
    checked_personnel(workspace)
    _network(workspace)
    wanted: list[Posture | None] = (
        [_posture(workspace, p) for p in postures]
        if postures is not None
        else list(workspace.postures.values()) or [None]
    )
    tasks = _taskings(workspace, resolved, requirement)
    risk = _risk(workspace)
    results = tuple(_result(workspace, resolved, requirement, tasks, p, risk) for p in wanted)
    scenario_id = None if resolved is None else resolved.id
    return PostureComparison(scenario_id, requirement, results)
