"""Sweeps over probability assumptions: grid, serial vs Dask, errors."""

from __future__ import annotations

import json

import pytest

import forcegen
from forcegen.engine.odds.sweep import SweepAxis, grid, run_sweep
from forcegen.errors import ForcegenError, UnknownIdError
from helpers.cli import cli
from helpers.data import SMALL


def test_axis_parsing() -> None:
    assert SweepAxis.parse("a=0:1:0.25").values == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert SweepAxis.parse("a=0:0.3:0.1").values == (0.0, 0.1, 0.2, 0.3)
    assert SweepAxis.parse("b=0, 0.5,1").values == (0.0, 0.5, 1.0)
    for bad in ("a", "a=", "=0:1:0.1", "a=0:1", "a=1:0:0.1", "a=0:1:0", "a=x,y", "a=0,1.5"):
        with pytest.raises(ForcegenError):
            SweepAxis.parse(bad)


def test_grid_order() -> None:
    points = grid([SweepAxis("a", (0.0, 1.0)), SweepAxis("b", (0.1, 0.2, 0.3))])
    assert points[:3] == [{"a": 0.0, "b": 0.1}, {"a": 0.0, "b": 0.2}, {"a": 0.0, "b": 0.3}]
    assert len(points) == 6


def test_exact_sweep_matches_hand_values(small: forcegen.Workspace) -> None:
    result = run_sweep(small, [SweepAxis("backstop", (0.0, 1.0))], exact=True)
    means = [row["personnel_mean"] for row in result.rows]
    # E = .5*5300 + .5*P(backstop)*10000 + .2*300
    assert means == pytest.approx([2650 + 60, 2650 + 5000 + 60])


def test_sweep_refuses_fixed_unknown_and_repeated_conditions(small: forcegen.Workspace) -> None:
    with pytest.raises(ForcegenError, match="fixes 'ceasefire'"):
        run_sweep(small, [SweepAxis("ceasefire", (0.5,))], "cf", draws=10)
    with pytest.raises(UnknownIdError):
        run_sweep(small, [SweepAxis("nope", (0.5,))], draws=10)
    with pytest.raises(ForcegenError, match="twice"):
        run_sweep(small, [SweepAxis("consent", (0.5,)), SweepAxis("consent", (1.0,))], draws=10)
    with pytest.raises(ForcegenError, match="at least one axis"):
        run_sweep(small, [], draws=10)


def test_dask_local_cluster_gives_the_serial_rows(small: forcegen.Workspace) -> None:
    axes = [SweepAxis("consent", (0.0, 0.5, 1.0)), SweepAxis("backstop", (0.2, 0.8))]
    serial = run_sweep(small, axes, draws=30_000, seed=4)
    with forcegen.dask_cluster(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        distributed = run_sweep(small, axes, draws=30_000, seed=4, client=client)
    assert distributed.rows == serial.rows
    api = forcegen.sweep(small, ["consent=0,0.5,1", "backstop=0.2,0.8"], draws=30_000, seed=4)
    assert api.rows == serial.rows
    assert json.dumps(distributed.to_json()) == json.dumps(serial.to_json())


def test_sweep_cli_json_csv_and_chart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "sweep.csv"
    result = cli(
        "sweep",
        str(SMALL),
        "--vary",
        "consent=0:1:0.5",
        "--vary",
        "backstop=0,1",
        "--draws",
        "5000",
        "--seed",
        "2",
        "--serial",
        "--json",
        "--csv",
        str(csv),
        "--plot",
        str(tmp_path),
    )
    assert result.code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["axes"] == {"consent": [0.0, 0.5, 1.0], "backstop": [0.0, 1.0]}
    assert len(payload["rows"]) == 6
    assert {"consent", "backstop", "personnel_mean", "p_met:opt-a"} <= set(payload["rows"][0])
    assert csv.read_text(encoding="utf-8").count("\n") == 7
    assert (tmp_path / "sweep.png").exists() and (tmp_path / "sweep.svg").exists()
    bad = cli("sweep", str(SMALL), "--vary", "consent=0:2:0.5", "--serial")
    assert bad.code == 2 and "outside [0, 1]" in bad.stderr and bad.stdout == ""
