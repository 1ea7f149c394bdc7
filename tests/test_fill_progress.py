"""The requirement fills of a Monte Carlo run report their progress, the total known
before the first part fill, and the CLI warns when their pace says the study is slow
although the cost table said it was not (a 1,000-pledge coalition whose patterns each
need the tie-breaks: 46 s for 3 draws and nothing on the terminal, table estimate 1 s)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from benchmarks.synthetic_odds import synthetic_odds

import forcegen
from forcegen.engine import study_cost
from forcegen.engine.odds.montecarlo import monte_carlo
from forcegen.engine.odds.outcomes import requirement_fills
from forcegen.engine.sourcing import fill as filling
from forcegen.engine.sourcing.fill import BatchFill, fill_batch
from forcegen.engine.study_cost import PACE_SECONDS, SLOW_SECONDS, StudyPace, estimate
from helpers.cli import cli


def _workspace(conditions: int = 8) -> forcegen.Workspace:
    """Every capability with a substitute: short levels of mixed personnel need the
    optimiser (586 part fills for 200 random rows)."""
    return forcegen.build_workspace(
        synthetic_odds(conditions=conditions, options=2, lines=6, pledges=50, substitutes=1.0)
    )


def _active(ws: forcegen.Workspace, rows: int = 200) -> np.ndarray:
    return np.random.default_rng(0).random((rows, len(ws.pledges))) < 0.6


def _counting_solver(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = filling._PartFill._by_solver

    def counted(self: Any, key: Any, cache: Any) -> Any:
        calls.append(1)
        return real(self, key, cache)

    monkeypatch.setattr(filling._PartFill, "_by_solver", counted)
    return calls


def test_the_total_is_known_before_the_first_fill_and_each_fill_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = _workspace()
    active = _active(ws)
    quiet = requirement_fills(ws, active, {})
    solver = _counting_solver(monkeypatch)
    seen: list[tuple[int, int, int]] = []  # (done, total, solver calls so far)
    cache: dict[Any, Any] = {}
    loud = requirement_fills(ws, active, cache, lambda d, t: seen.append((d, t, len(solver))))
    total = len(solver)
    assert total > 100
    assert seen[0] == (0, total, 0)  # before any solve
    assert [(d, t) for d, t, _ in seen] == [(k, total) for k in range(total + 1)]
    assert all(d == calls for d, _, calls in seen)  # reported after each fill
    for a, b in zip(quiet, loud, strict=True):
        assert np.array_equal(a, b)  # the same bits
    # the same rows again with the same cache: nothing left, nothing reported
    again: list[tuple[int, int]] = []
    requirement_fills(ws, active, cache, lambda d, t: again.append((d, t)))
    assert again == [] and len(solver) == total


def test_a_batch_counts_its_fills_without_solving_any(monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _workspace()
    active = _active(ws)
    requirement = next(iter(ws.requirements.values()))
    expected = fill_batch(ws, requirement, active, personnel=True)
    solver = _counting_solver(monkeypatch)
    batch = BatchFill(ws, requirement, active, personnel=True)
    left = batch.solves
    assert solver == [] and left > 0
    ticks: list[int] = []
    got = batch.finish(lambda: ticks.append(1))
    assert len(ticks) == len(solver) == left
    for a, b in zip(expected, got, strict=True):
        assert np.array_equal(a, b)
    assert batch.solves == 0  # nothing left


def test_monte_carlo_reports_each_batch_of_fills_and_gives_the_same_result() -> None:
    ws = _workspace()
    plain = monte_carlo(ws, draws=2_000, seed=4)
    calls: list[tuple[int, int]] = []
    watched = monte_carlo(ws, draws=2_000, seed=4, fill_progress=lambda d, t: calls.append((d, t)))
    assert json.dumps(plain.to_json(), sort_keys=True) == json.dumps(
        watched.to_json(), sort_keys=True
    )
    starts = [k for k, (d, _) in enumerate(calls) if d == 0]
    assert starts and starts[0] == 0
    for first, end in zip(starts, [*starts[1:], len(calls)], strict=True):
        batch = calls[first:end]
        total = batch[0][1]
        assert batch == [(k, total) for k in range(total + 1)]


def test_on_a_cluster_the_patterns_are_reported_as_their_chunks_come_back() -> None:
    ws = _workspace()
    serial = monte_carlo(ws, draws=20_000, seed=6, sensitivity=False)
    calls: list[tuple[int, int]] = []
    with forcegen.dask_cluster(workers=2) as client:
        distributed = monte_carlo(
            ws,
            draws=20_000,
            seed=6,
            sensitivity=False,
            client=client,
            fill_progress=lambda d, t: calls.append((d, t)),
        )
    assert json.dumps(serial.to_json(), sort_keys=True) == json.dumps(
        distributed.to_json(), sort_keys=True
    )
    patterns = serial.patterns.codes.shape[0]
    assert patterns >= 3 * 64  # several chunks
    assert calls[0] == (0, patterns) and calls[-1] == (patterns, patterns)
    assert len(calls) >= 3
    done = [d for d, _ in calls]
    assert done == sorted(done) and all(t == patterns for _, t in calls)


def test_the_pace_warns_once_when_a_batch_will_pass_a_minute() -> None:
    quick = estimate("montecarlo", 1_000)  # well under a minute
    assert not quick.slow
    pace = StudyPace(quick)
    assert pace.check(0, 100, 100.0) is None
    # too early to read a pace: a first fill can be slow
    assert pace.check(1, 100, 100.0 + PACE_SECONDS / 2) is None
    said = pace.check(2, 100, 100.0 + PACE_SECONDS)  # 50 x PACE_SECONDS in all
    assert PACE_SECONDS * 50 > SLOW_SECONDS
    assert said is not None
    assert "2 of 100 part fills took 5 s" in said and "about 4 min" in said
    assert "(under a second)" in said  # the estimate it contradicts
    assert pace.check(3, 100, 200.0) is None  # once per study
    assert pace.check(0, 10, 300.0) is None and pace.check(1, 10, 400.0) is None


def test_the_pace_says_nothing_for_a_quick_batch_or_a_study_already_warned_about() -> None:
    pace = StudyPace(estimate("montecarlo", 1_000), "patterns")
    assert pace.check(0, 10, 0.0) is None
    assert pace.check(1, 10, PACE_SECONDS) is None  # 10 x 5 s: under a minute
    assert pace.check(10, 10, 2 * PACE_SECONDS) is None  # the batch is done
    # a new batch starts the clock again
    assert pace.check(0, 1000, 100.0) is None
    assert pace.check(100, 1000, 101.0) is None  # 10 s in all at this pace, and too early
    said = pace.check(101, 1000, 100.0 + PACE_SECONDS + 10)
    assert said is not None and "101 of 1,000 patterns" in said
    slow = estimate("montecarlo", 1e12)
    assert slow.slow
    warned = StudyPace(slow)
    assert warned.check(0, 1000, 0.0) is None
    assert warned.check(1, 1000, 60.0) is None  # the estimate before the run warned
    none = StudyPace(None)
    none.check(0, 100, 0.0)
    assert "(no estimate)" in (none.check(1, 100, 60.0) or "")


def test_montecarlo_cli_warns_from_the_pace_and_prints_the_same_result(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import yaml

    path = tmp_path / "ws.yaml"
    path.write_text(
        yaml.safe_dump(
            synthetic_odds(conditions=6, options=1, lines=6, pledges=40, substitutes=1.0),
            sort_keys=False,
        )
    )
    args = ("montecarlo", str(path), "--draws", "300", "--seed", "2", "--json")
    plain = cli(*args)
    assert plain.code == 0 and "slower than the measured cost" not in plain.stderr
    monkeypatch.setattr(study_cost, "PACE_SECONDS", 0.0)
    monkeypatch.setattr(study_cost, "SLOW_SECONDS", -1.0)  # any pace is slow
    monkeypatch.setattr(forcegen, "study_cost", lambda *a, **k: None)  # no estimate first
    loud = cli(*args)
    assert loud.code == 0, loud.stderr
    assert loud.stdout == plain.stdout
    assert loud.stderr.count("warning: the requirement fills are slower") == 1
    assert "(no estimate)" in loud.stderr and "part fills took" in loud.stderr
    assert "--dask fills them" in loud.stderr  # left in this process by the estimate
    serial = cli(*args, "--serial")  # the user's choice: no advice against it
    assert serial.code == 0 and serial.stdout == plain.stdout
    assert "slower than the measured cost" in serial.stderr and "--dask" not in serial.stderr
    monkeypatch.setattr(forcegen, "dask_installed", lambda: False)
    bare = cli(*args)
    assert bare.code == 0 and "--dask" not in bare.stderr


def test_on_a_local_cluster_the_pace_waits_for_a_wave_of_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[Any] = []
    real = forcegen.StudyPace

    def recording(*a: Any, **k: Any) -> Any:
        made.append(real(*a, **k))
        return made[-1]

    monkeypatch.setattr(forcegen, "StudyPace", recording)
    from helpers.data import SMALL

    done = cli(
        "montecarlo", str(SMALL), "--draws", "500", "--json", "--dask", "--dask-workers", "2"
    )
    assert done.code == 0, done.stderr
    assert made[0].parallel == 2 and made[0].unit == "patterns"
