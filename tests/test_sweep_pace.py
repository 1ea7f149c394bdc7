"""A sweep slower than its estimate says so while it runs (issue 17, point 5): the pace of
its grid points, read as :class:`forcegen.StudyPace` reads the fills of a Monte Carlo run."""

from __future__ import annotations

from typing import Any

import pytest

import forcegen
from forcegen.engine import study_cost
from forcegen.engine.study_cost import PACE_SECONDS, StudyPace, estimate
from helpers.cli import cli
from helpers.data import SMALL

VARY = ("--vary", "ceasefire=0.2,0.5,0.8", "--vary", "backstop=0.3,0.6")


def test_the_sweep_reports_its_start_then_each_point(small: forcegen.Workspace) -> None:
    seen: list[tuple[int, int]] = []
    forcegen.sweep(
        small,
        ["ceasefire=0.2,0.5,0.8"],
        draws=1_000,
        serial=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_the_pace_of_a_sweep_counts_points_and_says_why_the_estimate_missed() -> None:
    pace = StudyPace.for_sweep(estimate("montecarlo", 1_000), parallel=2)
    assert pace.check(0, 40, 0.0) is None
    assert pace.check(1, 40, PACE_SECONDS + 1) is None  # one of the two side by side
    said = pace.check(2, 40, PACE_SECONDS + 2)  # 2 of 40 points in 7 s: 140 s in all
    assert said is not None
    assert said.startswith("the sweep's points are slower than the measured cost said")
    assert "2 of 40 points took 7 s, so the sweep will take about 2 min" in said
    assert "workspace's own probabilities" in said
    blind = StudyPace.for_sweep(None)
    blind.check(0, 10, 0.0)
    said = blind.check(1, 10, 60.0) or ""
    assert "(no estimate)" in said and "no curve for a sweep without requirements" in said


def test_sweep_cli_warns_from_the_pace_and_prints_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ("sweep", str(SMALL), *VARY, "--draws", "2000", "--seed", "3", "--json", "--serial")
    plain = cli(*args)
    assert plain.code == 0, plain.stderr
    assert "slower than the measured cost" not in plain.stderr
    monkeypatch.setattr(study_cost, "PACE_SECONDS", 0.0)
    monkeypatch.setattr(study_cost, "SLOW_SECONDS", -1.0)  # any pace is slow
    monkeypatch.setattr(forcegen, "study_cost", lambda *a, **k: None)  # no estimate first
    loud = cli(*args)
    assert loud.code == 0, loud.stderr
    assert loud.stdout == plain.stdout
    assert loud.stderr.count("warning: the sweep's points are slower") == 1
    assert "1 of 6 points took" in loud.stderr


def _recorded_paces(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The paces the sweep command makes, in order, as it makes them."""
    made: list[Any] = []
    real = forcegen.StudyPace.for_sweep

    def recording(*a: Any, **k: Any) -> Any:
        made.append(real(*a, **k))
        return made[-1]

    monkeypatch.setattr(forcegen.StudyPace, "for_sweep", recording)
    return made


def test_sweep_cli_reads_the_pace_a_wave_of_workers_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = _recorded_paces(monkeypatch)
    done = cli("sweep", str(SMALL), *VARY, "--draws", "2000", "--json", "--workers", "2")
    assert done.code == 0, done.stderr
    assert made[0].parallel == 2 and made[0].unit == "points"
    assert made[0].running  # the sweep reported its start
    serial = cli("sweep", str(SMALL), *VARY, "--draws", "2000", "--json", "--serial")
    assert serial.code == 0 and made[1].parallel == 1


def test_sweep_on_a_scheduler_reads_the_pace_a_wave_of_its_cluster_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # review: with --scheduler the pace waited for --workers (default 2) reports, not for
    # the cluster's: 16 side by side, 64 points of 10 s, it read 2 points in 10 s as
    # 320 s for the sweep (4 waves: 40 s) and warned
    from dask.distributed import LocalCluster

    made = _recorded_paces(monkeypatch)
    with LocalCluster(
        n_workers=1,
        threads_per_worker=3,
        processes=False,
        protocol="tcp",
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
    ) as cluster:
        done = cli(
            "sweep", str(SMALL), *VARY, "--draws", "2000", "--json",
            "--scheduler", cluster.scheduler_address,
        )  # fmt: skip
    assert done.code == 0, done.stderr
    assert made[0].parallel == 3  # the cluster's threads, not --workers
