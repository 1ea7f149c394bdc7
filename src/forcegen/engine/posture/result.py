"""What ``forcegen posture`` returns: :class:`PostureResult` for one posture and
:class:`PostureComparison` for several side by side (JSON shapes in docs/json.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forcegen.engine import geojson
from forcegen.engine.posture.caveats import CaveatCost, hours_key
from forcegen.engine.posture.coverage import Segment, worst_segment
from forcegen.engine.posture.stationing import NotStationed, Station
from forcegen.model.network import Network
from forcegen.model.posture import PosturePlanning

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class UnitPosture:
    """A unit where it stands: ``distance_km`` to the line of contact [km] (great
    circle) and ``road_hours`` to reach it by road [h]."""

    station: Station
    distance_km: float
    road_hours: float

    def to_json(self) -> dict[str, object]:
        """One row of ``units`` in the JSON."""
        s = self.station
        return {
            "unit": s.unit,
            "pledge": s.pledge,
            "nation": s.nation,
            "capability": s.capability,
            "manoeuvre": s.manoeuvre,
            "zone": s.zone,
            "node": s.node,
            "personnel": round(s.personnel, 3),
            "distance_km": round(self.distance_km, 1),
            "road_hours": round(self.road_hours, 2),
            "caveated": s.caveated,
        }


@dataclass(frozen=True)
class AtRisk:
    """A pledge active in the risk scenario stationed within ``risk_km`` of the line:
    ``personnel`` [persons], ``distance_km`` [km]."""

    unit: str
    pledge: str
    nation: str
    node: str
    personnel: float
    distance_km: float

    def to_json(self) -> dict[str, object]:
        """One row of ``at_risk`` in the JSON."""
        return {
            "unit": self.unit,
            "pledge": self.pledge,
            "nation": self.nation,
            "node": self.node,
            "personnel": round(self.personnel, 3),
            "distance_km": round(self.distance_km, 1),
        }


@dataclass(frozen=True)
class StationLoad:
    """A station and what stands there: ``personnel`` [persons] in ``units`` units
    (0 for a station of the posture that holds nobody)."""

    node: str
    zone: str
    personnel: float
    units: int

    def to_json(self) -> dict[str, object]:
        """One row of ``stations`` in the JSON."""
        return {
            "node": self.node,
            "zone": self.zone,
            "personnel": round(self.personnel, 3),
            "units": self.units,
        }


@dataclass(frozen=True)
class PostureResult:
    """Where the force stands under one posture and what it covers."""

    scenario: str | None
    requirement: str | None
    posture: str | None
    """Posture id; None = the deployment plan's own layout (the network's zones)."""
    posture_name: str
    settings: PosturePlanning
    network: Network
    units: tuple[UnitPosture, ...]
    not_stationed: tuple[NotStationed, ...]
    segments: tuple[Segment, ...]
    coverage: Mapping[float, float]
    """Share of the line's length a manoeuvre unit free to move to the line (no
    front-line caveat) reaches within T hours [h -> 0-1]."""
    caveats: tuple[CaveatCost, ...]
    risk_scenario: str | None
    at_risk: tuple[AtRisk, ...]
    coverage_including_caveated: Mapping[float, float] | None = None
    """The same, counting caveated manoeuvre units too [h -> 0-1]."""
    stations: tuple[StationLoad, ...] = ()
    """Personnel at each station: the posture's stations first, then other nodes."""
    warnings: tuple[str, ...] = ()
    """Problems of the posture in words, e.g. a station that holds nobody."""

    @property
    def personnel(self) -> float:
        """Personnel stationed on the ground [persons]."""
        return float(sum(u.station.personnel for u in self.units))

    @property
    def within_km(self) -> dict[float, float]:
        """Personnel within each distance band of the line [km -> persons]."""
        return {
            km: float(sum(u.station.personnel for u in self.units if u.distance_km <= km))
            for km in self.settings.within_km
        }

    @property
    def line_km(self) -> float:
        """Length of the line of contact [km]."""
        return self.segments[-1].piece.end_km if self.segments else 0.0

    @property
    def worst_segment(self) -> Segment | None:
        """The segment whose fastest reinforcement takes longest."""
        return worst_segment(self.segments)

    def summary(self) -> dict[str, object]:
        """The figures a comparison shows: personnel by band, coverage, worst segment,
        caveat costs, pledges at risk."""
        worst = self.worst_segment
        return {
            "posture": self.posture,
            "posture_name": self.posture_name,
            "personnel": round(self.personnel, 3),
            "within_km": {hours_key(k): round(v) for k, v in self.within_km.items()},
            "coverage": {hours_key(h): round(v, 4) for h, v in self.coverage.items()},
            "coverage_including_caveated": {
                hours_key(h): round(v, 4)
                for h, v in (self.coverage_including_caveated or {}).items()
            },
            "stations": [s.to_json() for s in self.stations],
            "warnings": list(self.warnings),
            "worst_segment": None if worst is None else worst.to_json(),
            "caveats": [c.to_json() for c in self.caveats],
            "risk_scenario": self.risk_scenario,
            "at_risk": [a.to_json() for a in self.at_risk],
        }

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        s = self.settings
        return {
            "scenario": self.scenario,
            "requirement": self.requirement,
            **self.summary(),
            "settings": {
                "detour_factor": s.detour_factor,
                "convoy_speed_kmh": s.convoy_speed_kmh,
                "coverage_hours": list(s.coverage_hours),
                "within_km": list(s.within_km),
                "segment_km": s.segment_km,
                "risk_km": s.risk_km,
            },
            "line_km": round(self.line_km, 1),
            "segments": len(self.segments),
            "units": [u.to_json() for u in self.units],
            "not_stationed": [
                {
                    "unit": n.unit,
                    "pledge": n.pledge,
                    "nation": n.nation,
                    "reason": n.reason,
                    "personnel": round(n.personnel, 3),
                    "zone": n.zone,
                }
                for n in self.not_stationed
            ],
        }

    def to_geojson(self) -> dict[str, Any]:
        """A FeatureCollection (RFC 7946) for QGIS: the network (nodes, legs, zone
        destinations, line of contact), each unit as a point at its node (layer
        ``unit``) and each segment of the line as a LineString (layer ``coverage``)."""
        nodes = {n.id: n for n in self.network.nodes}
        features = geojson.network_features(self.network)
        for u in self.units:
            node = nodes[u.station.node]
            features.append(geojson.point(node.lon, node.lat, {"layer": "unit", **u.to_json()}))
        for segment in self.segments:
            p = segment.piece
            properties: dict[str, object] = {
                "layer": "coverage",
                "index": p.index,
                "start_km": round(p.start_km, 3),
                "end_km": round(p.end_km, 3),
                "length_km": round(p.length_km, 3),
                "hours_to_reach": None if segment.hours is None else round(segment.hours, 3),
                "first_unit": segment.unit,
                "first_nation": segment.nation,
                "from_node": segment.node,
            }
            for hours in self.coverage:
                properties[f"covered_{hours_key(hours)}h"] = segment.covered(hours)
            features.append(
                geojson.line([(p.start[1], p.start[0]), (p.end[1], p.end[0])], properties)
            )
        return geojson.collection(
            features,
            name="forcegen posture",
            scenario=self.scenario,
            posture=self.posture,
        )

    # -- DataFrame views ---------------------------------------------------------------

    def units_frame(self) -> pd.DataFrame:
        """One row per unit: where it stands, personnel [persons], distance_km [km],
        road_hours [h], caveated."""
        import pandas as pd

        columns = [
            "unit",
            "pledge",
            "nation",
            "capability",
            "manoeuvre",
            "zone",
            "node",
            "personnel",
            "distance_km",
            "road_hours",
            "caveated",
        ]
        return pd.DataFrame([u.to_json() for u in self.units], columns=columns)

    def stations_frame(self) -> pd.DataFrame:
        """One row per station: node, zone, personnel [persons], units (0: holds
        nobody)."""
        import pandas as pd

        columns = ["node", "zone", "personnel", "units"]
        return pd.DataFrame([s.to_json() for s in self.stations], columns=columns)

    def segments_frame(self) -> pd.DataFrame:
        """One row per segment of the line: start_km, end_km [km], hours [h] to reach it
        and the unit that reaches it first."""
        import pandas as pd

        rows = [
            {
                "index": s.piece.index,
                "start_km": s.piece.start_km,
                "end_km": s.piece.end_km,
                "hours": s.hours,
                "unit": s.unit,
                "nation": s.nation,
                "node": s.node,
            }
            for s in self.segments
        ]
        columns = ["index", "start_km", "end_km", "hours", "unit", "nation", "node"]
        return pd.DataFrame(rows, columns=columns)

    def caveats_frame(self) -> pd.DataFrame:
        """One row per caveat lifted and reinforcement time: coverage and gain [0-1], the
        layout that gave it ("in place" or "restationed")."""
        import pandas as pd

        rows = [
            {
                "nations": ",".join(c.nations),
                "hours": hours,
                "coverage": c.coverage[hours],
                "gained": c.gained[hours],
                "layout": (c.layout or {}).get(hours),
            }
            for c in self.caveats
            for hours in c.coverage
        ]
        return pd.DataFrame(rows, columns=["nations", "hours", "coverage", "gained", "layout"])

    def at_risk_frame(self) -> pd.DataFrame:
        """One row per pledge at risk: node, personnel [persons], distance_km [km]."""
        import pandas as pd

        columns = ["unit", "pledge", "nation", "node", "personnel", "distance_km"]
        return pd.DataFrame([a.to_json() for a in self.at_risk], columns=columns)


@dataclass(frozen=True)
class PostureComparison:
    """Several postures side by side, for one scenario (or requirement)."""

    scenario: str | None
    requirement: str | None
    results: tuple[PostureResult, ...]

    def to_json(self) -> dict[str, object]:
        """The documented JSON shape (docs/json.md)."""
        return {
            "scenario": self.scenario,
            "requirement": self.requirement,
            "postures": [r.summary() for r in self.results],
        }

    def to_geojson(self) -> dict[str, Any]:
        """One FeatureCollection: the network once, then each posture's units and
        coverage segments, each with a ``posture`` property."""
        return comparison_geojson(self)

    def postures_frame(self) -> pd.DataFrame:
        """One row per posture: personnel within each band [persons], coverage at each
        time [0-1], worst segment hours [h], pledges at risk."""
        import pandas as pd

        rows = []
        for r in self.results:
            worst = r.worst_segment
            row: dict[str, object] = {"posture": r.posture, "personnel": r.personnel}
            row |= {f"within_{hours_key(k)}_km": v for k, v in r.within_km.items()}
            row |= {f"coverage_{hours_key(h)}h": v for h, v in r.coverage.items()}
            row["worst_hours"] = None if worst is None else worst.hours
            row["at_risk"] = ",".join(a.pledge for a in r.at_risk)
            rows.append(row)
        return pd.DataFrame(rows)

    def caveats_frame(self) -> pd.DataFrame:
        """One row per posture, caveat lifted and reinforcement time [0-1]."""
        import pandas as pd

        frames = [r.caveats_frame().assign(posture=r.posture) for r in self.results]
        if not frames:
            return pd.DataFrame(
                columns=["posture", "nations", "hours", "coverage", "gained", "layout"]
            )
        out = pd.concat(frames, ignore_index=True)
        return out[["posture", "nations", "hours", "coverage", "gained", "layout"]]


def comparison_geojson(comparison: PostureComparison) -> dict[str, Any]:
    """One FeatureCollection for several postures: the network once, then the units
    and coverage segments of each posture, each feature with a ``posture`` property."""
    features: list[geojson.Feature] = []
    for n, result in enumerate(comparison.results):
        own = result.to_geojson()["features"]
        if n:
            own = [f for f in own if f["properties"]["layer"] in ("unit", "coverage")]
        for feature in own:
            if feature["properties"]["layer"] in ("unit", "coverage"):
                feature["properties"]["posture"] = result.posture
        features += own
    return geojson.collection(
        features, name="forcegen posture comparison", scenario=comparison.scenario
    )
