"""Deployment charts: closure curve, offline network map and disruption histogram."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import forcegen
from forcegen.engine.deployment.deploy import DeploymentResult, deploy
from forcegen.engine.deployment.disruptions import DisruptionDraws

pytest.importorskip("matplotlib")

from forcegen.plots.deployment import (
    closure_curve,
    deployment_charts,
    disruption_histogram,
    network_map,
)

TINY = """
zones:
  - {id: west, name: Western Ukraine}
capabilities:
  - {id: coy, name: Company, domain: land, personnel: 150, basis: assumption}
nations:
  - {id: POL, name: Poland, active_personnel: 164000, land_personnel: 60000, basis: assumption}
pledges:
  - {id: pol-coy, nation: POL, capability: coy, quantity: 2, zones: [west], basis: assumption}
network:
  horizon_days: 30
  zones: {west: lviv}
  origins: {POL: [rzeszow]}
  nodes:
    - {id: rzeszow, name: Rzeszow, kind: staging, lat: 50.04, lon: 22.0, basis: assumption}
    - {id: medyka, name: Medyka, kind: border, lat: 49.81, lon: 22.94, basis: assumption}
    - {id: lviv, name: Lviv, kind: destination, lat: 49.84, lon: 24.03, basis: assumption}
  legs:
    - id: rzeszow-medyka-road
      from: rzeszow
      to: medyka
      mode: road
      transit_days: 1
      capacity: {pax_per_day: 100, short_tons_per_day: 0}
      basis: assumption
    - id: rzeszow-medyka-rail
      from: rzeszow
      to: medyka
      mode: rail
      transit_days: 1
      capacity: {pax_per_day: 50, short_tons_per_day: 0}
      basis: assumption
    - id: medyka-lviv-rail
      from: medyka
      to: lviv
      mode: rail
      transit_days: 1
      gauge_break: true
      capacity: {pax_per_day: 1000, short_tons_per_day: 0}
      basis: assumption
    - id: lviv-medyka-road
      from: lviv
      to: medyka
      mode: road
      transit_days: 1
      capacity: {pax_per_day: 100, short_tons_per_day: 0}
      basis: assumption
"""


@pytest.fixture(scope="module")
def builtin_result() -> DeploymentResult:
    workspace = forcegen.load_builtin("mnf-ukraine")
    return deploy(workspace, "ceasefire-only", draws=5, seed=1)


def _check_written(paths: list[Path], stems: set[str]) -> None:
    assert {p.name for p in paths} == {f"{s}.{fmt}" for s in stems for fmt in ("png", "svg")}
    for path in paths:
        assert path.exists() and path.stat().st_size > 0, path


def test_deployment_charts_of_the_builtin_dataset(
    builtin_result: DeploymentResult, tmp_path: Path
) -> None:
    paths = deployment_charts(builtin_result, tmp_path)
    _check_written(paths, {"deploy_closure", "deploy_map", "deploy_disruptions"})
    svg = (tmp_path / "deploy_map.svg").read_text(encoding="utf-8")
    assert svg.count("<path") > 20  # country outlines, legs, markers
    assert "line of contact (approx.)" in svg
    assert "peak utilisation" in svg
    assert "ceasefire-only" in (tmp_path / "deploy_closure.svg").read_text(encoding="utf-8")


def test_png_is_reproducible(builtin_result: DeploymentResult, tmp_path: Path) -> None:
    # SVG clip-path ids vary between runs; the PNG bytes do not
    first = closure_curve(builtin_result, tmp_path / "a")
    second = closure_curve(builtin_result, tmp_path / "b")
    assert first[0].suffix == ".png"
    assert first[0].read_bytes() == second[0].read_bytes()


def test_network_map_without_line_of_contact(
    write_yaml: Callable[[str, str], Path], tmp_path: Path
) -> None:
    workspace = forcegen.load_workspace(write_yaml(TINY, "tiny.yaml"))
    result = deploy(workspace)
    assert result.network.line_of_contact is None
    assert result.plan.closure_day is not None
    paths = network_map(result, tmp_path / "map")
    _check_written(paths, {"deploy_map"})
    svg = (tmp_path / "map" / "deploy_map.svg").read_text(encoding="utf-8")
    assert "line of contact" not in svg
    assert "leg not used" in svg  # lviv-medyka-road carries nothing
    assert "rail gauge break" in svg
    assert "Lviv" in svg and "Medyka" in svg


def test_no_histogram_without_draws(write_yaml: Callable[[str, str], Path], tmp_path: Path) -> None:
    workspace = forcegen.load_workspace(write_yaml(TINY, "tiny.yaml"))
    result = deploy(workspace)
    assert result.disruptions is None
    assert disruption_histogram(result, tmp_path / "none") == []
    paths = deployment_charts(result, tmp_path / "all")
    _check_written(paths, {"deploy_closure", "deploy_map"})


def test_histogram_shows_draws_that_do_not_close(
    builtin_result: DeploymentResult, tmp_path: Path
) -> None:
    draws = DisruptionDraws(
        seed=7, closure_days=(39, 45, None, 52, None, 39), patterns=((),) * 6, horizon=180
    )
    result = replace(builtin_result, disruptions=draws)
    paths = disruption_histogram(result, tmp_path)
    _check_written(paths, {"deploy_disruptions"})
    svg = (tmp_path / "deploy_disruptions.svg").read_text(encoding="utf-8")
    assert "not closed by day 180 (2 draws)" in svg
